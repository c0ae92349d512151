#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A plain user's own user and network namespace: what it makes the module allocate is charged and capped.
#
# The user (nobody) runs `unshare -Urn` and is root there: it may define
# switchboards and allocate sessions in its namespace, as designed. What
# that costs the kernel must be charged to its memory cgroup (slot arrays
# are vmalloc'd, sessions come from a slab cache, counters are per CPU), a
# full cgroup must refuse the next request with ENOMEM (no OOM kill, no
# kernel log), and the host's caps on switchboards and sessions per such
# namespace (module parameters netns_max_switchboards, netns_max_sessions)
# must hold, with messages that name them.
. "$(dirname "$0")/lib.sh"

setup_all
# nft_compat and the extension, loaded by root for the user's iptables-nft.
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 8
if ! as_nobody unshare -Urn true 2>/dev/null; then
	fail "unprivileged user namespaces are disabled in this kernel: the test cannot run"
fi
chmod 0755 "$TMP"
cp "$RTPP" "$TMP/iptrtpproxy"
cp "$SESSBENCH" "$TMP/sessbench"
# What the user writes: its progress, its batches, their output.
work=$TMP/user
mkdir -m 0777 "$work"
params=/sys/module/xt_RTPPROXY/parameters

cg=/sys/fs/cgroup
mountpoint -q "$cg" || mount -t cgroup2 cgroup2 "$cg"
grep -qw memory "$cg/cgroup.controllers" || fail "no memory controller in this kernel"
echo +memory >"$cg/cgroup.subtree_control"
user_cg=$cg/xtrp-user
mkdir -p "$user_cg"
cleanup_cg() {
	[ -d "$user_cg" ] || return 0
	# Whatever is left in it (the test failed midway) goes to the root.
	while read -r pid; do echo "$pid" >"$cg/cgroup.procs" 2>/dev/null || true; done <"$user_cg/cgroup.procs"
	rmdir "$user_cg" 2>/dev/null || true
}
trap 'cleanup_cg; cleanup' EXIT

# The script the user runs in its namespaces: "phase N" lines go to
# $work/progress, and it waits for the test's "go" on $work/go between phases.
cat >"$TMP/user.sh" <<'EOF'
set -u
tmp=$1 cg=$2 rtpp=$3 sessbench=$4
shift 4
stat() { awk -v k="$1" '$1 == k { print $2 }' "$cg/memory.stat"; }
say() { echo "$*" >>"$tmp/progress"; }
# Opened once: a pipe made later would be memory the full cgroup lacks.
exec 4<>"$tmp/go"
pause() { say "$1"; read -r _ <&4; }
ip link set lo up
# Each switchboard has 32767 sessions of slots: 256 KiB of pointers.
switchboard() {
	iptables-nft -t mangle -A PREROUTING -p udp -j RTPPROXY --addr-a "10.9.0.$1" --port-a 2 \
		--addr-b "10.9.1.$1" --port-b 2 --max-sess 32767 --expires-timeout 3600
}
case $1 in
charge)
	kernel0=$(stat kernel)
	for i in 1 2 3 4; do switchboard "$i" || exit 1; done
	# Large slot arrays are kmalloc'd when pages are at hand, else vmalloc'd.
	say "kernel-delta $(($(stat kernel) - kernel0))"
	for _ in $(seq 1000); do echo "alloc --addr-a 10.9.0.1 --port-a 2 --rtp-learning-timeout-a 600000"; done >"$tmp/allocs"
	slab0=$(stat slab)
	"$rtpp" -b "$tmp/allocs" >/dev/null || exit 1
	say "slab-delta $(($(stat slab) - slab0))"
	# What fills the cgroup starts now, while there is room, and waits for
	# a line: once the test lowered memory.max, nothing the user runs needs
	# memory but the sessions (bulk requests of 128; its output overwrites
	# a page the test wrote).
	mkfifo "$tmp/lines"
	"$sessbench" fill --gate-a 10.9.0.2 --port-a 2 --gate-b 10.9.1.2 --port-b 2 \
		--client-a 10.9.3.1:4000 --client-b 10.9.3.1:6000 --wait 1 \
		<"$tmp/lines" 1<>"$tmp/full.out" 2>&1 &
	batch=$!
	exec 3>"$tmp/lines"
	say "filler $batch"
	pause charged
	echo go >&3
	exec 3>&-
	rc=0
	wait "$batch" || rc=$?
	read -r _ <&4
	say "full rc=$rc"
	say "counters $("$rtpp" info | grep -E '^sessions(-created|-deleted)?=' | tr '\n' ' ')"
	# The test gave the memory back: freeing and allocating work again.
	"$rtpp" delete --addr-a 10.9.0.2 --port-a 2 >/dev/null || exit 1
	"$rtpp" alloc --addr-a 10.9.0.2 --port-a 2 --rtp-learning-timeout-a 1000 >/dev/null || exit 1
	say "recovered"
	;;
caps)
	for i in 1 2 3; do
		rc=0
		switchboard "$i" 2>"$tmp/sb.err" || rc=$?
		say "switchboard $i rc=$rc"
	done
	for i in 1 2 3 4 5 6; do
		rc=0
		"$rtpp" alloc --addr-a 10.9.0.1 --port-a 2 --rtp-learning-timeout-a 600000 \
			>/dev/null 2>"$tmp/alloc.err" || rc=$?
		say "alloc $i rc=$rc"
	done
	;;
esac
say done
EOF

