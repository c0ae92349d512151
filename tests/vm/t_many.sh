#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Many sessions: a batch sets them up, dumps that span many netlink messages list every session
# once, bulk delete; batch error handling.
# vm: not rt
. "$(dirname "$0")/lib.sh"

setup_all
n=1000
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 30000 --max-sess 1000
sb=(--addr-a "$GATE_A" --port-a 20000)

step "$n sessions from one batch, each with its own client ports"
for i in $(seq 0 $((n - 1))); do
	echo "alloc ${sb[*]} --rtp-addr-a $CLIENT_A --rtp-port-a $((2000 + 2 * i))" \
		"--rtp-addr-b $CLIENT_B --rtp-port-b $((12000 + 2 * i))"
done >"$TMP/batch"
start=$(date +%s%N)
rtpp -b "$TMP/batch" >"$TMP/allocs"
echo "$n allocs in $((($(date +%s%N) - start) / 1000000)) ms"
expect_eq "alloc lines" "$n" "$(wc -l <"$TMP/allocs")"
expect_eq "distinct session ids" "$n" "$(awk '{ print $1 }' "$TMP/allocs" | sort -u | wc -l)"
expect_fail 1 rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 1000
expect_contains "a full switchboard" "iptrtpproxy: " "$(cat "$TMP/stderr")"

step "list shows each exactly once, with its own client"
rtpp list >"$TMP/list"
echo "$(wc -c <"$TMP/list") bytes of list output"
expect_eq "session lines" "$n" "$(grep -c '^  record=session ' "$TMP/list")"
expect_eq "distinct session lines" "$n" "$(grep '^  record=session ' "$TMP/list" | awk '{ print $2 }' | sort -u | wc -l)"
expect_eq "distinct rtp-a clients" "$n" "$(grep '^    record=stream stream=rtp-a ' "$TMP/list" | awk '{ print $4 }' | sort -u | wc -l)"
expect_eq "switchboard live" "$n" "$(sb_get live)"
expect_eq "info sessions" "$n" "$(info_get sessions)"

step "a range in the middle"
expect_eq "sessions 50..149" 100 "$(rtpp list "${sb[@]}" --sess-id-lo 50 --sess-id-hi 149 | grep -c '^  record=session ')"

step "a batch stops at its first bad line, and says where; --force goes on"
printf 'delete %s --sess-id-lo 0 --sess-id-hi 9\n# a comment\n\nlist --bogus\ndelete %s --sess-id-lo 10\n' \
	"${sb[*]}" "${sb[*]}" >"$TMP/bad"
expect_fail 2 rtpp -b "$TMP/bad"
expect_contains "message" "iptrtpproxy: $TMP/bad:4: " "$(cat "$TMP/stderr")"
expect_eq "sessions after the stop" $((n - 10)) "$(info_get sessions)"
printf 'delete %s --sess-id-lo 0\nlist --bogus\ndelete %s --sess-id-lo 10\n' "${sb[*]}" "${sb[*]}" >"$TMP/bad"
expect_fail 2 rtpp --force -b "$TMP/bad"
expect_contains "message" "iptrtpproxy: $TMP/bad:1: " "$(cat "$TMP/stderr")"
expect_eq "sessions after --force" $((n - 11)) "$(info_get sessions)"

step "a batch on standard input answers line by line"
printf 'alloc %s --rtp-learning-timeout-a 1000\nalloc %s --rtp-learning-timeout-a 1000\n' "${sb[*]}" "${sb[*]}" |
	rtpp -b - >"$TMP/refill"
expect_eq "alloc lines" 2 "$(grep -c '^sess-id=' "$TMP/refill")"
expect_eq "sessions" $((n - 9)) "$(info_get sessions)"

step "the last one relays like the first"
last=$(tail -n 1 "$TMP/allocs")
i=$((n - 1))
relay_check last clienta "$CLIENT_A:$((2000 + 2 * i))" "$GATE_A:$(alloc_field "$last" gate-rtp-port-a)" \
	clientb "$CLIENT_B:$((12000 + 2 * i))" "$GATE_B:$(alloc_field "$last" gate-rtp-port-b)" 2

step "delete them all at once"
rtpp -v delete "${sb[@]}" 2>"$TMP/err"
expect_contains "verbose" "$((n - 9)) session(s) deleted" "$(cat "$TMP/err")"
expect_eq "info sessions" 0 "$(info_get sessions)"
expect_eq "session lines" 0 "$(rtpp list | grep -c '^  record=session ' || true)"
