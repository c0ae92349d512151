#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The daemon's systemd unit, iptrtpproxyd/iptrtpproxyd.service as shipped, run by Debian's
# systemd 252 as PID 1 of its own PID namespace (as in a container), in the proxy's network
# namespace, installed as its comment says (the system user, /etc/iptrtpproxyd.conf, the
# binary in /usr/local/sbin, the module where modprobe finds it):
#   start     the unit's modprobe loads the module; the daemon runs as the user iptrtpproxyd
#             with CAP_NET_ADMIN as its only capability (effective, permitted, bounding,
#             ambient) and no other; its unix socket in /run/iptrtpproxyd is for the group;
#             its log in the journal, with the warning of its ports' clash with the kernel's
#             ephemeral ports
#   call      U and L over its udp: socket, media both ways through the kernel
#   kill -9   systemctl kill --signal=SIGKILL: systemd starts it again (Restart=), the new
#             daemon finds the call in the kernel, whose media never stopped; D ends it
#   timeout   a silent call with a notification target, kill -9 again: the restarted daemon
#             notifies its timeout (the unit's --state-dir, in the runtime directory that
#             RuntimeDirectoryPreserve=restart keeps over the restart)
#   stop      systemctl stop: the switchboard and its chain are gone
#   bad file  a configuration with an unknown option: the unit fails with status 2, and
#             systemd does not start it again (RestartPreventExitStatus=2)
# vm: one kernel
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kamailio.sh"

UNIT=$REPO/iptrtpproxyd/iptrtpproxyd.service
MODFILE=/lib/modules/$(uname -r)/updates/xt_RTPPROXY.ko
# The control client where systemd's namespace sees it too (not under /tmp).
SYSD_CTL=/usr/local/bin/xtrp-test-rtppctl
ctl() { np "$CTL" udp 127.0.0.1:22222 "$@"; }
# sysd COMMAND...: COMMAND in systemd's namespaces (systemctl, journalctl).
sysd() { nsenter -t "$SYSTEMD_PID" -m -p "$@"; }
daemon_pid() { pgrep -x iptrtpproxyd; }
# Where the timeout notifications go, in systemd's /run.
NOTIFY_SOCK=/run/xtrp-notify/notify.sock
daemon_gone() { ! pgrep -x iptrtpproxyd >/dev/null; }

# The guest's root is writable and outlives the test (the next tests of this boot run on
# it): what this test installs goes again, after systemd.
uninstall() {
	trap - ERR
	set +e
	if [ -n "${SYSTEMD_RUN:-}" ]; then
		# Its poweroff ends its PID namespace, not the VM.
		[ -z "${SYSTEMD_PID:-}" ] || sysd systemctl poweroff 2>/dev/null
		for _ in {1..30}; do
			kill -0 "$SYSTEMD_RUN" 2>/dev/null || break
			nap 1
		done
		kill -9 "$SYSTEMD_RUN" 2>/dev/null
		wait "$SYSTEMD_RUN" 2>/dev/null
	fi
	rm -f /usr/local/sbin/iptrtpproxyd "$SYSD_CTL" "$MODFILE" /etc/modprobe.d/xtrp-test.conf \
		/etc/iptrtpproxyd.conf /etc/systemd/system/iptrtpproxyd.service \
		/etc/systemd/system/xtrp-daemon.target
	userdel iptrtpproxyd 2>/dev/null
	cleanup
}
trap uninstall EXIT
# shellcheck disable=SC2034 # read by cleanup (lib.sh)
KEEP_LOGS="*.log"

require_product
! module_loaded || fail "the module is loaded before the test"
setup_topology

step "install, as the unit's comment says"
useradd --system --user-group --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin iptrtpproxyd
install -m 0755 "$DAEMON" /usr/local/sbin/iptrtpproxyd
install -m 0755 "$CTL" "$SYSD_CTL"
install -m 0644 "$UNIT" /etc/systemd/system/iptrtpproxyd.service
{
	cat "$REPO/iptrtpproxyd/iptrtpproxyd.conf"
	echo "listen = $GATE"
	# For the timeout step: short enough to wait for, long enough for a restart between
	# the call's media.
	echo "idle-timeout = 10"
	echo "notify-socket = unix:$NOTIFY_SOCK"
} >/etc/iptrtpproxyd.conf
# modprobe finds the module through an install command (depmod, which a package would run,
# takes more than a minute under emulation: it reads every module of the kernel).
# The file is where a package would put it: systemd below does not see the repository when
# that is under /tmp.
deps=$(modinfo -F depends "$KMOD")
install -D -m 0644 "$KMOD" "$MODFILE"
echo "install xt_RTPPROXY /sbin/modprobe -a ${deps//,/ } && /sbin/insmod $MODFILE" \
	>/etc/modprobe.d/xtrp-test.conf