# as_user CGROUP PHASE: runs the user's script in a new user and network
# namespace of its own, as nobody, inside CGROUP, in the background.
as_user() {
	rm -f "$work"/*
	install -m 0666 /dev/null "$work/progress"
	# A page the filler's output overwrites (1<>): writing it needs no memory.
	printf '%4096s' '' >"$work/full.out"
	chmod 0666 "$work/full.out"
	mkfifo -m 0666 "$work/go"
	# The filler locks what it mapped (sessbench fill): reclaim in the full
	# cgroup must not take the pages its error path runs from.
	sh -c 'echo $$ >"$1/cgroup.procs" && ulimit -l unlimited && shift && exec "$@"' sh "$1" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		unshare -Urn bash "$TMP/user.sh" "$work" "$1" "$TMP/iptrtpproxy" "$TMP/sessbench" "$2" \
		>"$TMP/user.out" 2>&1 &
	user_pid=$!
}
progressed() { grep -qx "$1" "$work/progress"; }
# user_reached PHASE SECONDS: waits until the user's script says PHASE;
# fails with what it printed if it ends first or takes longer.
user_reached() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		progressed "$1" && return 0
		kill -0 "$user_pid" 2>/dev/null || break
		nap 0.5
	done
	progressed "$1" && return 0
	cat "$TMP/user.out" "$work/progress" >&2
	fail "the user's script did not reach '$1'"
}
reported() { awk -v k="$1" '$1 == k { print $2 }' "$work/progress"; }
user_wait() {
	local rc=0
	wait "$user_pid" || rc=$?
	cat "$TMP/user.out"
	cat "$work/progress"
	[ "$rc" = 0 ] || fail "the user's script exited with $rc"
}

step "a plain user's switchboards and sessions are charged to its memory cgroup"
grep -qw kernel "$cg/memory.stat" || fail "memory.stat has no kernel line"
as_user "$user_cg" charge
user_reached charged 240
delta=$(reported kernel-delta)
echo "kernel memory charged for 4 switchboards of 32767 sessions: $delta bytes"
((delta >= 4 * 262144)) || fail "4 switchboards charged only $delta bytes of kernel memory"
delta=$(reported slab-delta)
echo "slab charged for 1000 sessions: $delta bytes"
((delta >= 1000 * 256)) || fail "1000 sessions charged only $delta bytes of slab"

step "its cgroup full: the next allocation fails with ENOMEM, nothing is killed, the kernel says nothing"
# The memory cgroup alone limits it here.
echo 0 >"$params/netns_max_sessions"
echo $(($(cat "$user_cg/memory.current") + 4 * 1024 * 1024)) >"$user_cg/memory.max"
cat "$user_cg/memory.max"
dmesg_lines=$(dmesg | wc -l)
echo go >"$work/go"
filler=$(awk '$1 == "filler" { print $2 }' "$work/progress")
for ((i = 0; i < 600; i++)); do
	kill -0 "$filler" 2>/dev/null || break
	nap 0.5
done
kill -0 "$filler" 2>/dev/null && fail "the cgroup did not fill in 300 s"
full=$(tr -s ' ' <"$work/full.out")
echo "$full"
expect_match "what the filler got" " *removed=[0-9]+ allocated=[0-9]+ error=.*Cannot allocate memory.*" "$full"
allocated=$(sed -n 's/.*allocated=\([0-9]*\).*/\1/p' <<<"$full")
((allocated > 1000 && allocated < 32767)) || fail "allocated $allocated sessions before the cgroup was full"
expect_eq "OOM kills in the cgroup" 0 "$(awk '$1 == "oom_kill" { print $2 }' "$user_cg/memory.events")"
expect_eq "kernel log lines while the cgroup filled" "" "$(dmesg | tail -n +$((dmesg_lines + 1)))"
echo max >"$user_cg/memory.max"
echo go >"$work/go"
user_reached "done" 120
user_wait
expect_eq "the filler's exit status" "full rc=1" "$(grep '^full rc=' "$work/progress")"
# The request that met the limit had allocated sessions and gave them back:
# counted neither as created nor as deleted (only what the filler deleted).
counters=$(grep '^counters ' "$work/progress")
echo "$counters"
removed=$(sed -n 's/.*removed=\([0-9]*\).*/\1/p' <<<"$full")
held=$(sed -n 's/.* sessions=\([0-9]*\).*/\1/p' <<<"$counters")
expect_eq "sessions deleted" "$removed" "$(sed -n 's/.*sessions-deleted=\([0-9]*\).*/\1/p' <<<"$counters")"
expect_eq "sessions created" $((held + removed)) "$(sed -n 's/.*sessions-created=\([0-9]*\).*/\1/p' <<<"$counters")"

step "the host's caps: 2 switchboards and 5 sessions per namespace of a user namespace"
echo 2 >"$params/netns_max_switchboards"
echo 5 >"$params/netns_max_sessions"
echo max >"$user_cg/memory.max"
as_user "$user_cg" caps
user_reached "done" 120
user_wait
expect_match "3rd switchboard" "switchboard 3 rc=[1-9][0-9]*" "$(grep '^switchboard 3 ' "$work/progress")"
expect_eq "2nd switchboard" "switchboard 2 rc=0" "$(grep '^switchboard 2 ' "$work/progress")"
expect_contains "kernel log" "netns_max_switchboards" "$(dmesg | tail -n 5)"
expect_eq "5th alloc" "alloc 5 rc=0" "$(grep '^alloc 5 ' "$work/progress")"
expect_eq "6th alloc" "alloc 6 rc=1" "$(grep '^alloc 6 ' "$work/progress")"
expect_contains "alloc's message" "netns_max_sessions" "$(cat "$work/alloc.err")"

step "the host's own namespaces are not capped"
for _ in 1 2 3 4 5 6 7; do
	rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-learning-timeout-a 600000 >/dev/null
done
expect_eq "sessions in the proxy namespace" 7 "$(info_get sessions)"
