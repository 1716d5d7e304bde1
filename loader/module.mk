# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# ovld, the daemon.

OVLD_SRCS := $(wildcard loader/*.c)
OVLD_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(OVLD_SRCS))
BINS += $(OUTPUT)/ovld

$(OUTPUT)/loader/%.o: loader/%.c $(BPF_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -Iloader -c $< -o $@

$(OUTPUT)/ovld: $(OVLD_OBJS) $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@
