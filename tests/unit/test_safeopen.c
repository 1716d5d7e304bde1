// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_safeopen.c - lib/safeopen.c: files a user names are opened without
 * blocking, and hosts.json only when root alone could have written it
 * (StrictModes). Every case builds its files and directories under a fresh
 * directory in /tmp with the modes it needs.
 *
 * The mode cases run as anyone: without root they trust the test's own
 * uid beside root (the owner argument), as OpenSSH trusts the user beside
 * root. The owner cases need a file of another user, so they need root;
 * without it they skip, which CI (CI=true, root) counts as a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "safeopen.h"
#include "test.h"

#define ERRLEN 512
#define NOBODY 65534 /* any uid but root and ours */

static char top[64];

/* A fresh directory to build in, mode 0755, or "" with a failure. */
static const char *tree(void)
{
	snprintf(top, sizeof(top), "/tmp/ovlt-safeopen-XXXXXX");
	if (!ASSERT_OK_PTR(mkdtemp(top), "mkdtemp") || !ASSERT_OK(chmod(top, 0755), "chmod top")) {
		top[0] = '\0';
		return top;
	}
	return top;
}

static void rm_tree(void)
{
	char cmd[128];

	if (!top[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ASSERT_OK(system(cmd), "rm -rf the test's directory");
	top[0] = '\0';
}

/* top/rel into a static buffer (one of four, so a call may take two). */
static const char *at(const char *rel)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
	return buf[i];
}

static bool mkdir_mode(const char *rel, mode_t mode)
{
	return ASSERT_OK(mkdir(at(rel), 0700), rel) && ASSERT_OK(chmod(at(rel), mode), rel);
}

/* A file whose text is its own name (what a read shows came from it). */
static bool mkfile_mode(const char *rel, mode_t mode)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok = ASSERT_GE(fd, 0, rel);

	if (!ok)
		return false;
	ok = ASSERT_EQ(write(fd, rel, strlen(rel)), (long long)strlen(rel), rel) &&
	     ASSERT_OK(fchmod(fd, mode), rel);
	close(fd);
	return ok;
}

static bool mklink(const char *rel, const char *target)
{
	return ASSERT_OK(symlink(target, at(rel)), rel);
}

/* Opens and reads the file whose text is want. */
static void trusted(const char *path, uid_t owner, const char *want)
{
	char err[ERRLEN], got[128] = "";
	int fd;
	ssize_t n;

	alarm(10); /* a blocking open fails the tier rather than hang it */
	fd = ovl_open_trusted(path, owner, err, sizeof(err));
	alarm(0);
	if (!ASSERT_GE(fd, 0, path)) {
		printf("  refused: %s\n", err);
		return;
	}
	n = read(fd, got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	ASSERT_STREQ(got, want, "read the file that was judged");
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC, "close-on-exec");
	ASSERT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK, "non-blocking");
	close(fd);
}

/* Refused with ret, and the message is exactly want. */
static void refused(const char *path, uid_t owner, int ret, const char *want)
{
	char err[ERRLEN];
	int fd;

	alarm(10);
	fd = ovl_open_trusted(path, owner, err, sizeof(err));
	alarm(0);
	if (!ASSERT_EQ(fd, ret, path)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	ASSERT_STREQ(err, want, path);
}

void test_safeopen_regular(void)
{
	char err[ERRLEN], want[ERRLEN];
	int fd;

	if (!tree()[0])
		return;
	if (!mkfile_mode("f", 0644) || !ASSERT_OK(mkfifo(at("fifo"), 0644), "mkfifo"))
		goto out;
	fd = ovl_open_regular(at("f"), err, sizeof(err));
	if (ASSERT_GE(fd, 0, "a regular file")) {
		ASSERT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK, "non-blocking");
		close(fd);
	}
	alarm(10);
	fd = ovl_open_regular(at("fifo"), err, sizeof(err));
	alarm(0);
	ASSERT_EQ(fd, -EINVAL, "a FIFO");
	snprintf(want, sizeof(want), "%s: a FIFO, not a regular file", at("fifo"));
	ASSERT_STREQ(err, want, "a FIFO");
	ASSERT_EQ(ovl_open_regular(top, err, sizeof(err)), -EISDIR, "a directory");
	snprintf(want, sizeof(want), "%s: a directory, not a regular file", top);
	ASSERT_STREQ(err, want, "a directory");
	ASSERT_EQ(ovl_open_regular("/dev/null", err, sizeof(err)), -EINVAL, "a device");
	ASSERT_STREQ(err, "/dev/null: a character device, not a regular file", "a device");
	ASSERT_EQ(ovl_open_regular(at("none"), err, sizeof(err)), -ENOENT, "missing");
	snprintf(want, sizeof(want), "%s: cannot open: %s", at("none"), strerror(ENOENT));
	ASSERT_STREQ(err, want, "missing");
	/* through a link, to the FIFO: what it leads to is judged */
	if (mklink("l", "fifo"))
		ASSERT_EQ(ovl_open_regular(at("l"), NULL, 0), -EINVAL, "a link to a FIFO");
out:
	rm_tree();
}

