#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Findings of the hardening review that the kernel decides (docs/reliability.md, issue 9).
#
# Each step is one finding and failed before its fix:
#   offload   a datagram whose checksum offload is pending for another
#             header than its UDP one (a tunnel's inner header) has that
#             checksum completed, not left undone
#   routing   a source route not at its end (an IPv6 routing header with
#             segments left, an IPv4 loose source route) is malformed
#   route cache  ECN marks cost no route lookup (the cache keyed on the
#             whole TOS byte, then on RT_TOS(), which keeps ECT(0)'s bit);
#             the DSCP bits IPv4 routing uses do
#   header    an IPv4 header that a rule before ours rewrote (nft payload
#             statements): a header length below 5 words, a total length
#             below the headers or beyond the packet, is malformed
#   postrouting  relayed packets reach POSTROUTING with the route's device as
#             theirs, not the device they came in on
#   ipsec     an IPv6 relay goes through xfrm as an IPv4 one does: a block
#             policy towards the client stops both
#   locality  an IPv6 gate address that is not local is not used as a source
#             (IPv4's route lookup refuses it already); link-local gates and
#             clients are refused at rule and alloc time
#   delete    a delete that names several switchboards with a range one of
#             them refuses deletes nothing
#   race      learning racing an update: the pinned address wins
#   expiry    no expiry work runs in a namespace without a switchboard
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 16
add_switchboard --ipt "$IP6T" --chain rtpproxy6 --addr-a "$GATE6_A" --port-a 50000 \
	--addr-b "$GATE6_B" --port-b 52000 --max-sess 16
sb=(--addr-a "$GATE_A" --port-a 50000)
sb6=(--addr-a "$GATE6_A" --port-a 50000)

# call NAME [SB-OPTIONS] CLIENT-A CLIENT-B: a session with fixed clients
# (RTP port 4000 at A, 6000 at B); sets NAME_id, NAME_a, NAME_b.
call() {
	local name=$1 out
	shift
	out=$(rtpp alloc "${@:1:$#-2}" --rtp-addr-a "${*: -2:1}" --rtp-port-a 4000 \
		--rtp-addr-b "${*: -1}" --rtp-port-b 6000)
	echo "$out"
	printf -v "${name}_id" '%s' "$(alloc_field "$out" sess-id)"
	printf -v "${name}_a" '%s' "$(alloc_field "$out" gate-rtp-port-a)"
	printf -v "${name}_b" '%s' "$(alloc_field "$out" gate-rtp-port-b)"
}

step "header: IPv4 headers rewritten by an earlier nft rule are malformed, not parsed at the wrong offset"
call h "${sb[@]}" "$CLIENT_A" "$CLIENT_B"
# iptables-nft's "-p udp" is nft's l4proto, which is unset for a header
# that lies (the nft core checks): a rule on the address alone reaches the
# target with such packets, as iptables-legacy's "-p udp" does.
ipt -t mangle -I PREROUTING -d "$GATE_A" -j rtpproxy
# Priority -200 runs before iptables' mangle (-150).
np nft add table ip xtrp_mangle
np nft add chain ip xtrp_mangle pre '{ type filter hook prerouting priority -200; }'
bad_header() {
	local what=$1 before
	shift
	np nft flush chain ip xtrp_mangle pre
	np nft add rule ip xtrp_mangle pre ip daddr "$GATE_A" udp dport "$h_a" "$@"
	before=$(sb_get drop-malformed "${sb[@]}")
	drop_check "$what" clienta "$CLIENT_A:4000" "$GATE_A:$h_a" clientb "$CLIENT_B:6000" 2
	expect_eq "$what: drop-malformed" $((before + 2)) "$(sb_get drop-malformed "${sb[@]}")"
}
bad_header "header length 4 words" ip hdrlength set 4
bad_header "total length below the headers" ip length set 24
bad_header "total length beyond the packet" ip length set 1400
np nft flush chain ip xtrp_mangle pre
ipt -t mangle -D PREROUTING -d "$GATE_A" -j rtpproxy
relay_check header-after clienta "$CLIENT_A:4000" "$GATE_A:$h_a" clientb "$CLIENT_B:6000" "$GATE_B:$h_b" 2
np nft delete table ip xtrp_mangle

