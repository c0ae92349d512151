#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Events (issue 10, item 9): `iptrtpproxy monitor` prints one key=value line
# per event of the module's multicast group.
#   call      a call's life: switchboard-new, session-new with its label,
#             learned with the client, deleted with its counters, expired,
#             resurrected, freed, switchboard-del with its counters
#   filters   a selector and a label filter keep a monitor's lines to theirs
#   who       a plain user may not listen; another namespace's listener
#             hears nothing of this one
#   burst     10,000 sessions expire and are freed in one scan: a listener
#             with room enough gets every event; one with a small buffer is
#             told it lost some (event=lost), and the module's events-lost
#             counts at least what it missed
. "$(dirname "$0")/lib.sh"

SESSBENCH=${SESSBENCH:-$REPO/build/bench/sessbench}
[ -x "$SESSBENCH" ] || fail "$SESSBENCH is not built"
sbench() { np "$SESSBENCH" "$@"; }

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 30000 --max-sess 16
sb=(--addr-a "$GATE_A" --port-a 20000)

# monitor NAME PROBE-SB PROBE-LABEL [OPTIONS...]: a monitor in the
# background, its lines in $TMP/NAME; waits until it hears: a probe session
# with that label allocated and deleted in switchboard PROBE-SB (an array's
# name), which the monitor's filter must let through.
monitors=()
monitor() {
	local name=$1 probe_sb=$2 label=$3
	shift 3
	np "$RTPP" monitor "$@" >"$TMP/$name" 2>"$TMP/$name.err" &
	monitors+=($!)
	wait_until 30 "monitor $name listens" probe "$name" "$probe_sb" "$label"
}
# probe NAME SB LABEL
probe() {
	local -n psb=$2
	local id
	id=$(alloc_field "$(rtpp alloc "${psb[@]}" --rtp-learning-timeout-a 1000 --label "$3")" sess-id)
	rtpp delete "${psb[@]}" --sess-id-lo "$id" >/dev/null
	grep -q "^event=deleted .*label=$3" "$TMP/$1"
}
stop_monitors() {
	kill "${monitors[@]}" 2>/dev/null || true
	wait "${monitors[@]}" 2>/dev/null || true
	monitors=()
}
# lines NAME EVENT [GREP-REGEX]: the count of a monitor's lines of an event.
lines() { grep -c "^event=$2 ${3:-}" "$TMP/$1" || true; }
# field NAME EVENT KEY [GREP-REGEX]: KEY of the last such line.
field() {
	grep "^event=$2 ${4:-}" "$TMP/$1" | tail -n 1 | tr ' ' '\n' |
		awk -v k="$3" 'index($0, k "=") == 1 { print substr($0, length(k) + 2) }'
}

step "call: every event of a call's life, with its label and counters"
monitor all sb probe
monitor mine sb 'c1;probe' "${sb[@]}" --label 'c1;' --label-prefix
add_switchboard --chain short --addr-a "$GATE_A" --port-a 40000 --addr-b "$GATE_B" --port-b 42000 \
	--max-sess 4 --expires-timeout 2 --resurrection-timeout 60
wait_until 20 "switchboard-new" grep -q "^event=switchboard-new .*port-a=40000" "$TMP/all"
out=$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 60000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000 \
	--label 'c1;tag:a')
id=$(alloc_field "$out" sess-id)
rtp_gate_a=$(alloc_field "$out" gate-rtp-port-a)
wait_until 20 "session-new" grep -q "^event=session-new .*id=$id .*label=c1;tag:a" "$TMP/all"
relay_check learn clienta "$CLIENT_A:4000" "$GATE_A:$rtp_gate_a" clientb "$CLIENT_B:6000" \
	"$GATE_B:$(alloc_field "$out" gate-rtp-port-b)" 3
wait_until 20 "learned" grep -q "^event=learned .*id=$id " "$TMP/all"
expect_eq "learned: the stream" rtp-a "$(field all learned stream)"
expect_eq "learned: the client" "$CLIENT_A:4000" "$(field all learned rtp-a-client)"
expect_eq "learned once for 3 packets from one source" 1 "$(lines all learned ".*id=$id ")"
rtpp delete "${sb[@]}" --sess-id-lo "$id"
wait_until 20 "deleted" grep -q "^event=deleted .*id=$id .*label=c1;tag:a" "$TMP/all"
expect_eq "deleted: its counters" 3 "$(field all deleted rtp-a-packets ".*label=c1;tag:a")"
# Expiry: idle for 2 s, resurrected (within a minute: a debug kernel takes
# seconds to get there), idle again, freed a second later (the rule
# replaced: the newest rule's timeouts apply).
sh=(--addr-a "$GATE_A" --port-a 40000)
id=$(alloc_field "$(rtpp alloc "${sh[@]}" --rtp-learning-timeout-a 60000 --label 'c2')" sess-id)
wait_until 30 "expired" grep -q "^event=expired .*label=c2" "$TMP/all"
rtpp update "${sh[@]}" --sess-id-lo "$id" --rtp-learning-timeout-a 60000
wait_until 20 "resurrected" grep -q "^event=resurrected .*label=c2" "$TMP/all"
expect_eq "resurrected: live" live "$(field all resurrected state ".*label=c2")"
np "$IPT" -t mangle -R short 1 -j RTPPROXY --addr-a "$GATE_A" --port-a 40000 --addr-b "$GATE_B" \
	--port-b 42000 --max-sess 4 --expires-timeout 2 --resurrection-timeout 1
