#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# iptrtpproxyd, the control daemon (issue 11), driven as SIP proxies drive rtpproxy and
# rtpengine: first by hand over each socket (rtppctl), then by Debian's Kamailio 5.6 with
# SIPp calls carrying G.711 both ways through the kernel.
#   start     its own switchboard appears (nftables chain iptrtpproxyd in table ip mangle)
#   rtpproxy  V/VF handshake; U, retransmitted U (the reply cache), L; media both ways
#             through the session, learnt; re-INVITE from the callee keeps the ports; Q; D;
#             errors; the unix: socket (one command per connection, no newline)
#   flood     20,000 lines on one unix: connection from a proxy slow to read: the daemon
#             holds it back instead of growing, and answers all of them in order
#   ng        ping, offer/answer rewrite the SDP, delete, unknown call
#   kamailio  calls through the rtpproxy module (udp:) and the rtpengine module (ng): SIPp
#             succeeds, the kernel relayed both directions of every call, nothing is left
#   restart   kill -9 with a call up: media still flows, the restarted daemon finds the call
#             in the kernel (labels)
#   recording R on that call (-r, -S): its BYE leaves one pcap in the recording directory,
#             which tcpdump reads with every packet of the call; the same over ng, asked
#             for with record-call on the offer; then Kamailio asking, with start_recording()
#             (rtpproxy module) and record-call=on (rtpengine module), for SIPp's calls
#   timeouts  --idle-timeout 6 and -n: a silent call's session expires in the kernel, the
#             notification arrives with its tag, and the call is gone; with --state-dir
#             the targets outlive kill -9: the restarted daemon notifies a call that expires
#             after its start, and one that expired while no daemon ran as it starts
#   bridging  -l IPv4 -6 /IPv6: an IPv6 caller on the external network, an IPv4 callee on the
#             internal one (I/E as Kamailio's x flag sends them), media both ways; then
#             Kamailio's x flag itself, SIPp calling from IPv6 to IPv4 through it, and the
#             same calls through Kamailio's rtpengine module
#   stop      SIGTERM removes the chain and so the switchboard
# vm: one kernel
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kamailio.sh"


RSOCK=127.0.0.1:22222
NGSOCK=127.0.0.1:2223
USOCK=$TMP/rtpp.sock
ctl() { np "$CTL" udp "$RSOCK" "$@"; }
ngctl() { np "$CTL" udp "$NGSOCK" "$@"; }

# start_daemon: iptrtpproxyd on the proxy's single-address gate, both protocols, in the
# foreground so that the test holds its pid; returns once it answers V.
start_daemon() {
	# Not np: a shell function in the background is a subshell, and $! would be its pid.
	ip netns exec proxy "$DAEMON" -f -l "$GATE" -s "udp:$RSOCK" -s "unix:$USOCK" --ng "udp:$NGSOCK" \
		-m 40000 -M 40999 -d DBUG -p "$TMP/daemon.pid" "${@:---idle-timeout=3600}" \
		>>"$TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_until 20 "the daemon answers" ctl "v0 V"
}

# shellcheck disable=SC2034 # read by cleanup (lib.sh)
KEEP_LOGS="*.log"
setup_all
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND (exit $?)" >&2; tail -n 30 "$TMP/daemon.log" >&2' ERR

step "start: the daemon makes its switchboard"
start_daemon
sbs=$(rtpp list)
expect_contains "own switchboard on $GATE" "addr-a=$GATE port-a=40000 addr-b=$GATE port-b=40500" "$sbs"
expect_contains "its chain" "chain iptrtpproxyd" "$(np nft list table ip mangle)"

step "rtpproxy: the handshake Kamailio does"
expect_eq "V" "c1 20040107" "$(ctl "c1 V")"
expect_eq "VF 20050322 (required)" "c2 1" "$(ctl "c2 VF 20050322")"
expect_eq "VF 20071116 (no re-packetisation)" "c3 0" "$(ctl "c3 VF 20071116")"
expect_eq "VF 20081102 (codec lists)" "c4 1" "$(ctl "c4 VF 20081102")"