step "postrouting: relayed packets leave with the route's device as theirs"
np nft add table inet xtrp_post
np nft add chain inet xtrp_post post '{ type filter hook postrouting priority 0; }'
np nft add counter inet xtrp_post in_a
np nft add counter inet xtrp_post out_b
np nft add rule inet xtrp_post post udp sport "$h_b" meta iifname br-a counter name in_a
np nft add rule inet xtrp_post post udp sport "$h_b" meta oifname pb counter name out_b
relay_check postrouting clienta "$CLIENT_A:4000" "$GATE_A:$h_a" clientb "$CLIENT_B:6000" "$GATE_B:$h_b" 3
np nft list table inet xtrp_post
nft_packets() { np nft list counter inet xtrp_post "$1" | awk '/packets/ { print $2 }'; }
expect_eq "relayed packets that POSTROUTING sees coming in on br-a" 0 "$(nft_packets in_a)"
expect_eq "relayed packets that POSTROUTING sees going out on pb" 3 "$(nft_packets out_b)"
np nft delete table inet xtrp_post

step "offload: a tunnel's datagram whose inner checksum is still pending is relayed with both right"
# A's VXLAN sends from its RTP port to the gate port; B's listens on its RTP
# port. Veth keeps the inner checksum pending (CHECKSUM_PARTIAL, skb->
# encapsulation, csum_start at the inner UDP header; the outer one is
# complete). The proxy's device towards B computes checksums in software:
# it completes whatever the packet says is pending.
call v "${sb[@]}" "$CLIENT_A" "$CLIENT_B"
na ip link add vx0 type vxlan id 42 remote "$GATE_A" local "$CLIENT_A" dstport "$v_a" \
	srcport 4000 4001 udpcsum
nb ip link add vx0 type vxlan id 42 remote "$GATE_B" local "$CLIENT_B" dstport 6000 udpcsum
# Nothing but the test's datagrams in the tunnel (no IPv6 autoconfiguration).
na sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1
nb sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1
na ip addr add 192.168.42.1/24 dev vx0
nb ip addr add 192.168.42.2/24 dev vx0
na ip link set vx0 up
nb ip link set vx0 up
na ip neigh add 192.168.42.2 lladdr "$(nb cat /sys/class/net/vx0/address)" dev vx0 nud permanent
np ethtool -K pb tx off >/dev/null
recv_start vxlan clientb 192.168.42.2:5000 3
send clienta 192.168.42.1:5000 192.168.42.2:5000 3
recv_wait vxlan
expect_eq "datagrams relayed in the tunnel" 3 "$(stream_get "$v_id" rtp-a packets "${sb[@]}")"
np ethtool -K pb tx on >/dev/null
na ip link del vx0
nb ip link del vx0

step "routing header: an IPv6 datagram with a segment left is not relayed as if the gate were its end"
# Its checksum is for the final destination (RFC 8200 8.1): relayed, it
# would arrive with a checksum that B's stack refuses.
call rh "${sb6[@]}" "$CLIENT6_A" "$CLIENT6_B"
before=$(sb_get drop-malformed "${sb6[@]}")
"${UDP[@]}" raw6 --netns clienta --from "[$CLIENT6_A]:4000" --to "[$GATE6_A]:$rh_a" \
	--route-to "[fd00:2::99]:4000" --count 2
expect_eq "drop-malformed" $((before + 2)) "$(sb_get drop-malformed "${sb6[@]}")"
expect_eq "relayed" 0 "$(stream_get "$rh_id" rtp-a packets "${sb6[@]}")"
# Without the routing header, the same datagram is relayed.
relay_check rh-after clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$rh_a" clientb "[$CLIENT6_B]:6000" \
	"[$GATE6_B]:$rh_b" 2
