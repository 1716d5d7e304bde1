// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * files_load.c - read a hosts.json file, from a path or an open file, into
 * memory and hand it to the parser (files.c); see files.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "files.h"
#include "safeopen.h"

#define FILES_MAX_BYTES (1ul << 30) /* jansson's positions are ints */

struct ovl_files_table *ovl_files_load(const char *path, char *err, size_t errlen)
{
	struct ovl_files_table *t;
	int fd = ovl_open_regular(path, err, errlen);

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	t = ovl_files_load_fd(fd, path, err, errlen);
	if (!t) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	close(fd);
	return t;
}

struct ovl_files_table *ovl_files_load_fd(int fd, const char *path, char *err, size_t errlen)
{
	struct ovl_files_table *t = NULL;
	size_t len = 0, cap = 1 << 16;
	char *buf = NULL;
	struct stat st;
	int ret = 0;

	if (err && errlen)
		err[0] = '\0';
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (unsigned long long)st.st_size < FILES_MAX_BYTES)
		cap = (size_t)st.st_size + 1; /* one read, and a second that sees EOF */
	buf = malloc(cap);
	if (!buf)
		goto nomem;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			cap *= 2;
			if (cap > FILES_MAX_BYTES) {
				ret = -EFBIG;
				if (err && errlen)
					snprintf(err, errlen, "%s: larger than %lu bytes", path,
						 FILES_MAX_BYTES);
				goto out;
			}
			nb = realloc(buf, cap);
			if (!nb)
				goto nomem;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			if (err && errlen)
				snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-ret));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	t = ovl_files_parse(buf, len, path, err, errlen);
	if (!t)
		ret = -errno;
	goto out;
nomem:
	ret = -ENOMEM;
	if (err && errlen)
		snprintf(err, errlen, "%s: out of memory", path);
out:
	free(buf);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	return t;
}
