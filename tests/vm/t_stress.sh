#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress: both clients send as fast as they can over many sessions while one
# process allocates, updates and deletes other sessions and another reloads
# the mangle table and adds and removes switchboard rules. Afterwards every
# packet is accounted for, session by session, and none reached a client of
# another session.
#
# STRESS_SECONDS (default 20) and STRESS_SESSIONS (default 300) size it;
# `make stress` runs it longer and wider.

. "$(dirname "$0")/lib.sh"

seconds=${STRESS_SECONDS:-20}
sessions=${STRESS_SESSIONS:-300}
spare=200
setup_all
# A socket per flow and per bound port, in one process each.
ulimit -n $((2 * sessions + 1024))
# Deep enough that the clients' own bursts are never dropped before the relay
# sees them (global, not per namespace, on these kernels).
sysctl -qw net.core.netdev_max_backlog=100000
# Static neighbours: under minutes of saturation an ARP probe can go
# unanswered, and the packets queued behind an unresolved neighbour are
# dropped uncounted by anything the test could read per session.
mac() { ip -n "$1" -o link show "$2" | awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }'; }
ip -n clienta neigh replace "$GATE_A" lladdr "$(mac proxy br-a)" dev eth0 nud permanent
ip -n clientb neigh replace "$GATE_B" lladdr "$(mac proxy pb)" dev eth0 nud permanent
ip -n proxy neigh replace "$CLIENT_A" lladdr "$(mac clienta eth0)" dev br-a nud permanent
ip -n proxy neigh replace "$CLIENT_B" lladdr "$(mac clientb eth0)" dev pb nud permanent
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 20000 \
	--max-sess $((sessions + spare))
sb=(--addr-a "$GATE_A" --port-a 20000)

step "$sessions sessions with fixed clients, and what each side sends and expects"
for i in $(seq 0 $((sessions - 1))); do
	echo "alloc ${sb[*]} --rtp-addr-a $CLIENT_A --rtp-port-a $((10000 + 2 * i))" \
		"--rtp-addr-b $CLIENT_B --rtp-port-b $((40000 + 2 * i))"
done >"$TMP/setup"
rtpp -b "$TMP/setup" >"$TMP/allocs"
expect_eq "sessions" "$sessions" "$(info_get sessions)"
# A sends RTP, B sends RTCP: a client socket that sends also receives what
# comes back to its address, so each side sends on one stream and listens on
# the other. SSRC 2*id+1 goes from A to B, 2*id+2 from B to A: a packet's SSRC
# names its session and direction wherever it lands.
i=0
while read -r line; do
	id=$(alloc_field "$line" sess-id)
	pa=$(alloc_field "$line" gate-rtp-port-a)
	pb=$(alloc_field "$line" gate-rtp-port-b)
	echo "$CLIENT_A:$((10000 + 2 * i)) $GATE_A:$pa $((2 * id + 1))" >>"$TMP/flows-a"
	echo "$CLIENT_B:$((40001 + 2 * i)) $GATE_B:$((pb + 1)) $((2 * id + 2))" >>"$TMP/flows-b"
	echo "$CLIENT_B:$((40000 + 2 * i)) $((2 * id + 1))" >>"$TMP/expect-b"
	echo "$CLIENT_A:$((10001 + 2 * i)) $((2 * id + 2))" >>"$TMP/expect-a"
	echo "$id $((2 * id + 1)) $((2 * id + 2))" >>"$TMP/ids"
	i=$((i + 1))
done <"$TMP/allocs"

# Counters that explain packets lost after the relay, in the receivers' namespaces.
rcvbuf_errors() {
	# shellcheck disable=SC2016 # awk's own variables
	ip netns exec "$1" awk '$1 == "Udp:" && !h { for (i = 1; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == "Udp:" { print $col["RcvbufErrors"] }' /proc/net/snmp
}
softnet_drops() {
	local s=0 _p dropped _rest
	while read -r _p dropped _rest; do s=$((s + 0x$dropped)); done </proc/net/softnet_stat
	echo "$s"
}
rcvbuf_a0=$(rcvbuf_errors clienta)
rcvbuf_b0=$(rcvbuf_errors clientb)
softnet0=$(softnet_drops)

