#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Relay loops between switchboards: a plain user cannot start one, and one that root makes dies out.
#
# Two switchboards on the proxy's single address (lo), rules in PREROUTING
# only, as bench/ and many operators write them:
#
#   SB1  A: GATE:20000-20007  B: GATE:20100-20107
#   SB2  A: GATE:30000-30007  B: GATE:30100-30107
#
# A session of SB1 whose clients are SB2's gate ports of a session whose
# clients are SB1's gate ports relays a packet round for ever: through the
# loopback's backlog, where the per-CPU depth guard does not see it. Before
# the fix a plain user made such a pair from two learning sessions with
# three datagrams sent from sockets bound to the gate ports (the relay binds
# none). Learning now refuses every switchboard's gate ports, and each relay
# takes one from the TTL, so that the same loop made by root from fixed
# clients dies out after at most 64 relays (drop-loop).

. "$(dirname "$0")/lib.sh"

setup_all

# define FAMILY: the two switchboards of that family.
define() {
	local g=$GATE ipt=$IPT
	[ "$1" = 6 ] && g=$GATE6 ipt=$IP6T
	add_switchboard --ipt "$ipt" --chain "sb1v$1" --addr-a "$g" --port-a 20000 --addr-b "$g" \
		--port-b 20100 --max-sess 4
	add_switchboard --ipt "$ipt" --chain "sb2v$1" --addr-a "$g" --port-a 30000 --addr-b "$g" \
		--port-b 30100 --max-sess 4
}

# use FAMILY: sets addr (the gates' address), ep (the same as an endpoint
# prefix: [v6]), sb1 and sb2 (the switchboards' options).
use() {
	addr=$GATE ep=$GATE
	if [ "$1" = 6 ]; then addr=$GATE6 ep="[$GATE6]"; fi
	sb1=(--addr-a "$addr" --port-a 20000)
	sb2=(--addr-a "$addr" --port-a 30000)
}

# pair: allocates a learning session in each switchboard; sets s1/s2 (ids)
# and s1a, s1b, s2a, s2b (their RTP gate ports). Windows of 15 minutes: on
# the debug kernel (make test-debug-kernel) one step takes minutes.
pair() {
	local out
	out=$(rtpp alloc "${sb1[@]}" --rtp-learning-timeout-a 900000 --rtp-learning-timeout-b 900000)
	s1=$(alloc_field "$out" sess-id) s1a=$(alloc_field "$out" gate-rtp-port-a)
	s1b=$(alloc_field "$out" gate-rtp-port-b)
	out=$(rtpp alloc "${sb2[@]}" --rtp-learning-timeout-a 900000 --rtp-learning-timeout-b 900000)
	s2=$(alloc_field "$out" sess-id) s2a=$(alloc_field "$out" gate-rtp-port-a)
	s2b=$(alloc_field "$out" gate-rtp-port-b)
}

unpair() {
	rtpp delete "${sb1[@]}" >/dev/null
	rtpp delete "${sb2[@]}" >/dev/null
}

# total KEY: a global counter (both switchboards).
total() { info_get "$1"; }

# relayed_in SECONDS: packets relayed in that time.
relayed_in() {
	local before after
	before=$(total packets)
	nap "$1"
	after=$(total packets)
	echo $((after - before))
}

loop_dropped() { [ "$(total drop-loop)" -gt "$loops" ]; }