# IPv4: a loose source route option whose pointer is at its one address.
call rh4 "${sb[@]}" "$CLIENT_A" "$CLIENT_B"
before=$(sb_get drop-malformed "${sb[@]}")
"${UDP[@]}" raw4 --netns clienta --from "$CLIENT_A:4000" --to "$GATE_A:$rh4_a" \
	--route-to "192.0.2.99:4000" --count 2
expect_eq "drop-malformed" $((before + 2)) "$(sb_get drop-malformed "${sb[@]}")"
expect_eq "relayed" 0 "$(stream_get "$rh4_id" rtp-a packets "${sb[@]}")"
relay_check rh4-after clienta "$CLIENT_A:4000" "$GATE_A:$rh4_a" clientb "$CLIENT_B:6000" \
	"$GATE_B:$rh4_b" 2

step "route cache: ECN marks cost no route lookup, the DSCP bits IPv4 routing uses do"
# A kprobe counts the module's route lookups (rtpp_route_lookup, not
# inlined for this). A stream's route is looked up once, then kept while
# what the lookup depends on stays.
tracefs=/sys/kernel/tracing
mountpoint -q "$tracefs" || mount -t tracefs tracefs "$tracefs"
echo 'p:xtrp/route_lookup xt_RTPPROXY:rtpp_route_lookup' >>"$tracefs/kprobe_events"
echo 1 >"$tracefs/events/xtrp/route_lookup/enable"
lookups() { awk '$1 == "route_lookup" { print $2 }' "$tracefs/kprobe_profile"; }
# route_lookups NAME SB TOS-LIST EXPECTED: 30 datagrams of a new session with
# the TOS bytes in turn, after one with TOS 0 that fills the cache.
route_lookups() {
	local name=$1 sb_name=$2 tos=$3 expected=$4 from to dest src before ga gb
	local -n sel=$sb_name
	if [ "$sb_name" = sb6 ]; then
		call "$name" "${sel[@]}" "$CLIENT6_A" "$CLIENT6_B"
		from="[$CLIENT6_A]:4000" dest="[$CLIENT6_B]:6000" ga="[$GATE6_A]" gb="[$GATE6_B]"
	else
		call "$name" "${sel[@]}" "$CLIENT_A" "$CLIENT_B"
		from="$CLIENT_A:4000" dest="$CLIENT_B:6000" ga=$GATE_A gb=$GATE_B
	fi
	to=${name}_a src=${name}_b
	to="$ga:${!to}" src="$gb:${!src}"
	relay_check "$name-first" clienta "$from" "$to" clientb "$dest" "$src" 1
	before=$(lookups)
	relay_check "$name" clienta "$from" "$to" clientb "$dest" "$src" 30 --tos "$tos"
	expect_eq "$name: route lookups for 30 datagrams with TOS $tos" "$expected" $(($(lookups) - before))
}
# ECT(1), ECT(0), CE: the ECN field, which routing ignores.
route_lookups ecn4 sb 1,2,3 0
route_lookups ecn6 sb6 1,2,3 0
# IPv4 routing may use the DSCP: each change is a lookup (29: the first
# datagram's 0 is what the cache holds). IPv6 routing uses none.
route_lookups dscp4 sb 0,16 29
route_lookups dscp6 sb6 0,16 0
echo 0 >"$tracefs/events/xtrp/route_lookup/enable"
echo '-:xtrp/route_lookup' >>"$tracefs/kprobe_events"

step "ipsec: a block policy towards client B stops IPv4 and IPv6 relays alike"
call p4 "${sb[@]}" "$CLIENT_A" "$CLIENT_B"
call p6 "${sb6[@]}" "$CLIENT6_A" "$CLIENT6_B"
np ip xfrm policy add src "$GATE_B/32" dst "$CLIENT_B/32" proto udp dir out action block
np ip -6 xfrm policy add src "$GATE6_B/128" dst "$CLIENT6_B/128" proto udp dir out action block
x4=$(sb_get drop-xmit "${sb[@]}")
x6=$(sb_get drop-xmit "${sb6[@]}")
drop_check ipsec4 clienta "$CLIENT_A:4000" "$GATE_A:$p4_a" clientb "$CLIENT_B:6000" 2
drop_check ipsec6 clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$p6_a" clientb "[$CLIENT6_B]:6000" 2
expect_eq "IPv4 drop-xmit" $((x4 + 2)) "$(sb_get drop-xmit "${sb[@]}")"
expect_eq "IPv6 drop-xmit" $((x6 + 2)) "$(sb_get drop-xmit "${sb6[@]}")"
np ip xfrm policy flush
relay_check ipsec4-after clienta "$CLIENT_A:4000" "$GATE_A:$p4_a" clientb "$CLIENT_B:6000" "$GATE_B:$p4_b" 2
relay_check ipsec6-after clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$p6_a" clientb "[$CLIENT6_B]:6000" \
	"[$GATE6_B]:$p6_b" 2

