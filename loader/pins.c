// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pins.c - the pin directory of an instance: whether it can be trusted, and
 * the ABI marker beside the maps. Maps whose layout changed are migrated by
 * pins_migrate.c.
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
#include "ovld.h"
#include "safeopen.h"
#include "log.h"
#include "pins.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

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

int pins_marker_write(struct ovld *d)
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

/* Close the pin directory (what migration kept is pins_migrate_free()'s). */
void pins_close_dir(struct ovld *d)
{
	if (d->pin_fd >= 0)
		close(d->pin_fd);
	d->pin_fd = -1;
}
