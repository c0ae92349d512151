#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# update and delete of single sessions, id ranges and everything; a full switchboard refuses alloc.
# vm: not rt
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
sb=(--addr-a "$GATE_A" --port-a 50000)

step "fill the switchboard: 4 sessions, A's RTP on 40i0, B's on 60i0"
ids=()
for i in 0 1 2 3; do
	out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a "40${i}0" \
		--rtp-addr-b "$CLIENT_B" --rtp-port-b "60${i}0")
	echo "$out"
	ids+=("$(alloc_field "$out" sess-id)")
done
expect_eq "distinct ids" 4 "$(printf '%s\n' "${ids[@]}" | sort -u | wc -l)"
expect_eq "switchboard live" 4 "$(sb_get live)"

step "a fifth alloc: the switchboard is full"
expect_fail 1 rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 1000
expect_contains "stderr" "iptrtpproxy: " "$(cat "$TMP/stderr")"

gate_a() { echo "$GATE_A:$((50000 + 2 * $1))"; }
gate_b() { echo "$GATE_B:$((52000 + 2 * $1))"; }

step "update one session: B's RTP moves to port 6111"
s=${ids[1]}
rtpp -v update "${sb[@]}" --sess-id-lo "$s" --rtp-addr-b "$CLIENT_B" --rtp-port-b 6111 2>"$TMP/err"
cat "$TMP/err"
expect_contains "verbose" "1 session(s) updated" "$(cat "$TMP/err")"
list_session "$s"
expect_eq "rtp-b client of $s" "$CLIENT_B:6111" "$(stream_get "$s" rtp-b client)"
expect_eq "rtp-b client of ${ids[0]}" "$CLIENT_B:6000" "$(stream_get "${ids[0]}" rtp-b client)"
relay_check moved clienta "$CLIENT_A:4010" "$(gate_a "$s")" clientb "$CLIENT_B:6111" "$(gate_b "$s")" 2

step "update a range: sessions ${ids[2]}..${ids[3]} learn A again (a re-INVITE from a new port)"
lo=${ids[2]} hi=${ids[3]}
((lo < hi)) || { t=$lo; lo=$hi; hi=$t; }
rtpp -v update "${sb[@]}" --sess-id-lo "$lo" --sess-id-hi "$hi" --rtp-learning-timeout-a 600000 2>"$TMP/err"
expect_contains "verbose" "2 session(s) updated" "$(cat "$TMP/err")"
for s in "$lo" "$hi"; do
	expect_match "rtp-a learn-ms of $s" '[0-9]+' "$(stream_get "$s" rtp-a learn-ms)"
done
relay_check relearn clienta "$CLIENT_A:4999" "$(gate_a "$lo")" clientb "$CLIENT_B:60$((lo))0" "$(gate_b "$lo")" 2
expect_eq "rtp-a client of $lo" "$CLIENT_A:4999" "$(stream_get "$lo" rtp-a client)"
expect_eq "rtp-a client of ${ids[0]} untouched" "$CLIENT_A:4000" "$(stream_get "${ids[0]}" rtp-a client)"

step "update without a range: every live session"
rtpp -v update "${sb[@]}" --rtp-addr-b "$CLIENT_B" --rtp-port-b 6222 2>"$TMP/err"
expect_contains "verbose" "4 session(s) updated" "$(cat "$TMP/err")"
for s in "${ids[@]}"; do
	expect_eq "rtp-b client of $s" "$CLIENT_B:6222" "$(stream_get "$s" rtp-b client)"
done

step "update of ids the switchboard does not have: a bad command line"
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo 100 --sess-id-hi 200 --rtp-learning-timeout-a 10
expect_contains "stderr" "session id 100 for --sess-id-lo is beyond the switchboard's --max-sess 4" "$(cat "$TMP/stderr")"

step "delete one session: its ports stop relaying"
s=${ids[1]}
rtpp -v delete "${sb[@]}" --sess-id-lo "$s" 2>"$TMP/err"
expect_contains "verbose" "1 session(s) deleted" "$(cat "$TMP/err")"
expect_eq "session $s" - "$(sess_get "$s" state)"
before=$(sb_get drop-no-session)
drop_check deleted clienta "$CLIENT_A:4010" "$(gate_a "$s")" clientb "$CLIENT_B:6222" 2
expect_eq "drop-no-session" $((before + 2)) "$(sb_get drop-no-session)"
expect_eq "sessions-deleted" 1 "$(info_get sessions-deleted)"
expect_eq "switchboard live" 3 "$(sb_get live)"

step "delete a range"
rtpp -v delete "${sb[@]}" --sess-id-lo "$lo" --sess-id-hi "$hi" 2>"$TMP/err"
expect_contains "verbose" "2 session(s) deleted" "$(cat "$TMP/err")"
expect_eq "session $lo" - "$(sess_get "$lo" state)"
expect_eq "session $hi" - "$(sess_get "$hi" state)"
expect_eq "sessions" 1 "$(info_get sessions)"

step "delete or update the same, now empty, range again: error"
expect_fail 1 rtpp delete "${sb[@]}" --sess-id-lo "$lo" --sess-id-hi "$hi"
expect_contains "stderr" "no session in range" "$(cat "$TMP/stderr")"
expect_fail 1 rtpp update "${sb[@]}" --sess-id-lo "$lo" --sess-id-hi "$hi" --rtp-learning-timeout-a 10
expect_contains "stderr" "no session in range" "$(cat "$TMP/stderr")"

step "freed slots can be allocated again"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6333)
echo "$out"
expect_eq "sessions" 2 "$(info_get sessions)"

step "a second switchboard, then delete without switchboard or range: everything goes"
np "$IPT" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE" --port-a 30000 --max-sess 2 --expires-timeout 3600
rtpp alloc --addr-a "$GATE" --port-a 30000 --rtp-learning-timeout-a 600000
expect_eq "sessions" 3 "$(info_get sessions)"
rtpp -v delete 2>"$TMP/err"
cat "$TMP/err"
expect_contains "verbose" "3 session(s) deleted" "$(cat "$TMP/err")"
expect_eq "sessions" 0 "$(info_get sessions)"
expect_eq "sessions-deleted" 6 "$(info_get sessions-deleted)"
expect_eq "switchboards" 2 "$(info_get switchboards)"
rtpp list
