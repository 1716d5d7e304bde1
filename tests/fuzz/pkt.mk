# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The packet fuzzer (tests/fuzz/pktfuzz.c): ovl's BPF programs through
# BPF_PROG_TEST_RUN on generated frames, checked against the model of
# tests/fuzz/pktmodel.c, on the BPF tier's harness. Built by `make all`;
# run by the fuzz tier (root).

PKTFUZZ := $(OUTPUT)/tests/fuzz/pktfuzz
PKTFUZZ_OBJS := $(OUTPUT)/tests/fuzz/pktfuzz.o $(OUTPUT)/tests/fuzz/pktmodel.o \
		$(OUTPUT)/tests/bpf/harness.o $(OUTPUT)/tests/lib/pkt.o \
		$(OUTPUT)/tests/lib/test_report.o

$(OUTPUT)/tests/fuzz/%.o: CFLAGS += -Itests/bpf

$(PKTFUZZ): $(PKTFUZZ_OBJS) $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(filter-out %.a,$^) $(filter %.a,$^) $(OVL_LDLIBS) -o $@

all: $(PKTFUZZ)
