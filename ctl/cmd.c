// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cmd.c - ovlctl's grammar: the dispatch table (one row per command:
 * object, verb, request name, positional arguments, options, builder,
 * printer, help), and the builders, which validate every value the user
 * typed, before any socket is opened, and put it into the request in
 * canonical form (lower-case MACs, inet_ntop text, numbers as JSON
 * integers, absolute paths). The parser (parse.c) and the help texts
 * (help.c) read the same table, so that they cannot drift apart.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ovl_abi.h"
#include "addr.h"
#include "ident.h"
#include "ovlctl.h"
#include "backends.h"

#define ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *ovlctl_netns_dir = "/run/netns";

/* ---- messages ------------------------------------------------------------ */

int ovlctl_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int nomem(char *err, size_t errlen)
{
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* Set obj[key] = v (consumed); -ENOMEM when v is NULL or the set fails. */
static int put(json_t *obj, const char *key, json_t *v, char *err, size_t errlen)
{
	if (!v)
		return nomem(err, errlen);
	if (json_object_set_new(obj, key, v))
		return nomem(err, errlen);
	return 0;
}

/* Append to a NUL-terminated buffer, truncating silently. */
void ovlctl_strcatf(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strnlen(buf, len);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

void ovlctl_cmd_name(const struct ovlctl_cmd *cmd, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", cmd->object, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
}

/* ---- validators ---------------------------------------------------------- */

/* Interface and overlay names: ovl_name_valid(). */
static int check_name(const char *what, const char *s, size_t max, char *err, size_t errlen)
{
	if (ovl_name_valid(s, max, 0))
		return 0;
	return ovlctl_fail(err, errlen,
			   "bad %s \"%s\": expected 1 to %zu characters of " OVL_NAME_CHARS
			   " (not \".\" or \"..\")",
			   what, s ? s : "", max);
}

static int put_overlay(json_t *req, const char *key, const char *s, char *err, size_t errlen)
{
	int ret = check_name("overlay name", s, OVL_CTL_OVERLAY_NAME_MAX, err, errlen);

	return ret ? ret : put(req, key, json_string(s), err, errlen);
}

static int put_ifname(json_t *req, const char *key, const char *s, char *err, size_t errlen)
{
	int ret = check_name("VNIC name", s, OVL_CTL_IFNAME_MAX, err, errlen);

	return ret ? ret : put(req, key, json_string(s), err, errlen);
}

/* A MAC; with unicast, one an endpoint can own (not multicast, not zero). */
static int put_mac(json_t *req, const char *key, const char *s, bool unicast, char *err,
		   size_t errlen)
{
	char buf[OVL_MAC_STRLEN];
	__u8 mac[6];

	if (!s)
		s = "";
	if (ovl_mac_parse(s, mac))
		return ovlctl_fail(err, errlen,
				   "bad MAC \"%s\": expected six hex groups separated by ':'", s);
	if (unicast && ovl_mac_is_multicast(mac))
		return ovlctl_fail(err, errlen,
				   "bad MAC \"%s\": a multicast MAC, expected a unicast one", s);
	if (unicast && ovl_mac_is_zero(mac))
		return ovlctl_fail(err, errlen, "bad MAC \"%s\": all zeros, expected a unicast MAC",
				   s);
	return put(req, key, json_string(ovl_mac_format(mac, buf)), err, errlen);
}

enum ip_kind {
	IP_ANY,	 /* any address: del, get */
	IP_DEST, /* not the unspecified address: underlay addresses */
	IP_HOST, /* not unspecified, multicast or broadcast: an overlay host's address */
};

static int put_ip(json_t *req, const char *key, const char *what, const char *s, enum ip_kind kind,
		  char *err, size_t errlen)
{
	char buf[OVL_IP_STRLEN];
	struct ovl_ip ip;

	if (!s)
		s = "";
	if (ovl_ip_parse(s, &ip))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": expected an IPv4 or IPv6 address%s",
				   what, s,
				   strchr(s, '/') ? " without a prefix length" :
				   strchr(s, '%') ? " without a zone" :
						    "");
	if (kind != IP_ANY && ovl_ip_is_unspecified(&ip))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": the unspecified address", what, s);
	if (kind == IP_HOST && (ovl_ip_is_multicast(&ip) || ovl_ip_is_broadcast(&ip)))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": a multicast or broadcast address",
				   what, s);
	return put(req, key, json_string(ovl_ip_format(&ip, buf)), err, errlen);
}

