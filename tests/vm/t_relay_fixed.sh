#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A session with fixed client addresses relays RTP and RTCP both ways, from the gates, payload intact.
. "$(dirname "$0")/lib.sh"

setup_all

step "switchboard: gate A $GATE_A:50000, gate B $GATE_B:52000, 8 sessions"
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 8

step "alloc with every client address given"
out=$(rtpp alloc --addr-a "$GATE_A" --port-a 50000 \
	--rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
echo "$out"
id=$(alloc_field "$out" sess-id)
port_a=$(alloc_field "$out" gate-rtp-port-a)
port_b=$(alloc_field "$out" gate-rtp-port-b)
expect_eq "gate-rtp-port-a" $((50000 + 2 * id)) "$port_a"
expect_eq "gate-rtcp-port-a" $((port_a + 1)) "$(alloc_field "$out" gate-rtcp-port-a)"
expect_eq "gate-rtp-port-b" $((52000 + 2 * id)) "$port_b"
expect_eq "gate-rtcp-port-b" $((port_b + 1)) "$(alloc_field "$out" gate-rtcp-port-b)"
expect_eq "addr-a" "$GATE_A" "$(alloc_field "$out" addr-a)"
expect_eq "addr-b" "$GATE_B" "$(alloc_field "$out" addr-b)"
rtpp list

step "RTP A -> B: arrives from gate B's port"
relay_check rtp-ab clienta "$CLIENT_A:4000" "$GATE_A:$port_a" clientb "$CLIENT_B:6000" "$GATE_B:$port_b" 5

step "RTP B -> A: arrives from gate A's port"
relay_check rtp-ba clientb "$CLIENT_B:6000" "$GATE_B:$port_b" clienta "$CLIENT_A:4000" "$GATE_A:$port_a" 4 --seq 100 --ssrc 0x55

step "RTCP A -> B and B -> A on the next ports (client RTCP port = RTP port + 1)"
relay_check rtcp-ab clienta "$CLIENT_A:4001" "$GATE_A:$((port_a + 1))" clientb "$CLIENT_B:6001" "$GATE_B:$((port_b + 1))" 3 --kind rtcp --size 80
relay_check rtcp-ba clientb "$CLIENT_B:6001" "$GATE_B:$((port_b + 1))" clienta "$CLIENT_A:4001" "$GATE_A:$((port_a + 1))" 2 --kind rtcp --size 60

step "large packets keep their payload (checksums recomputed)"
relay_check big-ab clienta "$CLIENT_A:4000" "$GATE_A:$port_a" clientb "$CLIENT_B:6000" "$GATE_B:$port_b" 2 --size 1400 --seq 500

step "a wrong client port is not the client: dropped"
drop_check wrongport clienta "$CLIENT_A:4002" "$GATE_A:$port_a" clientb "$CLIENT_B:6000" 2

step "RTP sent to the RTCP gate port reaches B's RTCP port, not its RTP port"
drop_check crossed clienta "$CLIENT_A:4000" "$GATE_A:$((port_a + 1))" clientb "$CLIENT_B:6000" 1

step "ordinary traffic to other ports of the gate address is untouched"
relay_check other clienta "$CLIENT_A:4000" "$GATE_A:7000" proxy "$GATE_A:7000" "$CLIENT_A:4000" 2

rtpp list
expect_eq "rtp-a packets" 7 "$(stream_get "$id" rtp-a packets)"
expect_eq "rtp-b packets" 4 "$(stream_get "$id" rtp-b packets)"
expect_eq "rtcp-a packets" 3 "$(stream_get "$id" rtcp-a packets)"
expect_eq "rtcp-b packets" 2 "$(stream_get "$id" rtcp-b packets)"
expect_eq "rtp-a client" "$CLIENT_A:4000" "$(stream_get "$id" rtp-a client)"
expect_eq "rtcp-b client" "$CLIENT_B:6001" "$(stream_get "$id" rtcp-b client)"
