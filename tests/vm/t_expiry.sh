#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Idle sessions expire, hold their slot for the resurrection timeout, come back with update, then are freed.
. "$(dirname "$0")/lib.sh"

setup_all
# Timeouts are long enough for the checks in between even when the VM
# crawls (a program start can take a second on a loaded host), and receivers
# start before the session is allocated or resurrected, so that the idle
# clock only runs while the test means it to.
step "a one-slot switchboard: expires after 10 s idle, slot kept 30 s more"
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 1 \
	--expires-timeout 10 --resurrection-timeout 30
sb=(--addr-a "$GATE_A" --port-a 50000)
expect_eq "expires-timeout" 10 "$(sb_get expires-timeout)"
expect_eq "resurrection-timeout" 30 "$(sb_get resurrection-timeout)"
pa=50000 pb=52000

state_is() { [ "$(sess_get "$1" state)" = "$2" ]; }

step "traffic keeps it alive: 30 packets over 15 s, longer than the expiry"
recv_start steady clientb "$CLIENT_B:6000" 30 --expect-from "$GATE_B:$pb" --timeout 60
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
echo "$out"
id=$(alloc_field "$out" sess-id)
expect_eq "gate-rtp-port-a" "$pa" "$(alloc_field "$out" gate-rtp-port-a)"
send clienta "$CLIENT_A:4000" "$GATE_A:$pa" 30 --interval 0.5
recv_wait steady
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
recv_start resurrected clientb "$CLIENT_B:6000" 2 --expect-from "$GATE_B:$pb" --timeout 60
recv_start resurrected-back clienta "$CLIENT_A:4000" 2 --expect-from "$GATE_A:$pa" --timeout 60
rtpp -v update "${sb[@]}" --sess-id-lo "$id"
send clienta "$CLIENT_A:4000" "$GATE_A:$pa" 2
send clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2
recv_wait resurrected
recv_wait resurrected-back
expect_eq "state" live "$(sess_get "$id" state)"
expect_eq "switchboard live" 1 "$(sb_get live)"

step "idle again: expires, then after the resurrection timeout the slot is freed"
wait_until 40 "session $id expired again" state_is "$id" expired
wait_until 80 "session $id freed" state_is "$id" -
expect_eq "switchboard expired" 0 "$(sb_get expired)"
expect_eq "sessions" 0 "$(info_get sessions)"
expect_eq "sessions-expired" 2 "$(info_get sessions-expired)"

step "a freed session cannot be resurrected"
expect_fail 1 rtpp update "${sb[@]}" --sess-id-lo "$id"
expect_contains "stderr" "no session in range" "$(cat "$TMP/stderr")"
drop_check freed clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" 1

step "the slot is free again"
recv_start reused clientb "$CLIENT_B:6000" 1 --expect-from "$GATE_B:$pb" --timeout 60
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
echo "$out"
send clienta "$CLIENT_A:4000" "$GATE_A:$pa" 1
recv_wait reused

step "--audit runs the expiry scan on demand"
rtpp -v info --audit
