#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing as root, as a plain user and from a user namespace; then no leak and a clean unload.
#
# FUZZ_COUNT messages as root (default sized for CI, ~30-60 s under TCG;
# `make fuzz` asks for 1,000,000), a tenth of that (at least 5000) in each
# unprivileged mode. FUZZ_SEED repeats a run (with FUZZ_JOBS=1 exactly);
# FUZZ_JOBS (default 2) is the number of fuzzing processes as root.
. "$(dirname "$0")/lib.sh"

NLFUZZ=${NLFUZZ:-$REPO/build/tests/fuzz/nlfuzz}
count=${FUZZ_COUNT:-20000}
jobs=${FUZZ_JOBS:-2}
seed=${FUZZ_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}
user_count=$((count / 10 > 5000 ? count / 10 : 5000))
CACHE=rtpp_session

# A step, with the seconds since the test started.
phase() {
	step "$* (at ${SECONDS} s)"
}

[ -x "$NLFUZZ" ] || fail "$NLFUZZ is not built (make userspace)"
setup_all

# Objects of the module's session cache, exactly: the CPU slabs are flushed
# first (slabinfo counts objects free in them as active).
slab_objects() {
	[ ! -e "/sys/kernel/slab/$CACHE/shrink" ] || echo 1 >"/sys/kernel/slab/$CACHE/shrink"
	awk -v c="$CACHE" '$1 == c { print $2; found = 1 } END { if (!found) print "none" }' /proc/slabinfo
}

slab_total() {
	awk '$1 == "Slab:" { print $2 " kB" }' /proc/meminfo
}

phase "switchboards: small and full soon, expiring every few seconds, IPv6, a bridge, room for a full bulk"
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 30000 --max-sess 16
add_switchboard --chain rtpproxy-expiring --addr-a "$GATE" --port-a 40000 --port-b 41000 \
	--max-sess 64 --expires-timeout 2 --resurrection-timeout 2
add_switchboard --ipt "$IP6T" --addr-a "$GATE6_A" --port-a 50000 --addr-b "$GATE6_B" --port-b 52000 --max-sess 8
# More slots than RTPPROXY_BULK_MAX: a NEW_SESSIONS of the largest size can succeed.
add_switchboard --chain rtpproxy-bulk --addr-a "$GATE_A" --port-a 22000 --addr-b "$GATE_B" \
	--port-b 32000 --max-sess 300
# A bridge between IPv4 (gate A) and IPv6 (gate B): its rule in both tables.
add_bridge rtpproxy-bridge --addr-a "$GATE_A" --port-a 24000 --addr-b "$GATE6_B" --port-b 54000 \
	--max-sess 8
rtpp list --no-session
switchboards=(
	--switchboard "$GATE_A,20000,$GATE_B,30000,16"
	--switchboard "$GATE,40000,$GATE,41000,64"
	--switchboard "$GATE6_A,50000,$GATE6_B,52000,8"
	--switchboard "$GATE_A,22000,$GATE_B,32000,300"
	--switchboard "$GATE_A,24000,$GATE6_B,54000,8"
)
clients=(
	--client "$CLIENT_A,4000" --client "$CLIENT_B,6000" --client "$MALLORY,4000"
	--client "$CLIENT6_A,4000" --client "$CLIENT6_B,6000"
)

# The cache is unmerged on Debian's kernels: its count is the module's alone.
aliases=$(cat "/sys/kernel/slab/$CACHE/aliases" 2>/dev/null || echo "?")
[ "$aliases" = 0 ] || fail "slab cache $CACHE shares its slabs ($aliases aliases): counts would not be ours"
slab_start=$(slab_objects)
expect_match "$CACHE objects at the start ($slab_start)" "[0-9]+" "$slab_start"
echo "Slab total at the start: $(slab_total)"

# The unprivileged runs come first, against three sessions that must come out
# unchanged (times aside).
for port in 4000 4002 4004; do
	rtpp alloc --addr-a "$GATE_A" --port-a 20000 --rtp-addr-a "$CLIENT_A" --rtp-port-a $port \
		--rtp-addr-b "$CLIENT_B" --rtp-port-b $((port + 2000)) >/dev/null
