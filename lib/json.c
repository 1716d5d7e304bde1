// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * json.c - see json.h.
 */
#include <string.h>
#include "json.h"

const char *ovl_json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

bool ovl_key_listed(const char *key, const char *list)
{
	size_t n = strlen(key);

	for (const char *p = list; p && *p;) {
		if (!strncmp(p, key, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p += strspn(p, ", ");
	}
	return false;
}

const char *ovl_json_unknown_key(json_t *obj, const char *list)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (!ovl_key_listed(key, list))
			return key;
	}
	return NULL;
}
