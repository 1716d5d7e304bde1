/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * json.h - small jansson helpers shared by ovld, ovlctl, the CNI plugin and
 * the hosts.json parser.
 */
#ifndef OVL_JSON_H
#define OVL_JSON_H

#include <jansson.h>

/* "an object", "a string", "a real number"...: what j is, for messages such
 * as "\"port\" is a string, expected an integer". */
const char *ovl_json_type_name(const json_t *j);

#endif /* OVL_JSON_H */
