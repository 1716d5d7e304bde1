/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * netns.h - network namespaces by name or path, and running code inside
 * one with a guaranteed return. Callers must be single-threaded (setns()
 * changes the calling thread only).
 */
#ifndef OVL_NETNS_H
#define OVL_NETNS_H

#include <stddef.h>

#define OVL_NETNS_RUN_DIR "/var/run/netns" /* where `ip netns add` puts names */

/**
 * ovl_netns_open_err() - open a network namespace: an absolute path (as CNI
 * gives, /proc/PID/ns/net or /var/run/netns/NAME) or a name made by
 * `ip netns add`. Never blocks: the file is looked at before it is opened
 * (O_NONBLOCK), and what is not a network namespace (a FIFO, a directory,
 * a regular file, another kind of namespace) is refused.
 * @err: buffer for a one-line message naming the path and what is wrong,
 *       e.g. "/var/run/netns/x: a FIFO, not a network namespace" (may be NULL)
 * @errlen: size of @err
 * Return: a file descriptor (O_CLOEXEC) or -errno: the error of stat or
 * open (-ENOENT: no such namespace), -EISDIR or -EINVAL for what is not a
 * network namespace or not a name.
 */
int ovl_netns_open_err(const char *name_or_path, char *err, size_t errlen);

/* ovl_netns_open_err() without the message. */
int ovl_netns_open(const char *name_or_path);

/**
 * ovl_netns_run() - call fn(arg) inside the namespace ns_fd and come back.
 * Return: fn's return value, or -errno if entering or leaving failed
 * (leaving failing is fatal: the process aborts rather than go on in the
 * wrong namespace).
 */
int ovl_netns_run(int ns_fd, int (*fn)(void *arg), void *arg);

/**
 * ovl_netns_scratch() - a new, empty network namespace that nothing names:
 * it lives as long as the returned descriptor (and what runs in it), and
 * its interfaces go with it, also when the process is killed.
 * Return: a file descriptor or -errno; the caller stays where it was.
 */
int ovl_netns_scratch(void);

#endif /* OVL_NETNS_H */
