# SPDX-License-Identifier: GPL-2.0
# Entry point: installs the build dependencies, builds, tests and demonstrates xt_RTPPROXY.
#
#   sudo make deps     Debian packages (compilers, libraries, kernel image and
#                      headers, qemu, iptables, ...)
#   make all           the kernel module and the userspace build (build/)
#   make unit          unit tests (ctest)
#   make vm-test       VM tests under qemu with Debian's kernel
#   make test          both
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
BUILD ?= build
JOBS ?= 2
PREFIX ?= /usr/local
DESTDIR ?=
XTLIBDIR ?= $(shell pkg-config --variable=xtlibdir xtables 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/xtables)

DEB_PACKAGES := build-essential cmake pkg-config python3 cpio kmod iproute2 \
	iptables nftables libcap2-bin \
	linux-headers-amd64 linux-image-amd64 qemu-system-x86 busybox-static \
	libmnl-dev libnftnl-dev libxtables-dev libcap-dev \
	libboost-program-options-dev googletest libgtest-dev clang-format

CXX_SOURCES = $(shell git ls-files -- '*.cpp' '*.hpp' 2>/dev/null || \
	find libxtrtpproxy iptrtpproxy tests/unit -name '*.[ch]pp')
KMOD_SOURCES = $(wildcard kmod/*.c kmod/*.h)
# checkpatch.pl is not in the headers package: take it from PATH, from
# CHECKPATCH, or from a linux-source tree extracted under /usr/src.
CHECKPATCH ?= $(firstword $(shell command -v checkpatch.pl) \
	$(wildcard /usr/src/linux-source-*/scripts/checkpatch.pl))

.PHONY: all deps kmod userspace unit vm-test test demo check install clean

all: kmod userspace

deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEB_PACKAGES)

kmod:
	@test -n "$(KVER)" || { echo "no kernel with headers and /boot/vmlinuz in /lib/modules: run 'sudo make deps' or set KVER" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

userspace:
	cmake -S . -B $(BUILD)
	cmake --build $(BUILD) -j$(JOBS)

unit: userspace
	ctest --test-dir $(BUILD) --output-on-failure

vm-test: all
	KVER=$(KVER) tests/vm/run.sh $(TESTS)

test: unit vm-test

demo: all
	KVER=$(KVER) tests/vm/run.sh demo

check:
	clang-format --dry-run --Werror $(CXX_SOURCES)
	@if [ -n "$(CHECKPATCH)" ]; then \
		echo "$(CHECKPATCH) --strict kmod/"; \
		$(CHECKPATCH) --strict --no-tree --show-types -q -f $(KMOD_SOURCES); \
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

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) modules_install
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	install -D -m 0644 $(BUILD)/iptables-ext/libxt_RTPPROXY.so $(DESTDIR)$(XTLIBDIR)/libxt_RTPPROXY.so
	install -D -m 0755 $(BUILD)/iptrtpproxy/iptrtpproxy $(DESTDIR)$(PREFIX)/sbin/iptrtpproxy
	install -D -m 0644 docs/iptrtpproxy.8 $(DESTDIR)$(PREFIX)/share/man/man8/iptrtpproxy.8
	install -D -m 0644 docs/xt_RTPPROXY.8 $(DESTDIR)$(PREFIX)/share/man/man8/xt_RTPPROXY.8

clean:
	-[ -z "$(KVER)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	rm -rf $(BUILD)
