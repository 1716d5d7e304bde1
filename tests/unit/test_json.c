// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_json.c - lib/json.c's strict-key helpers: a key list is the text a
 * message shows, and a key is known only when it is one of its names.
 */
#include "test.h"
#include "json.h"

void test_json_key_listed(void)
{
	ASSERT_TRUE(ovl_key_listed("ip", "ip, port, arp"), "first");
	ASSERT_TRUE(ovl_key_listed("port", "ip, port, arp"), "middle");
	ASSERT_TRUE(ovl_key_listed("arp", "ip, port, arp"), "last");
	ASSERT_FALSE(ovl_key_listed("p", "ip, port, arp"), "a prefix of a name");
	ASSERT_FALSE(ovl_key_listed("ports", "ip, port, arp"), "longer than a name");
	ASSERT_FALSE(ovl_key_listed("", "ip, port"), "empty key");
	ASSERT_FALSE(ovl_key_listed("ip", ""), "empty list");
}

void test_json_unknown_key(void)
{
	json_t *o = json_pack("{s:i, s:i, s:i}", "ip", 1, "port", 2, "prot", 3);

	if (!ASSERT_TRUE(o != NULL, "object"))
		return;
	ASSERT_STREQ(ovl_json_unknown_key(o, "ip, port"), "prot", "unknown");
	ASSERT_TRUE(ovl_json_unknown_key(o, "ip, port, prot") == NULL, "all known");
	ASSERT_TRUE(ovl_json_unknown_key(NULL, "ip") == NULL, "no object");
	json_decref(o);
}
