#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test initramfs: mounts the host's root over 9p and switches into it.
#
# Runs under busybox. The host root becomes the lower layer of an overlay with
# a tmpfs upper layer, so the guest sees the host's tools and freshly built
# binaries at their host paths and may still write anywhere. The writable
# "results" share is how the guest talks back to run.sh.

/bin/busybox --install -s /bin

die() {
	echo "xtrp-init: $*" >/dev/console
	# Leave no doubt in the log, then stop the VM (no test status = failure).
	poweroff -f
	sleep 60
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# Virtio and 9p are modules in Debian's kernel; order comes from modules.dep.
while read -r module; do
	insmod "/modules/$module" || die "insmod $module failed"
done </modules/order

p9opts=trans=virtio,version=9p2000.L,msize=262144
# cache=loose on the host's root: without it every exec walks and reads the
# binary and its libraries over 9p again, a quarter of the suite's CPU under
# TCG. The host does not change those files during a run (run.sh snapshots
# the build); the results share stays uncached, the host reads it live.
mkdir -p /hostroot /ovl /newroot
mount -t 9p -o "$p9opts,ro,cache=loose" hostroot /hostroot || die "cannot mount the host root"
mount -t tmpfs -o mode=0755 tmpfs /ovl || die "cannot mount tmpfs"
mkdir -p /ovl/upper /ovl/work
mount -t overlay -o lowerdir=/hostroot,upperdir=/ovl/upper,workdir=/ovl/work \
	overlay /newroot || die "cannot mount the overlay root"
mkdir -p /newroot/results
mount -t 9p -o "$p9opts" results /newroot/results || die "cannot mount the results share"

[ -r /newroot/results/plan ] || die "no plan in the results share"
# shellcheck source=/dev/null
. /newroot/results/plan
[ -r "/newroot$XTRP_REPO/tests/vm/guest.sh" ] || die "no guest.sh under $XTRP_REPO"

for fs in dev proc sys; do
	mount --move "/$fs" "/newroot/$fs" || die "cannot move /$fs"
done

exec switch_root /newroot /bin/bash "$XTRP_REPO/tests/vm/guest.sh"
