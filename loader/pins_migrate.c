// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pins_migrate.c - the migration of pinned maps whose layout changed, and
 * pins_commit(), which pins its result and the ABI marker. The pin
 * directory and the marker itself are pins.c's.
 *
 * Migration (pins of an older ABI). Before loading, every pinned map is
 * compared with the object's: type, key and value size, max_entries, flags.
 * The same shape is reused as on every restart; another shape gets a new
 * map, not pinned yet, into which the old one's entries are copied where
 * the layout allows (same key and value size, or a value that only grew at
 * its end, as ovl_ifaces did in ABI 4 and 5, ovl_vnis in 5 and ovl_peers
 * in 6: every entry;
 * every slot that both arrays have). The programs are loaded against the
 * new maps and replace the attached ones atomically as on every start
 * (main.c: decap, then each restored endpoint). Only then pins_commit()
 * adds to the counters what the old programs counted meanwhile, pins each
 * new map over the old name (pinned beside it, then renamed: the name
 * always holds one of the two) and pins the marker last. A crash before the marker leaves old or
 * mixed pins without it, and the next start migrates what is still old.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "log.h"
#include "pins.h"

#define MIG_MAX 32 /* maps of the object */

/* A pinned map of another shape, replaced by a new one. */
struct pin_mig {
	char name[BPF_OBJ_NAME_LEN];
	int old_fd;
	struct bpf_map_info old; /* shape of the pinned map */
	int new_fd;		 /* the object's map (not ours to close) */
	long copied;		 /* entries copied, or -errno (-EOPNOTSUPP: layout differs) */
	void *snap;		 /* ovl_stats: the old counters when they were copied */
	size_t snap_len;
};

struct pin_state {
	struct pin_mig mig[MIG_MAX];
	int nmig;
	json_t *created; /* maps that had no pin: names */
};

/* The layout version of what is pinned: the marker's, 1 for pins without
 * one, 0 for none. */
static __u32 pins_version(const struct ovld *d)
{
	return d->pins_abi ? d->pins_abi : d->pins_any ? 1 : 0;
}

static void shape_str(__u32 type, __u32 key, __u32 value, __u32 max, __u32 flags, char *buf,
		      size_t len)
{
	const char *t = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	snprintf(buf, len, "%s key %u value %u entries %u flags %#x", t ? t : "?", key, value, max,
		 flags);
}

/*
 * Before loading: check the marker, and give every map of the object its
 * pin path, unless its pin has another shape (then it is migrated, and
 * pinned by pins_commit()).
 */
