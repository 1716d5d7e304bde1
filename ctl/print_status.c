// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * print_status.c - ovlctl's human output of ovld's own state: the status
 * report, the stats counters and the monitor's event lines. The tables
 * and the value-to-text rules are print.c's (print.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ovl_abi.h"
#include "names.h"
#include "ovlctl.h"
#include "print.h"

#define ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- stats --------------------------------------------------------------------- */

static int stat_row(struct ovlctl_table *t, const char *name, json_t *c, bool all)
{
	json_t *p = json_object_get(c, "packets"), *b = json_object_get(c, "bytes");
	char **row;

	if (!json_is_integer(p) || !json_is_integer(b))
		return -EPROTO;
	if (!all && json_integer_value(p) == 0 && json_integer_value(b) == 0)
		return 0;
	row = ovlctl_table_row(t);
	if (!row)
		return -ENOMEM;
	row[0] = strdup(name);
	row[1] = ovlctl_val_str(p);
	row[2] = ovlctl_val_str(b);
	return row[0] && row[1] && row[2] ? 0 : -ENOMEM;
}

static bool stat_known(const char *name)
{
	for (__u32 id = 0; id < OVL_STAT_MAX; id++)
		if (strcmp(ovl_stat_name(id), name) == 0)
			return true;
	for (__u32 id = 0; id < OVL_VSTAT_MAX; id++)
		if (strcmp(ovl_vstat_name(id), name) == 0)
			return true;
	return false;
}

/* The order of an overlay's counters: forwarding first, then drops. */
static const __u32 vstat_order[] = { OVL_VSTAT_ENCAP, OVL_VSTAT_DECAP, OVL_VSTAT_LOCAL,
				     OVL_VSTAT_DROP, OVL_VSTAT_PEER_UNKNOWN };

/* Known counters in ovl_abi.h's order, then any a newer ovld added. */
int ovlctl_print_stats(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	struct ovlctl_table t = { .ncols = 3,
				  .hdr = { "COUNTER", "PACKETS", "BYTES" },
				  .right = 6 };
	json_t *counters = json_object_get(result, "counters"), *c;
	bool all = inv && inv->all;
	const char *name;
	int ret = 0;

	if (!json_is_object(counters))
		return -EPROTO;
	if (json_is_string(json_object_get(result, "overlay"))) {
		fprintf(out, "overlay %s vni %lld\n",
			json_string_value(json_object_get(result, "overlay")),
			(long long)json_integer_value(json_object_get(result, "vni")));
		for (int i = 0; i < ARRAY_SIZE(vstat_order) && !ret; i++) {
			name = ovl_vstat_name(vstat_order[i]);
			c = json_object_get(counters, name);
			if (c)
				ret = stat_row(&t, name, c, all);
		}
	}
	for (__u32 id = 0; id < OVL_STAT_MAX && !ret; id++) {
		name = ovl_stat_name(id);
		c = json_object_get(counters, name);
		if (c)
			ret = stat_row(&t, name, c, all);
	}
	json_object_foreach(counters, name, c) {
		if (ret)
			break;
		if (!stat_known(name))
			ret = stat_row(&t, name, c, all);
	}
	if (!ret)
		ovlctl_table_print(&t, "", out);
	ovlctl_table_free(&t);
	return ret;
}

/* ---- status -------------------------------------------------------------------- */

/* "key value" lines, the values in one column. */
static void kv(FILE *out, const char *key, const char *val)
{
	fprintf(out, "%-11s%s\n", key, val);
}

