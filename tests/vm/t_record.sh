#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Recording through NFLOG: a recording session's datagrams reach tcpdump -i
# nflog:N as received, as sent or both, each copy named by its prefix; a
# session that does not record sends none; recording moves to another group,
# stops, survives nothing it should not; a bridge's copies are of each
# family; list shows it.
. "$(dirname "$0")/lib.sh"

command -v tcpdump >/dev/null || fail "tcpdump is not installed (make deps)"
setup_all
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 30000 --max-sess 8
sb=(--addr-a "$GATE_A" --port-a 20000)

# capture NAME GROUP: tcpdump on the proxy's NFLOG group, as an operator runs it.
capture() {
	local name=cap-$1 group=$2 i
	# Not through np: $! must be tcpdump itself (ip netns exec execs it).
	ip netns exec proxy tcpdump -Z root -i "nflog:$group" -U -w "$TMP/$name.pcap" 2>"$TMP/$name.err" &
	echo $! >"$TMP/$name.pid"
	for ((i = 0; i < 200; i++)); do
		grep -q "listening on" "$TMP/$name.err" && return 0
		nap 0.1
	done
	cat "$TMP/$name.err" >&2
	fail "tcpdump on nflog:$group did not start"
}

# captured NAME: ends the capture (nfnetlink_log sends within a second) and
# prints its packets as tcpdump -r does.
captured() {
	local name=cap-$1 pid i
	pid=$(<"$TMP/$name.pid")
	nap 1.5
	# TERM: a background job ignores INT. Called in a subshell ("$(captured
	# ...)"), which cannot wait for it: the group is free once it has closed.
	kill -TERM "$pid"
	for ((i = 0; i < 200; i++)); do
		grep -q "packets captured" "$TMP/$name.err" && break
		nap 0.1
	done
	tcpdump -r "$TMP/$name.pcap" -n 2>/dev/null
}

# prefixes NAME: the NFLOG prefixes in the capture, counted.
prefixes() {
	grep -ao 'rtpp [0-9]* [a-z-]* [a-z]*' "$TMP/cap-$1.pcap" | sort | uniq -c | awk '{ $1 = $1; print }'
}

call() {
	out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a "$1" \
		--rtp-addr-b "$CLIENT_B" --rtp-port-b "$2" "${@:3}")
	id=$(alloc_field "$out" sess-id)
	pa=$(alloc_field "$out" gate-rtp-port-a)
	pb=$(alloc_field "$out" gate-rtp-port-b)
}

step "as received: each datagram as it arrived at the gate, both directions"
call 4000 6000 --nflog-group 5
expect_eq "list: recording" "5 received" "$(sess_get "$id" nflog-group "${sb[@]}") $(sess_get "$id" nflog-copy "${sb[@]}")"
rec=$id
capture rx 5
relay_check ab clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 3 --size 200
relay_check ba clientb "$CLIENT_B:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" "$GATE_A:$pa" 2 --size 200
relay_check rtcp clienta "$CLIENT_A:4001" "$GATE_A:$((pa + 1))" clientb "$CLIENT_B:6001" \
	"$GATE_B:$((pb + 1))" 1 --kind rtcp
step "a session that does not record: no copies"
call 4100 6100
relay_check quiet clienta "$CLIENT_A:4100" "$GATE_A:$pa" clientb "$CLIENT_B:6100" "$GATE_B:$pb" 4
expect_eq "list: not recording" "- -" "$(sess_get "$id" nflog-group "${sb[@]}") $(sess_get "$id" nflog-copy "${sb[@]}")"
got=$(captured rx)
echo "$got"
expect_eq "copies" 6 "$(grep -c . <<<"$got")"
expect_eq "A to gate A, whole" 3 "$(grep -c "IP $CLIENT_A.4000 > $GATE_A.$((20000 + 2 * rec)): UDP, length 200" <<<"$got")"
expect_eq "B to gate B, whole" 2 "$(grep -c "IP $CLIENT_B.6000 > $GATE_B.$((30000 + 2 * rec)): UDP, length 200" <<<"$got")"
expect_eq "prefixes" "$(printf '1 rtpp %s rtcp-a received\n3 rtpp %s rtp-a received\n2 rtpp %s rtp-b received' "$rec" "$rec" "$rec")" \
	"$(prefixes rx)"

