// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * safeopen.c - see safeopen.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "safeopen.h"

/* Symbolic links one lookup may follow: the kernel's MAXSYMLINKS
 * (include/linux/namei.h), past which open() fails with ELOOP. */
#define MAX_LINKS 40

const char *ovl_file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "an unknown kind of file";
	}
}

void ovl_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int ovl_open_nonblock(const char *path, const char *want, char *err, size_t errlen)
{
	struct stat st;
	int fd, ret;

	ovl_errf(err, errlen, "%s", "");
	/* Look first, so that a device is refused without being opened. */
	if (stat(path, &st)) {
		ret = -errno;
		ovl_errf(err, errlen, "%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	if (!S_ISREG(st.st_mode))
		goto kind;
	/* O_NONBLOCK: a FIFO put in its place since opens at once. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		ovl_errf(err, errlen, "%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		ovl_errf(err, errlen, "%s: cannot stat: %s", path, strerror(-ret));
		return ret;
	}
	if (S_ISREG(st.st_mode))
		return fd;
	close(fd);
kind:
	ovl_errf(err, errlen, "%s: %s, not %s", path, ovl_file_kind(st.st_mode), want);
	return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
}

int ovl_open_regular(const char *path, char *err, size_t errlen)
{
	return ovl_open_nonblock(path, "a regular file", err, errlen);
}

/* The walk of ovl_open_trusted(): where it is and whom it trusts. */
struct walk {
	const char *path; /* as the caller gave it, for messages */
	uid_t owner;	  /* trusted beside root */
	char *err;
	size_t errlen;
	int dfd;	    /* the directory reached (O_PATH), judged; -1 before / */
	struct stat dst;    /* its stat */
	char cur[PATH_MAX]; /* its path, links resolved; "" for / */
};

static bool trusted(const struct walk *w, uid_t uid)
{
	return uid == 0 || uid == w->owner;
}

static const char *writers(mode_t mode)
{
	if ((mode & S_IWGRP) && (mode & S_IWOTH))
		return "group and others";
	return mode & S_IWGRP ? "group" : "others";
}

static const char *entry_word(mode_t mode)
{
	if (S_ISDIR(mode))
		return "directory";
	return S_ISLNK(mode) ? "symbolic link" : "file";
}

/* Refuse, saying "PATH: REASON" when the component is the path as given,
 * "PATH: WORD COMPONENT is REASON" otherwise. Returns ret. */
static int refuse(const struct walk *w, int ret, const char *word, const char *comp,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int refuse(const struct walk *w, int ret, const char *word, const char *comp,
		  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!w->err || !w->errlen)
		return ret;
	if (strcmp(comp, w->path))
		n = snprintf(w->err, w->errlen, "%s: %s %s is ", w->path, word, comp);
	else
		n = snprintf(w->err, w->errlen, "%s: ", w->path);
	if (n < 0 || (size_t)n >= w->errlen)
		return ret;
	va_start(ap, fmt);
	vsnprintf(w->err + n, w->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return ret;
}

/* "/" for the root, whose path is kept as "". */
static const char *shown(const char *path)
{
	return path[0] ? path : "/";
}

static int judge_dir(const struct walk *w, const struct stat *st, const char *path)
{
	if (!trusted(w, st->st_uid))
		return refuse(w, -EPERM, "directory", shown(path), "owned by uid %u, not root",
			      (unsigned int)st->st_uid);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX))
		return refuse(w, -EPERM, "directory", shown(path),
			      "writable by %s (mode %04o) and not sticky", writers(st->st_mode),
			      (unsigned int)(st->st_mode & 07777));
	return 0;
}

static int judge_file(const struct walk *w, const struct stat *st, const char *path)
{
	if (!trusted(w, st->st_uid))
		return refuse(w, -EPERM, "file", path, "owned by uid %u, not root",
			      (unsigned int)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return refuse(w, -EPERM, "file", path,
			      "writable by %s (mode %04o); only root may write it",
			      writers(st->st_mode), (unsigned int)(st->st_mode & 07777));
	return 0;
}

/* Make fd (a directory at path) the current one once it is judged; fd is
 * the walk's (closed on failure). */
static int enter(struct walk *w, int fd, const char *path)
{
	struct stat st;
	int ret;

	if (fd < 0) {
		ret = -errno;
		ovl_errf(w->err, w->errlen, "%s: cannot open directory %s: %s", w->path,
			 shown(path), strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		ovl_errf(w->err, w->errlen, "%s: cannot stat directory %s: %s", w->path,
			 shown(path), strerror(-ret));
		return ret;
	}
	ret = judge_dir(w, &st, path);
	if (ret) {
		close(fd);
		return ret;
	}
	if (w->dfd >= 0)
		close(w->dfd);
	w->dfd = fd;
	w->dst = st;
	if (path != w->cur)
		snprintf(w->cur, sizeof(w->cur), "%s", path);
	return 0;
}

static int enter_root(struct walk *w)
{
	return enter(w, open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), "");
}

static int enter_parent(struct walk *w)
{
	char *slash = strrchr(w->cur, '/');

	if (slash)
		*slash = '\0';
	return enter(w, openat(w->dfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC), w->cur);
}

/* Follow the link fd (at path): its target, then what was left after it
 * (rest, which starts with '/' or is empty), become the path to walk. */
static int follow(struct walk *w, int fd, const char *path, char *rest, size_t restlen,
		  const char *left)
{
	char target[PATH_MAX], next[PATH_MAX];
	ssize_t n;
	int ret;

	/* An O_PATH descriptor of the link itself: "" reads it (Linux 2.6.39). */
	n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0) {
		ret = -errno;
		ovl_errf(w->err, w->errlen, "%s: cannot read symbolic link %s: %s", w->path, path,
			 strerror(-ret));
		return ret;
	}
	if (n == 0) {
		ovl_errf(w->err, w->errlen, "%s: symbolic link %s is empty", w->path, path);
		return -ENOENT;
	}
	if ((size_t)n >= sizeof(target) ||
	    snprintf(next, sizeof(next), "%.*s%s", (int)n, target, left) >= (int)sizeof(next) ||
	    strlen(next) >= restlen) {
		ovl_errf(w->err, w->errlen, "%s: path too long after symbolic link %s", w->path,
			 path);
		return -ENAMETOOLONG;
	}
	memcpy(rest, next, strlen(next) + 1);
	return target[0] == '/' ? enter_root(w) : 0;
}

/* ovl_open_trusted() and, with want_dir, ovl_open_trusted_dir(). */
static int open_trusted(const char *path, uid_t owner, bool want_dir, char *err, size_t errlen)
{
	struct walk w = { .path = path ? path : "", .owner = owner, .err = err, .errlen = errlen };
	char rest[PATH_MAX], full[PATH_MAX], name[NAME_MAX + 1];
	int links = 0, fd = -1, ret;
	struct stat st, rst;
	const char *p;

	w.dfd = -1;
	ovl_errf(err, errlen, "%s", "");
	if (w.path[0] != '/')
		return refuse(&w, -EINVAL, "", w.path, "not an absolute path");
	if (strlen(w.path) >= sizeof(rest))
		return refuse(&w, -ENAMETOOLONG, "", w.path, "path too long");
	memcpy(rest, w.path, strlen(w.path) + 1);
	ret = enter_root(&w);
	p = rest;
	while (!ret) {
		size_t len;
		bool last;

		p += strspn(p, "/");
		if (!*p) { /* the path ends in a directory, judged already */
			if (want_dir) {
				ret = w.dfd;
				w.dfd = -1;
				break;
			}
			ret = refuse(&w, -EISDIR, "file", shown(w.cur),
				     "a directory, not a regular file");
			break;
		}
		len = strcspn(p, "/");
		if (len > NAME_MAX) {
			ret = refuse(&w, -ENAMETOOLONG, "", w.path,
				     "a name in the path is too long");
			break;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		last = !p[strspn(p, "/")];
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			ret = enter_parent(&w);
			continue;
		}
		if (snprintf(full, sizeof(full), "%s/%s", w.cur, name) >= (int)sizeof(full)) {
			ret = refuse(&w, -ENAMETOOLONG, "", w.path, "path too long");
			break;
		}
		fd = openat(w.dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st)) {
			ret = -errno;
			if (strcmp(full, w.path))
				ovl_errf(err, errlen, "%s: cannot open %s: %s", w.path, full,
					 strerror(-ret));
			else
				ovl_errf(err, errlen, "%s: cannot open: %s", w.path,
					 strerror(-ret));
			break;
		}
		/* In a sticky directory anyone may add entries: only root's count. */
		if ((w.dst.st_mode & S_ISVTX) && !trusted(&w, st.st_uid)) {
			ret = refuse(&w, -EPERM, entry_word(st.st_mode), full,
				     "owned by uid %u, not root, in sticky directory %s",
				     (unsigned int)st.st_uid, shown(w.cur));
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			if (++links > MAX_LINKS) {
				ret = refuse(&w, -ELOOP, "", w.path,
					     "more than %d symbolic links to follow", MAX_LINKS);
				break;
			}
			/* p points into rest: follow() copies before it writes. */
			ret = follow(&w, fd, full, rest, sizeof(rest), p);
			close(fd);
			fd = -1;
			p = rest;
			continue;
		}
		if (S_ISDIR(st.st_mode) && (!last || want_dir)) {
			ret = enter(&w, fd, full);
			fd = -1;
			continue; /* the last one: returned at the end of the path */
		}
		if (!last || want_dir) {
			ret = refuse(&w, -ENOTDIR, "file", full, "%s, not a directory",
				     ovl_file_kind(st.st_mode));
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			ret = refuse(&w, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "file", full,
				     "%s, not a regular file", ovl_file_kind(st.st_mode));
			break;
		}
		/* The file to read: the one just judged to be a regular file
		 * (O_NONBLOCK and the inode check, should it have been swapped
		 * since), judged again on the descriptor that is returned. */
		close(fd);
		fd = openat(w.dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &rst)) {
			ret = -errno;
			ovl_errf(err, errlen, "%s: cannot open: %s", w.path, strerror(-ret));
			break;
		}
		if (rst.st_dev != st.st_dev || rst.st_ino != st.st_ino) {
			ret = refuse(&w, -EAGAIN, "file", full, "%s",
				     "replaced while being opened");
			break;
		}
		ret = judge_file(&w, &rst, full);
		if (!ret) {
			ret = fd;
			fd = -1;
		}
		break;
	}
	if (fd >= 0)
		close(fd);
	if (w.dfd >= 0)
		close(w.dfd);
	return ret;
}

int ovl_open_trusted(const char *path, uid_t owner, char *err, size_t errlen)
{
	return open_trusted(path, owner, false, err, errlen);
}

int ovl_open_trusted_dir(const char *path, uid_t owner, char *err, size_t errlen)
{
	return open_trusted(path, owner, true, err, errlen);
}
