#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Broken, unusual and hostile datagrams at the gates: lengths, checksums, IP options, extension headers, fragments, 0 bytes to 64 KiB, GSO, ICMP errors.
#
# Every case ends in one of two ways: relayed intact (the receiver checks
# every payload byte) with the switchboard's packets counter moved by what was
# relayed, or not relayed with exactly one drop counter moved by the packets
# sent, or, for what the target cannot see as UDP to a gate port, left to the
# proxy's own stack, which counts it. run.sh fails the test on any kernel
# warning.
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 16
np "$IP6T" -t mangle -N rtpproxy
np "$IP6T" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE6_A" --port-a 50000 --addr-b "$GATE6_B" \
	--port-b 52000 --max-sess 4 --expires-timeout 3600
np "$IP6T" -t mangle -A PREROUTING -p udp -j rtpproxy
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
out=$(rtpp alloc --addr-a "$GATE6_A" --port-a 50000 --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6000)
pa6=$(alloc_field "$out" gate-rtp-port-a)
pb6=$(alloc_field "$out" gate-rtp-port-b)
# Counts the UDP packets longer than one datagram of the GSO steps (1400
# bytes): what PREROUTING sees of a GSO super-packet, as one packet.
np "$IPT" -t mangle -I PREROUTING -p udp -m length --length 1600:65535 -m comment --comment udp-super
np "$IP6T" -t mangle -I PREROUTING -p udp -m length --length 1600:65535 -m comment --comment udp-super
sb=(--addr-a "$GATE_A" --port-a 50000)
sb6=(--addr-a "$GATE6_A" --port-a 50000)
A=$CLIENT_A:4000 B=$CLIENT_B:6000 GA=$GATE_A:$pa GB=$GATE_B:$pb
A6="[$CLIENT6_A]:4000" B6="[$CLIENT6_B]:6000" GA6="[$GATE6_A]:$pa6" GB6="[$GATE6_B]:$pb6"

# ---- helpers -----------------------------------------------------------------

COUNTERS=(packets drop-no-session drop-source drop-expired drop-malformed drop-no-dest drop-xmit drop-loop)
declare -A last_count=()

# counted FAMILY WHAT [COUNTER=DELTA...]: since the last call, the counters
# of the family's switchboard moved by exactly these deltas, the others in
# COUNTERS not at all (bytes only when named).
counted() {
	local family=$1 what=$2 field line want="" got="" c
	shift 2
	local -A now=() delta=()
	for field; do
		delta[${field%%=*}]=${field#*=}
	done
	if [ "$family" = 4 ]; then
		line=$(rtpp list --no-session "${sb[@]}")
	else
		line=$(rtpp list --no-session "${sb6[@]}")
	fi
	for field in $line; do
		now[${field%%=*}]=${field#*=}
	done
	for c in "${COUNTERS[@]}" bytes; do
		[ -n "${now[$c]:-}" ] || fail "no $c in: $line"
		if [ -n "${last_count[$family.$c]:-}" ] && { [ "$c" != bytes ] || [ -n "${delta[$c]:-}" ]; }; then
			want+=" $c+${delta[$c]:-0}"
			got+=" $c+$((now[$c] - last_count[$family.$c]))"
		fi
		last_count[$family.$c]=${now[$c]}
	done
	[ -z "$want" ] || expect_eq "$what: counters" "${want# }" "${got# }"
}

# supers 4|6: UDP packets over 1600 bytes PREROUTING has seen (a GSO
# super-packet is one). Read, not zeroed: iptables-nft zeroes by replacing rules.
supers() {
	local cmd=$IPT
	[ "$1" = 4 ] || cmd=$IP6T
	np "$cmd" -t mangle -L PREROUTING -v -x -n | awk '/udp-super/ { print $1 }'
}

# first_len NAME: the length of the first packet a receiver got.
first_len() {
	local line field
	while IFS= read -r line; do
		case $line in packet\ *) break ;; esac
	done <"$TMP/$1.out"
	for field in $line; do
		case $field in len=*) echo "${field#len=}" && return ;; esac
	done
}

