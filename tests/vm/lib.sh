# SPDX-License-Identifier: GPL-2.0
# Shared topology, namespace helpers and assertions for the VM tests (sourced).
#
#   clienta                  mallory                      clientb
#   eth0 10.0.1.2/24         eth0 10.0.1.3/24             eth0 10.0.2.2/24
#        fd00:1::2/64             fd00:1::3/64                 fd00:2::2/64
#     |                         |                            |
#     +----------+  +-----------+                            |
#                |  |                                        |
#            pa  |  | pm   (bridged: one LAN on A's side)    | pb
#   +-------------------------------------------------------------------+
#   | proxy      br-a 10.0.1.1/24 fd00:1::1/64  = gate A address       |
#   |            pb   10.0.2.1/24 fd00:2::1/64  = gate B address       |
#   |            lo   10.0.0.1/32 fd00::1/128   = single-address gates |
#   |            ip_forward=0, forwarding=0: only the target relays    |
#   +-------------------------------------------------------------------+
#
# Clients route everything through the proxy, so they reach 10.0.0.1 too.
# Namespaces: "proxy", "clienta", "clientb", "mallory"; np/na/nb/nm run a
# command in one of them. The tests run with `set -e` and every namespace
# is deleted by the exit trap (and again by guest.sh between tests).

# Sourced by hand in `run.sh shell`, it must not turn every typo into an
# exit of the VM's shell.
if [[ $- != *i* ]]; then
	set -eEuo pipefail
fi

REPO=${XTRP_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Built per kernel by `make kmod KVER=...`: the one for the kernel that runs.
KMOD=${XTRP_KMOD:-$REPO/build/kmod/$(uname -r)/xt_RTPPROXY.ko}
RTPP=${RTPP:-$REPO/build/iptrtpproxy/iptrtpproxy}
# The traffic tool (tests/vm/udpt.c), built with the userspace; an array so
# that a wrapper (strace, valgrind) can be put in front.
UDP=("${UDPT:-$REPO/build/tests/vm/udpt}")
# The benchmark's session tool: library requests without the CLI's checks.
SESSBENCH=${SESSBENCH:-$REPO/build/bench/sessbench}
# Only for what no tool of ours does (t_security's look at a blocked CLI).
PYTHON=${PYTHON:-/usr/bin/python3}
# iptables-nft is Debian's default; a test may switch to iptables-legacy.
IPT=${IPT:-iptables-nft}
IP6T=${IP6T:-ip6tables-nft}

GATE_A=10.0.1.1
GATE_B=10.0.2.1
GATE=10.0.0.1
CLIENT_A=10.0.1.2
CLIENT_B=10.0.2.2
MALLORY=10.0.1.3
GATE6_A=fd00:1::1
GATE6_B=fd00:2::1
GATE6=fd00::1
CLIENT6_A=fd00:1::2
CLIENT6_B=fd00:2::2
MALLORY6=fd00:1::3

NAMESPACES=(proxy clienta clientb mallory)
TEST_NAME=$(basename -- "$0" .sh)
TMP=$(mktemp -d "/tmp/$TEST_NAME.XXXXXX")

np() { ip netns exec proxy "$@"; }
na() { ip netns exec clienta "$@"; }
nb() { ip netns exec clientb "$@"; }
nm() { ip netns exec mallory "$@"; }

# iptrtpproxy and the iptables variant in use, in the proxy's namespace.
rtpp() { np "$RTPP" "$@"; }
ipt() { np "$IPT" "$@"; }
ip6t() { np "$IP6T" "$@"; }
# A command in the proxy's namespace as the unprivileged user nobody.
as_nobody() { np setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# ---- output --------------------------------------------------------------

# The seconds since the test started lead each step: what a slow test spends
# its time on is in its log.
step() {
	printf '\n== [%d s] %s\n' "$SECONDS" "$*"
}

pretty() {
	printf '+'
	printf ' %q' "$@"
	printf '\n'
}

fail() {
	echo "FAIL: $*" >&2
	diagnostics >&2
	exit 1
}

# What the kernel thinks, to explain a failure.
diagnostics() {
	[ -z "${IN_DIAGNOSTICS:-}" ] || return 0
	IN_DIAGNOSTICS=1
	if ip netns list | grep -qw proxy; then
		echo "---- state of the proxy namespace"
		if [ -x "$RTPP" ] && module_loaded; then
			rtpp info 2>&1 | tr '\n' ' '
			echo
			rtpp list 2>&1
		fi
		np "$IPT-save" -t mangle 2>&1 | grep -v '^#'
		np ip neigh 2>&1
	fi
	echo "---- kernel log (last lines)"
	dmesg | tail -n 15
	unset IN_DIAGNOSTICS
}

# ---- assertions ----------------------------------------------------------

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" != "$3" ]; then
		fail "$1: expected '$2', got '$3'"
	fi
	echo "ok: $1 = $3"
}

# expect_match WHAT REGEX TEXT (extended regex, whole text must match)
expect_match() {
	if ! [[ $3 =~ ^$2$ ]]; then
		fail "$1: '$3' does not match '$2'"
	fi
	echo "ok: $1 matches"
}

# expect_contains WHAT NEEDLE HAYSTACK
expect_contains() {
	case $3 in
	*"$2"*) echo "ok: $1 contains '$2'" ;;
	*) fail "$1: '$2' not found in: $3" ;;
	esac
}