step "as sent, to another group: from the opposite gate to the opposite client, the relay options applied"
rtpp update "${sb[@]}" --sess-id-lo "$rec" --nflog-group 6 --nflog-copy sent --tos 0xb8
capture tx 6
capture old 5
relay_check sent clienta "$CLIENT_A:4000" "$GATE_A:$((20000 + 2 * rec))" clientb "$CLIENT_B:6000" \
	"$GATE_B:$((30000 + 2 * rec))" 2
np "$RTPP" list "${sb[@]}" | grep "id=$rec "
got=$(captured tx)
echo "$got"
expect_eq "sent copies" 2 "$(grep -c "IP $GATE_B.$((30000 + 2 * rec)) > $CLIENT_B.6000: UDP" <<<"$got")"
expect_eq "sent prefixes" "2 rtpp $rec rtp-a sent" "$(prefixes tx)"
expect_eq "DSCP 46 in the sent copy" 2 "$(tcpdump -r "$TMP/cap-tx.pcap" -n -v 2>/dev/null | grep -c 'tos 0xb8')"
expect_eq "the old group: nothing" "" "$(captured old)"

step "both copies; stopped: nothing"
rtpp update "${sb[@]}" --sess-id-lo "$rec" --nflog-group 7 --nflog-copy both
expect_eq "list: both" "7 both" "$(sess_get "$rec" nflog-group "${sb[@]}") $(sess_get "$rec" nflog-copy "${sb[@]}")"
capture both 7
relay_check both clientb "$CLIENT_B:6000" "$GATE_B:$((30000 + 2 * rec))" clienta "$CLIENT_A:4000" \
	"$GATE_A:$((20000 + 2 * rec))" 2
expect_eq "both: prefixes" "$(printf '2 rtpp %s rtp-b received\n2 rtpp %s rtp-b sent' "$rec" "$rec")" \
	"$(captured both >/dev/null; prefixes both)"
rtpp update "${sb[@]}" --sess-id-lo "$rec" --no-nflog
expect_eq "list: stopped" "-" "$(sess_get "$rec" nflog-group "${sb[@]}")"
capture stopped 7
relay_check stopped clienta "$CLIENT_A:4000" "$GATE_A:$((20000 + 2 * rec))" clientb "$CLIENT_B:6000" \
	"$GATE_B:$((30000 + 2 * rec))" 2
expect_eq "stopped: nothing" "" "$(captured stopped)"

step "bad requests: refused with the kernel's reason"
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$rec" --nflog-group 5 --no-nflog
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$rec" --nflog-copy sent
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$rec" --nflog-group 65536

step "a bridge records each copy in its own family"
add_bridge bridge --addr-a "$GATE_A" --port-a 40000 --addr-b "$GATE6_B" --port-b 42000 --max-sess 2
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 40000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4200 \
	--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6200 --nflog-group 8 --nflog-copy both)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
capture bridge 8
relay_check bridge-ab clienta "$CLIENT_A:4200" "$GATE_A:$pa" clientb "[$CLIENT6_B]:6200" "[$GATE6_B]:$pb" 1
relay_check bridge-ba clientb "[$CLIENT6_B]:6200" "[$GATE6_B]:$pb" clienta "$CLIENT_A:4200" "$GATE_A:$pa" 1
got=$(captured bridge)
echo "$got"
expect_eq "IPv4 received" 1 "$(grep -c "IP $CLIENT_A.4200 > $GATE_A.$pa: UDP" <<<"$got")"
expect_eq "IPv6 sent" 1 "$(grep -c "IP6 $GATE6_B.$pb > $CLIENT6_B.6200: UDP" <<<"$got")"
expect_eq "IPv6 received" 1 "$(grep -c "IP6 $CLIENT6_B.6200 > $GATE6_B.$pb: UDP" <<<"$got")"
expect_eq "IPv4 sent" 1 "$(grep -c "IP $GATE_A.$pa > $CLIENT_A.4200: UDP" <<<"$got")"

step "the NFLOG logger stays while the module may record"
expect_fail 1 rmmod nfnetlink_log
echo "PASS"