step "traffic at full speed for $seconds s, under churn and rule reloads"
"${UDP[@]}" sink --netns clientb --expect "$TMP/expect-b" --timeout $((seconds + 300)) >"$TMP/sink-b" &
sink_b=$!
"${UDP[@]}" sink --netns clienta --expect "$TMP/expect-a" --timeout $((seconds + 300)) >"$TMP/sink-a" &
sink_a=$!
sleep 1
touch "$TMP/running"

# Churn: sessions beside the measured ones come and go; the measured ones are
# updated to what they already are, racing the packet path's reads.
(
	round=0
	while [ -e "$TMP/running" ]; do
		for _ in $(seq 20); do echo "alloc ${sb[*]} --rtp-learning-timeout-a 500 --rtp-learning-timeout-b 500"; done >"$TMP/churn"
		np "$RTPP" -b "$TMP/churn" >"$TMP/churn-ids" || echo "churn: alloc failed"
		ids=$(sed 's/^sess-id=\([0-9]*\) .*/\1/' "$TMP/churn-ids")
		{
			for id in $ids; do
				echo "update ${sb[*]} --sess-id-lo $id --rtp-addr-a $MALLORY --rtp-port-a 7000"
			done
			for n in 0 $((sessions / 2)) $((sessions - 1)); do
				echo "update ${sb[*]} --sess-id-lo $n --rtp-addr-a $CLIENT_A --rtp-port-a $((10000 + 2 * n))" \
					"--rtp-addr-b $CLIENT_B --rtp-port-b $((40000 + 2 * n))"
			done
			echo "list ${sb[*]} --sess-id-lo $((sessions - 5))"
			for id in $ids; do echo "delete ${sb[*]} --sess-id-lo $id"; done
		} >"$TMP/churn2"
		np "$RTPP" -b "$TMP/churn2" >/dev/null || echo "churn: update/delete failed"
		round=$((round + 1))
	done
	echo "churn rounds=$round"
) >"$TMP/churn.log" 2>&1 &
churn=$!

# Rules: the whole mangle table reloaded, a second switchboard and a second
# rule naming the measured switchboard added and removed.
(
	round=0
	extra=(-j RTPPROXY --addr-a "$GATE" --port-a 60000 --max-sess 100)
	twin=(-j RTPPROXY --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 20000
		--max-sess $((sessions + spare)) --expires-timeout 3600)
	while [ -e "$TMP/running" ]; do
		np "$IPT-save" -t mangle >"$TMP/mangle"
		np "$IPT-restore" <"$TMP/mangle" || echo "rules: restore failed"
		np "$IPT" -t mangle -A rtpproxy "${extra[@]}" || echo "rules: add failed"
		np "$IPT" -t mangle -A rtpproxy "${twin[@]}" || echo "rules: add twin failed"
		np "$IPT" -t mangle -D rtpproxy "${extra[@]}" || echo "rules: delete failed"
		np "$IPT" -t mangle -D rtpproxy "${twin[@]}" || echo "rules: delete twin failed"
		round=$((round + 1))
	done
	echo "rules rounds=$round"
) >"$TMP/rules.log" 2>&1 &
rules=$!

"${UDP[@]}" flood --netns clienta --flows "$TMP/flows-a" --duration "$seconds" >"$TMP/flood-a" &
flood_a=$!
"${UDP[@]}" flood --netns clientb --flows "$TMP/flows-b" --duration "$seconds" --kind rtcp >"$TMP/flood-b" &
flood_b=$!
wait "$flood_a" "$flood_b"
rm -f "$TMP/running"
wait "$churn" "$rules"
cat "$TMP/churn.log" "$TMP/rules.log"
tail -n 1 "$TMP/flood-a" "$TMP/flood-b"
grep -q failed "$TMP/churn.log" "$TMP/rules.log" && fail "a control command failed under load"

