#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The control daemon's own switchboards (iptrtpproxyd/switchboard_rules.hpp,
# driven by tests/vm/sbrules): a base chain "iptrtpproxyd" in table ip mangle
# and table ip6 mangle, one RTPPROXY rule per switchboard (a bridge's in
# both), made through libnftnl in one transaction each time.
#   bad spec  an odd port is refused before anything is made
#   install   a v4 switchboard, a v6 one and a v4-v6 bridge, with the right
#             gates and max-sess, seen by iptrtpproxy, nft and iptables-nft;
#             the operator's own rule in mangle PREROUTING stays
#   adopt     the same install again (a daemon restarted after kill -9): the
#             sessions live on, with their ids, and relay
#   change    a switchboard dropped goes with its sessions, the others stay;
#             a max-sess the kernel refuses changes nothing at all
#   remove    the switchboards go, the ip6 table the daemon made goes, the
#             operator's rule and its table stay
# vm: one kernel
. "$(dirname "$0")/lib.sh"

# Not in run.sh's product snapshot: taken from there if a caller put it there
# (VM_RUNDIR's results/product), else from the build.
if [ -z "${SBRULES:-}" ]; then
	SBRULES=$REPO/build/tests/vm/sbrules
	[ ! -x /results/product/sbrules ] || SBRULES=/results/product/sbrules
fi
[ -x "$SBRULES" ] || fail "$SBRULES is not built (make userspace)"
sbr() { np "$SBRULES" "$@"; }

setup_all

V4="$GATE_A:50000,$GATE_B:52000,8"
V6="[$GATE6_A]:54000,[$GATE6_B]:56000,4"
BRIDGE="$GATE_A:40000,[$GATE6_B]:42000,2"
SB_V4="$GATE_A/50000 $GATE_B/52000 max-sess=8"
SB_V6="$GATE6_A/54000 $GATE6_B/56000 max-sess=4"
SB_BRIDGE="$GATE_A/40000 $GATE6_B/42000 max-sess=2 rules=2"
OPERATOR_RULE="-A PREROUTING -p tcp -m tcp --dport 5060 -j ACCEPT"

# One line per switchboard, sorted: "A-ADDR/PORT B-ADDR/PORT max-sess=N
# rules=N live=N created=N" (created: sessions-created, 0 in a new one).
switchboards() {
	rtpp list --no-session | awk '
		$1 == "record=switchboard" {
			delete kv
			for (i = 2; i <= NF; i++) {
				p = index($i, "=")
				kv[substr($i, 1, p - 1)] = substr($i, p + 1)
			}
			print kv["addr-a"] "/" kv["port-a"] " " kv["addr-b"] "/" kv["port-b"] \
				" max-sess=" kv["max-sess"] " rules=" kv["rules"] " live=" kv["live"] \
				" created=" kv["sessions-created"]
		}' | sort
}

# The tables named mangle, each with the rules of its chain iptrtpproxyd (-
# without that chain): "ip=2 ip6=1". The rules are counted by their match:
# nft 1.0.6 shows the target as "xt target RTPPROXY" in an ip table, as
# nothing in an ip6 one. The ruleset's text is left in $TMP/ruleset.
mangle_tables() {
	np nft list ruleset >"$TMP/ruleset"
	awk '
		/^table / { t = $2; m = ($3 == "mangle"); if (m) { order[++n] = t; rules[t] = "-" } }
		/^\tchain / { c = $2; if (m && c == "iptrtpproxyd") rules[t] = 0 }
		m && c == "iptrtpproxyd" && /^\t\tmeta l4proto udp/ { rules[t]++ }
		END { for (i = 1; i <= n; i++) printf "%s%s=%s", (i > 1 ? " " : ""), order[i], rules[order[i]]; print "" }
	' "$TMP/ruleset"
}

step "the operator's own rule in mangle PREROUTING, before the daemon"
ipt -t mangle -A PREROUTING -p tcp --dport 5060 -j ACCEPT

step "a bad spec (an odd port): refused, nothing made"
expect_fail 1 sbr install "$V4" "$GATE_A:50001,$GATE_B:53000,8"
expect_contains "the message" "10.0.1.1:50001 <-> 10.0.2.1:53000: --port-a 50001 is odd" \
	"$(<"$TMP/stderr")"
expect_fail 1 sbr installed
expect_eq "mangle tables (rules of iptrtpproxyd)" "ip=-" "$(mangle_tables)"