raw4() { "${UDP[@]}" raw4 --netns clienta --from "$A" --to "$GA" "$@" >/dev/null; }
raw6() { "${UDP[@]}" raw6 --netns clienta --from "$A6" --to "$GA6" "$@" >/dev/null; }

# raw_relayed NAME 4|6 [raw options]: one hand-made datagram from A arrives
# at B intact, from gate B.
raw_relayed() {
	local name=$1 family=$2
	shift 2
	if [ "$family" = 4 ]; then
		recv_start "$name" clientb "$B" 1 --expect-from "$GB"
		raw4 "$@"
	else
		recv_start "$name" clientb "$B6" 1 --expect-from "$GB6"
		raw6 "$@"
	fi
	recv_wait "$name"
}

# raw_dropped NAME 4|6 [raw options]: B gets nothing.
raw_dropped() {
	local name=$1 family=$2
	shift 2
	if [ "$family" = 4 ]; then
		recv_start "$name" clientb "$B" 0 --timeout 600
		raw4 "$@"
	else
		recv_start "$name" clientb "$B6" 0 --timeout 600
		raw6 "$@"
	fi
	recv_stop "$name"
}

counted 4 start
counted 6 start

# ---- IPv4 ------------------------------------------------------------------

step "a well-formed hand-made packet is relayed (the tool itself is right)"
raw_relayed good 4
counted 4 good packets=1 bytes=172

step "UDP length beyond the packet (a truncated datagram): dropped as malformed"
raw_dropped too-long 4 --udp-len 400
counted 4 too-long drop-malformed=1

step "UDP length below the header: dropped as malformed"
raw_dropped too-short 4 --udp-len 4
counted 4 too-short drop-malformed=1

step "UDP length shorter than the datagram: relayed as long as the UDP header says"
raw_relayed trailer 4 --udp-len $((8 + 100))
expect_eq "length at B" 100 "$(first_len trailer)"
counted 4 trailer packets=1 bytes=100

step "a datagram cut inside the UDP header, to a gate address: its IPv4 lengths disagree (malformed)"
# Before issue 9 the target read no UDP header, and the proxy's stack dropped it.
errors=$(snmp proxy Udp:InErrors)
raw_dropped truncated 4 --truncate 5
counted 4 truncated drop-malformed=1
expect_eq "proxy Udp:InErrors" "$errors" "$(snmp proxy Udp:InErrors)"

step "a wrong UDP checksum: relayed as it is, and B's stack throws it away"
before=$(csum_errors clientb)
raw_dropped bad-checksum 4 --bad-checksum
counted 4 bad-checksum packets=1
expect_eq "UDP checksum errors at B" $((before + 1)) "$(csum_errors clientb)"

step "no checksum (0, allowed in IPv4): relayed intact"
raw_relayed no-checksum 4 --checksum 0
counted 4 no-checksum packets=1

step "IP options (Record Route, 4 to 40 bytes): relayed intact, without them"
raw_relayed options4 4 --ip-options 4
raw_relayed options20 4 --ip-options 20
raw_relayed options40 4 --ip-options 40
counted 4 options packets=3

step "hand-made fragments (64-byte pieces): reassembled, relayed whole"
raw_relayed pieces 4 --size 300 --frag-size 64
counted 4 pieces packets=1 bytes=300

step "overlapping fragments and a datagram missing a piece: never relayed, nothing for the target to count"
raw_dropped overlap 4 --size 300 --frag-size 64 --frag-overlap
raw_dropped missing 4 --size 300 --frag-size 64 --frag-skip 1
counted 4 overlap+missing

