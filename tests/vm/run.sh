#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots Debian's kernel under qemu (TCG) and runs the VM tests or the demo in it.
#
# Usage: tests/vm/run.sh [TEST...]   run the given tests (default: every t_*.sh)
#        tests/vm/run.sh demo        narrated relayed call (tests/vm/demo.sh)
#        tests/vm/run.sh shell       interactive shell in the VM, for debugging
#        tests/vm/run.sh script FILE [ARG...]
#                                    runs a repository script in the VM (the
#                                    benchmark: bench/vm.sh); it writes what it
#                                    measures to $XTRP_RESULTS (results/ of the run)
#
# Environment: KVER (default: the newest kernel in /lib/modules with headers
# and a /boot/vmlinuz, as in the Makefile), VM_TEST_TIMEOUT (seconds
# per test inside the VM, default 480), VM_IDLE_TIMEOUT (seconds without any
# console output before the VM is killed, default VM_TEST_TIMEOUT + 60),
# VM_KERNEL and VM_MODDIR (a kernel image and its module folder, for a
# kernel not installed in /boot: the debug kernel), VERBOSE=1 (echo the
# whole console), VM_RUNDIR (the run folder to use instead of a new one
# under build/vm/runs/), VM_ACCEL (qemu's -accel, default tcg,thread=multi:
# a host thread per vCPU; make vm-test-all uses tcg,thread=single),
# VM_ONE_KERNEL (the kernels, "K1 K2 ...", the tests marked "# vm: one
# kernel" are spread over: each runs on one of them, in turn in the order of
# their names; unset: every kernel runs them).
#
# One boot runs every test in turn (the guest reloads the module and deletes
# all namespaces between tests). If the kernel dies, the test that was running
# is marked failed and the VM boots again for the tests left. The verdict of a
# test comes from its exit status written to the results share, its dmesg and
# the kernel's taint flags: a missing status means the kernel crashed.
# Everything a run leaves (console logs, per-test output and dmesg) is in
# build/vm/runs/<time>/, build/vm/latest points at the last one.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vmdir=$repo/tests/vm
out=$repo/build/vm
# The newest kernel with headers (to build the module) and an image to boot.
default_kver() {
	local v
	# shellcheck disable=SC2012 # kernel versions have no odd characters
	for v in $(ls /lib/modules 2>/dev/null | sort -Vr); do
		if [ -e "/lib/modules/$v/build" ] && [ -e "/boot/vmlinuz-$v" ]; then
			echo "$v"
			return
		fi
	done
}
KVER=${KVER:-$(default_kver)}
# A kernel from elsewhere (tests/vm/debug-kernel.sh prints these for its own).
kernel_image=${VM_KERNEL:-/boot/vmlinuz-$KVER}
kernel_moddir=${VM_MODDIR:-/lib/modules/$KVER}
test_timeout=${VM_TEST_TIMEOUT:-480}
idle_timeout=${VM_IDLE_TIMEOUT:-$((test_timeout + 60))}
verbose=${VERBOSE:-0}

# Kernel log lines that fail a test wherever they show up.
kernel_trouble='BUG:|WARNING:|Oops|Call Trace|general protection fault|Kernel panic|kernel BUG|UBSAN:|KASAN:|refcount_t:|list_(add|del) corruption|rcu_(sched|preempt).*stall|blocked for more than'
# Taint bits that loading our own module sets: O (out of tree), E (unsigned).
allowed_taint=$(((1 << 12) | (1 << 13)))

die() {
	echo "run.sh: $*" >&2
	exit 1
}

