#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The exact output formats of info, list and alloc that scripts rely on (key=value, stable), help
# and version; output that cannot be written.
# Userspace only (the kernel's side of each command is tested on every kernel elsewhere).
# vm: one kernel
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 4
np "$IPT" -t mangle -A rtpproxy -j RTPPROXY --addr-a "$GATE" --port-a 40000 --max-sess 2 \
	--expires-timeout 7200 --resurrection-timeout 5
sb=(--addr-a "$GATE_A" --port-a 50000)

step "alloc prints one line"
rtpp alloc "${sb[@]}" --rtp-addr-a "$CLIENT_A" --rtp-port-a 4000 --rtp-addr-b "$CLIENT_B" --rtp-port-b 6000 >"$TMP/alloc"
cat "$TMP/alloc"
expect_eq "alloc lines" 1 "$(wc -l <"$TMP/alloc")"
expect_match "alloc line" "sess-id=0 addr-a=$GATE_A gate-rtp-port-a=50000 gate-rtcp-port-a=50001 addr-b=$GATE_B gate-rtp-port-b=52000 gate-rtcp-port-b=52001" "$(cat "$TMP/alloc")"
out=$(rtpp alloc --addr-a "$GATE" --port-a 40000 --rtp-learning-timeout-a 600000 --always-learn)
expect_match "alloc line, single address" "sess-id=0 addr-a=$GATE gate-rtp-port-a=40000 gate-rtcp-port-a=40001 addr-b=$GATE gate-rtp-port-b=40004 gate-rtcp-port-b=40005" "$out"
relay_check traffic clientb "$CLIENT_B:6000" "$GATE_B:52000" clienta "$CLIENT_A:4000" "$GATE_A:50000" 1

step "info: KEY=VALUE lines, these keys, in this order"
rtpp info >"$TMP/info"
cat "$TMP/info"
expect_eq "keys" "version uptime-ms switchboards sessions packets bytes drop-no-session drop-source drop-expired drop-malformed drop-no-dest drop-xmit drop-loop sessions-created sessions-expired sessions-deleted duplicated drop-rate events-lost" \
	"$(awk -F= '{ printf "%s%s", sep, $1; sep = " " }' "$TMP/info")"
expect_match "version" '[0-9]+\.[0-9]+\.[0-9]+.*' "$(info_get version)"
while IFS='=' read -r key value; do
	[ "$key" = version ] || expect_match "$key" '[0-9]+' "$value"
done <"$TMP/info"
expect_eq "lines not KEY=VALUE" "" "$(grep -Ev '^[a-z-]+=[^ =]+$' "$TMP/info" || true)"

step "list: switchboard, session and stream lines"
rtpp list >"$TMP/list"
cat "$TMP/list"
n='[0-9]+'
sbline="record=switchboard addr-a=$GATE_A port-a=50000 addr-b=$GATE_B port-b=52000 max-sess=4 expires-timeout=3600 resurrection-timeout=30 rules=1 live=1 expired=0 packets=1 bytes=172 drop-no-session=0 drop-source=0 drop-expired=0 drop-malformed=0 drop-no-dest=0 drop-xmit=0 drop-loop=0 duplicated=0 dscp=sender max-ttl=0 dup-below=0 drop-rate=0 sessions-created=1 sessions-expired=0 sessions-deleted=0 events-lost=0"
expect_eq "first switchboard" "$sbline" "$(grep "^record=switchboard addr-a=$GATE_A " "$TMP/list")"
expect_match "second switchboard" "record=switchboard addr-a=$GATE port-a=40000 addr-b=$GATE port-b=40004 max-sess=2 expires-timeout=7200 resurrection-timeout=5 rules=1 live=1 expired=0 packets=0 bytes=0( drop-[a-z-]+=0){7} duplicated=0 dscp=sender max-ttl=0 dup-below=0 drop-rate=0 sessions-created=1 sessions-expired=0 sessions-deleted=0 events-lost=0" \
	"$(grep "^record=switchboard addr-a=$GATE " "$TMP/list")"
expect_match "session line" "  record=session id=0 state=live age-ms=$n idle-ms=$n dscp=sender max-ttl=0 mark=0x0/0x0 dup-below=0 clock-rate=8000 nflog-group=- nflog-copy=-" "$(list_session 0 "${sb[@]}" | head -n 1)"
# udpt's one RTP datagram (SSRC 0x1234abcd, payload type 0): the call quality of an RTP stream.
expect_match "fixed stream, with traffic" "    record=stream stream=rtp-b gate-port=52000 client=$CLIENT_B:6000 learned=0 always-learn=0 packets=1 bytes=172 drops=0 last-ms=$n dups=0 rate=0 burst=0 ssrc=0x1234abcd ssrc-changes=0 pt=0 expected=1 lost=0 duplicates=0 reordered=0 jitter=0 jitter-ms=0\.0 not-rtp=0" \
	"$(list_session 0 "${sb[@]}" | grep '^    record=stream stream=rtp-b ')"
