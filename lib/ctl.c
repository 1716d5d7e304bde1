// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ctl.c - client side of the control protocol (see ctl.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl.h"
#include "ident.h"

struct ovl_ctl {
	int fd;
	char *buf; /* bytes received and not yet returned */
	size_t len;
	size_t cap;
	size_t scanned;		   /* buf[0..scanned) has no newline */
	enum ovl_ctl_err last_err; /* of the last ovl_ctl_call() */
};

int ovl_instance_valid(const char *name)
{
	return ovl_name_valid(name, OVL_INSTANCE_MAX, OVL_NAME_NO_DOT);
}

int ovl_ctl_socket_path(const char *instance, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s.sock", OVL_RUN_DIR, instance);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

struct ovl_ctl *ovl_ctl_connect(const char *socket_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ovl_ctl *c;
	int fd, err;

	if (strlen(socket_path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	c->fd = fd;
	return c;
}

void ovl_ctl_close(struct ovl_ctl *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Wait up to timeout_ms for bytes and read them into c->buf after c->len.
 * Return: how many, 0 to be called again (a signal), or -errno: -ETIMEDOUT,
 * and -ECONNRESET at the end of the stream. */
static ssize_t recv_some(struct ovl_ctl *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t r = poll(&pfd, 1, timeout_ms);

	if (r == 0)
		return -ETIMEDOUT;
	if (r > 0)
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return r ? r : -ECONNRESET;
}

/* Return a malloc'ed line without its newline, or NULL with *err set. */
static char *read_line(struct ovl_ctl *c, int timeout_ms, int *err)
{
	for (;;) {
		char *nl = c->len > c->scanned ?
				   memchr(c->buf + c->scanned, '\n', c->len - c->scanned) :
				   NULL;
		ssize_t r;

		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			char *line = malloc(n + 1);

			if (!line) {
				*err = -ENOMEM;
				return NULL;
			}
			memcpy(line, c->buf, n);
			line[n] = '\0';
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			c->scanned = 0;
			return line;
		}
		c->scanned = c->len;
		if (c->len >= OVL_CTL_MAX_REPLY) {
			*err = -EPROTO;
			return NULL;
		}
		if (c->cap - c->len < 4096) {
			size_t cap = c->cap ? c->cap * 2 : 8192;
			char *b = realloc(c->buf, cap);

			if (!b) {
				*err = -ENOMEM;
				return NULL;
			}
			c->buf = b;
			c->cap = cap;
		}
		r = recv_some(c, timeout_ms);
		if (r < 0) {
			*err = (int)r;
			return NULL;
		}
		c->len += (size_t)r;
	}
}

int ovl_ctl_recv(struct ovl_ctl *c, json_t **out, int timeout_ms)
{
	json_error_t jerr;
	char *line;
	int err = 0;

	line = read_line(c, timeout_ms, &err);
	if (!line)
		return err;
	*out = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	free(line);
	return *out ? 0 : -EPROTO;
}

/* One request, one response; *next is set to the response's "next" (a new
 * reference) when next is not NULL. */
static int call_once(struct ovl_ctl *c, json_t *req, json_t **result, json_t **next, char *err,
		     size_t errlen)
{
	json_t *resp = NULL, *ok, *res;
	char *txt;
	size_t n;
	int ret;

	if (result)
		*result = NULL;
	if (next)
		*next = NULL;
	if (errlen)
		err[0] = '\0';
	txt = json_dumps(req, JSON_COMPACT);
	if (!txt) {
		c->last_err = OVL_CTL_ENOMEM;
		return -ENOMEM;
	}
	n = strlen(txt);
	txt[n] = '\n'; /* json_dumps leaves room for its NUL: reuse it */
	ret = write_all(c->fd, txt, n + 1);
	free(txt);
	if (ret) {
		c->last_err = OVL_CTL_EIO;
		snprintf(err, errlen, "send request: %s", strerror(-ret));
		return ret;
	}
	ret = ovl_ctl_recv(c, &resp, 30000);
	if (ret) {
		c->last_err = OVL_CTL_EIO;
		snprintf(err, errlen, "read response: %s",
			 ret == -ECONNRESET ? "ovld closed the connection" : strerror(-ret));
		return ret;
	}
	ok = json_object_get(resp, "ok");
	if (!json_is_boolean(ok)) {
		c->last_err = OVL_CTL_EPROTO;
		snprintf(err, errlen, "malformed response from ovld");
		json_decref(resp);
		return -EPROTO;
	}
	if (json_is_true(ok)) {
		res = json_object_get(resp, "result");
		if (result)
			*result = json_incref(res ? res : json_null());
		if (next)
			*next = json_incref(json_object_get(resp, "next"));
		json_decref(resp);
		c->last_err = OVL_CTL_OK;
		return 0;
	}
	c->last_err = OVL_CTL_EREFUSED;
	snprintf(err, errlen, "%s",
		 json_string_value(json_object_get(resp, "error")) ?: "request refused");
	ret = ovl_errno_value(json_string_value(json_object_get(resp, "errno")));
	json_decref(resp);
	return ret ? -ret : -EIO;
}

static bool is_list(json_t *req)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	size_t n = cmd ? strlen(cmd) : 0, sn = strlen(OVL_CMD_LIST_SUFFIX);

	return n > sn && !strcmp(cmd + n - sn, OVL_CMD_LIST_SUFFIX) &&
	       !json_object_get(req, "limit") && !json_object_get(req, "cursor");
}

int ovl_ctl_call(struct ovl_ctl *c, json_t *req, json_t **result, char *err, size_t errlen)
{
	json_t *page_req, *all, *page = NULL, *next = NULL;
	int ret;

	if (!is_list(req))
		return call_once(c, req, result, NULL, err, errlen);
	/* Page by page: a reply of any size would have to be held whole by
	 * ovld and by us (an ovld that does not know pages answers the
	 * first request with the whole list, and no "next"). */
	if (result)
		*result = NULL;
	page_req = json_copy(req);
	all = json_array();
	if (!page_req || !all ||
	    json_object_set_new(page_req, "limit", json_integer(OVL_CTL_PAGE_MAX))) {
		ret = -ENOMEM;
		c->last_err = OVL_CTL_ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		json_t *prev = json_object_get(page_req, "cursor");

		ret = call_once(c, page_req, &page, &next, err, errlen);
		if (ret)
			goto out;
		if (!prev && !next) { /* one page: as it is, the caller judges it */
			if (result) {
				*result = page;
				page = NULL;
			}
			goto out;
		}
		if (!json_is_array(page) || (next && !json_is_string(next)) ||
		    (next && prev && json_equal(next, prev))) {
			snprintf(err, errlen, "malformed page of %s from ovld",
				 json_string_value(json_object_get(req, "cmd")));
			ret = -EPROTO;
			c->last_err = OVL_CTL_EPROTO;
			goto out;
		}
		json_array_extend(all, page);
		json_decref(page);
		page = NULL;
		if (!next)
			break;
		json_object_set_new(page_req, "cursor", next);
		next = NULL;
	}
	if (result) {
		*result = all;
		all = NULL;
	}
out:
	json_decref(page);
	json_decref(next);
	json_decref(all);
	json_decref(page_req);
	return ret;
}

enum ovl_ctl_err ovl_ctl_last_error(const struct ovl_ctl *c)
{
	return c ? c->last_err : OVL_CTL_ECONNECT;
}

static const struct {
	int value;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ EIO, "EIO" },
	{ E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" },
	{ ENOSPC, "ENOSPC" },
	{ ERANGE, "ERANGE" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" },
	{ ENOTEMPTY, "ENOTEMPTY" },
	{ ENODATA, "ENODATA" },
	{ EPROTO, "EPROTO" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ ECONNRESET, "ECONNRESET" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ ECANCELED, "ECANCELED" },
	{ ESRCH, "ESRCH" },
	{ ENXIO, "ENXIO" },
};

const char *ovl_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].value == err)
			return errnames[i].name;
	return "EIO";
}

int ovl_errno_value(const char *name)
{
	if (!name)
		return 0;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].value;
	return EIO;
}
