#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Switchboards and sessions belong to a network namespace: equal gates in two namespaces do not meet.
# vm: not rt
. "$(dirname "$0")/lib.sh"

setup_all
NAMESPACES+=(proxy2)
ip netns add proxy2
ip -n proxy2 link set lo up
ip -n proxy2 addr add "$GATE_A/24" dev lo

step "the same switchboard in two namespaces: no overlap between them"
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
ip netns exec proxy2 "$IPT" -t mangle -A PREROUTING -p udp -j RTPPROXY --addr-a "$GATE_A" --port-a 50000 \
	--addr-b "$GATE_B" --port-b 52000 --max-sess 8

step "each namespace sees only its own"
rtpp alloc --addr-a "$GATE_A" --rtp-learning-timeout-a 600000
expect_eq "sessions here" 1 "$(info_get sessions)"
expect_eq "max-sess here" 4 "$(sb_get max-sess)"
ip netns exec proxy2 "$RTPP" info | tee "$TMP/info2"
expect_contains "proxy2 info" "sessions=0" "$(cat "$TMP/info2")"
expect_contains "proxy2 list" "max-sess=8" "$(ip netns exec proxy2 "$RTPP" list)"
expect_contains "the initial namespace" "switchboards=0" "$("$RTPP" info)"

step "deleting one namespace leaves the other alone"
ip netns exec proxy2 "$RTPP" alloc --addr-a "$GATE_A" --rtp-learning-timeout-a 600000
ip netns delete proxy2
out=$(rtpp alloc --addr-a "$GATE_A" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
relay_check still clienta "$CLIENT_A:4000" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" clientb "$CLIENT_B:6000" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 2
expect_eq "sessions here" 2 "$(info_get sessions)"
