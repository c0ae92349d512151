# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The control daemons' phase of the benchmark, sourced by bench/vm.sh: calls set up and torn
# down per second through iptrtpproxyd and through rtpengine's daemon, over rtpproxy's
# protocol (U, L, D, in the form of Kamailio's rtpproxy module) and over ng (offer, answer,
# delete), and each daemon's memory per call held.
#
# Both daemons run in namespace p-calls, one after the other, pinned to CPU 0 like the relays;
# bench/callbench drives them from CPU 1 with CALLS_WINDOW calls in flight (a SIP proxy's
# workers each waiting for their answer). The media address 10.9.0.1 is on a dummy device:
# no media flows, what is measured is the control plane: for iptrtpproxyd a kernel session
# per call through netlink, for rtpengine (userspace, --table=-1: its kernel module would
# only be handed streams once media flowed) its sockets and call state.
#
# Records: phase=calls relay=xtd|re protocol=rtpproxy|ng calls secs calls_per_sec retransmits
# errors; phase=calls_memory relay protocol calls rss_before_kb rss_held_kb.

CALLS_ADDR=10.9.0.1
CALLS_UDP=127.0.0.1:7722
CALLS_NG=127.0.0.1:7723

calls_topology() {
	ip netns add p-calls
	ip -n p-calls link set lo up
	ip -n p-calls link add d0 type dummy
	ip -n p-calls addr add "$CALLS_ADDR/24" dev d0
	ip -n p-calls link set d0 up
}

# calls_start xtd|re: the daemon in p-calls on CPU 0, answering on both protocols.
calls_start() {
	local relay=$1
	case $relay in
	xtd)
		ip netns exec p-calls taskset -c 0 "$DAEMON" -f -l "$CALLS_ADDR" -s "udp:$CALLS_UDP" \
			--ng "udp:$CALLS_NG" -m 20000 -M 59999 --idle-timeout 3600 \
			>>"$W/calls-xtd.log" 2>&1 &
		;;
	re)
		ip netns exec p-calls taskset -c 0 rtpengine --config-file=none --table=-1 \
			--interface="$CALLS_ADDR" --listen-udp="$CALLS_UDP" --listen-ng="$CALLS_NG" \
			--foreground --log-stderr --log-level=4 --port-min=20000 --port-max=59999 \
			--timeout=3600 --delete-delay=0 >>"$W/calls-re.log" 2>&1 &
		;;
	esac
	CALLS_PID=$!
	ip netns exec p-calls "${NG[@]}" ping --ng "$CALLS_NG" --wait 60 >/dev/null ||
		die "$relay does not answer ng pings; its log: $(tail -n 20 "$W/calls-$relay.log")"
}

calls_stop() {
	kill "$CALLS_PID" 2>/dev/null || true
	wait "$CALLS_PID" 2>/dev/null || true
}

rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

# callbench PROTOCOL ARGS...: bench/callbench on CPU 1 against the daemon in p-calls.
callbench() {
	local to=$CALLS_UDP
	[ "$1" = rtpproxy ] || to=$CALLS_NG
	ip netns exec p-calls taskset -c 1 "$CALLBENCH" "$1" --to "$to" --window "${CFG[calls_window]}" "${@:2}"
}

# calls COUNT: for each daemon and protocol, COUNT calls set up and torn down, then COUNT
# held while the daemon's resident memory is read.
calls() {
	local count=$1 relay proto out before held
	calls_topology
	for relay in xtd re; do
		calls_start "$relay"
		for proto in rtpproxy ng; do
			# A few calls first: the daemon's first allocations are not the calls'.
			callbench "$proto" --calls 20 --prefix "warm-$proto" >/dev/null ||
				FAILURES+=("$relay: calls over $proto failed")
			out=$(callbench "$proto" --calls "$count" --prefix "cycle-$proto") ||
				FAILURES+=("$relay: calls over $proto failed: $out")
			emit phase=calls relay="$relay" protocol="$proto" window="${CFG[calls_window]}" \
				calls="$(kv calls "$out")" secs="$(kv secs "$out")" \
				calls_per_sec="$(kv calls_per_sec "$out")" retransmits="$(kv retransmits "$out")" \
				errors="$(kv errors "$out")"
			log "calls: $relay over $proto: $out"
			before=$(rss_kb "$CALLS_PID")
			out=$(callbench "$proto" --calls "$count" --phase setup --prefix "held-$proto") ||
				FAILURES+=("$relay: held calls over $proto failed: $out")
			held=$(rss_kb "$CALLS_PID")
			callbench "$proto" --calls "$count" --phase teardown --prefix "held-$proto" >/dev/null ||
				FAILURES+=("$relay: tearing down the held calls over $proto failed")
			emit phase=calls_memory relay="$relay" protocol="$proto" calls="$count" \
				rss_before_kb="$before" rss_held_kb="$held"
			log "calls: $relay over $proto: $count calls held: resident memory $before -> $held kB"
		done
		calls_stop
	done
	ip netns delete p-calls
}