step "locality: a gate address that is not the proxy's is not used as a source"
# The clients route everything through the proxy: fd00:9::1 and 10.0.9.1
# reach its PREROUTING, but are none of its addresses.
add_switchboard --chain remote4 --addr-a "$GATE_A" --port-a 60000 --addr-b 10.0.9.1 --port-b 62000 --max-sess 4
add_switchboard --ipt "$IP6T" --chain remote6 --addr-a "$GATE6_A" --port-a 60000 --addr-b fd00:9::1 \
	--port-b 62000 --max-sess 4
call r4 --addr-a "$GATE_A" --port-a 60000 "$CLIENT_A" "$CLIENT_B"
call r6 --addr-a "$GATE6_A" --port-a 60000 "$CLIENT6_A" "$CLIENT6_B"
x4=$(sb_get drop-xmit --addr-a "$GATE_A" --port-a 60000)
x6=$(sb_get drop-xmit --addr-a "$GATE6_A" --port-a 60000)
drop_check remote4 clienta "$CLIENT_A:4000" "$GATE_A:$r4_a" clientb "$CLIENT_B:6000" 2
drop_check remote6 clienta "[$CLIENT6_A]:4000" "[$GATE6_A]:$r6_a" clientb "[$CLIENT6_B]:6000" 2
expect_eq "IPv4 drop-xmit (non-local source)" $((x4 + 2)) "$(sb_get drop-xmit --addr-a "$GATE_A" --port-a 60000)"
expect_eq "IPv6 drop-xmit (non-local source)" $((x6 + 2)) "$(sb_get drop-xmit --addr-a "$GATE6_A" --port-a 60000)"

step "locality: link-local gates and clients are refused with a reason"
rc=0
np "$IP6T" -t mangle -A rtpproxy6 -j RTPPROXY --addr-a fe80::99 --port-a 40000 --max-sess 4 \
	2>"$TMP/stderr" || rc=$?
[ "$rc" != 0 ] || fail "a link-local gate was accepted"
expect_contains "kernel log" "link-local gates are not supported" "$(dmesg | tail -n 5)"
expect_fail 1 rtpp alloc "${sb6[@]}" --rtp-addr-a fe80::2 --rtp-port-a 4000
expect_contains "alloc's message" "link-local client addresses are not supported" "$(cat "$TMP/stderr")"

step "delete: a range that one of the named switchboards refuses deletes nothing anywhere"
# Both switchboards have gate A on GATE: --addr-a alone names both. The
# first one created takes the range; the second, with 4 slots, refuses it.
add_switchboard --chain big --addr-a "$GATE" --port-a 30000 --addr-b "$GATE_B" --port-b 30000 --max-sess 16
add_switchboard --chain small --addr-a "$GATE" --port-a 40000 --addr-b "$GATE_B" --port-b 40000 --max-sess 4
for _ in $(seq 10); do
	rtpp alloc --addr-a "$GATE" --port-a 30000 --rtp-learning-timeout-a 600000 >/dev/null
done
rtpp alloc --addr-a "$GATE" --port-a 40000 --rtp-learning-timeout-a 600000 >/dev/null
# The CLI refuses the range itself (exit 2): the library's request goes as it is.
expect_fail 2 rtpp delete --addr-a "$GATE" --sess-id-lo 8 --sess-id-hi 9
expect_fail 1 np "$SESSBENCH" clear --addr-a "$GATE" --lo 8 --hi 9
expect_contains "the kernel's reason" "beyond the switchboard's --max-sess" "$(cat "$TMP/stderr")"
expect_eq "sessions of the big switchboard" 10 "$(sb_get live --addr-a "$GATE" --port-a 30000)"
expect_eq "sessions of the small switchboard" 1 "$(sb_get live --addr-a "$GATE" --port-a 40000)"

