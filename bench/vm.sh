#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark inside the test VM: four relays between the same two clients, measured in turns,
# and xt_RTPPROXY as a bridge between IPv4 and IPv6.
#
#  client A: netns "ca"                                            client B: netns "cb"
#  fwd 10.1.1.100 -- pa 10.1.1.1   [p-fwd: ip_forward=1, no rules]  10.1.2.1   pb -- fwd 10.1.2.100
#  xt  10.2.1.100 -- pa 10.2.1.1-4 [p-xt:  xt_RTPPROXY]             10.2.2.1-4 pb -- xt  10.2.2.100
#  rek 10.3.1.100 -- pa 10.3.1.1   [p-rek: rtpengine, kernel]       10.3.2.1   pb -- rek 10.3.2.100
#  reu 10.4.1.100 -- pa 10.4.1.1   [p-reu: rtpengine, userspace]    10.4.2.1   pb -- reu 10.4.2.100
#  x46 10.5.1.100 -- pa 10.5.1.1   [p-x46: xt_RTPPROXY bridge]      fd05:2::1  pb -- x46 fd05:2::100
#
# Each relay has its own proxy namespace, so one relay's rules never cost another anything
# and plain forwarding runs with no netfilter rule at all; the two clients are the same for
# all. Client A sends from 10.N.1.100:4000, client B from 10.N.2.100:6000 (x46: IPv6, from
# [fd05:2::100]:6000). x46 is measured in the options phase (set bridge), or like the others
# when relays lists it; the topology has it only then.
#
# CPU 0 does the proxies' work: RPS on pa and pb of every proxy steers what the clients send
# to CPU 0, and the rtpengine daemons run there. CPU 1 has everything else: this script, the
# generator (bench/rtpgen, AF_PACKET) and the clients' receive path (RPS on the clients'
# devices). Arrivals are counted by an nft netdev ingress rule per client device, which then
# drops the packet (no socket, no ICMP back to the proxy).
#
# A measurement window: rtpgen sends paced RTP of N sessions in both directions. Around it,
# it reads CPU 0's idle time (guest view: busy = wall - idle) and writes console marks on
# which tests/vm/run.sh records the host CPU time of the vCPU threads (host view, which
# host load does not inflate). The background (CPU 0 busy with no traffic, every daemon
# running) is measured in windows without traffic and subtracted.
#
# Usage: tests/vm/run.sh script bench/vm.sh smoke|full [KEY=VALUE...]  (bench/bench.sh does it)
# Writes $XTRP_RESULTS/bench-raw.jsonl (one JSON object per measurement), ftrace call trees
# and rtpengine's logs, and prints a line per window. Exits non-zero if a relay relays less
# than half of what it is sent at its lowest rate, or if rtpengine's kernel module does not
# relay in the kernel.

set -eEuo pipefail

MODE=${1:-smoke}
declare -A CFG
# shellcheck disable=SC2054 # commas separate list items inside one setting
case $MODE in
smoke)
	CFG=([relays]=fwd,xt,rek,reu [rounds]=1 [secs]=2 [rates]=1000 [overload]=0
		[scale]="" [scale_rates]=2000 [rek_max]=1 [reu_max]=1
		[control]=1000 [churn_one]=100 [churn_batch]=500 [profile]="" [profile_rate]=20000 [trace]=""
		[bin]="" [settle]=1 [options]="" [options_rate]=20000 [calls]=200 [calls_window]=16)
	;;
full)
	CFG=([relays]=fwd,xt,rek,reu [rounds]=3 [secs]=4 [rates]=1000,2000,5000,10000,20000,40000,60000
		[overload]=5 [scale]=1000,10000,100000 [scale_rates]=2000,20000 [rek_max]=1000
		[reu_max]=1000 [control]=100000 [churn_one]=2000 [churn_batch]=1000
		[profile]="" [profile_rate]=20000 [trace]=fwd,xt,rek [bin]="" [settle]=2
		[options]=none,bridge,dscp,ttl,mark,dup,all,rate,record [options_rate]=20000
		[calls]=5000 [calls_window]=16)
	;;
*)
	echo "usage: bench/vm.sh smoke|full [KEY=VALUE...]" >&2
	exit 2
	;;