done
snapshot() {
	rtpp info | grep -v '^uptime-ms='
	rtpp list | sed -E 's/ (age-ms|idle-ms|last-ms|learn-ms)=[0-9]+//g'
}
snapshot >"$TMP/before"

# Where a user without privileges can run it.
chmod 0755 "$TMP"
cp "$NLFUZZ" "$TMP/nlfuzz"

# fuzz NAME COMMAND...: runs the fuzzer, keeps its report in $TMP/NAME.out.
fuzz() {
	local name=$1 rc=0 start
	shift
	pretty "$@"
	start=$SECONDS
	"$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
	cat "$TMP/$name.err"
	[ "$rc" = 0 ] || { cat "$TMP/$name.out"; fail "nlfuzz ($name) exited $rc"; }
	load_report "$name"
	echo "$name: $((SECONDS - start)) s, $(report "$name" messages) messages," \
		"$(report "$name" messages_per_s)/s in the fuzzer"
}

# The fuzzers' reports by "NAME:KEY", read by bash alone: programs start
# slowly under TCG.
declare -A REPORT=()
load_report() {
	local key value
	while IFS='=' read -r key value; do
		REPORT[$1:$key]=$value
	done <"$TMP/$1.out"
}

# report NAME KEY: a value of a fuzzer's report (0 if absent).
report() {
	echo "${REPORT[$1:$2]:-0}"
}

mutating=(NEW_SESSION SET_SESSION DEL_SESSION RESET_COUNTERS AUDIT NEW_SESSIONS DEL_SESSIONS)
reading=(GET_INFO GET_SWITCHBOARD GET_SESSION GET_SESSION_TABLE)
bulk=(NEW_SESSIONS DEL_SESSIONS)

# refused NAME: the kernel accepted no request of the family (reads included:
# every command needs CAP_NET_ADMIN), refused each command with EPERM, and
# enough of each were sent.
refused() {
	local name=$1 cmd sent ok eperm
	[ "$(report "$name" seed)" != 0 ] || fail "$name: no seed in the report"
	for cmd in "${mutating[@]}" "${reading[@]}"; do
		sent=$(report "$name" "cmd_${cmd}_sent")
		ok=$(report "$name" "cmd_${cmd}_ok")
		eperm=$(report "$name" "cmd_${cmd}_eperm")
		echo "$name: $cmd sent=$sent ok=$ok eperm=$eperm err=$(report "$name" "cmd_${cmd}_err")"
		((ok == 0)) || fail "$name: $ok $cmd request(s) succeeded without CAP_NET_ADMIN"
		((sent >= 20)) || fail "$name: only $sent $cmd requests sent"
		((eperm > 0)) || fail "$name: no $cmd request was refused with EPERM"
	done
	expect_eq "$name: every switchboard is hidden" 0 "$(report "$name" switchboards_readable)"
	snapshot >"$TMP/after-$name"
	diff -u "$TMP/before" "$TMP/after-$name" || fail "$name changed the kernel's state"
	echo "ok: $name: nothing changed"
}

phase "a plain user (uid 65534): every command refused"
fuzz user np "$TMP/nlfuzz" --drop-privileges 65534:65534 --count "$user_count" --seed "$seed" \
	"${switchboards[@]}" "${clients[@]}"
refused user

phase "root of a user namespace that does not own the network namespace: every command refused"
if as_nobody unshare -Ur true 2>/dev/null; then
	fuzz userns as_nobody unshare -Ur \
		"$TMP/nlfuzz" --count "$user_count" --seed "$((seed + 1))" "${switchboards[@]}" "${clients[@]}"
	expect_eq "userns: uid inside" "0" "$(report userns euid)"
	refused userns
	fuzz userns-root np unshare -Ur \
		"$TMP/nlfuzz" --count "$((user_count / 2))" --seed "$((seed + 2))" "${switchboards[@]}" "${clients[@]}"
	refused userns-root
