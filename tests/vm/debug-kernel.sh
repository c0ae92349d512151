#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds, once, a debug kernel from Debian's linux-source-6.1 (KASAN, KMEMLEAK,
# lockdep with PROVE_RCU, list and atomic-sleep checks), with everything the
# VM tests need built in, and caches it outside the repository.
#
# Usage: tests/vm/debug-kernel.sh        build unless cached; print KVER=... KDIR=... lines
#        tests/vm/debug-kernel.sh --print only print them (exit 1 if not built)
#
# Environment: XTRP_CACHE (default ~/.cache/xt_rtpproxy), JOBS (default nproc).
# Takes 30-60 minutes on 2 cores; `make test-debug-kernel` uses it.
#
# The cache holds: src/ (the configured and built tree: KDIR for the module),
# bzImage, and lib/modules/<version>/ with modules.builtin (no modules: the
# guest has no module tree of this kernel to load from).

set -euo pipefail

cache=${XTRP_CACHE:-$HOME/.cache/xt_rtpproxy}/debug-kernel
tarballs=(/usr/src/linux-source-6.1.tar.*)
tarball=${tarballs[0]}
[ -e "$tarball" ] || tarball=
jobs=${JOBS:-$(nproc)}

print() {
	local kver
	kver=$(cat "$cache/kernelrelease" 2>/dev/null) || return 1
	[ -f "$cache/bzImage" ] || return 1
	echo "KVER=$kver"
	echo "KDIR=$cache/src"
	echo "VM_KERNEL=$cache/bzImage"
	echo "VM_MODDIR=$cache/lib/modules/$kver"
}

if [ "${1:-}" = --print ]; then
	print
	exit
fi
# The kernel is built again (incrementally) when this script changed: its
# configuration is in it.
recipe=$(sha256sum <"$0")
if print >/dev/null && [ "$(cat "$cache/recipe" 2>/dev/null)" = "$recipe" ]; then
	print
	exit 0
fi
[ -n "$tarball" ] || {
	echo "debug-kernel.sh: /usr/src/linux-source-6.1.tar.* is missing (apt-get install linux-source-6.1)" >&2
	exit 1
}

# Kbuild's own tools (each named as its Debian package): without them the
# build fails deep inside kconfig.
missing=()
for tool in flex bison bc gcc make; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -e /usr/include/libelf.h ] || missing+=(libelf-dev)
[ -e /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
if [ "${#missing[@]}" -gt 0 ]; then
	echo "debug-kernel.sh: missing packages (apt-get install ${missing[*]})" >&2
	exit 1
fi

mkdir -p "$cache"
if [ ! -f "$cache/src/Makefile" ]; then
	rm -rf "$cache/src" "$cache/src.tmp"
	mkdir -p "$cache/src.tmp"
	tar -xaf "$tarball" -C "$cache/src.tmp" --strip-components=1
	mv "$cache/src.tmp" "$cache/src"
fi
cd "$cache/src"

make -s x86_64_defconfig
make -s kvm_guest.config
# What the tests use, built in: namespaces, veth and a bridge, both iptables
# flavours and nftables, IPv6, and the 9p and overlay root of the VM.
on=(MODULES MODULE_UNLOAD NAMESPACES NET_NS USER_NS VETH BRIDGE IPV6
	NETFILTER NETFILTER_ADVANCED NETFILTER_XTABLES NETFILTER_XT_MARK
	NF_CONNTRACK NF_DEFRAG_IPV4 NF_DEFRAG_IPV6
	IP_NF_IPTABLES IP_NF_FILTER IP_NF_MANGLE IP_NF_RAW
	IP6_NF_IPTABLES IP6_NF_FILTER IP6_NF_MANGLE IP6_NF_RAW
	NF_TABLES NF_TABLES_INET NF_TABLES_IPV4 NF_TABLES_IPV6 NF_TABLES_NETDEV NFT_COMPAT NFT_CT
	NETFILTER_INGRESS NET_INGRESS NET_SCH_INGRESS
	# t_hardening: an IPsec policy, a VXLAN tunnel, trace events, a kprobe
	# and nft's named counters; t_userns: a memory cgroup.
	XFRM XFRM_USER VXLAN FTRACE KPROBES KPROBE_EVENTS CGROUPS MEMCG NFT_OBJREF
	NET_9P NET_9P_VIRTIO 9P_FS 9P_FS_POSIX_ACL OVERLAY_FS VIRTIO_PCI TMPFS DEVTMPFS BLK_DEV_INITRD RD_GZIP
	DEBUG_INFO_NONE
	# The point of this kernel.
	KASAN KASAN_GENERIC KASAN_OUTLINE DEBUG_KMEMLEAK PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP
	DEBUG_LIST DEBUG_OBJECTS DEBUG_OBJECTS_RCU_HEAD DEBUG_OBJECTS_TIMERS DEBUG_OBJECTS_WORK
	SLUB_DEBUG REFCOUNT_FULL)
off=(DEBUG_KMEMLEAK_DEFAULT_OFF KASAN_INLINE RANDOMIZE_BASE DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT
	DEBUG_INFO_DWARF4 DEBUG_INFO_DWARF5 DEBUG_INFO_BTF MODULE_SIG WERROR)
for opt in "${on[@]}"; do
	scripts/config --enable "$opt"
done
for opt in "${off[@]}"; do scripts/config --disable "$opt"; done
scripts/config --set-str LOCALVERSION "-xtrp-debug"
scripts/config --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 16000
make -s olddefconfig
missing=()
for opt in KASAN DEBUG_KMEMLEAK PROVE_RCU PROVE_LOCKING NFT_COMPAT IP_NF_MANGLE IP6_NF_MANGLE 9P_FS OVERLAY_FS VETH \
	XFRM_USER VXLAN KPROBE_EVENTS MEMCG NFT_OBJREF; do
	grep -q "^CONFIG_$opt=y" .config || missing+=("$opt")
done
((${#missing[@]} == 0)) || {
	echo "debug-kernel.sh: the configuration lost: ${missing[*]}" >&2
	exit 1
}

nice -n 10 make -s -j"$jobs" bzImage modules
kver=$(make -s kernelrelease)
rm -rf "${cache:?}/lib"
make -s INSTALL_MOD_PATH="$cache" modules_install
cp arch/x86/boot/bzImage "$cache/bzImage"
echo "$kver" >"$cache/kernelrelease"
echo "$recipe" >"$cache/recipe"
print