/* " name VALUE" for each present member, into buf. */
static void members(json_t *obj, const char *const *keys, const char *const *labels, int n,
		    char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		json_t *v = json_object_get(obj, keys[i]);
		char *s;
		size_t used = strlen(buf);

		if (!v)
			continue;
		s = ovlctl_val_str(v);
		snprintf(buf + used, len - used, "%s%s%s%s", used ? ", " : "", labels[i],
			 *labels[i] ? " " : "", s ? s : "?");
		free(s);
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

static int status_programs(json_t *progs, FILE *out)
{
	struct ovlctl_table t = { .ncols = 3, .hdr = { "PROGRAM", "ID", "ATTACHED" } };
	json_t *e;
	size_t i;
	int ret = 0;

	if (!json_is_array(progs))
		return progs ? -EPROTO : 0;
	json_array_foreach(progs, i, e) {
		char **row = ovlctl_table_row(&t);

		if (!row) {
			ret = -ENOMEM;
			break;
		}
		row[0] = ovlctl_val_str(json_object_get(e, "name"));
		row[1] = ovlctl_val_str(json_object_get(e, "id"));
		row[2] = ovlctl_val_str(json_object_get(e, "attached"));
	}
	if (!ret && t.nrows) {
		fputc('\n', out);
		ovlctl_table_print(&t, "", out);
	}
	ovlctl_table_free(&t);
	return ret;
}

static int status_maps(json_t *maps, FILE *out)
{
	struct ovlctl_table t = { .ncols = 4,
				  .hdr = { "MAP", "ENTRIES", "MAX", "FILL" },
				  .right = 14 };
	const char *name;
	json_t *m;
	int ret = 0;

	if (!json_is_object(maps))
		return maps ? -EPROTO : 0;
	json_object_foreach(maps, name, m) {
		json_int_t n = json_integer_value(json_object_get(m, "entries"));
		json_int_t max = json_integer_value(json_object_get(m, "max"));
		char **row = ovlctl_table_row(&t);

		if (!row) {
			ret = -ENOMEM;
			break;
		}
		row[0] = strdup(name);
		row[1] = ovlctl_val_str(json_object_get(m, "entries"));
		row[2] = ovlctl_val_str(json_object_get(m, "max"));
		if (max > 0 && asprintf(&row[3], "%.1f%%", 100.0 * (double)n / (double)max) < 0)
			row[3] = NULL;
	}
	if (!ret && t.nrows) {
		fputc('\n', out);
		ovlctl_table_print(&t, "", out);
	}
	ovlctl_table_free(&t);
	return ret;
}

/* "migrated   from ABI 1 to 2: ovl_stats (23 entries copied), ovl_config
 * (rewritten); new: ovl_vni_stats", when this start migrated the pins. */
static void print_migrated(json_t *mig, FILE *out)
{
	char buf[1024];
	size_t n = 0;
	json_t *m;
	size_t i;

	if (!json_is_object(mig))
		return;
	n += (size_t)snprintf(buf, sizeof(buf), "from ABI %lld to %lld:",
			      (long long)json_integer_value(json_object_get(mig, "from_abi")),
			      (long long)json_integer_value(json_object_get(mig, "to_abi")));
	json_array_foreach(json_object_get(mig, "maps"), i, m) {
		const char *how = json_string_value(json_object_get(m, "how")) ?: "?";

		if (n >= sizeof(buf))
			break;
		if (!strcmp(how, "copied"))
			n += (size_t)snprintf(
				buf + n, sizeof(buf) - n, "%s %s (%lld entries copied)",
				i ? "," : "", json_string_value(json_object_get(m, "name")) ?: "?",
				(long long)json_integer_value(json_object_get(m, "entries")));
		else
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %s (%s)", i ? "," : "",
					      json_string_value(json_object_get(m, "name")) ?: "?",
					      how);
	}
	json_array_foreach(json_object_get(mig, "created"), i, m) {
		if (n >= sizeof(buf))
			break;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %s",
				      i ? "," : "; new:", json_string_value(m) ?: "?");
	}
	if (!json_array_size(json_object_get(mig, "maps")) &&
	    !json_array_size(json_object_get(mig, "created")) && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " every map kept its shape");
	kv(out, "migrated", buf);
}

/* "kernel     6.1.0 (minimum 6.1)", then a line for each feature off. */
static void print_kernel(json_t *k, FILE *out)
{
	json_t *f;
	size_t i;
	char *rel, *min;

	if (!json_is_object(k))
		return;
	rel = ovlctl_val_str(json_object_get(k, "release"));
	min = ovlctl_val_str(json_object_get(k, "minimum"));
	fprintf(out, "%-11s%s (minimum %s)\n", "kernel", rel ? rel : "?", min ? min : "?");
	free(rel);
	free(min);
	json_array_foreach(json_object_get(k, "features"), i, f) {
		char *name, *since, *why, *instead;

		if (!json_is_false(json_object_get(f, "on")))
			continue;
		name = ovlctl_val_str(json_object_get(f, "name"));
		since = ovlctl_val_str(json_object_get(f, "since"));
		why = ovlctl_val_str(json_object_get(f, "off_because"));
		instead = ovlctl_val_str(json_object_get(f, "instead"));
		fprintf(out, "%-11s%s off (%s; Linux %s): %s\n", "", name ? name : "?",
			why ? why : "?", since ? since : "?", instead ? instead : "?");
		free(name);
		free(since);
		free(why);
		free(instead);
	}
}

