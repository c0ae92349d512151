#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Invalid rules are refused by iptables (and the kernel says why); bad command lines exit 2 (also
# those only the switchboards tell apart), runtime errors 1.
# vm: not rt
. "$(dirname "$0")/lib.sh"

setup_all
np "$IPT" -t mangle -N rtpproxy

no_rule_added() {
	expect_eq "RTPPROXY rules" 0 "$( (np iptables-nft-save -t mangle; np iptables-legacy-save -t mangle) | grep -c RTPPROXY || true)"
}

refused() {
	local ipt=$1
	shift
	local rc=0
	np "$ipt" -t mangle -A rtpproxy -j RTPPROXY "$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	[ "$rc" != 0 ] || fail "$ipt accepted: $*"
	[ -s "$TMP/stderr" ] || fail "$ipt refused '$*' without a message"
	echo "ok: $ipt refuses '$*' (exit $rc): $(head -n 1 "$TMP/stderr")"
}

for ipt in iptables-nft iptables-legacy; do
	step "$ipt: options the extension refuses"
	refused "$ipt" --port-a 50000 --max-sess 4
	refused "$ipt" --addr-a "$GATE_A" --max-sess 4
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000
	refused "$ipt" --addr-a "$GATE_A" --port-a 50001 --max-sess 4
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000 --port-b 52001 --addr-b "$GATE_B" --max-sess 4
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000 --max-sess 0
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000 --max-sess 32768
	refused "$ipt" --addr-a "$GATE_A" --port-a 65000 --max-sess 1000
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000 --max-sess 4 --expires-timeout 86401
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000 --max-sess 4 --expires-timeout 0
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000 --max-sess four
	refused "$ipt" --addr-a 10.0.1 --port-a 50000 --max-sess 4
	refused "$ipt" --addr-a "$GATE6_A" --port-a 50000 --max-sess 4
	refused "$ipt" --addr-a 0.0.0.0 --port-a 50000 --max-sess 4
	refused "$ipt" --addr-a 224.0.0.1 --port-a 50000 --max-sess 4
	refused "$ipt" --addr-a 255.255.255.255 --port-a 50000 --max-sess 4
	refused "$ipt" --addr-a "$GATE_A" --port-a 50000 --max-sess 4 --bogus 1
	no_rule_added
done

step "the same in the filter table: the target is for mangle only"
rc=0
np iptables-nft -t filter -A INPUT -j RTPPROXY --addr-a "$GATE_A" --port-a 50000 --max-sess 4 2>"$TMP/stderr" || rc=$?
cat "$TMP/stderr"
[ "$rc" != 0 ] || fail "RTPPROXY accepted in the filter table"

step "what only the kernel can check: overlapping gates, mismatching shares"
np "$IPT" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE_A" --port-a 50000 --max-sess 8
# Gate A is 50000-50015, gate B (same address) 50016-50031.
for args in "--port-a 50010 --max-sess 2" "--port-a 49990 --max-sess 10" "--port-a 50030 --max-sess 4" \
	"--port-a 40000 --port-b 50020 --max-sess 2" "--port-a 50000 --max-sess 4"; do
	dmesg -C
	# shellcheck disable=SC2086
	refused "$IPT" --addr-a "$GATE_A" $args
	dmesg | tail -n 2
	dmesg | grep -q 'xt_RTPPROXY' || fail "no kernel log message for: $args"
done
expect_eq "switchboards" 1 "$(info_get switchboards)"
# The overlap is with the switchboard of the nft rule: one namespace, one
# set of switchboards, whichever iptables made them.
dmesg -C
np iptables-legacy -t mangle -N rtpproxy
refused iptables-legacy --addr-a "$GATE_A" --port-a 50010 --max-sess 2
dmesg | grep -q 'xt_RTPPROXY' || fail "no kernel log message from iptables-legacy"
step "the same gates on another address are fine; so are identical rules"
np "$IPT" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE_B" --port-a 50000 --max-sess 8
np "$IPT" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE_A" --port-a 50000 --max-sess 8
expect_eq "switchboards" 2 "$(info_get switchboards)"
expect_eq "rules of the shared switchboard" 2 "$(sb_get rules --addr-a "$GATE_A")"

sb=(--addr-a "$GATE_A" --port-a 50000)
step "iptrtpproxy: bad command lines exit 2"
expect_fail 2 rtpp
expect_fail 2 rtpp frobnicate
expect_fail 2 rtpp info --bogus
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a 10.0.1 --rtp-port-a 4000
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 70000
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a port
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-learning-timeout-a soon
expect_fail 2 rtpp alloc "${sb[@]}"
expect_fail 2 rtpp list --sess-id-lo x
expect_fail 2 rtpp alloc "${sb[@]}" --port-a 50002 --rtp-learning-timeout-a 100
expect_fail 2 rtpp info list
expect_contains "message prefix" "iptrtpproxy: " "$(cat "$TMP/stderr")"
step "iptrtpproxy: what the kernel would refuse, caught by the tool: exit 2, naming the option"
expect_fail 2 rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 86400001
expect_contains "over the longest learning window" "--rtp-learning-timeout-a is out of range (0..86400000)" "$(cat "$TMP/stderr")"
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo 8 --rtp-learning-timeout-a 100
expect_contains "id beyond max-sess" "session id 8 for --sess-id-lo is beyond the switchboard's --max-sess 8" "$(cat "$TMP/stderr")"
expect_fail 2 rtpp delete "${sb[@]}" --sess-id-lo 2 --sess-id-hi 8
expect_contains "id beyond max-sess" "session id 8 for --sess-id-hi is beyond" "$(cat "$TMP/stderr")"

step "iptrtpproxy: failures of well-formed commands exit 1"
expect_fail 1 rtpp alloc --addr-a "$GATE_A" --port-a 40000 --rtp-learning-timeout-a 100
expect_contains "no such switchboard" "iptrtpproxy: " "$(cat "$TMP/stderr")"
expect_fail 1 rtpp alloc --addr-a 10.9.9.9 --rtp-learning-timeout-a 100
expect_fail 1 rtpp delete "${sb[@]}" --sess-id-lo 3
expect_fail 1 rtpp update "${sb[@]}" --sess-id-lo 3 --rtp-learning-timeout-a 100
step "ambiguous: two switchboards match --port-a alone, or none given to update: exit 2"
# --addr-a alone names one of them.
expect_ok rtpp alloc --addr-a "$GATE_B" --rtp-learning-timeout-a 100
created=$(info_get sessions-created)
expect_fail 2 rtpp update --sess-id-lo 1 --rtp-learning-timeout-a 100
expect_contains "none chosen" "2 switchboards exist: choose one with --addr-a and --port-a" "$(cat "$TMP/stderr")"
expect_fail 2 rtpp alloc --port-a 50000 --rtp-learning-timeout-a 100 --reset-global-stat
expect_contains "several match" "2 switchboards match the given gates: choose one with --addr-a and --port-a" "$(cat "$TMP/stderr")"
expect_eq "sessions-created (nothing allocated, nothing reset)" "$created" "$(info_get sessions-created)"
expect_eq "sessions-created" 1 "$created"
