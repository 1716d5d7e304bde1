# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# C test tiers: tests/unit (no privileges) and tests/bpf (BPF_PROG_TEST_RUN).
# Each tier is one binary; its test list is generated from the
# `void test_NAME(void)` definitions in the tier's sources.

TEST_LIB_SRCS := $(filter-out tests/lib/test_main.c,$(wildcard tests/lib/*.c))
TEST_TIERS := unit bpf
TEST_BINS :=

# $(1): tier
define test_tier
TEST_$(1)_SRCS := $$(wildcard tests/$(1)/*.c)
TEST_$(1)_OBJS := $$(patsubst %.c,$(OUTPUT)/%.o,$$(TEST_$(1)_SRCS) $(TEST_LIB_SRCS) tests/lib/test_main.c) \
		  $(OUTPUT)/tests/$(1)_list.o
TEST_BINS += $(OUTPUT)/tests/test_$(1)

# Regenerated on every run and replaced only when it changes: a test file
# that was deleted leaves no newer prerequisite behind to trigger it.
$(OUTPUT)/tests/$(1)_list.c: $$(TEST_$(1)_SRCS) FORCE | $(OUTPUT)/tests
	$(Q)names=$$$$(sed -n 's/^void \(test_[A-Za-z0-9_]*\)(void)$$$$/\1/p' $$(TEST_$(1)_SRCS) | sort); \
	{ echo '/* generated from the sources in tests/$(1): do not edit */'; \
	  echo 'struct ovl_test_entry { const char *name; void (*fn)(void); };'; \
	  for n in $$$$names; do echo "void $$$$n(void);"; done; \
	  echo 'const struct ovl_test_entry ovl_test_list[] = {'; \
	  for n in $$$$names; do echo "	{ \"$$$${n#test_}\", $$$$n },"; done; \
	  echo '	{ 0, 0 } };'; \
	  echo "const int ovl_test_count = sizeof(ovl_test_list) / sizeof(ovl_test_list[0]) - 1;"; \
	} > $$@.tmp; \
	if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; \
	else printf '  %-8s %s\n' GEN $$@; mv $$@.tmp $$@; fi

# Another module links its objects into a tier with a prerequisite line of
# its own, `$(OUTPUT)/tests/test_unit: OBJS`; objects go before archives.
$(OUTPUT)/tests/test_$(1): $$(TEST_$(1)_OBJS) $(LIBOVL)
	$$(call msg,LINK,$$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $$(filter-out %.a,$$^) $$(filter %.a,$$^) $(OVL_LDLIBS) -o $$@
endef

$(foreach t,$(TEST_TIERS),$(eval $(call test_tier,$(t))))

# test_abi_btf reads the enums of ovl_abi.h from this object's BTF (see the
# source for why they are not in ovl.bpf.o's). It lives in a subfolder so
# that the tier's wildcard does not take it for a test source.
ABI_PROBE := $(OUTPUT)/tests/abi_probe.bpf.o

$(ABI_PROBE): tests/unit/btf/abi_probe.bpf.c | $(OUTPUT)/tests
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/tests/test_unit: | $(ABI_PROBE)
.PHONY: FORCE
FORCE:

$(OUTPUT)/tests/%.o: $(OUTPUT)/tests/%.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(OUTPUT)/tests/%.o: tests/%.c $(BPF_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(OVL_CFLAGS) -Itests/lib -Wno-missing-prototypes -DOVL_BUILD_DIR='"$(OUTPUT)"' -DOVL_TOP_DIR='"$(CURDIR)"' -c $< -o $@
