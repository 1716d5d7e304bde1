// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pins.c - the pin directory of an instance: whether it can be trusted, the
 * ABI marker beside the maps, and the migration of maps whose layout changed.
 *
 * Trust. The pins are the data path: whoever can put a name into the
 * directory chooses the maps ovld adopts and writes its configuration into.
 * The path is judged as OpenSSH's StrictModes judges a key file's, by the
 * rule hosts.json is judged by (lib/safeopen.h): every directory from / down
 * to the bpffs is root's and writable by nobody else, except a sticky one (a
 * bpffs mounted with its default mode 1777, like /tmp), where only a
 * root-owned entry counts; the instance directory is root's and writable by
 * nobody else (ovld makes it 0700), and not a symbolic link; every entry in
 * it is a pin (no symbolic link, no directory), root's, with no second name.
 *
 * The marker. An empty array map pinned as OVL_PIN_ABI_MARKER<version>
 * ("ovl_abi_v2") says which layout the pinned maps have; pins with no marker
 * are of ABI 1, which had none. A marker newer than this ovld's ABI stops
 * it: it cannot know those layouts.
 *
 * Migration (pins of an older ABI). Before loading, every pinned map is
 * compared with the object's: type, key and value size, max_entries, flags.
 * The same shape is reused as on every restart; another shape gets a new
 * map, not pinned yet, into which the old one's entries are copied where
 * the layout allows (same key and value size: every entry, or every slot
 * that both arrays have). The programs are loaded against the new maps and
 * replace the attached ones atomically as on every start (main.c: decap,
 * then each restored endpoint). Only then pins_commit() adds to the counters
 * what the old programs counted meanwhile, pins each new map over the old
 * name (pinned beside it, then renamed: the name always holds one of the
 * two) and pins the marker last. A crash before the marker leaves old or
 * mixed pins without it, and the next start migrates what is still old.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "safeopen.h"