# expect_fail CODE COMMAND...: the command must exit with CODE; its stderr is
# left in $TMP/stderr and its stdout in $TMP/stdout.
expect_fail() {
	local want=$1 rc=0
	shift
	"$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "stdout: $(cat "$TMP/stdout")" >&2
		echo "stderr: $(cat "$TMP/stderr")" >&2
		fail "'$*' exited $rc, expected $want"
	fi
	echo "ok: '$*' exits $rc: $(head -c 300 "$TMP/stderr" | tr '\n' ' ')"
}

# expect_ok COMMAND...: like expect_fail 0 but shows what went wrong.
expect_ok() {
	expect_fail 0 "$@"
}

# wait_until SECONDS WHAT COMMAND...: polls until the command succeeds. The
# VM is slow and its speed varies: timing checks poll rather than sleep.
wait_until() {
	local limit=$1 what=$2 deadline
	shift 2
	# Polls soon, then once a second: a check spawns processes, and under
	# emulation polling fast all through a long wait costs more CPU than
	# the test itself.
	local pause=0.1
	deadline=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || fail "$what: not within $limit s"
		nap "$pause"
		case $pause in 0.1) pause=0.3 ;; 0.3) pause=1 ;; esac
	done
	echo "ok: $what"
}

# wait_value LIMIT WHAT EXPECTED CMD...: waits up to LIMIT seconds until
# CMD prints EXPECTED, running it anew each time (a "$(...)" argument to
# wait_until would be read once). A failing CMD (a list that churn
# interrupted, say) just counts as not yet.
wait_value() {
	local limit=$1 what=$2 want=$3
	shift 3
	wait_until "$limit" "$what" prints "$want" "$@"
}

prints() {
	local want=$1
	shift
	[ "$("$@" 2>/dev/null)" = "$want" ]
}

# ---- counters --------------------------------------------------------------

# The CLI's output is key=value words, one record per line (iptrtpproxy(8),
# OUTPUT FORMAT): `info` one KEY=VALUE per line; `list` lines
# "record=switchboard ...", "  record=session id=N ..." and
# "    record=stream stream=rtp-a ..."; `alloc` one line "sess-id=N ...".

# info_get KEY: a value from `iptrtpproxy info`.
info_get() {
	local value
	value=$(rtpp info | awk -v k="$1" '
		index($0, k "=") == 1 { print substr($0, length(k) + 2); found = 1 }
		END { exit !found }') ||
		fail "iptrtpproxy info has no '$1'"
	echo "$value"
}

# sb_get KEY [LIST-FILTER-OPTIONS...]: KEY=value of the first switchboard
# line of `iptrtpproxy list` (with the given switchboard options).
sb_get() {
	local key=$1 value
	shift
	# Reads everything: exiting early would break the pipe under rtpp.
	value=$(rtpp list "$@" --no-session | awk -v k="$key" '
		$1 == "record=switchboard" && !found {
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == k) { print substr($i, length(k) + 2); found = 1; break }
			}
		}
		END { exit !found }') || fail "no switchboard field '$key' in iptrtpproxy list"
	echo "$value"
}

