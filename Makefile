# SPDX-License-Identifier: GPL-2.0
# Entry point: installs the build dependencies, builds, tests and demonstrates xt_RTPPROXY.
#
#   sudo make deps     Debian packages (compilers, libraries, kernel image and
#                      headers, qemu, iptables, ...)
#   make all           the kernel module and the userspace build (build/)
#   make unit          unit tests (ctest)
#   make vm-test       VM tests under qemu with one kernel (KVER)
#   make vm-test-all   VM tests on every installed kernel (KVERS)
#   make test          unit + vm-test-all
#   make stress        t_stress wide and long on every kernel
#   make fuzz          t_fuzz with 1,000,000 netlink messages
#   make fuzz-daemon   the daemon's parsers, 1,000,000 inputs each (ASan, UBSan)
#   make test-debug-kernel  the VM suite on a KASAN/KMEMLEAK/lockdep kernel
#   make demo          a narrated relayed RTP call in the VM
#   make check         clang-format on userspace C++, checkpatch on the module,
#                      shellcheck on the test scripts (when installed)
#   sudo make install  module (+ depmod), iptables extension, CLI, man pages
#
# KVER picks the kernel to build for and to boot: by default the newest one in
# /lib/modules that has both headers and a /boot/vmlinuz (recursive variables:
# evaluated after `deps` installed them). KDIR overrides the headers.

KVER ?= $(shell for v in $$(ls /lib/modules 2>/dev/null | sort -Vr); do \
	[ -e /lib/modules/$$v/build ] && [ -e /boot/vmlinuz-$$v ] && echo $$v && break; \
	done)
KDIR ?= /lib/modules/$(KVER)/build
# Every kernel `make test` covers: all with headers and an image (`make deps`
# installs Debian's 6.1, 6.12 and 6.12-rt).
KVERS ?= $(shell for v in $$(ls /lib/modules 2>/dev/null | sort -V); do \
	[ -e /lib/modules/$$v/build ] && [ -e /boot/vmlinuz-$$v ] && echo $$v; \
	done)
# The kernels the VM tests marked "# vm: one kernel" (the daemon's, with
# Kamailio and SIPp; t_output, t_iptables_variants) are spread over in
# vm-test-all, each test on one of them in turn (tests/vm/run.sh).
VM_ONE_KERNEL ?= $(KVERS)
BUILD ?= build
JOBS ?= 2
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
XTLIBDIR ?= $(shell pkg-config --variable=xtlibdir xtables 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/xtables)

# What xt_RTPPROXY is measured against (make bench, make bench-smoke in make
# test): rtpengine's daemon, its kernel module (built by dkms for every
# kernel below) and its iptables extension.
BENCH_PACKAGES := rtpengine-daemon rtpengine-kernel-dkms rtpengine-iptables
DEB_PACKAGES := build-essential cmake pkg-config python3 cpio kmod iproute2 \
	iptables nftables libcap2-bin ethtool tcpdump \
	linux-headers-amd64 linux-image-amd64 \
	linux-headers-6.12-amd64 linux-image-6.12-amd64 \
	linux-headers-6.12-rt-amd64 linux-image-6.12-rt-amd64 dwarves \
	qemu-system-x86 busybox-static \
	libmnl-dev libnftnl-dev libxtables-dev libcap-dev \
	libboost-program-options-dev googletest libgtest-dev clang-format \
	libpcap-dev kamailio sip-tester \
	$(BENCH_PACKAGES)

CXX_SOURCES = $(shell git ls-files -- '*.cpp' '*.hpp' 2>/dev/null || \
	find libxtrtpproxy iptrtpproxy tests/unit -name '*.[ch]pp')
KMOD_SOURCES = $(wildcard kmod/*.c kmod/*.h)
# checkpatch.pl is not in the headers package: take it from PATH, from
# CHECKPATCH, or from a linux-source tree extracted under /usr/src.
CHECKPATCH ?= $(firstword $(shell command -v checkpatch.pl) \
	$(wildcard /usr/src/linux-source-*/scripts/checkpatch.pl))