int pins_prepare(struct ovld *d)
{
	__u32 have = pins_version(d);
	struct pin_state *ps;
	struct bpf_map *map;
	char path[PATH_MAX];
	int err;

	if (have > OVL_ABI_VERSION) {
		pr_err("the pins in %s are of ABI %u, newer than this ovld's (ABI %u): a newer "
		       "ovld made them and this one cannot read their layout; run that ovld (or "
		       "a newer one) for instance %s, or remove the instance, at the cost of its "
		       "learned entries and counters and a traffic outage, with `ovld --instance "
		       "%s --cleanup` before starting this one",
		       d->pin_dir, have, ABI_NOW, d->o.instance, d->o.instance);
		return -EPROTO;
	}
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	d->pins = ps;
	ps->created = json_array();
	if (have && have < OVL_ABI_VERSION)
		d->migrated_from = have;
	bpf_object__for_each_map(map, d->skel->obj)
	{
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		const char *name = bpf_map__name(map);
		char want[128], got[128];
		int fd;

		if (bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d->pin_dir, name);
		fd = bpf_obj_get(path);
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
			if (fd >= 0)
				close(fd);
			/* a map this ovld has and the pins' ovld had not (the
			 * same ABI gains maps, it never changes one): libbpf
			 * creates it and pins it beside the others */
			if (have) {
				json_array_append_new(ps->created, json_string(name));
				pr_info("pinned map %s: none yet, created", name);
			}
			goto pin;
		}
		if (info.type == bpf_map__type(map) && info.key_size == bpf_map__key_size(map) &&
		    info.value_size == bpf_map__value_size(map) &&
		    info.max_entries == bpf_map__max_entries(map) &&
		    info.map_flags == bpf_map__map_flags(map)) {
			close(fd);
			goto pin; /* the same shape: libbpf reuses it */
		}
		shape_str(info.type, info.key_size, info.value_size, info.max_entries,
			  info.map_flags, got, sizeof(got));
		shape_str(bpf_map__type(map), bpf_map__key_size(map), bpf_map__value_size(map),
			  bpf_map__max_entries(map), bpf_map__map_flags(map), want, sizeof(want));
		if (have == OVL_ABI_VERSION || ps->nmig == MIG_MAX) { /* MIG_MAX: never */
			close(fd);
			pr_err("pinned map %s is %s, but ABI %u has it %s: the pins say ABI %u, "
			       "like this ovld, so one of the two was built without raising the "
			       "ABI version; run the ovld that made the pins, or remove the "
			       "instance with `ovld --instance %s --cleanup`",
			       path, got, ABI_NOW, want, have, d->o.instance);
			return -EINVAL;
		}
		pr_info("pinned map %s: %s, ABI %u has %s: migrating it", name, got, ABI_NOW, want);
		snprintf(ps->mig[ps->nmig].name, sizeof(ps->mig[0].name), "%s", name);
		ps->mig[ps->nmig].old_fd = fd;
		ps->mig[ps->nmig].old = info;
		ps->mig[ps->nmig].new_fd = -1;
		ps->nmig++;
		continue;
pin:
		err = bpf_map__set_pin_path(map, path);
		if (err) {
			pr_err("pin path %s: %s", path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static bool type_is_percpu(__u32 t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool type_is_array(__u32 t)
{
	return t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static bool type_is_hash(__u32 t)
{
	return t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
	       t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* Bytes of one lookup's value: per-CPU maps give one 8-aligned value per
 * possible CPU. */
static size_t value_bytes(__u32 type, __u32 value_size)
{
	int ncpu = libbpf_num_possible_cpus();

	if (!type_is_percpu(type))
		return value_size;
	return ncpu < 1 ? 0 : (size_t)((value_size + 7) & ~7u) * (size_t)ncpu;
}

/*
 * Whether the value of map name only grew at its end from old_size bytes:
 * the old bytes mean what they meant, and the new ones zero mean what the
 * old ABI did (ovl_abi.h says so of each). Only plain hash maps.
 */
static bool value_grew_at_end(const char *name, __u32 old_size, __u32 new_size)
{
	if (new_size <= old_size)
		return false;
	if (!strcmp(name, OVL_MAP_IFACES))
		return old_size == OVL_IFACE_ABI3_SIZE || old_size == OVL_IFACE_ABI4_SIZE;
	if (!strcmp(name, OVL_MAP_PEERS))
		return old_size == OVL_PEER_ABI5_SIZE;
	return !strcmp(name, OVL_MAP_VNIS) && old_size == OVL_VNI_ABI4_SIZE;
}

/*
 * Copy the entries of a pinned map into its replacement, where the layout
 * allows: the same key and value size (or a value that grew at its end,
 * value_grew_at_end(): zero behind the old bytes), both arrays or both
 * hashes, both per-CPU or neither. Return: entries copied, -EOPNOTSUPP when
 * the layout does not allow it, or -errno.
 */
static long map_copy(struct pin_mig *m, const struct bpf_map_info *ni)
{
	const struct bpf_map_info *oi = &m->old;
	bool grew = oi->type == BPF_MAP_TYPE_HASH && ni->type == BPF_MAP_TYPE_HASH &&
		    value_grew_at_end(m->name, oi->value_size, ni->value_size);
	size_t vlen = value_bytes(oi->type, oi->value_size);
	void *key = NULL, *next = NULL, *val = NULL;
	long copied = 0;
	int err = 0;

	if (oi->key_size != ni->key_size || (oi->value_size != ni->value_size && !grew) ||
	    type_is_percpu(oi->type) != type_is_percpu(ni->type) || !vlen ||
	    !((type_is_array(oi->type) && type_is_array(ni->type)) ||
	      (type_is_hash(oi->type) && type_is_hash(ni->type))))
		return -EOPNOTSUPP;
	if (grew)
		vlen = ni->value_size; /* read into the front, zero behind */
	key = calloc(1, oi->key_size);
	next = calloc(1, oi->key_size);
	val = calloc(1, vlen);
	if (!key || !next || !val) {
		err = -ENOMEM;
		goto out;
	}
	if (type_is_array(oi->type)) {
		__u32 n = oi->max_entries < ni->max_entries ? oi->max_entries : ni->max_entries;

		/* ovl_stats: keep the counters as copied; pins_commit() adds
		 * what the old programs count until they are replaced. */
		if (!strcmp(m->name, OVL_MAP_STATS)) {
			m->snap_len = (size_t)n * vlen;
			m->snap = calloc(1, m->snap_len);
		}
		for (__u32 i = 0; i < n && !err; i++) {
			err = bpf_map_lookup_elem(m->old_fd, &i, val);
			if (!err)
				err = bpf_map_update_elem(m->new_fd, &i, val, BPF_ANY);
			if (!err && m->snap)
				memcpy((char *)m->snap + i * vlen, val, vlen);
			copied += !err;
		}
		goto out;
	}
	/* Bounded: a key deleted under the walk restarts it from the first. */
	for (__u64 n = 0, max = 2ull * oi->max_entries + 2; !err && n < max; n++) {
		err = bpf_map_get_next_key(m->old_fd, n ? key : NULL, next);
		if (err) {
			err = err == -ENOENT ? 0 : err;
			break;
		}
		memcpy(key, next, oi->key_size);
		memset(val, 0, vlen);
		if (bpf_map_lookup_elem(m->old_fd, key, val))
			continue; /* deleted meanwhile */
		err = bpf_map_update_elem(m->new_fd, key, val, BPF_ANY);
		copied += !err;
	}
out:
	free(key);
	free(next);
	free(val);
	return err ? err : copied;
}

/* After loading: copy what can be copied into the migrated maps. */
int pins_migrate_copy(struct ovld *d)
{
	struct pin_state *ps = d->pins;

	for (int i = 0; ps && i < ps->nmig; i++) {
		struct pin_mig *m = &ps->mig[i];
		struct bpf_map *map = bpf_object__find_map_by_name(d->skel->obj, m->name);
		struct bpf_map_info ni = {};
		__u32 len = sizeof(ni);

		m->new_fd = map ? bpf_map__fd(map) : -1;
		if (m->new_fd < 0 || bpf_obj_get_info_by_fd(m->new_fd, &ni, &len))
			return -ENOENT;
		m->copied = map_copy(m, &ni);
		if (m->copied >= 0)
			pr_info("migrated map %s: %ld entries copied", m->name, m->copied);
		else if (m->copied == -EOPNOTSUPP)
			pr_info("migrated map %s: layout changed, entries not copied (ovld "
				"writes them again)",
				m->name);
		else
			pr_warn("migrated map %s: copy failed after some entries: %s", m->name,
				strerror((int)-m->copied));
	}
	return 0;
}

/* ovl_stats: add to each new counter what the old program counted since the
 * copy (per CPU; the old programs are all replaced by now). A frame counted
 * by a new program between the read and the write below is lost from the
 * counters: a window of microseconds. */
static void stats_catch_up(struct pin_mig *m)
{
	size_t vlen = value_bytes(m->old.type, m->old.value_size);
	__u64 *now = vlen ? calloc(1, vlen) : NULL, *cur = vlen ? calloc(1, vlen) : NULL;
	__u32 n = vlen ? (__u32)(m->snap_len / vlen) : 0;

	for (__u32 i = 0; now && cur && i < n; i++) {
		const __u64 *then = (const __u64 *)((char *)m->snap + i * vlen);
		bool moved = false;

		if (bpf_map_lookup_elem(m->old_fd, &i, now) ||
		    bpf_map_lookup_elem(m->new_fd, &i, cur))
			continue;
		for (size_t w = 0; w < vlen / sizeof(__u64); w++) {
			moved |= now[w] != then[w];
			cur[w] += now[w] - then[w];
		}
		if (moved)
			bpf_map_update_elem(m->new_fd, &i, cur, BPF_ANY);
	}
	free(now);
	free(cur);
}

/* Let the old maps go (the old programs that held them are replaced). */
static void pins_close_old(struct pin_state *ps)
{
	for (int i = 0; ps && i < ps->nmig; i++) {
		if (ps->mig[i].old_fd >= 0)
			close(ps->mig[i].old_fd);
		ps->mig[i].old_fd = -1;
		free(ps->mig[i].snap);
		ps->mig[i].snap = NULL;
	}
}

int pins_commit(struct ovld *d)
{
	struct pin_state *ps = d->pins;
	char path[PATH_MAX], tmp[PATH_MAX];
	int err;

	for (int i = 0; ps && i < ps->nmig; i++) {
		struct pin_mig *m = &ps->mig[i];

		if (m->snap)
			stats_catch_up(m);
		snprintf(path, sizeof(path), "%s/%s", d->pin_dir, m->name);
		snprintf(tmp, sizeof(tmp), "%s/%s_abi%u", d->pin_dir, m->name, ABI_NOW);
		unlink(tmp);
		err = bpf_obj_pin(m->new_fd, tmp);
		if (!err && rename(tmp, path))
			err = -errno;
		if (err) {
			pr_err("pin the migrated map %s: %s (the old pins stay; the next start "
			       "migrates again)",
			       path, strerror(-err));
			unlink(tmp);
			return err;
		}
	}
	err = pins_marker_write(d);
	if (!err && ps && ps->nmig) {
		char names[MIG_MAX * BPF_OBJ_NAME_LEN] = "";

		for (int i = 0; i < ps->nmig; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", ps->mig[i].name);
		pr_info("pins of instance %s migrated from ABI %u to %u: %s replaced, marker "
			"%s%u pinned",
			d->o.instance, d->migrated_from, ABI_NOW, names, OVL_PIN_ABI_MARKER,
			ABI_NOW);
	}
	pins_close_old(ps);
	return err;
}

json_t *pins_status(const struct ovld *d)
{
	const struct pin_state *ps = d->pins;
	json_t *maps;

	if (!ps || !d->migrated_from)
		return json_null();
	maps = json_array();
	for (int i = 0; i < ps->nmig; i++) {
		const struct pin_mig *m = &ps->mig[i];

		json_array_append_new(maps, json_pack("{s:s, s:s, s:I}", "name", m->name, "how",
						      m->copied >= 0	       ? "copied" :
						      m->copied == -EOPNOTSUPP ? "rewritten" :
										 "failed",
						      "entries",
						      (json_int_t)(m->copied > 0 ? m->copied : 0)));
	}
	return json_pack("{s:i, s:i, s:o, s:O}", "from_abi", (json_int_t)d->migrated_from, "to_abi",
			 (json_int_t)OVL_ABI_VERSION, "maps", maps, "created", ps->created);
}

/* Close the old maps and free what was migrated (d->pins). */
static void pins_migrate_free(struct ovld *d)
{
	struct pin_state *ps = d->pins;

	pins_close_old(ps);
	if (ps)
		json_decref(ps->created);
	free(ps);
	d->pins = NULL;
}

void pins_close(struct ovld *d)
{
	pins_migrate_free(d);
	pins_close_dir(d);
}