step "race: learning floods racing updates that pin the client: the pinned address stays"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 --always-learn --rtp-addr-b "$CLIENT_B" \
	--rtp-port-b 6000)
race_id=$(alloc_field "$out" sess-id)
race_a=$(alloc_field "$out" gate-rtp-port-a)
: >"$TMP/flows"
for port in 7000 7001 7002 7003; do
	echo "$MALLORY:$port $GATE_A:$race_a $port" >>"$TMP/flows"
done
nm "${UDP[@]}" flood --flows "$TMP/flows" --duration 60 --pps 1000 >/dev/null 2>&1 &
flood=$!
for round in $(seq 6); do
	rtpp update "${sb[@]}" --sess-id-lo "$race_id" --rtp-addr-a "$CLIENT_A" --rtp-port-a $((4000 + round))
	client=$(stream_get "$race_id" rtp-a client "${sb[@]}")
	if [ "$client" != "$CLIENT_A:$((4000 + round))" ]; then
		kill "$flood" 2>/dev/null || true
		fail "round $round: the pinned client became $client"
	fi
	# Learn again for the next round.
	rtpp update "${sb[@]}" --sess-id-lo "$race_id" --rtp-learning-timeout-a 600000 --always-learn
	nap 0.1
done
kill "$flood" 2>/dev/null || true
wait "$flood" 2>/dev/null || true
echo "ok: the pinned client stayed in 6 rounds; the flood's drops: $(stream_get "$race_id" rtp-a drops "${sb[@]}")"

step "expiry: no expiry work in namespaces without a switchboard"
tracefs=/sys/kernel/tracing
mountpoint -q "$tracefs" || mount -t tracefs tracefs "$tracefs"
rtpp delete >/dev/null
for chain in rtpproxy big small remote4; do
	np "$IPT" -t mangle -F "$chain"
done
for chain in rtpproxy6 remote6; do
	np "$IP6T" -t mangle -F "$chain"
done
expect_eq "switchboards left" 0 "$(info_get switchboards)"
for i in 1 2 3 4 5; do
	NAMESPACES+=("idle$i")
	ip netns add "idle$i"
done
# A pass queued before the last switchboard went still runs once, then none.
nap 1.5
echo 1 >"$tracefs/events/workqueue/workqueue_execute_start/enable"
echo >"$tracefs/trace"
nap 3
echo 0 >"$tracefs/events/workqueue/workqueue_execute_start/enable"
runs=$(grep -c rtpp_expiry_work "$tracefs/trace" || true)
expect_eq "expiry work runs in 3 s with no switchboard in 10 namespaces" 0 "$runs"
add_switchboard --chain again --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
echo >"$tracefs/trace"
echo 1 >"$tracefs/events/workqueue/workqueue_execute_start/enable"
nap 3
echo 0 >"$tracefs/events/workqueue/workqueue_execute_start/enable"
runs=$(grep -c rtpp_expiry_work "$tracefs/trace" || true)
((runs >= 1 && runs <= 5)) || fail "expiry work ran $runs times in 3 s with one switchboard"
echo "ok: expiry work ran $runs times in 3 s with one switchboard"

step "expiry: one pass frees what expired in every switchboard, each from its first slot"
for port in 30000 40000; do
	add_switchboard --chain "exp$port" --addr-a "$GATE" --port-a "$port" --addr-b "$GATE_B" \
		--port-b "$port" --max-sess 4 --expires-timeout 1 --resurrection-timeout 0
	rtpp alloc --addr-a "$GATE" --port-a "$port" --rtp-learning-timeout-a 600000 >/dev/null
done
all_freed() { [ "$(info_get sessions)" = 0 ]; }
wait_until 20 "the sessions of both switchboards freed" all_freed
