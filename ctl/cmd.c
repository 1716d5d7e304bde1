// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cmd.c - ovlctl's grammar: the dispatch table, argument parsing and
 * validation, and the request of every command. The usage and help texts
 * (help.c) are generated from the same table, so that they cannot drift
 * from what the parser accepts.
 *
 *   ovlctl [GLOBAL] OBJECT [VERB] [ARGS and VERB OPTIONS and GLOBAL]
 *   ovlctl help [OBJECT [VERB]]
 *
 * Global options (--instance, --socket, -j, -h, and --version before the
 * object) are parsed with getopt_long stopping at OBJECT; then the verb's
 * options and the global ones again (but --version) are parsed over the
 * rest, with GNU permutation, so that `ovlctl map list -j` and dladm's
 * `overlay create -v 23 ... overlay0` order both work; `--` ends options.
 *
 * Everything the user typed is validated here, before any socket is opened,
 * and sent in canonical form (lower-case MACs, inet_ntop text, numbers as
 * JSON integers, absolute paths).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ovl_abi.h"
#include "addr.h"
#include "ovlctl.h"

#define ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *ovlctl_netns_dir = "/run/netns";

/* ---- messages ------------------------------------------------------------ */

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
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

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Interface and overlay names: 1..max of [A-Za-z0-9_.-], not "." or "..". */
static int check_name(const char *what, const char *s, size_t max, char *err, size_t errlen)
{
	size_t n;

	if (!s)
		s = "";
	n = strlen(s);
	if (n == 0 || n > max || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			goto bad;
	return 0;
bad:
	return fail(err, errlen,
		    "bad %s \"%s\": expected 1 to %zu characters of A-Z a-z 0-9 _ . - "
		    "(not \".\" or \"..\")",
		    what, s, max);
}

static int put_overlay(json_t *req, const char *key, const char *s, char *err, size_t errlen)
{
	int ret = check_name("overlay name", s, OVLCTL_OVERLAY_MAX, err, errlen);

	return ret ? ret : put(req, key, json_string(s), err, errlen);
}

static int put_ifname(json_t *req, const char *key, const char *s, char *err, size_t errlen)
{
	int ret = check_name("VNIC name", s, OVLCTL_IFNAME_MAX, err, errlen);

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
		return fail(err, errlen, "bad MAC \"%s\": expected six hex groups separated by ':'",
			    s);
	if (unicast && ovl_mac_is_multicast(mac))
		return fail(err, errlen, "bad MAC \"%s\": a multicast MAC, expected a unicast one",
			    s);
	if (unicast && ovl_mac_is_zero(mac))
		return fail(err, errlen, "bad MAC \"%s\": all zeros, expected a unicast MAC", s);
	return put(req, key, json_string(ovl_mac_format(mac, buf)), err, errlen);
}

enum ip_kind {
	IP_ANY,	 /* any address: del, get */
	IP_DEST, /* not the unspecified address: underlay addresses */
	IP_HOST, /* not unspecified, multicast or broadcast: an overlay host's address */
};

static bool ip_is_multicast(const struct ovl_ip *ip)
{
	if (ip->family == OVL_AF_INET4)
		return (ip->addr[0] & 0xf0) == 0xe0 || (ip->addr[0] == 255 && ip->addr[1] == 255 &&
							ip->addr[2] == 255 && ip->addr[3] == 255);
	return ip->addr[0] == 0xff;
}

static int put_ip(json_t *req, const char *key, const char *what, const char *s, enum ip_kind kind,
		  char *err, size_t errlen)
{
	char buf[OVL_IP_STRLEN];
	struct ovl_ip ip;

	if (!s)
		s = "";
	if (ovl_ip_parse(s, &ip))
		return fail(err, errlen, "bad %s \"%s\": expected an IPv4 or IPv6 address%s", what,
			    s,
			    strchr(s, '/') ? " without a prefix length" :
			    strchr(s, '%') ? " without a zone" :
					     "");
	if (kind != IP_ANY && ovl_ip_is_zero(&ip))
		return fail(err, errlen, "bad %s \"%s\": the unspecified address", what, s);
	if (kind == IP_HOST && ip_is_multicast(&ip))
		return fail(err, errlen, "bad %s \"%s\": a multicast or broadcast address", what,
			    s);
	return put(req, key, json_string(ovl_ip_format(&ip, buf)), err, errlen);
}

static int put_port(json_t *req, const char *key, const char *what, const char *s, char *err,
		    size_t errlen)
{
	__u16 port;

	if (!s)
		s = "";
	if (ovl_port_parse(s, &port))
		return fail(err, errlen, "bad %s \"%s\": expected a number from 1 to 65535", what,
			    s);
	return put(req, key, json_integer(port), err, errlen);
}

static int put_vni(json_t *req, const char *s, char *err, size_t errlen)
{
	__u32 vni;

	if (!s)
		s = "";
	if (ovl_vni_parse(s, &vni))
		return fail(err, errlen, "bad VNI \"%s\": expected a number from 0 to %u", s,
			    OVL_VNI_MAX);
	return put(req, "vni", json_integer(vni), err, errlen);
}

/* A named network namespace, as `ip netns add` makes them. */
static int put_netns(json_t *req, const char *ns, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	if (!*ns || strchr(ns, '/') || strcmp(ns, ".") == 0 || strcmp(ns, "..") == 0)
		return fail(err, errlen,
			    "bad netns \"%s\": expected the name of a namespace in %s (no '/')", ns,
			    ovlctl_netns_dir);
	n = snprintf(path, sizeof(path), "%s/%s", ovlctl_netns_dir, ns);
	if (n < 0 || (size_t)n >= sizeof(path))
		return fail(err, errlen, "bad netns \"%s\": name too long", ns);
	if (stat(path, &st))
		return fail(err, errlen, "bad netns \"%s\": %s: %s (see ip netns add)", ns, path,
			    strerror(errno));
	return put(req, "netns", json_string(ns), err, errlen);
}

/* ---- overlay properties (dladm's -p KEY=VALUE) ---------------------------- */

enum prop_type { PROP_IP, PROP_PORT, PROP_PATH };

static const struct prop {
	const char *key;
	const char *search; /* the -s it belongs to; NULL: any (encapsulation properties) */
	enum prop_type type;
	bool required; /* with its -s */
	const char *arg;
	const char *help;
} props[] = {
	{ "vxlan/listen_ip", NULL, PROP_IP, false, "ADDR",
	  "underlay address to send from and listen on (default: ovld's)" },
	{ "vxlan/listen_port", NULL, PROP_PORT, false, "PORT",
	  "VXLAN UDP port (default: ovld's, 4789)" },
	{ "files/config", "files", PROP_PATH, true, "PATH",
	  "the backend's hosts.json, made absolute" },
	{ "direct/dest_ip", "direct", PROP_IP, true, "ADDR",
	  "where every frame of the overlay goes" },
	{ "direct/dest_port", "direct", PROP_PORT, false, "PORT", "its UDP port (default 4789)" },
};

static const char *const searches[] = { "files", "direct" };

static bool prop_applies(const struct prop *p, const char *search)
{
	return !p->search || strcmp(p->search, search) == 0;
}

static void prop_keys(const char *search, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < ARRAY_SIZE(props); i++)
		if (prop_applies(&props[i], search))
			ovlctl_strcatf(buf, len, "%s%s", buf[0] ? ", " : "", props[i].key);
}

