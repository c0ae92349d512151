#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The relay options of a session (issue 10, items 1 to 4), set at alloc and
# changed by update, IPv4 and IPv6; each step fails without its option:
#   dscp      relayed packets carry the session's DSCP, the sender's ECN bits
#             kept; back to the sender's DSCP on update; --tos as rtpproxy -t
#   max-ttl   the TTL or hop limit they leave with is capped
#   mark      the mark is set before the route lookup: POSTROUTING sees it,
#             and an ip rule on it decides the route
#   dup       datagrams below the size are sent twice, counted as dups, not
#             as packets; larger ones once
#   rate      a stream's rate limit: what goes beyond it is drop-rate, the
#             other direction is not limited, 0 lifts the limit
#   defaults  a rule's --dscp, --max-ttl and --dup-small are its new
#             sessions' options, which alloc may override; iptables-save
#             writes them
# Client B counts what arrives with nft (DSCP, ECN, TTL are on the wire).
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 16
add_switchboard --ipt "$IP6T" --chain rtpproxy6 --addr-a "$GATE6_A" --port-a 50000 \
	--addr-b "$GATE6_B" --port-b 52000 --max-sess 16
sb=(--addr-a "$GATE_A" --port-a 50000)
sb6=(--addr-a "$GATE6_A" --port-a 50000)
# Relay defaults in the rule: its new sessions start with them.
add_switchboard --chain defaults --addr-a "$GATE" --port-a 40000 --addr-b "$GATE_B" --port-b 42000 \
	--max-sess 4 --dscp 34 --max-ttl 7 --dup-small 100
sbd=(--addr-a "$GATE" --port-a 40000)

# call NAME SB [ALLOC-OPTIONS]: a session of switchboard sb, sb6 or sbd with
# fixed clients (RTP 4000 at A, 6000 at B); sets NAME_id, NAME_from, NAME_to
# (A's side), NAME_dest and NAME_src (B's side).
call() {
	local name=$1 sb_name=$2 out ca cb ga gb
	local -n sel=$sb_name
	shift 2
	if [ "$sb_name" = sb6 ]; then
		ca="[$CLIENT6_A]" cb="[$CLIENT6_B]" ga="[$GATE6_A]" gb="[$GATE6_B]"
		out=$(rtpp alloc "${sel[@]}" --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4000 \
			--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6000 "$@")
	else
		ca=$CLIENT_A cb=$CLIENT_B ga=$GATE_A gb=$GATE_B
		[ "$sb_name" = sbd ] && ga=$GATE
		out=$(rtpp alloc "${sel[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
			--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000 "$@")
	fi
	echo "$out"
	printf -v "${name}_id" '%s' "$(alloc_field "$out" sess-id)"
	printf -v "${name}_from" '%s' "$ca:4000"
	printf -v "${name}_to" '%s' "$ga:$(alloc_field "$out" gate-rtp-port-a)"
	printf -v "${name}_dest" '%s' "$cb:6000"
	printf -v "${name}_src" '%s' "$gb:$(alloc_field "$out" gate-rtp-port-b)"
}

# On client B: one counter per rule, named, on what arrives at port 6000.
nb nft add table inet xtrp_in
nb nft add chain inet xtrp_in in '{ type filter hook input priority 0; }'
# seen NAME MATCH...: a counter of B's input for datagrams to port 6000 matching.
seen() {
	local name=$1
	shift
	nb nft add counter inet xtrp_in "$name"
	nb nft add rule inet xtrp_in in udp dport 6000 "$@" counter name "$name"
}
count() { nb nft list counter inet xtrp_in "$1" | awk '/packets/ { print $2 }'; }

# relayed NAME SESSION COUNT [udpt send options]: COUNT datagrams A -> B through it.
relayed() {
	local name=$1 s=$2 count=$3 from to dest src
	shift 3
	from=${s}_from to=${s}_to dest=${s}_dest src=${s}_src
	relay_check "$name" clienta "${!from}" "${!to}" clientb "${!dest}" "${!src}" "$count" "$@"
}