# What systemd starts instead of its default target (which would start every service the
# host enabled): the unit, and what it depends on.
cat >/etc/systemd/system/xtrp-daemon.target <<-EOF
	[Unit]
	Description=t_systemd: iptrtpproxyd alone
	Wants=iptrtpproxyd.service
EOF

step "start: systemd starts the unit"
# Its own /tmp, /var/tmp and /run: at boot systemd-tmpfiles empties /tmp, which is this
# test's and the next ones' (and may hold the repository), and /run holds the guest's
# network namespaces. The unit's runtime directory is then in systemd's /run only.
ip netns exec proxy unshare --pid --fork --mount-proc sh -c '
	mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=1777 tmpfs /var/tmp &&
	mount -t tmpfs -o mode=0755 tmpfs /run &&
	exec /lib/systemd/systemd --unit=xtrp-daemon.target --show-status=no' \
	>"$TMP/systemd.log" 2>&1 &
SYSTEMD_RUN=$!
wait_until 60 "systemd runs" pgrep -x -P "$SYSTEMD_RUN" systemd
SYSTEMD_PID=$(pgrep -x -P "$SYSTEMD_RUN" systemd)
[ -f "$TMP/systemd.log" ] || fail "systemd emptied the guest's /tmp"
wait_until 60 "the unit is active" prints active sysd systemctl is-active iptrtpproxyd
wait_until 20 "the daemon answers" ctl "v1 V"
module_loaded || fail "the unit's modprobe did not load the module"
pid=$(daemon_pid)
uid=$(id -u iptrtpproxyd) gid=$(id -g iptrtpproxyd)
expect_eq "its user and group, iptrtpproxyd ($uid:$gid), and no other group" \
	"Uid: $uid $uid $uid $uid Gid: $gid $gid $gid $gid Groups: $gid" \
	"$(grep -E '^(Uid|Gid|Groups):' "/proc/$pid/status" | tr -s '\t ' ' ' | sed 's/ $//' | paste -sd ' ')"
caps=$(grep '^Cap' "/proc/$pid/status" | tr -s '\t' ' ')
# CAP_NET_ADMIN is capability 12: 0x1000.
expect_eq "CAP_NET_ADMIN alone" "CapInh: 0000000000001000
CapPrm: 0000000000001000
CapEff: 0000000000001000
CapBnd: 0000000000001000
CapAmb: 0000000000001000" "$caps"
expect_eq "no new privileges" "NoNewPrivs: 1" "$(grep '^NoNewPrivs' "/proc/$pid/status" | tr -s '\t' ' ')"
expect_contains "its switchboard" "addr-a=$GATE port-a=35000" "$(rtpp list)"
# The default range meets the kernel's default ephemeral ports (32768-60999), unreserved.
expect_contains "its warning of the ephemeral ports, in the journal" \
	"the gates' ports 35000-60999 are also local ephemeral ports" \
	"$(sysd journalctl -u iptrtpproxyd --no-pager -o cat)"
sock=/run/iptrtpproxyd/rtpproxy.sock
expect_eq "its unix socket, for its group" "srwxrwx--- iptrtpproxyd iptrtpproxyd" \
	"$(sysd stat -c '%A %U %G' "$sock")"
expect_eq "a member of the group (the SIP proxy's user) is answered" "20040107" \
	"$(sysd setpriv --reuid=nobody --regid=iptrtpproxyd --clear-groups "$SYSD_CTL" unix "$sock" V)"
! sysd setpriv --reuid=nobody --regid=nogroup --clear-groups "$SYSD_CTL" unix "$sock" V 2>/dev/null ||
	fail "the socket answered a user outside its group"
echo "ok: anyone else is refused"

