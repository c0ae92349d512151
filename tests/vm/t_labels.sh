#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Session labels (issue 10, item 10): opaque bytes set at alloc and update,
# returned by list (the table dump and the per-session dump) and usable as
# a list filter, exact or by prefix; IPv4 and IPv6.
#   text      every byte value goes in and comes back, written %XX where it
#             is not printable or is '%' or '=' (iptrtpproxy(8): the label's
#             text form)
#   update    replaces a label, '' removes it, an update without --label
#             keeps it
#   filter    a filter lists exactly the sessions with the label (or the
#             prefix), across the several messages of a long dump, in both
#             dumps; a filter that matches nothing lists none
#   bounds    128 bytes are taken, 129 refused (by the CLI, and by the
#             kernel when sent raw)
# vm: not rt
. "$(dirname "$0")/lib.sh"

SESSBENCH=${SESSBENCH:-$REPO/build/bench/sessbench}
[ -x "$SESSBENCH" ] || fail "$SESSBENCH is not built"
sbench() { np "$SESSBENCH" "$@"; }

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 20000 --addr-b "$GATE_B" --port-b 30000 --max-sess 600
add_switchboard --ipt "$IP6T" --chain rtpproxy6 --addr-a "$GATE6_A" --port-a 40000 \
	--addr-b "$GATE6_B" --port-b 40000 --max-sess 16
sb=(--addr-a "$GATE_A" --port-a 20000)
sb6=(--addr-a "$GATE6_A" --port-a 40000)

# alloc4 LABEL-TEXT: a session with fixed clients and that label; prints its id.
alloc4() {
	alloc_field "$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 \
		--rtp-addr-b "$CLIENT_B" --rtp-port-b 6000 --label "$1")" sess-id
}

step "text: a label comes back as it went in, bytes outside ASCII written %XX"
plain=$(alloc4 'c1;from-tag=a8f2;to-tag=77b')
odd=$(alloc4 'call%20id%00%FF%25x')
none=$(alloc_field "$(rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4002 \
	--rtp-addr-b "$CLIENT_B" --rtp-port-b 6002)" sess-id)
expect_eq "plain label, '=' written %3D" 'c1;from-tag%3Da8f2;to-tag%3D77b' "$(sess_get "$plain" label "${sb[@]}")"
expect_eq "space, NUL, 0xff and % as %XX" 'call%20id%00%FF%25x' "$(sess_get "$odd" label "${sb[@]}")"
expect_eq "no label: no key" - "$(sess_get "$none" label "${sb[@]}")"
# Lower-case hex in, upper-case out: the same bytes.
rtpp update "${sb[@]}" --sess-id-lo "$odd" --label 'call%20id%00%ff%25x'
expect_eq "lower-case hex reads as the same bytes" 'call%20id%00%FF%25x' "$(sess_get "$odd" label "${sb[@]}")"
out=$(rtpp alloc "${sb6[@]}" --rtp-addr-a "$CLIENT6_A" --rtp-port-a 4000 \
	--rtp-addr-b "$CLIENT6_B" --rtp-port-b 6000 --label 'v6;call')
expect_contains "alloc prints the label" "label=v6;call" "$out"
expect_eq "IPv6 session's label" 'v6;call' "$(sess_get "$(alloc_field "$out" sess-id)" label "${sb6[@]}")"

step "update: replaces the label, '' removes it, an update without --label keeps it"
rtpp update "${sb[@]}" --sess-id-lo "$plain" --label 'c1;from-tag=a8f2;to-tag=9'
expect_eq "replaced" 'c1;from-tag%3Da8f2;to-tag%3D9' "$(sess_get "$plain" label "${sb[@]}")"
rtpp update "${sb[@]}" --sess-id-lo "$plain" --max-ttl 9
expect_eq "kept by an update of something else" 'c1;from-tag%3Da8f2;to-tag%3D9' "$(sess_get "$plain" label "${sb[@]}")"
rtpp update "${sb[@]}" --sess-id-lo "$plain" --label ''
expect_eq "removed" - "$(sess_get "$plain" label "${sb[@]}")"
rtpp update "${sb[@]}" --sess-id-lo "$plain" --label 'c1;from-tag=a8f2'
rtpp delete "${sb[@]}" --sess-id-lo "$none"

step "filter: 500 labelled sessions, listed by label and by prefix"
# Calls k0..k99 with 5 sessions each: "kN;leg=M". The list of a prefix spans
# several dump messages.
for ((i = 0; i < 500; i++)); do
	echo "alloc --addr-a $GATE_A --port-a 20000 --rtp-addr-a $CLIENT_A --rtp-port-a $((10000 + 2 * i)) --rtp-addr-b $CLIENT_B --rtp-port-b 6000 --label k$((i / 5));leg=$((i % 5))"
done >"$TMP/allocs"
rtpp --batch "$TMP/allocs" >"$TMP/allocated"
expect_eq "allocated" 500 "$(grep -c '^sess-id=' "$TMP/allocated")"
want=$(awk '/label=k7;/ { for (i = 1; i <= NF; i++) if ($i ~ /^sess-id=/) print substr($i, 9) }' \
	"$TMP/allocated" | sort -n | tr '\n' ' ')
listed_ids() { rtpp list "$@" | awk '/^  record=session / { print substr($2, 4) }' | sort -n | tr '\n' ' '; }
expect_eq "exact: one session" "$(awk '/label=k7;leg%3D3( |$)/ { print substr($1, 9) }' "$TMP/allocated") " \
	"$(listed_ids "${sb[@]}" --label 'k7;leg=3')"
