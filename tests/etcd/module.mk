# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test_etcd: lib/etcd.c against a real etcd, run by tests/e2e/etcd_client.sh
# (not a tier of its own: it needs the etcd members that script starts).

TEST_ETCD := $(OUTPUT)/tests/test_etcd
TEST_BINS += $(TEST_ETCD)

$(TEST_ETCD): $(OUTPUT)/tests/etcd/test_etcd.o $(LIBOVL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(OVL_LDLIBS) -o $@
