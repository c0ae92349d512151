# SPDX-License-Identifier: GPL-2.0
# Debian's Kamailio in the proxy namespace, and the daemon's binaries, for the daemon's VM
# tests (sourced after lib.sh).
# It listens on both gate networks, tests/vm/sip/kamailio.cfg with the defines given.

KAMCFG=$REPO/tests/vm/sip/kamailio.cfg
# The daemon and the test's control client: run.sh's snapshots, else the build's.
DAEMON=${DAEMON:-$REPO/build/iptrtpproxyd/iptrtpproxyd}
CTL=${CTL:-$REPO/build/tests/vm/rtppctl}
[ -x "$DAEMON" ] || fail "$DAEMON is not built"
[ -x "$CTL" ] || fail "$CTL is not built"
command -v kamailio >/dev/null || fail "kamailio is not installed (make deps)"
command -v sipp >/dev/null || fail "sipp is not installed (make deps: sip-tester)"

# ss exits 0 whatever it finds.
sip_listening() { [ -n "$(np ss -Hlun "sport = :5060")" ]; }

# start_kamailio LOG DEFINES...: Kamailio with 4 workers per socket, its output appended to
# LOG; returns once it listens. KAM_PID is its main process.
start_kamailio() {
	local log=$1
	shift
	# Not np: a shell function in the background is a subshell, and $! would be its pid.
	ip netns exec proxy kamailio -DD -E -f "$KAMCFG" -l "udp:$GATE_A:5060" \
		-l "udp:$GATE_B:5060" -n 4 -P "$TMP/kamailio.pid" "$@" >>"$log" 2>&1 &
	KAM_PID=$!
	wait_until 30 "kamailio listens" sip_listening
}

# Kamailio's children go after their main process: the next start needs port 5060.
stop_kamailio() {
	kill "$KAM_PID" 2>/dev/null || :
	wait "$KAM_PID" 2>/dev/null || :
	wait_until 20 "kamailio gone" prints "" np ss -Hlun "sport = :5060"
}

# answered [LIST-COMMAND...]: how many sessions of the daemon know both clients (the offer
# and the answer seen: the answerer's side has an address); LIST-COMMAND is the proxy's
# iptrtpproxy (rtpp) by default.
answered() {
	"${@:-rtpp}" list | grep -c 'stream=rtp-b gate-port=[0-9]* client=[^-]' || :
}
