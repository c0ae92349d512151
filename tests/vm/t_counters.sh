#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-stream, per-switchboard and global counters equal the packets actually sent; resets work,
# after info and list printed what they reset.
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
np "$IPT" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE" --port-a 40000 --max-sess 2 --expires-timeout 3600
sb=(--addr-a "$GATE_A" --port-a 50000)
sb2=(--addr-a "$GATE" --port-a 40000)

out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
id=$(alloc_field "$out" sess-id)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
out=$(rtpp alloc "${sb2[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4100 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6100)
id2=$(alloc_field "$out" sess-id)
pa2=$(alloc_field "$out" gate-rtp-port-a)
pb2=$(alloc_field "$out" gate-rtp-port-b)

step "traffic with known sizes on each stream of both switchboards"
# stream: packets x UDP payload bytes
relay_check rtp-a clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 7 --size 172
relay_check rtcp-a clienta "$CLIENT_A:4001" "$GATE_A:$((pa + 1))" clientb "$CLIENT_B:6001" "$GATE_B:$((pb + 1))" 3 --size 52 --kind rtcp
relay_check rtp-b clientb "$CLIENT_B:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" "$GATE_A:$pa" 5 --size 332
relay_check rtcp-b clientb "$CLIENT_B:6001" "$GATE_B:$((pb + 1))" clienta "$CLIENT_A:4001" "$GATE_A:$((pa + 1))" 2 --size 100 --kind rtcp
relay_check sb2-a clienta "$CLIENT_A:4100" "$GATE:$pa2" clientb "$CLIENT_B:6100" "$GATE:$pb2" 4 --size 60
step "and drops of each kind but expiry"
drop_check no-session clienta "$CLIENT_A:4000" "$GATE_A:$((pa + 4))" clientb "$CLIENT_B:6000" 2
drop_check source mallory "$MALLORY:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" 3
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4200)
id3=$(alloc_field "$out" sess-id)
drop_check no-dest clienta "$CLIENT_A:4200" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" clientb "$CLIENT_B:6000" 1

rtpp list
rtpp info

step "per stream"
expect_eq "rtp-a packets" 7 "$(stream_get "$id" rtp-a packets "${sb[@]}")"
expect_eq "rtp-a bytes" $((7 * 172)) "$(stream_get "$id" rtp-a bytes "${sb[@]}")"
expect_eq "rtp-a drops" 3 "$(stream_get "$id" rtp-a drops "${sb[@]}")"
expect_eq "rtcp-a packets" 3 "$(stream_get "$id" rtcp-a packets "${sb[@]}")"
expect_eq "rtcp-a bytes" $((3 * 52)) "$(stream_get "$id" rtcp-a bytes "${sb[@]}")"
expect_eq "rtp-b packets" 5 "$(stream_get "$id" rtp-b packets "${sb[@]}")"
expect_eq "rtp-b bytes" $((5 * 332)) "$(stream_get "$id" rtp-b bytes "${sb[@]}")"
expect_eq "rtcp-b packets" 2 "$(stream_get "$id" rtcp-b packets "${sb[@]}")"
expect_eq "rtcp-b bytes" 200 "$(stream_get "$id" rtcp-b bytes "${sb[@]}")"
expect_match "rtp-a last-ms" '[0-9]+' "$(stream_get "$id" rtp-a last-ms "${sb[@]}")"
expect_eq "rtp-a packets on switchboard 2" 4 "$(stream_get "$id2" rtp-a packets "${sb2[@]}")"
expect_eq "rtp-a drops of the one-sided session" 1 "$(stream_get "$id3" rtp-a drops "${sb[@]}")"