wait_until 40 "freed" grep -q "^event=freed .*label=c2" "$TMP/all"
expect_eq "expired twice" 2 "$(lines all expired ".*label=c2")"
np "$IPT" -t mangle -F short
wait_until 20 "switchboard-del" grep -q "^event=switchboard-del .*port-a=40000" "$TMP/all"
expect_contains "switchboard-del: its counters" "sessions-created=1" \
	"$(grep "^event=switchboard-del .*port-a=40000" "$TMP/all")"
expect_eq "the filtered monitor: c1;tag=a's session-new, learned, deleted" 3 \
	"$(grep -c '^event=.*label=c1;tag:a' "$TMP/mine")"
expect_eq "the filtered monitor: nothing else but its probes" 3 \
	"$(grep -vc 'label=c1;probe' "$TMP/mine")"
expect_eq "the filtered monitor: none of c2" 0 "$(grep -c 'label=c2' "$TMP/mine" || true)"
stop_monitors

step "who: a plain user may not listen, another namespace hears nothing"
expect_fail 1 as_nobody "$RTPP" monitor --count 1
# The kernel's own refusal, without the CLI's check in front of it: joining
# the group (its id from the generic netlink controller) as nobody.
expect_eq "the kernel refuses nobody" EPERM "$(as_nobody "$PYTHON" -S -E -c '
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
name = b"xt_rtpproxy\0"
a = struct.pack("HH", 4 + len(name), 2) + name + bytes(-len(name) % 4)
body = struct.pack("BBH", 3, 1, 0) + a  # CTRL_CMD_GETFAMILY
s.send(struct.pack("IHHII", 16 + len(body), 0x10, 1, 1, 0) + body)
data = s.recv(1 << 16)
def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        n, t = struct.unpack_from("HH", buf, off)
        yield t & 0x3fff, buf[off + 4:off + n]
        off += (n + 3) & ~3
group = None
for t, v in attrs(data[20:]):
    if t == 7:  # CTRL_ATTR_MCAST_GROUPS
        for _, g in attrs(v):
            d = dict(attrs(g))
            if d.get(1, b"").rstrip(b"\0") == b"events":  # GRP_NAME
                group = struct.unpack("I", d[2])[0]  # GRP_ID
try:
    s.setsockopt(270, 1, group)  # SOL_NETLINK, NETLINK_ADD_MEMBERSHIP
    print("joined")
except PermissionError:
    print("EPERM")
')"
ip netns add events2
ip netns exec events2 "$RTPP" monitor >"$TMP/other" 2>&1 &
other=$!
nap 2
id=$(alloc_field "$(rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 1000)" sess-id)
rtpp delete "${sb[@]}" --sess-id-lo "$id"
nap 2
kill "$other"
wait "$other" 2>/dev/null || true
ip netns del events2
expect_eq "the other namespace's monitor heard nothing" "" "$(cat "$TMP/other")"

step "burst: 10,000 sessions expire and are freed in one scan"
# Gates on an address of their own: 20,000 ports each.
add_switchboard --chain burst --addr-a "$GATE" --port-a 10000 --addr-b "$GATE" --port-b 32000 \
	--max-sess 10000 --expires-timeout 3600 --resurrection-timeout 0
sbu=(--addr-a "$GATE" --port-a 10000)
# Room for 30,000 events (SO_RCVBUFFORCE: root), and a page or two.
monitor big sbu probe "${sbu[@]}" --rcvbuf 64M
monitor small sbu probe "${sbu[@]}" --rcvbuf 4096
sbench setup --gates-a "$GATE" --gates-b "$GATE" --port-a 10000 --port-b 32000 \
	--per-switchboard 10000 --count 10000 --batch 10000 --client-a "$CLIENT_A:4000" \
	--client-b "$CLIENT_B:6000" --out "$TMP/sess" >/dev/null
expect_eq "sessions" 10000 "$(sb_get live "${sbu[@]}")"
# Every session-new was sent (or lost) when the alloc was answered.
lost_before=$(info_get events-lost)
# The newest rule's timeouts apply to every session: all are idle past 1 s.
np "$IPT" -t mangle -R burst 1 -j RTPPROXY --addr-a "$GATE" --port-a 10000 --addr-b "$GATE" \
	--port-b 32000 --max-sess 10000 --expires-timeout 1 --resurrection-timeout 0
wait_value 120 "all freed" 0 sb_get live "${sbu[@]}"
counts() {
	local m
	for m in big small; do
		echo "$m: $(wc -l <"$TMP/$m") lines, $(lines "$m" expired) expired, $(lines "$m" freed) freed, $(lines "$m" lost) lost; $(tail -c 300 "$TMP/$m.err")"
	done
}
counts
for ((t = 0; t < 120; t += 2)); do
	[ "$(lines big freed)" = 10000 ] && break
	nap 2
done
counts
[ "$(lines big freed)" = 10000 ] || fail "the big monitor did not read every freed event in 120 s"
nap 2
stop_monitors
lost=$(($(info_get events-lost) - lost_before))
expect_eq "big: every session-new" 10000 \
	"$(grep '^event=session-new ' "$TMP/big" | grep -vc 'label=probe')"
expect_eq "big: every expiry" 10000 "$(lines big expired)"
expect_eq "big: every free" 10000 "$(lines big freed)"
expect_eq "big: no loss" 0 "$(lines big lost)"
got=$(($(lines small expired) + $(lines small freed)))
echo "small monitor: $got of 20000 events, $(lines small lost) loss reports; events-lost +$lost"
expect_match "small: told of its loss" "[1-9][0-9]*" "$(lines small lost)"
# Each event the small monitor missed is counted (at least: the count is of
# the namespace, and a burst of netlink congestion may count more).
((got + lost >= 20000)) || fail "small missed $((20000 - got)) events, events-lost counted $lost"
((lost <= 20000)) || fail "events-lost counted $lost of 20000 events"