step "0 and 1 bytes of payload: relayed as they are"
relay_check empty clienta "$A" "$GA" clientb "$B" "$GB" 1 --size 0
expect_eq "length at B" 0 "$(first_len empty)"
relay_check one-byte clienta "$A" "$GA" clientb "$B" "$GB" 1 --size 1
expect_eq "length at B" 1 "$(first_len one-byte)"
counted 4 tiny packets=2 bytes=1

step "4000-byte datagrams, fragmented on the way in: relayed whole, both ways"
relay_check frag4 clienta "$A" "$GA" clientb "$B" "$GB" 2 --size 4000
relay_check frag4-back clientb "$B" "$GB" clienta "$A" "$GA" 2 --size 4000
counted 4 frag4 packets=4 bytes=16000

step "the largest IPv4 UDP datagram (65507 bytes), both ways"
relay_check huge clienta "$A" "$GA" clientb "$B" "$GB" 1 --size 65507
relay_check huge-back clientb "$B" "$GB" clienta "$A" "$GA" 1 --size 65507
counted 4 huge packets=2 bytes=$((2 * 65507))

step "GSO: one send of 64 RTP packets reaches the gate as one super-packet; B gets 64 datagrams"
supers=$(supers 4)
relay_check gso clienta "$A" "$GA" clientb "$B" "$GB" 64 --gso 172
relay_check gso-big clientb "$B" "$GB" clienta "$A" "$GA" 40 --gso 1400
expect_eq "super-packets at PREROUTING" $((supers + 2)) "$(supers 4)"
counted 4 gso packets=104 bytes=$((64 * 172 + 40 * 1400))

step "GSO to a gate port without a session: each segment counted"
drop_check gso-nosess clienta "$A" "$GATE_A:$((pa + 2))" clientb "$B" 64 --gso 172
counted 4 gso-nosess drop-no-session=64

# ---- IPv6 ------------------------------------------------------------------

step "IPv6: a hand-made packet, then with hop-by-hop and destination options"
raw_relayed good6 6
raw_relayed ext6 6 --hbh --dstopts
raw_relayed dst6 6 --dstopts
counted 6 ext6 packets=3

step "IPv6: no checksum is malformed (RFC 8200), as is a UDP length beyond the packet"
raw_dropped zero6 6 --checksum 0
raw_dropped too-long6 6 --udp-len 400
counted 6 zero+too-long drop-malformed=2

step "IPv6: UDP length shorter than the datagram: relayed as long as the UDP header says"
raw_relayed trailer6 6 --udp-len $((8 + 20))
expect_eq "length at B" 20 "$(first_len trailer6)"
counted 6 trailer6 packets=1 bytes=20

step "IPv6: a wrong checksum is relayed as it is, and B's stack throws it away"
before=$(csum_errors clientb)
raw_dropped bad-checksum6 6 --bad-checksum
counted 6 bad-checksum6 packets=1
expect_eq "UDP checksum errors at B" $((before + 1)) "$(csum_errors clientb)"

step "IPv6: hand-made fragments behind a hop-by-hop header: reassembled, relayed whole; overlaps never"
raw_relayed pieces6 6 --size 300 --frag-size 64 --hbh --dstopts
raw_dropped overlap6 6 --size 300 --frag-size 64 --frag-overlap
counted 6 pieces6 packets=1 bytes=300

step "IPv6: 4000-byte and the largest datagrams (65527 bytes), fragmented on the way in and out"
relay_check frag6 clienta "$A6" "$GA6" clientb "$B6" "$GB6" 2 --size 4000
relay_check huge6 clienta "$A6" "$GA6" clientb "$B6" "$GB6" 1 --size 65527
relay_check huge6-back clientb "$B6" "$GB6" clienta "$A6" "$GA6" 1 --size 65527
counted 6 big6 packets=4 bytes=$((2 * 4000 + 2 * 65527))

step "IPv6: GSO super-packets, both ways"
supers=$(supers 6)
relay_check gso6 clienta "$A6" "$GA6" clientb "$B6" "$GB6" 64 --gso 172
relay_check gso6-back clientb "$B6" "$GB6" clienta "$A6" "$GA6" 40 --gso 1400
expect_eq "super-packets at PREROUTING" $((supers + 2)) "$(supers 6)"
counted 6 gso6 packets=104