void test_safeopen_trust_modes(void)
{
	uid_t me = geteuid();
	char want[ERRLEN];

	if (!tree()[0])
		return;
	if (!mkdir_mode("d", 0755) || !mkfile_mode("d/h.json", 0644) ||
	    !mkfile_mode("d/ro.json", 0444) || !mkfile_mode("d/gw.json", 0664) ||
	    !mkfile_mode("d/ow.json", 0646) || !mkfile_mode("d/aw.json", 0666) ||
	    !mkdir_mode("gw", 0775) || !mkfile_mode("gw/h.json", 0644) || !mkdir_mode("ww", 0777) ||
	    !mkfile_mode("ww/h.json", 0644) || !mkdir_mode("sticky", 01777) ||
	    !mkfile_mode("sticky/h.json", 0644) || !mkdir_mode("d/sub", 0755) ||
	    !ASSERT_OK(mkfifo(at("d/fifo"), 0644), "mkfifo") || !mklink("d/rel.json", "h.json") ||
	    !mklink("d/abs.json", at("d/h.json")) || !mklink("d/up.json", "../ww/h.json") ||
	    !mklink("d/chain.json", "rel.json") || !mklink("d/tofifo", "fifo") ||
	    !mklink("d/loop1", "loop2") || !mklink("d/loop2", "loop1") ||
	    !mklink("d/dirlink", "sub/../") || !mklink("d/wwdir", "../ww"))
		goto out;

	/* what root (here: root or the test's user) wrote, where only it can */
	trusted(at("d/h.json"), me, "d/h.json");
	trusted(at("d/ro.json"), me, "d/ro.json");
	trusted(at("sticky/h.json"), me, "sticky/h.json");
	trusted(at("d/rel.json"), me, "d/h.json");
	trusted(at("d/abs.json"), me, "d/h.json");
	trusted(at("d/chain.json"), me, "d/h.json");
	trusted(at("d/sub/../h.json"), me, "d/h.json");
	trusted(at("d/dirlink/h.json"), me, "d/h.json");
	trusted(at("d//./h.json"), me, "d/h.json");

	/* the file writable by others than its owner */
	snprintf(want, sizeof(want), "%s: writable by group (mode 0664); only root may write it",
		 at("d/gw.json"));
	refused(at("d/gw.json"), me, -EPERM, want);
	snprintf(want, sizeof(want), "%s: writable by others (mode 0646); only root may write it",
		 at("d/ow.json"));
	refused(at("d/ow.json"), me, -EPERM, want);
	snprintf(want, sizeof(want),
		 "%s: writable by group and others (mode 0666); only root may write it",
		 at("d/aw.json"));
	refused(at("d/aw.json"), me, -EPERM, want);

	/* a directory on the path writable by others, and not sticky */
	snprintf(want, sizeof(want),
		 "%s: directory %s is writable by group (mode 0775) and not sticky",
		 at("gw/h.json"), at("gw"));
	refused(at("gw/h.json"), me, -EPERM, want);
	snprintf(want, sizeof(want),
		 "%s: directory %s is writable by group and others (mode 0777) and not sticky",
		 at("ww/h.json"), at("ww"));
	refused(at("ww/h.json"), me, -EPERM, want);
	/* ... also when a link leads through it, or ".." leaves it again */
	snprintf(want, sizeof(want),
		 "%s: directory %s is writable by group and others (mode 0777) and not sticky",
		 at("d/up.json"), at("ww"));
	refused(at("d/up.json"), me, -EPERM, want);
	snprintf(want, sizeof(want),
		 "%s: directory %s is writable by group and others (mode 0777) and not sticky",
		 at("d/wwdir/h.json"), at("ww"));
	refused(at("d/wwdir/h.json"), me, -EPERM, want);
	snprintf(want, sizeof(want),
		 "%s: directory %s is writable by group and others (mode 0777) and not sticky",
		 at("ww/../d/h.json"), at("ww"));
	refused(at("ww/../d/h.json"), me, -EPERM, want);

	/* what is not a regular file: refused at once, a FIFO too */
	snprintf(want, sizeof(want), "%s: a FIFO, not a regular file", at("d/fifo"));
	refused(at("d/fifo"), me, -EINVAL, want);
	snprintf(want, sizeof(want), "%s: file %s is a FIFO, not a regular file", at("d/tofifo"),
		 at("d/fifo"));
	refused(at("d/tofifo"), me, -EINVAL, want);
	snprintf(want, sizeof(want), "%s: a directory, not a regular file", at("d/sub"));
	refused(at("d/sub"), me, -EISDIR, want);
	snprintf(want, sizeof(want), "%s: file %s is a directory, not a regular file", at("d/sub/"),
		 at("d/sub"));
	refused(at("d/sub/"), me, -EISDIR, want);
	snprintf(want, sizeof(want), "%s: file %s is a regular file, not a directory",
		 at("d/h.json/x"), at("d/h.json"));
	refused(at("d/h.json/x"), me, -ENOTDIR, want);

	/* paths that lead nowhere */
	snprintf(want, sizeof(want), "%s: cannot open: %s", at("d/none"), strerror(ENOENT));
	refused(at("d/none"), me, -ENOENT, want);
	snprintf(want, sizeof(want), "%s: cannot open %s: %s", at("none/h.json"), at("none"),
		 strerror(ENOENT));
	refused(at("none/h.json"), me, -ENOENT, want);
	snprintf(want, sizeof(want), "%s: more than 40 symbolic links to follow", at("d/loop1"));
	refused(at("d/loop1"), me, -ELOOP, want);
	refused("hosts.json", me, -EINVAL, "hosts.json: not an absolute path");
	refused("", me, -EINVAL, ": not an absolute path");
	ASSERT_EQ(ovl_open_trusted(NULL, me, NULL, 0), -EINVAL, "NULL path, no message buffer");
out:
	rm_tree();
}