# list_session ID [LIST-OPTIONS...]: the session line of session ID and its
# stream lines.
list_session() {
	local id=$1
	shift
	rtpp list "$@" | awk -v id="$id" '
		$1 == "record=switchboard" { insess = 0 }
		/^  record=session / { insess = ($2 == "id=" id) }
		insess { print }'
}

# sess_get ID KEY [LIST-OPTIONS...]: a field of a session line ("-" if the
# session is not listed).
sess_get() {
	local id=$1 key=$2
	shift 2
	list_session "$id" "$@" | awk -v k="$key" '
		/^  record=session / {
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == k) { print substr($i, length(k) + 2); found = 1 }
			}
		}
		END { if (!found) print "-" }'
}

# stream_get ID STREAM KEY [LIST-OPTIONS...]: a field of a stream line
# (rtp-a, rtcp-a, rtp-b, rtcp-b); "-" means missing (learn-ms and last-ms
# are there only when known; the flags learned and always-learn are 0 or 1).
stream_get() {
	local id=$1 stream=$2 key=$3
	shift 3
	list_session "$id" "$@" | awk -v s="$stream" -v k="$key" '
		$1 == "record=stream" && $2 == "stream=" s {
			for (i = 3; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == k) { print substr($i, length(k) + 2); found = 1 }
			}
		}
		END { if (!found) print "-" }'
}

# alloc_field LINE KEY: a field of the line `iptrtpproxy alloc` prints
# (sess-id, addr-a, gate-rtp-port-a, gate-rtcp-port-a, addr-b, ...).
alloc_field() {
	local field
	for field in $1; do
		if [ "${field%%=*}" = "$2" ]; then
			echo "${field#*=}"
			return
		fi
	done
	fail "no '$2' in alloc output '$1'"
}

# ---- traffic ---------------------------------------------------------------

# Under emulation every program started costs a few hundred milliseconds:
# the helpers below start udpt (which enters the namespace itself) and
# nothing else.

# nap SECONDS: sleeps without starting sleep(1): a read that times out on
# a pipe nobody writes to.
nap() {
	[ -n "${NAP_FD:-}" ] || exec {NAP_FD}<> <(:)
	read -rt "$1" -u "$NAP_FD" || :
}

