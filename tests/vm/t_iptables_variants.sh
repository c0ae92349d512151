#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The target with iptables-legacy and iptables-nft, IPv4 and IPv6: save/restore round-trips byte for byte.
# The extension's side (userspace); both variants' kernel paths run in other tests on every kernel.
# vm: one kernel
. "$(dirname "$0")/lib.sh"

setup_all

rules_of() { np "$1-save" -t mangle | grep '^-A' || true; }

check_variant() {
	local v=$1 ipt=iptables-$1 ip6t=ip6tables-$1
	step "$v: rules with every option (IPv4) and with defaults only (IPv6)"
	add_switchboard --ipt "$ipt" --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 \
		--max-sess 8 --expires-timeout 3000 --resurrection-timeout 10
	add_switchboard --ipt "$ip6t" --defaults --addr-a "$GATE6" --port-a 30000 --max-sess 2
	np "$ipt" -t mangle -L -n -v
	np "$ip6t" -t mangle -L -n

	step "$v: what iptables-save prints"
	rules_of "$ipt" | tee "$TMP/$v.rules4"
	rules_of "$ip6t" | tee "$TMP/$v.rules6"
	expect_eq "saved IPv4 rule" "-A rtpproxy -j RTPPROXY --addr-a $GATE_A --port-a 50000 --addr-b $GATE_B --port-b 52000 --max-sess 8 --expires-timeout 3000 --resurrection-timeout 10" \
		"$(grep RTPPROXY "$TMP/$v.rules4")"
	expect_eq "saved IPv6 rule (defaults filled in)" "-A rtpproxy -j RTPPROXY --addr-a $GATE6 --port-a 30000 --addr-b $GATE6 --port-b 30004 --max-sess 2 --expires-timeout 60 --resurrection-timeout 30" \
		"$(grep RTPPROXY "$TMP/$v.rules6")"

	step "$v: save | restore | save gives the same rules"
	np "$ipt-save" >"$TMP/$v.save4"
	np "$ip6t-save" >"$TMP/$v.save6"
	np "$ipt-restore" <"$TMP/$v.save4"
	np "$ip6t-restore" <"$TMP/$v.save6"
	expect_eq "IPv4 rules after restore" "$(cat "$TMP/$v.rules4")" "$(rules_of "$ipt")"
	expect_eq "IPv6 rules after restore" "$(cat "$TMP/$v.rules6")" "$(rules_of "$ip6t")"
	cmp <(grep -v '^#' "$TMP/$v.save4" | sed 's/\[[0-9]*:[0-9]*\]//') \
		<(np "$ipt-save" | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//')
	echo "ok: whole IPv4 save output identical but for counters"

	step "$v: the switchboards work"
	expect_eq "switchboards" 2 "$(info_get switchboards)"
	expect_eq "rules" 1 "$(sb_get rules --addr-a "$GATE_A")"
	out=$(rtpp alloc --addr-a "$GATE_A" --port-a 50000 --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
		--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
	relay_check "$v-4" clienta "$CLIENT_A:4000" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" clientb "$CLIENT_B:6000" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 2
	out=$(rtpp alloc --addr-a "$GATE6" --port-a 30000 --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4000 \
		--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6000)
	relay_check "$v-6" clientb "[$CLIENT6_B]:6000" "[$GATE6]:$(alloc_field "$out" gate-rtp-port-b)" clienta "[$CLIENT6_A]:4000" "[$GATE6]:$(alloc_field "$out" gate-rtp-port-a)" 2

	step "$v: deleting the rules deletes the switchboards and their sessions"
	for cmd in "$ipt" "$ip6t"; do
		np "$cmd" -t mangle -F
		np "$cmd" -t mangle -X rtpproxy
	done
	no_switchboards() { [ "$(info_get switchboards)" = 0 ]; }
	wait_until 10 "no switchboard left" no_switchboards
	expect_eq "sessions" 0 "$(info_get sessions)"
}

check_variant legacy
check_variant nft

step "a hand-written restore file, as an operator would keep it"
cat >"$TMP/hand" <<RULES
*mangle
:rtpproxy - [0:0]
-A PREROUTING -p udp -j rtpproxy
-A rtpproxy -j RTPPROXY --addr-a $GATE --port-a 20000 --max-sess 50
COMMIT
RULES
np iptables-nft-restore <"$TMP/hand"
expect_eq "port-b default" 20100 "$(sb_get port-b)"
expect_eq "saved" "-A rtpproxy -j RTPPROXY --addr-a $GATE --port-a 20000 --addr-b $GATE --port-b 20100 --max-sess 50 --expires-timeout 60 --resurrection-timeout 30" \
	"$(rules_of iptables-nft | grep RTPPROXY)"