# Everything relayed has arrived or been dropped on arrival by the time the
# counters stop moving.
settled() {
	local now
	now=$(info_get packets)
	[ "$now" = "$(cat "$TMP/last" 2>/dev/null)" ] && return 0
	echo "$now" >"$TMP/last"
	return 1
}
wait_until 60 "the relay went quiet" settled
sleep 1
kill -TERM "$sink_a" "$sink_b"
wait "$sink_a" "$sink_b" || true
tail -n 1 "$TMP/sink-a" "$TMP/sink-b"

step "no packet reached a client of another session, none was damaged"
for side in a b; do
	expect_match "sink $side" ".* bad=0 misdelivered=0 stray=0 .*" "$(tail -n 1 "$TMP/sink-$side")"
done

step "for every session: sent = relayed + counted drops, both ways"
rtpp list "${sb[@]}" >"$TMP/list"
# id sent-by-A sent-by-B from the flood reports, keyed by SSRC.
awk '
	FILENAME == ARGV[1] { a[$2] = $1; b[$3] = $1; next }
	$1 == "flow" {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if (f["ssrc"] in a) sa[a[f["ssrc"]]] = f["sent"]
		else if (f["ssrc"] in b) sb[b[f["ssrc"]]] = f["sent"]
	}
	END { for (id in sa) print id, sa[id], sb[id] }' "$TMP/ids" "$TMP/flood-a" "$TMP/flood-b" |
	sort -n >"$TMP/sent"
# id relayed+dropped from A, the same from B, from the listing.
awk '
	$1 == "record=session" { split($2, kv, "="); id = kv[2] }
	$1 == "record=stream" && ($2 == "stream=rtp-a" || $2 == "stream=rtcp-b") {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		s = f["stream"]
		n[id, s] = f["packets"] + f["drops"]; relayed[s] += f["packets"]; ids[id] = 1
	}
	END {
		for (id in ids) print id, n[id, "rtp-a"], n[id, "rtcp-b"]
		print "relayed", relayed["rtp-a"], relayed["rtcp-b"] > "/dev/stderr"
	}' "$TMP/list" 2>"$TMP/relayed" | sort -n >"$TMP/counted"
expect_eq "sessions accounted" "$sessions" "$(wc -l <"$TMP/sent")"
if ! diff "$TMP/sent" "$TMP/counted" >"$TMP/diff"; then
	head -n 20 "$TMP/diff"
	fail "$(grep -c '^<' "$TMP/diff") sessions where sent != relayed + dropped (softnet drops: $(($(softnet_drops) - softnet0)))"
fi
echo "ok: sent = relayed + dropped for all $sessions sessions, both directions"

step "what was relayed and not received was dropped by the receivers' sockets"
read -r _ relayed_a relayed_b <"$TMP/relayed"
received_b=$(tail -n 1 "$TMP/sink-b" | tr ' ' '\n' | awk -F= '$1 == "received" { print $2 }')
received_a=$(tail -n 1 "$TMP/sink-a" | tr ' ' '\n' | awk -F= '$1 == "received" { print $2 }')
lost_b=$(($(rcvbuf_errors clientb) - rcvbuf_b0))
lost_a=$(($(rcvbuf_errors clienta) - rcvbuf_a0))
echo "A->B: relayed=$relayed_a received=$received_b socket-drops=$lost_b"
echo "B->A: relayed=$relayed_b received=$received_a socket-drops=$lost_a"
expect_eq "A->B relayed" "$relayed_a" $((received_b + lost_b))
expect_eq "B->A relayed" "$relayed_b" $((received_a + lost_a))
[ "$relayed_a" -gt $((sessions * 5)) ] || fail "too little relayed A->B to mean anything: $relayed_a"
[ "$relayed_b" -gt $((sessions * 5)) ] || fail "too little relayed B->A to mean anything: $relayed_b"
expect_eq "sessions left" "$sessions" "$(info_get sessions)"