step "dscp: relayed packets carry the session's DSCP and the sender's ECN bits"
seen ef4_ect1 ip dscp ef ip ecn ect1
seen ef4_ce ip dscp ef ip ecn ce
seen cs1_4 ip dscp cs1
seen ef6_ect0 ip6 dscp ef ip6 ecn ect0
call d4 sb --dscp 46
relayed d4-ect1 d4 4 --tos 0x01
relayed d4-ce d4 3 --tos 0x23
expect_eq "IPv4: DSCP EF with ECT(1)" 4 "$(count ef4_ect1)"
expect_eq "IPv4: DSCP EF with CE (the sender's CS1 replaced)" 3 "$(count ef4_ce)"
expect_contains "list: the session's DSCP" "dscp=46" "$(rtpp list "${sb[@]}")"
# Back to the sender's.
rtpp update "${sb[@]}" --sess-id-lo "$d4_id" --dscp sender
relayed d4-sender d4 5 --tos 0x20
expect_eq "IPv4: the sender's CS1 after --dscp sender" 5 "$(count cs1_4)"
expect_contains "list: the sender's DSCP" "dscp=sender" "$(rtpp list "${sb[@]}")"
# rtpproxy's -t takes a TOS byte: 0xb8 is EF.
rtpp update "${sb[@]}" --sess-id-lo "$d4_id" --tos 0xb8
expect_contains "list: --tos 0xb8" "dscp=46" "$(rtpp list "${sb[@]}")"
call d6 sb6 --tos 0xb8
relayed d6 d6 4 --tos 0x02
expect_eq "IPv6: DSCP EF with ECT(0)" 4 "$(count ef6_ect0)"

step "max-ttl: relayed packets leave with at most the session's TTL or hop limit"
seen ttl5 ip ttl 5
seen ttl63 ip ttl 63
seen hop5 ip6 hoplimit 5
call t4 sb --max-ttl 5
relayed t4 t4 3
expect_eq "IPv4: TTL 5" 3 "$(count ttl5)"
rtpp update "${sb[@]}" --sess-id-lo "$t4_id" --max-ttl 0
relayed t4-uncapped t4 2
expect_eq "IPv4: TTL 63 (64 less the relay's one) without a cap" 2 "$(count ttl63)"
call t6 sb6 --max-ttl 5
relayed t6 t6 3
expect_eq "IPv6: hop limit 5" 3 "$(count hop5)"
expect_contains "list: the session's cap" "max-ttl=5" "$(rtpp list "${sb6[@]}")"

step "mark: set before the route lookup, seen by POSTROUTING, used by policy routing"
np nft add table inet xtrp_post
np nft add chain inet xtrp_post post '{ type filter hook postrouting priority 0; }'
np nft add counter inet xtrp_post marked
np nft add rule inet xtrp_post post udp dport 6000 meta mark and 0xff == 0x10 counter name marked
# The sender's mark bits outside the mask stay: the proxy marks all it receives 0x300.
np nft add chain inet xtrp_post pre '{ type filter hook prerouting priority -300; }'
np nft add rule inet xtrp_post pre udp dport 50000-52999 meta mark set 0x300
np nft add counter inet xtrp_post kept
np nft add rule inet xtrp_post post udp dport 6000 meta mark 0x310 counter name kept
marked() { np nft list counter inet xtrp_post "$1" | awk '/packets/ { print $2 }'; }
call m4 sb --mark 0x10/0xff
relayed m4 m4 3
expect_eq "POSTROUTING: mark 0x10 in the low byte" 3 "$(marked marked)"
expect_eq "POSTROUTING: the rest of the mark kept (0x310)" 3 "$(marked kept)"
expect_contains "list: the session's mark" "mark=0x10/0xff" "$(rtpp list "${sb[@]}")"
# A rule on the mark sends the session to a table where B is unreachable.
np ip rule add fwmark 0x10/0xff table 100
np ip route add unreachable "$CLIENT_B/32" table 100
xmit=$(sb_get drop-xmit "${sb[@]}")
drop_check m4-unreachable clienta "$m4_from" "$m4_to" clientb "$m4_dest" 2
expect_eq "drop-xmit: the marked packets' route is table 100's" $((xmit + 2)) "$(sb_get drop-xmit "${sb[@]}")"
# Another session, unmarked, takes the main table.
call plain4 sb
relayed plain4 plain4 2
np ip rule del fwmark 0x10/0xff table 100
relayed m4-after m4 2

step "dup: datagrams under the size go twice, counted as dups"
call u4 sb --dup-small 128
recv_start u4-small clientb "$u4_dest" 20 --expect-from "$u4_src"
send clienta "$u4_from" "$u4_to" 10 --size 100
recv_wait u4-small
expect_eq "rtp-a packets (the originals)" 10 "$(stream_get "$u4_id" rtp-a packets "${sb[@]}")"
expect_eq "rtp-a dups" 10 "$(stream_get "$u4_id" rtp-a dups "${sb[@]}")"
relayed u4-large u4 5 --size 200
expect_eq "rtp-a dups after 200-byte datagrams" 10 "$(stream_get "$u4_id" rtp-a dups "${sb[@]}")"
expect_contains "list: the session's size" "dup-below=128" "$(rtpp list "${sb[@]}")"
expect_eq "global duplicated" 10 "$(info_get duplicated)"
rtpp update "${sb[@]}" --sess-id-lo "$u4_id" --dup-small 0
relayed u4-off u4 4 --size 100
expect_eq "rtp-a dups after --dup-small 0" 10 "$(stream_get "$u4_id" rtp-a dups "${sb[@]}")"
call u6 sb6 --dup-small 64
recv_start u6-small clientb "$u6_dest" 6 --expect-from "$u6_src"
send clienta "$u6_from" "$u6_to" 3 --size 40
recv_wait u6-small
expect_eq "IPv6 rtp-a dups" 3 "$(stream_get "$u6_id" rtp-a dups "${sb6[@]}")"