step "per switchboard"
bytes1=$((7 * 172 + 3 * 52 + 5 * 332 + 2 * 100))
expect_eq "packets" 17 "$(sb_get packets "${sb[@]}")"
expect_eq "bytes" "$bytes1" "$(sb_get bytes "${sb[@]}")"
expect_eq "drop-no-session" 2 "$(sb_get drop-no-session "${sb[@]}")"
expect_eq "drop-source" 3 "$(sb_get drop-source "${sb[@]}")"
expect_eq "drop-no-dest" 1 "$(sb_get drop-no-dest "${sb[@]}")"
expect_eq "drop-expired" 0 "$(sb_get drop-expired "${sb[@]}")"
expect_eq "drop-malformed" 0 "$(sb_get drop-malformed "${sb[@]}")"
expect_eq "drop-xmit" 0 "$(sb_get drop-xmit "${sb[@]}")"
expect_eq "drop-loop" 0 "$(sb_get drop-loop "${sb[@]}")"
expect_eq "packets of switchboard 2" 4 "$(sb_get packets "${sb2[@]}")"
expect_eq "bytes of switchboard 2" 240 "$(sb_get bytes "${sb2[@]}")"

step "global: the sum"
expect_eq "packets" 21 "$(info_get packets)"
expect_eq "bytes" $((bytes1 + 240)) "$(info_get bytes)"
expect_eq "drop-no-session" 2 "$(info_get drop-no-session)"
expect_eq "drop-source" 3 "$(info_get drop-source)"
expect_eq "drop-no-dest" 1 "$(info_get drop-no-dest)"
expect_eq "drop-loop" 0 "$(info_get drop-loop)"
expect_eq "switchboards" 2 "$(info_get switchboards)"
expect_eq "sessions" 3 "$(info_get sessions)"
expect_eq "sessions-created" 3 "$(info_get sessions-created)"

step "--reset-packet-stat zeroes the streams only, after list printed them"
rtpp list --reset-packet-stat >"$TMP/list"
expect_match "rtp-a as printed" ".* packets=7 bytes=$((7 * 172)) drops=3 .*" \
	"$(grep "^    record=stream stream=rtp-a gate-port=$pa " "$TMP/list")"
expect_eq "rtp-a packets" 0 "$(stream_get "$id" rtp-a packets "${sb[@]}")"
expect_eq "rtp-b bytes" 0 "$(stream_get "$id" rtp-b bytes "${sb[@]}")"
expect_eq "rtp-a drops" 0 "$(stream_get "$id" rtp-a drops "${sb[@]}")"
expect_eq "switchboard packets" 17 "$(sb_get packets "${sb[@]}")"
expect_eq "global packets" 21 "$(info_get packets)"

step "--reset-switchboard-stat of one switchboard"
rtpp list "${sb2[@]}" --reset-switchboard-stat >"$TMP/list"
expect_contains "switchboard 2 as printed" " packets=4 bytes=240 " "$(cat "$TMP/list")"
expect_eq "switchboard 2 packets" 0 "$(sb_get packets "${sb2[@]}")"
expect_eq "switchboard 1 packets" 17 "$(sb_get packets "${sb[@]}")"
rtpp info --reset-switchboard-stat >/dev/null
expect_eq "switchboard 1 packets" 0 "$(sb_get packets "${sb[@]}")"
expect_eq "switchboard 1 drop-source" 0 "$(sb_get drop-source "${sb[@]}")"
expect_eq "global packets" 21 "$(info_get packets)"

step "--reset-global-stat: info prints the counters it resets"
rtpp info --reset-global-stat | tee "$TMP/info"
expect_eq "packets as printed" 21 "$(awk -F= '$1 == "packets" { print $2 }' "$TMP/info")"
expect_eq "bytes as printed" $((bytes1 + 240)) "$(awk -F= '$1 == "bytes" { print $2 }' "$TMP/info")"
expect_eq "global packets" 0 "$(info_get packets)"
expect_eq "global bytes" 0 "$(info_get bytes)"
expect_eq "global drop-source" 0 "$(info_get drop-source)"
expect_eq "sessions (not a counter)" 3 "$(info_get sessions)"

step "counting starts again from zero"
relay_check again clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2 --size 100
expect_eq "rtp-a packets" 2 "$(stream_get "$id" rtp-a packets "${sb[@]}")"
expect_eq "switchboard bytes" 200 "$(sb_get bytes "${sb[@]}")"
expect_eq "global bytes" 200 "$(info_get bytes)"