.PHONY: all deps kmod userspace unit vm-test vm-test-all vm-test-all-and-bench-smoke fuzz fuzz-daemon stress test-debug-kernel test demo check install clean

all: kmod userspace

deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEB_PACKAGES)

# One build folder per kernel (links to the sources), so that 6.1 and 6.12
# objects never mix: $(BUILD)/kmod/$(KVER)/xt_RTPPROXY.ko.
KMOD_OUT = $(BUILD)/kmod/$(KVER)

kmod:
	@test -n "$(KVER)" || { echo "no kernel with headers and /boot/vmlinuz in /lib/modules: run 'sudo make deps' or set KVER" >&2; exit 1; }
	@mkdir -p $(KMOD_OUT)
	@for f in Kbuild $(notdir $(KMOD_SOURCES)); do ln -sfn $(CURDIR)/kmod/$$f $(KMOD_OUT)/$$f; done
	$(MAKE) -C $(KDIR) M=$(abspath $(KMOD_OUT)) XTRP_UAPI=$(CURDIR)/include/uapi -j$(JOBS) modules

userspace:
	cmake -S . -B $(BUILD)
	cmake --build $(BUILD) -j$(JOBS)

unit: userspace
	ctest --test-dir $(BUILD) --output-on-failure

vm-test: all
	KVER=$(KVER) tests/vm/run.sh $(TESTS)

# The netlink fuzz test at full size: 1,000,000 messages as root (FUZZ_COUNT;
# FUZZ_SEED repeats a run, FUZZ_JOBS sets the fuzzing processes), with an hour
# or two for it instead of the suite's per-test limit.
fuzz: all
	FUZZ_COUNT=$(or $(FUZZ_COUNT),1000000) VM_TEST_TIMEOUT=$(or $(VM_TEST_TIMEOUT),7200) \
		KVER=$(KVER) tests/vm/run.sh t_fuzz

# The daemon's parsers at full size: tests/fuzz/daemon_fuzz (built with ASan and
# UBSan) on 1,000,000 inputs per target, rtpproxy commands, ng datagrams and SDP:
# about 1, 2 and 5 minutes on two cores; ctest runs a fifth of it or less.
# DAEMON_FUZZ_COUNT sets the inputs, DAEMON_FUZZ_SEED another (repeatable) run.
fuzz-daemon: userspace
	cmake --build $(BUILD) -j$(JOBS) --target daemon_fuzz
	@for t in rtpproxy ng sdp; do \
		$(BUILD)/tests/fuzz/daemon_fuzz $$t --count $(or $(DAEMON_FUZZ_COUNT),1000000) \
			--seed $(or $(DAEMON_FUZZ_SEED),1) || exit 1; \
	done

# The stress test wide and long: 5,000 sessions for 5 minutes (STRESS_SESSIONS,
# STRESS_SECONDS), on every kernel in KVERS.
stress: all
	@for k in $(KVERS); do \
		$(MAKE) --no-print-directory kmod KVER=$$k && \
		STRESS_SESSIONS=$(or $(STRESS_SESSIONS),5000) STRESS_SECONDS=$(or $(STRESS_SECONDS),300) \
		VM_TEST_TIMEOUT=$(or $(VM_TEST_TIMEOUT),3600) KVER=$$k tests/vm/run.sh t_stress || exit 1; \
	done

# The VM suite on a debug kernel (KASAN, KMEMLEAK, lockdep, PROVE_RCU) built
# once from Debian's linux-source-6.1 and cached in ~/.cache/xt_rtpproxy
# (tests/vm/debug-kernel.sh: 30-60 minutes the first time). Slow: hours of
# emulation for the whole suite; TESTS= picks some.
test-debug-kernel: userspace
	@vars=$$(tests/vm/debug-kernel.sh | grep -E '^(KVER|KDIR|VM_KERNEL|VM_MODDIR)=') || exit 1; \
	eval "$$vars"; \
	$(MAKE) --no-print-directory kmod KVER=$$KVER KDIR=$$KDIR && \
	KVER=$$KVER VM_KERNEL=$$VM_KERNEL VM_MODDIR=$$VM_MODDIR \
		VM_TEST_TIMEOUT=$(or $(VM_TEST_TIMEOUT),3600) tests/vm/run.sh $(TESTS)