step "rate: a stream's limit drops what goes beyond it, the other direction flows"
# 1,000 datagrams a second of 100 bytes each way for 3 s; A's limited to
# 20,000 bytes a second with a burst of 1,500.
call l4 sb --rtp-rate-a 20000/1500
expect_contains "list: the limit" "rate=20000 burst=1500" "$(list_session "$l4_id" "${sb[@]}" | grep 'stream=rtp-a ')"
dr=$(sb_get drop-rate "${sb[@]}")
echo "$l4_from $l4_to 1" >"$TMP/flow-a"
echo "$l4_dest ${l4_src} 2" >"$TMP/flow-b"
start=$(date +%s.%N)
"${UDP[@]}" flood --netns clienta --flows "$TMP/flow-a" --duration 3 --pps 1000 --size 100 >"$TMP/flood-a" &
fa=$!
"${UDP[@]}" flood --netns clientb --flows "$TMP/flow-b" --duration 3 --pps 1000 --size 100 >"$TMP/flood-b"
wait "$fa"
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%d", e - s + 1 }')
sent_a=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^sent=/) v = substr($i, 6) } END { print v }' "$TMP/flood-a")
sent_b=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^sent=/) v = substr($i, 6) } END { print v }' "$TMP/flood-b")
relayed_a=$(stream_get "$l4_id" rtp-a packets "${sb[@]}")
relayed_b=$(stream_get "$l4_id" rtp-b packets "${sb[@]}")
dropped=$(($(sb_get drop-rate "${sb[@]}") - dr))
echo "A: sent $sent_a relayed $relayed_a dropped $dropped in at most $secs s; B: sent $sent_b relayed $relayed_b"
# The bucket lets through at most the rate for the time, plus the burst.
((relayed_a * 100 <= 20000 * secs + 1500)) || fail "A: $relayed_a datagrams of 100 bytes in $secs s"
((relayed_a * 100 >= 20000 * 2)) || fail "A: only $relayed_a datagrams of 100 bytes passed"
expect_eq "A: relayed and dropped for the rate" "$sent_a" $((relayed_a + dropped))
expect_eq "B: all relayed" "$sent_b" "$relayed_b"
rtpp update "${sb[@]}" --sess-id-lo "$l4_id" --rtp-rate-a 0
relayed l4-unlimited l4 20 --size 100
expect_eq "drop-rate after the limit is lifted" "$dropped" $(($(sb_get drop-rate "${sb[@]}") - dr))

step "defaults: the rule's relay options are its new sessions'"
seen af41_ttl7 ip dscp af41 ip ttl 7
expect_contains "iptables-save" "--dscp 34 --max-ttl 7 --dup-small 100" "$(ipt -t mangle -S defaults)"
list=$(rtpp list --no-session "${sbd[@]}")
expect_contains "the switchboard's defaults" "dscp=34" "$list"
call r1 sbd
recv_start r1 clientb "$r1_dest" 4 --expect-from "$r1_src"
send clienta "$r1_from" "$r1_to" 2 --size 50
recv_wait r1
expect_eq "DSCP 34 (AF41) and TTL 7 from the rule" 4 "$(count af41_ttl7)"
expect_eq "dups from the rule's --dup-small" 2 "$(stream_get "$r1_id" rtp-a dups "${sbd[@]}")"
# An alloc's own options win.
call r2 sbd --dscp sender --max-ttl 0 --dup-small 0
relayed r2 r2 3 --size 50
expect_eq "r2: not as the rule says" 4 "$(count af41_ttl7)"
expect_eq "r2: no dups" 0 "$(stream_get "$r2_id" rtp-a dups "${sbd[@]}")"

step "bad values are refused before anything changes"
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --dscp 64
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --tos 0xb9
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --max-ttl 256
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --mark nope
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --dscp 1 --tos 4
expect_eq "sessions" 11 "$(info_get sessions)"
