#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv4 <-> IPv6 bridges (rtpproxy's bridging mode): one switchboard named by
# the same rule in iptables and ip6tables, relaying between the families
# both ways, with the payload intact and checksums right (an IPv4 datagram
# without a UDP checksum gets one in IPv6, a corrupt one stays corrupt),
# datagrams too big for the other family's path fragmented as a local
# sender's, the DSCP and hop limit carried over, learning, per-gate family
# checks of client addresses, iptables-save round trips.
. "$(dirname "$0")/lib.sh"

setup_all

# On the clients: counters of what arrives, in PREROUTING before any
# reassembly (IPv4 reassembles before INPUT).
for ns in clienta clientb; do
	ip netns exec "$ns" nft add table inet xtrp_in
	ip netns exec "$ns" nft add chain inet xtrp_in in '{ type filter hook prerouting priority -450; }'
done
# seen NS NAME MATCH...: a counter of the namespace's arrivals matching.
seen() {
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" nft add counter inet xtrp_in "$name"
	ip netns exec "$ns" nft add rule inet xtrp_in in "$@" counter name "$name"
}
count() { ip netns exec "$1" nft list counter inet xtrp_in "$2" | awk '/packets/ { print $2 }'; }

step "a bridge: gate A IPv4, gate B IPv6, the rule in iptables and ip6tables"
add_bridge bridge46 --addr-a "$GATE_A" --port-a 40000 --addr-b "$GATE6_B" --port-b 42000 --max-sess 8
sb=(--addr-a "$GATE_A" --port-a 40000)
rtpp list
expect_eq "one switchboard for both rules" 1 "$(info_get switchboards)"
expect_eq "its rules" 2 "$(sb_get rules "${sb[@]}")"
expect_eq "addr-b" "$GATE6_B" "$(sb_get addr-b "${sb[@]}")"
expect_eq "selected by gate B's address too" "$GATE_A" "$(sb_get addr-a --addr-b "$GATE6_B")"
for t in "$IPT" "$IP6T"; do
	expect_contains "${t##*/} saves both addresses" \
		"--addr-a $GATE_A --port-a 40000 --addr-b $GATE6_B --port-b 42000" \
		"$(np "${t}-save" -t mangle)"
done

step "relayed between the families, both ways, RTP and RTCP"
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6000 --tos 0xb8)
echo "$out"
id=$(alloc_field "$out" sess-id)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
A=$CLIENT_A:4000 GA=$GATE_A:$pa B=[$CLIENT6_B]:6000 GB=[$GATE6_B]:$pb
seen clientb ef6 ip6 dscp ef udp dport 6000
seen clientb hop63 ip6 hoplimit 63 udp dport 6000
seen clientb frag6 ip6 nexthdr ipv6-frag
seen clienta ef4 ip dscp ef udp dport 4000
seen clienta df4 ip frag-off \& 0x4000 != 0 udp dport 4000
seen clienta frag4 ip frag-off \& 0x3fff != 0
relay_check ab clienta "$A" "$GA" clientb "$B" "$GB" 4 --seq 10
relay_check ba clientb "$B" "$GB" clienta "$A" "$GA" 3 --seq 20
relay_check rtcp-ab clienta "$CLIENT_A:4001" "$GATE_A:$((pa + 1))" clientb "[$CLIENT6_B]:6001" \
	"[$GATE6_B]:$((pb + 1))" 2 --kind rtcp
relay_check rtcp-ba clientb "[$CLIENT6_B]:6001" "[$GATE6_B]:$((pb + 1))" clienta "$CLIENT_A:4001" \
	"$GATE_A:$((pa + 1))" 2 --kind rtcp
expect_eq "IPv6 at B: the session's DSCP" 4 "$(count clientb ef6)"
expect_eq "IPv6 at B: the hop limit is the TTL less one" 4 "$(count clientb hop63)"
expect_eq "IPv4 at A: the session's DSCP" 3 "$(count clienta ef4)"
# list reads the session table (records); the alloc reply was a session message.
list_session "$id" "${sb[@]}"
expect_eq "rtp-a client" "$A" "$(stream_get "$id" rtp-a client "${sb[@]}")"
expect_eq "rtp-b client" "$B" "$(stream_get "$id" rtp-b client "${sb[@]}")"
expect_eq "rtp-a packets" 4 "$(stream_get "$id" rtp-a packets "${sb[@]}")"
expect_eq "rtp-b packets" 3 "$(stream_get "$id" rtp-b packets "${sb[@]}")"

