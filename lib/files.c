// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * files.c - the hosts.json parser: text to a table, every entry validated;
 * see files.h. Reading a file is files_load.c; the lookups, files_index.c.
 *
 * Theory of operation.
 *
 * The top-level object is read by a small parser of its own grammar
 *	ws '{' ws [ string ws ':' value ws { ',' ws string ws ':' value ws } ] '}' ws
 * and every key and every value in it is handed to jansson, one at a time
 * (json_loadb with JSON_DISABLE_EOF_CHECK, which reports how many bytes it
 * read, and JSON_REJECT_DUPLICATES). So jansson still checks every string,
 * number and nested value, but only one entry's tree exists at a time. One
 * tree of a whole 100k-entry file (11 MB) costs some 130 MB and most of a
 * second, nearly all of it malloc and page faults; this way the load takes
 * about 0.4 s. Each entry is validated as soon as it is read, so the first
 * error in the file is the one reported.
 *
 * Syntax errors keep jansson's words and positions: when the top-level
 * parser or an entry's json_loadb finds one, the whole text is handed to
 * json_loadb, which stops at the same first error and reports it.
 *
 * Semantic errors point at the key they concern. The parser keeps the
 * offsets of every entry's key and value; when an error is reported, the
 * offset is turned into a line:column by counting from the start, and the
 * keys inside an entry are found by a small lexer (strings, escapes,
 * nesting depth) run over that entry's text (both in lib/jsonpos.c). Both
 * run only on the error path, and both are linear.
 *
 * Top-level keys are MACs; the same MAC twice, in the same or another
 * spelling, is found through the MAC hash, so JSON_REJECT_DUPLICATES is
 * only needed inside entries.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "jsonpos.h"
#include "ovl_abi.h"
#include "addr.h"
#include "files.h"
#include "hash.h"
#include "files_index.h"

#define FIELDS "ip, port, arp, ndp, dhcp-proxy"

/* Where an entry is in the text, as byte offsets. */
struct span {
	size_t key;	/* the key's opening quote */
	size_t key_len; /* raw bytes between its quotes */
	size_t val;	/* the value's first byte */
	size_t end;	/* just past the value */
};

struct ctx {
	struct ovl_jtext j; /* the text, its name, the error buffer */
	struct span *spans; /* one per entry read so far */
	size_t spans_cap;
};

/* ---- positions and messages ---------------------------------------- */

static struct ovl_jpos pos_top(struct ctx *c, size_t i)
{
	return ovl_jtext_pos(&c->j, c->spans[i].key);
}

/* The position of the key sub in entry i, or unknown. */
static struct ovl_jpos pos_sub(struct ctx *c, size_t i, const char *sub)
{
	return ovl_jtext_key_pos(&c->j, c->spans[i].val, c->spans[i].end, sub);
}

/* ---- messages ------------------------------------------------------ */
/* The key of entry i, quoted, from the text. */
static const char *quote_key(const struct ctx *c, size_t i, char *buf)
{
	char *s = ovl_json_unescape(c->j.buf + c->spans[i].key + 1, c->spans[i].key_len);

	ovl_json_quote(s ? s : "?", buf);
	free(s);
	return buf;
}

/*
 * The text is not JSON, or not an object: let jansson read all of it. It
 * stops at the first error, the one we met, and says it in its words.
 */
static int syntax_fail(struct ctx *c, size_t at)
{
	json_error_t je;
	json_t *root = json_loadb(c->j.buf, c->j.len, JSON_REJECT_DUPLICATES, &je);
	int ret;

	if (!root)
		return ovl_jtext_jansson_fail(&c->j, &je, 0);
	if (!json_is_object(root))
		ret = ovl_jtext_fail(&c->j, ovl_jtext_pos(&c->j, ovl_jtext_skip_ws(&c->j, 0)),
				     "top level is %s, expected an object keyed by MAC address",
				     ovl_json_type_name(root));
	else /* not expected: jansson accepts what we did not */
		ret = ovl_jtext_fail(&c->j, ovl_jtext_pos(&c->j, at), "syntax error");
	json_decref(root);
	return ret;
}

/* jansson found a duplicate key in entry i, whose value it read up to
 * buf[val + position]: name the key and where it was first. */
