// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_netns.c - lib/netns.c: ovl_netns_open_err() opens network
 * namespaces only, never blocks on what a user put in their place, and
 * says what it found instead. No privileges: the process's own namespace
 * files in /proc are readable by it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "netns.h"
#include "test.h"

#define ERRLEN 512

static void not_netns(const char *path, int ret, const char *why)
{
	char err[ERRLEN], want[ERRLEN];
	int fd;

	alarm(10); /* a blocking open fails the tier rather than hang it */
	fd = ovl_netns_open_err(path, err, sizeof(err));
	alarm(0);
	if (!ASSERT_EQ(fd, ret, path)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(want, sizeof(want), "%s: %s", path, why);
	ASSERT_STREQ(err, want, path);
	/* the same without a message */
	ASSERT_EQ(ovl_netns_open(path), ret, path);
}

void test_netns_open_kinds(void)
{
	char dir[] = "/tmp/ovlt-netns-XXXXXX", fifo[64], file[64], cmd[96], err[ERRLEN];
	int fd;

	fd = ovl_netns_open_err("/proc/self/ns/net", err, sizeof(err));
	if (ASSERT_GE(fd, 0, "our own network namespace")) {
		ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC, "close-on-exec");
		close(fd);
	}
	not_netns("/proc/self/ns/mnt", -EINVAL,
		  "a namespace of another kind (mount), not a network namespace");
	if (!ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(file, sizeof(file), "%s/file", dir);
	if (ASSERT_OK(mkfifo(fifo, 0600), "mkfifo"))
		not_netns(fifo, -EINVAL, "a FIFO, not a network namespace");
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (ASSERT_GE(fd, 0, "a file")) {
		close(fd);
		not_netns(file, -EINVAL, "a regular file, not a network namespace");
	}
	not_netns(dir, -EISDIR, "a directory, not a network namespace");
	not_netns("/dev/null", -EINVAL, "a character device, not a network namespace");
	snprintf(file, sizeof(file), "%s/none", dir);
	not_netns(file, -ENOENT, "no such network namespace");
	ASSERT_EQ(ovl_netns_open_err("a/b", err, sizeof(err)), -EINVAL, "a relative path");
	ASSERT_STREQ(err, "\"a/b\" is neither a namespace name nor an absolute path",
		     "a relative path");
	ASSERT_EQ(ovl_netns_open_err("", err, sizeof(err)), -EINVAL, "no name");
	ASSERT_STREQ(err, "no network namespace given", "no name");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ASSERT_OK(system(cmd), "rm -rf the test's directory");
}