step "rtpproxy: U, its retransmission, L"
u=$(ctl "c5 Uc0,8 call1@x $CLIENT_A 7000 ft1;1")
read -r _ pa_b _ <<<"$u"
expect_eq "U answers the answerer's port and the address" "c5 $pa_b $GATE" "$u"
expect_eq "the same cookie again: the same reply" "$u" "$(ctl "c5 Uc0,8 call1@x $CLIENT_A 7000 ft1;1")"
expect_eq "one session" 1 "$(rtpp list | grep -c 'record=session')"
expect_contains "its label" "label=rtpp1%20A1%20call1@x%20ft1%20#" "$(rtpp list)"
l=$(ctl "c6 Lc0 call1@x $CLIENT_B 6000 ft1;1 tt1;1")
read -r _ pa_a _ <<<"$l"
expect_eq "L answers the offerer's port" "c6 $pa_a $GATE" "$l"
[ "$pa_a" != "$pa_b" ] || fail "the two sides got one port"

step "rtpproxy: media both ways through the kernel"
relay_check a2b clienta "$CLIENT_A:7000" "$GATE:$pa_a" clientb "$CLIENT_B:6000" "$GATE:$pa_b" 20
relay_check b2a clientb "$CLIENT_B:6000" "$GATE:$pa_b" clienta "$CLIENT_A:7000" "$GATE:$pa_a" 20
q=$(ctl "c7 Q call1@x ft1;1 tt1;1")
read -r _ ttl in_a in_o relayed dropped <<<"$q"
expect_eq "Q counts 20 from each party, 40 relayed, none dropped" "20 20 40 0" \
	"$in_a $in_o $relayed $dropped"
((ttl > 3500)) || fail "Q's ttl $ttl"

step "rtpproxy: the callee's re-INVITE (tags reversed) keeps the ports"
expect_eq "U from the callee" "c8 $pa_a $GATE" "$(ctl "c8 U call1@x $CLIENT_B 6002 tt1;1 ft1;1")"
expect_eq "L from the caller" "c9 $pa_b $GATE" "$(ctl "c9 L call1@x $CLIENT_A 7000 tt1;1 ft1;1")"
relay_check a2b2 clienta "$CLIENT_A:7000" "$GATE:$pa_a" clientb "$CLIENT_B:6002" "$GATE:$pa_b" 5

step "rtpproxy: errors"
expect_eq "L of an unknown call: 0" "e1 0" "$(ctl "e1 L nocall $CLIENT_B 6000 a;1 b;1")"
expect_eq "D of an unknown call: E50" "e2 E50" "$(ctl "e2 D nocall a b")"
expect_eq "unknown command: E0" "e3 E0" "$(ctl "e3 Y x")"
expect_eq "U with a name for an address" "e4 E37" "$(ctl "e4 U c host.example 7000 a;1")"
expect_eq "I/E without bridging: E11" "e5 E11" "$(ctl "e5 UEI c $CLIENT_A 7000 a;1")"
expect_eq "IPv6 remote without an IPv6 address: E36" "e6 E36" "$(ctl "e6 U6 c fd00:1::2 7000 a;1")"

step "rtpproxy: D ends the call"
expect_eq "D" "d1 0" "$(ctl "d1 D call1@x ft1 tt1")"
expect_eq "no session left" 0 "$(rtpp list | grep -c 'record=session' || :)"

step "rtpproxy over unix: (Kamailio: a connection per command, no newline)"
out=$(np "$CTL" unix "$USOCK" "V" "U ucall $CLIENT_A 7000 uf;1" "D ucall uf")
expect_match "V, U and D over unix:" "^20040107
[0-9]+ $GATE
0$" "$out"

step "flood: 20,000 commands on one connection, written faster than read"
# OpenSIPS's way (a line per command on a kept connection), by a proxy that does not read
# its replies for a while: the daemon stops reading it rather than keep its replies, then
# answers every command, in order.
out=$(np "$CTL" flood "$USOCK" 20000 "$DAEMON_PID") || fail "flood: $out"
echo "$out"
(($(alloc_field "$out" blocked-after) < 20000)) || fail "the daemon took the whole flood at once"
before=$(alloc_field "$out" rss-kb-blocked) max=$(alloc_field "$out" rss-kb-max)
((max - before < 4096)) || fail "the daemon grew by $((max - before)) kB during the flood"
expect_eq "every reply, in order" "20000 1" \
	"$(alloc_field "$out" replies) $(alloc_field "$out" in-order)"