# An RTCP stream has no call quality keys.
expect_match "fixed stream, idle" "    record=stream stream=rtcp-a gate-port=50001 client=$CLIENT_A:4001 learned=0 always-learn=0 packets=0 bytes=0 drops=0 dups=0 rate=0 burst=0" \
	"$(list_session 0 "${sb[@]}" | grep '^    record=stream stream=rtcp-a ')"
# No RTP datagram yet: no ssrc and no pt.
expect_match "learning stream" "    record=stream stream=rtp-a gate-port=40000 client=- learn-ms=$n learned=0 always-learn=1 packets=0 bytes=0 drops=0 dups=0 rate=0 burst=0 ssrc-changes=0 expected=0 lost=0 duplicates=0 reordered=0 jitter=0 jitter-ms=0\.0 not-rtp=0" \
	"$(list_session 0 --addr-a "$GATE" | grep '^    record=stream stream=rtp-a ')"
expect_eq "stream order" "stream=rtp-a stream=rtcp-a stream=rtp-b stream=rtcp-b" "$(list_session 0 "${sb[@]}" | awk '/^    /{ printf "%s%s", s, $2; s = " " }')"
# Every line is one of the three kinds, and nothing but KEY=VALUE words.
bad=$(grep -Ev '^(record=switchboard|  record=session|    record=stream stream=(rtp|rtcp)-[ab])( [a-z-]+=[^ =]+)+$' "$TMP/list" || true)
expect_eq "lines of unknown form" "" "$bad"

step "list filters"
expect_eq "switchboards matching --addr-a $GATE" 1 "$(rtpp list --addr-a "$GATE" | grep -c '^record=switchboard ')"
expect_eq "--no-session" 0 "$(rtpp list --no-session | grep -c '^  record=session ' || true)"
expect_eq "--no-session switchboards" 2 "$(rtpp list --no-session | grep -c '^record=switchboard ')"
expect_eq "--no-switchboard output" "" "$(rtpp list --no-switchboard)"
rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 >/dev/null
rtpp alloc "${sb[@]}" --rtp-learning-timeout-a 600000 >/dev/null
expect_eq "sessions in range 1..2" "1 2" "$(rtpp list "${sb[@]}" --sess-id-lo 1 --sess-id-hi 2 | awk '/^  record=session / { sub("id=", "", $2); printf "%s%s", s, $2; s = " " }')"
expect_eq "session 2 only" "2" "$(rtpp list "${sb[@]}" --sess-id-lo 2 | awk '/^  record=session / { sub("id=", "", $2); print $2 }')"

step "help and version"
expect_ok "$RTPP" --version
expect_match "--version" 'iptrtpproxy [0-9]+\.[0-9]+\.[0-9]+.*' "$(cat "$TMP/stdout")"
expect_ok "$RTPP" -h
for cmd in info list alloc update delete; do
	expect_contains "-h" "$cmd" "$(cat "$TMP/stdout")"
done
expect_ok "$RTPP" -h alloc
expect_contains "-h alloc" "--rtp-learning-timeout-a" "$(cat "$TMP/stdout")"
expect_ok "$RTPP" alloc --help
expect_contains "alloc --help" "--rtp-addr-a" "$(cat "$TMP/stdout")"
expect_ok "$RTPP" -h delete
expect_contains "-h delete" "--sess-id-lo" "$(cat "$TMP/stdout")"

step "output that cannot be written: exit 1, and alloc takes its session back"
# to_full ARGS...: iptrtpproxy in the proxy's namespace, its stdout on a full disk.
# shellcheck disable=SC2016 # the inner shell's own $1 and $@
to_full() { np sh -c 'p=$1; shift; "$p" "$@" >/dev/full' sh "$RTPP" "$@"; }
expect_fail 1 to_full -h
expect_contains "-h to /dev/full" "writing the output failed: No space left on device" "$(cat "$TMP/stderr")"
before=$(info_get sessions)
expect_fail 1 to_full alloc "${sb[@]}" --rtp-learning-timeout-a 600000
expect_contains "alloc to /dev/full" "writing the output failed" "$(cat "$TMP/stderr")"
expect_eq "sessions after an alloc nobody heard of" "$before" "$(info_get sessions)"
expect_fail 1 to_full info
expect_fail 1 to_full list
printf 'alloc %s --rtp-learning-timeout-a 600000\nalloc %s --rtp-learning-timeout-a 600000\n' \
	"${sb[*]}" "${sb[*]}" >"$TMP/batch"
expect_fail 1 to_full --force -b "$TMP/batch"
expect_contains "batch to /dev/full" "iptrtpproxy: $TMP/batch:1: writing the output failed" "$(cat "$TMP/stderr")"
expect_eq "sessions after a batch nobody heard of" "$before" "$(info_get sessions)"
