#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Many sessions: dumps that span several netlink messages list every session once; bulk delete.
. "$(dirname "$0")/lib.sh"

setup_all
n=150
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 30000 --max-sess 1000
sb=(--addr-a "$GATE_A" --port-a 20000)

step "$n sessions, each with its own client ports"
for i in $(seq 0 $((n - 1))); do
	rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a $((2000 + 2 * i)) \
		--rtp-addr-b "$CLIENT_B" --rtp-port-b $((12000 + 2 * i)) >>"$TMP/allocs"
done
expect_eq "alloc lines" "$n" "$(wc -l <"$TMP/allocs")"
expect_eq "distinct session ids" "$n" "$(awk '{ print $1 }' "$TMP/allocs" | sort -u | wc -l)"

step "list shows each exactly once, with its own client"
rtpp list >"$TMP/list"
echo "$(wc -c <"$TMP/list") bytes of list output"
expect_eq "session lines" "$n" "$(grep -c '^  session ' "$TMP/list")"
expect_eq "distinct session lines" "$n" "$(grep '^  session ' "$TMP/list" | awk '{ print $2 }' | sort -u | wc -l)"
expect_eq "distinct rtp-a clients" "$n" "$(grep '^    rtp-a ' "$TMP/list" | awk '{ print $3 }' | sort -u | wc -l)"
expect_eq "switchboard live" "$n" "$(sb_get live)"
expect_eq "info sessions" "$n" "$(info_get sessions)"

step "a range in the middle"
expect_eq "sessions 50..149" 100 "$(rtpp list "${sb[@]}" --sess-id-lo 50 --sess-id-hi 149 | grep -c '^  session ')"

step "the last one relays like the first"
last=$(tail -n 1 "$TMP/allocs")
i=$((n - 1))
relay_check last clienta "$CLIENT_A:$((2000 + 2 * i))" "$GATE_A:$(alloc_field "$last" rtp-port-a)" \
	clientb "$CLIENT_B:$((12000 + 2 * i))" "$GATE_B:$(alloc_field "$last" rtp-port-b)" 2

step "delete them all at once"
rtpp -v delete "${sb[@]}" 2>"$TMP/err"
expect_contains "verbose" "$n session(s) deleted" "$(cat "$TMP/err")"
expect_eq "info sessions" 0 "$(info_get sessions)"
expect_eq "session lines" 0 "$(rtpp list | grep -c '^  session ' || true)"
