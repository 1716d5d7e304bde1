/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * safeopen.h - opening the files a user names, without ever blocking, and,
 * for the files that steer the data path, only when root alone could have
 * written them.
 *
 * Every open here is O_RDONLY | O_NONBLOCK | O_CLOEXEC, and the type of what
 * was opened is checked on the descriptor (fstat). A FIFO opened so returns
 * at once instead of waiting for a writer, and is refused; so are a
 * directory, a socket and a device. The type is looked at before the open
 * too, so that a device is refused without being opened.
 *
 * Trust (ovl_open_trusted()) is OpenSSH's StrictModes, as DESIGN.md fixes it
 * for hosts.json:
 *   - the file is a regular file owned by root and writable by nobody else
 *     (no group or other write bit; a POSIX ACL that grants write shows as
 *     the group bit);
 *   - every directory on its path, / included, is owned by root and not
 *     writable by group or others, unless it is sticky (/tmp, /var/tmp);
 *   - in a sticky directory only entries owned by root count: a file, a
 *     directory or a symbolic link that another user made there is refused.
 * Symbolic links are followed and judged on the way: the path is walked
 * one component at a time from /, each component opened with O_PATH |
 * O_NOFOLLOW relative to the directory before it, and a link's target is
 * walked the same way. So every directory the kernel would pass through is
 * judged (those of a link's target and ".." too) and a link counts as an
 * entry of its directory: in a directory only root can write, root made
 * it; in a sticky directory it must be root's. There is no check-then-open
 * race: each step opens relative to a directory already judged, which only
 * root can change (or, in a sticky directory, nobody but the owner of an
 * entry already judged to be root), and the file read is the one judged
 * (fstat of the descriptor returned).
 */
#ifndef OVL_SAFEOPEN_H
#define OVL_SAFEOPEN_H

#include <stddef.h>
#include <sys/types.h>

/**
 * ovl_file_kind() - what a file of mode @mode is, for messages.
 * Return: "a regular file", "a directory", "a FIFO", "a socket", "a
 * character device", "a block device", "a symbolic link" or "an unknown
 * kind of file".
 */
const char *ovl_file_kind(mode_t mode);

/**
 * ovl_errf() - a one-line message into the caller's buffer @err of @errlen
 * bytes, as printf would write it; nothing when @err is NULL.
 */
void ovl_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * ovl_open_nonblock() - open for reading, without blocking, a file that
 * stat() calls regular (what a network namespace file is too).
 * @path: the file (symbolic links are followed)
 * @want: what the caller wants, for the message ("a regular file")
 * @err: buffer for a one-line message, e.g. "/x: a FIFO, not WANT" (may be NULL)
 * @errlen: size of @err
 * Return: a descriptor (O_RDONLY | O_NONBLOCK | O_CLOEXEC), or -errno as
 * ovl_open_regular() returns it.
 */
int ovl_open_nonblock(const char *path, const char *want, char *err, size_t errlen);

/**
 * ovl_open_regular() - open a regular file for reading without blocking.
 * @path: the file (symbolic links are followed)
 * @err: buffer for a one-line message naming @path and what is wrong with
 *       it, e.g. "/x: a FIFO, not a regular file" (may be NULL)
 * @errlen: size of @err
 * Return: a descriptor (O_RDONLY | O_NONBLOCK | O_CLOEXEC), or -errno:
 * the error of stat or open, -EISDIR for a directory, -EINVAL for any
 * other file that is not regular.
 */
int ovl_open_regular(const char *path, char *err, size_t errlen);

/**
 * ovl_open_trusted() - open for reading a regular file that nobody but
 * root (or @owner) could have written or put in place (see above).
 * @path: an absolute path
 * @owner: the user trusted beside root; 0 for root alone (what ovld asks).
 *         Tests that run without root pass their own uid.
 * @err: buffer for a one-line message that names @path, the component
 *       that is refused (the file, a directory of its path, a symbolic
 *       link) and why (may be NULL), e.g.
 *       "/var/tmp/hosts.json: owned by uid 65534, not root, in sticky directory /var/tmp"
 *       "/etc/ovl/hosts.json: directory /etc/ovl is writable by group (mode 0775) and not sticky"
 * @errlen: size of @err
 * Return: a descriptor (O_RDONLY | O_NONBLOCK | O_CLOEXEC) of the file
 * that was judged, or -errno: -EPERM when trust is refused, -EINVAL for a
 * relative path or a file that is not regular, -EISDIR, -ENOTDIR, -ELOOP
 * (over 40 symbolic links), -ENAMETOOLONG, -EAGAIN (the file was replaced
 * while it was opened), or the error of an open.
 */
int ovl_open_trusted(const char *path, uid_t owner, char *err, size_t errlen);

/**
 * ovl_open_trusted_dir() - the same judgement of a directory: @path and
 * every directory on the way to it are judged as the directories of
 * ovl_open_trusted()'s path are (root's, or sticky with root's entries).
 * @path: an absolute path
 * @owner: as for ovl_open_trusted()
 * @err: as for ovl_open_trusted()
 * @errlen: size of @err
 * Return: an O_PATH | O_DIRECTORY descriptor of the directory judged, or
 * -errno: -EPERM when trust is refused, -ENOTDIR when @path (after its
 * links) is not a directory, the other errors of ovl_open_trusted().
 */
int ovl_open_trusted_dir(const char *path, uid_t owner, char *err, size_t errlen);

#endif /* OVL_SAFEOPEN_H */