else
	fail "unprivileged user namespaces are disabled in this kernel"
fi

phase "root: $count messages, $jobs processes, seed $seed, while RTP flows through session 0"
ip netns exec clienta "${UDP[@]}" send --from "$CLIENT_A:4000" --to "$GATE_A:20000" \
	--count 10000000 --interval 0.01 &
sender_a=$!
ip netns exec clientb "${UDP[@]}" send --from "$CLIENT_B:6000" --to "$GATE_B:30000" \
	--count 10000000 --interval 0.01 &
sender_b=$!
fuzz root np "$NLFUZZ" --count "$count" --jobs "$jobs" --seed "$seed" --progress \
	"${switchboards[@]}" "${clients[@]}"
kill "$sender_a" "$sender_b" 2>/dev/null || true
wait "$sender_a" "$sender_b" 2>/dev/null || true
grep -vE '^cmd_.*=0$' "$TMP/root.out"
expect_eq "root: workers failed" 0 "$(report root workers_failed)"
(($(report root messages) >= count)) || fail "root: only $(report root messages) of $count messages sent"
expect_eq "root: switchboards readable" 1 "$(report root switchboards_readable)"
expect_eq "root: switchboards from the kernel" 5 "$(report root switchboards)"
# Valid requests got through: the fuzzer reached past the parsers.
for cmd in "${mutating[@]}" "${reading[@]}"; do
	ok=$(report root "cmd_${cmd}_ok")
	((ok > 0)) || fail "root: no $cmd request succeeded"
	echo "ok: root: $cmd succeeded $ok times of $(report root "cmd_${cmd}_sent")"
done
# The fuzzer listens to the events too: the requests it makes build them.
(($(report root events) > 0)) || fail "root: the fuzzer's events listener heard nothing"
echo "ok: root: $(report root events) events heard, $(report root event_overruns) overruns"
covered=$(report root attrs_covered)
expect_eq "root: attributes of the ABI written" "${covered#*/}" "${covered%/*}"
# Bulk lists at the edges: none empty or longer than RTPPROXY_BULK_MAX
# accepted; lists of exactly RTPPROXY_BULK_MAX sent (and counted when taken).
for cmd in "${bulk[@]}"; do
	for kind in empty max over; do
		echo "root: $cmd lists $kind: sent=$(report root "bulk_${cmd}_${kind}_sent")" \
			"ok=$(report root "bulk_${cmd}_${kind}_ok")"
		(($(report root "bulk_${cmd}_${kind}_sent") > 0)) || fail "root: no $kind $cmd list sent"
	done
	expect_eq "root: empty $cmd lists accepted" 0 "$(report root "bulk_${cmd}_empty_ok")"
	expect_eq "root: $cmd lists over RTPPROXY_BULK_MAX accepted" 0 "$(report root "bulk_${cmd}_over_ok")"
done

phase "the relay still works"
rtpp delete
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 20000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4100 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6100)
relay_check after-a clienta "$CLIENT_A:4100" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" \
	clientb "$CLIENT_B:6100" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 3
relay_check after-b clientb "$CLIENT_B:6100" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" \
	clienta "$CLIENT_A:4100" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" 3

phase "tear down: every session freed, the module unloads"
rtpp delete
expect_eq "sessions" 0 "$(info_get sessions)"
for cmd in "$IPT" "$IP6T"; do
	np "$cmd" -t mangle -F
	np "$cmd" -t mangle -X
done
# Sessions are freed after an RCU grace period.
back_to_start() { [ "$(slab_objects)" = "$slab_start" ]; }
wait_until 30 "$CACHE objects back to $slab_start" back_to_start
echo "Slab total at the end: $(slab_total)"
unloaded() { rmmod xt_RTPPROXY; }
wait_until 60 "module unloaded" unloaded
expect_eq "$CACHE after unload" none "$(slab_objects)"
if dmesg | grep -E "$CACHE|Objects remaining|still has objects"; then
	fail "the kernel complained about $CACHE"
fi
echo "seed=$seed count=$count jobs=$jobs"