static int dup_fail(struct ctx *c, size_t i, const json_error_t *je)
{
	size_t end = c->spans[i].val + (size_t)je->position;
	char qm[OVL_JSON_QLEN], qk[OVL_JSON_QLEN], ps[32];
	const struct ovl_jkey *dup;
	struct ovl_jkeys k = { 0 };
	char *key = NULL;
	int ret = 1;

	if (je->position < 1 || end > c->j.len || ovl_jtext_keys(&c->j, c->spans[i].val, end, &k))
		k.n = 0; /* no position index: jansson's message as it is */
	/* jansson stops right after the closing quote of the second key */
	dup = k.n ? &k.v[k.n - 1] : NULL;
	if (dup && dup->off + dup->len + 1 == end)
		key = ovl_json_unescape(c->j.buf + dup->off, dup->len);
	for (size_t j = 0; key && j + 1 < k.n && ret > 0; j++) {
		if (ovl_jtext_key_eq(&c->j, &k.v[j], key))
			ret = ovl_jtext_fail(&c->j, dup->pos, "%s: duplicate key %s (first at %s)",
					     quote_key(c, i, qm), ovl_json_quote(key, qk),
					     ovl_jpos_str(k.v[j].pos, ps, sizeof(ps)));
	}
	if (ret > 0) /* a duplicate deeper down */
		ret = ovl_jtext_jansson_fail(&c->j, je, c->spans[i].val);
	free(key);
	free(k.v);
	return ret;
}

/* ---- validation ---------------------------------------------------- */

/* The entry being read. */
struct ent {
	struct ctx *c;
	struct ovl_files_table *t;
	size_t i;
	__u32 idx; /* i, as the hashes store it */
	struct ovl_files_entry *fe;
	char qmac[OVL_JSON_QLEN]; /* its key, quoted */
	bool has_ip, has_port;
};

/* A field that must be a string; "" (allowed when optional) means absent.
 * Return: 1 with *s set, 0 when absent, or -EINVAL. */
static int field_str(struct ent *e, const char *key, json_t *v, bool optional, const char **s)
{
	*s = "";
	if (!json_is_string(v))
		return ovl_jtext_fail(&e->c->j, pos_sub(e->c, e->i, key),
				      "%s: \"%s\" is %s, expected a string", e->qmac, key,
				      ovl_json_type_name(v));
	*s = json_string_value(v);
	if (**s)
		return 1;
	if (optional)
		return 0;
	return ovl_jtext_fail(&e->c->j, pos_sub(e->c, e->i, key),
			      "%s: \"%s\" is empty (it is required)", e->qmac, key);
}

static int field_ip(struct ent *e, const char *key, json_t *v)
{
	char qv[OVL_JSON_QLEN];
	const char *s, *why = NULL;
	int ret = field_str(e, key, v, false, &s);

	if (ret < 0)
		return ret;
	if (ovl_ip_parse(s, &e->fe->ip))
		why = "is not an IPv4 or IPv6 address";
	else if (ovl_ip_is_unspecified(&e->fe->ip))
		why = "is the unspecified address";
	else if (ovl_ip_is_multicast(&e->fe->ip))
		why = "is a multicast address (the underlay is unicast)";
	else if (ovl_ip_is_v4mapped(&e->fe->ip))
		why = "is an IPv4-mapped IPv6 address (write it as IPv4)";
	if (why)
		return ovl_jtext_fail(&e->c->j, pos_sub(e->c, e->i, key), "%s: \"%s\" %s %s",
				      e->qmac, key, ovl_json_quote(s, qv), why);
	e->has_ip = true;
	return 0;
}

static int field_port(struct ent *e, const char *key, json_t *v)
{
	json_int_t port;

	if (!json_is_integer(v))
		return ovl_jtext_fail(&e->c->j, pos_sub(e->c, e->i, key),
				      "%s: \"%s\" is %s, expected an integer 1..65535", e->qmac,
				      key, ovl_json_type_name(v));
	port = json_integer_value(v);
	if (port < 1 || port > 65535)
		return ovl_jtext_fail(&e->c->j, pos_sub(e->c, e->i, key),
				      "%s: \"%s\" %" JSON_INTEGER_FORMAT
				      " is out of range 1..65535",
				      e->qmac, key, port);
	e->fe->port = (__u16)port;
	e->has_port = true;
	return 0;
}

/* arp and ndp: an overlay address of one family that this MAC answers for;
 * it must be unique in the file. */
