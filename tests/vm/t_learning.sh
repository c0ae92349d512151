#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sessions that learn their clients from the first packets, learning windows that close, always-learn.
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 8
sb=(--addr-a "$GATE_A" --port-a 50000)

step "alloc learning both clients (RTCP learns too: its timeout defaults to RTP's)"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 --rtp-learning-timeout-b 600000)
echo "$out"
id=$(alloc_field "$out" sess-id)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
list_session "$id"
expect_eq "rtp-a client before any packet" - "$(stream_get "$id" rtp-a client)"
expect_eq "rtp-a learned before any packet" 0 "$(stream_get "$id" rtp-a learned)"
expect_eq "rtp-a always-learn" 0 "$(stream_get "$id" rtp-a always-learn)"
expect_match "rtp-a learning window" '[0-9]+' "$(stream_get "$id" rtp-a learn-ms)"
expect_match "rtcp-b learning window" '[0-9]+' "$(stream_get "$id" rtcp-b learn-ms)"

step "A's first packet teaches A's address; B is unknown yet: dropped (no destination)"
send clienta "$CLIENT_A:4100" "$GATE_A:$pa" 1
list_session "$id"
expect_eq "rtp-a client" "$CLIENT_A:4100" "$(stream_get "$id" rtp-a client)"
expect_eq "rtp-a learned" 1 "$(stream_get "$id" rtp-a learned)"
expect_eq "drop-no-dest" 1 "$(sb_get drop-no-dest)"

step "B's first packet is learned and relayed to the learned A"
relay_check rtp-ba clientb "$CLIENT_B:6100" "$GATE_B:$pb" clienta "$CLIENT_A:4100" "$GATE_A:$pa" 1
expect_eq "rtp-b client" "$CLIENT_B:6100" "$(stream_get "$id" rtp-b client)"
expect_eq "rtp-b learned" 1 "$(stream_get "$id" rtp-b learned)"

step "now both ways flow"
relay_check rtp-ab clienta "$CLIENT_A:4100" "$GATE_A:$pa" clientb "$CLIENT_B:6100" "$GATE_B:$pb" 4
relay_check rtp-ba2 clientb "$CLIENT_B:6100" "$GATE_B:$pb" clienta "$CLIENT_A:4100" "$GATE_A:$pa" 3

step "RTCP learns on its own, from ports unrelated to RTP's"
send clientb "$CLIENT_B:6333" "$GATE_B:$((pb + 1))" 1 --kind rtcp
relay_check rtcp-ab clienta "$CLIENT_A:4777" "$GATE_A:$((pa + 1))" clientb "$CLIENT_B:6333" "$GATE_B:$((pb + 1))" 2 --kind rtcp
expect_eq "rtcp-a client" "$CLIENT_A:4777" "$(stream_get "$id" rtcp-a client)"
expect_eq "rtcp-b client" "$CLIENT_B:6333" "$(stream_get "$id" rtcp-b client)"

step "a learned address sticks: A from another port is dropped"
drop_check moved clienta "$CLIENT_A:4101" "$GATE_A:$pa" clientb "$CLIENT_B:6100" 2
expect_eq "rtp-a client still" "$CLIENT_A:4100" "$(stream_get "$id" rtp-a client)"

step "a learning window that closes unused: packets are dropped (unexpected source)"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 300 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6200)
echo "$out"
id2=$(alloc_field "$out" sess-id)
pa2=$(alloc_field "$out" gate-rtp-port-a)
sleep 1
before=$(sb_get drop-source)
drop_check late clienta "$CLIENT_A:4200" "$GATE_A:$pa2" clientb "$CLIENT_B:6200" 2
expect_eq "drop-source" $((before + 2)) "$(sb_get drop-source)"
expect_eq "rtp-a client of the late session" - "$(stream_get "$id2" rtp-a client)"

step "a fixed address and a learning window: the first packet's source wins"
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4300 --rtp-learning-timeout-a 600000 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6300)
id3=$(alloc_field "$out" sess-id)
pa3=$(alloc_field "$out" gate-rtp-port-a)
pb3=$(alloc_field "$out" gate-rtp-port-b)
relay_check learn-over-fixed clienta "$CLIENT_A:4301" "$GATE_A:$pa3" clientb "$CLIENT_B:6300" "$GATE_B:$pb3" 1
expect_eq "rtp-a client" "$CLIENT_A:4301" "$(stream_get "$id3" rtp-a client)"

step "always-learn: the client may move, replies follow it"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 1000 --rtp-learning-timeout-b 1000 --always-learn)
echo "$out"
id4=$(alloc_field "$out" sess-id)
pa4=$(alloc_field "$out" gate-rtp-port-a)
pb4=$(alloc_field "$out" gate-rtp-port-b)
expect_eq "rtp-a always-learn" 1 "$(stream_get "$id4" rtp-a always-learn)"
send clientb "$CLIENT_B:6400" "$GATE_B:$pb4" 1
relay_check al-1 clienta "$CLIENT_A:4400" "$GATE_A:$pa4" clientb "$CLIENT_B:6400" "$GATE_B:$pb4" 2
sleep 1.5 # past the learning window: always-learn does not care
relay_check al-2 clienta "$CLIENT_A:4401" "$GATE_A:$pa4" clientb "$CLIENT_B:6400" "$GATE_B:$pb4" 2
expect_eq "rtp-a client moved" "$CLIENT_A:4401" "$(stream_get "$id4" rtp-a client)"
relay_check al-back clientb "$CLIENT_B:6400" "$GATE_B:$pb4" clienta "$CLIENT_A:4401" "$GATE_A:$pa4" 2
rtpp list
