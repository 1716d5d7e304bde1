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
#include "log.h"
#include "netns.h"

int ovl_netns_open(const char *name_or_path)
{
	char path[PATH_MAX];
	int fd;

	if (!name_or_path || !*name_or_path)
		return -EINVAL;
	if (name_or_path[0] == '/') {
		snprintf(path, sizeof(path), "%s", name_or_path);
	} else {
		if (strchr(name_or_path, '/') || !strcmp(name_or_path, ".") ||
		    !strcmp(name_or_path, ".."))
			return -EINVAL;
		snprintf(path, sizeof(path), "%s/%s", OVL_NETNS_RUN_DIR, name_or_path);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
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