static int field_neigh(struct ent *e, const char *key, json_t *v, __u8 family)
{
	struct ovl_ip *ip = family == OVL_AF_INET4 ? &e->fe->arp : &e->fe->ndp;
	char qv[OVL_JSON_QLEN], qo[OVL_JSON_QLEN], ps[32], buf[OVL_IP_STRLEN];
	const char *s, *why = NULL;
	const __u32 *other;
	int ret = field_str(e, key, v, true, &s);

	if (ret <= 0)
		return ret;
	if (ovl_ip_parse(s, ip))
		why = family == OVL_AF_INET4 ? "is not an IPv4 address" : "is not an IPv6 address";
	else if (ip->family != family)
		why = family == OVL_AF_INET4 ? "is not an IPv4 address (IPv6 goes in \"ndp\")" :
					       "is not an IPv6 address (IPv4 goes in \"arp\")";
	else if (ovl_ip_is_unspecified(ip))
		why = "is the unspecified address";
	else if (ovl_ip_is_loopback(ip))
		why = "is a loopback address";
	else if (ovl_ip_is_multicast(ip))
		why = "is a multicast address";
	else if (ovl_ip_is_broadcast(ip))
		why = "is the broadcast address";
	else if (ovl_ip_is_v4mapped(ip))
		why = "is an IPv4-mapped address";
	if (why)
		return ovl_jtext_fail(&e->c->j, pos_sub(e->c, e->i, key), "%s: \"%s\" %s %s",
				      e->qmac, key, ovl_json_quote(s, qv), why);
	other = ovl_hash_find(&e->t->by_ip, ip);
	if (other)
		return ovl_jtext_fail(
			&e->c->j, pos_sub(e->c, e->i, key),
			"%s: \"%s\" %s is also claimed by %s at %s (ambiguous %s answers)", e->qmac,
			key, ovl_ip_format(ip, buf), quote_key(e->c, *other, qo),
			ovl_jpos_str(pos_sub(e->c, *other, key), ps, sizeof(ps)),
			family == OVL_AF_INET4 ? "ARP" : "NDP");
	if (ovl_hash_insert(&e->t->by_ip, ip, &e->idx))
		return ovl_jtext_nomem(&e->c->j);
	if (family == OVL_AF_INET4)
		e->fe->has_arp = true;
	else
		e->fe->has_ndp = true;
	return 0;
}

static int field_dhcp_proxy(struct ent *e, const char *key, json_t *v)
{
	char qv[OVL_JSON_QLEN];
	const char *s, *why = NULL;
	int ret = field_str(e, key, v, true, &s);

	if (ret <= 0)
		return ret;
	if (ovl_mac_parse(s, e->fe->dhcp_proxy))
		why = "is not a MAC address";
	else if (ovl_mac_is_zero(e->fe->dhcp_proxy))
		why = "is the all-zero MAC";
	else if (ovl_mac_is_multicast(e->fe->dhcp_proxy))
		why = "is a multicast MAC";
	if (why)
		return ovl_jtext_fail(&e->c->j, pos_sub(e->c, e->i, key), "%s: \"%s\" %s %s",
				      e->qmac, key, ovl_json_quote(s, qv), why);
	e->fe->has_dhcp_proxy = true;
	return 0;
}

/* The MAC key of entry i, spelled key. */
static int entry_key(struct ent *e, const char *key)
{
	struct ctx *c = e->c;
	char qo[OVL_JSON_QLEN], ps[32];
	const __u32 *other;

	ovl_json_quote(key, e->qmac);
	if (ovl_mac_parse(key, e->fe->mac))
		return ovl_jtext_fail(
			&c->j, pos_top(c, e->i),
			"%s: key is not a MAC address (expected the form de:ad:be:ef:00:01)",
			e->qmac);
	if (ovl_mac_is_zero(e->fe->mac))
		return ovl_jtext_fail(&c->j, pos_top(c, e->i),
				      "%s: the all-zero MAC cannot be a VNIC", e->qmac);
	if (ovl_mac_is_multicast(e->fe->mac))
		return ovl_jtext_fail(&c->j, pos_top(c, e->i),
				      "%s: a multicast MAC cannot be a VNIC", e->qmac);
	other = ovl_hash_find(&e->t->by_mac, e->fe->mac);
	if (other) {
		struct ovl_jpos here = pos_top(c, e->i);

		ovl_jpos_str(pos_top(c, *other), ps, sizeof(ps));
		quote_key(c, *other, qo);
		if (strcmp(qo, e->qmac) == 0)
			return ovl_jtext_fail(&c->j, here, "duplicate MAC %s (first at %s)",
					      e->qmac, ps);
		return ovl_jtext_fail(&c->j, here, "%s: same MAC as %s at %s", e->qmac, qo, ps);
	}
	if (ovl_hash_insert(&e->t->by_mac, e->fe->mac, &e->idx))
		return ovl_jtext_nomem(&c->j);
	return 0;
}

