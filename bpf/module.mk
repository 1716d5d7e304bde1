# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# BPF programs: each *.bpf.c is compiled alone, the objects are linked into
# one (so that both programs share every map) and turned into a skeleton.

BPF_SRCS := bpf/ovl_xdp.bpf.c bpf/ovl_tc.bpf.c bpf/ovl_tcul.bpf.c
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
BPF_LINKED := $(OUTPUT)/ovl.bpf.o
BPF_SKEL := $(OUTPUT)/ovl.skel.h

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_LINKED): $(BPF_OBJS)
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(BPF_SKEL): $(BPF_LINKED)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ovl > $@.tmp && mv $@.tmp $@