esac
# KEY=VALUE arguments override the mode's settings (lists are comma-separated; 0 or "" skips a
# phase), e.g. for a short run while developing: bench/vm.sh full relays=fwd,xt rounds=1.
shift
for arg in "$@"; do
	if [[ $arg != *=* ]] || [ -z "${CFG[${arg%%=*}]+set}" ]; then
		echo "bench/vm.sh: unknown setting '$arg'" >&2
		exit 2
	fi
	CFG[${arg%%=*}]=${arg#*=}
done
list() {
	echo "${CFG[$1]//,/ }"
}

REPO=${XTRP_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
RESULTS=${XTRP_RESULTS:-/tmp/bench-results}
RTPGEN=$REPO/build/bench/rtpgen
SESSBENCH=$REPO/build/bench/sessbench
RTPP=$REPO/build/iptrtpproxy/iptrtpproxy
DAEMON=$REPO/build/iptrtpproxyd/iptrtpproxyd
CALLBENCH=$REPO/build/bench/callbench
KMOD=$REPO/build/kmod/$(uname -r)/xt_RTPPROXY.ko
NG=(python3 -S -E "$REPO/bench/ng.py")
# bin=DIR: copies of the binaries under test (bench/bench.sh makes them), so that a rebuild on
# the host while the benchmark runs changes nothing.
if [ -n "${CFG[bin]}" ]; then
	RTPGEN=${CFG[bin]}/rtpgen
	SESSBENCH=${CFG[bin]}/sessbench
	RTPP=${CFG[bin]}/iptrtpproxy
	DAEMON=${CFG[bin]}/iptrtpproxyd
	CALLBENCH=${CFG[bin]}/callbench
	KMOD=${CFG[bin]}/xt_RTPPROXY.ko
	export XTABLES_LIBDIR=${CFG[bin]}:${XTRP_XTLIBDIR:-/usr/lib/x86_64-linux-gnu/xtables}
fi
RAW=$RESULTS/bench-raw.jsonl
W=$(mktemp -d /tmp/bench.XXXXXX)

# The topology always has the first four; x46 when something measured goes through it (main).
ALL_RELAYS=(fwd xt rek reu)
# The relays measured.
read -ra RELAYS <<<"$(list relays)"
declare -A IDX=([fwd]=1 [xt]=2 [rek]=3 [reu]=4 [x46]=5)
# CLIENT_A, CLIENT_B: where each relay's clients send from (rtpgen's --src-a, --src-b).
declare -A MAC_A MAC_B CLIENT_A CLIENT_B CAP DAEMON_PID
# Sessions set up per relay (rtpgen's session file $W/sess-RELAY holds at least that many).
declare -A HAVE=([fwd]=0 [xt]=0 [rek]=0 [reu]=0 [x46]=0)
# xt_RTPPROXY: 100,000 sessions need 4 switchboards (at most 32767 each): one per gate address.
XT_SB=4
XT_PER_SB=25000
XT_PORT=10000
BG_FRAC=0
FAILURES=()

log() {
	printf '%s bench: %s\n' "$(date +%T)" "$*"
}

fail_soft() {
	log "FAIL: $*"
	FAILURES+=("$*")
}

die() {
	log "FAIL: $*"
	exit 1
}

cleanup() {
	set +e
	trap - ERR
	local pid ns
	for pid in "${DAEMON_PID[@]}"; do kill "$pid" 2>/dev/null; done
	cp "$W"/rtpengine-*.log "$RESULTS/" 2>/dev/null
	sleep 0.5
	for ns in ca cb "${ALL_RELAYS[@]/#/p-}"; do ip netns delete "$ns" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'log "FAIL: line $LINENO: $BASH_COMMAND (exit $?)"' ERR

# emit KEY=VALUE...: appends one JSON object to the raw results; numbers stay numbers.
emit() {
	local kv key value sep="" line="{"
	for kv in "$@"; do
		key=${kv%%=*}
		value=${kv#*=}
		if [[ $value =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; then
			line+="$sep\"$key\":$value"
		else
			value=${value//\\/\\\\}
			line+="$sep\"$key\":\"${value//\"/\\\"}\""
		fi
		sep=","
	done
	echo "$line}" >>"$RAW"
}

# kv KEY LINE: the value of KEY in a line of key=value pairs.
kv() {
	local field
	for field in $2; do
		if [ "${field%%=*}" = "$1" ]; then
			echo "${field#*=}"
			return 0
		fi
	done
	echo "no '$1' in: $2" >&2
	return 1
}

# ---- the machine -------------------------------------------------------------

# Everything already running, and every interrupt that can move, goes to CPU 1: CPU 0 is
# the proxy's.
pin_system() {
	local pid irq
	for pid in $(ps -e -o pid=); do
		taskset -p 2 "$pid" >/dev/null 2>&1 || true
	done
	for irq in /proc/irq/[0-9]*; do
		echo 2 >"$irq/smp_affinity" 2>/dev/null || true
	done
}

load_modules() {
	local dep ko
	for dep in $(modinfo -F depends "$KMOD" | tr ',' ' '); do modprobe "$dep"; done
	insmod "$KMOD"
	modprobe nf_tables
	# Debian's dkms build of rtpengine's module, for this kernel (.ko or .ko.xz).
	ko=$(find "/lib/modules/$(uname -r)/updates" -name 'xt_RTPENGINE.ko*' | head -n 1)
	[ -n "$ko" ] || die "no xt_RTPENGINE module for $(uname -r): apt-get install rtpengine-kernel-dkms (make bench-deps)"
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do modprobe "$dep"; done
	case $ko in
	*.xz) xz -dc "$ko" >"$W/xt_RTPENGINE.ko" && ko=$W/xt_RTPENGINE.ko ;;
	esac
	insmod "$ko"
	echo 'add 0' >/proc/rtpengine/control
}

# ---- topology ----------------------------------------------------------------

# mac RELAY SIDE HOST: the fixed MAC address of a port (SIDE 1 = A, 2 = B; HOST 01 = proxy,
# 64 = client), so that nothing has to be looked up.
mac() {
	printf '02:00:00:%02x:%02x:%s' "${IDX[$1]}" "$2" "$3"
}

# v6 RELAY SIDE: true if that side of the relay's network is IPv6 (the bridge's side B).
v6() {
	[ "$1" = x46 ] && [ "$2" = 2 ]
}

# addr RELAY SIDE HOST: an address on a side of the relay's network (HOST 1-4: the proxy's
# gates, 100: the client).
addr() {
	if v6 "$1" "$2"; then
		echo "fd0${IDX[$1]}:$2::$3"
	else
		echo "10.${IDX[$1]}.$2.$3"
	fi
}

# endpoint RELAY SIDE HOST PORT: ADDRESS:PORT, or [ADDRESS]:PORT in IPv6.
endpoint() {
	if v6 "$1" "$2"; then
		echo "[$(addr "$@")]:$4"
	else
		echo "$(addr "$@"):$4"
	fi
}

# port_batch RELAY SIDE DEV ADDRS: the `ip -batch` lines of a proxy port: its addresses (IPv6
# ones without duplicate address detection, which would send and wait) and its client as a
# permanent neighbour (no ARP or neighbour discovery while measuring).
port_batch() {
	local relay=$1 side=$2 dev=$3 j len=/24
	! v6 "$relay" "$side" || len="/64 nodad"
	for ((j = 1; j <= $4; j++)); do
		echo "addr add $(addr "$relay" "$side" "$j")$len dev $dev"
	done
	echo "neigh replace $(addr "$relay" "$side" 100) lladdr $(mac "$relay" "$side" 64) dev $dev nud permanent"
}

# Under emulation every process start costs: each namespace is set up by one `ip -batch`
# (the bridge's by two: its IPv6 port takes addresses once IPv6 is on there).
topology() {
	local relay i ns j addrs udp
	for ns in ca cb "${ALL_RELAYS[@]/#/p-}"; do
		ip netns add "$ns"
		# No IPv6 but on the bridge's IPv6 port (below): nothing else sends router
		# solicitations or MLD reports.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=0
	done
	for relay in "${ALL_RELAYS[@]}"; do
		i=${IDX[$relay]}
		ns=p-$relay
		addrs=1
		[ "$relay" != xt ] || addrs=$XT_SB
		MAC_A[$relay]=$(mac "$relay" 1 01)
		MAC_B[$relay]=$(mac "$relay" 2 01)
		CLIENT_A[$relay]=$(endpoint "$relay" 1 100 4000)
		CLIENT_B[$relay]=$(endpoint "$relay" 2 100 6000)
		{
			echo "link set lo up"
			echo "link add pa address ${MAC_A[$relay]} type veth peer name $relay address $(mac "$relay" 1 64) netns ca"
			echo "link add pb address ${MAC_B[$relay]} type veth peer name $relay address $(mac "$relay" 2 64) netns cb"
			echo "link set pa up"
			echo "link set pb up"
			port_batch "$relay" 1 pa "$addrs"
			v6 "$relay" 2 || port_batch "$relay" 2 pb "$addrs"
		} | ip -n "$ns" -batch -
		ip netns exec "$ns" sh -c 'echo 1 >/sys/class/net/pa/queues/rx-0/rps_cpus; echo 1 >/sys/class/net/pb/queues/rx-0/rps_cpus'
		v6 "$relay" 2 || continue
		# IPv6 on pb alone, with no link-local address: nothing to solicit routers or
		# report multicast groups from (what it reports for its address it does now, at
		# set-up, and client B's ingress counter counts UDP only).
		ip netns exec "$ns" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/pb/addr_gen_mode; echo 0 >/proc/sys/net/ipv6/conf/pb/disable_ipv6'
		port_batch "$relay" 2 pb 1 | ip -n "$ns" -batch -
	done
	for ns in ca cb; do
		j=1
		[ "$ns" = ca ] || j=2
		# The clients' devices need no IPv6 of their own: rtpgen writes whole frames and the
		# ingress counters take what arrives before any protocol sees it.
		{
			echo "link set lo up"
			for relay in "${ALL_RELAYS[@]}"; do
				i=${IDX[$relay]}
				echo "link set $relay up"
				v6 "$relay" "$j" && continue
				echo "addr add 10.$i.$j.100/24 dev $relay"
				echo "route add 10.$i.0.0/16 via 10.$i.$j.1 dev $relay"
				echo "neigh replace 10.$i.$j.1 lladdr $(mac "$relay" "$j" 01) dev $relay nud permanent"
			done
		} | ip -n "$ns" -batch -
		ip netns exec "$ns" sh -c "for d in ${ALL_RELAYS[*]}; do echo 2 >/sys/class/net/\$d/queues/rx-0/rps_cpus; done"
		{
			echo "table netdev count {"
			for relay in "${ALL_RELAYS[@]}"; do
				udp="ip protocol udp"
				! v6 "$relay" "$j" || udp="ip6 nexthdr udp"
				echo "chain in_$relay { type filter hook ingress device \"$relay\" priority 0; $udp counter drop; }"
			done
			echo "}"
		} | ip netns exec "$ns" nft -f -
	done
	ip netns exec p-fwd sysctl -qw net.ipv4.ip_forward=1
	# rtpengine's kernel forwarding sees packets for local ports in INPUT (its documented rule).
	ip netns exec p-rek iptables -I INPUT -p udp -j RTPENGINE --id 0
}

# arrivals RELAY: "AT-A AT-B", packets that reached client A and client B from the relay.
arrivals() {
	local ns out=()
	for ns in ca cb; do
		out+=("$(ip netns exec "$ns" nft list chain netdev count "in_$1" |
			awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')")
	done
	echo "${out[*]}"
}

# Per CPU: packets processed, dropped (backlog full) and time squeezes (softnet_stat, hex):
# "p0 d0 s0 p1 d1 s1".
softnet() {
	local processed dropped squeezed _ out=()
	while read -r processed dropped squeezed _; do
		out+=($((16#$processed)) $((16#$dropped)) $((16#$squeezed)))
	done </proc/net/softnet_stat
	echo "${out[*]}"
}

# ---- relays ------------------------------------------------------------------

# xt_rules RELAY J MAX-SESS: the rules of the relay's switchboard J (gates addr RELAY 1 J and
# addr RELAY 2 J): one per gate address, both naming the same switchboard, so that a packet
# meets only its own switchboard's target. An IPv6 gate's rule is in ip6tables: a bridge's two
# rules are in both tables, and the extension derives the bridge from the addresses. No -p udp:
# the target checks that itself, and here every packet is RTP.
xt_rules() {
	local relay=$1 a b gate ipt
	a=$(addr "$relay" 1 "$2")
	b=$(addr "$relay" 2 "$2")
	for gate in "$a" "$b"; do
		ipt=iptables
		[[ $gate != *:* ]] || ipt=ip6tables
		ip netns exec "p-$relay" "$ipt" -t mangle -A PREROUTING -d "$gate" -j RTPPROXY \
			--addr-a "$a" --port-a "$XT_PORT" --addr-b "$b" --port-b "$XT_PORT" \
			--max-sess "$3" --expires-timeout 3600
	done
}

xt_setup_rules() {
	local j
	for ((j = 1; j <= XT_SB; j++)); do xt_rules xt "$j" "$XT_PER_SB"; done
}

# x46_setup: the bridge's switchboard (gate A IPv4, gate B IPv6) and its one session with
# both clients known, once. A few packets check that it relays both ways before anything is
# measured through it.
x46_setup() {
	((HAVE[x46] == 0)) || return 0
	local out a0 b0 a1 b1
	xt_rules x46 1 1
	out=$(ip netns exec p-x46 "$RTPP" alloc --addr-a "$(addr x46 1 1)" --port-a "$XT_PORT" \
		--rtp-addr-a "$(addr x46 1 100)" --rtp-port-a 4000 --rtp-addr-b "$(addr x46 2 100)" --rtp-port-b 6000)
	echo "$(addr x46 1 1) $(kv gate-rtp-port-a "$out") $(addr x46 2 1) $(kv gate-rtp-port-b "$out")" >"$W/sess-x46"
	HAVE[x46]=1
	read -r a0 b0 <<<"$(arrivals x46)"
	gen x46 1 --rate 1000 --packets 20 >/dev/null
	sleep 0.5
	read -r a1 b1 <<<"$(arrivals x46)"
	((a1 - a0 == 10 && b1 - b0 == 10)) ||
		die "x46: $((a1 - a0)) of 10 packets relayed to A (IPv4), $((b1 - b0)) of 10 to B (IPv6); $(xt_counters x46)"
	log "x46: bridge set up (session $(cat "$W/sess-x46")), 20 of 20 packets relayed"
}

gates() {
	local side=$1 j out=()
	for ((j = 1; j <= XT_SB; j++)); do out+=("10.2.$side.$j"); done
	local IFS=,
	echo "${out[*]}"
}

# xt_sessions N [WHEN]: exactly N sessions, allocated in batches (the batched alloc rate of N).
xt_sessions() {
	local n=$1 when=${2:-} out
	ip netns exec p-xt "$SESSBENCH" clear >/dev/null
	out=$(ip netns exec p-xt "$SESSBENCH" setup --gates-a "$(gates 1)" --gates-b "$(gates 2)" \
		--port-a "$XT_PORT" --port-b "$XT_PORT" --per-switchboard "$XT_PER_SB" --count "$n" \
		--client-a 10.2.1.100:4000 --client-b 10.2.2.100:6000 --out "$W/sess-xt")
	emit phase=setup relay=xt sessions="$n" secs="$(kv secs "$out")" rate="$(kv rate "$out")" when="$when"
	HAVE[xt]=$n
}

fwd_sessions() {
	local n=$1
	# No state to set up: "sessions" are destination ports, cycling through 10000-59999.
	awk -v n="$n" 'BEGIN { for (k = 0; k < n; k++) { p = 10000 + 2 * (k % 25000); print "10.1.2.100", p, "10.1.1.100", p } }' >"$W/sess-fwd"
	HAVE[fwd]=$n
}

# rtpengine_start RELAY...: starts the daemons of rek (kernel table 0) and/or reu (userspace),
# waits until they answer, then pins all their threads to CPU 0. (Starting takes seconds of
# dynamic linking under emulation: both CPUs do that.)
rtpengine_start() {
	local relay
	for relay in "$@"; do rtpengine_launch "$relay"; done
	for relay in "$@"; do
		ip netns exec "p-$relay" "${NG[@]}" ping --ng 127.0.0.1:2223 --wait 60 >/dev/null ||
			die "rtpengine ($relay) does not answer ng pings; its log: $(tail -n 20 "$W/rtpengine-$relay.log")"
		taskset -a -p 1 "${DAEMON_PID[$relay]}" >/dev/null
		HAVE[$relay]=0
		: >"$W/sess-$relay"
		rm -f "$W/state-$relay"
	done
}

rtpengine_launch() {
	local relay=$1 i=${IDX[$1]} table=0 extra=(--no-fallback)
	[ "$relay" = rek ] || { table=-1; extra=(); }
	ip netns exec "p-$relay" taskset -c 0,1 rtpengine --config-file=none --table="$table" "${extra[@]}" \
		--interface="a/10.$i.1.1" --interface="b/10.$i.2.1" --listen-ng=127.0.0.1:2223 \
		--foreground --log-stderr --log-level=4 --port-min=20000 --port-max=59999 \
		--endpoint-learning=immediate --timeout=3600 --delete-delay=0 \
		>>"$W/rtpengine-$relay.log" 2>&1 &
	DAEMON_PID[$relay]=$!
}

rtpengine_stop() {
	local pid=${DAEMON_PID[$1]:-}
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "DAEMON_PID[$1]"
}

# rtpengine_calls RELAY N: calls up to N (offer + answer each), then a few packets from both
# sides of every new call so that rtpengine learns both clients (and, for rek, hands the
# streams to its kernel module).
rtpengine_calls() {
	local relay=$1 n=$2 i=${IDX[$1]} have=${HAVE[$1]} start secs
	((n > have)) || return 0
	start=$(date +%s.%N)
	ip netns exec "p-$relay" "${NG[@]}" calls --ng 127.0.0.1:2223 --first "$have" --count $((n - have)) \
		--client-a "10.$i.1.100:4000" --client-b "10.$i.2.100:6000" --out "$W/sess-$relay.new" >/dev/null
	secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
	emit phase=setup relay="$relay" sessions="$n" new=$((n - have)) secs="$secs" \
		mem_available_kb="$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)"
	cat "$W/sess-$relay.new" >>"$W/sess-$relay"
	HAVE[$relay]=$n
	# Three packets per stream, at a rate every relay takes.
	gen "$relay" "$n" --rate 2000 --packets $((6 * n)) >/dev/null
	sleep 1
	if [ "$relay" = rek ]; then
		local targets
		targets=$(kv targets "$(rek_kernel)")
		# One target per direction at least (RTP; RTCP ones appear once RTCP flows).
		((targets >= 2 * n)) ||
			die "rtpengine's kernel module has $targets forwarding targets for $n calls, expected >= $((2 * n))"
		log "rek: $targets kernel targets for $n calls"
		cp /proc/rtpengine/0/list "$RESULTS/rek-targets-$n.txt"
	fi
}

# rtpengine's kernel table: "targets=N packets=M" (M relayed in the kernel, all targets).
rek_kernel() {
	awk '/^local / { t++ } /stats:.*packets/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^packets/) p += $i }
		END { printf "targets=%d packets=%d\n", t, p }' /proc/rtpengine/0/list
}

# xt_counters RELAY: xt_RTPPROXY's global counters in the namespace of xt or x46:
# "packets=N drops=M".
xt_counters() {
	ip netns exec "p-$1" "$RTPP" info | awk -F= '$1 == "packets" { p = $2 } $1 ~ /^drop-/ { d += $2 }
		END { printf "packets=%d drops=%d\n", p, d }'
}

# ---- traffic and windows -------------------------------------------------------

# gen RELAY SESSIONS RTPGEN-OPTIONS...: rtpgen between the clients through RELAY, on CPU 1.
gen() {
	local relay=$1 n=$2
	shift 2
	taskset -c 1 "$RTPGEN" --ns-a ca --dev-a "$relay" --src-a "${CLIENT_A[$relay]}" --mac-a "${MAC_A[$relay]}" \
		--ns-b cb --dev-b "$relay" --src-b "${CLIENT_B[$relay]}" --mac-b "${MAC_B[$relay]}" \
		--sessions "$W/sess-$relay" --first "$n" --state "$W/state-$relay" "$@"
}

# Host CPU time of the vCPU threads around a window: rtpgen --mark writes console marks,
# tests/vm/run.sh appends the threads' CPU time to results/vcpu-marks (HOST_MARKS=0 when
# nobody does).
MARKS=$RESULTS/vcpu-marks
HOST_MARKS=1
MARK_N=0
BG_HOST_FRAC=0

next_mark() {
	MARK_N=$((MARK_N + 1))
	MARK=w$MARK_N
}

# host_cpu ID: "host_ns=N vcpu0_ns=N vcpu1_ns=N" between the marks ID start and ID end.
host_cpu() {
	local id=$1 i start="" end=""
	((HOST_MARKS)) || return 0
	for ((i = 0; i < 100; i++)); do
		end=$(grep -m 1 "^$id end " "$MARKS" 2>/dev/null) && break
		sleep 0.05
	done
	if [ -z "$end" ]; then
		log "no vCPU marks from the host (not run by tests/vm/run.sh?): guest-side CPU time only"
		HOST_MARKS=0
		return 0
	fi
	start=$(grep -m 1 "^$id start " "$MARKS")
	awk -v s="$start" -v e="$end" 'function get(line, key,   n, f, i) {
			n = split(line, f, " ")
			for (i = 4; i <= n; i++) if (index(f[i], key "=") == 1) return substr(f[i], length(key) + 2)
		}
		BEGIN {
			split(s, a, " "); split(e, b, " ")
			printf "host_ns=%.0f vcpu0_ns=%.0f vcpu1_ns=%.0f\n", (b[3] - a[3]) * 1000,
				get(e, "CPU_0/TCG") - get(s, "CPU_0/TCG"), get(e, "CPU_1/TCG") - get(s, "CPU_1/TCG")
		}'
}

# background PHASE SECS [SESSIONS]: CPU 0's busy fraction with no traffic, guest- and host-side.
background() {
	local out host
	next_mark
	out=$(gen fwd 1 --rate 0 --seconds "$2" --proxy-cpu 0 --drain-ms 0 --mark "$MARK")
	host=$(host_cpu "$MARK")
	BG_FRAC=$(awk -v w="$(kv window_ns "$out")" -v i="$(kv idle_ns "$out")" 'BEGIN { printf "%.5f", (w - i) / w }')
	if [ -n "$host" ]; then
		BG_HOST_FRAC=$(awk -v w="$(kv host_ns "$host")" -v c="$(kv vcpu0_ns "$host")" 'BEGIN { printf "%.5f", c / w }')
	fi
	# shellcheck disable=SC2086 # host is key=value words
	emit phase="$1" kind=background sessions="${3:-1}" window_ns="$(kv window_ns "$out")" \
		idle_ns="$(kv idle_ns "$out")" $host
	log "background: CPU 0 busy $(awk -v f="$BG_FRAC" 'BEGIN { printf "%.1f%%", 100 * f }') without traffic" \
		"(host: vCPU 0 thread $(awk -v f="$BG_HOST_FRAC" 'BEGIN { printf "%.1f%%", 100 * f }'))"
}

# window PHASE RELAY SESSIONS RATE SECS [KEY=VALUE...]: one measurement; sets LAST_US
# (proxy-CPU µs per relayed packet, background subtracted) and LAST_LOSS (fraction).
window() {
	local phase=$1 relay=$2 n=$3 rate=$4 secs=$5
	shift 5
	local a0 b0 a1 b1 d0=() d1=() k0="" k1="" out host relayed sent extra=()
	read -r a0 b0 <<<"$(arrivals "$relay")"
	read -ra d0 <<<"$(softnet)"
	case $relay in
	rek) k0=$(rek_kernel) ;;
	xt | x46) k0=$(xt_counters "$relay") ;;
	esac
	next_mark
	out=$(gen "$relay" "$n" --rate "$rate" --seconds "$secs" --proxy-cpu 0 --drain-ms 500 --mark "$MARK")
	host=$(host_cpu "$MARK")
	# shellcheck disable=SC2206 # key=value words
	[ -z "$host" ] || extra+=($host bg_host_frac="$BG_HOST_FRAC")
	read -r a1 b1 <<<"$(arrivals "$relay")"
	read -ra d1 <<<"$(softnet)"
	case $relay in
	rek)
		k1=$(rek_kernel)
		extra+=(kernel_relayed=$(($(kv packets "$k1") - $(kv packets "$k0"))) kernel_targets="$(kv targets "$k1")")
		;;
	xt | x46)
		k1=$(xt_counters "$relay")
		extra+=(xt_relayed=$(($(kv packets "$k1") - $(kv packets "$k0"))) xt_drops=$(($(kv drops "$k1") - $(kv drops "$k0"))))
		;;
	esac
	sent=$(kv sent "$out")
	relayed=$((a1 - a0 + b1 - b0))
	emit phase="$phase" kind=window relay="$relay" sessions="$n" rate="$rate" secs="$secs" \
		sent="$sent" sent_a="$(kv sent_a "$out")" sent_b="$(kv sent_b "$out")" \
		refused="$(kv refused "$out")" skipped="$(kv skipped "$out")" \
		send_secs="$(kv send_secs "$out")" achieved_rate="$(kv rate "$out")" \
		max_lag_pkts="$(kv max_lag_pkts "$out")" window_ns="$(kv window_ns "$out")" \
		idle_ns="$(kv idle_ns "$out")" bg_frac="$BG_FRAC" relayed="$relayed" \
		relayed_to_a=$((a1 - a0)) relayed_to_b=$((b1 - b0)) backlog_drops=$((d1[1] - d0[1])) \
		cpu0_processed=$((d1[0] - d0[0])) cpu0_squeezed=$((d1[2] - d0[2])) \
		cpu1_processed=$((d1[3] - d0[3])) cpu1_dropped=$((d1[4] - d0[4])) cpu1_squeezed=$((d1[5] - d0[5])) \
		"${extra[@]}" "$@"
	# µs of CPU 0 per relayed packet: guest-side (wall - idle) and host-side (vCPU 0 thread).
	read -r GUEST_US LAST_LOSS < <(awk -v w="$(kv window_ns "$out")" -v i="$(kv idle_ns "$out")" \
		-v bg="$BG_FRAC" -v r="$relayed" -v s="$sent" 'BEGIN {
			busy = w - i - bg * w; if (busy < 0) busy = 0
			printf "%.3f %.5f\n", r ? busy / 1000 / r : 0, s ? 1 - r / s : 0 }')
	LAST_US=$GUEST_US
	local host_us=-
	if [ -n "$host" ]; then
		host_us=$(awk -v w="$(kv host_ns "$host")" -v c="$(kv vcpu0_ns "$host")" -v bg="$BG_HOST_FRAC" \
			-v r="$relayed" 'BEGIN { busy = c - bg * w; if (busy < 0) busy = 0; printf "%.3f", r ? busy / 1000 / r : 0 }')
		LAST_US=$host_us
	fi
	log "$(printf '%-8s %-4s %6d sess %6d pps: sent %7d (%6.0f pps) relayed %7d loss %5.1f%% cpu0 %7.2f us/pkt (host %s)' \
		"$phase" "$relay" "$n" "$rate" "$sent" "$(kv rate "$out")" "$relayed" \
		"$(awk -v l="$LAST_LOSS" 'BEGIN { print 100 * l }')" "$GUEST_US" "$host_us")"
	if [ "$relay" = rek ] && ((relayed > 0)); then
		local kr=$(($(kv packets "$k1") - $(kv packets "$k0")))
		# The kernel module must have relayed (almost) every counted packet itself.
		if ((kr * 100 < relayed * 98)); then
			fail_soft "rek: kernel relayed $kr of $relayed packets in a $phase window: not an in-kernel relay"
			cp /proc/rtpengine/0/list "$RESULTS/rek-targets-failed.txt"
		fi
	fi
}

# ---- phases --------------------------------------------------------------------

# rtpengine's userspace daemon stops reading a socket for good once it has been flooded:
# after a window that lost packets, it gets a fresh daemon and fresh calls.
reu_refresh() {
	local n=${HAVE[reu]}
	awk -v l="$LAST_LOSS" 'BEGIN { exit !(l >= 0.05) }' || return 0
	log "reu: lost $(awk -v l="$LAST_LOSS" 'BEGIN { print 100 * l }')%: restarting rtpengine (userspace) with $n calls"
	rtpengine_stop reu
	rtpengine_start reu
	rtpengine_calls reu "$n"
}

has_relay() {
	[[ " ${RELAYS[*]} " == *" $1 "* ]]
}

setup_relays() {
	local n=$1 relay
	fwd_sessions "$n"
	xt_setup_rules
	xt_sessions "$n"
	! has_relay x46 || x46_setup
	local daemons=()
	for relay in rek reu; do
		! has_relay "$relay" || daemons+=("$relay")
	done
	((${#daemons[@]} == 0)) || rtpengine_start "${daemons[@]}"
	log "rtpengine daemons answer"
	for relay in "${daemons[@]}"; do rtpengine_calls "$relay" "$n"; done
}

# Relays measured at RATE: not those whose capacity, as measured so far, is below RATE / 0.9
# (beyond that they are overloaded, measured in the overload phase).
below_capacity() {
	local cap=${CAP[$1]:-0}
	[ "$cap" = 0 ] || awk -v c="$cap" -v r="$2" 'BEGIN { exit !(r <= 0.9 * c) }'
}

# sweep ROUNDS SECS RATE...: every relay at every rate, in turns, ROUNDS times. Within a round
# a relay that lost 5% or more at a rate (it is overloaded: the overload phase measures that)
# is not offered the higher rates. CAP: the capacity implied by the CPU time per packet at the
# highest rate a relay took with less loss.
sweep() {
	local rounds=$1 secs=$2 round rate relay
	shift 2
	declare -A capped top=()
	for ((round = 1; round <= rounds; round++)); do
		background sweep "$secs"
		capped=()
		for rate in "$@"; do
			for relay in "${RELAYS[@]}"; do
				[ -z "${capped[$relay]:-}" ] || continue
				window sweep "$relay" 1 "$rate" "$secs" round="$round"
				if awk -v l="$LAST_LOSS" 'BEGIN { exit !(l < 0.05) }'; then
					if ((rate >= ${top[$relay]:-0})) && awk -v u="$LAST_US" 'BEGIN { exit !(u > 0) }'; then
						top[$relay]=$rate
						CAP[$relay]=$(awk -v u="$LAST_US" 'BEGIN { printf "%d", 1e6 / u }')
					fi
				else
					log "sweep: $relay lost 5% or more at $rate pps: no higher rates for it in round $round"
					capped[$relay]=1
					[ "$relay" != reu ] || reu_refresh
				fi
			done
		done
	done
	for relay in "${RELAYS[@]}"; do
		[ -n "${CAP[$relay]:-}" ] || CAP[$relay]=0
		emit phase=capacity relay="$relay" capacity="${CAP[$relay]}" from_rate="${top[$relay]:-0}"
	done
}

# The relay options of each set the options phase measures (iptrtpproxy update): none is the
# default of every session; dup sends every datagram twice (rtpgen's are below 1,500 bytes);
# record copies each one as received to NFLOG group 9, which tcpdump reads on CPU 1
# (record_listener); rate limits both RTP streams far above what flows (the token bucket's
# cost, never a drop); bridge is none through the IPv4-IPv6 bridge x46 instead of xt
# (OPTION_RELAY): a header of the other family written for each datagram.
declare -A OPTION_SETS=(
	[none]="--dscp sender --max-ttl 0 --mark 0/0 --dup-small 0 --no-nflog --rtp-rate-a 0 --rtp-rate-b 0"
	[rate]="--rtp-rate-a 100000k/1000k --rtp-rate-b 100000k/1000k"
	[record]="--nflog-group 9 --nflog-copy received"
	[dscp]="--dscp 46"
	[ttl]="--max-ttl 16"
	[mark]="--mark 0x10/0xff"
	[dup]="--dup-small 1500"
	[all]="--dscp 46 --max-ttl 16 --mark 0x10/0xff --dup-small 1500"
)
OPTION_SETS[bridge]=${OPTION_SETS[none]}
# The relay a set is measured through, when not xt.
declare -A OPTION_RELAY=([bridge]=x46)

# uses_x46: whether anything measured goes through the bridge x46 (relays, or an options set).
uses_x46() {
	local name
	! has_relay x46 || return 0
	for name in $(list options); do
		[ "${OPTION_RELAY[$name]:-}" != x46 ] || return 0
	done
	return 1
}

# option_set RELAY SET: gives the relay's first session (xt: the sweep's) the relay options of SET.
option_set() {
	local opts
	read -ra opts <<<"${OPTION_SETS[$2]}"
	ip netns exec "p-$1" "$RTPP" update --addr-a "$(addr "$1" 1 1)" --port-a "$XT_PORT" \
		--sess-id-lo 0 "${opts[@]}" >/dev/null
}

# record_listener start|stop: tcpdump on NFLOG group 9 in xt's namespace, on CPU 1 with the
# generator, writing nowhere: the copies are built and queued on CPU 0, as with a recorder.
RECORD_PID=
record_listener() {
	if [ "$1" = start ]; then
		taskset -c 1 ip netns exec p-xt tcpdump -Z root -i nflog:9 -w /dev/null 2>"$W/tcpdump.log" &
		RECORD_PID=$!
		local i
		for ((i = 0; i < 100; i++)); do
			grep -q "listening on" "$W/tcpdump.log" && return 0
			sleep 0.1
		done
		die "tcpdump on nflog:9 did not start: $(cat "$W/tcpdump.log")"
	fi
	kill -TERM "$RECORD_PID" # a background job ignores INT
	wait "$RECORD_PID" || true
	log "record: $(grep -E 'packets (captured|dropped by kernel)' "$W/tcpdump.log" | tr '\n' ' ')"
}

# options ROUNDS SECS SET...: xt_RTPPROXY's cost with each set of relay options on its one
# session (the sweep's; bridge: x46's), at options_rate, in turns, ROUNDS times (phase=options,
# option=SET). The cost per datagram received is what report.py compares: dup sends two for
# each.
options() {
	local rounds=$1 secs=$2 round name relay
	shift 2
	has_relay xt || return 0
	below_capacity xt "${CFG[options_rate]}" || { log "options: xt's capacity is below ${CFG[options_rate]} pps"; return 0; }
	for name in "$@"; do
		[ -n "${OPTION_SETS[$name]+set}" ] || die "options: no set '$name' (${!OPTION_SETS[*]})"
		[ "${OPTION_RELAY[$name]:-xt}" != x46 ] || x46_setup
	done
	for ((round = 1; round <= rounds; round++)); do
		background options "$secs"
		for name in "$@"; do
			relay=${OPTION_RELAY[$name]:-xt}
			option_set xt none
			option_set "$relay" "$name"
			[ "$name" != record ] || record_listener start
			window options "$relay" 1 "${CFG[options_rate]}" "$secs" option="$name" round="$round"
			[ "$name" != record ] || record_listener stop
		done
	done
	option_set xt none
}

# throttle on|off: asks tests/vm/run.sh to halve vCPU 0's share of the host (see throttle()
# there) and waits for its answer; THROTTLED=1 when it is on.
THROTTLED=0
throttle() {
	local state=""
	rm -f "$RESULTS/throttle"
	echo "xtrp: throttle $1" >/dev/console
	for _ in $(seq 1 100); do
		state=$(cat "$RESULTS/throttle" 2>/dev/null) && [ -n "$state" ] && break
		sleep 0.05
	done
	THROTTLED=0
	case $state in
	on*) THROTTLED=1 ;;
	off) ;;
	*) log "throttle $1: ${state:-no answer from the host (not run by tests/vm/run.sh?)}" ;;
	esac
	[ "$1" = off ] || log "throttle: ${state:-none}"
}

# overload SECS: each relay at twice its capacity, then at a quarter of it to see it recover.
# One generator CPU can offer little more than one proxy CPU relays, so vCPU 0 (the proxy's)
# runs at about half speed meanwhile (throttle): bench/report.py takes the capacity that the
# vCPU 0 thread's share of the host in the window gives.
overload() {
	local secs=$1 relay cap
	background overload "$secs"
	throttle on
	for relay in "${RELAYS[@]}"; do
		cap=${CAP[$relay]:-0}
		((cap > 0)) || { fail_soft "overload: no capacity measured for $relay"; continue; }
		window overload "$relay" 1 $((2 * cap)) "$secs" capacity="$cap" throttled="$THROTTLED"
		window recovery "$relay" 1 $((cap / 4)) "$secs" capacity="$cap" throttled="$THROTTLED"
		window recovery2 "$relay" 1 $((cap / 4)) "$secs" capacity="$cap" throttled="$THROTTLED"
	done
	throttle off
	# rtpengine's userspace relay may not come back after an overload: a fresh daemon for what follows.
	if has_relay reu; then
		rtpengine_stop reu
		rtpengine_start reu
		rtpengine_calls reu 1
	fi
}

# warm_up N: a few packets on every stream of N sessions of every relay, not measured. In a
# call each stream sees 50 packets a second, so what a relay does once per stream (xt_RTPPROXY
# routes a stream's first packet and caches the route; rtpengine learns its sources) is not
# what a packet costs. Spread over 100,000 sessions the scale windows alone would not reach
# every stream even once. Below half of each relay's capacity, so nothing is flooded.
warm_up() {
	local n=$1 relay rate secs
	for relay in "${RELAYS[@]}"; do
		((HAVE[$relay] >= n)) || continue
		rate=$(((${CAP[$relay]:-0} / 2) < 20000 ? ${CAP[$relay]:-0} / 2 : 20000))
		((rate > 0)) || continue
		# rtpgen sends RATE packets a second over both directions, round-robin over the sessions.
		secs=$((3 * 2 * n / rate + 1))
		gen "$relay" "$n" --rate "$rate" --seconds "$secs" --proxy-cpu 0 --drain-ms 500 >/dev/null
		log "warm-up: $relay, $n sessions, $((rate * secs)) packets"
	done
}

# scale ROUNDS SECS N...: per-packet cost with traffic spread over N sessions.
scale() {
	local rounds=$1 secs=$2 n round relay rate
	shift 2
	for n in "$@"; do
		fwd_sessions "$n"
		xt_sessions "$n" "(while idle relays run)"
		# rtpengine: 1,000 calls at most. With 10,000 its daemon grows past 600 MB and is
		# killed for memory in this 1 GB VM, and before that its once-a-second reading of the
		# kernel's 20,000 targets holds CPU 0 for tens of seconds (soft lockups).
		if has_relay rek && ((n <= CFG[rek_max])); then rtpengine_calls rek "$n"; fi
		if has_relay reu && ((n <= CFG[reu_max])); then rtpengine_calls reu "$n"; fi
		warm_up "$n"
		for ((round = 1; round <= rounds; round++)); do
			background scale "$secs" "$n"
			for rate in $(list scale_rates); do
				for relay in "${RELAYS[@]}"; do
					((HAVE[$relay] >= n)) || continue
					below_capacity "$relay" "$rate" || continue
					window scale "$relay" "$n" "$rate" "$secs" round="$round"
					[ "$relay" != reu ] || reu_refresh
				done
			done
		done
	done
}

# profile SECS RELAY...: where CPU 0's time goes while each relay runs at the profile rate
# (perf's cpu-clock samples with call graphs; qemu's TCG has no hardware counters).
profile() {
	local secs=$1 relay rate=${CFG[profile_rate]} data pid
	shift
	command -v perf >/dev/null || { log "profile: perf is not installed (linux-perf), skipped"; return 0; }
	for relay in "$@"; do
		has_relay "$relay" || continue
		below_capacity "$relay" "$rate" || { log "profile: $relay skipped at $rate pps"; continue; }
		data=$W/perf-$relay.data
		taskset -c 1 perf record -q -C 0 -e cpu-clock -F 2000 -g -o "$data" -- sleep $((secs + 2)) 2>/dev/null &
		pid=$!
		sleep 1
		window profile "$relay" 1 "$rate" "$secs"
		wait "$pid" || true
		{
			echo "# CPU 0 while $relay relays $rate pps ($(uname -r)); perf cpu-clock samples"
			taskset -c 1 perf report -i "$data" --stdio --no-children --sort sym -g none --percent-limit 0.5 2>/dev/null
			echo "# call chains"
			taskset -c 1 perf report -i "$data" --stdio --no-children --sort sym -g caller,0.5,callee --percent-limit 2 2>/dev/null
		} >"$RESULTS/profile-$relay.txt"
		log "profile: $relay: $RESULTS/profile-$relay.txt; top: $(grep -m 3 -E '^ +[0-9.]+%' "$RESULTS/profile-$relay.txt" | awk '{ printf "%s %s; ", $1, $NF }')"
	done
}

# trace RELAY...: the kernel functions CPU 0 runs for each packet a relay handles (ftrace's
# function_graph from the RPS backlog, a few packets at a low rate). Under emulation the cost
# of a packet follows the code it runs, so these call trees show where the time goes.
trace() {
	local relay t=/sys/kernel/tracing
	[ -d "$t/options" ] || t=/sys/kernel/debug/tracing
	[ -w "$t/current_tracer" ] || { log "trace: no tracefs, skipped"; return 0; }
	for relay in "$@"; do
		has_relay "$relay" || continue
		echo 0 >"$t/tracing_on"
		echo function_graph >"$t/current_tracer"
		echo 1 >"$t/tracing_cpumask"
		echo process_backlog >"$t/set_graph_function"
		echo 1 >"$t/options/funcgraph-abstime" 2>/dev/null || true
		echo 8192 >"$t/buffer_size_kb"
		: >"$t/trace"
		echo 1 >"$t/tracing_on"
		gen "$relay" 1 --rate 50 --packets 20 >/dev/null
		sleep 0.5
		echo 0 >"$t/tracing_on"
		cp "$t/trace" "$RESULTS/trace-$relay.txt"
		echo nop >"$t/current_tracer"
		: >"$t/set_graph_function"
		log "trace: $relay: $(grep -c 'process_backlog() {' "$RESULTS/trace-$relay.txt") backlog runs," \
			"$(grep -cE '\(\);|\{$' "$RESULTS/trace-$relay.txt") function calls in $RESULTS/trace-$relay.txt"
	done
}

# trace_control: the kernel functions behind a session alloc, a delete (genl_rcv_msg) and one
# message of a session dump (netlink_dump), for the control-plane figures.
trace_control() {
	local t=/sys/kernel/tracing what
	[ -d "$t/options" ] || t=/sys/kernel/debug/tracing
	[ -w "$t/current_tracer" ] || return 0
	for what in genl_rcv_msg netlink_dump; do
		echo 0 >"$t/tracing_on"
		echo function_graph >"$t/current_tracer"
		echo 3 >"$t/tracing_cpumask"
		echo "$what" >"$t/set_graph_function"
		echo 8192 >"$t/buffer_size_kb"
		: >"$t/trace"
		echo 1 >"$t/tracing_on"
		if [ "$what" = genl_rcv_msg ]; then
			ip netns exec p-xt "$SESSBENCH" churn --gate-a 10.2.1.1 --gate-b 10.2.2.1 --port-a "$XT_PORT" \
				--port-b "$XT_PORT" --count 5 --batch 1 --client-a 10.2.1.100:4000 \
				--client-b 10.2.2.100:6000 >/dev/null
		else
			ip netns exec p-xt "$SESSBENCH" list --repeat 1 >/dev/null
		fi
		echo 0 >"$t/tracing_on"
		cp "$t/trace" "$RESULTS/trace-control-$what.txt"
		echo nop >"$t/current_tracer"
		: >"$t/set_graph_function"
	done
	echo 1 >"$t/tracing_cpumask"
	log "trace: control plane in $RESULTS/trace-control-*.txt"
}

# Kernel memory the allocators hold (slab, vmalloc, per-CPU), in kB.
kmem_kb() {
	awk '$1 == "Slab:" || $1 == "VmallocUsed:" || $1 == "Percpu:" { s += $2 } END { print s }' /proc/meminfo
}

# Waits for RCU-deferred frees to land (sessions and switchboards are freed after a grace period).
settle() {
	sleep "${CFG[settle]}"
	echo 3 >/proc/sys/vm/drop_caches
}

# control COUNT ONE BATCH: alloc/delete rates, list time and kernel memory per session.
control() {
	local count=$1 one=$2 batch=$3 m0 m1 m2 m3 out
	ip netns exec p-xt "$SESSBENCH" clear >/dev/null
	ip netns exec p-xt iptables -t mangle -F PREROUTING
	HAVE[xt]=0
	settle
	m0=$(kmem_kb)
	xt_setup_rules
	settle
	m1=$(kmem_kb)
	xt_sessions "$count" "(empty switchboards)"
	settle
	m2=$(kmem_kb)
	emit phase=memory sessions="$count" kmem_before_rules_kb="$m0" kmem_rules_kb="$m1" kmem_sessions_kb="$m2"
	log "memory: $count sessions: +$((m2 - m1)) kB ($(((m2 - m1) * 1024 / count)) B/session), switchboards +$((m1 - m0)) kB"

	local times
	# TIMEFORMAT: where the time goes, the tool itself (user) or the kernel (sys).
	# The dump's messages are kept for bench/bench.sh to parse again on the host, natively.
	times=$({ TIMEFORMAT="real=%R user=%U sys=%S"; time ip netns exec p-xt "$SESSBENCH" list --repeat 3 \
		--save "$RESULTS/list-messages.bin" >"$W/list.out"; } 2>&1)
	out=$(cat "$W/list.out")
	emit phase=list sessions="$(kv sessions "$out")" min_secs="$(kv min_secs "$out")" median_secs="$(kv median_secs "$out")" \
		dump_secs="$(kv dump_secs "$out")" parse_secs="$(kv parse_secs "$out")" \
		user_secs="$(kv user "$times")" sys_secs="$(kv sys "$times")" real_secs="$(kv real "$times")"
	log "list (library): $out; 3 lists: $times"
	local start
	start=$(date +%s.%N)
	ip netns exec p-xt "$RTPP" list >/dev/null
	emit phase=list_cli sessions="$count" secs="$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')"
	log "list (iptrtpproxy list): $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }') s"

	ip netns exec p-xt "$SESSBENCH" clear >/dev/null
	HAVE[xt]=0
	settle
	m3=$(kmem_kb)
	emit phase=memory_after_delete kmem_kb="$m3" kmem_sessions_kb="$m2"

	# Alloc + delete, in switchboard 1 (empty now).
	local n b
	for b in 1 "$batch"; do
		n=$one
		((b == 1)) || n=$((count < XT_PER_SB ? count : XT_PER_SB))
		times=$({ TIMEFORMAT="real=%R user=%U sys=%S"; time ip netns exec p-xt "$SESSBENCH" churn \
			--gate-a 10.2.1.1 --gate-b 10.2.2.1 --port-a "$XT_PORT" --port-b "$XT_PORT" --count "$n" \
			--batch "$b" --client-a 10.2.1.100:4000 --client-b 10.2.2.100:6000 >"$W/churn.out"; } 2>&1)
		out=$(cat "$W/churn.out")
		emit phase=churn count="$n" batch="$b" alloc_rate="$(kv alloc_rate "$out")" \
			delete_rate="$(kv delete_rate "$out")" alloc_delete_rate="$(kv alloc_delete_rate "$out")" \
			user_secs="$(kv user "$times")" sys_secs="$(kv sys "$times")" real_secs="$(kv real "$times")"
		log "churn: $out; $times"
	done
	if [ -n "${CFG[trace]}" ]; then
		# A dump of 300 sessions: a few messages, each as full as the kernel makes them.
		xt_sessions 300
		trace_control
		ip netns exec p-xt "$SESSBENCH" clear >/dev/null
	fi
}

# Every relay must relay: at its lowest rate of the sweep, at least half of what it was sent
# (a broken relay relays nothing; a host busy with other work loses a little).
verdict() {
	python3 -S -E - "$RAW" "${CFG[relays]}" <<'EOF'
import json, sys
low = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("kind") == "window" and r["phase"] == "sweep":
        s = low.setdefault(r["relay"], {}).setdefault(r["rate"], [0, 0])
        s[0] += r["sent"]
        s[1] += r["relayed"]
bad = 0
for relay in sys.argv[2].split(","):
    rates = low.get(relay, {})
    rate = min(rates) if rates else None
    sent, got = rates[rate] if rates else (0, 0)
    ok = sent > 0 and got >= 0.5 * sent
    print("bench: %s: %d of %d packets relayed at %s pps%s" % (relay, got, sent, rate, "" if ok else ": FAIL"))
    bad += not ok
sys.exit(1 if bad else 0)
EOF
}

# The control daemons' phase: calls().
# shellcheck source=bench/calls.sh
. "$REPO/bench/calls.sh"

main() {
	if [ ! -x "$RTPGEN" ] || [ ! -x "$SESSBENCH" ] || [ ! -x "$CALLBENCH" ] || [ ! -x "$DAEMON" ]; then
		die "build/bench/ is not built (make userspace)"
	fi
	[ -f "$KMOD" ] || die "$KMOD is not built (make kmod KVER=$(uname -r))"
	command -v rtpengine >/dev/null || die "rtpengine is not installed (make bench-deps)"
	mkdir -p "$RESULTS"
	: >"$RAW"
	pin_system
	log "$MODE benchmark on $(uname -r)"
	local kv_cfg=() key
	for key in "${!CFG[@]}"; do kv_cfg+=("cfg_$key=${CFG[$key]}"); done
	emit phase=env kernel="$(uname -r)" mode="$MODE" \
		rtpengine="$(dpkg-query -W -f '${Version}' rtpengine-daemon 2>/dev/null || echo unknown)" \
		cpus="$(grep -c ^processor /proc/cpuinfo)" date="$(date -u +%FT%TZ)" "${kv_cfg[@]}"
	# The emulation's slowdown for plain code: bench/report.py divides by the host's figure.
	local frame=() sys=() nl=() i out
	for i in 1 2 3; do
		out=$(taskset -c 1 "$RTPGEN" --calibrate 1000000)
		frame+=("$(kv calibrate_ns_per_frame "$out")")
		sys+=("$(kv calibrate_ns_per_syscall "$out")")
		nl+=("$(kv us_per_request "$(taskset -c 1 "$SESSBENCH" calibrate --count 5000)")")
	done
	emit phase=calibrate ns_per_frame="$(printf '%s\n' "${frame[@]}" | sort -g | head -n 1)" \
		ns_per_syscall="$(printf '%s\n' "${sys[@]}" | sort -g | head -n 1)" \
		us_per_netlink_request="$(printf '%s\n' "${nl[@]}" | sort -g | head -n 1)"
	load_modules
	log "modules loaded"
	# The bridge's namespace only when needed: under emulation its process starts cost (make
	# bench-smoke does not measure it).
	! uses_x46 || ALL_RELAYS+=(x46)
	topology
	log "topology up; setting up the relays"
	setup_relays 1

	local started=$SECONDS
	# shellcheck disable=SC2046 # lists are words
	sweep "${CFG[rounds]}" "${CFG[secs]}" $(list rates)
	[ "${CFG[overload]}" = 0 ] || overload "${CFG[overload]}"
	# shellcheck disable=SC2046
	[ -z "${CFG[options]}" ] || options "${CFG[rounds]}" "${CFG[secs]}" $(list options)
	# shellcheck disable=SC2046
	[ -z "${CFG[scale]}" ] || scale "${CFG[rounds]}" "${CFG[secs]}" $(list scale)
	# shellcheck disable=SC2046
	[ -z "${CFG[trace]}" ] || trace $(list trace)
	# shellcheck disable=SC2046
	[ -z "${CFG[profile]}" ] || profile "${CFG[secs]}" $(list profile)
	[ "${CFG[control]}" = 0 ] || control "${CFG[control]}" "${CFG[churn_one]}" "${CFG[churn_batch]}"
	[ "${CFG[calls]}" = 0 ] || calls "${CFG[calls]}"
	log "measured in $((SECONDS - started)) s"
	verdict || FAILURES+=("a relay relayed less than half of what it was sent at its lowest rate")
	if ((${#FAILURES[@]})); then
		printf 'bench: failed: %s\n' "${FAILURES[@]}"
		exit 1
	fi
	log "done"
}

# Sourced (by hand in `tests/vm/run.sh shell`, or by a probe): the functions only.
# main and exit on one line: bash reads a script as it runs it, and the file may be edited
# while a run goes on.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main; exit
fi