# ---- ICMP errors -------------------------------------------------------------

# The target ignores what is not UDP; here it sees ICMP too, to prove it.
np "$IPT" -t mangle -I PREROUTING -p icmp -j rtpproxy
np "$IP6T" -t mangle -I PREROUTING -p ipv6-icmp -j rtpproxy

step "B's port is closed: B's port unreachable for relayed packets ends at the proxy's stack"
unreach=$(snmp proxy Icmp:InDestUnreachs)
# Every ICMP message at A but time exceeded: the datagram missing a piece
# (above) earns A a "fragment reassembly time exceeded" from the proxy 30 s
# later, which may land in this window.
icmp_at_a() { echo $(($(snmp clienta Icmp:InMsgs) - $(snmp clienta Icmp:InTimeExcds))); }
a_icmp=$(icmp_at_a)
send clienta "$A" "$GA" 3
unreach_came() { (($(snmp proxy Icmp:InDestUnreachs) > unreach)); }
wait_until 10 "B's port unreachable reached the proxy" unreach_came
counted 4 closed-port packets=3
expect_eq "ICMP messages at A but time exceeded" "$a_icmp" "$(icmp_at_a)"
relay_check after-closed clienta "$A" "$GA" clientb "$B" "$GB" 2
counted 4 after-closed packets=2

step "mallory's port unreachables about the session's flows, to the gate: no effect"
unreach=$(snmp proxy Icmp:InDestUnreachs)
icmp() { "${UDP[@]}" icmp --netns mallory --from "$MALLORY" --to "$GATE_A" "$@" >/dev/null; }
icmp --quote-from "$GA" --quote-to "$A"
icmp --quote-from "$A" --quote-to "$GA"
icmp --quote-from "$GB" --quote-to "$B"
icmp_came() { (($(snmp proxy Icmp:InDestUnreachs) >= unreach + 3)); }
wait_until 10 "the three errors reached the proxy's stack" icmp_came
counted 4 forged-unreachable
relay_check after-unreachable clientb "$B" "$GB" clienta "$A" "$GA" 2 --size 1400
relay_check after-unreachable-back clienta "$A" "$GA" clientb "$B" "$GB" 2 --size 1400
counted 4 after-unreachable packets=4

step "IPv6: mallory's packet too big (MTU 1280) and port unreachable: relayed datagrams still arrive whole"
toobig=$(snmp proxy Icmp6InPktTooBigs)
icmp6() { "${UDP[@]}" icmp --netns mallory --from "$MALLORY6" --to "$GATE6_A" "$@" >/dev/null; }
icmp6 --quote-from "$GA6" --quote-to "$A6" --type 2 --code 0 --mtu 1280
icmp6 --quote-from "$GA6" --quote-to "$A6"
toobig_came() { (($(snmp proxy Icmp6InPktTooBigs) > toobig)); }
wait_until 10 "the packet too big reached the proxy's stack" toobig_came
counted 6 forged-icmp6
relay_check after-toobig6 clientb "$B6" "$GB6" clienta "$A6" "$GA6" 3 --size 1400
counted 6 after-toobig6 packets=3

# ---- cases that found kernel bugs (regression tests) -------------------------

# Each runs in a subshell: a failure is recorded, the other cases still run,
# and the test fails at the end.
findings=()
finding() {
	local name=$1
	shift
	("$@") || findings+=("$name")
}