#include "log.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#define MIG_MAX 32 /* maps of the object */
#define ABI_NOW ((__u32)OVL_ABI_VERSION)

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

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Make sure a bpffs is mounted at dir (mounting one, mode 0700, if not). */
static int bpffs_ensure(const char *dir)
{
	struct statfs st;
	int err;

	if (!statfs(dir, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	err = mkdir_p(dir, 0700);
	if (err) {
		pr_err("create %s: %s", dir, strerror(-err));
		return err;
	}
	if (mount("bpf", dir, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700")) {
		err = -errno;
		pr_err("mount bpffs on %s: %s", dir, strerror(-err));
		return err;
	}
	pr_info("mounted a bpffs on %s (pins made under `ip netns exec` stay private to "
		"that mount namespace unless %s was mounted before it started)",
		dir, dir);
	return 0;
}

/* Why the entry name of the pin directory is not to be trusted, or NULL. */
static const char *pin_untrusted(int dirfd, const char *name, struct stat *st)
{
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW))
		return "cannot be looked at";
	if (S_ISLNK(st->st_mode))
		return "is a symbolic link";
	if (!S_ISREG(st->st_mode))
		return "is not a pin (ovld pins maps and programs only)";
	if (st->st_uid != 0)
		return "is not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "is writable by group or others";
	if (st->st_nlink != 1)
		return "has another name (a hard link)";
	return NULL;
}

/* The version of a marker name ("ovl_abi_v2" -> 2), or 0. */
static __u32 marker_version(const char *name)
{
	size_t n = strlen(OVL_PIN_ABI_MARKER);
	char *end;
	unsigned long v;

	if (strncmp(name, OVL_PIN_ABI_MARKER, n) || name[n] < '1' || name[n] > '9')
		return 0;
	v = strtoul(name + n, &end, 10);
	return *end || v > 1000000 ? 0 : (__u32)v;
}

/*
 * Judge every entry of the pin directory; note the highest marker and
 * whether anything else is pinned. Return: 0 or -EPERM (logged).
 */
static int pins_scan(struct ovld *d, int dirfd)
{
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0; /* own offset */

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	d->pins_abi = 0;
	d->pins_any = false;
	while (!err && (e = readdir(dir))) {
		const char *bad;
		__u32 v;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		bad = pin_untrusted(dirfd, e->d_name, &st);
		if (bad) {
			pr_err("pin %s/%s %s (owner uid %u, mode %04o): ovld adopts only pins it "
			       "made itself; find out who made it, remove it (rm %s/%s) and start "
			       "again",
			       d->pin_dir, e->d_name, bad, (unsigned int)st.st_uid,
			       (unsigned int)(st.st_mode & 07777), d->pin_dir, e->d_name);
			err = -EPERM;
			break;
		}
		v = marker_version(e->d_name);
		if (v > d->pins_abi)
			d->pins_abi = v;
		else if (!v)
			d->pins_any = true;
	}
	closedir(dir);
	return err;
}

/* The id of the map pinned as name in the pin directory, or 0. */
static __u32 pinned_map_id(struct ovld *d, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", d->pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

int pins_open(struct ovld *d, bool create)
{
	char real[PATH_MAX], why[PATH_MAX + 128];
	struct statfs sfs;
	struct stat st;
	const char *inst = d->o.instance;
	int root, fd, err;

	if (create) {
		err = bpffs_ensure(d->o.bpffs);
		if (err)
			return err;
	} else if (statfs(d->o.bpffs, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		return -ENOENT; /* nothing was ever pinned there */
	}
	if (!realpath(d->o.bpffs, real)) {
		err = -errno;
		pr_err("bpffs %s: %s", d->o.bpffs, strerror(-err));
		return err;
	}
	if (snprintf(d->pin_dir, sizeof(d->pin_dir), "%s/%s", real, inst) >=
	    (int)sizeof(d->pin_dir))
		return -ENAMETOOLONG;
	root = ovl_open_trusted_dir(d->o.bpffs, 0, why, sizeof(why));
	if (root < 0) {
		pr_err("pins of instance %s: %s: anyone who can change it can replace the pins; "
		       "use a bpffs only root can write (mount -t bpf -o mode=0700 bpf %s)",
		       inst, why, real);
		return root;
	}
	if (fstatfs(root, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		close(root);
		pr_err("%s is not a bpffs", real);
		return -EINVAL;
	}
	if (!fstat(root, &st) && (st.st_mode & (S_IWGRP | S_IWOTH)))
		pr_warn("bpffs %s is writable by others (mode %04o): pins are safe only in "
			"root's own directories there; mount it with mode=0700",
			real, (unsigned int)(st.st_mode & 07777));
	fd = openat(root, inst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(root, inst, 0700) && errno != EEXIST) {
			err = -errno;
			close(root);
			pr_err("create pin directory %s: %s", d->pin_dir, strerror(-err));
			return err;
		}
		fd = openat(root, inst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT) {
			close(root);
			return err;
		}
		if (!fstatat(root, inst, &st, AT_SYMLINK_NOFOLLOW) && !S_ISDIR(st.st_mode))
			pr_err("pin directory %s is %s (owner uid %u): ovld pins only into a "
			       "directory it made itself; find out who made it, remove it (rm %s) "
			       "and start again",
			       d->pin_dir,
			       S_ISLNK(st.st_mode) ? "a symbolic link" : "not a directory",
			       (unsigned int)st.st_uid, d->pin_dir);
		else
			pr_err("open pin directory %s: %s", d->pin_dir, strerror(-err));
		close(root);
		return err == -ELOOP || err == -ENOTDIR ? -EPERM : err;
	}
	close(root);
	if (fstat(fd, &st) || fstatfs(fd, &sfs)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) || sfs.f_type != BPF_FS_MAGIC) {
		pr_err("pin directory %s %s (owner uid %u, mode %04o): ovld pins only into a "
		       "directory only root can change; find out who made it, remove it (rm -r "
		       "%s) and start again",
		       d->pin_dir,
		       st.st_uid			? "is not owned by root" :
		       st.st_mode & (S_IWGRP | S_IWOTH) ? "is writable by group or others" :
							  "is another file system than its bpffs",
		       (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777), d->pin_dir);
		close(fd);
		return -EPERM;
	}
	if ((st.st_mode & 07777) != 0700 && fchmod(fd, 0700))
		pr_warn("chmod 0700 %s: %s", d->pin_dir, strerror(errno));
	err = pins_scan(d, fd);
	if (err) {
		close(fd);
		return err;
	}
	d->cfg_ids[0] = pinned_map_id(d, OVL_MAP_CONFIG);
	return fd;
}

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
			if (have)
				json_array_append_new(ps->created, json_string(name));
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
 * Copy the entries of a pinned map into its replacement, where the layout
 * allows: the same key and value size, both arrays or both hashes, both
 * per-CPU or neither. Return: entries copied, -EOPNOTSUPP when the layout
 * does not allow it, or -errno.
 */
static long map_copy(struct pin_mig *m, const struct bpf_map_info *ni)
{
	const struct bpf_map_info *oi = &m->old;
	size_t vlen = value_bytes(oi->type, oi->value_size);
	void *key = NULL, *next = NULL, *val = NULL;
	long copied = 0;
	int err = 0;

	if (oi->key_size != ni->key_size || oi->value_size != ni->value_size ||
	    type_is_percpu(oi->type) != type_is_percpu(ni->type) || !vlen ||
	    !((type_is_array(oi->type) && type_is_array(ni->type)) ||
	      (type_is_hash(oi->type) && type_is_hash(ni->type))))
		return -EOPNOTSUPP;
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

static int marker_write(struct ovld *d)
{
	char name[BPF_OBJ_NAME_LEN], path[PATH_MAX];
	int fd, err;

	snprintf(name, sizeof(name), "%s%u", OVL_PIN_ABI_MARKER, ABI_NOW);
	snprintf(path, sizeof(path), "%s/%s", d->pin_dir, name);
	if (!access(path, F_OK))
		return 0;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, 4, 1, NULL);
	if (fd < 0) {
		pr_err("create the ABI marker %s: %s", name, strerror(-fd));
		return fd;
	}
	err = bpf_obj_pin(fd, path);
	close(fd);
	if (err) {
		pr_err("pin the ABI marker %s: %s", path, strerror(-err));
		return err;
	}
	/* Older markers go after the new one is there: the highest counts. */
	for (__u32 v = 1; v < OVL_ABI_VERSION; v++) {
		snprintf(path, sizeof(path), "%s/%s%u", d->pin_dir, OVL_PIN_ABI_MARKER, v);
		unlink(path);
	}
	d->pins_abi = OVL_ABI_VERSION;
	return 0;
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
	err = marker_write(d);
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

void pins_close(struct ovld *d)
{
	struct pin_state *ps = d->pins;

	pins_close_old(ps);
	if (ps)
		json_decref(ps->created);
	free(ps);
	d->pins = NULL;
	if (d->pin_fd >= 0)
		close(d->pin_fd);
	d->pin_fd = -1;
}
