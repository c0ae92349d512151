#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Control operations racing the packet path: alloc, update, delete, list, resets and rule reloads under load.
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4 \
	--expires-timeout 2 --resurrection-timeout 1
sb=(--addr-a "$GATE_A" --port-a 50000)

# Two senders only: under TCG every sending process costs a lot of CPU.
step "senders hammer slot 0 from both sides for the whole test"
ip netns exec clienta "${UDP[@]}" send --from "$CLIENT_A:4000" --to "$GATE_A:50000" --count 10000000 \
	--interval 0.005 --size 200 >"$TMP/sender_a" 2>&1 &
sender_a=$!
ip netns exec clientb "${UDP[@]}" send --from "$CLIENT_B:6000" --to "$GATE_B:52000" --count 10000000 \
	--interval 0.005 --size 200 >"$TMP/sender_b" 2>&1 &
sender_b=$!

step "meanwhile: 5 rounds of alloc, update, list, delete, resets, audits and ruleset reloads"
np "$IPT-save" >"$TMP/rules"
for round in $(seq 1 5); do
	for i in 0 1 2; do
		rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a $((4000 + 10 * i)) \
			--rtp-learning-timeout-b 500 --always-learn >/dev/null || true
	done
	rtpp update "${sb[@]}" --rtp-learning-timeout-a 100 >/dev/null 2>&1 || true
	rtpp list >/dev/null
	rtpp list --reset-packet-stat --audit >/dev/null
	rtpp delete "${sb[@]}" --sess-id-lo 1 >/dev/null 2>&1 || true
	rtpp info --reset-switchboard-stat >/dev/null
	if ((round % 2 == 0)); then
		np "$IPT-restore" <"$TMP/rules"
	fi
	rtpp delete >/dev/null 2>&1 || true
done
rtpp info
relayed() { [ "$(info_get packets)" -gt 0 ]; }
relayed || echo "note: no packet relayed during the churn (slow VM?)"

step "the senders were never disturbed, and the kernel still relays"
kill -0 "$sender_a" || fail "sender A died: $(cat "$TMP/sender_a")"
kill -0 "$sender_b" || fail "sender B died: $(cat "$TMP/sender_b")"
kill "$sender_a" "$sender_b"
wait "$sender_a" "$sender_b" 2>/dev/null || true
# Two seconds of idleness is less than a program start on a loaded host:
# give the switchboard a long expiry (same gates: it keeps its state).
sed 's/--expires-timeout 2 /--expires-timeout 3600 /' "$TMP/rules" | np "$IPT-restore"
expect_eq "expires-timeout" 3600 "$(sb_get expires-timeout)"
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4900 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6900)
relay_check after clienta "$CLIENT_A:4900" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" clientb "$CLIENT_B:6900" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 3