step "install: a v4 switchboard, a v6 one and a v4-v6 bridge"
expect_ok sbr install "$V4" "$V6" "$BRIDGE"
expect_ok sbr installed
expect_eq "switchboards" "$SB_BRIDGE live=0 created=0
$SB_V4 rules=1 live=0 created=0
$SB_V6 rules=1 live=0 created=0" "$(switchboards)"
tables=$(mangle_tables)
printf '%s\n' "$(<"$TMP/ruleset")"
expect_eq "mangle tables (rules of iptrtpproxyd)" "ip=2 ip6=2" "$tables"
expect_contains "nft: the chain" "chain iptrtpproxyd {
		type filter hook prerouting priority mangle; policy accept;
		meta l4proto udp xt target RTPPROXY" "$(<"$TMP/ruleset")"
ipt -t mangle -S >"$TMP/ipt-S"
printf '%s\n' "$(<"$TMP/ipt-S")"
expect_contains "iptables-nft -S: the operator's rule" "$OPERATOR_RULE" "$(<"$TMP/ipt-S")"
expect_contains "iptables-nft -S: of the daemon's chain only a comment" \
	"# Table \`mangle' contains incompatible base-chains" "$(<"$TMP/ipt-S")"

step "sessions, then the same install again (a daemon restarted): they live on"
mapfile -t out < <(rtpp -b - <<-EOF
	alloc --addr-a $GATE_A --port-a 50000 --rtp-learning-timeout-a 600000 --rtp-addr-b $CLIENT_B --rtp-port-b 6000
	alloc --addr-a $GATE6_A --port-a 54000 --rtp-addr-a $CLIENT6_A --rtp-port-a 4000 --rtp-addr-b $CLIENT6_B --rtp-port-b 6000
EOF
)
printf '%s\n' "${out[@]}"
id4=$(alloc_field "${out[0]}" sess-id)
pa=$(alloc_field "${out[0]}" gate-rtp-port-a)
pb=$(alloc_field "${out[0]}" gate-rtp-port-b)
expect_ok sbr install "$V4" "$V6" "$BRIDGE"
expect_eq "switchboards: the same ones, each with its session" "$SB_BRIDGE live=0 created=0
$SB_V4 rules=1 live=1 created=1
$SB_V6 rules=1 live=1 created=1" "$(switchboards)"
expect_eq "the v4 session, by its id" live "$(sess_get "$id4" state --addr-a "$GATE_A" --port-a 50000)"
relay_check adopted clienta "$CLIENT_A:4000" "$GATE_A:$pa" clientb "$CLIENT_B:6000" "$GATE_B:$pb" 2

step "a changed set: the v6 switchboard dropped, its session with it"
expect_ok sbr install "$V4" "$BRIDGE"
# The kernel destroys the old rules after the transaction, from a work queue.
wait_value 10 "only the v6 switchboard gone" "$SB_BRIDGE live=0 created=0
$SB_V4 rules=1 live=1 created=1" switchboards
expect_eq "sessions" 1 "$(info_get sessions)"
expect_eq "mangle tables (rules of iptrtpproxyd)" "ip=2 ip6=1" "$(mangle_tables)"

step "another max-sess for gates in use: the kernel refuses, nothing changes"
expect_fail 1 sbr install "$GATE_A:50000,$GATE_B:52000,16" "$BRIDGE"
expect_contains "the message" "Invalid argument" "$(<"$TMP/stderr")"
expect_eq "switchboards" "$SB_BRIDGE live=0 created=0
$SB_V4 rules=1 live=1 created=1" "$(switchboards)"
expect_eq "mangle tables (rules of iptrtpproxyd)" "ip=2 ip6=1" "$(mangle_tables)"

step "remove: the switchboards go, the operator's rule stays"
expect_ok sbr remove
no_switchboards() { [ "$(info_get switchboards)" = 0 ]; }
wait_until 10 "no switchboard left" no_switchboards
expect_fail 1 sbr installed
# ip6 mangle held only the daemon's chain: it went with it.
expect_eq "mangle tables (rules of iptrtpproxyd)" "ip=-" "$(mangle_tables)"
expect_eq "iptables-nft -S PREROUTING" "-P PREROUTING ACCEPT
$OPERATOR_RULE" "$(ipt -t mangle -S PREROUTING)"