/* The value of entry i. */
static int entry_value(struct ent *e, json_t *obj)
{
	struct ctx *c = e->c;
	char qo[OVL_JSON_QLEN];
	const char *key;
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return ovl_jtext_fail(&c->j, pos_top(c, e->i),
				      "%s: entry is %s, expected an object", e->qmac,
				      ovl_json_type_name(obj));
	json_object_foreach(obj, key, v) { /* in file order: jansson keeps it */
		if (strcmp(key, "ip") == 0)
			ret = field_ip(e, key, v);
		else if (strcmp(key, "port") == 0)
			ret = field_port(e, key, v);
		else if (strcmp(key, "arp") == 0)
			ret = field_neigh(e, key, v, OVL_AF_INET4);
		else if (strcmp(key, "ndp") == 0)
			ret = field_neigh(e, key, v, OVL_AF_INET6);
		else if (strcmp(key, "dhcp-proxy") == 0)
			ret = field_dhcp_proxy(e, key, v);
		else
			ret = ovl_jtext_fail(&c->j, pos_sub(c, e->i, key),
					     "%s: unknown key %s (expected " FIELDS ")", e->qmac,
					     ovl_json_quote(key, qo));
		if (ret)
			return ret;
	}
	if (!e->has_ip)
		return ovl_jtext_fail(&c->j, pos_top(c, e->i),
				      "%s: missing \"ip\" (the underlay address)", e->qmac);
	if (!e->has_port)
		return ovl_jtext_fail(&c->j, pos_top(c, e->i),
				      "%s: missing \"port\" (the VXLAN UDP port)", e->qmac);
	return 0;
}

/* A DHCP proxy must be a MAC of the file: the broadcast is rewritten to it
 * and then needs resolving like any unicast frame. The proxies make the
 * set of the network's DHCP servers. */
static int check_dhcp_proxies(struct ctx *c, struct ovl_files_table *t)
{
	char qm[OVL_JSON_QLEN], buf[OVL_MAC_STRLEN];
	int ret;

	if (!c->spans) /* {}: no entries */
		return 0;
	for (size_t i = 0; i < t->count; i++) {
		const struct ovl_files_entry *fe = &t->entries[i];
		const __u32 *j;

		if (!fe->has_dhcp_proxy)
			continue;
		j = ovl_hash_find(&t->by_mac, fe->dhcp_proxy);
		if (!j)
			return ovl_jtext_fail(&c->j, pos_sub(c, i, "dhcp-proxy"),
					      "%s: \"dhcp-proxy\" %s is not a MAC of this file",
					      quote_key(c, i, qm),
					      ovl_mac_format(fe->dhcp_proxy, buf));
		if (*j == i)
			return ovl_jtext_fail(&c->j, pos_sub(c, i, "dhcp-proxy"),
					      "%s: \"dhcp-proxy\" is the entry's own MAC",
					      quote_key(c, i, qm));
		ret = ovl_hash_insert(&t->servers, fe->dhcp_proxy, NULL);
		if (ret && ret != -EEXIST)
			return ovl_jtext_nomem(&c->j);
	}
	return 0;
}

/* ---- the top-level object ------------------------------------------ */

