/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * json.h - small jansson helpers shared by ovld, ovlctl, the CNI plugin and
 * the hosts.json parser.
 */
#ifndef OVL_JSON_H
#define OVL_JSON_H

#include <stdbool.h>
#include <jansson.h>

/* "an object", "a string", "a real number"...: what j is, for messages such
 * as "\"port\" is a string, expected an integer". */
const char *ovl_json_type_name(const json_t *j);

/*
 * Strict readers refuse keys they do not know. The known keys are one
 * string, names separated by ", " ("ip, port, arp"), so that the message
 * that lists them and the check are the same text.
 */

/* Is key one of the names of list ("a, b, c")? */
bool ovl_key_listed(const char *key, const char *list);

/**
 * ovl_json_unknown_key() - the first key of obj, in the order of the text,
 * that list does not name.
 * Return: that key (valid as long as obj), or NULL when every key is
 * listed or obj is not an object (NULL included).
 */
const char *ovl_json_unknown_key(json_t *obj, const char *list);

#endif /* OVL_JSON_H */
