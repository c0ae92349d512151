#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Many calls through Kamailio 5.6 and iptrtpproxyd, each phone behind a NAT, the media
# carried by udpt (SIPp's own echo falls behind at this size). Kamailio drives the daemon
# with the module and socket RELAY names: unix (the rtpproxy module over a unix socket, this
# test), udp (the rtpproxy module over UDP, t_daemon_calls_udp) or ng (the rtpengine module,
# t_daemon_calls_ng):
#   calls     100 concurrent SIPp calls; every session's kernel counters equal what each
#             phone sent (but a first packet lost in the phone's NAT), and every phone gets its peer's packets back on its own port
#             (symmetric RTP through the NAT, latched by the kernel)
#   kill -9   the daemon dies with the 100 calls up, in the middle of their media, which
#             keeps flowing; restarted, it finds the calls in the kernel, keeps their ports
#             at the re-INVITEs, and the BYEs leave nothing
#   failures  calls refused with 486, and calls cancelled while ringing: nothing left
#
#   phonea 192.168.1.2 -- clienta (masquerade) -- proxy -- clientb (masquerade, SIP port
#   forwarded) -- phoneb 192.168.2.2
# vm: one kernel
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kamailio.sh"

SIP=$REPO/tests/vm/sip

PHONE_A=192.168.1.2
PHONE_B=192.168.2.2
USOCK=$TMP/rtpp.sock
RSOCK=127.0.0.1:22222
NGSOCK=127.0.0.1:2223
RELAY=${RELAY:-unix}
case $RELAY in
unix) KAMAILIO_RELAY=(-A "RELAY_SOCK=\"unix:$USOCK\"") ;;
udp) KAMAILIO_RELAY=(-A "RELAY_SOCK=\"udp:$RSOCK\"") ;;
ng) KAMAILIO_RELAY=(-A WITH_NG -A "RELAY_SOCK=\"udp:$NGSOCK\"") ;;
*) fail "RELAY=$RELAY: unix, udp or ng" ;;
esac
NAMESPACES+=(phonea phoneb)

# nat NS PHONE-NS LAN-ADDR PHONE-ADDR [dnat]: a phone behind the client namespace, which
# masquerades it (and forwards SIP to it with dnat).
nat() {
	local ns=$1 phone=$2 lan=$3 addr=$4 dnat=${5:-}
	# The namespace itself comes from setup_topology (NAMESPACES).
	ip -n "$ns" -batch - <<-EOF
		link add lan type veth peer name eth0 netns $phone
		link set lan up
		addr add $lan/24 dev lan
	EOF
	ip -n "$phone" -batch - <<-EOF
		link set lo up
		link set eth0 up
		addr add $addr/24 dev eth0
		route add default via $lan
	EOF
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$ns" nft -f - <<-EOF
		table ip nat {
			chain post { type nat hook postrouting priority srcnat; oifname "eth0" masquerade; }
			chain pre {
				type nat hook prerouting priority dstnat;
				${dnat:+iifname "eth0" udp dport 5060 dnat to $addr}
			}
		}
	EOF
}

start_daemon() {
	ip netns exec proxy "$DAEMON" -f -l "$GATE" -s "unix:$USOCK" -s "udp:$RSOCK" --ng "udp:$NGSOCK" \
		-m 40000 -M 41999 --idle-timeout 3600 -p "$TMP/daemon.pid" >>"$TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_until 20 "the daemon answers" np "$CTL" unix "$USOCK" V
}

# flows: one line per session, "ID GATE-A CLIENT-A-PORT GATE-B CLIENT-B-PORT".
flows() {
	# shellcheck disable=SC2016 # awk's own $ fields
	rtpp list | awk '
		/^  record=session / { split($2, kv, "="); id = kv[2] }
		$1 == "record=stream" && ($2 == "stream=rtp-a" || $2 == "stream=rtp-b") {
			for (i = 3; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "gate-port") gate = kv[2]
				if (kv[1] == "client") { n = split(kv[2], ap, ":"); port = ap[n] }
			}
			if ($2 == "stream=rtp-a") { ga = gate; pa = port }
			else print id, ga, pa, gate, port
		}'
}

