# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# ovl: the CNI plugin. The network configuration's "type" is "ovl", so the
# binary is build/ovl; it talks to ovld through the control socket only.

CNI_SRCS := $(wildcard cni/*.c)
CNI_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(CNI_SRCS))
# Everything but main(): the unit tests link these too.
CNI_LIB_OBJS := $(filter-out $(OUTPUT)/cni/main.o,$(CNI_OBJS))
BINS += $(OUTPUT)/ovl
# A CNI plugin of the build: `make image` links it statically (from these
# objects) into the image, whose entrypoint installs it on the node.
CNI_PLUGINS += ovl
CNI_PLUGIN_OBJS_ovl := $(CNI_OBJS) $(LIBOVL)

$(OUTPUT)/cni/%.o: cni/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -c $< -o $@

$(OUTPUT)/ovl: $(CNI_OBJS) $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@

# tests/unit/test_cni_*.c parse configurations and build results.
$(OUTPUT)/tests/test_unit: $(CNI_LIB_OBJS)
$(OUTPUT)/tests/unit/test_cni_netconf.o $(OUTPUT)/tests/unit/test_cni_result.o \
$(OUTPUT)/tests/unit/test_cni_bandwidth.o: OVL_CFLAGS += -Icni

# ovl-ipam (ovl-ipam(8)): the IPAM plugin that allocates through ovld, from
# its overlay's etcd. Shares the CNI model (errors, results, ovld's socket).
IPAM_SRCS := $(wildcard cni/ipam/*.c)
IPAM_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(IPAM_SRCS))
BINS += $(OUTPUT)/ovl-ipam
CNI_PLUGINS += ovl-ipam
CNI_PLUGIN_OBJS_ovl-ipam := $(IPAM_OBJS) $(CNI_LIB_OBJS) $(LIBOVL)

$(OUTPUT)/cni/ipam/%.o: cni/ipam/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -Icni -c $< -o $@

$(OUTPUT)/ovl-ipam: $(IPAM_OBJS) $(CNI_LIB_OBJS) $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@
