// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_ident.c - lib/ident.c: the one rule for overlay, VNIC and instance
 * names (ovlctl and ovld both call it), and the kernel's and the path's.
 */
#include "test.h"
#include "ident.h"

void test_ident_name(void)
{
	ASSERT_TRUE(ovl_name_valid("blue-1.a_b", 31, 0), "every allowed character");
	ASSERT_TRUE(ovl_name_valid("abc", 3, 0), "exactly max");
	ASSERT_FALSE(ovl_name_valid("abcd", 3, 0), "over max");
	ASSERT_FALSE(ovl_name_valid("", 31, 0), "empty");
	ASSERT_FALSE(ovl_name_valid(NULL, 31, 0), "NULL");
	ASSERT_FALSE(ovl_name_valid(".", 31, 0), "\".\"");
	ASSERT_FALSE(ovl_name_valid("..", 31, 0), "\"..\"");
	ASSERT_TRUE(ovl_name_valid("...", 31, 0), "\"...\" names no directory");
	ASSERT_FALSE(ovl_name_valid("a/b", 31, 0), "'/'");
	ASSERT_FALSE(ovl_name_valid("a b", 31, 0), "space");
	ASSERT_FALSE(ovl_name_valid("a\nb", 31, 0), "control character");
	ASSERT_FALSE(ovl_name_valid("-a", 31, OVL_NAME_ALNUM_FIRST), "CNI: '-' first");
	ASSERT_TRUE(ovl_name_valid("a.b", 31, OVL_NAME_ALNUM_FIRST), "CNI: '.' later");
	ASSERT_FALSE(ovl_name_valid("a.b", 31, OVL_NAME_NO_DOT), "instance: '.'");
	ASSERT_TRUE(ovl_name_valid("a_b-c", 31, OVL_NAME_NO_DOT), "instance");
}

void test_ident_file_name(void)
{
	ASSERT_TRUE(ovl_file_name_valid("ns1"), "a name");
	ASSERT_TRUE(ovl_file_name_valid("host-local"), "a plugin");
	ASSERT_FALSE(ovl_file_name_valid(""), "empty");
	ASSERT_FALSE(ovl_file_name_valid("."), "\".\"");
	ASSERT_FALSE(ovl_file_name_valid(".."), "\"..\"");
	ASSERT_FALSE(ovl_file_name_valid("a/b"), "'/'");
	ASSERT_FALSE(ovl_file_name_valid(NULL), "NULL");
}
