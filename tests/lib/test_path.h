/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_path.h - where the tests find the source tree (fixtures) and the
 * build output (BPF objects), whatever the current directory.
 *
 * The top directory is $OVL_TOP when set (tests/run.sh exports it), else
 * the directory the tests were built from (OVL_TOP_DIR, set by
 * tests/module.mk). The build directory is $OVL_BUILD, else OVL_BUILD_DIR
 * ($(OUTPUT)); a relative one is taken relative to the top directory.
 */
#ifndef OVL_TEST_PATH_H
#define OVL_TEST_PATH_H

#include <stddef.h>

/* "TOP/rel" into buf; returns buf (truncated when buf is too small). */
const char *ovl_test_src_path(char *buf, size_t n, const char *rel);
/* "BUILD/rel" into buf; returns buf. */
const char *ovl_test_build_path(char *buf, size_t n, const char *rel);

#endif /* OVL_TEST_PATH_H */