# Copies the virtio, 9p and overlay modules with their dependencies (in
# modules.dep order) and busybox into a cpio archive. Rebuilt only when an
# input changes.
build_initramfs() {
	local moddir=$kernel_moddir
	local initrd=$out/initramfs-$KVER.cpio.gz
	local stamp=$out/initramfs-$KVER.stamp
	local busybox=/bin/busybox
	# The initramfs has no libc: only a static busybox runs there.
	if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
		die "$busybox is missing or not static (apt-get install busybox-static)"
	fi
	local inputs
	inputs=$(sha256sum "$vmdir/init.sh" "$busybox" "$moddir/modules.dep" | sha256sum)
	if [ -f "$initrd" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ]; then
		echo "$initrd"
		return
	fi

	local root
	root=$(mktemp -d "$out/initramfs.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,modules}
	cp "$busybox" "$root/bin/busybox"
	cp "$vmdir/init.sh" "$root/init"
	chmod 0755 "$root/init"

	local wanted="kernel/drivers/virtio/virtio_pci kernel/net/9p/9pnet_virtio kernel/fs/9p/9p kernel/fs/overlayfs/overlay"
	local -A seen=()
	local mod line dep deps i
	: >"$root/modules/order"
	for mod in $wanted; do
		# Built in on some kernels (virtio_pci on 6.12): nothing to load.
		grep -qx "$mod.ko" "$moddir/modules.builtin" 2>/dev/null && continue
		line=$(grep -E "^$mod\.ko(\.[a-z]+)?:" "$moddir/modules.dep") ||
			die "$mod is neither a module nor built into $KVER (modules.dep, modules.builtin)"
		read -ra deps <<<"${line#*:}"
		# modules.dep lists the deepest dependency last: load it first.
		for ((i = ${#deps[@]} - 1; i >= -1; i--)); do
			if ((i >= 0)); then dep=${deps[i]}; else dep=${line%%:*}; fi
			[ -z "${seen[$dep]:-}" ] || continue
			seen[$dep]=1
			local name
			name=$(basename "$dep")
			name=${name%%.ko*}.ko
			case $dep in
			*.ko.xz) xz -dc "$moddir/$dep" >"$root/modules/$name" ;;
			*.ko.zst) zstd -qdc "$moddir/$dep" >"$root/modules/$name" ;;
			*.ko.gz) gzip -dc "$moddir/$dep" >"$root/modules/$name" ;;
			*) cp "$moddir/$dep" "$root/modules/$name" ;;
			esac
			echo "$name" >>"$root/modules/order"
		done
	done

	local tmp
	tmp=$(mktemp "$out/initramfs.cpio.XXXXXX")
	(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -1 >"$tmp"
	chmod 0644 "$tmp"
	mv "$tmp" "$initrd"
	echo "$inputs" >"$stamp"
	rm -rf "$root"
	echo "$initrd"
}

# Prints the verdict of one test from the files the guest left (once: later
# calls are quiet), returns 0 if it passed.
judge() {
	local t=$1 why=() rc taint_before taint_after new_taint console
	if [ -f "$results/$t.rc" ]; then
		rc=$(cat "$results/$t.rc")
		[ "$rc" = 0 ] || why+=("exit status $rc")
		if [ -f "$results/$t.dmesg" ] && grep -Eq "$kernel_trouble" "$results/$t.dmesg"; then
			why+=("kernel warning in dmesg")
		fi
		taint_before=$(cat "$results/$t.taint-before" 2>/dev/null || echo 0)
		taint_after=$(cat "$results/$t.taint-after" 2>/dev/null || echo 0)
		new_taint=$(((taint_after & ~taint_before) & ~allowed_taint))
		((new_taint == 0)) || why+=("kernel tainted ($taint_before -> $taint_after)")
		# Only a kernel with kmemleak (the debug kernel) writes anything here.
		if [ -s "$results/$t.kmemleak" ]; then
			why+=("kmemleak: $(grep -c '^unreferenced object' "$results/$t.kmemleak") unreferenced objects")
		fi
	elif [ -f "$results/$t.started" ]; then
		why+=("no exit status: kernel crash or VM timeout")
	else
		why+=("not run")
	fi
	# Oopses that happen while the test runs reach the console even with quiet.
	for console in "$rundir"/console-[0-9]*.log; do
		[ -f "$console" ] || continue
		if awk -v t="$t" '
			/xtrp: start / { cur = substr($0, index($0, "xtrp: start ") + 12) }
			/xtrp: end / { cur = "" }
			cur == t { print }' "$console" | grep -Eq "$kernel_trouble"; then
			why+=("kernel trouble on the console")
			break
		fi
	done
	local quiet=0
	[ ! -f "$results/$t.judged" ] || quiet=1
	touch "$results/$t.judged"

	local secs=""
	[ -f "$results/$t.secs" ] && secs=" ($(cat "$results/$t.secs") s"
	[ -n "$secs" ] && [ -f "$results/$t.cpu" ] && secs+=", $(cat "$results/$t.cpu") s CPU"
	# Under emulation a process start costs a tenth of a second: the count
	# says where a test's CPU went.
	[ -n "$secs" ] && [ -f "$results/$t.processes" ] && secs+=", $(cat "$results/$t.processes") processes"
	[ -n "$secs" ] && secs+=")"
	if ((${#why[@]} == 0)); then
		((quiet)) || echo "PASS $t$secs"
		return 0
	fi
	((quiet)) && return 1
	local IFS=';'
	echo "FAIL $t$secs: ${why[*]}"
	unset IFS
	if [ -s "$results/$t.log" ]; then
		# The assertion that failed comes first: the diagnostics that
		# follow it can be longer than the tail shown below.
		grep -m 3 '^FAIL: ' "$results/$t.log" | sed "s/^/---- $t: /"
		echo "---- $t: last lines of its output ($results/$t.log)"
		tail -n 40 "$results/$t.log" | sed 's/^/  | /'
	fi
	if [ -s "$results/$t.kmemleak" ]; then
		echo "---- $t: kmemleak ($results/$t.kmemleak)"
		head -n 60 "$results/$t.kmemleak" | sed 's/^/  | /'
	fi
	if [ -f "$results/$t.dmesg" ] && grep -Eq "$kernel_trouble" "$results/$t.dmesg"; then
		echo "---- $t: kernel log ($results/$t.dmesg)"
		tail -n 60 "$results/$t.dmesg" | sed 's/^/  | /'
	fi
	console=$(grep -l "xtrp: start $t\$" "$rundir"/console-[0-9]*.log 2>/dev/null | tail -n 1)
	if [ ! -f "$results/$t.rc" ] && [ -n "$console" ]; then
		echo "---- $t: end of the console ($console)"
		tail -n 60 "$console" | sed 's/^/  | /'
	fi
	return 1
}

# A line "xtrp: mark NAME" on the console (a script's measurement mark) appends
# "NAME HOST-TIME-US CPU_0/TCG=NS CPU_1/TCG=NS" to results/vcpu-marks: the host
# CPU time each vCPU thread has run so far. Unlike the guest's own clock, it does
# not count the time the host gives to other processes.
vcpu_mark() {
	local task comm ns _ stats=()
	for task in /proc/"$2"/task/*; do
		read -r comm <"$task/comm" 2>/dev/null || continue
		[[ $comm == "CPU "* ]] || continue
		read -r ns _ <"$task/schedstat" 2>/dev/null || continue
		stats+=("${comm// /_}=$ns")
	done
	echo "$1 ${EPOCHREALTIME/./} ${stats[*]}" >>"$results/vcpu-marks"
}

# The tests use copies of what they test, in the run's folder: a rebuild
# while they run (another shell, a helper's make) would hand the guest
# half-written files through 9p ("Invalid ELF section header overflow", or a
# CLI that crashes). Exported to the guest through the plan (boot).
snapshot_product() {
	local from to var
	mkdir -p "$results/product"
	for var in XTRP_KMOD:kmod/$KVER/xt_RTPPROXY.ko RTPP:iptrtpproxy/iptrtpproxy \
		UDPT:tests/vm/udpt NLFUZZ:tests/fuzz/nlfuzz SESSBENCH:bench/sessbench \
		DAEMON:iptrtpproxyd/iptrtpproxyd CTL:tests/vm/rtppctl SBRULES:tests/vm/sbrules \
		XTRP_EXTDIR:iptables-ext/libxt_RTPPROXY.so; do
		from=$repo/build/${var#*:}
		[ -f "$from" ] || continue
		to=/results/product/$(basename "$from")
		cp "$from" "$results/product/"
		case ${var%%:*} in
		XTRP_EXTDIR) export XTRP_EXTDIR=/results/product ;;
		*) export "${var%%:*}=$to" ;;
		esac
	done
}

# A line "xtrp: throttle on|off" (bench/vm.sh's overload phase) shares the
# host CPU that runs vCPU 0 with a busy loop of the host's, and gives the
# other host CPUs to the rest of qemu: vCPU 0 then runs about half as fast as
# vCPU 1, so a generator on vCPU 1 can offer twice what vCPU 0 can relay.
# How much vCPU 0 really got is in the vCPU marks. The outcome ("on CPU N",
# "off" or "unavailable: why") is written to results/throttle for the guest.
throttle_hog=
throttle() {
	local what=$1 qemu_pid=$2 task comm cpus first rest
	if [ "$what" = off ]; then
		[ -z "$throttle_hog" ] || kill "$throttle_hog" 2>/dev/null || true
		throttle_hog=
		cpus=$(taskset -pc $$ 2>/dev/null | sed 's/.*: //')
		for task in /proc/"$qemu_pid"/task/*; do
			taskset -pc "$cpus" "${task##*/}" >/dev/null 2>&1 || true
		done
		echo off >"$results/throttle"
		return
	fi
	# The host CPUs this script may use, one per line.
	cpus=$(taskset -pc $$ 2>/dev/null | sed 's/.*: //' | tr ',' '\n' |
		awk -F- '{ for (i = $1; i <= ($2 == "" ? $1 : $2); i++) print i }')
	first=$(head -n 1 <<<"$cpus")
	rest=$(tail -n +2 <<<"$cpus" | paste -sd, -)
	if [ -z "$rest" ]; then
		echo "unavailable: one host CPU" >"$results/throttle"
		return
	fi
	for task in /proc/"$qemu_pid"/task/*; do
		read -r comm <"$task/comm" 2>/dev/null || continue
		if [ "$comm" = "CPU 0/TCG" ]; then
			taskset -pc "$first" "${task##*/}" >/dev/null 2>&1
		else
			taskset -pc "$rest" "${task##*/}" >/dev/null 2>&1
		fi || { echo "unavailable: taskset refused" >"$results/throttle"; return; }
	done
	taskset -c "$first" bash -c 'while :; do :; done' &
	throttle_hog=$!
	echo "on CPU $first" >"$results/throttle"
}

# qemu_cpu_ticks PID: user + system time of all of qemu's threads, in ticks.
qemu_cpu_ticks() {
	local stat
	read -r stat <"/proc/$1/stat" 2>/dev/null || { echo 0; return; }
	stat=${stat##*) }	# the fields after "(comm)": field 3 comes first
	local -a f
	read -ra f <<<"$stat"
	echo $((f[11] + f[12]))
}

# Boots once. The guest reads its orders from $results/plan. Streams the
# console into $1 and prints progress; kills the VM when it falls silent.
boot() {
	local console=$1 mode=$2
	shift 2
	{
		echo "XTRP_REPO='$repo'"
		echo "XTRP_MODE='$mode'"
		echo "XTRP_TESTS='$*'"
		echo "XTRP_TEST_TIMEOUT='$test_timeout'"
		echo "XTRP_XTLIBDIR='$(pkg-config --variable=xtlibdir xtables 2>/dev/null || true)'"
		# Sizes for t_fuzz (FUZZ_COUNT, FUZZ_SEED, FUZZ_JOBS) and t_stress
		# (STRESS_SECONDS, STRESS_SESSIONS), exported to the tests.
		local v
		for v in FUZZ_COUNT FUZZ_SEED FUZZ_JOBS STRESS_SECONDS STRESS_SESSIONS; do
			[ -z "${!v:-}" ] || [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number"
			[ -z "${!v:-}" ] || echo "export $v='${!v}'"
		done
		for v in XTRP_KMOD RTPP UDPT NLFUZZ SESSBENCH XTRP_EXTDIR; do
			[ -z "${!v:-}" ] || echo "export $v='${!v}'"
		done
	} >"$results/plan"

	# debug-threads: vCPU threads named "CPU N/TCG", for vcpu_mark.
	# shellcheck disable=SC2054 # commas belong to qemu's option values
	local qemu=(qemu-system-x86_64 -name xtrp,debug-threads=on
		-accel "${VM_ACCEL:-tcg,thread=multi}" -cpu max -smp 2 -m 1024
		-nographic -no-reboot -nodefaults -serial stdio -nic none
		-kernel "$kernel_image" -initrd "$initrd"
		# slab_nomerge: the module's session cache stays its own in
		# /proc/slabinfo, so tests can count its objects. no_timer_check:
		# on a loaded host the boot-time check of the emulated timer IRQ
		# can time out and panic ("IO-APIC + timer doesn't work").
		-append "console=ttyS0 panic=-1 oops=panic quiet mitigations=off slab_nomerge no_timer_check"
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
		-fsdev "local,id=results,path=$results,security_model=none"
		-device virtio-9p-pci,fsdev=results,mount_tag=results)

	if [ "$mode" = shell ]; then
		"${qemu[@]}"
		return
	fi

	local fd qemu_pid line demo_shown=0 test_cpu_start=0 t
	exec {fd}< <(exec "${qemu[@]}" </dev/null 2>&1)
	qemu_pid=$!
	running_qemu=$qemu_pid
	: >"$console"
	while true; do
		if IFS= read -r -t "$idle_timeout" -u "$fd" line; then
			:
		else
			(($? > 128)) || break # EOF: qemu exited
			echo "run.sh: no console output for $idle_timeout s, killing the VM" | tee -a "$console"
			kill "$qemu_pid" 2>/dev/null || true
			break
		fi
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$console"
		if [[ $line == *"xtrp: mark "* ]]; then
			vcpu_mark "${line##*xtrp: mark }" "$qemu_pid"
		elif [[ $line == *"xtrp: throttle "* ]]; then
			throttle "${line##*xtrp: throttle }" "$qemu_pid"
		elif [[ $line == "xtrp: start "* ]]; then
			[ "$verbose" != 1 ] || printf '%s\n' "$line"
			test_cpu_start=$(qemu_cpu_ticks "$qemu_pid")
		elif [[ $line == "xtrp: end "* ]]; then
			t=$(awk '{print $3}' <<<"$line")
			# Host CPU time of the whole VM during the test: what the
			# test costs CI, whatever else the host runs.
			echo $((($(qemu_cpu_ticks "$qemu_pid") - test_cpu_start) / $(getconf CLK_TCK))) \
				>"$results/$t.cpu"
			[ "$verbose" != 1 ] || printf '%s\n' "$line"
			judge "$t" || true
		elif [ "$verbose" = 1 ]; then
			printf '%s\n' "$line"
		elif [ "$mode" = demo ] || [ "$mode" = script ]; then
			# The script's own output, without firmware noise before it.
			case $line in
			*"xtrp: $mode start") demo_shown=1 ;;
			*"xtrp: $mode end"*) demo_shown=0 ;;
			*) ((demo_shown)) && printf '%s\n' "$line" ;;
			esac
		elif [[ $line == xtrp-init:* || $line == xtrp-guest:* ]]; then
			printf '%s\n' "$line"
		fi
	done
	exec {fd}<&-
	wait "$qemu_pid" 2>/dev/null || true
	running_qemu=
	[ -z "$throttle_hog" ] || kill "$throttle_hog" 2>/dev/null || true
	throttle_hog=
}

# A run interrupted on the host takes its VM with it.
running_qemu=
trap '[ -z "$running_qemu" ] || kill "$running_qemu" 2>/dev/null
      [ -z "$throttle_hog" ] || kill "$throttle_hog" 2>/dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

main() {
	[ -r "$kernel_image" ] ||
		die "no $kernel_image: install linux-image-$KVER (or set KVER)"
	mkdir -p "$out"
	initrd=$(build_initramfs)
	# Each run gets its own folder: runs may overlap (several checkouts
	# share nothing, but two shells in one checkout would, and make
	# vm-test-all runs three). Keep the newest 12: enough that no running
	# run loses its folder to another one starting.
	mkdir -p "$out/runs"
	if [ -n "${VM_RUNDIR:-}" ]; then
		rundir=$VM_RUNDIR
		mkdir -p "$rundir"
	else
		rundir=$(mktemp -d "$out/runs/$(date +%Y%m%d-%H%M%S).XXXX")
		ln -sfn "$rundir" "$out/latest"
		find "$out/runs" -mindepth 1 -maxdepth 1 | sort | head -n -12 | xargs -r rm -rf
	fi
	results=$rundir/results
	mkdir -p "$results"

	local mode=tests tests=() t
	case ${1:-} in
	demo | shell | script)
		mode=$1
		shift
		if [ "$mode" = script ]; then
			[ -f "$repo/${1:-}" ] || die "script mode: no such file in the repository: ${1:-}"
		fi
		boot "$rundir/console-$mode.log" "$mode" "$@"
		[ "$mode" != shell ] || return 0
		local rc
		rc=$(cat "$results/$mode.rc" 2>/dev/null || echo crash)
		if [ "$rc" != 0 ] || grep -Eq "$kernel_trouble" "$rundir/console-$mode.log"; then
			echo "run.sh: the $mode failed (status $rc); console log: $rundir/console-$mode.log" >&2
			return 1
		fi
		return 0
		;;
	esac

	if (($# == 0)); then
		local one_kernels=() one=0
		read -ra one_kernels <<<"${VM_ONE_KERNEL:-}"
		for t in "$vmdir"/t_*.sh; do
			# A test marked "# vm: one kernel" (the daemon's, with Kamailio and
			# SIPp, t_output and t_iptables_variants: their code is userspace, the
			# kernel paths they use are tested everywhere) runs on one kernel of
			# VM_ONE_KERNEL, when that is set (make vm-test-all): the next one in
			# turn, so that no kernel's VM is left running them alone at the end.
			if ((${#one_kernels[@]})) && grep -qx '# vm: one kernel' "$t"; then
				local pick=${one_kernels[one % ${#one_kernels[@]}]}
				one=$((one + 1))
				[ "$pick" = "$KVER" ] || continue
			fi
			# A test marked "# vm: not rt" (control commands, bad input, the
			# topology: nothing PREEMPT_RT runs differently; traffic, timers, races
			# and teardown run on the RT kernel too) is left out on RT kernels, also
			# only when VM_ONE_KERNEL is set. make vm-test KVER=... runs everything.
			if [ -n "${VM_ONE_KERNEL:-}" ] && [[ $KVER == *-rt-* ]] &&
				grep -qx '# vm: not rt' "$t"; then
				continue
			fi
			tests+=("$(basename "$t" .sh)")
		done
	else
		for t in "$@"; do
			t=$(basename "$t" .sh)
			[ -f "$vmdir/$t.sh" ] || die "no such test: $vmdir/$t.sh"
			tests+=("$t")
		done
	fi
	[ -f "$repo/build/kmod/$KVER/xt_RTPPROXY.ko" ] ||
		echo "run.sh: warning: build/kmod/$KVER/xt_RTPPROXY.ko is not built (make kmod KVER=$KVER)" >&2
	[ -x "$repo/build/iptrtpproxy/iptrtpproxy" ] ||
		echo "run.sh: warning: build/iptrtpproxy/iptrtpproxy is not built (make userspace)" >&2
	snapshot_product

	echo "VM tests on $KVER: ${tests[*]}"
	local pending=("${tests[@]}") boots=0 left started
	while ((${#pending[@]})); do
		boots=$((boots + 1))
		local console=$rundir/console-$boots.log
		boot "$console" tests "${pending[@]}"
		left=() started=0
		for t in "${pending[@]}"; do
			if [ -f "$results/$t.rc" ]; then
				started=1
			elif [ -f "$results/$t.started" ]; then
				# Died with the kernel: judged now, not run again.
				started=1
				judge "$t" || true
			else
				left+=("$t")
			fi
		done
		if ((started == 0)) && ((boots < 3)) && grep -qE "$kernel_trouble" "$console"; then
			# Seen on 6.12 under multi-threaded TCG, rarely: an int3 Oops while
			# the secondary CPU boots, before any test or our module ran
			# (qemu racing the kernel's boot-time code patching). Not ours.
			echo "run.sh: the kernel died while booting, before any test ran; booting again (console: $console)" >&2
			continue
		fi
		if ((started == 0)); then
			echo "run.sh: the VM ran no test; console log $console:" >&2
			tail -n 40 "$console" >&2
			break
		fi
		((${#left[@]} == 0)) || echo "run.sh: booting again for: ${left[*]}"
		pending=("${left[@]}")
	done

	local passed=0 failed=0 failed_names=()
	for t in "${tests[@]}"; do
		if judge "$t"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			failed_names+=("$t")
		fi
	done
	local cpu=0
	for t in "${tests[@]}"; do
		[ ! -f "$results/$t.cpu" ] || cpu=$((cpu + $(cat "$results/$t.cpu")))
	done
	echo "host CPU time of the tests: $cpu s"
	((failed == 0)) || echo "failed: ${failed_names[*]}"
	echo "$passed passed, $failed failed"
	((failed == 0))
}

# One line: bash reads a script as it runs it, and this file may be edited
# while a run goes on; after main nothing more is read.
main "$@"; exit
