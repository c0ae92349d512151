#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv6 switchboards: relay both ways, learning, third party, list format, family mismatches refused.
. "$(dirname "$0")/lib.sh"

setup_all
step "an IPv6 switchboard from ip6tables"
add_switchboard --ipt "$IP6T" --addr-a "$GATE6_A" --port-a 50000 --addr-b "$GATE6_B" --port-b 52000 --max-sess 4
sb=(--addr-a "$GATE6_A" --port-a 50000)
rtpp list
expect_eq "switchboard addr-b" "$GATE6_B" "$(sb_get addr-b)"

step "fixed clients: RTP and RTCP both ways"
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT6_B" --rtp-port-b 6000)
echo "$out"
id=$(alloc_field "$out" sess-id)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
expect_eq "alloc addr-a" "$GATE6_A" "$(alloc_field "$out" addr-a)"
relay_check rtp-ab clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$pa" clientb "[$CLIENT6_B]:6000" "[$GATE6_B]:$pb" 4
relay_check rtp-ba clientb "[$CLIENT6_B]:6000" "[$GATE6_B]:$pb" clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$pa" 3
relay_check rtcp-ab clienta "[$CLIENT6_A]:4001" "[$GATE6_A]:$((pa + 1))" clientb "[$CLIENT6_B]:6001" "[$GATE6_B]:$((pb + 1))" 2 --kind rtcp
relay_check rtcp-ba clientb "[$CLIENT6_B]:6001" "[$GATE6_B]:$((pb + 1))" clienta "[$CLIENT6_A]:4001" "[$GATE6_A]:$((pa + 1))" 2 --kind rtcp
relay_check big clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$pa" clientb "[$CLIENT6_B]:6000" "[$GATE6_B]:$pb" 2 --size 1400
list_session "$id"
expect_eq "rtp-a client" "[$CLIENT6_A]:4000" "$(stream_get "$id" rtp-a client)"
expect_eq "rtp-a packets" 6 "$(stream_get "$id" rtp-a packets)"
expect_eq "rtp-b packets" 3 "$(stream_get "$id" rtp-b packets)"

step "learning clients; mallory is dropped afterwards"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 --rtp-learning-timeout-b 600000)
id2=$(alloc_field "$out" sess-id)
pa2=$(alloc_field "$out" gate-rtp-port-a)
pb2=$(alloc_field "$out" gate-rtp-port-b)
send clienta "[$CLIENT6_A]:4100" "[$GATE6_A]:$pa2" 1
relay_check learn-b clientb "[$CLIENT6_B]:6100" "[$GATE6_B]:$pb2" clienta "[$CLIENT6_A]:4100" "[$GATE6_A]:$pa2" 2
relay_check learned clienta "[$CLIENT6_A]:4100" "[$GATE6_A]:$pa2" clientb "[$CLIENT6_B]:6100" "[$GATE6_B]:$pb2" 2
expect_eq "rtp-a learned client" "[$CLIENT6_A]:4100" "$(stream_get "$id2" rtp-a client)"
before=$(sb_get drop-source)
drop_check mallory mallory "[$MALLORY6]:4100" "[$GATE6_A]:$pa2" clientb "[$CLIENT6_B]:6100" 3
expect_eq "drop-source" $((before + 3)) "$(sb_get drop-source)"

step "an IPv4 client address on an IPv6 switchboard is refused"
expect_fail 1 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000
step "an IPv4 gate address with ip6tables is refused"
expect_fail 2 np "$IP6T" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE_A" --port-a 30000 --max-sess 2

step "IPv4 and IPv6 switchboards side by side, single-address IPv6 gates"
add_switchboard --chain rtpproxy4 --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
np "$IP6T" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE6" --port-a 30000 --max-sess 2 --expires-timeout 3600
expect_eq "switchboards" 3 "$(info_get switchboards)"
out=$(rtpp alloc --addr-a "$GATE6" --port-a 30000 --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4200 --rtp-addr-b "$CLIENT6_B" --rtp-port-b 6200)
echo "$out"
expect_eq "port-b default" 30004 "$(sb_get port-b --addr-a "$GATE6")"
relay_check single6 clienta "[$CLIENT6_A]:4200" "[$GATE6]:$(alloc_field "$out" gate-rtp-port-a)" clientb "[$CLIENT6_B]:6200" "[$GATE6]:$(alloc_field "$out" gate-rtp-port-b)" 2
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
relay_check v4-too clienta "$CLIENT_A:4000" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" clientb "$CLIENT_B:6000" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 2
rtpp list