# recv_start NAME NS BIND-ADDR:PORT COUNT [udpt recv options]: starts a
# receiver in the background and returns once its socket is bound. It waits
# 60 s unless told otherwise: a loaded VM can stall for seconds, and a
# receiver with a count returns as soon as everything arrived.
recv_start() {
	local name=$1 ns=$2 bind=$3 count=$4 pid i
	shift 4
	rm -f "$TMP/$name.ready"
	"${UDP[@]}" recv --netns "$ns" --bind "$bind" --count "$count" --ready "$TMP/$name.ready" -v \
		--timeout 60 "$@" >"$TMP/$name.out" 2>&1 &
	pid=$!
	echo "$pid" >"$TMP/$name.pid"
	for ((i = 0; i < 600; i++)); do
		[ -e "$TMP/$name.ready" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		nap 0.05
	done
	cat "$TMP/$name.out" >&2
	fail "receiver $name did not start"
}

# recv_wait NAME: waits for a receiver; its summary goes to stdout; fails
# the test if the receiver was not satisfied.
recv_wait() {
	local name=$1 rc=0 line
	wait "$(<"$TMP/$name.pid")" || rc=$?
	while IFS= read -r line; do
		echo "  $name: $line"
	done <"$TMP/$name.out"
	[ "$rc" = 0 ] || fail "receiver $name: exit $rc"
}

# recv_stop NAME: ends a receiver started with count 0 (expecting nothing)
# DROP_GRACE (1.5) seconds from now, then like recv_wait.
recv_stop() {
	nap "${DROP_GRACE:-1.5}"
	kill -TERM "$(<"$TMP/$1.pid")"
	recv_wait "$1"
}

# recv_field NAME KEY: a key of a receiver's summary line (its last line).
recv_field() {
	local line last="" field
	while IFS= read -r line; do
		last=$line
	done <"$TMP/$1.out"
	for field in $last; do
		if [ "${field%%=*}" = "$2" ]; then
			echo "${field#*=}"
			return
		fi
	done
}

# send NS FROM TO COUNT [udpt send options]
send() {
	local ns=$1 from=$2 to=$3 count=$4
	shift 4
	"${UDP[@]}" send --netns "$ns" --from "$from" --to "$to" --count "$count" "$@" >/dev/null
}

# relay_check NAME FROM-NS FROM TO TO-NS DEST EXPECT-SRC COUNT [send options]:
# sends COUNT packets FROM -> TO (a gate) and checks all of them arrive at
# DEST in TO-NS, intact, from EXPECT-SRC (the opposite gate). The receiver
# waits RELAY_TIMEOUT (60) seconds at most.
relay_check() {
	local name=$1 from_ns=$2 from=$3 to=$4 to_ns=$5 dest=$6 expect_src=$7 count=$8
	shift 8
	recv_start "$name" "$to_ns" "$dest" "$count" --expect-from "$expect_src" \
		--timeout "${RELAY_TIMEOUT:-60}"
	send "$from_ns" "$from" "$to" "$count" "$@"
	recv_wait "$name"
	echo "ok: $name: $count packets $from -> $to arrived at $dest from $expect_src"
}

# drop_check NAME FROM-NS FROM TO TO-NS DEST COUNT: the packets must not
# arrive at DEST within DROP_GRACE (1.5) seconds after they were sent.
drop_check() {
	local name=$1 from_ns=$2 from=$3 to=$4 to_ns=$5 dest=$6 count=$7
	shift 7
	recv_start "$name" "$to_ns" "$dest" 0 --timeout 600
	send "$from_ns" "$from" "$to" "$count" "$@"
	recv_stop "$name"
	echo "ok: $name: $count packets $from -> $to did not reach $dest"
}

# snmp NS NAME: a counter of the namespace's stack, "Udp:InCsumErrors" from
# /proc/net/snmp or "Udp6InCsumErrors" from /proc/net/snmp6.
snmp() {
	# shellcheck disable=SC2016 # awk's own $ fields
	ip netns exec "$1" awk -v k="$2" '
		FILENAME ~ /6$/ { if ($1 == k) { print $2; found = 1 } next }
		$1 == prefix && $2 ~ /^[0-9]+$/ {
			for (i = 2; i <= NF; i++) if (prefix names[i] == k) { print $i; found = 1 }
		}
		{ prefix = $1; split($0, names) }
		END { exit !found }' /proc/net/snmp /proc/net/snmp6 || fail "no counter $2 in $1"
}

# csum_errors NS: UDP checksum errors of both families: a socket's poll()
# counts an IPv6 one in the IPv4 MIB (first_packet_length()), recvmsg() in
# the IPv6 one.
csum_errors() {
	echo $(($(snmp "$1" Udp:InCsumErrors) + $(snmp "$1" Udp6InCsumErrors)))
}

# ---- set-up ------------------------------------------------------------------

require_product() {
	[ -f "$KMOD" ] || fail "$KMOD is not built (make kmod)"
	[ -x "$RTPP" ] || fail "$RTPP is not built (make userspace)"
	[ -f "${XTRP_EXTDIR:-$REPO/build/iptables-ext}/libxt_RTPPROXY.so" ] ||
		fail "build/iptables-ext/libxt_RTPPROXY.so is not built (make userspace)"
}

# Loads xt_RTPPROXY.ko after what it needs (no depmod: too slow under TCG).
# What is loaded already (from the previous test) is not probed again.
load_module() {
	local deps dep
	module_loaded && return 0
	deps=$(modinfo -F depends "$KMOD")
	for dep in ${deps//,/ }; do
		[[ $LOADED_MODULES == *" $dep "* ]] || modprobe "$dep"
	done
	insmod "$KMOD"
}

unload_module() {
	module_loaded || return 0
	rmmod xt_RTPPROXY
}

# Whether xt_RTPPROXY is loaded; leaves " NAME NAME ... " of every loaded
# module in LOADED_MODULES. Read by the shell itself: tests poll it.
module_loaded() {
	local name _
	LOADED_MODULES=" "
	while read -r name _; do LOADED_MODULES+="$name "; done </proc/modules
	[[ $LOADED_MODULES == *" xt_RTPPROXY "* ]]
}

cleanup() {
	local ns
	# What fails here (a namespace the test deleted itself) is no failure:
	# the ERR trap would print one even with set +e.
	trap - ERR
	set +e
	# A test's logs of the programs it ran (daemons, SIP peers), kept where run.sh keeps
	# the results: KEEP_LOGS names them, relative to $TMP.
	if [ -n "${KEEP_LOGS:-}" ] && [ -d /results ]; then
		mkdir -p "/results/$TEST_NAME.files"
		# shellcheck disable=SC2086 # a list of globs
		(cd "$TMP" && cp -- $KEEP_LOGS "/results/$TEST_NAME.files/" 2>/dev/null)
	fi
	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	for ns in "${NAMESPACES[@]}"; do
		ip netns delete "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
[[ $- == *i* ]] || trap 'echo "FAIL: line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR

# Builds the topology drawn at the top of this file. Under emulation every
# process start costs a tenth of a second and every test starts here: one
# `ip -batch` per namespace, not a command per link and address.
setup_topology() {
	# New namespaces copy the initial one's all/default settings: no
	# duplicate address detection anywhere (addresses are usable at once).
	sysctl -qw net.core.devconf_inherit_init_net=1 net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
	printf 'netns add %s\n' "${NAMESPACES[@]}" | ip -batch -
	# Only the target relays.
	np sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	ip -n proxy -batch - <<-EOF
		link set lo up
		link add br-a type bridge
		link add pa type veth peer name eth0 netns clienta
		link add pm type veth peer name eth0 netns mallory
		link add pb type veth peer name eth0 netns clientb
		link set pa master br-a
		link set pm master br-a
		link set br-a up
		link set pa up
		link set pm up
		link set pb up
		addr add $GATE_A/24 dev br-a
		addr add $GATE6_A/64 dev br-a nodad
		addr add $GATE_B/24 dev pb
		addr add $GATE6_B/64 dev pb nodad
		addr add $GATE/32 dev lo
		addr add $GATE6/128 dev lo nodad
	EOF
	client_setup clienta "$CLIENT_A" "$CLIENT6_A" "$GATE_A" "$GATE6_A"
	client_setup mallory "$MALLORY" "$MALLORY6" "$GATE_A" "$GATE6_A"
	client_setup clientb "$CLIENT_B" "$CLIENT6_B" "$GATE_B" "$GATE6_B"
	[ "$(np cat /proc/sys/net/ipv6/conf/default/accept_dad)" = 0 ] ||
		fail "the namespaces did not inherit accept_dad=0"
}

client_setup() {
	local ns=$1 addr=$2 addr6=$3 router=$4 router6=$5
	ip -n "$ns" -batch - <<-EOF
		link set lo up
		link set eth0 up
		addr add $addr/24 dev eth0
		addr add $addr6/64 dev eth0 nodad
		route add default via $router
		route add default via $router6
	EOF
}

# add_switchboard [--ipt CMD] [--chain CHAIN] [--defaults] TARGET-OPTIONS...:
# defines a switchboard the usual way: a chain holding the RTPPROXY rule,
# jumped to from PREROUTING for UDP. Unless the options say otherwise (or
# --defaults keeps the target's), sessions expire after an hour: a loaded
# host can slow the VM down enough for the default minute to run out in the
# middle of a test that is not about expiry.
add_switchboard() {
	local cmd=$IPT chain=rtpproxy defaults=0
	while :; do
		case ${1:-} in
		--ipt) cmd=$2; shift 2 ;;
		--chain) chain=$2; shift 2 ;;
		--defaults) defaults=1; shift ;;
		*) break ;;
		esac
	done
	local extra=()
	case " $* " in
	*" --expires-timeout "*) ;;
	*) ((defaults)) || extra=(--expires-timeout 3600) ;;
	esac
	np "$cmd" -t mangle -N "$chain"
	np "$cmd" -t mangle -A "$chain" -j RTPPROXY "$@" "${extra[@]}"
	np "$cmd" -t mangle -A PREROUTING -p udp -j "$chain"
}

# add_bridge CHAIN TARGET-OPTIONS...: a bridge between IPv4 and IPv6, its
# rule (as add_switchboard's, in CHAIN) in iptables and in ip6tables: each
# table sees the packets of its own family's gate.
add_bridge() {
	local chain=$1
	shift
	add_switchboard --chain "$chain" "$@"
	add_switchboard --ipt "$IP6T" --chain "$chain" "$@"
}

# Everything most tests start with.
setup_all() {
	require_product
	load_module
	setup_topology
}
