#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may talk to the kernel: root yes, a plain user no, a user holding only CAP_NET_ADMIN yes.
# vm: not rt
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
sb=(--addr-a "$GATE_A" --port-a 50000)

# Copies of the tool where user nobody can reach them.
chmod 0755 "$TMP"
cp "$RTPP" "$TMP/iptrtpproxy"
cp "$RTPP" "$TMP/iptrtpproxy-cap"
setcap cap_net_admin+ep "$TMP/iptrtpproxy-cap"
getcap "$TMP/iptrtpproxy-cap"

step "root"
expect_ok rtpp info

step "nobody without capabilities: refused before asking the kernel, with advice"
for cmd in info list "alloc ${sb[*]} --rtp-learning-timeout-a 1000" "delete"; do
	# shellcheck disable=SC2086
	expect_fail 1 as_nobody "$TMP/iptrtpproxy" $cmd
	expect_contains "stderr" "iptrtpproxy: " "$(cat "$TMP/stderr")"
	expect_contains "stderr" "CAP_NET_ADMIN" "$(cat "$TMP/stderr")"
done

step "root without CAP_NET_ADMIN in its bounding set: refused too"
expect_fail 1 np setpriv --bounding-set=-net_admin --inh-caps=-all "$RTPP" info
expect_contains "stderr" "CAP_NET_ADMIN" "$(cat "$TMP/stderr")"

step "nobody with the file capability cap_net_admin+ep: allowed"
expect_ok as_nobody "$TMP/iptrtpproxy-cap" info
out=$(as_nobody "$TMP/iptrtpproxy-cap" alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000)
echo "$out"
id=$(alloc_field "$out" sess-id)
expect_ok as_nobody "$TMP/iptrtpproxy-cap" list
expect_contains "list" "  record=session id=$id state=live" "$(cat "$TMP/stdout")"
relay_check nobody-session clienta "$CLIENT_A:4000" "$GATE_A:$(alloc_field "$out" gate-rtp-port-a)" clientb "$CLIENT_B:6000" "$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 2
expect_ok as_nobody "$TMP/iptrtpproxy-cap" update "${sb[@]}" --sess-id-lo "$id" --rtp-learning-timeout-b 1000
expect_ok as_nobody "$TMP/iptrtpproxy-cap" info --reset-global-stat
expect_ok as_nobody "$TMP/iptrtpproxy-cap" delete "${sb[@]}" --sess-id-lo "$id"
expect_eq "sessions" 0 "$(info_get sessions)"

step "the kernel checks too: root of a user namespace does not own the proxy's network namespace"
if as_nobody unshare -Ur true 2>/dev/null; then
	expect_fail 1 as_nobody unshare -Ur "$TMP/iptrtpproxy" info
	cat "$TMP/stderr"
	step "but it owns a network namespace it creates: its own, empty, state"
	expect_ok as_nobody unshare -Urn "$TMP/iptrtpproxy" info
	expect_contains "info" "switchboards=0" "$(cat "$TMP/stdout")"
else
	echo "skipped: unprivileged user namespaces are disabled"
fi