# counters: "ID PACKETS EXPECTED LOST" of RTP A, then of RTP B, per session (EXPECTED and
# LOST from the RTP sequence numbers the kernel saw, from the first one it got).
counters() {
	# shellcheck disable=SC2016
	rtpp list | awk '
		/^  record=session / { split($2, kv, "="); id = kv[2] }
		$1 == "record=stream" && ($2 == "stream=rtp-a" || $2 == "stream=rtp-b") {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			s = v["packets"] " " v["expected"] " " v["lost"]
			if ($2 == "stream=rtp-a") a = s; else print id, a, s
		}'
}

# media_start N COUNT: both phones of every call send COUNT packets at 50 a second at once,
# each from the port its SDP named, and count what comes back (udpt flood --back-xor), as
# phones doing symmetric RTP behind NATs: one socket each for the whole call, since a NAT
# maps a new socket anew. media_wait waits for them.
media_start() {
	local n=$1 count=$2
	flows | awk -v pa="$PHONE_A" -v pb="$PHONE_B" -v g="$GATE" -v fa="$TMP/flows-a" -v fb="$TMP/flows-b" '
		{ print pa ":" $3, g ":" $2, $1 + 1 > fa; print pb ":" $5, g ":" $4, ($1 + 1) + 65536 > fb }'
	expect_eq "flows for every call" "$n" "$(wc -l <"$TMP/flows-a")"
	"${UDP[@]}" flood --netns phonea --flows "$TMP/flows-a" --count "$count" --pps 50 \
		--back-xor 0x10000 --linger 3 >"$TMP/media-a" &
	MEDIA_A=$!
	"${UDP[@]}" flood --netns phoneb --flows "$TMP/flows-b" --count "$count" --pps 50 \
		--back-xor 0x10000 --linger 3 >"$TMP/media-b" &
	MEDIA_B=$!
}

media_wait() {
	wait "$MEDIA_A" || fail "flood from phone A"
	wait "$MEDIA_B" || fail "flood from phone B"
	tail -n 1 "$TMP/media-a" "$TMP/media-b"
}

# shellcheck disable=SC2034 # read by cleanup (lib.sh)
KEEP_LOGS="*.log"
setup_all
nat clienta phonea 192.168.1.1 "$PHONE_A"
nat clientb phoneb 192.168.2.1 "$PHONE_B" dnat
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND (exit $?)" >&2; tail -n 20 "$TMP/daemon.log" "$TMP/kamailio.log" >&2' ERR

step "calls: 100 concurrent calls, Kamailio driving the daemon over $RELAY"
start_daemon
start_kamailio "$TMP/kamailio.log" "${KAMAILIO_RELAY[@]}"
ip netns exec phoneb sipp -sf "$SIP/uas_calls.xml" -i "$PHONE_B" -mi "$PHONE_B" -mp 30000 \
	-nostdin >"$TMP/uas.log" 2>&1 &
UAS_PID=$!
ip netns exec phonea sipp -sf "$SIP/uac_calls.xml" "10.0.2.2:5060" -rsa "$GATE_A:5060" \
	-i "$PHONE_A" -mi "$PHONE_A" -mp 20000 -m 100 -l 100 -r 10 -d 75000 -nostdin \
	-timeout 300s -timeout_error -trace_err >"$TMP/uac.log" 2>&1 &