static int put_path(json_t *obj, const char *key, const char *v, char *err, size_t errlen)
{
	char cwd[PATH_MAX], *abs = NULL;
	int ret;

	if (!*v)
		return fail(err, errlen, "bad %s \"\": expected a file name", key);
	if (v[0] == '/')
		return put(obj, key, json_string(v), err, errlen);
	/* ovld does not run in our directory: send the path it can open */
	if (!getcwd(cwd, sizeof(cwd)))
		return fail(err, errlen, "bad %s \"%s\": cannot make it absolute: %s", key, v,
			    strerror(errno));
	if (asprintf(&abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, v) < 0)
		return nomem(err, errlen);
	ret = put(obj, key, json_string(abs), err, errlen);
	free(abs);
	return ret;
}

static int put_prop(json_t *obj, const char *search, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '='), *v;
	const struct prop *p = NULL;
	char keys[256];
	size_t klen;

	if (!eq || eq == kv)
		return fail(err, errlen, "bad property \"%s\": expected KEY=VALUE", kv);
	klen = (size_t)(eq - kv);
	v = eq + 1;
	for (int i = 0; i < ARRAY_SIZE(props); i++)
		if (strlen(props[i].key) == klen && strncmp(props[i].key, kv, klen) == 0)
			p = &props[i];
	prop_keys(search, keys, sizeof(keys));
	if (!p)
		return fail(err, errlen,
			    "unknown property \"%.*s\": with -s %s, expected one of %s", (int)klen,
			    kv, search, keys);
	if (!prop_applies(p, search))
		return fail(err, errlen, "property \"%s\" needs -s %s, not -s %s", p->key,
			    p->search, search);
	if (json_object_get(obj, p->key))
		return fail(err, errlen, "property \"%s\" given twice", p->key);
	switch (p->type) {
	case PROP_IP:
		return put_ip(obj, p->key, p->key, v, IP_DEST, err, errlen);
	case PROP_PORT:
		return put_port(obj, p->key, p->key, v, err, errlen);
	case PROP_PATH:
		return put_path(obj, p->key, v, err, errlen);
	}
	return -EINVAL;
}

