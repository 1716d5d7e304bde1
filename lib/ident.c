// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ident.c - see ident.h.
 */
#include <string.h>
#include <net/if.h>
#include "ident.h"

#define IFNAME_MAX (IFNAMSIZ - 1)

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_dots(const char *s)
{
	return !strcmp(s, ".") || !strcmp(s, "..");
}

bool ovl_name_valid(const char *s, size_t max, unsigned int flags)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > max || is_dots(s))
		return false;
	if ((flags & OVL_NAME_ALNUM_FIRST) && !is_alnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!is_alnum(c) && c != '_' && c != '-' && (c != '.' || (flags & OVL_NAME_NO_DOT)))
			return false;
	}
	return true;
}

bool ovl_ifname_valid(const char *s)
{
	if (!s || !*s || strlen(s) > IFNAME_MAX || is_dots(s))
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

bool ovl_file_name_valid(const char *s)
{
	return s && *s && !strchr(s, '/') && !is_dots(s);
}