step "call: U, L, media both ways through the kernel"
read -r _ pa_b _ <<<"$(ctl "c1 U call1 $CLIENT_A 7000 ft;1")"
read -r _ pa_a _ <<<"$(ctl "c2 L call1 $CLIENT_B 6000 ft;1 tt;1")"
relay_check a2b clienta "$CLIENT_A:7000" "$GATE:$pa_a" clientb "$CLIENT_B:6000" "$GATE:$pa_b" 10
relay_check b2a clientb "$CLIENT_B:6000" "$GATE:$pa_b" clienta "$CLIENT_A:7000" "$GATE:$pa_a" 10

step "kill -9: systemd starts it again, the call is still there"
sysd systemctl kill --signal=SIGKILL iptrtpproxyd
wait_until 10 "the daemon is gone" daemon_gone
relay_check dead clienta "$CLIENT_A:7000" "$GATE:$pa_a" clientb "$CLIENT_B:6000" "$GATE:$pa_b" 10
wait_until 30 "a new daemon answers" ctl "v2 V"
expect_eq "systemd restarted it once" 1 "$(sysd systemctl show -p NRestarts --value iptrtpproxyd)"
expect_contains "it found the call in the kernel" "found 1 streams of 1 calls" \
	"$(sysd journalctl -u iptrtpproxyd --no-pager -o cat)"
expect_eq "the call's re-INVITE keeps the port" "c3 $pa_b $GATE" "$(ctl "c3 U call1 $CLIENT_A 7000 ft;1 tt;1")"
expect_eq "its D" "c4 0" "$(ctl "c4 D call1 ft tt")"
expect_eq "no session left" 0 "$(rtpp list | grep -c 'record=session' || :)"

step "timeout: kill -9 with a silent call up, its notification comes from the new daemon"
# The listener as the SIP proxy's would be, a socket the daemon's user may connect to.
sysd install -d -o iptrtpproxyd "${NOTIFY_SOCK%/*}"
sysd setpriv --reuid=iptrtpproxyd --regid=iptrtpproxyd --clear-groups \
	"$SYSD_CTL" listen "$NOTIFY_SOCK" 60 >"$TMP/notify.out" &
wait_until 10 "the notification listener" sysd test -S "$NOTIFY_SOCK"
expect_match "U with a notification target" "c5 [0-9]+ $GATE" \
	"$(ctl "c5 U call2 $CLIENT_A 7002 ft2;1 unix:$NOTIFY_SOCK call2%20tag")"
sysd systemctl kill --signal=SIGKILL iptrtpproxyd
wait_until 10 "the daemon is gone" daemon_gone
wait_until 30 "a new daemon answers" ctl "v3 V"
expect_eq "systemd restarted it again" 2 "$(sysd systemctl show -p NRestarts --value iptrtpproxyd)"
wait_until 30 "the call's timeout notification" grep -qx "call2 tag" "$TMP/notify.out"
expect_eq "no session left" 0 "$(rtpp list | grep -c 'record=session' || :)"

step "stop: the switchboard goes with the unit"
sysd systemctl stop iptrtpproxyd
expect_eq "stopped" inactive "$(sysd systemctl is-active iptrtpproxyd || :)"
expect_eq "no switchboard" 0 "$(rtpp list | grep -c 'record=switchboard' || :)"
case $(np nft list table ip mangle 2>/dev/null || :) in *iptrtpproxyd*) fail "its chain was left" ;; esac
expect_fail 1 sysd test -e /run/iptrtpproxyd

step "bad file: status 2, no restart"
echo "no-such-option = 1" >>/etc/iptrtpproxyd.conf
sysd systemctl start iptrtpproxyd || :
wait_until 20 "the unit failed" prints failed sysd systemctl is-active iptrtpproxyd
nap 4 # RestartSec=2: time for a restart that must not come
expect_eq "status 2" 2 "$(sysd systemctl show -p ExecMainStatus --value iptrtpproxyd)"
expect_eq "not restarted" 0 "$(sysd systemctl show -p NRestarts --value iptrtpproxyd)"
expect_contains "the journal says why" "no-such-option" \
	"$(sysd journalctl -u iptrtpproxyd --no-pager -o cat)"
sysd journalctl --no-pager -o short-monotonic >"$TMP/journal.log"
