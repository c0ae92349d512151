#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reloading the ruleset (iptables-restore, unrelated rule changes) keeps switchboards, sessions and counters.
. "$(dirname "$0")/lib.sh"

setup_all

check_variant() {
	local v=$1 ipt=iptables-$1
	step "$v: a switchboard with a live session and traffic"
	add_switchboard --ipt "$ipt" --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 8
	sb=(--addr-a "$GATE_A" --port-a 50000)
	out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
	id=$(alloc_field "$out" sess-id)
	pa=$(alloc_field "$out" gate-rtp-port-a)
	pb=$(alloc_field "$out" gate-rtp-port-b)
	relay_check "$v-before" clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 3
	expect_eq "rtp-a packets" 3 "$(stream_get "$id" rtp-a packets)"

	step "$v: iptables-save | iptables-restore"
	np "$ipt-save" >"$TMP/$v.save"
	np "$ipt-restore" <"$TMP/$v.save"
	list_session "$id"
	expect_eq "session state" live "$(sess_get "$id" state)"
	expect_eq "learned client" "$CLIENT_A:4000" "$(stream_get "$id" rtp-a client)"
	expect_eq "rtp-a packets" 3 "$(stream_get "$id" rtp-a packets)"
	expect_eq "switchboard packets" 3 "$(sb_get packets)"
	expect_eq "switchboards" 1 "$(info_get switchboards)"
	relay_check "$v-after" clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2
	relay_check "$v-after-back" clientb "$CLIENT_B:6000" "$GATE_B:$pb" clienta "$CLIENT_A:4000" "$GATE_A:$pa" 2

	step "$v: unrelated rules come and go"
	np "$ipt" -t mangle -I PREROUTING -p tcp -j ACCEPT
	np "$ipt" -t mangle -A OUTPUT -p icmp -j ACCEPT
	np "$ipt" -t mangle -D PREROUTING -p tcp -j ACCEPT
	np "$ipt" -t filter -A INPUT -p tcp --dport 5060 -j ACCEPT
	expect_eq "session state" live "$(sess_get "$id" state)"
	relay_check "$v-unrelated" clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2
	expect_eq "rtp-a packets" 7 "$(stream_get "$id" rtp-a packets)"

	step "$v: restore with new timeouts for the same gates: sessions stay, timeouts change"
	sed 's/--expires-timeout 3600 --resurrection-timeout 30/--expires-timeout 7200 --resurrection-timeout 45/' \
		"$TMP/$v.save" >"$TMP/$v.new"
	grep -q 'expires-timeout 7200' "$TMP/$v.new"
	np "$ipt-restore" <"$TMP/$v.new"
	expect_eq "expires-timeout" 7200 "$(sb_get expires-timeout)"
	expect_eq "resurrection-timeout" 45 "$(sb_get resurrection-timeout)"
	expect_eq "session state" live "$(sess_get "$id" state)"
	relay_check "$v-retimed" clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 1

	step "$v: a restore without the rule ends the switchboard"
	grep -v -- '-j RTPPROXY' "$TMP/$v.save" >"$TMP/$v.without"
	np "$ipt-restore" <"$TMP/$v.without"
	no_switchboards() { [ "$(info_get switchboards)" = 0 ]; }
	wait_until 10 "no switchboard left" no_switchboards
	expect_eq "sessions" 0 "$(info_get sessions)"
	drop_check "$v-gone" clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" 1

	step "$v: the rule back: a fresh switchboard"
	np "$ipt-restore" <"$TMP/$v.save"
	expect_eq "switchboards" 1 "$(info_get switchboards)"
	expect_eq "sessions" 0 "$(info_get sessions)"
	np "$ipt" -t mangle -F
	np "$ipt" -t mangle -X
	np "$ipt" -t filter -F
	wait_until 10 "no switchboard left" no_switchboards
}

check_variant legacy
check_variant nft