void test_safeopen_trust_owners(void)
{
	char want[ERRLEN];

	if (geteuid() != 0) {
		test_skip("files of another user need root");
		return;
	}
	if (!tree()[0])
		return;
	/* top/sticky (root, 1777) holds what another user may put there */
	if (!mkdir_mode("sticky", 01777) || !mkfile_mode("sticky/root.json", 0644) ||
	    !mkfile_mode("sticky/user.json", 0644) ||
	    !ASSERT_OK(chown(at("sticky/user.json"), NOBODY, NOBODY), "chown") ||
	    !mkdir_mode("d", 0755) || !mkfile_mode("d/h.json", 0644) ||
	    !mkfile_mode("d/user.json", 0644) ||
	    !ASSERT_OK(chown(at("d/user.json"), NOBODY, NOBODY), "chown") ||
	    !mklink("sticky/rootlink.json", at("d/h.json")) ||
	    !mklink("sticky/userlink.json", at("d/h.json")) ||
	    !ASSERT_OK(lchown(at("sticky/userlink.json"), NOBODY, NOBODY), "lchown") ||
	    !mklink("sticky/userdirlink", at("d")) ||
	    !ASSERT_OK(lchown(at("sticky/userdirlink"), NOBODY, NOBODY), "lchown") ||
	    !mklink("d/userlink.json", "h.json") ||
	    !ASSERT_OK(lchown(at("d/userlink.json"), NOBODY, NOBODY), "lchown") ||
	    !mkdir_mode("sticky/userdir", 0755) || !mkfile_mode("sticky/userdir/h.json", 0644) ||
	    !ASSERT_OK(chown(at("sticky/userdir"), NOBODY, NOBODY), "chown") ||
	    !mkdir_mode("udir", 0755) || !mkfile_mode("udir/h.json", 0644) ||
	    !ASSERT_OK(chown(at("udir"), NOBODY, NOBODY), "chown"))
		goto out;

	/* root's file in a sticky directory: the seed's /var/tmp/hosts.json */
	trusted(at("sticky/root.json"), 0, "sticky/root.json");
	trusted(at("sticky/rootlink.json"), 0, "d/h.json");
	/* a link another user owns, where only root can write: root made it */
	trusted(at("d/userlink.json"), 0, "d/h.json");

	/* what another user put in a sticky directory does not count */
	snprintf(want, sizeof(want), "%s: owned by uid 65534, not root, in sticky directory %s",
		 at("sticky/user.json"), at("sticky"));
	refused(at("sticky/user.json"), 0, -EPERM, want);
	snprintf(want, sizeof(want),
		 "%s: symbolic link %s is owned by uid 65534, not root, in sticky directory %s",
		 at("sticky/userdirlink/h.json"), at("sticky/userdirlink"), at("sticky"));
	refused(at("sticky/userdirlink/h.json"), 0, -EPERM, want);
	snprintf(want, sizeof(want), "%s: owned by uid 65534, not root, in sticky directory %s",
		 at("sticky/userlink.json"), at("sticky"));
	refused(at("sticky/userlink.json"), 0, -EPERM, want);
	snprintf(want, sizeof(want),
		 "%s: directory %s is owned by uid 65534, not root, in sticky directory %s",
		 at("sticky/userdir/h.json"), at("sticky/userdir"), at("sticky"));
	refused(at("sticky/userdir/h.json"), 0, -EPERM, want);

	/* nor does another user's file or directory anywhere else */
	snprintf(want, sizeof(want), "%s: owned by uid 65534, not root", at("d/user.json"));
	refused(at("d/user.json"), 0, -EPERM, want);
	snprintf(want, sizeof(want), "%s: directory %s is owned by uid 65534, not root",
		 at("udir/h.json"), at("udir"));
	refused(at("udir/h.json"), 0, -EPERM, want);
	/* trusting a user besides root is what tests without root do */
	trusted(at("d/user.json"), NOBODY, "d/user.json");
out:
	rm_tree();
}

