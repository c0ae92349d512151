#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attacks on a running relay: injection into another call, spoofed sources
# after learning, control from a user namespace that does not own the network
# namespace, reach across network namespaces, and an over-privileged CLI.
#
# What the relay cannot tell apart is left to the network: a packet whose
# forged source equals a learned client's exact address and port, and the
# first packet of a learning window (see docs/reliability.md).

. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 32
sb=(--addr-a "$GATE_A" --port-a 50000)

# call NAME PORT-A PORT-B: a session with fixed clients; sets NAME_a/NAME_b
# to its RTP gate ports and NAME_id to its id.
call() {
	local out
	out=$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a "$2" \
		--rtp-addr-b "$CLIENT_B" --rtp-port-b "$3")
	echo "$out"
	printf -v "$1_id" '%s' "$(alloc_field "$out" sess-id)"
	printf -v "$1_a" '%s' "$(alloc_field "$out" gate-rtp-port-a)"
	printf -v "$1_b" '%s' "$(alloc_field "$out" gate-rtp-port-b)"
}

step "two calls between the same two hosts"
call one 4000 6000
call two 4100 6100
relay_check one clienta "$CLIENT_A:4000" "$GATE_A:$one_a" clientb "$CLIENT_B:6000" "$GATE_B:$one_b" 2
relay_check two clienta "$CLIENT_A:4100" "$GATE_A:$two_a" clientb "$CLIENT_B:6100" "$GATE_B:$two_b" 2

step "a client of one call cannot inject into the other, from either side"
drops=$(sb_get drop-source)
recv_start two-b clientb "$CLIENT_B:6100" 0 --timeout 600
recv_start one-b clientb "$CLIENT_B:6000" 0 --timeout 600
send clienta "$CLIENT_A:4000" "$GATE_A:$two_a" 5
recv_stop two-b
recv_stop one-b
recv_start two-a clienta "$CLIENT_A:4100" 0 --timeout 600
send clientb "$CLIENT_B:6000" "$GATE_B:$two_b" 5
recv_stop two-a
expect_eq "drop-source" $((drops + 10)) "$(sb_get drop-source)"
expect_eq "call two's packets from A" 2 "$(stream_get "$two_id" rtp-a packets)"

step "a learning call: once the window closes, other sources are dropped"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 6000 --rtp-learning-timeout-b 6000)
echo "$out"
three_id=$(alloc_field "$out" sess-id)
three_a=$(alloc_field "$out" gate-rtp-port-a)
three_b=$(alloc_field "$out" gate-rtp-port-b)
send clienta "$CLIENT_A:4200" "$GATE_A:$three_a" 1
relay_check three clientb "$CLIENT_B:6200" "$GATE_B:$three_b" clienta "$CLIENT_A:4200" "$GATE_A:$three_a" 2
closed() { [ "$(stream_get "$three_id" rtp-a learn-ms)" = - ] && [ "$(stream_get "$three_id" rtp-b learn-ms)" = - ]; }
wait_until 20 "both learning windows closed" closed
drops=$(sb_get drop-source)
recv_start three-b clientb "$CLIENT_B:6200" 0 --timeout 600
# Mallory shares A's LAN: its own address, then A's address with another
# port, then another host's address, all hand-made with raw sockets.
send mallory "$MALLORY:4200" "$GATE_A:$three_a" 3
nm "${UDP[@]}" raw4 --from "$CLIENT_A:4202" --to "$GATE_A:$three_a" --count 3
nm "${UDP[@]}" raw4 --from "10.0.1.77:4200" --to "$GATE_A:$three_a" --count 3
recv_stop three-b
expect_eq "drop-source" $((drops + 9)) "$(sb_get drop-source)"
expect_eq "call three's client A" "$CLIENT_A:4200" "$(stream_get "$three_id" rtp-a client)"
relay_check three-after clienta "$CLIENT_A:4200" "$GATE_A:$three_a" clientb "$CLIENT_B:6200" "$GATE_B:$three_b" 2

step "root of a user namespace that does not own the proxy's network namespace changes nothing"
chmod 0755 "$TMP"
cp "$RTPP" "$TMP/iptrtpproxy"
packets=$(info_get packets)
sessions=$(info_get sessions)
if ! as_nobody unshare -Ur true 2>/dev/null; then
	fail "unprivileged user namespaces are disabled in this kernel: the check cannot run"
