#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Broken and unusual UDP at the gates: bad lengths and checksums, no checksum, fragments.
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
np "$IP6T" -t mangle -N rtpproxy
np "$IP6T" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE6_A" --port-a 50000 --addr-b "$GATE6_B" \
	--port-b 52000 --max-sess 4 --expires-timeout 3600
np "$IP6T" -t mangle -A PREROUTING -p udp -j rtpproxy
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
pa=$(alloc_field "$out" rtp-port-a)
pb=$(alloc_field "$out" rtp-port-b)
sb=(--addr-a "$GATE_A" --port-a 50000)

raw() { na "${UDP[@]}" raw4 --from "$CLIENT_A:4000" --to "$GATE_A:$pa" "$@"; }

# raw_drop WHAT RAW-OPTIONS...: the packet must not reach B.
raw_drop() {
	local what=$1
	shift
	recv_start "$what" clientb "$CLIENT_B:6000" 0 --timeout 600
	raw "$@"
	recv_stop "$what"
}

step "a well-formed hand-made packet is relayed (the tool itself is right)"
recv_start good clientb "$CLIENT_B:6000" 1 --expect-from "$GATE_B:$pb"
raw
recv_wait good

step "UDP length beyond the packet: dropped as malformed"
before=$(sb_get drop-malformed "${sb[@]}")
raw_drop too-long --udp-len 400
expect_eq "drop-malformed" $((before + 1)) "$(sb_get drop-malformed "${sb[@]}")"

step "UDP length below the header: dropped as malformed"
raw_drop too-short --udp-len 4
expect_eq "drop-malformed" $((before + 2)) "$(sb_get drop-malformed "${sb[@]}")"

step "a datagram cut inside the UDP header: never relayed"
raw_drop truncated --truncate 5

step "a wrong UDP checksum: B never gets a corrupted payload"
raw_drop bad-checksum --bad-checksum
echo "drop-malformed is now $(sb_get drop-malformed "${sb[@]}") (a wrong checksum may also be left to B's stack)"

step "no checksum (0, allowed in IPv4): relayed intact"
recv_start no-checksum clientb "$CLIENT_B:6000" 1 --expect-from "$GATE_B:$pb"
raw --checksum 0
recv_wait no-checksum

step "a 4000-byte datagram, fragmented on the way in: relayed whole, IPv4"
relay_check frag4 clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2 --size 4000
relay_check frag4-back clientb "$CLIENT_B:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" "$GATE_A:$pa" 2 --size 4000
# 4000-byte ones, and 172-byte ones: the good, the checksum-less and maybe
# the one with a wrong checksum (the target may relay it for B to drop).
packets=$(stream_get 0 rtp-a packets "${sb[@]}")
expect_eq "rtp-a bytes" $((2 * 4000 + 172 * (packets - 2))) "$(stream_get 0 rtp-a bytes "${sb[@]}")"

step "the largest datagram UDP allows"
relay_check huge clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 1 --size 65000

step "a 4000-byte datagram, fragmented on the way in: relayed whole, IPv6"
out=$(rtpp alloc --addr-a "$GATE6_A" --port-a 50000 --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6000)
relay_check frag6 clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$(alloc_field "$out" rtp-port-a)" clientb "[$CLIENT6_B]:6000" "[$GATE6_B]:$(alloc_field "$out" rtp-port-b)" 2 --size 4000

rtpp list