# The VM suite on every kernel in KVERS, each with its own module build, the
# kernels' VMs side by side (VM_JOBS at a time, default all: the tests mostly
# wait, so the VMs share the CPUs well). Each kernel's log is printed when all
# are done, then one summary line per kernel; a failure if any kernel failed.
VM_JOBS ?= 3
# Side by side on few host CPUs, one host thread per VM (its 2 vCPUs take
# turns) costs a third less CPU than a thread per vCPU: vCPUs of VMs that
# outnumber the host's CPUs spin on each other's locks. make vm-test and
# make stress keep a thread per vCPU.
VM_ALL_ACCEL ?= tcg,thread=single
# WITH_BENCH_SMOKE=1 (make test): bench-smoke is a fourth job, started when
# the first kernel's VM is done, beside the others' last tests.
vm-test-all: userspace
	@for k in $(KVERS); do rm -f $(BUILD)/vm-$$k.log; \
		$(MAKE) --no-print-directory kmod KVER=$$k >$(BUILD)/kmod-$$k.log 2>&1 || \
		{ cat $(BUILD)/kmod-$$k.log; echo "$$k: module build failed" >$(BUILD)/vm-$$k.log; }; done
	@rm -f $(BUILD)/bench-smoke.log
	@{ printf '%s\n' $(KVERS); [ -z "$(WITH_BENCH_SMOKE)" ] || echo bench-smoke; } | \
	xargs -P $(VM_JOBS) -I{} sh -c \
		'if [ {} = bench-smoke ]; then \
		   echo "bench-smoke: started"; \
		   $(MAKE) --no-print-directory bench-smoke >$(BUILD)/bench-smoke.log 2>&1; \
		   echo "bench-smoke: $$(tail -n 1 $(BUILD)/bench-smoke.log)"; \
		 elif ! grep -q "module build failed" $(BUILD)/vm-{}.log 2>/dev/null; then \
		   echo "VM tests on {}: started"; KVER={} VM_ACCEL=$(VM_ALL_ACCEL) VM_ONE_KERNEL="$(VM_ONE_KERNEL)" tests/vm/run.sh $(TESTS) >$(BUILD)/vm-{}.log 2>&1; \
		   echo "VM tests on {}: $$(tail -n 1 $(BUILD)/vm-{}.log)"; \
		 fi' || true
	@status=0; \
	for k in $(KVERS); do printf '\n==== %s\n' "$$k"; cat $(BUILD)/vm-$$k.log; done; \
	if [ -n "$(WITH_BENCH_SMOKE)" ]; then \
		printf '\n==== bench-smoke\n'; cat $(BUILD)/bench-smoke.log; \
		tail -n 1 $(BUILD)/bench-smoke.log | grep -qx 'bench-smoke: passed' || status=1; \
	fi; \
	printf '\n==== VM tests per kernel\n'; \
	for k in $(KVERS); do \
		line=$$(grep -E '^[0-9]+ passed, [0-9]+ failed$$' $(BUILD)/vm-$$k.log | tail -n 1); \
		echo "$$k: $${line:-did not finish}"; \
		case $$line in *" 0 failed") ;; *) status=1 ;; esac; \
	done; \
	exit $$status

# The VM suites and the benchmark's smoke run, side by side.
vm-test-all-and-bench-smoke:
	@$(MAKE) --no-print-directory vm-test-all WITH_BENCH_SMOKE=1

test: unit vm-test-all-and-bench-smoke

demo: all
	KVER=$(KVER) tests/vm/run.sh demo

