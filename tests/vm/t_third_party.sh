#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A third party on client A's LAN cannot inject into or hijack a session once its clients are known.
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
sb=(--addr-a "$GATE_A" --port-a 50000)

step "a learning session; A and B are learned"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 --rtp-learning-timeout-b 600000)
echo "$out"
id=$(alloc_field "$out" sess-id)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
send clienta "$CLIENT_A:4000" "$GATE_A:$pa" 1
relay_check learn-b clientb "$CLIENT_B:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" "$GATE_A:$pa" 1
relay_check a-to-b clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 3
drops_before=$(sb_get drop-source)
global_before=$(info_get drop-source)
# A's first packet was dropped for want of B's address: it counts as a drop.
stream_drops_a=$(stream_get "$id" rtp-a drops)
stream_drops_b=$(stream_get "$id" rtp-b drops)

step "mallory ($MALLORY) sends to gate A's port of the session, even from A's port number: dropped"
drop_check mallory-a mallory "$MALLORY:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" 5
expect_eq "switchboard drop-source" $((drops_before + 5)) "$(sb_get drop-source)"
expect_eq "global drop-source" $((global_before + 5)) "$(info_get drop-source)"
expect_eq "rtp-a drops" $((stream_drops_a + 5)) "$(stream_get "$id" rtp-a drops)"
expect_eq "rtp-a client unchanged" "$CLIENT_A:4000" "$(stream_get "$id" rtp-a client)"

step "mallory sends to gate B's port (pretending to be B): dropped, A gets nothing from mallory"
drop_check mallory-b mallory "$MALLORY:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" 3
expect_eq "switchboard drop-source" $((drops_before + 8)) "$(sb_get drop-source)"
expect_eq "rtp-b drops" $((stream_drops_b + 3)) "$(stream_get "$id" rtp-b drops)"

step "the call goes on undisturbed, and mallory receives nothing"
recv_start spy mallory "$MALLORY:4000" 0 --timeout 600
relay_check b-to-a clientb "$CLIENT_B:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" "$GATE_A:$pa" 4
relay_check a-to-b2 clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 4
recv_stop spy

step "mallory probing gate ports without a session: dropped (no session), never relayed"
nsd_before=$(sb_get drop-no-session)
drop_check probe mallory "$MALLORY:4000" "$GATE_A:$((pa + 2))" clientb "$CLIENT_B:6000" 3
expect_eq "drop-no-session" $((nsd_before + 3)) "$(sb_get drop-no-session)"

step "a session with fixed addresses rejects mallory from the start"
out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4100 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6100)
id2=$(alloc_field "$out" sess-id)
pa2=$(alloc_field "$out" gate-rtp-port-a)
drop_check mallory-fixed mallory "$MALLORY:4100" "$GATE_A:$pa2" clientb "$CLIENT_B:6100" 2
expect_eq "rtp-a drops of the fixed session" 2 "$(stream_get "$id2" rtp-a drops)"
rtpp list
