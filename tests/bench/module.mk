# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make bench: the tools tests/bench/bench.sh drives (not tests: nothing here
# is a verdict). Built by `make all` so that lint and -Werror see them.
#
#   ovl-pktgen   small-frame generator: an XDP program run with
#                BPF_PROG_TEST_RUN and BPF_F_TEST_XDP_LIVE_FRAMES
#   ovl-misslat  the first TCP connect or UDP datagram after a miss, timed
#                until a socket in the far container has it
#   ovl-floor    what a hash lookup, the clock, the skb helpers cost here
#   ovl-etcd-load  endpoints of simulated hosts published into etcd through
#                the etcd backend itself (loader/backend_etcd.o)

BENCH_OUT := $(OUTPUT)/bench
PKTGEN_BPF_OBJ := $(BENCH_OUT)/pktgen.bpf.o
PKTGEN_SKEL := $(BENCH_OUT)/pktgen.skel.h
FLOOR_SKEL := $(BENCH_OUT)/floor.skel.h
BENCH_BINS := $(BENCH_OUT)/ovl-pktgen $(BENCH_OUT)/ovl-misslat $(BENCH_OUT)/ovl-floor \
	      $(BENCH_OUT)/ovl-etcd-load
BINS += $(BENCH_BINS)

$(BENCH_OUT):
	$(Q)mkdir -p $@

$(BENCH_OUT)/%.bpf.o: tests/bench/%.bpf.c | $(BENCH_OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_OUT)/%.skel.h: $(BENCH_OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@.tmp && mv $@.tmp $@

$(BENCH_OUT)/pktgen.o: $(PKTGEN_SKEL)
$(BENCH_OUT)/floor.o: $(FLOOR_SKEL)

$(BENCH_OUT)/%.o: tests/bench/%.c $(BPF_SKEL) | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -I$(BENCH_OUT) -c $< -o $@

$(BENCH_OUT)/ovl-pktgen: $(BENCH_OUT)/pktgen.o $(BENCH_OUT)/bench_lib.o $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@

$(BENCH_OUT)/ovl-misslat: $(BENCH_OUT)/misslat.o $(BENCH_OUT)/bench_lib.o $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@

$(BENCH_OUT)/ovl-floor: $(BENCH_OUT)/floor.o $(BENCH_OUT)/bench_lib.o $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@

# ovl-etcd-load: ovld's etcd backend itself, driven by a minimal host.
$(BENCH_OUT)/etcd_load.o: OVL_CFLAGS += -Iloader

$(BENCH_OUT)/ovl-etcd-load: $(BENCH_OUT)/etcd_load.o $(BENCH_OUT)/bench_lib.o \
		$(OUTPUT)/loader/backend_etcd.o $(OUTPUT)/loader/loop.o $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@
