# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# ovlctl: the command line of ovld. It talks to ovld only through the
# control socket (lib/ctl.h); it never opens a BPF map.

CTL_SRCS := $(wildcard ctl/*.c)
CTL_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(CTL_SRCS))
# Everything but main(): the unit tests link these too.
CTL_LIB_OBJS := $(filter-out $(OUTPUT)/ctl/main.o,$(CTL_OBJS))
BINS += $(OUTPUT)/ovlctl

$(OUTPUT)/ctl/%.o: ctl/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -c $< -o $@

$(OUTPUT)/ovlctl: $(CTL_OBJS) $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@

# tests/unit/test_ovlctl.c calls the parser, printers and ovlctl_main().
$(OUTPUT)/tests/test_unit: $(CTL_LIB_OBJS)
$(OUTPUT)/tests/unit/test_ovlctl.o: OVL_CFLAGS += -Ictl