/* ---- request builders ----------------------------------------------------- */

/* The value of an option given once, or NULL. */
static const char *optval(const struct ovlctl_inv *inv, int val)
{
	for (int i = 0; i < inv->nopt; i++)
		if (inv->opt[i].val == val)
			return inv->opt[i].arg;
	return NULL;
}

static bool has_opt(const struct ovlctl_inv *inv, int val)
{
	for (int i = 0; i < inv->nopt; i++)
		if (inv->opt[i].val == val)
			return true;
	return false;
}

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
	const char *encap = optval(inv, 'e'), *search = optval(inv, 's');
	json_t *req = inv->req, *pr;
	bool known = false;
	int ret;

	ret = put_overlay(req, "name", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_vni(req, optval(inv, 'v'), err, errlen);
	if (ret)
		return ret;
	if (!encap || !search) /* required: checked by the parser */
		return fail(err, errlen, "missing -e or -s");
	if (strcmp(encap, "vxlan") != 0)
		return fail(err, errlen, "bad encapsulation \"%s\": only \"vxlan\" is supported",
			    encap);
	for (int i = 0; i < ARRAY_SIZE(searches); i++)
		known |= strcmp(search, searches[i]) == 0;
	if (!known)
		return fail(err, errlen, "bad search \"%s\": expected \"files\" or \"direct\"",
			    search);
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
	for (int i = 0; i < ARRAY_SIZE(props); i++)
		if (props[i].required && prop_applies(&props[i], search) &&
		    !json_object_get(pr, props[i].key))
			return fail(err, errlen, "-s %s needs -p %s=%s", search, props[i].key,
				    props[i].arg);
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
	const char *ns = optval(inv, OVLCTL_OPT_NETNS);
	int ret;

	ret = put_ifname(inv->req, "name", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_overlay(inv->req, "overlay", optval(inv, 'l'), err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", optval(inv, 'm'), true, err, errlen);
	if (!ret && ns)
		ret = put_netns(inv->req, ns, err, errlen);
	return ret;
}

static int build_vnic_delete(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	return put_ifname(inv->req, "name", inv->pos[0], err, errlen);
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
	inv->all = has_opt(inv, 'a');
	return 0;
}

static int build_monitor(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *c = optval(inv, 'c');

	inv->count = 0;
	if (c && ovl_u64_parse(c, 1, ULLONG_MAX, &inv->count))
		return fail(err, errlen, "bad count \"%s\": expected a number from 1", c);
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
	for (int i = 0; i < ARRAY_SIZE(props); i++) {
		const struct prop *p = &props[i];

		snprintf(left, sizeof(left), "%s=%s", p->key, p->arg);
		if (p->search)
			snprintf(with, sizeof(with), "with -s %s%s: ", p->search,
				 p->required ? ", required" : "");
		else
			with[0] = '\0';
		fprintf(out, "  %-24s %s%s\n", left, with, p->help);
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
		.wire = "overlay.create",
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
		.wire = "overlay.delete",
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
		.wire = "overlay.list",
		.build = build_none,
		.print = ovlctl_print_overlays,
		.summary = "List the overlays: VNI, backend, properties, entries, backend error.",
	},
	{
		.object = "vnic",
		.verb = "create",
		.wire = "vnic.create",
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.opts = vnic_create_opts,
		.build = build_vnic_create,
		.print = ovlctl_print_none,
		.summary = "Create VNIC NAME on an overlay (dladm create-vnic): a veth pair whose\n"
			   "far end, NAME, has the MAC and sits in the host or in namespace NS.",
		.details = "Example:\n  ovlctl vnic create foo0 -l overlay0 -m de:ad:be:ef:00:00\n",
	},
	{
		.object = "vnic",
		.verb = "delete",
		.wire = "vnic.delete",
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.build = build_vnic_delete,
		.print = ovlctl_print_none,
		.summary = "Delete VNIC NAME.",
	},
	{
		.object = "vnic",
		.verb = "list",
		.alias = "show",
		.wire = "vnic.list",
		.build = build_none,
		.print = ovlctl_print_vnics,
		.summary = "List the VNICs.",
	},
	{
		.object = "endpoint",
		.verb = "list",
		.alias = "show",
		.wire = "endpoint.list",
		.build = build_none,
		.print = ovlctl_print_endpoints,
		.summary = "List the local endpoints: VNICs, and the containers the CNI plugin\n"
			   "registered.",
	},
	{
		.object = "map",
		.verb = "add",
		.wire = "map.add",
		.pos = { "OVERLAY", "MAC", "IP", "PORT" },
		.min_args = 3,
		.max_args = 4,
		.build = build_map_add,
		.print = ovlctl_print_none,
		.summary = "Add a forwarding entry: MAC of OVERLAY is behind underlay address IP,\n"
			   "UDP PORT (default 4789).",
	},
	{
		.object = "map",
		.verb = "del",
		.wire = "map.del",
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
		.wire = "map.get",
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
		.wire = "map.list",
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = build_overlay_filter,
		.print = ovlctl_print_fdb,
		.summary = "List the forwarding entries, of every overlay or of OVERLAY.",
	},
	{
		.object = "neigh",
		.verb = "add",
		.wire = "neigh.add",
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
		.wire = "neigh.del",
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
		.wire = "neigh.list",
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = build_overlay_filter,
		.print = ovlctl_print_neighs,
		.summary = "List the proxy ARP/NDP entries, of every overlay or of OVERLAY.",
	},
	{
		.object = "stats",
		.wire = "stats",
		.opts = stats_opts,
		.build = build_stats,
		.print = ovlctl_print_stats,
		.summary =
			"Print the data path's counters by name: packets and bytes. Counters at\n"
			"zero are left out of the table unless -a is given; -j has them all.",
	},
	{
		.object = "monitor",
		.wire = "monitor",
		.opts = monitor_opts,
		.build = build_monitor,
		.flags = OVLCTL_CMD_F_STREAM,
		.summary = "Print miss and drop events as they happen, one line each, until\n"
			   "interrupted or COUNT events; with -j, ovld's JSON lines.",
		.details =
			"Line format:\n"
			"  TIME EVENT vni=VNI mac=MAC ip=IP ifindex=N reason=REASON [KEY=VALUE...]\n"
			"Fields an event does not have are left out.\n",
	},
	{
		.object = "status",
		.wire = "status",
		.build = build_none,
		.print = ovlctl_print_status,
		.summary = "Show ovld's state: programs attached, underlay, backends, map fill,\n"
			   "events.",
	},
	{
		.object = "reload",
		.wire = "reload",
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
	{ 'j', 0, "json", NULL, NULL, "print results as JSON" },
	{ 'h', 0, "help", NULL, NULL, "print help (of ovlctl, an OBJECT or a VERB)" },
	{ OVLCTL_OPT_VERSION, 0, "version", NULL, NULL, "print the version (before OBJECT)" },
	{ 0 },
};

/* The command of an object that has no verbs (stats), or NULL. */
static const struct ovlctl_cmd *single(const char *object)
{
	for (int i = 0; i < ovlctl_ncmds; i++)
		if (strcmp(ovlctl_cmds[i].object, object) == 0 && !ovlctl_cmds[i].verb)
			return &ovlctl_cmds[i];
	return NULL;
}

void ovlctl_opt_label(const struct ovlctl_optspec *o, char *buf, size_t len)
{
	if (o->val < 256)
		snprintf(buf, len, "-%c", o->val);
	else
		snprintf(buf, len, "--%s", o->name);
}

/* ---- parsing ---------------------------------------------------------------- */

/*
 * getopt_long's tables for opts (may be NULL) and the global options; with
 * stop, parsing stops at the first argument that is not an option.
 */
static void getopt_tables(const struct ovlctl_optspec *opts, bool stop, struct option *lo,
			  size_t nlo, char *so, size_t nso)
{
	const struct ovlctl_optspec *sets[2] = { opts, ovlctl_global_opts };
	size_t n = 0;

	snprintf(so, nso, "%s", stop ? "+:" : ":");
	for (int s = 0; s < 2; s++) {
		for (const struct ovlctl_optspec *o = sets[s]; o && o->val; o++) {
			const char *names[2] = { o->name, o->alias };

			for (int k = 0; k < 2 && n + 1 < nlo; k++) {
				if (!names[k])
					continue;
				lo[n++] = (struct option){ names[k],
							   o->arg ? required_argument : no_argument,
							   NULL, o->val };
			}
			if (o->val < 256)
				ovlctl_strcatf(so, nso, "%c%s", o->val, o->arg ? ":" : "");
		}
	}
	lo[n] = (struct option){ 0 };
}

/* The message for a getopt '?' or ':' at argv[optind - 1]. */
static int opt_error(int c, char **argv, const struct option *lo, char *err, size_t errlen)
{
	const char *arg = argv[optind - 1];
	const char *eq = strchr(arg, '=');

	if (c == ':')
		return optopt > 0 && optopt < 256 && strncmp(arg, "--", 2) != 0 ?
			       fail(err, errlen, "option \"-%c\" needs an argument", optopt) :
			       fail(err, errlen, "option \"%s\" needs an argument", arg);
	if (strncmp(arg, "--", 2) == 0 && eq) {
		for (; lo->name; lo++)
			if (strlen(lo->name) == (size_t)(eq - arg - 2) &&
			    strncmp(lo->name, arg + 2, (size_t)(eq - arg - 2)) == 0 &&
			    lo->has_arg == no_argument)
				return fail(err, errlen, "option \"--%s\" takes no argument",
					    lo->name);
	}
	if (optopt > 0 && optopt < 256 && strncmp(arg, "--", 2) != 0)
		return fail(err, errlen, "unknown option \"-%c\"", optopt);
	return fail(err, errlen, "unknown option \"%s\"", arg);
}

/* A global option seen by either getopt pass. Return: 1 if it was one. */
static int global_opt(struct ovlctl_inv *inv, int c)
{
	switch (c) {
	case 'j':
		inv->json = true;
		return 1;
	case 'h':
		inv->help = OVLCTL_HELP_ALL;
		return 1;
	case OVLCTL_OPT_INSTANCE:
		inv->instance = optarg;
		return 1;
	case OVLCTL_OPT_SOCKET:
		inv->socket_opt = optarg;
		return 1;
	case OVLCTL_OPT_VERSION:
		inv->version = true;
		return 1;
	default:
		return 0;
	}
}

static const struct ovlctl_cmd *find_cmd(const char *object, const char *verb)
{
	for (int i = 0; i < ovlctl_ncmds; i++) {
		const struct ovlctl_cmd *c = &ovlctl_cmds[i];

		if (strcmp(c->object, object) != 0 || !c->verb)
			continue;
		if (strcmp(c->verb, verb) == 0 || (c->alias && strcmp(c->alias, verb) == 0))
			return c;
	}
	return NULL;
}

static const char *known_object(const char *object)
{
	for (int i = 0; i < ovlctl_ncmds; i++)
		if (strcmp(ovlctl_cmds[i].object, object) == 0)
			return ovlctl_cmds[i].object;
	return NULL;
}

/* `ovlctl help [OBJECT [VERB]]` and `ovlctl --help [OBJECT [VERB]]`. */
static int parse_help(struct ovlctl_inv *inv, int argc, char **argv, int i, char *err,
		      size_t errlen)
{
	inv->help = OVLCTL_HELP_ALL;
	if (i >= argc)
		return 0;
	inv->object = known_object(argv[i]);
	if (!inv->object)
		return fail(err, errlen, "unknown object \"%s\"", argv[i]);
	inv->help = OVLCTL_HELP_OBJECT;
	inv->cmd = single(inv->object);
	if (inv->cmd) {
		inv->help = OVLCTL_HELP_CMD;
	} else if (++i < argc) {
		inv->cmd = find_cmd(inv->object, argv[i]);
		if (!inv->cmd)
			return fail(err, errlen, "%s: unknown verb \"%s\"", inv->object, argv[i]);
		inv->help = OVLCTL_HELP_CMD;
	}
	if (++i < argc)
		return fail(err, errlen, "help: unexpected argument \"%s\"", argv[i]);
	return 0;
}

/* The options and positional arguments after the command's name, argv[0]. */
static int parse_cmd_args(struct ovlctl_inv *inv, int argc, char **argv, char *err, size_t errlen)
{
	const struct ovlctl_cmd *cmd = inv->cmd;
	struct option lo[24];
	char so[64], label[32];
	int c;

	getopt_tables(cmd->opts, false, lo, ARRAY_SIZE(lo), so, sizeof(so));
	optind = 0; /* glibc: start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == '?' || c == ':')
			return opt_error(c, argv, lo, err, errlen);
		if (c == OVLCTL_OPT_VERSION)
			return fail(err, errlen, "--version goes before OBJECT");
		if (global_opt(inv, c)) {
			if (c == 'h')
				inv->help = OVLCTL_HELP_CMD;
			continue;
		}
		for (const struct ovlctl_optspec *o = cmd->opts; o && o->val; o++) {
			/* a flag twice is harmless; a value twice is ambiguous */
			if (o->val != c || !o->arg || (o->flags & OVLCTL_OPT_F_REPEAT) ||
			    !has_opt(inv, c))
				continue;
			ovlctl_opt_label(o, label, sizeof(label));
			return fail(err, errlen, "option \"%s\" given twice", label);
		}
		if (inv->nopt >= OVLCTL_MAX_OPTS)
			return fail(err, errlen, "too many options");
		inv->opt[inv->nopt].val = c;
		inv->opt[inv->nopt++].arg = optarg;
	}
	if (inv->help)
		return 0;
	for (int i = optind; i < argc; i++) {
		if (inv->npos >= cmd->max_args)
			return fail(err, errlen, "unexpected argument \"%s\"", argv[i]);
		inv->pos[inv->npos++] = argv[i];
	}
	if (inv->npos < cmd->min_args)
		return fail(err, errlen, "missing %s", cmd->pos[inv->npos]);
	/* A required option that may repeat (-p) is checked by the builder,
	 * which knows which values are needed (-s files needs files/config). */
	for (const struct ovlctl_optspec *o = cmd->opts; o && o->val; o++) {
		if (!(o->flags & OVLCTL_OPT_F_REQUIRED) || (o->flags & OVLCTL_OPT_F_REPEAT) ||
		    has_opt(inv, o->val))
			continue;
		ovlctl_opt_label(o, label, sizeof(label));
		return fail(err, errlen, "missing %s %s", label, o->arg ? o->arg : "");
	}
	return 0;
}

/* Where to connect: --socket, else the instance's socket. */
static int resolve_socket(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *env = getenv("OVL_INSTANCE");
	bool from_env = false;

	if (inv->instance && !ovl_instance_valid(inv->instance))
		goto bad;
	if (inv->socket_opt) {
		if (!*inv->socket_opt || strlen(inv->socket_opt) >= sizeof(inv->socket))
			return fail(err, errlen, "bad socket path \"%s\": 1 to %zu bytes",
				    inv->socket_opt, sizeof(inv->socket) - 1);
		snprintf(inv->socket, sizeof(inv->socket), "%s", inv->socket_opt);
		return 0;
	}
	if (!inv->instance && env && *env) {
		inv->instance = env;
		from_env = true;
	}
	if (!inv->instance)
		inv->instance = OVL_DEFAULT_INST;
	if (!ovl_instance_valid(inv->instance))
		goto bad;
	if (ovl_ctl_socket_path(inv->instance, inv->socket, sizeof(inv->socket)))
		return fail(err, errlen, "bad instance name \"%s\": too long", inv->instance);
	return 0;
bad:
	return fail(err, errlen,
		    "bad instance name \"%s\"%s: expected 1 to %d characters of A-Z a-z 0-9 _ . -, "
		    "not starting with '.'",
		    inv->instance, from_env ? " in OVL_INSTANCE" : "", OVL_INSTANCE_MAX);
}

int ovlctl_parse(int argc, char **argv, struct ovlctl_inv *inv, char *err, size_t errlen)
{
	struct option lo[8];
	char so[16], name[32], msg[512];
	int c, i, ret;

	memset(inv, 0, sizeof(*inv));
	err[0] = '\0';
	getopt_tables(NULL, true, lo, ARRAY_SIZE(lo), so, sizeof(so));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == '?' || c == ':')
			return opt_error(c, argv, lo, err, errlen);
		global_opt(inv, c);
	}
	i = optind;
	if (inv->help)
		return parse_help(inv, argc, argv, i, err, errlen);
	if (inv->version)
		return i < argc ? fail(err, errlen, "unexpected argument \"%s\"", argv[i]) : 0;
	if (i >= argc)
		return fail(err, errlen, "missing OBJECT");
	if (strcmp(argv[i], "help") == 0)
		return parse_help(inv, argc, argv, i + 1, err, errlen);
	inv->object = known_object(argv[i]);
	if (!inv->object)
		return fail(err, errlen, "unknown object \"%s\"", argv[i]);
	inv->cmd = single(inv->object);
	if (!inv->cmd) {
		if (++i >= argc)
			return fail(err, errlen, "%s: missing VERB", inv->object);
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			inv->help = OVLCTL_HELP_OBJECT;
			return 0;
		}
		inv->cmd = find_cmd(inv->object, argv[i]);
		if (!inv->cmd)
			return fail(err, errlen, "%s: unknown verb \"%s\"", inv->object, argv[i]);
	}

	ovlctl_cmd_name(inv->cmd, name, sizeof(name));
	msg[0] = '\0';
	ret = parse_cmd_args(inv, argc - i, argv + i, msg, sizeof(msg));
	if (!ret && !inv->help) {
		inv->req = json_pack("{s:s}", "cmd", inv->cmd->wire);
		ret = inv->req ? inv->cmd->build(inv, msg, sizeof(msg)) : nomem(msg, sizeof(msg));
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", name, msg);
		return ret;
	}
	return inv->help ? 0 : resolve_socket(inv, err, errlen);
}

void ovlctl_inv_free(struct ovlctl_inv *inv)
{
	json_decref(inv->req);
	inv->req = NULL;
}

int ovlctl_build_request(int argc, char **argv, json_t **req, char *err, size_t errlen)
{
	struct ovlctl_inv inv;
	int ret = ovlctl_parse(argc, argv, &inv, err, errlen);

	*req = NULL;
	if (!ret) {
		*req = inv.req;
		inv.req = NULL;
	}
	ovlctl_inv_free(&inv);
	return ret;
}
