# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# libFuzzer harnesses (tests/fuzz/fuzz_NAME.c), built with clang and the
# sanitizers into their own tree: the objects of lib/, loader/ (over the
# unit tier's fake data path) and cni/ are compiled again there, never
# mixed with the normal build's (gcc, other flags).
#
#   make fuzz            every harness FUZZ_SECONDS each (in FUZZ_JOBS
#                        processes, 1), and pktfuzz (tests/fuzz/pkt.mk)
#                        PKT_FRAMES; new corpus entries in
#                        $(OUTPUT)/fuzz/corpus/NAME, crashes in $(OUTPUT)/fuzz/crashes
#   make test-fuzz       the short pass of `make test`: 10 s each, from the
#                        seed corpus and tests/fuzz/regress/NAME
#   make fuzz-cov        line coverage of each harness's target files over
#                        the seed and build corpora (llvm-cov-14)

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_JOBS    ?= 1
LLVM_PROFDATA ?= llvm-profdata-14
LLVM_COV      ?= llvm-cov-14

FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_DIR   := $(OUTPUT)/tests/fuzz
FUZZ_BINS  := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))

FUZZ_COMMON := -std=gnu11 -g -fno-omit-frame-pointer $(WARNINGS) -D_GNU_SOURCE -MMD -MP \
	       -Ibpf -Ilib -Iloader -Icni -Icni/ipam -Itests/lib -Itests/unit -I$(OUTPUT) $(PKG_CFLAGS)
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# The two flavours: sanitizers and libFuzzer's coverage feedback (fuzz),
# or clang's source coverage for the report (fuzz-cov).
FUZZ_CFLAGS_fuzz     := -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LDFLAGS_fuzz    := $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_CFLAGS_fuzz-cov  := -O0 -fprofile-instr-generate -fcoverage-mapping -fsanitize=fuzzer-no-link
FUZZ_LDFLAGS_fuzz-cov := -fprofile-instr-generate -fsanitize=fuzzer

# What the harnesses link: libovl, ovld's core over the fake data path
# (as the unit tier has it, loader/module.mk) and the CNI plugins' library
# (ovl's, and ovl-ipam's without its main()).
FUZZ_LIB_SRCS  := $(LIBOVL_SRCS)
FUZZ_OVLD_SRCS := $(patsubst $(OUTPUT)/%.o,%.c,$(OVLD_CORE_OBJS)) tests/unit/fake_dp.c \
		  tests/unit/loader_fixture.c
FUZZ_CNI_SRCS  := $(patsubst $(OUTPUT)/%.o,%.c,$(CNI_LIB_OBJS)) cni/ipam/ovl_ipam.c

# $(1): flavour (fuzz or fuzz-cov), its tree is $(OUTPUT)/$(1); $(2): where
# its harnesses go
define fuzz_flavour
$(OUTPUT)/$(1)/obj/%.o: %.c $(BPF_SKEL)
	$$(call msg,FUZZCC,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_COMMON) $(FUZZ_CFLAGS_$(1)) -c $$< -o $$@

$(OUTPUT)/$(1)/libovl.a: $(patsubst %.c,$(OUTPUT)/$(1)/obj/%.o,$(FUZZ_LIB_SRCS))
$(OUTPUT)/$(1)/libovld.a: $(patsubst %.c,$(OUTPUT)/$(1)/obj/%.o,$(FUZZ_OVLD_SRCS))
$(OUTPUT)/$(1)/libcni.a: $(patsubst %.c,$(OUTPUT)/$(1)/obj/%.o,$(FUZZ_CNI_SRCS))
$(OUTPUT)/$(1)/%.a:
	$$(call msg,AR,$$@)
	$(Q)rm -f $$@ && $(AR) rcs $$@ $$^

# Every harness links the three archives; it takes what it calls. The ctl
# harness links tests/fuzz/fake_link.c before them, in place of lib/veth.c.
$(2)/fuzz_ctl: $(OUTPUT)/$(1)/obj/tests/fuzz/fake_link.o
$(2)/fuzz_%: $(OUTPUT)/$(1)/obj/tests/fuzz/fuzz_%.o $(OUTPUT)/$(1)/libcni.a \
		$(OUTPUT)/$(1)/libovld.a $(OUTPUT)/$(1)/libovl.a
	$$(call msg,LINK,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS_$(1)) $$(filter %.o,$$^) -Wl,--start-group $$(filter %.a,$$^) -Wl,--end-group \
		$(OVL_LDLIBS) -o $$@
endef
$(eval $(call fuzz_flavour,fuzz,$(FUZZ_DIR)))
$(eval $(call fuzz_flavour,fuzz-cov,$(OUTPUT)/fuzz-cov/bin))

FUZZ_COV_BINS := $(addprefix $(OUTPUT)/fuzz-cov/bin/fuzz_,$(FUZZ_NAMES))

.PHONY: fuzz fuzz-bins fuzz-cov test-fuzz
# The packet fuzzer, $(PKTFUZZ), is tests/fuzz/pkt.mk's; tests/fuzz/run.sh
# runs it too.
fuzz-bins: $(FUZZ_BINS) $(PKTFUZZ)

fuzz: fuzz-bins
	$(Q)OUTPUT=$(abspath $(OUTPUT)) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) \
		PKT_FRAMES=$${PKT_FRAMES:-1000000} tests/fuzz/run.sh $(if $(T),-t $(T)) long

test-fuzz: fuzz-bins
	$(Q)OUTPUT=$(abspath $(OUTPUT)) tests/run.sh $(if $(T),-t $(T)) fuzz

fuzz-cov: $(FUZZ_COV_BINS)
	$(Q)OUTPUT=$(abspath $(OUTPUT)) tests/fuzz/cov.sh $(if $(T),-t $(T))