step "ng: ping, offer, answer, delete"
expect_eq "ping" "n1 d6:result4:ponge" "$(ngctl "n1 d7:command4:pinge")"
sdp_a=$'v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\nm=audio 7010 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.1.2 7010 typ host\r\n'
offer="d7:command5:offer7:call-id5:ngc_18:from-tag3:nf1$(printf '3:sdp%d:' ${#sdp_a})${sdp_a}e"
out=$(ngctl "n2 $offer")
expect_match "offer: the SDP names the relay" ".*m=audio 40[0-9]+ RTP/AVP 0.*" "$out"
expect_contains "offer: c= is the relay" "c=IN IP4 $GATE" "$out"
expect_contains "offer: a=rtcp added" "a=rtcp:" "$out"
case $out in *candidate*) fail "ICE candidates kept: $out" ;; esac
sdp_b=$'v=0\r\no=- 2 1 IN IP4 10.0.2.2\r\ns=-\r\nc=IN IP4 10.0.2.2\r\nt=0 0\r\nm=audio 6010 RTP/AVP 0\r\n'
answer="d7:command6:answer7:call-id5:ngc_18:from-tag3:nf16:to-tag3:nt1$(printf '3:sdp%d:' ${#sdp_b})${sdp_b}e"
out=$(ngctl "n3 $answer")
expect_match "answer: the SDP names the relay" ".*m=audio 40[0-9]+ RTP/AVP 0.*" "$out"
expect_eq "one session for the call" 1 "$(rtpp list | grep -c 'label=rtpp1%20A1%20ngc_1')"
expect_eq "delete" "n4 d6:result2:oke" "$(ngctl "n4 d7:command6:delete7:call-id5:ngc_18:from-tag3:nf1e")"
expect_eq "delete of an unknown call" \
	"n5 d7:warning38:Call-ID not found or tags didn't match6:result2:oke" \
	"$(ngctl "n5 d7:command6:delete7:call-id5:ngc_18:from-tag3:nf1e")"

