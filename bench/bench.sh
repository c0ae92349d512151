#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the benchmark: one VM boot running bench/vm.sh, then the report (JSON + markdown).
#
# Usage: bench/bench.sh smoke|full [KEY=VALUE...]   (settings: see bench/vm.sh)
#
# Environment: KVER (the kernel to boot; default: the newest non-RT kernel with headers and a
# /boot/vmlinuz), BENCH_OUT (default build/bench). Leaves BENCH_OUT/MODE.json and MODE.md
# (smoke or full), and the VM run folder BENCH_OUT/run-MODE-TIME/ with the raw records and
# the console. Exit status: the VM run's (non-zero when a relay relayed almost nothing or
# rtpengine's kernel module did not relay in the kernel).

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:-}
case $mode in
smoke | full) ;;
*)
	echo "usage: bench/bench.sh smoke|full [KEY=VALUE...]" >&2
	exit 2
	;;
esac
shift

# RT kernels thread their interrupts and softirqs: not what a media relay runs on.
default_kver() {
	local v
	# shellcheck disable=SC2012 # kernel versions have no odd characters
	for v in $(ls /lib/modules 2>/dev/null | sort -Vr); do
		case $v in *-rt-*) continue ;; esac
		if [ -e "/lib/modules/$v/build" ] && [ -e "/boot/vmlinuz-$v" ]; then
			echo "$v"
			return
		fi
	done
}
KVER=${KVER:-$(default_kver)}
out=${BENCH_OUT:-$repo/build/bench}
die() {
	echo "bench.sh: $*" >&2
	exit 1
}
[ -n "$KVER" ] || die "no kernel with headers and /boot/vmlinuz"
[ -f "$repo/build/kmod/$KVER/xt_RTPPROXY.ko" ] ||
	die "build/kmod/$KVER/xt_RTPPROXY.ko is not built (make kmod KVER=$KVER)"
if [ ! -x "$repo/build/bench/rtpgen" ] || [ ! -x "$repo/build/bench/sessbench" ] ||
	[ ! -x "$repo/build/bench/callbench" ] || [ ! -x "$repo/build/iptrtpproxyd/iptrtpproxyd" ]; then
	die "build/bench/ is not built (make userspace)"
fi
if ! command -v rtpengine >/dev/null ||
	! find "/lib/modules/$KVER/updates" -name 'xt_RTPENGINE.ko*' 2>/dev/null | grep -q .; then
	die "rtpengine or its kernel module for $KVER is missing (sudo make bench-deps)"
fi

# What else ran on the host: figures are only as quiet as the machine was.
host_state() {
	local qemus
	qemus=$(pgrep -c -f '^qemu-system' || true)
	echo "load $(cut -d' ' -f1-3 /proc/loadavg), other qemu processes: $((qemus))"
}

# Plain integer code on the host, to compare with the same code in the VM (bench/report.py).
host_calibrate() {
	local out frame=() sys=()
	for _ in 1 2 3 4 5; do
		out=$("$repo/build/bench/rtpgen" --calibrate 1000000)
		out=${out#calibrate_ns_per_frame=}
		frame+=("${out%% *}")
		sys+=("${out##*calibrate_ns_per_syscall=}")
	done
	local nl=()
	for _ in 1 2 3 4 5; do
		out=$("$repo/build/bench/sessbench" calibrate --count 5000)
		nl+=("${out##*us_per_request=}")
	done
	echo "$(printf '%s\n' "${frame[@]}" | sort -g | head -n 1) $(printf '%s\n' "${sys[@]}" | sort -g | head -n 1)" \
		"$(printf '%s\n' "${nl[@]}" | sort -g | head -n 1)"
}

mkdir -p "$out"
# Keep the last five runs of each mode.
find "$out" -mindepth 1 -maxdepth 1 -name "run-$mode-2*" | sort | head -n -4 | xargs -r rm -rf
rundir=$out/run-$mode-$(date +%Y%m%d-%H%M%S)
# The binaries under test, copied: a rebuild on the host during the run changes nothing.
bin=$rundir/bin
mkdir -p "$bin"
cp "$repo/build/bench/rtpgen" "$repo/build/bench/sessbench" "$repo/build/bench/callbench" \
	"$repo/build/iptrtpproxy/iptrtpproxy" "$repo/build/iptrtpproxyd/iptrtpproxyd" \
	"$repo/build/iptables-ext/libxt_RTPPROXY.so" "$repo/build/kmod/$KVER/xt_RTPPROXY.ko" "$bin/"
read -r calibrate_frame calibrate_syscall calibrate_netlink <<<"$(host_calibrate)"
before=$(host_state)
start=$SECONDS
echo "bench: $mode on $KVER; host: $before"
rc=0
VM_RUNDIR=$rundir KVER=$KVER VM_IDLE_TIMEOUT=${VM_IDLE_TIMEOUT:-900} \
	"$repo/tests/vm/run.sh" script bench/vm.sh "$mode" bin="$bin" "$@" || rc=$?
after=$(host_state)
secs=$((SECONDS - start))
echo "bench: the VM ran $secs s; host after: $after"

raw=$rundir/results/bench-raw.jsonl
# The library's share of listing the sessions, natively: parse the VM's dump again here.
native_parse=()
if [ -s "$rundir/results/list-messages.bin" ]; then
	parsed=$("$bin/sessbench" parse --file "$rundir/results/list-messages.bin")
	native_parse=(--native-parse "$(sed -n 's/.*parse_secs=\([0-9.]*\).*/\1/p' <<<"$parsed")")
	rm -f "$rundir/results/list-messages.bin"
fi
if [ -s "$raw" ]; then
	python3 "$repo/bench/report.py" "$raw" "$out/$mode" "${native_parse[@]}" \
		--host-calibrate "$calibrate_frame" "$calibrate_syscall" "$calibrate_netlink" \
		--host-note "before: $before; after: $after; VM run $secs s" >/dev/null
	ln -sfn "$(basename "$rundir")" "$out/run-$mode-latest"
	echo "bench: report in $out/$mode.md and $out/$mode.json"
	cat "$out/$mode.md"
else
	echo "bench: no measurements in $raw" >&2
	((rc)) || rc=1
fi
exit "$rc"