step "sizes: what fits the other family's path goes whole, what does not in fragments"
# 1452 bytes of payload: 1480 in IPv4, 1500 (the MTU) in IPv6.
relay_check fits-ab clienta "$A" "$GA" clientb "$B" "$GB" 2 --size 1452
expect_eq "IPv6 at B: no fragments" 0 "$(count clientb frag6)"
relay_check fits-ba clientb "$B" "$GB" clienta "$A" "$GA" 2 --size 1452
# These 2 and the 3 of "ba": IPv6 is never fragmented on its way, so neither is its IPv4.
expect_eq "IPv4 at A: whole, with DF" 5 "$(count clienta df4)"
expect_eq "IPv4 at A: no fragments" 0 "$(count clienta frag4)"
# 20 bytes more than IPv6 has room for: the relay fragments, as a local socket would.
relay_check frag-ab clienta "$A" "$GA" clientb "$B" "$GB" 2 --size 1460
expect_eq "IPv6 at B: two fragments each" 4 "$(count clientb frag6)"
# IPv6 sent in fragments, reassembled, relayed in IPv4 fragments.
relay_check frag-ba clientb "$B" "$GB" clienta "$A" "$GA" 2 --size 3000
expect_match "IPv4 at A: in fragments" "[4-9]|[1-9][0-9]+" "$(count clienta frag4)"
expect_eq "drop-xmit" 0 "$(sb_get drop-xmit "${sb[@]}")"

step "checksums: computed for an IPv4 datagram without one, a corrupt one stays corrupt"
errors=$(csum_errors clientb)
recv_start nocsum clientb "$B" 1 --expect-from "$GB"
"${UDP[@]}" raw4 --netns clienta --from "$A" --to "$GA" --checksum 0 >/dev/null
recv_wait nocsum
recv_start good clientb "$B" 1 --expect-from "$GB"
"${UDP[@]}" raw4 --netns clienta --from "$A" --to "$GA" >/dev/null
recv_wait good
expect_eq "no checksum errors at B" "$errors" "$(csum_errors clientb)"
recv_start bad clientb "$B" 0 --timeout 600
"${UDP[@]}" raw4 --netns clienta --from "$A" --to "$GA" --bad-checksum >/dev/null
recv_stop bad
expect_eq "the corrupt one: thrown away by B's stack" $((errors + 1)) "$(csum_errors clientb)"

step "learning clients of both families"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 --rtp-learning-timeout-b 600000)
id2=$(alloc_field "$out" sess-id)
pa2=$(alloc_field "$out" gate-rtp-port-a)
pb2=$(alloc_field "$out" gate-rtp-port-b)
send clientb "[$CLIENT6_B]:6100" "[$GATE6_B]:$pb2" 1
relay_check learn clienta "$CLIENT_A:4100" "$GATE_A:$pa2" clientb "[$CLIENT6_B]:6100" "[$GATE6_B]:$pb2" 2
relay_check learned clientb "[$CLIENT6_B]:6100" "[$GATE6_B]:$pb2" clienta "$CLIENT_A:4100" "$GATE_A:$pa2" 2
expect_eq "rtp-a learned" "$CLIENT_A:4100" "$(stream_get "$id2" rtp-a client "${sb[@]}")"
expect_eq "rtp-b learned" "[$CLIENT6_B]:6100" "$(stream_get "$id2" rtp-b client "${sb[@]}")"

step "a client address of the other gate's family is refused"
expect_fail 1 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4000
expect_fail 1 rtpp alloc "${sb[@]}" --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000
expect_fail 1 rtpp update "${sb[@]}" --sess-id-lo "$id" --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000
expect_eq "the session kept its client" "$B" "$(stream_get "$id" rtp-b client "${sb[@]}")"

step "the tables reloaded: the switchboard and its sessions stay"
for t in "$IPT" "$IP6T"; do
	np "${t}-save" -t mangle >"$TMP/saved"
	np "${t}-restore" <"$TMP/saved"
done
expect_eq "rules after the reload" 2 "$(sb_get rules "${sb[@]}")"
relay_check reloaded clienta "$A" "$GA" clientb "$B" "$GB" 1

step "the reverse bridge: gate A IPv6, gate B IPv4"
add_bridge bridge64 --addr-a "$GATE6_A" --port-a 44000 --addr-b "$GATE_B" --port-b 46000 --max-sess 2
sb64=(--addr-a "$GATE6_A" --port-a 44000)
out=$(rtpp alloc "${sb64[@]}" --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4200 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6200)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
relay_check ab64 clienta "[$CLIENT6_A]:4200" "[$GATE6_A]:$pa" clientb "$CLIENT_B:6200" "$GATE_B:$pb" 3
relay_check ba64 clientb "$CLIENT_B:6200" "$GATE_B:$pb" clienta "[$CLIENT6_A]:4200" "[$GATE6_A]:$pa" 3
expect_eq "switchboards" 2 "$(info_get switchboards)"

step "a rule in one table only: the other family's gate is not relayed"
add_switchboard --chain half --addr-a "$GATE_A" --port-a 48000 --addr-b "$GATE6_B" --port-b 50000 --max-sess 2
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 48000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4300 \
	--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6300)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
relay_check half-ab clienta "$CLIENT_A:4300" "$GATE_A:$pa" clientb "[$CLIENT6_B]:6300" "[$GATE6_B]:$pb" 2
drop_check half-ba clientb "[$CLIENT6_B]:6300" "[$GATE6_B]:$pb" clienta "$CLIENT_A:4300" 2
expect_eq "half: rules" 1 "$(sb_get rules --addr-a "$GATE_A" --port-a 48000)"

step "the rules removed: the switchboards go"
for t in "$IPT" "$IP6T"; do
	np "$t" -t mangle -F
	np "$t" -t mangle -X
done
expect_eq "switchboards" 0 "$(info_get switchboards)"
echo "PASS"
