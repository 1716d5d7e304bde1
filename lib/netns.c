// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netns.c - see netns.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include "log.h"
#include "netns.h"
#include "safeopen.h"

static void say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

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
	struct stat st;
	int fd, ret, type;

	if (err && errlen)
		err[0] = '\0';
	if (!name_or_path || !*name_or_path) {
		say(err, errlen, "no network namespace given");
		return -EINVAL;
	}
	if (name_or_path[0] == '/') {
		snprintf(path, sizeof(path), "%s", name_or_path);
	} else {
		if (strchr(name_or_path, '/') || !strcmp(name_or_path, ".") ||
		    !strcmp(name_or_path, "..")) {
			say(err, errlen, "\"%s\" is neither a namespace name nor an absolute path",
			    name_or_path);
			return -EINVAL;
		}
		snprintf(path, sizeof(path), "%s/%s", OVL_NETNS_RUN_DIR, name_or_path);
	}
	/* A namespace file (nsfs) is a regular file to stat(); look before
	 * opening, so that a FIFO or a device is refused unopened. Links are
	 * followed: /proc/PID/ns/net is one. */
	if (stat(path, &st)) {
		ret = -errno;
		if (ret == -ENOENT)
			say(err, errlen, "%s: no such network namespace", path);
		else
			say(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (!S_ISREG(st.st_mode))
		goto kind;
	/* O_NONBLOCK: a FIFO put there since opens at once, and is refused. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		say(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) || fstatfs(fd, &sfs)) {
		ret = -errno;
		close(fd);
		say(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (!S_ISREG(st.st_mode) || sfs.f_type != NSFS_MAGIC) {
		close(fd);
		goto kind;
	}
	/* NS_GET_NSTYPE: Linux 4.11 */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		close(fd);
		say(err, errlen, "%s: a namespace of another kind (%s), not a network namespace",
		    path, ns_kind(type));
		return -EINVAL;
	}
	return fd;
kind:
	say(err, errlen, "%s: %s, not a network namespace", path, ovl_file_kind(st.st_mode));
	return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
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
