// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_path.c - see test_path.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include "test_path.h"

#ifndef OVL_TOP_DIR
#define OVL_TOP_DIR "."
#endif
#ifndef OVL_BUILD_DIR
#define OVL_BUILD_DIR "build"
#endif

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

const char *ovl_test_src_path(char *buf, size_t n, const char *rel)
{
	snprintf(buf, n, "%s/%s", env_or("OVL_TOP", OVL_TOP_DIR), rel);
	return buf;
}

const char *ovl_test_build_path(char *buf, size_t n, const char *rel)
{
	const char *build = env_or("OVL_BUILD", OVL_BUILD_DIR);

	if (build[0] == '/')
		snprintf(buf, n, "%s/%s", build, rel);
	else
		snprintf(buf, n, "%s/%s/%s", env_or("OVL_TOP", OVL_TOP_DIR), build, rel);
	return buf;
}