# Linux takes the error at its word and lowers the path MTU towards A for 10
# minutes (a route exception; no socket needed). A relay that kept B's DF bit
# and did not let the stack fragment dropped every larger datagram
# (drop-xmit), and its own fragmentation needed went to the gate address, so
# B never learned: a black hole anyone could open, and a real router with a
# small MTU on A's path opened it as well.
frag_needed_came() { (($(snmp proxy Icmp:InDestUnreachs) > unreach)); }
forged_frag_needed() {
	step "mallory's fragmentation needed (MTU 576): relayed datagrams with DF still arrive whole"
	unreach=$(snmp proxy Icmp:InDestUnreachs)
	icmp --quote-from "$GA" --quote-to "$A" --type 3 --code 4 --mtu 576
	wait_until 10 "the error reached the proxy's stack" frag_needed_came
	np ip route get "$CLIENT_A" from "$GATE_A"
	counted 4 forged-frag-needed
	RELAY_TIMEOUT=15 relay_check after-frag-needed clientb "$B" "$GB" clienta "$A" "$GA" 3 --size 1400
	counted 4 after-frag-needed packets=3
}
finding frag-needed forged_frag_needed

# While both sides learned, two datagrams from mallory with spoofed sources
# (each gate's address and port) made each side's client the other gate: the
# second was relayed to gate B's port from gate A's port, which was B's
# client, so it was relayed again, through the loopback, for ever.
spoofed_gates() {
	local family=$1 ga=$GATE_A gb=$GATE_B raw=raw4 out p2a p2b before after
	local opts=("${sb[@]}")
	if [ "$family" = 6 ]; then
		ga="[$GATE6_A]" gb="[$GATE6_B]" raw=raw6 opts=("${sb6[@]}")
	fi
	step "IPv$family: mallory spoofs the gates as clients while the session learns: no relay loop"
	out=$(rtpp alloc "${opts[@]}" --rtp-learning-timeout-a 60000 --rtp-learning-timeout-b 60000)
	p2a=$(alloc_field "$out" gate-rtp-port-a)
	p2b=$(alloc_field "$out" gate-rtp-port-b)
	"${UDP[@]}" "$raw" --netns mallory --from "$gb:$p2b" --to "$ga:$p2a" >/dev/null
	"${UDP[@]}" "$raw" --netns mallory --from "$ga:$p2a" --to "$gb:$p2b" >/dev/null
	nap 1
	before=$(sb_get packets "${opts[@]}")
	nap 2
	after=$(sb_get packets "${opts[@]}")
	# Stops a loop before it eats the rest of the test.
	rtpp delete "${opts[@]}" --sess-id-lo "$(alloc_field "$out" sess-id)" >/dev/null
	expect_eq "packets relayed in 2 s with no client sending" 0 $((after - before))
}
finding spoofed-gates4 spoofed_gates 4
finding spoofed-gates6 spoofed_gates 6

# The same learning took any source: a multicast or broadcast one, and the
# relay then sent B's media to every host on A's LAN; a loopback or gate
# address, and it sent them to itself; port 0, and A was unknown again.
# The control path refuses such client addresses; the packet path drops them.
learn_spoofed() {
	local src=$1 out id
	step "mallory's datagram from $src while A's side learns: dropped, not learned"
	out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 60000 --rtp-addr-b "$CLIENT_B" \
		--rtp-port-b 6000)
	id=$(alloc_field "$out" sess-id)
	"${UDP[@]}" raw4 --netns mallory --from "$src" --to "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" \
		>/dev/null
	list_session "$id" "${sb[@]}" | tee "$TMP/learned"
	rtpp delete "${sb[@]}" --sess-id-lo "$id" >/dev/null
	expect_match "rtp-a" " *record=stream stream=rtp-a gate-port=[0-9]+ client=- .*packets=0 bytes=0 drops=1.*" \
		"$(grep rtp-a "$TMP/learned")"
}
for src in 224.0.0.1:4000 255.255.255.255:4000 10.0.1.255:4000 127.0.0.1:4000 "$GATE_B:4000" \
	"$CLIENT_A:0"; do
	finding "learn-$src" learn_spoofed "$src"
done

rtpp list
((${#findings[@]} == 0)) || fail "cases that still fail: ${findings[*]}"