# kamailio_calls NAME KAMAILIO-OPTIONS...: 3 SIPp calls (8 s of G.711 A-law from the caller,
# echoed by the callee) through Kamailio and the daemon; checks SIPp's verdict, that the
# switchboard made a session for each, and that nothing is left. The kernel's part (every
# packet of the calls relayed) the caller checks. By default the caller is client A, the
# callee client B, over IPv4 to Kamailio on gate A, the caller dialling the callee's address;
# CALLER, CALLEE ("NAMESPACE ADDRESS"), PROXY (Kamailio's SIP address for SIPp), TARGET (the
# request URI's host:port) and SB (sb_get's switchboard) change that.
kamailio_calls() {
	local name=$1 created0 caller callee caller_ip callee_ip proxy=${PROXY:-$GATE_A:5060} sb target
	shift
	read -r caller caller_ip <<<"${CALLER:-clienta $CLIENT_A}"
	read -r callee callee_ip <<<"${CALLEE:-clientb $CLIENT_B}"
	target=${TARGET:-$callee_ip:5060}
	read -ra sb <<<"${SB:---addr-a $GATE --port-a 40000}"
	created0=$(sb_get sessions-created "${sb[@]}")
	start_kamailio "$TMP/kamailio-$name.log" "$@"
	ip netns exec "$callee" sipp -sf "$REPO/tests/vm/sip/uas_echo.xml" -i "$callee_ip" \
		-mi "$callee_ip" -p 5060 -rtp_echo -nostdin >"$TMP/uas-$name.log" 2>&1 &
	local uas=$!
	mkdir -p "$TMP/uac" && ln -sf /usr/share/sip-tester "$TMP/uac/pcap"
	(cd "$TMP/uac" && ip netns exec "$caller" sipp -sn uac_pcap "$target" -rsa "$proxy" \
		-i "$caller_ip" -mi "$caller_ip" -m 3 -l 3 -r 3 -nostdin -timeout 120s -trace_err \
		-timeout_error >"$TMP/uac-$name.log" 2>&1) ||
		{ cat "$TMP/uac-$name.log" "$TMP/uac"/*errors.log "$TMP/kamailio-$name.log" >&2; fail "$name: SIPp calls failed"; }
	echo "ok: $name: SIPp: 3 calls succeeded"
	expect_eq "$name: three sessions made" $((created0 + 3)) "$(sb_get sessions-created "${sb[@]}")"
	expect_eq "$name: none left after the BYEs" 0 "$(rtpp list | grep -c 'record=session' || :)"
	kill "$uas" 2>/dev/null || :
	wait "$uas" 2>/dev/null || :
	stop_kamailio
}

# relay_defines MODULE: RELAY_DEFINES, Kamailio's defines that drive the daemon with MODULE:
# rtpproxy (its udp: socket) or ng.
relay_defines() {
	case $1 in
	rtpproxy) RELAY_DEFINES=(-A "RELAY_SOCK=\"udp:$RSOCK\"") ;;
	ng) RELAY_DEFINES=(-A WITH_NG -A "RELAY_SOCK=\"udp:$NGSOCK\"") ;;
	esac
}

step "kamailio: the rtpproxy module over udp:"
# What uac_pcap plays per call (its audio, then the DTMF digit), each packet echoed by the
# callee: the kernel must relay twice that for each of the 3 calls, no more, no less.
played=$(($(tcpdump -r /usr/share/sip-tester/g711a.pcap 2>/dev/null | wc -l) +
	$(tcpdump -r /usr/share/sip-tester/dtmf_2833_1.pcap 2>/dev/null | wc -l)))
CALL_PACKETS=$((3 * 2 * played))
pkts0=$(info_get packets)
relay_defines rtpproxy
kamailio_calls rtpproxy "${RELAY_DEFINES[@]}"
expect_eq "rtpproxy: every packet of the 3 calls relayed, both ways" "$CALL_PACKETS" \
	"$(($(info_get packets) - pkts0))"

step "kamailio: the rtpengine module over ng"
pkts0=$(info_get packets)
relay_defines ng
kamailio_calls ng "${RELAY_DEFINES[@]}"
expect_eq "ng: every packet of the 3 calls relayed, both ways" "$CALL_PACKETS" \
	"$(($(info_get packets) - pkts0))"

step "restart: kill -9 with a call up loses nothing"
u=$(ctl "k1 U kcall $CLIENT_A 7020 kf;1")
read -r _ kb _ <<<"$u"
l=$(ctl "k2 L kcall $CLIENT_B 6020 kf;1 kt;1")
read -r _ ka _ <<<"$l"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || :
relay_check k2b clienta "$CLIENT_A:7020" "$GATE:$ka" clientb "$CLIENT_B:6020" "$GATE:$kb" 10
mkdir -p "$TMP/rec" "$TMP/spool"
start_daemon --idle-timeout=3600 -r "$TMP/rec" -S "$TMP/spool"
expect_contains "the call found in the kernel" "found 1 streams of 1 calls" "$(cat "$TMP/daemon.log")"
expect_eq "its re-INVITE keeps the ports" "k3 $kb $GATE" "$(ctl "k3 U kcall $CLIENT_A 7020 kf;1 kt;1")"

step "recording: R, the call's media, its BYE: one pcap that tcpdump reads"
expect_eq "VF 20071218 (recording) with -r" "k5 1" "$(ctl "k5 VF 20071218")"
expect_eq "R" "k6 0" "$(ctl "k6 R kcall kf kt")"
relay_check rec-a clienta "$CLIENT_A:7020" "$GATE:$ka" clientb "$CLIENT_B:6020" "$GATE:$kb" 12
relay_check rec-b clientb "$CLIENT_B:6020" "$GATE:$kb" clienta "$CLIENT_A:7020" "$GATE:$ka" 8
expect_eq "its BYE ends it" "k4 0" "$(ctl "k4 D kcall kf kt")"
expect_eq "no session left" 0 "$(rtpp list | grep -c 'record=session' || :)"
wait_until 10 "the recording moved to the recording directory" compgen -G "$TMP/rec/kcall=*.pcap"
pcap=$(compgen -G "$TMP/rec/kcall=*.pcap")
expect_eq "the spool is empty" "" "$(ls -A "$TMP/spool")"
expect_eq "tcpdump reads the call's 20 packets" 20 "$(tcpdump -r "$pcap" 2>/dev/null | wc -l)"
expect_eq "12 of them to gate A's port" 12 "$(tcpdump -n -r "$pcap" 2>/dev/null | grep -c "> $GATE.$ka:")"

step "recording over ng: record-call on the offer (Kamailio's record-call=yes), its delete"
sdp_port() { grep -o 'm=audio [0-9]*' <<<"$1" | cut -d' ' -f2; }
sdp_r=$'v=0\r\no=- 3 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\nm=audio 7060 RTP/AVP 0\r\n'
out=$(ngctl "r1 d11:record call3:yes7:command5:offer7:call-id5:ngrec8:from-tag3:rf1$(printf '3:sdp%d:' ${#sdp_r})${sdp_r}e")
expect_contains "the offer" "6:result2:ok" "$out"
rb=$(sdp_port "$out")
sdp_r=$'v=0\r\no=- 4 1 IN IP4 10.0.2.2\r\ns=-\r\nc=IN IP4 10.0.2.2\r\nt=0 0\r\nm=audio 6060 RTP/AVP 0\r\n'
out=$(ngctl "r2 d7:command6:answer7:call-id5:ngrec8:from-tag3:rf16:to-tag3:rt1$(printf '3:sdp%d:' ${#sdp_r})${sdp_r}e")
ra=$(sdp_port "$out")
relay_check ngrec-a clienta "$CLIENT_A:7060" "$GATE:$ra" clientb "$CLIENT_B:6060" "$GATE:$rb" 6
relay_check ngrec-b clientb "$CLIENT_B:6060" "$GATE:$rb" clienta "$CLIENT_A:7060" "$GATE:$ra" 4
expect_eq "delete" "r3 d6:result2:oke" "$(ngctl "r3 d7:command6:delete7:call-id5:ngrec8:from-tag3:rf1e")"
wait_until 10 "its recording in the recording directory" compgen -G "$TMP/rec/ngrec=*.pcap"
expect_eq "tcpdump reads its 10 packets" 10 \
	"$(tcpdump -r "$(compgen -G "$TMP/rec/ngrec=*.pcap")" 2>/dev/null | wc -l)"

step "recording through Kamailio: start_recording() (rtpproxy), record-call=on (rtpengine)"
# Every packet of each call, both ways, is in its own pcap once the BYE ended it.
for module in rtpproxy ng; do
	relay_defines "$module"
	rm -f "$TMP"/rec/*.pcap
	kamailio_calls "record-$module" -A WITH_RECORD "${RELAY_DEFINES[@]}"
	wait_value 10 "record-$module: a recording per call" 3 \
		sh -c "ls '$TMP'/rec/*@$CLIENT_A=*.pcap | wc -l"
	for pcap in "$TMP"/rec/*@"$CLIENT_A"=*.pcap; do
		expect_eq "record-$module: ${pcap##*/} holds every packet of its call" \
			"$((CALL_PACKETS / 3))" "$(tcpdump -r "$pcap" 2>/dev/null | wc -l)"
	done
done
expect_eq "the spool is empty" "" "$(ls -A "$TMP/spool")"

step "timeouts: a silent call ends when the kernel says so, and its notification comes"
kill "$DAEMON_PID"
wait "$DAEMON_PID" || fail "the daemon exited $? on SIGTERM"
mkdir -p "$TMP/state"
notify_options=(--idle-timeout=6 -n "unix:$TMP/notify.sock" --state-dir "$TMP/state")
start_daemon "${notify_options[@]}"
expect_eq "VF 20081224 (notifications) with -n" "t1 1" "$(ctl "t1 VF 20081224")"
np "$CTL" listen "$TMP/notify.sock" 60 >"$TMP/notify.out" &
wait_until 10 "the notification listener" test -S "$TMP/notify.sock"
expect_match "U with a notify socket and tag" "t2 [0-9]+ $GATE" \
	"$(ctl "t2 U tcall $CLIENT_A 7040 tf;1 unix:$TMP/notify.sock tcall%20tag")"
wait_until 20 "the notification" grep -qx "tcall tag" "$TMP/notify.out"
sessions() { rtpp list | grep -c 'record=session' || :; }
expect_eq "the session is gone" 0 "$(sessions)"
expect_eq "and so is the call: its D gets E50" "t3 E50" "$(ctl "t3 D tcall tf")"

step "timeouts across restarts: --state-dir keeps what the labels have no room for"
# kill -9 before the expiry: the restarted daemon's expiry event finds the call's target.
expect_match "U with a notify socket and tag" "t4 [0-9]+ $GATE" \
	"$(ctl "t4 U tcall2 $CLIENT_A 7042 tf2;1 unix:$TMP/notify.sock tcall2%20tag")"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || :
start_daemon "${notify_options[@]}"
expect_eq "its session is live after the restart" 1 "$(rtpp list | grep -c 'state=live' || :)"
wait_until 20 "its notification, from the restarted daemon" grep -qx "tcall2 tag" "$TMP/notify.out"
expect_eq "its session is gone" 0 "$(sessions)"
# The expiry while no daemon runs: the next one notifies it as it starts.
expect_match "U with a notify socket and tag" "t5 [0-9]+ $GATE" \
	"$(ctl "t5 U tcall3 $CLIENT_A 7044 tf3;1 unix:$TMP/notify.sock tcall3%20tag")"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || :
wait_value 20 "the kernel lets the silent session expire, and frees it" 0 sessions
start_daemon "${notify_options[@]}"
wait_until 10 "its notification, as the daemon starts" grep -qx "tcall3 tag" "$TMP/notify.out"
expect_contains "the log says so" "call tcall3 media 1: ended while no daemon ran" \
	"$(cat "$TMP/daemon.log")"
expect_eq "each notification came once" 3 "$(wc -l <"$TMP/notify.out")"

step "bridging: -l IPv4 -6 /IPv6, an IPv6 caller outside, an IPv4 callee inside"
kill "$DAEMON_PID"
wait "$DAEMON_PID" || fail "the daemon exited $? on SIGTERM"
expect_eq "SIGTERM took the notification file with the calls" "" "$(ls -A "$TMP/state")"
# rtpproxy's way: internal network IPv4 (-l), external IPv6 (-6 /addr).
ip netns exec proxy "$DAEMON" -f -l "$GATE_A" -6 "/$GATE6_B" -s "udp:$RSOCK" --ng "udp:$NGSOCK" \
	-m 42000 -M 42999 -d DBUG \
	-p "$TMP/daemon.pid" >>"$TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_until 20 "the bridging daemon answers" ctl "v1 V"
expect_contains "its bridge" "addr-a=$GATE_A port-a=42000 addr-b=$GATE6_B port-b=42000" "$(rtpp list)"
# Kamailio's x flag: EI for an IPv6 SDP (from the external network to the internal one).
u=$(ctl "b1 U6EIS bcall $CLIENT6_B 6050 bf;1")
read -r _ bp_a _ <<<"$u"
expect_eq "the offer to the IPv4 callee gets gate A's IPv4 address" "b1 $bp_a $GATE_A" "$u"
l=$(ctl "b2 LIES bcall $CLIENT_A 7050 bf;1 bt;1")
read -r _ bp_b _ <<<"$l"
expect_eq "the answer to the IPv6 caller gets gate B's IPv6 address" "b2 $bp_b $GATE6_B 6" "$l"
relay_check b6to4 clientb "[$CLIENT6_B]:6050" "[$GATE6_B]:$bp_b" clienta "$CLIENT_A:7050" "$GATE_A:$bp_a" 10
relay_check b4to6 clienta "$CLIENT_A:7050" "$GATE_A:$bp_a" clientb "[$CLIENT6_B]:6050" "[$GATE6_B]:$bp_b" 10
expect_eq "D" "b3 0" "$(ctl "b3 D bcall bf bt")"

step "bridging through Kamailio: SIPp calling from IPv6 outside to IPv4 inside"
# Kamailio listens on gate B's IPv6 address too and records the route twice (IPv6 towards
# the caller, IPv4 towards the callee); the caller dials the proxy (SIPp cannot put an IPv4
# host in an IPv6 request URI), which sends the call to CALLEE_HOST. The rtpproxy module
# with rtpproxy_manage("cox") (WITH_BRIDGE): the caller's IPv6 SDP makes a U with EI and 6,
# the callee's IPv4 answer an L with IE (no NAT here: no w for S). The rtpengine module with
# no flags for it: the daemon puts an IPv6 offerer on the external network, the only one
# with an IPv6 address, and its answerer on the other.
for module in rtpproxy ng; do
	relay_defines "$module"
	pkts0=$(info_get packets)
	CALLER="clientb $CLIENT6_B" CALLEE="clienta $CLIENT_A" PROXY="[$GATE6_B]:5060" \
		TARGET="[$GATE6_B]:5060" SB="--addr-a $GATE_A --port-a 42000" \
		kamailio_calls "bridge-$module" -A WITH_BRIDGE "${RELAY_DEFINES[@]}" \
		-A "CALLEE_HOST=\"$CLIENT_A\"" -l "udp:[$GATE6_B]:5060"
	expect_eq "bridge-$module: every packet of the 3 calls relayed, both ways, IPv6 to IPv4 and back" \
		"$CALL_PACKETS" "$(($(info_get packets) - pkts0))"
done

step "stop: SIGTERM removes the daemon's switchboard"
kill "$DAEMON_PID"
wait "$DAEMON_PID" || fail "the daemon exited $? on SIGTERM"
expect_eq "no switchboard" 0 "$(rtpp list | grep -c 'record=switchboard' || :)"
case $(np nft list table ip mangle 2>/dev/null || :) in *iptrtpproxyd*) fail "chain left" ;; esac
[ ! -e "$USOCK" ] || fail "the unix socket file was left"
echo "ok: chain, switchboard and socket gone"
