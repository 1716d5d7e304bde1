# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# libovl.a: userspace code shared by ovld, ovlctl, the CNI plugin and tests.

LIBOVL_SRCS := $(wildcard lib/*.c)
LIBOVL_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(LIBOVL_SRCS))
LIBOVL := $(OUTPUT)/libovl.a

$(OUTPUT)/lib/%.o: lib/%.c $(BPF_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -c $< -o $@

$(LIBOVL): $(LIBOVL_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
