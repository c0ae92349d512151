#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bulk commands through libxtrtpproxy (bench/sessbench): NEW_SESSIONS in messages of
# RTPPROXY_BULK_MAX, DEL_SESSIONS, the session table dump against the per-session dump, and a
# refused bulk alloc redone item by item.
# vm: not rt
. "$(dirname "$0")/lib.sh"

SESSBENCH=${SESSBENCH:-$REPO/build/bench/sessbench}
[ -x "$SESSBENCH" ] || fail "$SESSBENCH is not built"
sbench() { np "$SESSBENCH" "$@"; }

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 30000 --max-sess 1000
add_switchboard --ipt "$IP6T" --chain rtpproxy6 --addr-a "$GATE6_A" --port-a 40000 \
	--addr-b "$GATE6_B" --port-b 40000 --max-sess 300

step "1000 sessions in bulk: distinct ids, each listed with its clients and gate ports"
sbench setup --gates-a "$GATE_A" --gates-b "$GATE_B" --port-a 20000 --port-b 30000 \
	--per-switchboard 1000 --count 1000 --batch 1000 --client-a "$CLIENT_A:4000" \
	--client-b "$CLIENT_B:6000" --out "$TMP/sess" >/dev/null
expect_eq "sessions" 1000 "$(info_get sessions)"
expect_eq "distinct gate ports" 1000 "$(awk '{ print $2 }' "$TMP/sess" | sort -u | wc -l)"
expect_eq "gate ports" "20000 30000 21998 31998" \
	"$(awk 'NR == 1 { a = $2; b = $4 } END { print a, b, $2, $4 }' "$TMP/sess")"
rtpp list >"$TMP/list"
expect_eq "session lines" 1000 "$(grep -c '^  record=session ' "$TMP/list")"
expect_eq "rtp-a clients" 1000 "$(grep -c "^    record=stream stream=rtp-a gate-port=[0-9]* client=$CLIENT_A:4000 " "$TMP/list")"
expect_eq "rtcp-b clients (the library's RTCP default)" 1000 \
	"$(grep -c "^    record=stream stream=rtcp-b gate-port=[0-9]* client=$CLIENT_B:6001 " "$TMP/list")"
expect_eq "session 999's rtcp-b gate port" 31999 "$(stream_get 999 rtcp-b gate-port)"
expect_eq "created counter" 1000 "$(info_get sessions-created)"

step "the table dump and the per-session dump list the same sessions"
table=$(sbench list --repeat 1 --format table)
single=$(sbench list --repeat 1 --format single)
echo "table: $table"
echo "single: $single"
expect_contains "table dump" "sessions=1000 " "$table"
expect_contains "per-session dump" "sessions=1000 " "$single"
expect_contains "1000 sessions in 1000 messages" "messages=1000" "$single"
msgs=$(echo "$table" | sed -n 's/.* messages=\([0-9]*\).*/\1/p')
((msgs < 100)) || fail "the table dump took $msgs messages for 1000 sessions"
echo "ok: $msgs table messages"

step "IPv6: bulk alloc and the table give 16-byte clients"
sbench setup --gates-a "$GATE6_A" --gates-b "$GATE6_B" --port-a 40000 --port-b 40000 \
	--per-switchboard 300 --count 300 --batch 300 --client-a "$CLIENT6_A:4000" \
	--client-b "$CLIENT6_B:6000" --out "$TMP/sess6" >/dev/null
rtpp list --addr-a "$GATE6_A" >"$TMP/list6"
expect_eq "IPv6 session lines" 300 "$(grep -c '^  record=session ' "$TMP/list6")"
expect_eq "IPv6 rtp-b clients" 300 "$(grep -c "^    record=stream stream=rtp-b gate-port=[0-9]* client=\[$CLIENT6_B\]:6000 " "$TMP/list6")"
expect_eq "sessions" 1300 "$(info_get sessions)"

