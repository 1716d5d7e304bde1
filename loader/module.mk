# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# ovld, the daemon.

OVLD_SRCS := $(wildcard loader/*.c)
OVLD_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(OVLD_SRCS))
BINS += $(OUTPUT)/ovld

# The files that talk to the kernel (and main()): the unit tier links the
# rest of ovld against tests/unit/fake_dp.c instead, which defines what
# these export. A function added here and called by the rest must be added
# to the fake too, or test_unit does not link.
OVLD_DP_OBJS := $(patsubst %,$(OUTPUT)/loader/%.o,dp attach owner maps pins pins_migrate xmit caps \
		reconcile dp_shape cmd main nexthop)
OVLD_CORE_OBJS := $(filter-out $(OVLD_DP_OBJS),$(OVLD_OBJS))

$(OUTPUT)/loader/%.o: loader/%.c $(BPF_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -Iloader -c $< -o $@

$(OUTPUT)/ovld: $(OVLD_OBJS) $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@

# The unit tier tests ovld's core without privileges (tests/unit/test_loader_*.c).
$(OUTPUT)/tests/test_unit: $(OVLD_CORE_OBJS)
$(OUTPUT)/tests/unit/%.o: OVL_CFLAGS += -Iloader
