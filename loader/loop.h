/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * loop.h - ovld's event loop: registered sources, timers and end-of-turn
 * hooks. It knows nothing of ovld; whatever has an fd or a deadline (the
 * control socket and its clients, the miss ringbuf, signals, a backend's
 * inotify, an HTTP client's sockets and timeouts) registers here.
 *
 *   source   an fd and the epoll events it waits for; its callback runs
 *            with the events that came. Removing a source (also from a
 *            callback, also another one) is safe at any time: it is
 *            freed after the turn.
 *   timer    a callback at a monotonic deadline, one-shot; re-arm it from
 *            its callback for a period. Unarmed timers cost nothing.
 *   hook     called once after every turn, in the order they were added
 *            (main.c adds the state saver before the control server's
 *            flush, so a reply goes out only once what it did is saved).
 *   watch    a file that may change: its callback runs once after a read
 *            of the loop's inotify instance that saw the file written,
 *            created or moved into place. A loop has one inotify instance
 *            for all its watches, made at the first and closed by
 *            loop_free(): the kernel allows a user 128 instances by
 *            default (fs.inotify.max_user_instances), and closing one
 *            waits for an RCU grace period, which a reload paid each time.
 *
 * A turn is one epoll_wait() and the callbacks of what it returned, then
 * the timers that are due, then the hooks.
 */
#ifndef OVL_LOOP_H
#define OVL_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct ovl_loop;
struct ovl_source;
struct ovl_timer;

typedef void (*ovl_io_fn)(void *arg, uint32_t events);
typedef void (*ovl_timer_fn)(void *arg);
typedef void (*ovl_hook_fn)(void *arg);
typedef void (*ovl_watch_fn)(void *arg);
struct ovl_watch;

struct ovl_loop *loop_new(void);
/* Frees every source (closing no fd: each owner closes its own), timer
 * and hook. */
void loop_free(struct ovl_loop *l);

/* Watch fd for events (EPOLLIN, EPOLLOUT...). NULL with errno set. */
struct ovl_source *loop_add_fd(struct ovl_loop *l, int fd, uint32_t events, ovl_io_fn fn,
			       void *arg);
int loop_mod_fd(struct ovl_source *s, uint32_t events);
uint32_t loop_fd_events(const struct ovl_source *s);
/* Stop watching (the fd stays open); NULL is a no-op. */
void loop_del_fd(struct ovl_source *s);

struct ovl_timer *loop_timer_new(struct ovl_loop *l, ovl_timer_fn fn, void *arg);
/* Fire once after ms milliseconds (replacing an earlier deadline). */
void loop_timer_arm(struct ovl_timer *t, uint64_t ms);
void loop_timer_disarm(struct ovl_timer *t);
bool loop_timer_armed(const struct ovl_timer *t);
/* Disarm and free; NULL is a no-op. */
void loop_timer_free(struct ovl_timer *t);

int loop_add_hook(struct ovl_loop *l, ovl_hook_fn fn, void *arg);

/* Watch the absolute path's directory for the file's name: editors
 * replace a file by rename. A deletion alone calls nothing; a lost event
 * (the queue overflowed) calls every watch. NULL with errno set. */
struct ovl_watch *loop_watch_file(struct ovl_loop *l, const char *path, ovl_watch_fn fn, void *arg);
/* Stop watching (also from a callback); NULL is a no-op. */
void loop_watch_free(struct ovl_watch *w);

/* One turn, waiting at most timeout_ms (-1: until something happens or a
 * timer is due). Return: 0, or -errno of epoll_wait (never -EINTR). */
int loop_run_once(struct ovl_loop *l, int timeout_ms);
/* Turns until *stop. */
int loop_run(struct ovl_loop *l, const bool *stop);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t loop_now_ms(void);
/* Tests: as if ms more had passed, for loop_now_ms() and so for every
 * timer and deadline taken from it (ovld never calls it). */
void loop_clock_advance(uint64_t ms);

#endif /* OVL_LOOP_H */
