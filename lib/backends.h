/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * backends.h - what each backend is and takes: its name, mode and
 * properties (dladm's -p KEY=VALUE), declared once. ovld's backends point
 * at their entry (loader/backend.h) and check an overlay's properties with
 * it, `--config` is checked with it, ovld serves it over the control
 * socket (backend.list), and ovlctl builds `overlay create` and its help
 * from it before it connects. A new backend adds its entry here.
 */
#ifndef OVL_BACKENDS_H
#define OVL_BACKENDS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* How the data path uses an overlay. */
enum ovl_backend_mode {
	OVL_MODE_DYNAMIC, /* a lookup per destination MAC and per address (misses) */
	OVL_MODE_P2P,	  /* point to point: every frame to the one far end */
};

enum ovl_prop_type {
	OVL_PROP_PATH,	/* a file name, absolute when ovld gets it */
	OVL_PROP_IP,	/* an IPv4 or IPv6 unicast address */
	OVL_PROP_PORT,	/* 1-65535 */
	OVL_PROP_URLS,	/* http:// or https:// URLs, separated by commas */
	OVL_PROP_KEY,	/* a key prefix: "/" and printable ASCII, no trailing "/" */
	OVL_PROP_SECS,	/* a whole number of seconds, 1-86400 */
	OVL_PROP_BOOL,	/* "on" or "off" (also true/false, JSON booleans) */
	OVL_PROP_CIDRS, /* ADDR/PLEN[,ADDR/PLEN]: at most one IPv4 and one IPv6 */
};

struct ovl_prop {
	const char *name; /* "files/config"; NULL ends a list */
	enum ovl_prop_type type;
	bool required;
	const char *arg;  /* what help calls the value: "PATH" */
	const char *help; /* one line */
};

struct ovl_backend_info {
	const char *name;
	enum ovl_backend_mode mode;
	const struct ovl_prop *props;
	const char *help;
};

/* An OVL_PROP_BOOL's value: 1 on, 0 off, -1 neither (absent: 0). */
int ovl_prop_bool(json_t *v);

/* Properties every overlay takes, whatever its backend (vxlan/...). */
extern const struct ovl_prop ovl_common_props[];
extern const struct ovl_backend_info ovl_info_files, ovl_info_direct, ovl_info_etcd;
/* Every backend, NULL-ended. */
extern const struct ovl_backend_info *const ovl_backend_infos[];

/* The backend called name, or NULL. */
const struct ovl_backend_info *ovl_backend_info(const char *name);
/* "files or direct". */
const char *ovl_backend_names(void);
/* The property key of backend b (or a common one; *common says which),
 * or NULL. klen: how much of key is the name (key may go on with "=V"). */
const struct ovl_prop *ovl_prop_find(const struct ovl_backend_info *b, const char *key, size_t klen,
				     bool *common);
/* Another backend's property of that name, or NULL (for "needs -s X"). */
const struct ovl_backend_info *ovl_prop_owner(const char *key, size_t klen);
/* "vxlan/listen_ip, vxlan/listen_port, files/config": what b takes. */
void ovl_prop_keys(const struct ovl_backend_info *b, char *buf, size_t len);
const char *ovl_prop_type_name(enum ovl_prop_type t);
const char *ovl_backend_mode_name(enum ovl_backend_mode m);
/* The value of a PORT property, a number or a string of digits; -1 if it
 * is neither or out of 1-65535. */
long ovl_prop_port(json_t *v);
/* The value of a SECS property; -1 if it is not a whole number 1-86400. */
long ovl_prop_secs(json_t *v);
/* Is v a valid value of a property of type t? 0, or -EINVAL with why in
 * err (the property named by key). */
int ovl_prop_value_check(const char *key, enum ovl_prop_type t, json_t *v, char *err,
			 size_t errlen);
/* Check an overlay's properties (an object) against b: known names, string
 * or number values, PORT values in range, the required ones present.
 * Return: 0, or -EINVAL with the reason in err. */
int ovl_props_check(const struct ovl_backend_info *b, json_t *props, char *err, size_t errlen);
/* The table as JSON: [{name, mode, help, props: [{name, type, required,
 * arg, help}]}], common properties under "common". */
json_t *ovl_backend_infos_json(void);

#endif /* OVL_BACKENDS_H */
