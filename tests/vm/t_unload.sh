#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unloading the module, and deleting the proxy's namespace, while RTP flows through live sessions.
. "$(dirname "$0")/lib.sh"

setup_all

start_call() {
	add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 8
	for port in 4000 4010 4020; do
		rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-addr-a "$CLIENT_A" --rtp-port-a $port \
			--rtp-addr-b "$CLIENT_B" --rtp-port-b $((port + 2000)) >/dev/null
	done
	rtpp list --no-session
	# Both ways, ~8 s of 2 ms packets per stream: still running when we pull the plug.
	ip netns exec clienta "${UDP[@]}" send --from "$CLIENT_A:4000" --to "$GATE_A:50000" --count 4000 --interval 0.002 &
	sender_a=$!
	ip netns exec clientb "${UDP[@]}" send --from "$CLIENT_B:6010" --to "$GATE_B:52002" --count 4000 --interval 0.002 &
	sender_b=$!
	ip netns exec clientb "${UDP[@]}" recv --bind "$CLIENT_B:6000" --timeout 60 >/dev/null &
	sink=$!
	relayed() { [ "$(info_get packets)" -gt 50 ]; }
	wait_until 30 "traffic is being relayed" relayed
}

step "while traffic flows, the rules keep the module in use"
start_call
expect_fail 1 rmmod xt_RTPPROXY
expect_contains "rmmod" "in use" "$(cat "$TMP/stderr")"

step "flush the rules and unload while the senders keep sending"
np "$IPT" -t mangle -F
np "$IPT" -t mangle -X
unloaded() { rmmod xt_RTPPROXY; }
wait_until 20 "module unloaded" unloaded
kill -0 "$sender_a" && echo "ok: sender A still running"
kill -0 "$sender_b" && echo "ok: sender B still running"
if module_loaded; then fail "xt_RTPPROXY still loaded"; fi
expect_fail 1 rtpp info
expect_contains "without the module" "the xt_RTPPROXY kernel module is not loaded (no generic netlink family xt_rtpproxy): run 'modprobe xt_RTPPROXY' (as root)" "$(cat "$TMP/stderr")"

step "load it again: a clean slate, the call can be set up again"
load_module
expect_eq "switchboards" 0 "$(info_get switchboards)"
expect_eq "packets" 0 "$(info_get packets)"
kill "$sender_a" "$sender_b" "$sink" 2>/dev/null || true
wait "$sender_a" "$sender_b" "$sink" 2>/dev/null || true

step "delete the proxy's namespace with rules, sessions and traffic in flight"
start_call
ip netns delete proxy
gone() { rmmod xt_RTPPROXY; }
# The namespace is dismantled by a workqueue: the module stays busy until then.
wait_until 60 "module unloaded after the namespace is gone" gone
kill "$sender_a" "$sender_b" "$sink" 2>/dev/null || true
wait 2>/dev/null || true

step "sessions come and go, then delete-all, rule removal and rmmod: no object left"
load_module
for ns in clienta clientb mallory proxy; do ip netns delete "$ns" 2>/dev/null || true; done
setup_topology
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 64
# Active objects of the session cache (the VM boots with slab_nomerge).
session_objects() { awk '$1 == "rtpp_session" { print $2 }' /proc/slabinfo; }
for round in 1 2 3; do
	for _ in $(seq 20); do rtpp alloc --addr-a "$GATE_A" --rtp-learning-timeout-a 600000 >/dev/null; done
	expect_eq "sessions, round $round" 20 "$(info_get sessions)"
	echo "session cache: $(session_objects) active objects"
	expect_ok rtpp delete
	expect_eq "sessions after delete-all" 0 "$(info_get sessions)"
done
np "$IPT" -t mangle -F
np "$IPT" -t mangle -X
expect_ok rmmod xt_RTPPROXY
expect_eq "session cache after rmmod" "" "$(session_objects)"
if dmesg | grep -E "rtpp_session|Objects remaining"; then
	fail "the session cache complained when it was destroyed"
fi
echo "ok: the session cache was destroyed empty"
# The namespaces go too: the last step builds them anew.
for ns in clienta clientb mallory proxy; do ip netns delete "$ns" 2>/dev/null || true; done

step "and once more from scratch, to see nothing was left behind"
load_module
setup_topology 2>/dev/null || {
	for ns in clienta clientb mallory; do ip netns delete "$ns"; done
	setup_topology
}
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 8
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
relay_check again clienta "$CLIENT_A:4000" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" clientb "$CLIENT_B:6000" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 2
