#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Call quality in the kernel (issue 10, item 7): from the RTP headers that
# pass, per RTP stream, as RFC 3550 counts them; IPv4 and IPv6.
#   counts    gaps are lost, a repeat is a duplicate, late packets are
#             reordered and not lost, an SSRC change starts a sequence of
#             its own; datagrams that are not RTP are relayed and counted
#   rtcp      the RTCP streams keep packet counts only
#   jitter    datagrams 20 ms apart with timestamps 160 apart: little jitter
#             at 8 kHz, much at --clock-rate 48000 (the arrivals are 960
#             units apart there)
#   reset     --reset-packet-stat zeroes the counts, the stream goes on
. "$(dirname "$0")/lib.sh"

setup_all
add_switchboard --addr-a "$GATE_A" --port-a 50000 --addr-b "$GATE_B" --port-b 52000 --max-sess 16
add_switchboard --ipt "$IP6T" --chain rtpproxy6 --addr-a "$GATE6_A" --port-a 50000 \
	--addr-b "$GATE6_B" --port-b 52000 --max-sess 16
sb=(--addr-a "$GATE_A" --port-a 50000)
sb6=(--addr-a "$GATE6_A" --port-a 50000)

# call SB FROM-ADDR TO-ADDR [ALLOC-OPTIONS]: a session with fixed clients
# (RTP 4000 at A, 6000 at B); sets id and to (A's gate RTP endpoint).
call() {
	local -n sel=$1
	local out ga
	ga=$GATE_A
	[ "$1" = sb6 ] && ga="[$GATE6_A]"
	out=$(rtpp alloc "${sel[@]}" --rtp-addr-a "$2" --rtp-port-a 4000 --rtp-addr-b "$3" \
		--rtp-port-b 6000 "${@:4}")
	id=$(alloc_field "$out" sess-id)
	to=$ga:$(alloc_field "$out" gate-rtp-port-a)
}
# sendq FROM [udpt send options]: datagrams from client A's RTP port.
sendq() {
	local from=$1
	shift
	"${UDP[@]}" send --netns clienta --from "$from" --to "$to" "$@" >/dev/null
}
q() { stream_get "$id" rtp-a "$1" "${sel_opts[@]}"; }

for fam in 4 6; do
	if [ "$fam" = 4 ]; then
		call sb "$CLIENT_A" "$CLIENT_B"
		from=$CLIENT_A:4000 sel_opts=("${sb[@]}")
	else
		call sb6 "$CLIENT6_A" "$CLIENT6_B"
		from="[$CLIENT6_A]:4000" sel_opts=("${sb6[@]}")
	fi
	step "IPv$fam counts: gaps, a duplicate, late packets, an SSRC change, datagrams that are not RTP"
	sendq "$from" --ssrc 0x1234 --seq 0 --count 10
	sendq "$from" --ssrc 0x1234 --seq 15 --count 5
	wait_value 20 "15 relayed" 15 q packets
	expect_eq "IPv$fam: ssrc" 0x00001234 "$(q ssrc)"
	expect_eq "IPv$fam: expected (0..19)" 20 "$(q expected)"
	expect_eq "IPv$fam: lost (10..14)" 5 "$(q lost)"
	sendq "$from" --ssrc 0x1234 --seq 19 --count 1
	sendq "$from" --ssrc 0x1234 --seq 25 --count 1
	sendq "$from" --ssrc 0x1234 --seq 21 --count 4
	wait_value 20 "21 relayed" 21 q packets
	expect_eq "IPv$fam: duplicates (19)" 1 "$(q duplicates)"
	expect_eq "IPv$fam: reordered (21..24 after 25)" 4 "$(q reordered)"
	expect_eq "IPv$fam: expected (0..25)" 26 "$(q expected)"
	expect_eq "IPv$fam: lost (10..14, 20)" 6 "$(q lost)"
	expect_eq "IPv$fam: payload type" 0 "$(q pt)"
	sendq "$from" --ssrc 0x5555 --seq 1000 --count 3
	sendq "$from" --size 8 --count 1
	sendq "$from" --kind rtcp --count 1
	wait_value 20 "26 relayed" 26 q packets
	expect_eq "IPv$fam: the new ssrc" 0x00005555 "$(q ssrc)"
	expect_eq "IPv$fam: ssrc changes" 1 "$(q ssrc-changes)"
	expect_eq "IPv$fam: expected (26 and 1000..1002)" 29 "$(q expected)"
	expect_eq "IPv$fam: lost" 6 "$(q lost)"
	expect_eq "IPv$fam: not RTP (8 bytes; RTCP on the RTP port)" 2 "$(q not-rtp)"
	step "IPv$fam rtcp: the RTCP streams keep packet counts only"
	"${UDP[@]}" send --netns clienta --from "${from%:*}:4001" \
		--to "${to%:*}:$((${to##*:} + 1))" --kind rtcp --count 2 >/dev/null
	wait_value 20 "RTCP relayed" 2 stream_get "$id" rtcp-a packets "${sel_opts[@]}"
	expect_eq "IPv$fam: no quality on rtcp-a" - "$(stream_get "$id" rtcp-a expected "${sel_opts[@]}")"
	expect_eq "IPv$fam: nothing on rtp-b" 0 "$(stream_get "$id" rtp-b expected "${sel_opts[@]}")"
	expect_eq "IPv$fam: no ssrc on rtp-b yet" - "$(stream_get "$id" rtp-b ssrc "${sel_opts[@]}")"
done

step "jitter: 20 ms apart, timestamps 160 apart: a little at 8 kHz, much at 48 kHz"
sel_opts=("${sb[@]}")
call sb "$CLIENT_A" "$CLIENT_B"
expect_eq "the default clock rate" 8000 "$(sess_get "$id" clock-rate "${sb[@]}")"
sendq "$CLIENT_A:4000" --ssrc 0x4321 --count 40 --interval 0.02
wait_value 20 "40 relayed" 40 q packets
j8=$(q jitter)
rtpp delete "${sb[@]}" --sess-id-lo "$id"
call sb "$CLIENT_A" "$CLIENT_B" --clock-rate 48000
expect_eq "clock rate given" 48000 "$(sess_get "$id" clock-rate "${sb[@]}")"
sendq "$CLIENT_A:4000" --ssrc 0x4321 --count 40 --interval 0.02
wait_value 20 "40 relayed" 40 q packets
j48=$(q jitter)
echo "jitter: $j8 units at 8 kHz, $j48 at 48 kHz (800 if every gap were 20 ms)"
((j8 < 200)) || fail "jitter at 8 kHz is $j8 units (25 ms), for datagrams 20 ms apart"
((j48 > 400)) || fail "jitter at 48 kHz is $j48 units: the clock rate was not used"
rtpp update "${sb[@]}" --sess-id-lo "$id" --clock-rate 90000
expect_eq "clock rate updated" 90000 "$(sess_get "$id" clock-rate "${sb[@]}")"
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$id" --clock-rate 999
expect_fail 2 rtpp update "${sb[@]}" --sess-id-lo "$id" --clock-rate 1000001

step "reset: the counts start again, the stream goes on"
rtpp list "${sb[@]}" --reset-packet-stat >/dev/null
expect_eq "expected after the reset" 0 "$(q expected)"
expect_eq "ssrc kept" 0x00004321 "$(q ssrc)"
sendq "$CLIENT_A:4000" --ssrc 0x4321 --seq 45 --count 5
wait_value 20 "5 relayed" 5 q packets
expect_eq "expected since (40..49)" 10 "$(q expected)"
expect_eq "lost since (40..44)" 5 "$(q lost)"