step "bulk delete: alloc and delete 300 more, one count per range"
sbench clear >/dev/null
expect_eq "sessions after clear" 0 "$(info_get sessions)"
out=$(sbench churn --gate-a "$GATE_A" --gate-b "$GATE_B" --port-a 20000 --port-b 30000 --count 300 \
	--batch 300 --client-a "$CLIENT_A:4000" --client-b "$CLIENT_B:6000")
echo "$out"
expect_eq "sessions after churn" 0 "$(info_get sessions)"
expect_eq "deleted counter" 1600 "$(info_get sessions-deleted)"

step "a bulk alloc larger than the free slots allocates nothing; item by item, what fits"
sbench setup --gates-a "$GATE_A" --gates-b "$GATE_B" --port-a 20000 --port-b 30000 \
	--per-switchboard 1000 --count 950 --batch 1000 --client-a "$CLIENT_A:4000" \
	--client-b "$CLIENT_B:6000" --out "$TMP/sess" >/dev/null
expect_eq "sessions" 950 "$(info_get sessions)"
created=$(info_get sessions-created)
deleted=$(info_get sessions-deleted)
# 100 asked, 50 free: the bulk message is refused whole, the per-item requests then fill the 50
# free slots and the 51st fails, which stops sessbench.
expect_fail 1 sbench churn --gate-a "$GATE_A" --gate-b "$GATE_B" --port-a 20000 --port-b 30000 \
	--count 100 --batch 100 --client-a "$CLIENT_A:4000" --client-b "$CLIENT_B:6000"
expect_contains "the item's error" "switchboard is full" "$(cat "$TMP/stderr")"
expect_eq "sessions" 1000 "$(info_get sessions)"
expect_eq "switchboard live" 1000 "$(sb_get live --addr-a "$GATE_A")"
# Refused before the first alloc: not allocated and rolled back, which would count both.
expect_eq "created: only the 50 of the per-item requests" $((created + 50)) "$(info_get sessions-created)"
expect_eq "deleted: none" "$deleted" "$(info_get sessions-deleted)"

step "a bulk alloc with an invalid session allocates nothing"
sbench clear >/dev/null
created_before_invalid=$(info_get sessions-created)
expect_fail 1 sbench churn --gate-a "$GATE_A" --gate-b "$GATE_B" --port-a 20000 --port-b 30000 \
	--count 10 --batch 10 --client-a "$GATE_A:20000" --client-b "$CLIENT_B:6000"
expect_contains "the kernel's reason" "gate port" "$(cat "$TMP/stderr")"
expect_eq "sessions" 0 "$(info_get sessions)"
expect_eq "created: none" "$(info_get sessions-created)" "$created_before_invalid"

step "without CAP_NET_ADMIN the bulk commands and the table dump are refused"
chmod 0755 "$TMP"
cp "$SESSBENCH" "$TMP/sessbench"
expect_fail 1 as_nobody "$TMP/sessbench" churn --gate-a "$GATE_A" --gate-b "$GATE_B" --port-a 20000 \
	--port-b 30000 --count 10 --batch 10 --client-a "$CLIENT_A:4000" --client-b "$CLIENT_B:6000"
expect_contains "alloc refused" "Operation not permitted" "$(cat "$TMP/stderr")"
expect_fail 1 as_nobody "$TMP/sessbench" list --repeat 1
expect_contains "table dump refused" "Operation not permitted" "$(cat "$TMP/stderr")"
expect_eq "sessions" 0 "$(info_get sessions)"

step "the sessions relay"
sbench setup --gates-a "$GATE_A" --gates-b "$GATE_B" --port-a 20000 --port-b 30000 \
	--per-switchboard 1000 --count 200 --batch 200 --client-a "$CLIENT_A:4000" \
	--client-b "$CLIENT_B:6000" --out "$TMP/sess" >/dev/null
read -r _ port_a _ port_b < <(tail -n 1 "$TMP/sess")
relay_check "session 199" clienta "$CLIENT_A:4000" "$GATE_A:$port_a" clientb "$CLIENT_B:6000" \
	"$GATE_B:$port_b" 2
