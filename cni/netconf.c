// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netconf.c - the network configuration on stdin. Strict: a configuration
 * ovl does not fully understand is refused with a message naming the key,
 * rather than half applied. (The CNI_* variables are env.c's, the names of
 * an attachment attach.c's.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ident.h"
#include "json.h"
#include "ovl_abi.h"
#include "cni.h"

/* Keys of a plugin configuration that the spec (and its conventions)
 * defines, and ovl's own. Anything else is refused. */
#define SPEC_KEYS                                                                                  \
	"cniVersion, cniVersions, name, type, disableCheck, disableGC, args, ipMasq, ipam, dns, "  \
	"runtimeConfig, capabilities, prevResult, cni.dev/valid-attachments, cni.dev/attachments"
#define PLUGIN_KEYS "overlay, vni, instance, mtu, mac, logLevel"

#define CONF_ERR(e, ...)                                                                           \
	ovl_cni_error((e), OVL_CNI_E_CONFIG, "invalid network configuration", __VA_ARGS__)

/* The value as it appeared, for messages (truncated). */
static void value_text(const json_t *v, char *buf, size_t len)
{
	char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	snprintf(buf, len, "%s", t ? t : "?");
	if (t && strlen(t) >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
	free(t);
}

static int want_type(const char *key, json_t *v, json_type t, const char *what,
		     struct ovl_cni_err *e)
{
	char txt[96];

	if (json_typeof(v) == t || (t == JSON_TRUE && json_is_boolean(v)))
		return 0;
	value_text(v, txt, sizeof(txt));
	return CONF_ERR(e, "\"%s\" must be %s, not %s (%s)", key, what, ovl_json_type_name(v), txt);
}

static int copy_str(const char *key, json_t *v, char *buf, size_t len, struct ovl_cni_err *e)
{
	if (want_type(key, v, JSON_STRING, "a string", e))
		return e->code;
	if (strlen(json_string_value(v)) >= len)
		return CONF_ERR(e, "\"%s\" is longer than %zu characters", key, len - 1);
	snprintf(buf, len, "%s", json_string_value(v));
	return 0;
}

static int get_mac(const char *key, json_t *v, __u8 mac[6], struct ovl_cni_err *e)
{
	if (want_type(key, v, JSON_STRING, "a MAC address string", e))
		return e->code;
	if (ovl_mac_parse(json_string_value(v), mac))
		return CONF_ERR(e,
				"\"%s\": \"%s\" is not a MAC address (six hex groups "
				"separated by ':')",
				key, json_string_value(v));
	if (ovl_mac_is_multicast(mac) || ovl_mac_is_zero(mac))
		return CONF_ERR(e, "\"%s\": %s is not a unicast MAC address", key,
				json_string_value(v));
	return 0;
}

static int parse_log_level(json_t *v, enum ovl_log_level *lvl, struct ovl_cni_err *e)
{
	static const struct {
		const char *name;
		enum ovl_log_level level;
	} levels[] = { { "error", OVL_LOG_ERR },
		       { "warn", OVL_LOG_WARN },
		       { "info", OVL_LOG_INFO },
		       { "debug", OVL_LOG_DEBUG } };

	if (want_type("logLevel", v, JSON_STRING, "a string", e))
		return e->code;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (!strcmp(json_string_value(v), levels[i].name)) {
			*lvl = levels[i].level;
			return 0;
		}
	}
	return CONF_ERR(
		e, "\"logLevel\" must be \"error\", \"warn\", \"info\" or \"debug\", not \"%s\"",
		json_string_value(v));
}

static int parse_attachments(struct ovl_netconf *nc, const char *key, json_t *a,
			     struct ovl_cni_err *e)
{
	json_t *v;
	size_t i;

	if (want_type(key, a, JSON_ARRAY, "an array of {containerID, ifname}", e))
		return e->code;
	if (nc->has_valid) /* both names (libcni sends both): the first wins */
		return 0;
	nc->valid = calloc(json_array_size(a) + 1, sizeof(*nc->valid));
	if (!nc->valid)
		return ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
	json_array_foreach(a, i, v) {
		json_t *cid = json_object_get(v, "containerID"),
		       *ifn = json_object_get(v, "ifname");

		if (!json_is_object(v) || !json_is_string(cid) || !json_is_string(ifn))
			return CONF_ERR(e,
					"\"%s\"[%zu] must be an object with string members "
					"containerID and ifname",
					key, i);
		if (strlen(json_string_value(cid)) >= sizeof(nc->valid[0].container_id) ||
		    strlen(json_string_value(ifn)) >= sizeof(nc->valid[0].ifname))
			continue; /* cannot be one of ours */
		snprintf(nc->valid[nc->n_valid].container_id, sizeof(nc->valid[0].container_id),
			 "%s", json_string_value(cid));
		snprintf(nc->valid[nc->n_valid].ifname, sizeof(nc->valid[0].ifname), "%s",
			 json_string_value(ifn));
		nc->n_valid++;
	}
	nc->has_valid = true;
	return 0;
}

static int parse_dns(json_t *v, struct ovl_cni_err *e)
{
	static const char *const arrays[] = { "nameservers", "search", "options" };
	json_t *dom = json_object_get(v, "domain"), *x;
	size_t i;

	if (want_type("dns", v, JSON_OBJECT, "an object", e))
		return e->code;
	if (dom && want_type("dns.domain", dom, JSON_STRING, "a string", e))
		return e->code;
	for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
		json_t *a = json_object_get(v, arrays[k]);
		char key[32];

		snprintf(key, sizeof(key), "dns.%s", arrays[k]);
		if (!a)
			continue;
		if (want_type(key, a, JSON_ARRAY, "an array of strings", e))
			return e->code;
		json_array_foreach(a, i, x) {
			if (!json_is_string(x))
				return CONF_ERR(e, "\"%s\"[%zu] must be a string", key, i);
		}
	}
	return 0;
}