check:
	clang-format --dry-run --Werror $(CXX_SOURCES)
	@if [ -n "$(CHECKPATCH)" ]; then \
		echo "$(CHECKPATCH) --strict kmod/"; \
		$(CHECKPATCH) --strict --no-tree --show-types -q -f $(filter-out kmod/compat.h,$(KMOD_SOURCES)) && \
		$(CHECKPATCH) --strict --no-tree --show-types -q --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
			-f kmod/compat.h; \
	else \
		echo "check: checkpatch.pl not found (apt-get install linux-source-6.1 and extract scripts/), skipped"; \
	fi
	@if command -v shellcheck >/dev/null; then \
		echo "shellcheck tests/vm .ci/run"; \
		shellcheck -x -s bash -e SC1091,SC2154 $(filter-out tests/vm/init.sh,$(wildcard tests/vm/*.sh)) .ci/run && \
		shellcheck -s sh tests/vm/init.sh; \
	else \
		echo "check: shellcheck not found, shell scripts not checked"; \
	fi

# The daemon's systemd unit: under PREFIX, where systemd looks for /usr/local and /usr
# (systemd-analyze unit-paths); its ExecStart= gets PREFIX's sbin.
install: SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
install: all
	$(MAKE) -C $(KDIR) M=$(abspath $(KMOD_OUT)) XTRP_UAPI=$(CURDIR)/include/uapi INSTALL_MOD_PATH=$(DESTDIR) modules_install
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	install -D -m 0644 $(BUILD)/iptables-ext/libxt_RTPPROXY.so $(DESTDIR)$(XTLIBDIR)/libxt_RTPPROXY.so
	install -D -m 0755 $(BUILD)/iptrtpproxy/iptrtpproxy $(DESTDIR)$(PREFIX)/sbin/iptrtpproxy
	install -D -m 0755 $(BUILD)/iptrtpproxyd/iptrtpproxyd $(DESTDIR)$(PREFIX)/sbin/iptrtpproxyd
	install -D -m 0644 docs/iptrtpproxy.8 $(DESTDIR)$(PREFIX)/share/man/man8/iptrtpproxy.8
	install -D -m 0644 docs/xt_RTPPROXY.8 $(DESTDIR)$(PREFIX)/share/man/man8/xt_RTPPROXY.8
	install -D -m 0644 docs/iptrtpproxyd.8 $(DESTDIR)$(PREFIX)/share/man/man8/iptrtpproxyd.8
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' iptrtpproxyd/iptrtpproxyd.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/iptrtpproxyd.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/iptrtpproxyd.service
	install -D -m 0644 iptrtpproxyd/iptrtpproxyd.conf $(DESTDIR)$(PREFIX)/share/doc/iptrtpproxyd/iptrtpproxyd.conf

clean:
	rm -rf $(BUILD)

# ---- benchmark (bench/, docs/performance.md) ---------------------------------
#   sudo make bench-deps  rtpengine's daemon, kernel module (dkms) and iptables
#                         extension: the relays xt_RTPPROXY is measured against
#   make bench            the full benchmark in one VM boot (~20 min; not for CI)
#   make bench-smoke      every relay briefly (~70 s on a quiet machine; for CI)
# Results: build/bench/{full,smoke}.{md,json}. BENCH_ARGS passes KEY=VALUE
# settings to bench/vm.sh (e.g. BENCH_ARGS="relays=fwd,xt rounds=1").
# BENCH_KVER: the newest non-RT kernel with headers and an image (an RT kernel
# threads its interrupts: not what a media relay runs on).
BENCH_KVER ?= $(shell for v in $$(ls /lib/modules 2>/dev/null | grep -v -- -rt- | sort -Vr); do \
	[ -e /lib/modules/$$v/build ] && [ -e /boot/vmlinuz-$$v ] && echo $$v && break; \
	done)

.PHONY: bench bench-smoke bench-deps

bench-deps:
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(BENCH_PACKAGES)

bench bench-smoke: userspace
	$(MAKE) --no-print-directory kmod KVER=$(BENCH_KVER)
	KVER=$(BENCH_KVER) bench/bench.sh $(if $(filter bench-smoke,$@),smoke,full) $(BENCH_ARGS)
	@echo "$@: passed"
