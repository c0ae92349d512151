#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man page's example verbatim: one chain jumped from PREROUTING, OUTPUT and POSTROUTING, one address.
# vm: not rt
. "$(dirname "$0")/lib.sh"

setup_all

step "the rules of iptrtpproxy(8)'s example (gate address $GATE, both gates on it)"
for args in "-N my_rtpproxy" \
	"-A my_rtpproxy -j RTPPROXY --addr-a $GATE --port-a 50000 --max-sess 100" \
	"-A PREROUTING -p udp -j my_rtpproxy" \
	"-A OUTPUT -p udp -j my_rtpproxy" \
	"-A POSTROUTING -p udp -j my_rtpproxy"; do
	# shellcheck disable=SC2086 # $args are words
	pretty iptables -t mangle $args
	# shellcheck disable=SC2086
	np "$IPT" -t mangle $args
done
rtpp info
rtpp list
expect_eq "switchboards" 1 "$(info_get switchboards)"
expect_eq "addr-b defaults to addr-a" "$GATE" "$(sb_get addr-b)"
expect_eq "port-b follows gate A's 200 ports" 50200 "$(sb_get port-b)"
expect_eq "max-sess" 100 "$(sb_get max-sess)"
expect_eq "expires-timeout default" 60 "$(sb_get expires-timeout)"
expect_eq "resurrection-timeout default" 30 "$(sb_get resurrection-timeout)"
expect_eq "rules" 1 "$(sb_get rules)"

step "a call between two NATed phones that learn (the SIP proxy knows no addresses)"
out=$(rtpp alloc --addr-a "$GATE" --port-a 50000 --rtp-learning-timeout-a 600000 --rtp-learning-timeout-b 600000)
echo "$out"
id=$(alloc_field "$out" sess-id)
pa=$(alloc_field "$out" gate-rtp-port-a)
pb=$(alloc_field "$out" gate-rtp-port-b)
expect_eq "gate B port of the session" $((50200 + 2 * id)) "$pb"
send clienta "$CLIENT_A:8000" "$GATE:$pa" 1
relay_check rtp-ba clientb "$CLIENT_B:9000" "$GATE:$pb" clienta "$CLIENT_A:8000" "$GATE:$pa" 3
relay_check rtp-ab clienta "$CLIENT_A:8000" "$GATE:$pa" clientb "$CLIENT_B:9000" "$GATE:$pb" 3
send clienta "$CLIENT_A:8001" "$GATE:$((pa + 1))" 1 --kind rtcp
relay_check rtcp-ba clientb "$CLIENT_B:9001" "$GATE:$((pb + 1))" clienta "$CLIENT_A:8001" "$GATE:$((pa + 1))" 2 --kind rtcp
relay_check rtcp-ab clienta "$CLIENT_A:8001" "$GATE:$((pa + 1))" clientb "$CLIENT_B:9001" "$GATE:$((pb + 1))" 2 --kind rtcp

step "the OUTPUT jump: a media server on the proxy host itself talks to B"
out=$(rtpp alloc --addr-a "$GATE" --port-a 50000 --rtp-addr-a "$GATE" --rtp-port-a 7000 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 9100)
echo "$out"
pa2=$(alloc_field "$out" gate-rtp-port-a)
pb2=$(alloc_field "$out" gate-rtp-port-b)
relay_check local-ab proxy "$GATE:7000" "$GATE:$pa2" clientb "$CLIENT_B:9100" "$GATE:$pb2" 2
relay_check local-ba clientb "$CLIENT_B:9100" "$GATE:$pb2" proxy "$GATE:7000" "$GATE:$pa2" 2

step "other UDP through the same chains is untouched"
relay_check sip clienta "$CLIENT_A:5060" "$GATE:5060" proxy "$GATE:5060" "$CLIENT_A:5060" 1
relay_check sip-back proxy "$GATE:5060" "$CLIENT_A:5060" clienta "$CLIENT_A:5060" "$GATE:5060" 1

step "a second rule naming the same gates shares the switchboard"
np "$IPT" -t mangle -I PREROUTING -i br-a -p udp -j RTPPROXY --addr-a "$GATE" --port-a 50000 --max-sess 100
expect_eq "switchboards" 1 "$(info_get switchboards)"
expect_eq "rules" 2 "$(sb_get rules)"
relay_check shared clienta "$CLIENT_A:8000" "$GATE:$pa" clientb "$CLIENT_B:9000" "$GATE:$pb" 2
step "with another max-sess it is refused"
expect_fail 4 np "$IPT" -t mangle -A OUTPUT -p udp -j RTPPROXY --addr-a "$GATE" --port-a 50000 --max-sess 50
step "removing one of the rules keeps the switchboard and its sessions"
np "$IPT" -t mangle -D PREROUTING -i br-a -p udp -j RTPPROXY --addr-a "$GATE" --port-a 50000 --max-sess 100
expect_eq "rules" 1 "$(sb_get rules)"
expect_eq "session $id" live "$(sess_get "$id" state)"
relay_check after clientb "$CLIENT_B:9000" "$GATE:$pb" clienta "$CLIENT_A:8000" "$GATE:$pa" 2
rtpp list