UAC_PID=$!
wait_value 120 "100 calls answered" 100 answered
step "kill -9 in the middle of the media of 100 calls"
# 12 s of G.711 timing from both phones of every call at once (their first packets open
# the NATs and teach the kernel where they are); 3 s into it the daemon is killed.
media_start 100 600
nap 3
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || :
media_wait
# Each side's 600, or all from the first the kernel got on: a phone's first packet can die
# in its NAT (a clash with the relay's first packet towards it, conntrack's insert race),
# before the relay; after it, none may be missing (the sequence numbers have no gap).
# shellcheck disable=SC2016
relayed_all='function side(p, e, l) { return p == 600 || (p == e && l == 0 && p >= 598) }
	{ if (!side($2, $3, $4) || !side($5, $6, $7)) bad++; else if ($2 != 600 || $5 != 600) late++ }
	END { print late + 0; exit bad > 0 }'
late=$(awk "$relayed_all" <(counters)) || {
	ip netns exec clienta cat /proc/net/nf_conntrack 2>/dev/null | grep -m 5 -F "$PHONE_A" >&2
	fail "kernel counters differ from what the phones sent: $(counters | awk '($2 != 600 || $5 != 600) && n++ < 5')"
}
if ((late > 0)); then
	for ns in clienta clientb; do
		echo "$ns: conntrack statistics (/proc/net/stat/nf_conntrack, per CPU, hex)"
		ip netns exec "$ns" cat /proc/net/stat/nf_conntrack
	done
fi
echo "ok: every session relayed the 600 packets of each phone, the daemon killed meanwhile" \
	"(in $late sessions from a phone's second or third packet on: its first died before the relay)"
for side in a b; do
	awk '/^flow / { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["received"] < 550 || v["wrong"] != 0 || v["bad"] != 0) bad++ }
		END { exit bad > 0 }' "$TMP/media-$side" ||
		fail "phone $side: lost or crossed packets: $(grep -m 3 -v 'received=5[5-9][0-9] wrong=0 bad=0\|received=600 wrong=0 bad=0' "$TMP/media-$side")"
done
echo "ok: every phone got its peer's packets back (but for what came in the first second, before its NAT opened), none crossed"

step "restart: the daemon finds the 100 calls; their re-INVITEs and BYEs"
start_daemon
expect_contains "the calls found in the kernel" "found 100 streams of 100 calls" "$(cat "$TMP/daemon.log")"
wait "$UAC_PID" || { tail -n 30 "$TMP/uac.log" >&2; fail "SIPp's calls failed"; }
echo "ok: SIPp: 100 calls with a re-INVITE each succeeded"
expect_eq "the re-INVITEs made no new session" 100 "$(sb_get sessions-created)"
expect_eq "the BYEs left no session" 0 "$(rtpp list | grep -c 'record=session' || :)"
kill "$UAS_PID" 2>/dev/null || :
wait "$UAS_PID" 2>/dev/null || :

# failed CALLEE CALLER: 3 calls the callee scenario ends before an answer; the relay was
# asked for each offer, and nothing may be left of them.
failed() {
	local callee=$1 caller=$2 created
	created=$(sb_get sessions-created)
	ip netns exec phoneb sipp -sf "$SIP/$callee.xml" -i "$PHONE_B" -mi "$PHONE_B" -mp 30000 \
		-m 3 -nostdin >"$TMP/$callee.log" 2>&1 &
	local uas=$!
	ip netns exec phonea sipp -sf "$SIP/$caller.xml" "10.0.2.2:5060" -rsa "$GATE_A:5060" \
		-i "$PHONE_A" -mi "$PHONE_A" -mp 20000 -m 3 -r 3 -nostdin -timeout 60s \
		-timeout_error >"$TMP/$caller.log" 2>&1 ||
		{ tail -n 20 "$TMP/$caller.log" >&2; fail "$caller: SIPp's calls failed"; }
	wait "$uas" || { tail -n 20 "$TMP/$callee.log" >&2; fail "$callee: SIPp's callee failed"; }
	expect_eq "$caller: an offer relayed for each call" $((created + 3)) "$(sb_get sessions-created)"
	expect_eq "$caller: nothing left" 0 "$(rtpp list | grep -c 'record=session' || :)"
}

step "failures: a 486 and a CANCEL leave nothing behind"
failed uas_busy uac_busy
failed uas_ring uac_cancel
stop_kamailio