/* Everything of ovl's own section, and the spec's keys that ovl reads. */
static int parse_member(struct ovl_netconf *nc, const char *key, json_t *v, json_t **rt_mac,
			json_t **args_mac, json_t **conf_mac, struct ovl_cni_err *e)
{
	if (!strcmp(key, "name")) {
		if (copy_str(key, v, nc->name, sizeof(nc->name), e))
			return e->code;
		if (!ovl_name_valid(nc->name, sizeof(nc->name) - 1, OVL_NAME_ALNUM_FIRST))
			return CONF_ERR(e,
					"\"name\": \"%s\" must start with a letter or digit and go "
					"on with letters, digits, '_', '.' or '-'",
					nc->name);
	} else if (!strcmp(key, "type")) {
		if (copy_str(key, v, nc->type, sizeof(nc->type), e))
			return e->code;
	} else if (!strcmp(key, "cniVersions")) {
		return want_type(key, v, JSON_ARRAY, "an array of version strings", e);
	} else if (!strcmp(key, "disableCheck") || !strcmp(key, "disableGC")) {
		return want_type(key, v, JSON_TRUE, "a boolean", e);
	} else if (!strcmp(key, "ipMasq")) {
		/* the overlay's router masquerades (ADD turns it on: router.c) */
		if (want_type(key, v, JSON_TRUE, "a boolean", e))
			return e->code;
		nc->ip_masq = json_is_true(v);
	} else if (!strcmp(key, "capabilities")) {
		return want_type(key, v, JSON_OBJECT, "an object", e);
	} else if (!strcmp(key, "runtimeConfig")) {
		if (want_type(key, v, JSON_OBJECT, "an object", e))
			return e->code;
		*rt_mac = json_object_get(v, "mac");
		if (ovl_cni_bandwidth_parse(json_object_get(v, "bandwidth"), &nc->bandwidth, e))
			return e->code;
	} else if (!strcmp(key, "args")) {
		json_t *cni;

		if (want_type(key, v, JSON_OBJECT, "an object", e))
			return e->code;
		cni = json_object_get(v, "cni");
		if (cni && want_type("args.cni", cni, JSON_OBJECT, "an object", e))
			return e->code;
		*args_mac = json_object_get(cni, "mac");
	} else if (!strcmp(key, "ipam")) {
		json_t *t = json_object_get(v, "type");

		if (want_type(key, v, JSON_OBJECT, "an object", e))
			return e->code;
		if (!t)
			return CONF_ERR(e, "\"ipam\" has no \"type\" (the IPAM plugin to run, as "
					   "\"host-local\")");
		if (copy_str("ipam.type", t, nc->ipam_type, sizeof(nc->ipam_type), e))
			return e->code;
		if (!ovl_file_name_valid(nc->ipam_type))
			return CONF_ERR(e, "\"ipam.type\": \"%s\" is not a plugin name",
					nc->ipam_type);
	} else if (!strcmp(key, "dns")) {
		if (parse_dns(v, e))
			return e->code;
		nc->dns = v;
	} else if (!strcmp(key, "prevResult")) {
		if (want_type(key, v, JSON_OBJECT, "an object", e))
			return e->code;
		if (ovl_cni_result_parse(v, "prevResult", &nc->prev, e))
			return e->code;
		nc->has_prev = true;
	} else if (!strcmp(key, "cni.dev/valid-attachments") ||
		   !strcmp(key, "cni.dev/attachments")) {
		return parse_attachments(nc, key, v, e);
	} else if (!strcmp(key, "overlay")) {
		if (copy_str(key, v, nc->overlay, sizeof(nc->overlay), e))
			return e->code;
		if (!nc->overlay[0])
			return CONF_ERR(e, "\"overlay\" is empty");
	} else if (!strcmp(key, "vni")) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > OVL_VNI_MAX) {
			char txt[96];

			value_text(v, txt, sizeof(txt));
			return CONF_ERR(e, "\"vni\" must be an integer from 0 to %u, not %s",
					OVL_VNI_MAX, txt);
		}
		nc->has_vni = true;
		nc->vni = (__u32)json_integer_value(v);
	} else if (!strcmp(key, "instance")) {
		if (copy_str(key, v, nc->instance, sizeof(nc->instance), e))
			return e->code;
		if (!ovl_instance_valid(nc->instance))
			return CONF_ERR(e,
					"\"instance\": \"%s\" is not an ovld instance name (1-%d "
					"of A-Z a-z 0-9 _ -)",
					nc->instance, OVL_INSTANCE_MAX);
	} else if (!strcmp(key, "mtu")) {
		if (!json_is_integer(v) || json_integer_value(v) < 68 ||
		    json_integer_value(v) > 65535) {
			char txt[96];

			value_text(v, txt, sizeof(txt));
			return CONF_ERR(e, "\"mtu\" must be an integer from 68 to 65535, not %s",
					txt);
		}
		nc->mtu = (unsigned int)json_integer_value(v);
	} else if (!strcmp(key, "mac")) {
		*conf_mac = v;
	} else if (!strcmp(key, "logLevel")) {
		return parse_log_level(v, &nc->log_level, e);
	}
	return 0;
}

