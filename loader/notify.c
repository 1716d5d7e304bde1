// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * notify.c - systemd's readiness protocol (sd_notify(3)) without libsystemd.
 *
 * A service of Type=notify is started when it says so: systemd passes the
 * path of a datagram socket in $NOTIFY_SOCKET and waits for "READY=1" on
 * it. A path that starts with '@' names a socket in the abstract namespace
 * (the '@' becomes a NUL byte). ovld sends READY=1 (with a STATUS= line)
 * at the point where it logs "instance NAME ready", and STOPPING=1 when a
 * signal ends it. Without $NOTIFY_SOCKET nothing is sent. A failure is
 * logged, never fatal: the data path does not depend on the service
 * manager hearing about it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "ovld.h"
#include "log.h"

int ovld_notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = path ? strlen(path) : 0;
	socklen_t alen;
	int fd, err = 0;

	if (!len)
		return 0;
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sun.sun_path)) {
		pr_warn("NOTIFY_SOCKET %s: not an absolute path or @abstract name, not notified",
			path);
		return -EINVAL;
	}
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0'; /* abstract: the name has no terminating NUL */
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		pr_warn("notify the service manager: socket: %s", strerror(-err));
		return err;
	}
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sun, alen) < 0) {
		err = -errno;
		pr_warn("notify the service manager at %s: %s", path, strerror(-err));
	}
	close(fd);
	return err;
}