int ovlctl_print_status(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	static const char *const inst_keys[] = { "pid", "version", "abi" };
	static const char *const ul_keys[] = { "ifindex", "local4",   "local6",	    "port",
					       "decap",	  "xdp_mode", "xdp_prog_id" };
	static const char *const ul_labels[] = { "ifindex", "local4", "local6", "port",
						 "decap",   "xdp",    "prog" };
	static const char *const ev_keys[] = { "received",  "lost",	     "misses_unresolved",
					       "delivered", "csum_finished", "csum_invalid",
					       "injected" };
	static const char *const ev_labels[] = { "received",
						 "lost",
						 "unresolved",
						 "first frames delivered",
						 "their checksums finished",
						 "their checksums invalid",
						 "answers injected" };
	json_t *ul, *ov;
	char buf[512], *s;
	int ret;

	if (!json_is_object(result))
		return -EPROTO;
	members(result, inst_keys, inst_keys, ARRAY_SIZE(inst_keys), buf, sizeof(buf));
	s = ovlctl_val_str(json_object_get(result, "instance"));
	fprintf(out, "%-11s%s (%s)\n", "instance", s ? s : "?", buf);
	free(s);
	ul = json_object_get(result, "underlay");
	members(ul, ul_keys, ul_labels, ARRAY_SIZE(ul_keys), buf, sizeof(buf));
	s = ovlctl_val_str(json_object_get(ul, "ifname"));
	fprintf(out, "%-11s%s (%s)\n", "underlay", s ? s : "?", buf);
	free(s);
	s = ovlctl_val_str(json_object_get(result, "pin_dir"));
	kv(out, "pin dir", s ? s : "?");
	free(s);
	s = ovlctl_val_str(json_object_get(result, "state_dir"));
	kv(out, "state dir", s ? s : "?");
	free(s);
	print_migrated(json_object_get(result, "migrated"), out);
	print_kernel(json_object_get(result, "kernel"), out);
	members(json_object_get(result, "events"), ev_keys, ev_labels, ARRAY_SIZE(ev_keys), buf,
		sizeof(buf));
	kv(out, "events", buf);

	ret = status_programs(json_object_get(result, "programs"), out);
	if (!ret)
		ret = status_maps(json_object_get(result, "maps"), out);
	ov = json_object_get(result, "overlays");
	if (!ret && json_array_size(ov)) {
		fputc('\n', out);
		if (json_is_object(json_array_get(ov, 0))) {
			ret = ovlctl_print_overlays(inv, ov, out);
		} else {
			s = ovlctl_val_str(ov);
			kv(out, "overlays", s ? s : "?");
			free(s);
		}
	}
	return ret;
}

/* ---- monitor events ---------------------------------------------------------------- */

/* "2024-05-01T12:00:00.123" for a wall-clock time, else the number as is
 * (ctl.h says "secs", not which clock). */
static void fmt_time(json_t *t, char *buf, size_t len)
{
	double secs = json_number_value(t);
	time_t tt;
	struct tm tm;
	size_t n;

	if (!json_is_number(t)) {
		snprintf(buf, len, "%s", json_is_string(t) ? json_string_value(t) : "-");
		return;
	}
	if (secs < 1e9 || secs > 1e11) {
		snprintf(buf, len, json_is_integer(t) ? "%.0f" : "%.6f", secs);
		return;
	}
	tt = (time_t)secs;
	if (!localtime_r(&tt, &tm) || !(n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm))) {
		snprintf(buf, len, "%.3f", secs);
		return;
	}
	snprintf(buf + n, len - n, ".%03d", (int)((secs - (double)tt) * 1000));
}

static bool needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '=' || *s == '\\' || *s == 0x7f)
			return true;
	return false;
}

static void print_field(const char *key, json_t *v, FILE *out)
{
	char *s = NULL;

	if (strcmp(key, "reason") == 0 && json_is_integer(v)) {
		fprintf(out, " %s=%s", key, ovl_drop_name((__u32)json_integer_value(v)));
		return;
	}
	if (json_is_string(v) && !needs_quotes(json_string_value(v))) {
		fprintf(out, " %s=%s", key, json_string_value(v));
		return;
	}
	if (json_is_string(v) || json_is_object(v) || json_is_array(v))
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	else
		s = ovlctl_val_str(v);
	fprintf(out, " %s=%s", key, s ? s : "?");
	free(s);
}

int ovlctl_print_event(json_t *ev, FILE *out)
{
	static const char *const first[] = { "vni",	 "mac",	    "ip",     "ifname",
					     "endpoint", "ifindex", "reason", "outer_ip" };
	const char *key, *name;
	bool by_name = json_is_string(json_object_get(ev, "ifname"));
	char tbuf[64];
	json_t *v;

	if (!json_is_object(ev))
		return -EPROTO;
	fmt_time(json_object_get(ev, "time"), tbuf, sizeof(tbuf));
	name = json_string_value(json_object_get(ev, "event"));
	fprintf(out, "%s %s", tbuf, name ? name : "?");
	for (int i = 0; i < ARRAY_SIZE(first); i++) {
		/* the interface by name when ovld knows it (-j keeps ifindex) */
		if (by_name && strcmp(first[i], "ifindex") == 0)
			continue;
		v = json_object_get(ev, first[i]);
		if (v)
			print_field(first[i], v, out);
	}
	json_object_foreach(ev, key, v) {
		bool skip = strcmp(key, "time") == 0 || strcmp(key, "event") == 0 ||
			    (by_name && strcmp(key, "ifindex") == 0);

		for (int i = 0; i < ARRAY_SIZE(first) && !skip; i++)
			skip = strcmp(key, first[i]) == 0;
		if (!skip)
			print_field(key, v, out);
	}
	fputc('\n', out);
	return 0;
}