expect_eq "prefix k7;: its 5 sessions" "$want" "$(listed_ids "${sb[@]}" --label 'k7;' --label-prefix)"
expect_eq "prefix k: all 500" 500 "$(rtpp list --label k --label-prefix | grep -c '^  record=session ')"
expect_eq "exact k7; (a prefix of labels, the label of none)" "" "$(listed_ids --label 'k7;')"
expect_eq "prefix c1;from-tag=: the one call" "$plain " "$(listed_ids --label 'c1;from-tag=' --label-prefix)"
expect_eq "nothing matches" "" "$(listed_ids --label 'nobody' --label-prefix)"
expect_eq "IPv6: its switchboard only" 1 "$(rtpp list --label 'v6;' --label-prefix | grep -c '^  record=session ')"
# The per-session dump (GET_SESSION) filters as the table dump does.
single=$(sbench list --repeat 1 --format single --label-prefix k4)
echo "single: $single"
expect_contains "per-session dump, prefix k4 (k4 and k40..k49)" "sessions=55 " "$single"
table=$(sbench list --repeat 1 --format table --label-prefix k4)
expect_contains "table dump, prefix k4" "sessions=55 " "$table"
single=$(sbench list --repeat 1 --format single --label 'k4;leg=0')
expect_contains "per-session dump, exact" "sessions=1 " "$single"

step "bounds: 128 bytes are a label, 129 are not"
l128=$(printf 'L%.0s' {1..128})
id=$(alloc4 "$l128")
expect_eq "128 bytes kept" "$l128" "$(sess_get "$id" label "${sb[@]}")"
# %XX is one byte: 128 of them are 128 bytes.
rtpp update "${sb[@]}" --sess-id-lo "$id" --label "$(printf '%%41%.0s' {1..128})"
expect_eq "128 bytes written %XX" "$(printf 'A%.0s' {1..128})" "$(sess_get "$id" label "${sb[@]}")"
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$id" --label "${l128}x"
expect_contains "CLI: too long" "128" "$(cat "$TMP/stderr")"
expect_fail 2 rtpp list --label ''
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$id" --label 'a%4'
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$id" --label 'a%zz'
# The kernel's own bounds, without the CLI's and the library's checks in
# front of them: raw requests (the attribute numbers are the ABI's, pinned by
# tests/unit/abi_asserts.h). Prints "ok" or "error=ERRNO MESSAGE".
raw() {
	np "$PYTHON" -S -E - "$@" <<'PY'
import socket, struct, sys

def attr(t, data):
    n = 4 + len(data)
    return struct.pack("HH", n, t) + data + bytes(-n % 4)

def nest(t, *parts):
    return attr(t | 0x8000, b"".join(parts))

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
s.setsockopt(270, 11, 1)  # SOL_NETLINK, NETLINK_EXT_ACK

def ask(family, cmd, flags, payload):
    body = struct.pack("BBH", cmd, 1, 0) + payload
    s.send(struct.pack("IHHII", 16 + len(body), family, flags, 1, 0) + body)
    data = s.recv(1 << 16)
    kind, mflags = struct.unpack_from("HH", data, 4)
    if kind != 2:  # not NLMSG_ERROR: an answer
        return data, 0, ""
    err = struct.unpack_from("i", data, 16)[0]
    off = 20 + (16 if mflags & 0x100 else struct.unpack_from("I", data, 20)[0])
    msg = ""
    while off + 4 <= len(data):
        n, t = struct.unpack_from("HH", data, off)
        if n < 4:
            break
        if t == 1:  # NLMSGERR_ATTR_MSG
            msg = data[off + 4:off + n].rstrip(b"\0").decode()
        off += (n + 3) & ~3
    return data, err, msg

# The family's id (CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME; reply: FAMILY_ID).
data, err, _ = ask(0x10, 3, 1, attr(2, b"xt_rtpproxy\0"))
assert not err, err
off, family = 20, None
while off + 4 <= len(data):
    n, t = struct.unpack_from("HH", data, off)
    if t == 1:
        family = struct.unpack_from("H", data, off + 4)[0]
    off += (n + 3) & ~3

what, args = sys.argv[1], sys.argv[2:]
if what == "alloc":  # GATE-A PORT-A LABEL-BYTES
    gate = nest(3, attr(1, socket.inet_aton(args[0])), attr(2, struct.pack("H", int(args[1]))))
    stream = nest(6, attr(5, struct.pack("I", 60000)))  # RTP_A: LEARN_TIMEOUT_MS
    sess = nest(8, stream, attr(15, b"L" * int(args[2])))  # SESS_A_LABEL
    _, err, msg = ask(family, 3, 1, nest(7, gate) + sess)  # NEW_SESSION
else:  # "list" LABEL-BYTES|- [prefix]: a GET_SESSION_TABLE dump
    payload = b"" if args[0] == "-" else attr(18, b"k" * int(args[0]))  # A_LABEL
    if args[1:] == ["prefix"]:
        payload += attr(19, b"")  # A_LABEL_PREFIX
    _, err, msg = ask(family, 11, 1 | 0x300, payload)  # NLM_F_DUMP
print("ok" if not err else f"error={err} {msg}")
PY
}
expect_eq "kernel: 128 bytes" ok "$(raw alloc "$GATE_A" 20000 128)"
expect_match "kernel: 129 bytes refused (ERANGE)" "error=-34 .*" "$(raw alloc "$GATE_A" 20000 129)"
# A dump's .start cannot give 6.1's extended ACK a message (6.12's takes it).
expect_match "kernel: an empty filter refused" "error=-22 (label filter is empty.*)?" "$(raw list 0)"
expect_match "kernel: a prefix flag alone refused" "error=-22 (a label prefix goes with.*)?" \
	"$(raw list - prefix)"
expect_eq "kernel: a filter of 1 byte" ok "$(raw list 1 prefix)"
expect_eq "the refused requests changed nothing" 505 "$(info_get sessions)"
