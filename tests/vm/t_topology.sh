#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test topology itself, without the product: addresses, routes, plain UDP through the proxy's sockets.
# vm: not rt
. "$(dirname "$0")/lib.sh"

setup_topology

step "every client reaches its gate address, IPv4 and IPv6"
na busybox ping -c 1 -W 2 "$GATE_A" >/dev/null
nm busybox ping -c 1 -W 2 "$GATE_A" >/dev/null
nb busybox ping -c 1 -W 2 "$GATE_B" >/dev/null
na busybox ping -c 1 -W 2 "$GATE6_A" >/dev/null
nb busybox ping -c 1 -W 2 "$GATE6_B" >/dev/null
na busybox ping -c 1 -W 2 "$GATE" >/dev/null
nb busybox ping -c 1 -W 2 "$GATE6" >/dev/null
echo "ok: pings"

step "the proxy does not forward: A cannot reach B without the target"
expect_fail 1 na busybox ping -c 1 -W 1 "$CLIENT_B"

step "udpt works across a namespace boundary, both families"
relay_check plain4 clienta "$CLIENT_A:4000" "$GATE_A:5000" proxy "$GATE_A:5000" "$CLIENT_A:4000" 3
relay_check plain6 clientb "[$CLIENT6_B]:4000" "[$GATE6_B]:5000" proxy "[$GATE6_B]:5000" "[$CLIENT6_B]:4000" 3