int ovl_netconf_parse(const char *buf, size_t len, struct ovl_netconf *nc, struct ovl_cni_err *e)
{
	json_t *rt_mac = NULL, *args_mac = NULL, *conf_mac = NULL, *ver, *v;
	json_error_t jerr;
	const char *key;

	memset(nc, 0, sizeof(*nc));
	nc->raw = buf;
	nc->raw_len = len;
	snprintf(nc->instance, sizeof(nc->instance), "%s", OVL_DEFAULT_INST);
	nc->log_level = OVL_LOG_WARN;
	nc->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!nc->root)
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "cannot decode the network configuration",
				     "stdin:%d:%d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(nc->root))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "cannot decode the network configuration",
				     "stdin: the configuration must be a JSON object, not %s",
				     ovl_json_type_name(nc->root));
	/* The version first: it decides how every error is written. */
	ver = json_object_get(nc->root, "cniVersion");
	if (!ver)
		return CONF_ERR(e, "\"cniVersion\" is missing");
	if (copy_str("cniVersion", ver, nc->cni_version, sizeof(nc->cni_version), e))
		return e->code;
	nc->version = ovl_cni_version_parse(nc->cni_version);
	if (nc->version == OVL_CNI_V_NONE)
		return ovl_cni_error(
			e, OVL_CNI_E_VERSION, "incompatible CNI versions",
			"the configuration is \"%s\"; ovl supports 0.4.0, 1.0.0, 1.1.0",
			nc->cni_version);
	json_object_foreach(nc->root, key, v) {
		if (!ovl_key_listed(key, SPEC_KEYS ", " PLUGIN_KEYS)) {
			char txt[96];

			value_text(v, txt, sizeof(txt));
			return ovl_cni_error(
				e, OVL_CNI_E_UNSUPPORTED,
				"unsupported field in the network configuration",
				"unknown key \"%s\" (value %s); ovl's keys are " PLUGIN_KEYS
				", besides those the CNI specification defines",
				key, txt);
		}
		if (parse_member(nc, key, v, &rt_mac, &args_mac, &conf_mac, e))
			return e->code;
	}
	if (!nc->name[0])
		return CONF_ERR(e, "\"name\" is missing");
	if (!nc->type[0])
		return CONF_ERR(e, "\"type\" is missing");
	if (!nc->ipam_type[0])
		return CONF_ERR(e, "\"ipam\" is missing: ovl needs an IPAM plugin for the "
				   "container's addresses (e.g. {\"type\": \"host-local\", "
				   "\"subnet\": \"10.23.0.0/24\"})");
	if (!nc->overlay[0] && !nc->has_vni)
		return CONF_ERR(e,
				"neither \"overlay\" (an ovld overlay's name) nor \"vni\" is set");
	/* Each is checked; the most specific wins: per container, then per
	 * network (ovl_cni_choose_mac() puts CNI_ARGS between them). */
	{
		const struct {
			const char *key;
			json_t *v;
		} macs[] = { { "mac", conf_mac },
			     { "args.cni.mac", args_mac },
			     { "runtimeConfig.mac", rt_mac } };

		for (size_t i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
			if (!macs[i].v)
				continue;
			if (get_mac(macs[i].key, macs[i].v, nc->mac, e))
				return e->code;
			nc->mac_from = macs[i].key;
		}
	}
	nc->has_mac = nc->mac_from != NULL;
	return ovl_cni_portmaps_parse(nc, e);
}

void ovl_netconf_free(struct ovl_netconf *nc)
{
	ovl_cni_result_free(&nc->prev);
	free(nc->valid);
	free(nc->portmaps);
	json_decref(nc->bandwidth);
	json_decref(nc->root);
	memset(nc, 0, sizeof(*nc));
}

bool ovl_netconf_attachment_valid(const struct ovl_netconf *nc, const char *container_id,
				  const char *ifname)
{
	for (size_t i = 0; i < nc->n_valid; i++)
		if (!strcmp(nc->valid[i].container_id, container_id) &&
		    !strcmp(nc->valid[i].ifname, ifname))
			return true;
	return false;
}