/* ovl_open_trusted_dir(): the same rule for a directory (the pin
 * directory's bpffs), which it returns opened. */
void test_safeopen_trust_dir(void)
{
	uid_t me = getuid();
	char err[ERRLEN], want[ERRLEN];
	struct stat a, b;
	int fd;

	if (!tree()[0])
		return;
	if (!mkdir_mode("d", 0700) || !mkdir_mode("g", 0775) || !mkdir_mode("g/d", 0700) ||
	    !mkdir_mode("w", 0777) || !mkfile_mode("f", 0644) || !mklink("l", "d"))
		goto out;
	fd = ovl_open_trusted_dir(at("d"), me, err, sizeof(err));
	if (ASSERT_GE(fd, 0, "a directory of the owner's, mode 0700")) {
		ASSERT_OK(fstat(fd, &a), "fstat");
		ASSERT_OK(stat(at("d"), &b), "stat");
		ASSERT_TRUE(S_ISDIR(a.st_mode) && a.st_ino == b.st_ino, "the directory judged");
		close(fd);
	}
	fd = ovl_open_trusted_dir(at("l"), me, err, sizeof(err));
	if (ASSERT_GE(fd, 0, "a link to it in a directory only the owner writes")) {
		ASSERT_OK(fstat(fd, &a), "fstat");
		ASSERT_EQ(a.st_ino, b.st_ino, "the link's target");
		close(fd);
	}
	ASSERT_EQ(ovl_open_trusted_dir(at("g/d"), me, err, sizeof(err)), -EPERM,
		  "in a group-writable directory");
	snprintf(want, sizeof(want),
		 "%s: directory %s is writable by group (mode 0775) and not sticky", at("g/d"),
		 at("g"));
	ASSERT_STREQ(err, want, "in a group-writable directory");
	ASSERT_EQ(ovl_open_trusted_dir(at("w"), me, err, sizeof(err)), -EPERM,
		  "itself writable by all");
	snprintf(want, sizeof(want), "%s: writable by group and others (mode 0777) and not sticky",
		 at("w"));
	ASSERT_STREQ(err, want, "itself writable by all");
	ASSERT_EQ(ovl_open_trusted_dir(at("f"), me, err, sizeof(err)), -ENOTDIR, "a file");
	snprintf(want, sizeof(want), "%s: a regular file, not a directory", at("f"));
	ASSERT_STREQ(err, want, "a file");
out:
	rm_tree();
}
