// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netns.c - see netns.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include "ident.h"
#include "log.h"
#include "netns.h"
#include "safeopen.h"

/* The kind of a namespace NS_GET_NSTYPE answered, for messages. */
static const char *ns_kind(int type)
{
	switch (type) {
	case CLONE_NEWNS:
		return "mount";
	case CLONE_NEWUTS:
		return "uts";
	case CLONE_NEWIPC:
		return "ipc";
	case CLONE_NEWUSER:
		return "user";
	case CLONE_NEWPID:
		return "pid";
	case CLONE_NEWCGROUP:
		return "cgroup";
	case CLONE_NEWTIME:
		return "time";
	default:
		return "unknown";
	}
}

int ovl_netns_open_err(const char *name_or_path, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct statfs sfs;
	int fd, ret, type;

	if (err && errlen)
		err[0] = '\0';
	if (!name_or_path || !*name_or_path) {
		ovl_errf(err, errlen, "no network namespace given");
		return -EINVAL;
	}
	if (name_or_path[0] == '/') {
		snprintf(path, sizeof(path), "%s", name_or_path);
	} else {
		if (!ovl_file_name_valid(name_or_path)) {
			ovl_errf(err, errlen,
				 "\"%s\" is neither a namespace name nor an absolute path",
				 name_or_path);
			return -EINVAL;
		}
		snprintf(path, sizeof(path), "%s/%s", OVL_NETNS_RUN_DIR, name_or_path);
	}
	/* A namespace file (nsfs) is a regular file to stat(): looked at
	 * before it is opened (a FIFO or a device is refused unopened), and
	 * opened without blocking. Links are followed: /proc/PID/ns/net is
	 * one. */
	fd = ovl_open_nonblock(path, "a network namespace", err, errlen);
	if (fd == -ENOENT)
		ovl_errf(err, errlen, "%s: no such network namespace", path);
	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sfs)) {
		ret = -errno;
		close(fd);
		ovl_errf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (sfs.f_type != NSFS_MAGIC) {
		close(fd);
		ovl_errf(err, errlen, "%s: a regular file, not a network namespace", path);
		return -EINVAL;
	}
	/* NS_GET_NSTYPE: Linux 4.11 */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		close(fd);
		ovl_errf(err, errlen,
			 "%s: a namespace of another kind (%s), not a network namespace", path,
			 ns_kind(type));
		return -EINVAL;
	}
	return fd;
}

int ovl_netns_open(const char *name_or_path)
{
	return ovl_netns_open_err(name_or_path, NULL, 0);
}

int ovl_netns_run(int ns_fd, int (*fn)(void *arg), void *arg)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), ret;

	if (self < 0)
		return -errno;
	if (setns(ns_fd, CLONE_NEWNET)) {
		ret = -errno;
		close(self);
		return ret;
	}
	ret = fn(arg);
	if (setns(self, CLONE_NEWNET)) {
		pr_err("cannot return to the original network namespace: %s", strerror(errno));
		abort();
	}
	close(self);
	return ret;
}

int ovl_netns_scratch(void)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd, err = 0;

	if (self < 0)
		return -errno;
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		close(self);
		return err;
	}
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	if (setns(self, CLONE_NEWNET)) {
		pr_err("cannot return to the original network namespace: %s", strerror(errno));
		abort();
	}
	close(self);
	return fd < 0 ? err : fd;
}