static int put_port(json_t *req, const char *key, const char *what, const char *s, char *err,
		    size_t errlen)
{
	__u16 port;

	if (!s)
		s = "";
	if (ovl_port_parse(s, &port))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": expected a number from 1 to 65535",
				   what, s);
	return put(req, key, json_integer(port), err, errlen);
}

static int put_vni(json_t *req, const char *s, char *err, size_t errlen)
{
	__u32 vni;

	if (!s)
		s = "";
	if (ovl_vni_parse(s, &vni))
		return ovlctl_fail(err, errlen, "bad VNI \"%s\": expected a number from 0 to %u", s,
				   OVL_VNI_MAX);
	return put(req, "vni", json_integer(vni), err, errlen);
}

/* The name of a network namespace: syntax only (it may be gone already:
 * vnic delete, vnic list). */
static int put_netns_name(json_t *req, const char *ns, char *err, size_t errlen)
{
	if (!ovl_file_name_valid(ns))
		return ovlctl_fail(
			err, errlen,
			"bad netns \"%s\": expected the name of a namespace in %s (no '/')", ns,
			ovlctl_netns_dir);
	return put(req, "netns", json_string(ns), err, errlen);
}

/* A named network namespace, as `ip netns add` makes them. */
static int put_netns(json_t *req, const char *ns, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	int n = put_netns_name(req, ns, err, errlen);

	if (n)
		return n;
	n = snprintf(path, sizeof(path), "%s/%s", ovlctl_netns_dir, ns);
	if (n < 0 || (size_t)n >= sizeof(path))
		return ovlctl_fail(err, errlen, "bad netns \"%s\": name too long", ns);
	if (stat(path, &st))
		return ovlctl_fail(err, errlen, "bad netns \"%s\": %s: %s (see ip netns add)", ns,
				   path, strerror(errno));
	return put(req, "netns", json_string(ns), err, errlen);
}

/* ---- overlay properties (dladm's -p KEY=VALUE) ---------------------------- */

/* What each backend takes is declared once, in lib/backends.c: ovld checks
 * against the same list (and serves it: backend.list). */

static int put_path(json_t *obj, const char *key, const char *v, char *err, size_t errlen)
{
	char cwd[PATH_MAX], *abs = NULL;
	int ret;

	if (!*v)
		return ovlctl_fail(err, errlen, "bad %s \"\": expected a file name", key);
	if (v[0] == '/')
		return put(obj, key, json_string(v), err, errlen);
	/* ovld does not run in our directory: send the path it can open */
	if (!getcwd(cwd, sizeof(cwd)))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": cannot make it absolute: %s", key,
				   v, strerror(errno));
	if (asprintf(&abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, v) < 0)
		return nomem(err, errlen);
	ret = put(obj, key, json_string(abs), err, errlen);
	free(abs);
	return ret;
}

static int put_prop(json_t *obj, const char *search, const char *kv, char *err, size_t errlen)
{
	const struct ovl_backend_info *b = ovl_backend_info(search), *owner;
	const char *eq = strchr(kv, '='), *v;
	const struct ovl_prop *p;
	char keys[256];
	size_t klen;

	if (!eq || eq == kv)
		return ovlctl_fail(err, errlen, "bad property \"%s\": expected KEY=VALUE", kv);
	klen = (size_t)(eq - kv);
	v = eq + 1;
	p = ovl_prop_find(b, kv, klen, NULL);
	owner = p ? NULL : ovl_prop_owner(kv, klen);
	if (owner)
		return ovlctl_fail(err, errlen, "property \"%.*s\" needs -s %s, not -s %s",
				   (int)klen, kv, owner->name, search);
	ovl_prop_keys(b, keys, sizeof(keys));
	if (!p)
		return ovlctl_fail(err, errlen,
				   "unknown property \"%.*s\": with -s %s, expected one of %s",
				   (int)klen, kv, search, keys);
	if (json_object_get(obj, p->name))
		return ovlctl_fail(err, errlen, "property \"%s\" given twice", p->name);
	switch (p->type) {
	case OVL_PROP_IP:
		return put_ip(obj, p->name, p->name, v, IP_DEST, err, errlen);
	case OVL_PROP_PORT:
		return put_port(obj, p->name, p->name, v, err, errlen);
	case OVL_PROP_PATH:
		return put_path(obj, p->name, v, err, errlen);
	}
	return -EINVAL;
}