plain_user_loop() {
	local src0
	step "IPv$1: a plain user sends three datagrams from other switchboards' gate ports to two learning sessions"
	use "$1"
	pair
	src0=$(total drop-source)
	# SB1 would learn A = SB2's A port and B = SB2's B port; SB2 would learn
	# A = SB1's A port (from the relay of the second datagram) and B = SB1's
	# B port, and the third datagram would go round for ever.
	as_nobody "${UDP[@]}" send --from "$ep:$s2a" --to "$ep:$s1a" --count 1 >/dev/null
	as_nobody "${UDP[@]}" send --from "$ep:$s2b" --to "$ep:$s1b" --count 1 >/dev/null
	as_nobody "${UDP[@]}" send --from "$ep:$s1b" --to "$ep:$s2b" --count 1 >/dev/null
	nap 0.5
	expect_eq "IPv$1: packets relayed in the second after" 0 "$(relayed_in 1)"
	expect_eq "IPv$1: datagrams from gate ports dropped (drop-source)" \
		$((src0 + 3)) "$(total drop-source)"
	expect_eq "IPv$1: SB1's A client" - "$(stream_get "$s1" rtp-a client "${sb1[@]}")"
	expect_eq "IPv$1: SB1's B client" - "$(stream_get "$s1" rtp-b client "${sb1[@]}")"
	expect_eq "IPv$1: SB2's B client" - "$(stream_get "$s2" rtp-b client "${sb2[@]}")"
	# A local client that is no gate port is still learned.
	as_nobody "${UDP[@]}" send --from "$ep:4000" --to "$ep:$s1a" --count 1 >/dev/null
	expect_eq "IPv$1: a local client that is no gate port" "$ep:4000" \
		"$(stream_get "$s1" rtp-a client "${sb1[@]}")"
	unpair
}

# ring: root pins each session's clients to the other's gate ports (the
# control path allows another switchboard's ports: chaining switchboards is
# the operator's choice) and sends one datagram into the ring.
ring() {
	pair
	rtpp update "${sb1[@]}" --sess-id-lo "$s1" --rtp-addr-a "$addr" --rtp-port-a "$s2a" \
		--rtp-addr-b "$addr" --rtp-port-b "$s2b"
	rtpp update "${sb2[@]}" --sess-id-lo "$s2" --rtp-addr-a "$addr" --rtp-port-a "$s1a" \
		--rtp-addr-b "$addr" --rtp-port-b "$s1b"
	loops=$(total drop-loop)
	packets=$(total packets)
	send proxy "$ep:$s2a" "$ep:$s1a" 1
	wait_until 30 "the ring's datagram was dropped (drop-loop)" loop_dropped
}

root_loop() {
	local relayed
	step "IPv$1: root's ring of fixed clients through two switchboards dies out"
	use "$1"
	ring
	relayed=$(($(total packets) - packets))
	echo "relayed $relayed times before its TTL ran out"
	# The sender's TTL is 64: each relay takes one, the last is dropped.
	((relayed >= 2 && relayed <= 64)) || fail "IPv$1: the ring relayed $relayed times"
	expect_eq "IPv$1: drop-loop" $((loops + 1)) "$(total drop-loop)"
	expect_eq "IPv$1: packets relayed in the second after" 0 "$(relayed_in 1)"
	unpair
}

# output_loop FAMILY: the same ring with the rules in OUTPUT too: a relayed
# packet to a gate is relayed again inside ip_local_out(), and the per-CPU
# depth guard stops the recursion.
output_loop() {
	local ipt=$IPT
	[ "$1" = 6 ] && ipt=$IP6T
	step "IPv$1: the ring with the rules in OUTPUT as well: the depth guard ends it"
	use "$1"
	np "$ipt" -t mangle -A OUTPUT -p udp -j "sb1v$1"
	np "$ipt" -t mangle -A OUTPUT -p udp -j "sb2v$1"
	ring
	expect_eq "IPv$1: packets relayed in the second after" 0 "$(relayed_in 1)"
	unpair
	np "$ipt" -t mangle -D OUTPUT -p udp -j "sb1v$1"
	np "$ipt" -t mangle -D OUTPUT -p udp -j "sb2v$1"
}

for family in 4 6; do
	define "$family"
	plain_user_loop "$family"
	root_loop "$family"
	output_loop "$family"
done

step "the relay still works"
add_switchboard --chain calls --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
relay_check call clienta "$CLIENT_A:4000" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" \
	clientb "$CLIENT_B:6000" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 3
rtpp info
