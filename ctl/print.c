// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * print.c - ovlctl's human output: tables with a header line and columns
 * as wide as their widest cell (ip and dladm style), "-" for a value that
 * is empty or missing, nothing at all for an empty list; and the printers
 * of the lists (overlays, backends, VNICs, endpoints, map and neigh
 * entries, reload). ovld's own state (status, stats) and monitor events
 * are printed by print_status.c with the same tables. -j bypasses all of
 * this and prints ovld's JSON (ovlctl.c).
 *
 * A printer returns -EPROTO when the result does not have the shape ctl.h
 * promises; fields it does not know are ignored, fields it misses print
 * as "-", so an older ovlctl still reads a newer ovld.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ovlctl.h"
#include "print.h"

/* ---- values as text ---------------------------------------------------------- */

static char *join(json_t *v)
{
	char *out = strdup(""), *item, *next;
	const char *key;
	json_t *e;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			item = ovlctl_val_str(e);
			if (!out || !item ||
			    asprintf(&next, "%s%s%s", out, *out ? "," : "", item) < 0)
				next = NULL;
			free(out);
			free(item);
			out = next;
		}
	} else {
		json_object_foreach(v, key, e) {
			item = ovlctl_val_str(e);
			if (!out || !item ||
			    asprintf(&next, "%s%s%s=%s", out, *out ? "," : "", key, item) < 0)
				next = NULL;
			free(out);
			free(item);
			out = next;
		}
	}
	if (out && !*out) {
		free(out);
		out = strdup("-");
	}
	return out;
}

/* A JSON value as a table cell (malloc'ed; NULL when out of memory). */
char *ovlctl_val_str(json_t *v)
{
	char *s = NULL;

	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return strdup(*json_string_value(v) ? json_string_value(v) : "-");
	case JSON_INTEGER:
		return asprintf(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0 ? NULL : s;
	case JSON_REAL:
		return asprintf(&s, "%g", json_real_value(v)) < 0 ? NULL : s;
	case JSON_TRUE:
		return strdup("yes");
	case JSON_FALSE:
		return strdup("no");
	case JSON_ARRAY:
	case JSON_OBJECT:
		return join(v);
	default:
		return strdup("-");
	}
}

/* ---- tables ---------------------------------------------------------------------- */

/* A new row of ncols empty cells. Return: its cells, or NULL. */
char **ovlctl_table_row(struct ovlctl_table *t)
{
	if (t->nrows == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		char **cell = realloc(t->cell, sizeof(*cell) * (size_t)cap * (size_t)t->ncols);
		char **note;

		if (!cell)
			return NULL;
		t->cell = cell;
		note = realloc(t->note, sizeof(*note) * (size_t)cap);
		if (!note)
			return NULL;
		t->note = note;
		t->cap = cap;
	}
	memset(&t->cell[(size_t)t->nrows * (size_t)t->ncols], 0,
	       sizeof(*t->cell) * (size_t)t->ncols);
	t->note[t->nrows] = NULL;
	return &t->cell[(size_t)t->nrows++ * (size_t)t->ncols];
}

void ovlctl_table_print(const struct ovlctl_table *t, const char *indent, FILE *out)
{
	size_t w[OVLCTL_MAX_COLS];

	if (!t->nrows)
		return;
	for (int c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->hdr[c]);
		for (int r = 0; r < t->nrows; r++) {
			const char *s = t->cell[r * t->ncols + c];
			size_t n = strlen(s ? s : "-");

			if (n > w[c])
				w[c] = n;
		}
	}
	for (int r = -1; r < t->nrows; r++) {
		fputs(indent, out);
		for (int c = 0; c < t->ncols; c++) {
			const char *s = r < 0 ? t->hdr[c] : t->cell[r * t->ncols + c];
			bool last = c == t->ncols - 1;

			if (!s)
				s = "-";
			if (t->right & (1u << c))
				fprintf(out, "%*s%s", (int)w[c], s, last ? "" : "  ");
			else if (last)
				fputs(s, out);
			else
				fprintf(out, "%-*s  ", (int)w[c], s);
		}
		fputc('\n', out);
		if (r >= 0 && t->note[r])
			fprintf(out, "%s  %s\n", indent, t->note[r]);
	}
}

void ovlctl_table_free(struct ovlctl_table *t)
{
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cell[i]);
	for (int i = 0; i < t->nrows; i++)
		free(t->note[i]);
	free(t->cell);
	free(t->note);
}

/* ---- lists of objects ------------------------------------------------------------ */

struct col {
	const char *hdr;
	const char *key;
	const char *sub; /* a member of key's object, or NULL for key itself */
};

struct list_spec {
	int ncols;
	struct col cols[OVLCTL_MAX_COLS];
	const char *note_key; /* a string member shown under its row when not empty */
};

/* DROPS and PEER_UNKNOWN: frames of the network the data path dropped, and
 * of those the VXLAN from underlay hosts that are no peer of it. */
/* ROUTER: the gateways of its router (property router/gateway), or "-". */
static const struct list_spec overlay_list = {
	9,
	{ { "NAME", "name" },
	  { "VNI", "vni" },
	  { "ENCAP", "encap" },
	  { "SEARCH", "search" },
	  { "ENTRIES", "entries" },
	  { "DROPS", "drops" },
	  { "PEER_UNKNOWN", "peer_unknown" },
	  { "ROUTER", "props", "router/gateway" },
	  { "PROPS", "props" } },
	"error",
};

static const struct list_spec vnic_list = {
	9,
	{ { "NAME", "name" },
	  { "OVERLAY", "overlay" },
	  { "VNI", "vni" },
	  { "MAC", "mac" },
	  { "ADDRS", "addrs" },
	  { "NETNS", "netns" },
	  { "HOST_IF", "host_ifname" },
	  { "IFINDEX", "host_ifindex" },
	  { "MAXBW", "maxbw" } },
	NULL,
};