/* ---- request builders ----------------------------------------------------- */

/* NOLINTNEXTLINE(readability-non-const-parameter): the signature of ovlctl_cmd.build */
static int build_none(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	(void)inv;
	(void)err;
	(void)errlen;
	return 0;
}

static int build_overlay_create(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *encap = ovlctl_optval(inv, 'e'), *search = ovlctl_optval(inv, 's');
	const struct ovl_backend_info *b;
	json_t *req = inv->req, *pr;
	int ret;

	ret = put_overlay(req, "name", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_vni(req, ovlctl_optval(inv, 'v'), err, errlen);
	if (ret)
		return ret;
	if (!encap || !search) /* required: checked by the parser */
		return ovlctl_fail(err, errlen, "missing -e or -s");
	if (strcmp(encap, "vxlan") != 0)
		return ovlctl_fail(err, errlen,
				   "bad encapsulation \"%s\": only \"vxlan\" is supported", encap);
	b = ovl_backend_info(search);
	if (!b) {
		char names[256] = "";

		for (const struct ovl_backend_info *const *i = ovl_backend_infos; *i; i++)
			ovlctl_strcatf(names, sizeof(names), "%s\"%s\"",
				       i == ovl_backend_infos ? "" :
				       i[1]		      ? ", " :
								" or ",
				       (*i)->name);
		return ovlctl_fail(err, errlen, "bad search \"%s\": expected %s", search, names);
	}
	ret = put(req, "encap", json_string(encap), err, errlen);
	if (!ret)
		ret = put(req, "search", json_string(search), err, errlen);
	if (!ret)
		ret = put(req, "props", json_object(), err, errlen);
	if (ret)
		return ret;
	pr = json_object_get(req, "props");
	for (int i = 0; i < inv->nopt; i++) {
		if (inv->opt[i].val != 'p')
			continue;
		ret = put_prop(pr, search, inv->opt[i].arg, err, errlen);
		if (ret)
			return ret;
	}
	for (const struct ovl_prop *p = b->props; p->name; p++)
		if (p->required && !json_object_get(pr, p->name))
			return ovlctl_fail(err, errlen, "-s %s needs -p %s=%s", search, p->name,
					   p->arg);
	return 0;
}

static int build_overlay_name(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	return put_overlay(inv->req, "name", inv->pos[0], err, errlen);
}

/* [OVERLAY] of the list and reload commands */
static int build_overlay_filter(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	return inv->npos ? put_overlay(inv->req, "overlay", inv->pos[0], err, errlen) : 0;
}

static int build_vnic_create(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *ns = ovlctl_optval(inv, OVLCTL_OPT_NETNS);
	int ret;

	ret = put_ifname(inv->req, "name", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_overlay(inv->req, "overlay", ovlctl_optval(inv, 'l'), err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", ovlctl_optval(inv, 'm'), true, err, errlen);
	if (!ret && ns)
		ret = put_netns(inv->req, ns, err, errlen);
	return ret;
}

static int build_vnic_delete(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *ns = ovlctl_optval(inv, OVLCTL_OPT_NETNS);
	int ret = put_ifname(inv->req, "name", inv->pos[0], err, errlen);

	if (!ret && ns)
		ret = put_netns_name(inv->req, ns, err, errlen);
	return ret;
}

static int build_vnic_list(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *ns = ovlctl_optval(inv, OVLCTL_OPT_NETNS);

	return ns ? put_netns_name(inv->req, ns, err, errlen) : 0;
}

static int build_map_add(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", inv->pos[1], true, err, errlen);
	if (!ret)
		ret = put_ip(inv->req, "ip", "IP address", inv->pos[2], IP_DEST, err, errlen);
	if (!ret && inv->npos > 3)
		ret = put_port(inv->req, "port", "port", inv->pos[3], err, errlen);
	return ret;
}

/* map del, map get */
static int build_map_key(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", inv->pos[1], false, err, errlen);
	return ret;
}

static int build_neigh_add(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_ip(inv->req, "ip", "IP address", inv->pos[1], IP_HOST, err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", inv->pos[2], true, err, errlen);
	return ret;
}

static int build_neigh_del(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_ip(inv->req, "ip", "IP address", inv->pos[1], IP_ANY, err, errlen);
	return ret;
}

/* NOLINTNEXTLINE(readability-non-const-parameter): the signature of ovlctl_cmd.build */
static int build_stats(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	inv->all = ovlctl_has_opt(inv, 'a');
	return 0;
}

static int build_monitor(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *c = ovlctl_optval(inv, 'c');

	inv->count = 0;
	if (c && ovl_u64_parse(c, 1, ULLONG_MAX, &inv->count))
		return ovlctl_fail(err, errlen, "bad count \"%s\": expected a number from 1", c);
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

#define REQ OVLCTL_OPT_F_REQUIRED

static const struct ovlctl_optspec overlay_create_opts[] = {
	{ 'v', REQ, "vni", NULL, "VNI", "virtual network identifier, 0 to 16777215 (RFC 7348)" },
	{ 'e', REQ, "encap", NULL, "vxlan", "encapsulation: vxlan is the only one" },
	{ 's', REQ, "search", NULL, "files|direct",
	  "how destinations are found: a hosts.json, or one fixed VTEP" },
	{ 'p', REQ | OVLCTL_OPT_F_REPEAT, "prop", NULL, "KEY=VALUE",
	  "a property (below), once per -p; give it again for more" },
	{ 0 },
};

static const struct ovlctl_optspec vnic_create_opts[] = {
	{ 'l', REQ, "link", "overlay", "OVERLAY", "the overlay the VNIC is on (dladm's -l)" },
	{ 'm', REQ, "mac", NULL, "MAC", "the VNIC's unicast MAC address" },
	{ OVLCTL_OPT_NETNS, 0, "netns", NULL, "NS",
	  "put the far end in namespace NS (ip netns add), not the host" },
	{ 0 },
};

static const struct ovlctl_optspec vnic_delete_opts[] = {
	{ OVLCTL_OPT_NETNS, 0, "netns", NULL, "NS",
	  "the VNIC in namespace NS (default: the host's, else\nthe only VNIC called NAME)" },
	{ 0 },
};

static const struct ovlctl_optspec vnic_list_opts[] = {
	{ OVLCTL_OPT_NETNS, 0, "netns", NULL, "NS", "only the VNICs in namespace NS" },
	{ 0 },
};

static const struct ovlctl_optspec stats_opts[] = {
	{ 'a', 0, "all", NULL, NULL, "also list the counters at zero" },
	{ 0 },
};

static const struct ovlctl_optspec monitor_opts[] = {
	{ 'c', 0, "count", NULL, "COUNT", "exit after COUNT events" },
	{ 0 },
};

/* The property list of `overlay create --help`, from the table above. */
static void overlay_create_help(FILE *out)
{
	char left[64], with[64];

	fputs("Properties, -p KEY=VALUE (dladm create-overlay's):\n", out);
	for (const struct ovl_prop *p = ovl_common_props; p->name; p++) {
		snprintf(left, sizeof(left), "%s=%s", p->name, p->arg);
		fprintf(out, "  %-24s %s\n", left, p->help);
	}
	for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++) {
		for (const struct ovl_prop *p = (*b)->props; p->name; p++) {
			snprintf(left, sizeof(left), "%s=%s", p->name, p->arg);
			snprintf(with, sizeof(with), "with -s %s%s: ", (*b)->name,
				 p->required ? ", required" : "");
			fprintf(out, "  %-24s %s%s\n", left, with, p->help);
		}
	}
}

/*
 * The dispatch table: one row per command of the grammar. Rows of an object
 * stay together (help lists them in this order).
 */
const struct ovlctl_cmd ovlctl_cmds[] = {
	{
		.object = "overlay",
		.verb = "create",
		.wire = OVL_CMD_OVERLAY_CREATE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.opts = overlay_create_opts,
		.build = build_overlay_create,
		.print = ovlctl_print_none,
		.summary = "Create overlay network NAME (dladm create-overlay).",
		.help_extra = overlay_create_help,
		.details = "Example:\n"
			   "  ovlctl overlay create overlay0 -v 23 -e vxlan -s files \\\n"
			   "         -p files/config=/var/tmp/hosts.json\n",
	},
	{
		.object = "overlay",
		.verb = "delete",
		.wire = OVL_CMD_OVERLAY_DELETE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.build = build_overlay_name,
		.print = ovlctl_print_none,
		.summary = "Delete overlay network NAME.",
	},
	{
		.object = "overlay",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_OVERLAY_LIST,
		.build = build_none,
		.print = ovlctl_print_overlays,
		.summary = "List the overlays: VNI, backend, entries, the frames of each the data\n"
			   "path dropped (DROPS) and of those the VXLAN from underlay hosts that\n"
			   "are no peer of it (PEER_UNKNOWN), properties, backend error.",
	},
	{
		.object = "backend",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_BACKEND_LIST,
		.build = build_none,
		.print = ovlctl_print_backends,
		.summary = "List the backends ovld runs (-s of overlay create), their mode and\n"
			   "the properties each takes (-p), as ovld checks them.",
	},
	{
		.object = "vnic",
		.verb = "create",
		.wire = OVL_CMD_VNIC_CREATE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.opts = vnic_create_opts,
		.build = build_vnic_create,
		.print = ovlctl_print_none,
		.summary = "Create VNIC NAME on an overlay (dladm create-vnic): a veth pair whose\n"
			   "far end, NAME, has the MAC and sits in the host or in namespace NS.\n"
			   "A VNIC is its namespace and name, as `ip -n NS link` has it: eth0 in\n"
			   "two namespaces is two VNICs. A MAC the backend does not put on this\n"
			   "host gets a warning.",
		.details = "Example:\n  ovlctl vnic create foo0 -l overlay0 -m de:ad:be:ef:00:00\n",
	},
	{
		.object = "vnic",
		.verb = "delete",
		.wire = OVL_CMD_VNIC_DELETE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.opts = vnic_delete_opts,
		.build = build_vnic_delete,
		.print = ovlctl_print_none,
		.summary = "Delete VNIC NAME (of namespace NS).",
	},
	{
		.object = "vnic",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_VNIC_LIST,
		.opts = vnic_list_opts,
		.build = build_vnic_list,
		.print = ovlctl_print_vnics,
		.summary = "List the VNICs (of namespace NS).",
	},
	{
		.object = "endpoint",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_ENDPOINT_LIST,
		.build = build_none,
		.print = ovlctl_print_endpoints,
		.summary = "List the local endpoints: VNICs, and the containers the CNI plugin\n"
			   "registered.",
	},
	{
		.object = "map",
		.verb = "add",
		.wire = OVL_CMD_MAP_ADD,
		.pos = { "OVERLAY", "MAC", "IP", "PORT" },
		.min_args = 3,
		.max_args = 4,
		.build = build_map_add,
		.print = ovlctl_print_none,
		.summary = "Add a forwarding entry: MAC of OVERLAY is behind underlay address IP,\n"
			   "UDP PORT (default 4789). An IP that is no peer of OVERLAY gets a\n"
			   "warning: its VXLAN is dropped (peer_unknown), answers never arrive.",
	},
	{
		.object = "map",
		.verb = "del",
		.wire = OVL_CMD_MAP_DEL,
		.pos = { "OVERLAY", "MAC" },
		.min_args = 2,
		.max_args = 2,
		.build = build_map_key,
		.print = ovlctl_print_none,
		.summary = "Delete the forwarding entry of MAC on OVERLAY.",
	},
	{
		.object = "map",
		.verb = "get",
		.wire = OVL_CMD_MAP_GET,
		.pos = { "OVERLAY", "MAC" },
		.min_args = 2,
		.max_args = 2,
		.build = build_map_key,
		.print = ovlctl_print_fdb,
		.summary = "Show the forwarding entry of MAC on OVERLAY.",
	},
	{
		.object = "map",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_MAP_LIST,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = build_overlay_filter,
		.print = ovlctl_print_fdb,
		.summary = "List the forwarding entries, of every overlay or of OVERLAY.",
	},
	{
		.object = "neigh",
		.verb = "add",
		.wire = OVL_CMD_NEIGH_ADD,
		.pos = { "OVERLAY", "IP", "MAC" },
		.min_args = 3,
		.max_args = 3,
		.build = build_neigh_add,
		.print = ovlctl_print_none,
		.summary = "Add a proxy ARP/NDP entry: IP on OVERLAY is owned by MAC.",
	},
	{
		.object = "neigh",
		.verb = "del",
		.wire = OVL_CMD_NEIGH_DEL,
		.pos = { "OVERLAY", "IP" },
		.min_args = 2,
		.max_args = 2,
		.build = build_neigh_del,
		.print = ovlctl_print_none,
		.summary = "Delete the proxy ARP/NDP entry of IP on OVERLAY.",
	},
	{
		.object = "neigh",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_NEIGH_LIST,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = build_overlay_filter,
		.print = ovlctl_print_neighs,
		.summary = "List the proxy ARP/NDP entries, of every overlay or of OVERLAY.",
	},
	{
		.object = "stats",
		.wire = OVL_CMD_STATS,
		.opts = stats_opts,
		.build = build_stats,
		.print = ovlctl_print_stats,
		.summary =
			"Print the data path's counters by name: packets and bytes. Counters at\n"
			"zero are left out of the table unless -a is given; -j has them all.",
	},
	{
		.object = "monitor",
		.wire = OVL_CMD_MONITOR,
		.opts = monitor_opts,
		.build = build_monitor,
		.flags = OVLCTL_CMD_F_STREAM,
		.summary = "Print miss and drop events as they happen, one line each, until\n"
			   "interrupted or COUNT events; with -j, ovld's JSON lines.",
		.details =
			"Line format:\n"
			"  TIME EVENT vni=VNI mac=MAC ip=IP ifname=IFNAME endpoint=ID reason=REASON\n"
			"       outer_ip=ADDR [KEY=VALUE...]\n"
			"Fields an event does not have are left out. IFNAME is where the frame came\n"
			"in (an endpoint's veth, or the underlay); outer_ip is the underlay host a\n"
			"peer_unknown drop refused.\n",
	},
	{
		.object = "status",
		.wire = OVL_CMD_STATUS,
		.build = build_none,
		.print = ovlctl_print_status,
		.summary = "Show ovld's state: programs attached, underlay, backends, map fill,\n"
			   "events.",
	},
	{
		.object = "reload",
		.wire = OVL_CMD_RELOAD,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = build_overlay_filter,
		.print = ovlctl_print_reload,
		.summary = "Re-read the backend files, of every overlay or of OVERLAY.",
	},
};

const int ovlctl_ncmds = ARRAY_SIZE(ovlctl_cmds);

const struct ovlctl_optspec ovlctl_global_opts[] = {
	{ OVLCTL_OPT_INSTANCE, 0, "instance", NULL, "NAME",
	  "the ovld instance: socket /run/ovl/NAME.sock\n"
	  "(default: $OVL_INSTANCE, else \"default\")" },
	{ OVLCTL_OPT_SOCKET, 0, "socket", NULL, "PATH",
	  "connect to the socket PATH (overrides --instance)" },
	{ 'j', 0, "json", NULL, NULL, "print results, and errors, as JSON on stdout" },
	{ 'h', 0, "help", NULL, NULL, "print help (of ovlctl, an OBJECT or a VERB)" },
	{ OVLCTL_OPT_VERSION, 0, "version", NULL, NULL, "print the version (before OBJECT)" },
	{ 0 },
};