fi
for cmd in "alloc ${sb[*]} --rtp-learning-timeout-a 1000" \
	"update ${sb[*]} --sess-id-lo $one_id --rtp-addr-a $MALLORY --rtp-port-a 4000" \
	"delete ${sb[*]} --sess-id-lo $one_id" "delete" \
	"info --reset-global-stat" "list --reset-switchboard-stat" "list --reset-packet-stat" \
	"info --audit" "info" "list"; do
	# shellcheck disable=SC2086 # the words of a command line
	expect_fail 1 as_nobody unshare -Ur "$TMP/iptrtpproxy" $cmd
	expect_contains "stderr" "not permitted" "$(cat "$TMP/stderr")"
done
# Also root itself once it enters a user namespace of its own.
expect_fail 1 np unshare -Ur "$RTPP" delete
expect_eq "sessions" "$sessions" "$(info_get sessions)"
expect_eq "packets (not reset)" "$packets" "$(info_get packets)"
expect_eq "call one's client A" "$CLIENT_A:4000" "$(stream_get "$one_id" rtp-a client)"
relay_check one-after clienta "$CLIENT_A:4000" "$GATE_A:$one_a" clientb "$CLIENT_B:6000" "$GATE_B:$one_b" 2

step "another network namespace with the same switchboard cannot reach these sessions"
NAMESPACES+=(proxy2)
ip netns add proxy2
ip -n proxy2 link set lo up
ip -n proxy2 addr add "$GATE_A/24" dev lo
ip -n proxy2 addr add "$GATE_B/24" dev lo
ip netns exec proxy2 "$IPT" -t mangle -A PREROUTING -p udp -j RTPPROXY --addr-a "$GATE_A" --port-a 50000 \
	--addr-b "$GATE_B" --port-b 52000 --max-sess 32
expect_fail 1 ip netns exec proxy2 "$RTPP" delete "${sb[@]}" --sess-id-lo "$one_id"
expect_fail 1 ip netns exec proxy2 "$RTPP" update "${sb[@]}" --sess-id-lo "$two_id" --rtp-addr-a "$MALLORY" --rtp-port-a 4100
expect_ok ip netns exec proxy2 "$RTPP" delete
expect_ok ip netns exec proxy2 "$RTPP" info --reset-global-stat --reset-switchboard-stat --reset-packet-stat
expect_contains "proxy2 sees none of them" "sessions=0" "$(ip netns exec proxy2 "$RTPP" info)"
expect_eq "sessions here" "$sessions" "$(info_get sessions)"
expect_eq "call two's client A" "$CLIENT_A:4100" "$(stream_get "$two_id" rtp-a client)"
[ "$(info_get packets)" -gt 0 ] || fail "proxy2 reset this namespace's counters"
relay_check two-after clienta "$CLIENT_A:4100" "$GATE_A:$two_a" clientb "$CLIENT_B:6100" "$GATE_B:$two_b" 2

step "a CLI given too many file capabilities keeps only CAP_NET_ADMIN while it works"
cp "$RTPP" "$TMP/iptrtpproxy-over"
setcap cap_net_admin,cap_dac_override,cap_sys_admin,cap_sys_module,cap_setuid+ep "$TMP/iptrtpproxy-over"
getcap "$TMP/iptrtpproxy-over"
# The CLI writes its listing into a one-page pipe nobody reads yet: it blocks
# mid-output, after it talked to the kernel, and its capabilities can be read.
for _ in $(seq 20); do rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 >/dev/null; done
as_nobody "$PYTHON" -S -E -c '
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: one page
cli = subprocess.Popen([sys.argv[1], "list"], stdout=w)
os.close(w)
status = {}
for _ in range(200):
    time.sleep(0.05)
    try:
        with open(f"/proc/{cli.pid}/status") as f:
            status = dict(l.split(":\t", 1) for l in f.read().splitlines() if ":\t" in l)
        with open(f"/proc/{cli.pid}/wchan") as f:
            wchan = f.read()
    except OSError:
        break
    if status.get("State", "").startswith("S") and "pipe" in wchan:
        break
caps = {k: status.get(k, "?").strip() for k in ("CapInh", "CapPrm", "CapEff", "CapAmb")}
out = b""
while chunk := os.read(r, 65536):
    out += chunk
print(" ".join(f"{k}={v}" for k, v in caps.items()), f"listed={len(out)}", f"rc={cli.wait()}")
' "$TMP/iptrtpproxy-over" | tee "$TMP/caps"
caps=$(cat "$TMP/caps")
expect_contains "capabilities" "CapInh=0000000000000000 CapPrm=0000000000001000 CapEff=0000000000001000 CapAmb=0000000000000000" "$caps"
expect_match "the listing" ".* listed=[0-9]{4,} rc=0" "$caps"
