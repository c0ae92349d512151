#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test VM: runs the tests named in the plan, records their verdicts, powers off.
#
# For each test it leaves in /results: TEST.started before it runs, then
# TEST.log (output), TEST.dmesg (kernel log during the test), TEST.taint-before
# and TEST.taint-after (/proc/sys/kernel/tainted), TEST.secs, TEST.processes
# (processes and threads it created), and TEST.rc (exit status) last. run.sh
# treats "started but no .rc" as a kernel crash.
# Console lines "xtrp: start TEST" / "xtrp: end TEST rc=N" let run.sh follow.

results=/results
# shellcheck source=/dev/null
. "$results/plan"
repo=$XTRP_REPO

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
export XTRP_REPO
# Our iptables extension first, the distribution's for everything else.
export XTABLES_LIBDIR=${XTRP_EXTDIR:-$repo/build/iptables-ext}:${XTRP_XTLIBDIR:-/usr/lib/x86_64-linux-gnu/xtables}

say() {
	echo "xtrp-guest: $*"
}

power_off() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 30
}

# A fresh tmpfs on DIR, unless the repository lives under it (a clone in
# /tmp): the overlay root is writable anyway, only not empty.
fresh_tmpfs() {
	case $repo/ in
	"$1"/*) return 0 ;;
	esac
	mount -t tmpfs -o "mode=$2" tmpfs "$1"
}

# The root is the host's, under a writable overlay: give the guest empty,
# private copies of the places tools write to.
setup_system() {
	fresh_tmpfs /tmp 1777
	fresh_tmpfs /run 0755
	fresh_tmpfs /var/tmp 1777
	mkdir -p /run/netns /run/lock /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	ln -sf /proc/self/fd /dev/fd
	hostname xtrp-vm
	ip link set lo up
}

# Puts the kernel back the way the next test expects: no namespaces, no
# rules in the initial namespace, our module unloaded. A module that refuses
# to unload after everything using it is gone leaks a reference: report it.
reset_state() {
	local ns
	# Everything but PID 1 (us) belongs to the test that just ended.
	kill -9 -1 2>/dev/null
	sleep 0.2
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns delete "$ns"
	done
	iptables-legacy-save 2>/dev/null | grep -q . && {
		for t in mangle filter nat raw; do
			iptables-legacy -t $t -F 2>/dev/null
			iptables-legacy -t $t -X 2>/dev/null
			ip6tables-legacy -t $t -F 2>/dev/null
			ip6tables-legacy -t $t -X 2>/dev/null
		done
	}
	nft flush ruleset 2>/dev/null

	grep -q '^xt_RTPPROXY ' /proc/modules || return 0
	# Namespaces are torn down by a workqueue: give it time to drop them.
	for _ in $(seq 1 30); do
		rmmod xt_RTPPROXY 2>/dev/null && return 0
		sleep 1
	done
	echo "guest.sh: xt_RTPPROXY does not unload after the test: $(grep '^xt_RTPPROXY ' /proc/modules)"
	return 1
}

# kmemleak clear|scan: on a kernel with kmemleak (the debug kernel), forget
# what was reported so far, or report what leaked since (after the module
# went: whatever it allocated and lost is unreferenced by then). Scanned
# twice: an object is reported once two scans found it unreferenced.
kmemleak() {
	local ctl=/sys/kernel/debug/kmemleak
	[ -e "$ctl" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
	[ -w "$ctl" ] || return 0
	case $1 in
	clear) echo clear >"$ctl" ;;
	scan)
		sleep 6	# kmemleak leaves objects younger than 5 s alone
		echo scan >"$ctl"
		echo scan >"$ctl"
		cat "$ctl"
		;;
	esac
}

# Processes (and threads) created since boot.
processes_started() {
	local key value
	while read -r key value; do
		[ "$key" != processes ] || { echo "$value"; return; }
	done </proc/stat
}

run_test() {
	local t=$1 rc start forks
	local script=$repo/tests/vm/$t.sh
	echo "xtrp: start $t"
	cat /proc/sys/kernel/tainted >"$results/$t.taint-before"
	kmemleak clear
	dmesg -C
	: >"$results/$t.started"
	start=$(date +%s)
	forks=$(processes_started)
	(
		cd "$repo" &&
			exec timeout -k 10 "$XTRP_TEST_TIMEOUT" bash "$script"
	) >"$results/$t.log" 2>&1 </dev/null
	rc=$?
	((rc != 124)) || echo "guest.sh: $t timed out after $XTRP_TEST_TIMEOUT s" >>"$results/$t.log"
	if ! reset_state >>"$results/$t.log" 2>&1; then
		((rc != 0)) || rc=99
	fi
	kmemleak scan >"$results/$t.kmemleak"
	echo $(($(date +%s) - start)) >"$results/$t.secs"
	echo $(($(processes_started) - forks)) >"$results/$t.processes"
	dmesg >"$results/$t.dmesg"
	cat /proc/sys/kernel/tainted >"$results/$t.taint-after"
	echo "$rc" >"$results/$t.rc.tmp"
	mv "$results/$t.rc.tmp" "$results/$t.rc"
	echo "xtrp: end $t rc=$rc"
}

main() {
	# The firmware leaves the console mid-line: start ours on a fresh one.
	echo
	setup_system
	case $XTRP_MODE in
	tests)
		local t
		# The console is only a log here: let it show everything that
		# could explain a crash (warnings are also caught in TEST.dmesg).
		dmesg -n 7
		for t in $XTRP_TESTS; do
			run_test "$t"
		done
		;;
	demo)
		local rc
		echo "xtrp: demo start"
		(cd "$repo" && exec bash tests/vm/demo.sh) 2>&1 | tee "$results/demo.log"
		rc=${PIPESTATUS[0]}
		echo "$rc" >"$results/demo.rc"
		echo "xtrp: demo end rc=$rc"
		;;
	script)
		local rc
		# XTRP_TESTS holds the script (relative to the repository) and its arguments.
		echo "xtrp: script start"
		# shellcheck disable=SC2086 # word splitting is the point
		(cd "$repo" && XTRP_RESULTS=$results exec bash $XTRP_TESTS) 2>&1 | tee "$results/script.log"
		rc=${PIPESTATUS[0]}
		echo "$rc" >"$results/script.rc"
		echo "xtrp: script end rc=$rc"
		;;
	shell)
		say "debug shell; the repository is $repo; exit to power off"
		(cd "$repo" && exec setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1)
		;;
	*)
		say "unknown mode '$XTRP_MODE'"
		;;
	esac
	power_off
}

main
# PID 1 must never exit: the kernel would panic.
power_off
