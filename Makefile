# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovl: one non-recursive Makefile; every folder adds its part in module.mk.
# `make help` lists the targets and the variables that can be overridden.

OUTPUT     ?= build
CLANG      ?= clang
BPFTOOL    ?= bpftool
PKG_CONFIG ?= pkg-config
CC         ?= gcc
PREFIX     ?= /usr/local
DESTDIR    ?=
CNI_BIN_DIR ?= /opt/cni/bin
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
ARCH       ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
			-e 's/ppc64le/powerpc/' -e 's/mips.*/mips/' -e 's/riscv64/riscv/')
T          ?=
V          ?= 0
SAN        ?= 0

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:

PKGS       := libbpf jansson libnl-3.0 libnl-route-3.0 libcurl
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# Userspace.
CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
	    -Wno-missing-field-initializers
OVL_CFLAGS := -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -MMD -MP \
	      -Ibpf -Ilib -I$(OUTPUT) $(PKG_CFLAGS) $(CPPFLAGS)
OVL_LDLIBS := $(PKG_LIBS) -lelf -lz
ifeq ($(SAN),1)
OVL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=address,undefined
endif

# BPF. The system include dirs clang would use are added after ours so that
# <bpf/bpf_helpers.h> is found (libbpf-bootstrap's CLANG_BPF_SYS_INCLUDES).
CLANG_BPF_SYS_INCLUDES := $(shell $(CLANG) -v -E - </dev/null 2>&1 | \
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -mcpu=v3 \
	      -Wall -Wextra -Werror -Wshadow -Wimplicit-fallthrough \
	      -Wno-unused-function -MMD -MP \
	      -I$(OUTPUT) -Ivmlinux-btf/$(ARCH) -Ibpf $(CLANG_BPF_SYS_INCLUDES)

# Filled by the modules.
BINS      :=
CLEAN     :=
C_SOURCES :=
SH_SOURCES :=

include bpf/module.mk
include lib/module.mk
include tests/module.mk
include tests/bench/module.mk
include tests/etcd/module.mk
include tests/fuzz/pkt.mk
-include loader/module.mk
-include ctl/module.mk
-include cni/module.mk
# after the modules whose objects it compiles again
include tests/fuzz/module.mk

all: $(BPF_SKEL) $(LIBOVL) $(BINS) $(TEST_BINS)

# The programs alone, no tests (what install and the Debian package need).
bins: $(BINS)

$(OUTPUT) $(OUTPUT)/tests:
	$(Q)mkdir -p $@

SHELL := /bin/bash

# ---- lint ---------------------------------------------------------------
FORMAT_FILES = $(shell git ls-files -co --exclude-standard -- \
		'*.c' '*.h' ':!:vmlinux-btf/*' 2>/dev/null)
TIDY_FILES   = $(filter lib/% loader/% ctl/% cni/%,$(filter %.c,$(FORMAT_FILES)))
TIDY_CFLAGS  = $(OVL_CFLAGS) -Iloader -Icni
SH_FILES     = $(shell git ls-files -co --exclude-standard -- '*.sh' .ci/run tests/kernels/init \
		completion/ovlctl 2>/dev/null)

.PHONY: lint format format-check tidy cppcheck shellcheck yamlcheck unitcheck
lint: format-check $(BPF_OBJS) tidy cppcheck shellcheck yamlcheck unitcheck
	@echo "lint: clean"

format:
	$(Q)clang-format -i $(FORMAT_FILES)

format-check:
	$(call msg,FORMAT,check)
	$(Q)clang-format --dry-run -Werror $(FORMAT_FILES)

tidy: $(BPF_SKEL)
	$(call msg,TIDY,$(words $(TIDY_FILES)) files)
	$(Q)scripts/tidy.sh $(OUTPUT) $(TIDY_FILES) -- $(TIDY_CFLAGS)

cppcheck:
	$(call msg,CPPCHECK,lib loader ctl cni)
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
		--enable=warning,portability,performance \
		--suppress=missingIncludeSystem --suppress=unknownMacro -Ibpf -Ilib -Iloader -Icni \
		$(TIDY_FILES)

shellcheck:
	$(call msg,SHELLCHK,$(words $(SH_FILES)) files)
	$(Q)if command -v shellcheck >/dev/null; then \
		shellcheck -x -S warning $(SH_FILES); \
	else echo "shellcheck not installed: skipped" >&2; fi

YAML_FILES = $(shell git ls-files -co --exclude-standard -- '*.yaml' '*.yml' 2>/dev/null)
yamlcheck:
	$(call msg,YAML,$(words $(YAML_FILES)) files)
	$(Q)python3 -c 'import sys, yaml; [list(yaml.safe_load_all(open(f))) for f in sys.argv[1:]]' \
		$(YAML_FILES)

# The systemd unit, made for this build's ovld (verify wants ExecStart to
# exist), checked by systemd-analyze: it works without systemd as PID 1
# with --man=no (Documentation= runs man otherwise). Unknown keys and bad
# values are only warnings there (status 0), so any output fails.
UNITS := $(patsubst systemd/%.in,$(OUTPUT)/systemd/%,$(wildcard systemd/*.in))
$(OUTPUT)/systemd/%: systemd/%.in
	$(Q)mkdir -p $(@D)
	$(Q)sed 's|@SBINDIR@|$(SBINDIR_UNIT)|g' $< > $@
$(UNITS): SBINDIR_UNIT = $(abspath $(OUTPUT))
unitcheck: $(UNITS) $(OUTPUT)/ovld
	$(call msg,UNITCHK,$(notdir $(UNITS)))
	$(Q)if command -v systemd-analyze >/dev/null; then \
		out=$$(systemd-analyze verify --man=no $(OUTPUT)/systemd/ovld@lint.service 2>&1); \
		[ -z "$$out" ] || { echo "$$out" >&2; exit 1; }; \
	else echo "systemd-analyze not installed: skipped" >&2; fi

# ---- tests --------------------------------------------------------------
.PHONY: deps demo bench test test-unit test-bpf test-e2e test-interop test-kernels
# test-fuzz, fuzz, fuzz-cov: tests/fuzz/module.mk
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)examples/demo.sh

deps:
	$(Q)scripts/deps.sh

# Not a test: figures and ratios against the kernel's vxlan and plain
# routing, into $(OUTPUT)/bench/results (BENCH_ARGS: -r REPS -t SECONDS -q).
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)OVL_BUILD=$(abspath $(OUTPUT)) OVL_TOP=$(CURDIR) tests/bench/bench.sh $(BENCH_ARGS)

test: deps
	$(Q)$(MAKE) --no-print-directory lint
	$(Q)$(MAKE) --no-print-directory all fuzz-bins
	$(Q)tests/run.sh $(if $(T),-t $(T)) unit bpf e2e interop kernels fuzz

test-unit: all
	$(Q)tests/run.sh $(if $(T),-t $(T)) unit

test-bpf: all
	$(Q)tests/run.sh $(if $(T),-t $(T)) bpf

test-e2e: all
	$(Q)tests/run.sh $(if $(T),-t $(T)) e2e

test-interop: all
	$(Q)tests/run.sh $(if $(T),-t $(T)) interop

# Debian 12's own kernel (or KERNEL=a .deb or bzImage, MODULES=its modules)
# booted in qemu (TCG): the bpf tier and the e2e tests named kernel_* in it.
test-kernels: all
	$(Q)tests/run.sh $(if $(T),-t $(T)) kernels

# ---- image --------------------------------------------------------------
# The container image of examples/kubernetes (a DaemonSet), built offline:
# FROM scratch, busybox-static, ovld, ovlctl, ip, nft and the libraries they
# link (scripts/image.sh). Every CNI plugin of the build (CNI_PLUGINS, set
# by the plugins' module.mk with CNI_PLUGIN_OBJS_<name>) goes in linked
# statically: the entrypoint installs it into the node's /opt/cni/bin,
# where it runs with the node's libraries, not the image's. glibc's
# warnings about NSS functions in a static program (libnl's name lookups,
# which the plugins do not call) are kept in $(OUTPUT)/static/NAME.warn.
IMAGE         ?= localhost/ovl
IMAGE_VERSION ?= $(shell sed -n 's/^\#define OVL_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' lib/ctl.h)
IMAGE_DIR     ?= $(OUTPUT)/image
IMAGE_PLUGINS := $(addprefix $(OUTPUT)/static/,$(CNI_PLUGINS))
STATIC_LDLIBS := $(shell $(PKG_CONFIG) --static --libs libbpf jansson libnl-3.0 libnl-route-3.0 2>/dev/null)

define static_plugin
$(OUTPUT)/static/$(1): $$(CNI_PLUGIN_OBJS_$(1))
	$$(call msg,LINK,$$@ (static))
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS) $$(LDFLAGS) -static $$^ $$(STATIC_LDLIBS) -o $$@ 2>$$@.warn || \
		{ cat $$@.warn >&2; exit 1; }
endef
$(foreach p,$(CNI_PLUGINS),$(eval $(call static_plugin,$(p))))

.PHONY: image
image: $(OUTPUT)/ovld $(OUTPUT)/ovlctl $(IMAGE_PLUGINS)
	$(call msg,IMAGE,$(IMAGE):$(IMAGE_VERSION))
	$(Q)scripts/image.sh -C $(IMAGE_DIR) -d $(OUTPUT)/ovld -c $(OUTPUT)/ovlctl \
		$(addprefix -p ,$(IMAGE_PLUGINS)) -t $(IMAGE):$(IMAGE_VERSION) -t $(IMAGE):latest

# ---- install, clean, vmlinux, help --------------------------------------
.PHONY: install clean vmlinux help bins deb
# The Debian package ovl (debian/), built from scratch into its own tree
# (build/deb-tree) with dpkg-buildpackage, no network, no signature: the
# .deb goes to build/deb/, with its .changes and .buildinfo.
deb:
	$(call msg,DEB,build/deb)
	$(Q)mkdir -p build/deb
	$(Q)v=$$(dpkg-parsechangelog -S Version); a=$$(dpkg-architecture -qDEB_HOST_ARCH); \
		dpkg-buildpackage -us -uc -b \
		--buildinfo-option=-ubuild/deb --buildinfo-option=-Obuild/deb/ovl_$${v}_$$a.buildinfo \
		--changes-option=-ubuild/deb --changes-option=-Obuild/deb/ovl_$${v}_$$a.changes
	$(Q)ls build/deb/*.deb

install: bins
	$(Q)install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(CNI_BIN_DIR)
	$(Q)$(if $(filter %/ovld,$(BINS)),install -m 0755 $(OUTPUT)/ovld $(DESTDIR)$(PREFIX)/sbin/)
	$(Q)$(if $(filter %/ovlctl,$(BINS)),install -m 0755 $(OUTPUT)/ovlctl $(DESTDIR)$(PREFIX)/bin/)
	$(Q)$(if $(filter %/ovl,$(BINS)),install -m 0755 $(OUTPUT)/ovl $(DESTDIR)$(CNI_BIN_DIR)/)
	$(Q)$(if $(filter %/ovl-ipam,$(BINS)),install -m 0755 $(OUTPUT)/ovl-ipam $(DESTDIR)$(CNI_BIN_DIR)/)
	$(Q)install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR) $(DESTDIR)$(BASH_COMPLETION_DIR)
	$(Q)install -m 0644 completion/ovlctl $(DESTDIR)$(BASH_COMPLETION_DIR)/ovlctl
	$(Q)for u in systemd/*.in; do sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $$u > $(OUTPUT)/unit.tmp && \
		install -m 0644 $(OUTPUT)/unit.tmp $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$(basename $$u .in) || exit 1; \
		done; rm -f $(OUTPUT)/unit.tmp
	$(Q)if [ -d man ]; then for m in man/*.[0-9]; do [ -e "$$m" ] || continue; \
		s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done; fi

clean:
	$(Q)rm -rf $(OUTPUT)

vmlinux:
	$(Q)vmlinux-btf/gen.sh $(ARCH)

help:
	@echo 'Targets:'
	@echo '  all           BPF objects and skeletons, libovl.a, binaries, test programs (default)'
	@echo '  demo          deps, build, then the seed'"'"'s three-host demo (root)'
	@echo '  bench         deps, build, then ovl against kernel vxlan and routing (root;'
	@echo '                BENCH_ARGS="-r REPS -t SECONDS -q"); $(OUTPUT)/bench/results'
	@echo '  test          deps, lint, then every test tier (unit bpf e2e interop kernels fuzz)'
	@echo '  test-unit     unit tests (no privileges)'
	@echo '  test-bpf      BPF_PROG_TEST_RUN packet tests (root)'
	@echo '  test-e2e      end-to-end tests in network namespaces (root)'
	@echo '  test-interop  tests against real peers: kernel vxlan, tshark, dnsmasq (root)'
	@echo '  test-kernels  boot Debian 12'"'"'s kernel (or KERNEL=.deb|bzImage, MODULES=dir) in'
	@echo '                qemu and run the bpf tier and the kernel_* e2e tests in it (root)'
	@echo '  test-fuzz     each libFuzzer harness 10 s from its seeds and regression inputs'
	@echo '  fuzz          each harness FUZZ_SECONDS (default 20; PKT_FRAMES for pktfuzz),'
	@echo '                new inputs kept in $(OUTPUT)/fuzz/corpus/NAME, crashes in'
	@echo '                $(OUTPUT)/fuzz/crashes'
	@echo '  fuzz-cov      line coverage of the files each harness targets (llvm-cov-14)'
	@echo '  lint          clang-format check, clang-tidy, cppcheck, shellcheck, BPF -Werror'
	@echo '  format        rewrite sources with clang-format'
	@echo '  deps          install missing Debian packages (needs root; no-op when all present)'
	@echo '  image         the container image of examples/kubernetes, offline (podman build;'
	@echo '                IMAGE, IMAGE_VERSION, IMAGE_DIR, PODMAN_OPTS)'
	@echo '  deb           the Debian package ovl into build/deb/ (dpkg-buildpackage, no network)'
	@echo '  install       install binaries, man pages, the systemd unit and the bash completion'
	@echo '                (DESTDIR, PREFIX, CNI_BIN_DIR, SYSTEMD_UNIT_DIR, BASH_COMPLETION_DIR)'
	@echo '  vmlinux       regenerate vmlinux-btf/$$(ARCH)/vmlinux.h from the running kernel'
	@echo '  clean         remove $(OUTPUT)/'
	@echo 'Variables: OUTPUT CLANG BPFTOOL PKG_CONFIG CC PREFIX DESTDIR CNI_BIN_DIR SYSTEMD_UNIT_DIR'
	@echo '           BASH_COMPLETION_DIR ARCH BENCH_ARGS IMAGE'
	@echo '           FUZZ_CC FUZZ_SECONDS PKT_FRAMES PKT_SEED (make fuzz; tests/fuzz/run.sh)'
	@echo '           KERNEL MODULES KERNEL_TIMEOUT (make test-kernels; tests/kernels/run.sh -h)'
	@echo '           V=1 (show commands) SAN=1 (ASan+UBSan) T=name (run tests matching name)'

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
