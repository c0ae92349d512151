#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two proxy hosts in one Kamailio relay set, each with its own iptrtpproxyd (how operators
# scale out: Kamailio's sets are the engine):
#   share     Kamailio's rtpproxy module spreads calls over both by Call-ID
#   failover  one host's daemon stops: its switchboard goes with it, new calls all go to
#             the other, whose calls in progress are untouched (same sessions, same ports,
#             same clients) and end with their BYEs
#
#   clienta 10.0.1.2 -- proxy (Kamailio, daemon 1 on 10.0.0.1) -- clientb 10.0.2.2
#                         |  10.0.9.1
#                         |  10.0.9.2
#                       proxy2 (daemon 2 on 10.0.9.2; the proxy routes to it)
# vm: one kernel
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kamailio.sh"


SIP=$REPO/tests/vm/sip
HOST2=10.0.9.2
SOCK1=127.0.0.1:22222
SOCK2=$HOST2:22222
NAMESPACES+=(proxy2)

n2() { ip netns exec proxy2 "$@"; }
rtpp2() { n2 "$RTPP" "$@"; }

# The second proxy host: a link from the proxy, which routes the clients' media to it.
second_host() {
	ip -n proxy -batch - <<-EOF
		link add p2 type veth peer name eth0 netns proxy2
		link set p2 up
		addr add 10.0.9.1/24 dev p2
	EOF
	ip -n proxy2 -batch - <<-EOF
		link set lo up
		link set eth0 up
		addr add $HOST2/24 dev eth0
		route add default via 10.0.9.1
	EOF
	np sysctl -qw net.ipv4.ip_forward=1
}

# start_daemon NAMESPACE ADDRESS SOCKET LOG: iptrtpproxyd there, in the foreground (its pid
# in STARTED_PID); returns once it answers V.
start_daemon() {
	local ns=$1 addr=$2 sock=$3 log=$4
	ip netns exec "$ns" "$DAEMON" -f -l "$addr" -s "udp:$sock" -m 40000 -M 40999 \
		--idle-timeout 3600 >>"$log" 2>&1 &
	STARTED_PID=$!
	wait_until 20 "the daemon on $addr answers" ip netns exec "$ns" "$CTL" udp "$sock" "v0 V"
}

answered1() { answered rtpp; }
answered2() { answered rtpp2; }
answered_both() { echo $(($(answered1) + $(answered2))); }

# sessions_of LIST-COMMAND...: "ID A-PORT A-CLIENT B-PORT B-CLIENT" per session, sorted.
sessions_of() {
	# shellcheck disable=SC2016 # awk's own $ fields
	"$@" list | awk '
		/^  record=session / { split($2, kv, "="); id = kv[2] }
		$1 == "record=stream" && ($2 == "stream=rtp-a" || $2 == "stream=rtp-b") {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			if ($2 == "stream=rtp-a") { line = id " " v["gate-port"] " " v["client"] }
			else print line, v["gate-port"], v["client"]
		}' | sort
}

# shellcheck disable=SC2034 # read by cleanup (lib.sh)
KEEP_LOGS="*.log"
setup_all
second_host
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND (exit $?)" >&2; tail -n 20 "$TMP"/*.log >&2' ERR

step "share: 16 calls through one Kamailio set of two proxy hosts"
start_daemon proxy "$GATE" "$SOCK1" "$TMP/daemon1.log"
HOST1_PID=$STARTED_PID
start_daemon proxy2 "$HOST2" "$SOCK2" "$TMP/daemon2.log"
start_kamailio "$TMP/kamailio.log" -A WITH_SET -A "RELAY_SOCKS=\"udp:$SOCK1 udp:$SOCK2\""
nb sipp -sf "$SIP/uas_calls.xml" -i "$CLIENT_B" -mi "$CLIENT_B" -mp 30000 -nostdin \
	>"$TMP/uas.log" 2>&1 &
UAS=$!
# Long calls: they are all up while one host goes and the new calls come. (Their re-INVITEs
# come after that: those of host 1's calls go to host 2, and their BYEs end them there.)
na sipp -sf "$SIP/uac_calls.xml" "$CLIENT_B:5060" -rsa "$GATE_A:5060" -i "$CLIENT_A" \
	-mi "$CLIENT_A" -mp 20000 -m 16 -l 16 -r 8 -d 60000 -nostdin -timeout 200s -timeout_error \
	-trace_err >"$TMP/uac1.log" 2>&1 &
UAC1=$!
wait_value 90 "16 calls answered" 16 answered_both
n1=$(answered1) n2=$(answered2)
echo "calls on host 1: $n1, on host 2: $n2"
((n1 > 0 && n2 > 0)) || fail "one host had every call: $n1 and $n2"

step "failover: host 1's daemon stops; new calls go to host 2, its calls untouched"
survivors=$(sessions_of rtpp2)
kill "$HOST1_PID"
wait "$HOST1_PID" 2>/dev/null || :
expect_eq "host 1: its switchboard gone with its daemon" 0 "$(info_get switchboards)"
na sipp -sf "$SIP/uac_calls.xml" "$CLIENT_B:5060" -rsa "$GATE_A:5060" -i "$CLIENT_A" \
	-mi "$CLIENT_A" -p 5070 -mp 21000 -m 6 -l 6 -r 2 -d 20000 -nostdin -timeout 120s \
	-timeout_error -trace_err >"$TMP/uac2.log" 2>&1 &
UAC2=$!
wait_value 90 "the 6 new calls answered on host 2" $((n2 + 6)) answered2
expect_eq "host 2: a session for each of its calls and nothing else" $((n2 + 6)) \
	"$(rtpp2 list | grep -c 'record=session')"
now=$(sessions_of rtpp2)
missing=$(comm -23 <(echo "$survivors") <(echo "$now"))
[ -z "$missing" ] || fail "host 2's calls changed: $missing"
echo "ok: host 2's $n2 calls kept their sessions, ports and clients"
wait "$UAC2" || { tail -n 20 "$TMP/uac2.log" >&2; fail "SIPp: the calls after the failover failed"; }
echo "ok: SIPp: the 6 calls after the failover succeeded"

step "the BYEs: host 2's calls end, nothing is left"
wait "$UAC1" || { tail -n 20 "$TMP/uac1.log" >&2; fail "SIPp: the first 16 calls failed"; }
echo "ok: SIPp: the first 16 calls ended well (host 1's without their relay)"
wait_value 60 "host 2 has no session left" 0 answered2
expect_eq "host 2: no session at all" 0 "$(rtpp2 list | grep -c 'record=session' || :)"
kill "$UAS" 2>/dev/null || :
wait "$UAS" 2>/dev/null || :
stop_kamailio