/* Room for n entries and their spans. */
static int reserve(struct ctx *c, struct ovl_files_table *t, size_t n)
{
	if (n > SIZE_MAX / sizeof(*t->entries) || n > SIZE_MAX / sizeof(*c->spans))
		return -ENOMEM;
	if (n > t->cap) {
		struct ovl_files_entry *ne = realloc(t->entries, n * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		t->entries = ne;
		t->cap = n;
	}
	if (n > c->spans_cap) {
		struct span *ns = realloc(c->spans, n * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		c->spans = ns;
		c->spans_cap = n;
	}
	return 0;
}

/*
 * How many entries and arp/ndp addresses the text may hold, to size the
 * tables once instead of growing them: one entry per '{' but the outer
 * one, one address per "arp" or "ndp" string. Such bytes inside other
 * strings make it an overestimate, bounded by the text's length.
 */
static void estimate(const struct ctx *c, size_t *entries, size_t *addrs)
{
	size_t braces = 0;

	*addrs = 0;
	for (size_t i = 0; i < c->j.len; i++) {
		if (c->j.buf[i] == '{')
			braces++;
		else if (c->j.buf[i] == '"' && c->j.len - i >= 5 && c->j.buf[i + 4] == '"' &&
			 (memcmp(c->j.buf + i + 1, "arp", 3) == 0 ||
			  memcmp(c->j.buf + i + 1, "ndp", 3) == 0))
			(*addrs)++;
	}
	*entries = braces ? braces - 1 : 0;
}

/* Read and check one entry, "key": value, at buf[*off]; *off is left just
 * past the value. */
static int parse_entry(struct ctx *c, struct ovl_files_table *t, size_t *off)
{
	struct ent e = { .c = c, .t = t, .i = t->count, .idx = (__u32)t->count };
	struct span *sp;
	json_t *key = NULL, *val = NULL;
	json_error_t je;
	int ret;

	if (reserve(c, t, t->count < t->cap ? t->cap : t->count * 2 + 16) || !t->entries ||
	    !c->spans)
		return ovl_jtext_nomem(&c->j);
	e.fe = &t->entries[e.i];
	memset(e.fe, 0, sizeof(*e.fe));
	sp = &c->spans[e.i];
	sp->key = *off;
	/* the key, as a JSON string: jansson checks escapes and UTF-8 */
	key = json_loadb(c->j.buf + *off, c->j.len - *off, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
			 &je);
	if (!key || !json_is_string(key)) {
		ret = syntax_fail(c, *off);
		goto out;
	}
	sp->key_len = (size_t)je.position - 2;
	*off = ovl_jtext_skip_ws(&c->j, *off + (size_t)je.position);
	if (*off >= c->j.len || c->j.buf[*off] != ':') {
		ret = syntax_fail(c, *off);
		goto out;
	}
	sp->val = ovl_jtext_skip_ws(&c->j, *off + 1);
	sp->end = sp->val;
	ret = entry_key(&e, json_string_value(key));
	if (ret)
		goto out;

	val = json_loadb(c->j.buf + sp->val, c->j.len - sp->val,
			 JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
	if (!val) {
		if (json_error_code(&je) == json_error_duplicate_key)
			ret = dup_fail(c, e.i, &je);
		else if (json_error_code(&je) == json_error_out_of_memory)
			ret = ovl_jtext_nomem(&c->j);
		else
			ret = syntax_fail(c, sp->val);
		goto out;
	}
	sp->end = sp->val + (size_t)je.position;
	*off = sp->end;
	ret = entry_value(&e, val);
	if (!ret)
		t->count++;
out:
	json_decref(key);
	json_decref(val);
	return ret;
}

static int parse_top(struct ctx *c, struct ovl_files_table *t)
{
	size_t off = ovl_jtext_skip_ws(&c->j, 0), n, na;
	int ret;

	if (off == c->j.len)
		return ovl_jtext_fail(&c->j, (struct ovl_jpos){ 1, 1 },
				      "empty file (expected a JSON object keyed by MAC address)");
	if (c->j.buf[off] != '{')
		return syntax_fail(c, off);
	/* sized once: growing by doubling costs a quarter of the time, most of
	 * it page faults on the new arrays */
	estimate(c, &n, &na);
	if (reserve(c, t, n) || ovl_hash_reserve(&t->by_mac, n) || ovl_hash_reserve(&t->by_ip, na))
		return ovl_jtext_nomem(&c->j);
	off = ovl_jtext_skip_ws(&c->j, off + 1);
	if (off < c->j.len && c->j.buf[off] == '}')
		goto end;
	for (;;) {
		if (off >= c->j.len || c->j.buf[off] != '"')
			return syntax_fail(c, off);
		ret = parse_entry(c, t, &off);
		if (ret)
			return ret;
		off = ovl_jtext_skip_ws(&c->j, off);
		if (off < c->j.len && c->j.buf[off] == ',') {
			off = ovl_jtext_skip_ws(&c->j, off + 1);
			continue;
		}
		if (off < c->j.len && c->j.buf[off] == '}')
			break;
		return syntax_fail(c, off);
	}
end:
	off = ovl_jtext_skip_ws(&c->j, off + 1);
	if (off != c->j.len)
		return syntax_fail(c, off);
	return check_dhcp_proxies(c, t);
}

struct ovl_files_table *ovl_files_parse(const char *buf, size_t len, const char *name, char *err,
					size_t errlen)
{
	struct ctx c = { .j = { .buf = buf ? buf : "",
				.len = buf ? len : 0,
				.name = name ? name : "-",
				.err = err,
				.errlen = errlen } };
	struct ovl_files_table *t;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (!t) {
		ret = ovl_jtext_nomem(&c.j);
		goto out;
	}
	ret = ovl_hash_init(&t->by_mac, 6, sizeof(__u32));
	if (!ret)
		ret = ovl_hash_init(&t->by_ip, sizeof(struct ovl_ip), sizeof(__u32));
	if (!ret)
		ret = ovl_hash_init(&t->servers, 6, 0);
	if (!ret)
		ret = parse_top(&c, t);
out:
	free(c.spans);
	if (ret) {
		ovl_files_free(t);
		errno = -ret;
		return NULL;
	}
	return t;
}
