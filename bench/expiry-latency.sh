#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How long a control command waits while the expiry work scans 100,000 sessions (docs/performance.md).
#
# Usage: tests/vm/run.sh script bench/expiry-latency.sh [SESSIONS] [REQUESTS]
#
# In a namespace of its own: four switchboards of 25,000 slots on four
# addresses of lo, SESSIONS (100,000) sessions with fixed clients, then
# REQUESTS (3,000) info requests one after the other, each timed. The
# expiry work looks at every session once a second under the namespace's
# mutex, in batches of 1,024 (netns.c): a request waits for at most one
# batch, not for the whole scan. The same requests with no session at all
# are the baseline. Prints one key=value line per measurement.

set -eEuo pipefail

SESSIONS=${1:-100000}
REQUESTS=${2:-3000}
REPO=${XTRP_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KMOD=${XTRP_KMOD:-$REPO/build/kmod/$(uname -r)/xt_RTPPROXY.ko}
SESSBENCH=${SESSBENCH:-$REPO/build/bench/sessbench}
export XTABLES_LIBDIR=${XTRP_EXTDIR:-$REPO/build/iptables-ext}:/usr/lib/x86_64-linux-gnu/xtables
PER_SB=25000

main() {
	local j gates_a=() gates_b=() out
	if ! grep -q '^xt_RTPPROXY ' /proc/modules; then
		for dep in $(modinfo -F depends "$KMOD" | tr ',' ' '); do modprobe "$dep"; done
		insmod "$KMOD"
	fi
	ip netns add lat
	trap 'ip netns del lat 2>/dev/null || true' EXIT
	ip -n lat link set lo up
	for ((j = 1; j <= 4; j++)); do
		ip -n lat addr add "10.7.1.$j/32" dev lo
		ip -n lat addr add "10.7.2.$j/32" dev lo
		ip netns exec lat iptables-nft -t mangle -A PREROUTING -p udp -j RTPPROXY \
			--addr-a "10.7.1.$j" --port-a 10000 --addr-b "10.7.2.$j" --port-b 10000 \
			--max-sess "$PER_SB" --expires-timeout 3600
		gates_a+=("10.7.1.$j")
		gates_b+=("10.7.2.$j")
	done
	ip -n lat addr add 10.7.3.1/32 dev lo
	echo "kernel=$(uname -r) module=$(modinfo -F version "$KMOD") $(grep -c ^processor /proc/cpuinfo) vCPUs"
	out=$(ip netns exec lat "$SESSBENCH" latency --count "$REQUESTS")
	echo "sessions=0 $out"
	local IFS=,
	out=$(ip netns exec lat "$SESSBENCH" setup --gates-a "${gates_a[*]}" --gates-b "${gates_b[*]}" \
		--port-a 10000 --port-b 10000 --per-switchboard "$PER_SB" --count "$SESSIONS" \
		--client-a 10.7.3.1:4000 --client-b 10.7.3.1:6000 --out /tmp/lat-sessions)
	unset IFS
	echo "setup $out"
	# Let a scan or two of all of them happen first.
	sleep 3
	out=$(ip netns exec lat "$SESSBENCH" latency --count "$REQUESTS")
	echo "sessions=$SESSIONS $out"
	ip netns exec lat "$SESSBENCH" clear
}

main "$@"
exit
