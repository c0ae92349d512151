#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A narrated RTP call relayed by the kernel: the commands an operator and a SIP proxy would run.
#
# Runs in the VM (tests/vm/run.sh demo); every command is printed before it
# runs, prefixed with the host it runs on: "proxy#" is the RTP proxy,
# "phone-a$"/"phone-b$" are the two phones behind their NATs.
. "$(dirname "$0")/lib.sh"

# The CLI and the traffic tool (tests/vm/udpt.c) by their plain names.
export PATH=$REPO/build/iptrtpproxy:${UDP[0]%/*}:$PATH

declare -A host_ns=([proxy]=proxy [phone-a]=clienta [phone-b]=clientb)

say() {
	printf '\n### %s\n' "$*"
}

# run HOST COMMAND...: shows and runs a command on one of the hosts.
run() {
	local host=$1 prompt='$'
	shift
	[ "$host" = proxy ] && prompt='#'
	# On stderr, so that $(run ...) captures the output only.
	printf '%s%s %s\n' "$host" "$prompt" "$*" >&2
	ip netns exec "${host_ns[$host]}" "$@"
}

say "The network (namespaces in this VM):"
cat <<EOF
    phone A $CLIENT_A  ---  $GATE_A [ proxy ] $GATE_B  ---  $CLIENT_B phone B
                                 gate A        gate B
    The proxy does not route (ip_forward=0): only the kernel's RTPPROXY
    target moves RTP between the two sides.
EOF
setup_topology >/dev/null
require_product

say "Load the module"
printf 'proxy# insmod build/kmod/%s/xt_RTPPROXY.ko\n' "$(uname -r)"
load_module

say "Define a switchboard of 100 sessions: gate A on $GATE_A:50000-50199, gate B on $GATE_B:52000-52199"
run proxy iptables -t mangle -N rtpproxy
run proxy iptables -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE_A" --port-a 50000 \
	--addr-b "$GATE_B" --port-b 52000 --max-sess 100 --expires-timeout 60
run proxy iptables -t mangle -A PREROUTING -p udp -j rtpproxy
run proxy iptables-save -t mangle
run proxy iptrtpproxy list

say "A call is set up: the SIP proxy allocates a session; phones behind NAT are learned from their first packets"
out=$(run proxy iptrtpproxy alloc --addr-a "$GATE_A" --port-a 50000 \
	--rtp-learning-timeout-a 60000 --rtp-learning-timeout-b 60000)
echo "$out"
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
cat <<EOF
    The SDP sent to phone A says: media at $GATE_A port $pa (RTCP $((pa + 1))).
    The SDP sent to phone B says: media at $GATE_B port $pb (RTCP $((pb + 1))).
EOF

say "Phone B sends first (its NAT opens; the proxy learns B, but A is still unknown)"
run phone-b udpt send --from "$CLIENT_B:6000" --to "$GATE_B:$pb" --count 1

say "Phone B echoes what it hears; phone A talks: 50 packets of 20 ms, each must come back intact from gate A"
ip netns exec clientb "${UDP[@]}" echo --bind "$CLIENT_B:6000" --count 50 --timeout 60 \
	--ready "$TMP/echo.ready" >"$TMP/echo.out" &
echo_pid=$!
wait_until 30 "phone B listens" test -e "$TMP/echo.ready" >/dev/null
run phone-a udpt ping --from "$CLIENT_A:4000" --to "$GATE_A:$pa" --count 50 --interval 0.02 \
	--expect-from "$GATE_A:$pa"
wait "$echo_pid"
printf 'phone-b: what phone B heard: %s\n' "$(cat "$TMP/echo.out")"
echo "    Phone B heard phone A from gate B ($GATE_B:$pb), never from A's own address."

say "RTCP takes the next port of each gate"
run phone-b udpt send --from "$CLIENT_B:6001" --to "$GATE_B:$((pb + 1))" --count 1 --kind rtcp --size 52
ip netns exec clientb "${UDP[@]}" recv --bind "$CLIENT_B:6001" --count 5 --timeout 30 \
	--ready "$TMP/rtcp.ready" >"$TMP/rtcp.out" &
rtcp_pid=$!
wait_until 30 "phone B listens for RTCP" test -e "$TMP/rtcp.ready" >/dev/null
run phone-a udpt send --from "$CLIENT_A:4001" --to "$GATE_A:$((pa + 1))" --count 5 --kind rtcp --size 52
wait "$rtcp_pid"
printf 'phone-b: what phone B got: %s\n' "$(cat "$TMP/rtcp.out")"

say "What the kernel knows: the learned phones and the counters"
run proxy iptrtpproxy list
run proxy iptrtpproxy info

say "Hang up"
run proxy iptrtpproxy -v delete --addr-a "$GATE_A" --port-a 50000
run proxy iptrtpproxy list

say "Done: $(info_get packets) packets relayed by the kernel, $(info_get drop-no-dest) dropped while the other phone was unknown."
