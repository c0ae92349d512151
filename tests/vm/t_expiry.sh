#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Idle sessions expire, hold their slot for the resurrection timeout, come back with update, then are freed.
. "$(dirname "$0")/lib.sh"

setup_all
# Timeouts are long enough for the checks in between even when the VM
# crawls (a python start can take seconds under a loaded TCG).
step "a one-slot switchboard: expires after 8 s idle, slot kept 20 s more"
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 1 \
	--expires-timeout 8 --resurrection-timeout 20
sb=(--addr-a "$GATE_A" --port-a 50000)
expect_eq "expires-timeout" 8 "$(sb_get expires-timeout)"
expect_eq "resurrection-timeout" 20 "$(sb_get resurrection-timeout)"

state_is() { [ "$(sess_get "$1" state)" = "$2" ]; }

out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
echo "$out"
id=$(alloc_field "$out" sess-id)
pa=$(alloc_field "$out" rtp-port-a)
pb=$(alloc_field "$out" rtp-port-b)
relay_check live clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2

step "traffic keeps it alive: 25 packets over 12 s"
RELAY_TIMEOUT=30 relay_check steady clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 25 --interval 0.5
expect_eq "state" live "$(sess_get "$id" state)"

step "idle: it expires (the kernel scans every second, no daemon involved)"
wait_until 40 "session $id expired" state_is "$id" expired
list_session "$id"
expect_eq "switchboard live" 0 "$(sb_get live)"
expect_eq "switchboard expired" 1 "$(sb_get expired)"
expect_eq "sessions-expired" 1 "$(info_get sessions-expired)"

step "an expired session relays nothing and counts the drops"
before=$(sb_get drop-expired)
drop_check expired clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" 3
expect_eq "drop-expired" $((before + 3)) "$(sb_get drop-expired)"

step "its slot is still taken: the switchboard is full"
expect_fail 1 rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 1000

step "update without a range touches live sessions only: stays expired"
rtpp update "${sb[@]}" --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000 || true
expect_eq "state" expired "$(sess_get "$id" state)"

step "update with its id resurrects it"
rtpp -v update "${sb[@]}" --sess-id-lo "$id"
expect_eq "state" live "$(sess_get "$id" state)"
expect_eq "switchboard live" 1 "$(sb_get live)"
relay_check resurrected clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2
relay_check resurrected-back clientb "$CLIENT_B:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" "$GATE_A:$pa" 2

step "idle again: expires, then after the resurrection timeout the slot is freed"
wait_until 40 "session $id expired again" state_is "$id" expired
wait_until 60 "session $id freed" state_is "$id" -
expect_eq "switchboard expired" 0 "$(sb_get expired)"
expect_eq "sessions" 0 "$(info_get sessions)"
expect_eq "sessions-expired" 2 "$(info_get sessions-expired)"

step "a freed session cannot be resurrected"
expect_fail 1 rtpp update "${sb[@]}" --sess-id-lo "$id"
expect_contains "stderr" "no session in range" "$(cat "$TMP/stderr")"
drop_check freed clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" 1

step "the slot is free again"
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
echo "$out"
relay_check reused clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 1

step "--audit runs the expiry scan on demand"
rtpp -v info --audit