static const struct list_spec endpoint_list = {
	10,
	{ { "ID", "id" },
	  { "KIND", "kind" },
	  { "NETWORK", "network" },
	  { "OVERLAY", "overlay" },
	  { "VNI", "vni" },
	  { "MAC", "mac" },
	  { "ADDRS", "addrs" },
	  { "HOST_IF", "host_ifname" },
	  { "IFINDEX", "host_ifindex" },
	  { "NETNS", "netns" } },
	NULL,
};

static const struct list_spec fdb_list = {
	6,
	{ { "OVERLAY", "overlay" },
	  { "VNI", "vni" },
	  { "MAC", "mac" },
	  { "UNDERLAY", "ip" },
	  { "PORT", "port" },
	  { "STATIC", "static" } },
	NULL,
};

static const struct list_spec neigh_list = {
	5,
	{ { "OVERLAY", "overlay" },
	  { "VNI", "vni" },
	  { "IP", "ip" },
	  { "MAC", "mac" },
	  { "STATIC", "static" } },
	NULL,
};

/* An array of objects, or one object (map get), as a table. */
static int print_list(const struct list_spec *spec, json_t *result, const char *indent, FILE *out)
{
	struct ovlctl_table t = { .ncols = spec->ncols };
	json_t *e;
	size_t n, i;
	int ret = 0;

	if (json_is_object(result))
		n = 1;
	else if (json_is_array(result))
		n = json_array_size(result);
	else
		return -EPROTO;
	for (int c = 0; c < spec->ncols; c++)
		t.hdr[c] = spec->cols[c].hdr;
	for (i = 0; i < n; i++) {
		const char *note;
		char **row;

		e = json_is_array(result) ? json_array_get(result, i) : result;
		if (!json_is_object(e)) {
			ret = -EPROTO;
			goto out;
		}
		row = ovlctl_table_row(&t);
		if (!row) {
			ret = -ENOMEM;
			goto out;
		}
		for (int c = 0; c < spec->ncols; c++) {
			json_t *v = json_object_get(e, spec->cols[c].key);

			if (spec->cols[c].sub)
				v = json_object_get(v, spec->cols[c].sub);
			row[c] = ovlctl_val_str(v);
			if (!row[c]) {
				ret = -ENOMEM;
				goto out;
			}
		}
		note = spec->note_key ? json_string_value(json_object_get(e, spec->note_key)) :
					NULL;
		if (note && *note &&
		    asprintf(&t.note[t.nrows - 1], "%s: %s", spec->note_key, note) < 0) {
			t.note[t.nrows - 1] = NULL;
			ret = -ENOMEM;
			goto out;
		}
	}
	ovlctl_table_print(&t, indent, out);
out:
	ovlctl_table_free(&t);
	return ret;
}

int ovlctl_print_none(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	(void)inv;
	(void)result;
	(void)out;
	return 0;
}

int ovlctl_print_overlays(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	(void)inv;
	return print_list(&overlay_list, result, "", out);
}

int ovlctl_print_vnics(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	(void)inv;
	return print_list(&vnic_list, result, "", out);
}

int ovlctl_print_endpoints(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	(void)inv;
	return print_list(&endpoint_list, result, "", out);
}

int ovlctl_print_fdb(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	(void)inv;
	return print_list(&fdb_list, result, "", out);
}

int ovlctl_print_neighs(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	(void)inv;
	return print_list(&neigh_list, result, "", out);
}

int ovlctl_print_reload(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	json_t *names = json_object_get(result, "reloaded"), *e;
	size_t i;

	(void)inv;
	if (!json_is_array(names))
		return -EPROTO;
	json_array_foreach(names, i, e) {
		if (!json_is_string(e))
			return -EPROTO;
		fprintf(out, "reloaded %s\n", json_string_value(e));
	}
	return 0;
}

/* backend list: one row per backend and its properties, then the common ones. */
int ovlctl_print_backends(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	struct ovlctl_table t = { .ncols = 4, .hdr = { "BACKEND", "MODE", "PROPERTY", "HELP" } };
	json_t *bs = json_object_get(result, "backends"),
	       *common = json_object_get(result, "common");
	json_t *b, *p;
	size_t i, j;
	int ret = 0;

	(void)inv;
	if (!json_is_array(bs) || !json_is_array(common))
		return -EPROTO;
	for (i = 0; i <= json_array_size(bs) && !ret; i++) {
		b = i < json_array_size(bs) ? json_array_get(bs, i) : NULL;
		json_array_foreach(b ? json_object_get(b, "props") : common, j, p) {
			char **row = ovlctl_table_row(&t), prop[128];

			if (!row) {
				ret = -ENOMEM;
				break;
			}
			snprintf(prop, sizeof(prop), "%s=%s%s",
				 json_string_value(json_object_get(p, "name")) ?: "?",
				 json_string_value(json_object_get(p, "arg")) ?: "?",
				 json_is_true(json_object_get(p, "required")) ? " (required)" : "");
			row[0] = strdup(!j ? b ?
					     json_string_value(json_object_get(b, "name")) ?: "?" :
					     "(every)" :
					     "");
			row[1] = strdup(
				!j && b ? json_string_value(json_object_get(b, "mode")) ?: "" : "");
			row[2] = strdup(prop);
			row[3] = strdup(json_string_value(json_object_get(p, "help")) ?: "");
		}
	}
	if (!ret)
		ovlctl_table_print(&t, "", out);
	ovlctl_table_free(&t);
	return ret;
}
