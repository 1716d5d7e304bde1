// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_kfeat.c - lib/kfeat.c without a probe: what OVL_FEATURES_OFF turns
 * off is never probed, so these run without privileges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../bpf/ovl_abi.h"
#include "kfeat.h"
#include "test.h"

/* Every feature's name, comma-separated. */
static void all_names(char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < ovl_kfeat_count; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? "," : "",
			 ovl_kfeat_table[i].name);
}

void test_kfeat_unknown_name(void)
{
	struct ovl_kfeat f;
	char err[256] = "";

	setenv("OVL_FEATURES_OFF", "kern_ctx,warp_drive", 1);
	ASSERT_EQ(ovl_kfeat_probe(&f, err, sizeof(err)), -EINVAL, "unknown name refused");
	ASSERT_STREQ(err, "OVL_FEATURES_OFF: no kernel feature 'warp_drive'", "message");
	setenv("OVL_FEATURES_OFF", "", 1);
	unsetenv("OVL_FEATURES_OFF");
}

/* Every feature off: the kernel is below the floor, and the one line
 * names the minimum and every required feature, in the table's order,
 * each with its first release. */
void test_kfeat_below_minimum(void)
{
	struct ovl_kfeat f;
	char names[512], err[1024] = "", want[1024];
	size_t at;

	all_names(names, sizeof(names));
	setenv("OVL_FEATURES_OFF", names, 1);
	ASSERT_EQ(ovl_kfeat_probe(&f, err, sizeof(err)), -ENOTSUP, "below the minimum");
	unsetenv("OVL_FEATURES_OFF");
	ASSERT_EQ(f.bits, 0, "no optional feature on");
	ASSERT_EQ(f.turned_off, f.missing, "all missing, all turned off");
	at = (size_t)snprintf(want, sizeof(want), "Linux %s is below ovl's minimum, %s: it lacks",
			      f.release, OVL_KERNEL_MIN);
	for (size_t i = 0, n = 0; i < ovl_kfeat_count; i++) {
		if (ovl_kfeat_table[i].bit)
			continue;
		at += (size_t)snprintf(want + at, sizeof(want) - at,
				       "%s %s (%s, turned off by OVL_FEATURES_OFF)", n++ ? "," : "",
				       ovl_kfeat_table[i].what, ovl_kfeat_table[i].since);
	}
	ASSERT_STREQ(err, want, "the one line");
	ASSERT_TRUE(!strchr(err, '\n'), "one line");
	ASSERT_STRSTR(err, "bpf_xdp_load_bytes() (5.18", "names a feature and its release");
}

/* A short buffer gets a cut message, never an overrun. */
void test_kfeat_short_buffer(void)
{
	struct ovl_kfeat f;
	char names[512], err[48];

	memset(err, 'x', sizeof(err));
	all_names(names, sizeof(names));
	setenv("OVL_FEATURES_OFF", names, 1);
	ASSERT_EQ(ovl_kfeat_probe(&f, err, 40), -ENOTSUP, "below the minimum");
	unsetenv("OVL_FEATURES_OFF");
	ASSERT_EQ(strlen(err), 39, "cut at the buffer");
	ASSERT_EQ(err[40], 'x', "nothing written past it");
}

/* Each optional feature names its OVL_FEAT_ bit once, and says what the
 * data path does without it; a required one has neither. */
void test_kfeat_table(void)
{
	__u32 seen = 0;

	for (size_t i = 0; i < ovl_kfeat_count; i++) {
		const struct ovl_kfeat_desc *k = &ovl_kfeat_table[i];

		ASSERT_TRUE(k->name && k->what && k->since, k->name ? k->name : "entry");
		ASSERT_EQ(!!k->bit, !!k->without, k->name);
		ASSERT_EQ(seen & k->bit, 0, k->name);
		seen |= k->bit;
	}
	ASSERT_EQ(seen, OVL_FEAT_KERN_CTX | OVL_FEAT_DECAP_FLAGS, "every OVL_FEAT_ bit");
}
