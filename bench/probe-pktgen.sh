#!/bin/bash
# temporary probe: pktgen max rate through fwd
set -x
. bench/vm.sh full relays=fwd,xt
set +eE
trap - ERR
mkdir -p "$RESULTS"; : >"$RAW"
pin_system
load_modules
topology
fwd_sessions 1
xt_setup_rules
xt_sessions 1
modprobe pktgen
ls /proc/net/pktgen
pg() { echo "$2" > "$1"; }
for relay in fwd xt; do
i=${IDX[$relay]}
ip netns exec ca sh -c "ls /proc/net/pktgen; echo rem_device_all > /proc/net/pktgen/kpktgend_1; echo add_device $relay > /proc/net/pktgen/kpktgend_1"
dst=10.1.2.100; [ $relay = xt ] && dst=10.2.1.1
ip netns exec ca sh -c "cd /proc/net/pktgen; echo 'count 300000' > $relay; echo 'clone_skb 0' > $relay; echo 'pkt_size 214' > $relay; echo 'dst $dst' > $relay; echo 'src_min 10.$i.1.100' > $relay; echo 'src_max 10.$i.1.100' >$relay; echo 'dst_mac ${MAC_A[$relay]}' > $relay; echo 'udp_src_min 4000' > $relay; echo 'udp_src_max 4000' > $relay; echo 'udp_dst_min 10000' > $relay; echo 'udp_dst_max 10000' > $relay; echo 'delay 0' > $relay; cat $relay | head -5"
read -r a0 b0 <<<"$(arrivals $relay)"
s0=$(softnet)
ip netns exec ca taskset -c 1 sh -c "echo start > /proc/net/pktgen/pgctrl"
ip netns exec ca cat /proc/net/pktgen/$relay | tail -4
sleep 1
read -r a1 b1 <<<"$(arrivals $relay)"
echo "relay $relay arrivals $((a1-a0)) $((b1-b0)) softnet $s0 -> $(softnet)"
done
