// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loop.c - the event loop of loop.h: epoll for fds, a list of timers
 * (ovld has a handful; the nearest deadline bounds epoll_wait), hooks,
 * and file watches over one inotify instance.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include "loop.h"

struct ovl_source {
	struct ovl_source *next;
	struct ovl_loop *loop;
	int fd;
	uint32_t events;
	ovl_io_fn fn;
	void *arg;
	bool dead; /* removed: freed after the turn */
};

struct ovl_timer {
	struct ovl_timer *next;
	struct ovl_loop *loop;
	uint64_t due; /* ms of CLOCK_MONOTONIC; 0: not armed */
	ovl_timer_fn fn;
	void *arg;
	bool dead;
	bool fire; /* due at the start of this turn's timers */
};

struct hook {
	struct hook *next;
	ovl_hook_fn fn;
	void *arg;
};

struct ovl_watch {
	struct ovl_watch *next;
	struct ovl_loop *loop;
	int wd; /* the directory's watch descriptor; -1 when the kernel dropped it */
	char name[NAME_MAX + 1];
	ovl_watch_fn fn;
	void *arg;
	bool dead;
	bool hit; /* the file changed in this read */
};

/* What a watch asks of its directory: the file written, moved into place
 * (an editor's rename) or created. */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)

struct ovl_loop {
	int epfd;
	struct ovl_source *sources;
	struct ovl_timer *timers;
	struct hook *hooks, **hooks_tail;
	int ino; /* the inotify instance of every watch, -1 until the first */
	struct ovl_source *ino_src;
	struct ovl_watch *watches;
	bool reap; /* something died this turn */
};

static uint64_t clock_skew; /* loop_clock_advance() */

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u + clock_skew;
}

void loop_clock_advance(uint64_t ms)
{
	clock_skew += ms;
}

struct ovl_loop *loop_new(void)
{
	struct ovl_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int err = errno;

		free(l);
		errno = err;
		return NULL;
	}
	l->hooks_tail = &l->hooks;
	l->ino = -1;
	return l;
}

static void reap(struct ovl_loop *l)
{
	for (struct ovl_source **pp = &l->sources; *pp;) {
		struct ovl_source *s = *pp;

		if (s->dead) {
			*pp = s->next;
			free(s);
		} else {
			pp = &s->next;
		}
	}
	for (struct ovl_timer **pp = &l->timers; *pp;) {
		struct ovl_timer *t = *pp;

		if (t->dead) {
			*pp = t->next;
			free(t);
		} else {
			pp = &t->next;
		}
	}
	for (struct ovl_watch **pp = &l->watches; *pp;) {
		struct ovl_watch *w = *pp;

		if (w->dead) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
	l->reap = false;
}

void loop_free(struct ovl_loop *l)
{
	if (!l)
		return;
	for (struct ovl_source *s = l->sources; s; s = s->next)
		s->dead = true;
	for (struct ovl_timer *t = l->timers; t; t = t->next)
		t->dead = true;
	for (struct ovl_watch *w = l->watches; w; w = w->next)
		w->dead = true;
	reap(l);
	while (l->hooks) {
		struct hook *h = l->hooks;

		l->hooks = h->next;
		free(h);
	}
	if (l->ino >= 0)
		close(l->ino);
	close(l->epfd);
	free(l);
}

struct ovl_source *loop_add_fd(struct ovl_loop *l, int fd, uint32_t events, ovl_io_fn fn, void *arg)
{
	struct ovl_source *s = calloc(1, sizeof(*s));
	struct epoll_event ev = { .events = events };

	if (!s)
		return NULL;
	ev.data.ptr = s;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int err = errno;

		free(s);
		errno = err;
		return NULL;
	}
	s->loop = l;
	s->fd = fd;
	s->events = events;
	s->fn = fn;
	s->arg = arg;
	s->next = l->sources;
	l->sources = s;
	return s;
}

int loop_mod_fd(struct ovl_source *s, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };

	if (s->events == events)
		return 0;
	if (epoll_ctl(s->loop->epfd, EPOLL_CTL_MOD, s->fd, &ev))
		return -errno;
	s->events = events;
	return 0;
}

uint32_t loop_fd_events(const struct ovl_source *s)
{
	return s->events;
}

void loop_del_fd(struct ovl_source *s)
{
	if (!s || s->dead)
		return;
	epoll_ctl(s->loop->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	s->dead = true;
	s->loop->reap = true;
}

struct ovl_timer *loop_timer_new(struct ovl_loop *l, ovl_timer_fn fn, void *arg)
{
	struct ovl_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = l;
	t->fn = fn;
	t->arg = arg;
	t->next = l->timers;
	l->timers = t;
	return t;
}

void loop_timer_arm(struct ovl_timer *t, uint64_t ms)
{
	t->due = loop_now_ms() + ms;
	if (!t->due)
		t->due = 1;
}

void loop_timer_disarm(struct ovl_timer *t)
{
	t->due = 0;
	t->fire = false;
}

bool loop_timer_armed(const struct ovl_timer *t)
{
	return t->due != 0;
}

void loop_timer_free(struct ovl_timer *t)
{
	if (!t || t->dead)
		return;
	t->due = 0;
	t->dead = true;
	t->loop->reap = true;
}

int loop_add_hook(struct ovl_loop *l, ovl_hook_fn fn, void *arg)
{
	struct hook *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->fn = fn;
	h->arg = arg;
	*l->hooks_tail = h;
	l->hooks_tail = &h->next;
	return 0;
}

static void on_inotify(void *arg, uint32_t events)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct ovl_loop *l = arg;
	bool any = false;
	ssize_t n;

	(void)events;
	while ((n = read(l->ino, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			p += sizeof(*e) + e->len;
			for (struct ovl_watch *w = l->watches; w; w = w->next) {
				if (w->dead)
					continue;
				if (e->mask & IN_Q_OVERFLOW) {
					w->hit = any = true;
				} else if (w->wd != e->wd) {
					continue;
				} else if (e->mask & IN_IGNORED) {
					w->wd = -1; /* the directory is gone */
				} else if (!e->len || !strcmp(e->name, w->name)) {
					w->hit = any = true;
				}
			}
		}
	}
	/* A callback may add watches (at the head, not hit) or free any
	 * (marked dead, freed after the turn): the walk stays valid. */
	for (struct ovl_watch *w = l->watches; any && w; w = w->next) {
		if (w->hit && !w->dead) {
			w->hit = false;
			w->fn(w->arg);
		}
	}
}

struct ovl_watch *loop_watch_file(struct ovl_loop *l, const char *path, ovl_watch_fn fn, void *arg)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct ovl_watch *w;

	if (!slash || !slash[1] || strlen(slash + 1) > NAME_MAX ||
	    (size_t)(slash - path) >= sizeof(dir)) {
		errno = EINVAL;
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (l->ino < 0) {
		int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), err;

		if (fd < 0)
			return NULL;
		l->ino_src = loop_add_fd(l, fd, EPOLLIN, on_inotify, l);
		if (!l->ino_src) {
			err = errno;
			close(fd);
			errno = err;
			return NULL;
		}
		l->ino = fd;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	/* The same directory gives the same descriptor: watches share it. */
	w->wd = inotify_add_watch(l->ino, dir, WATCH_MASK);
	if (w->wd < 0) {
		int err = errno;

		free(w);
		errno = err;
		return NULL;
	}
	w->loop = l;
	snprintf(w->name, sizeof(w->name), "%s", slash + 1);
	w->fn = fn;
	w->arg = arg;
	w->next = l->watches;
	l->watches = w;
	return w;
}

void loop_watch_free(struct ovl_watch *w)
{
	struct ovl_loop *l;
	bool shared = false;

	if (!w || w->dead)
		return;
	l = w->loop;
	w->dead = true;
	l->reap = true;
	for (const struct ovl_watch *o = l->watches; o; o = o->next)
		shared |= !o->dead && o->wd == w->wd;
	if (!shared && w->wd >= 0)
		inotify_rm_watch(l->ino, w->wd);
}

/* How long epoll may wait: until the nearest timer, at most timeout_ms. */
static int wait_ms(const struct ovl_loop *l, int timeout_ms)
{
	uint64_t now = loop_now_ms();
	int64_t best = timeout_ms;

	for (const struct ovl_timer *t = l->timers; t; t = t->next) {
		int64_t left;

		if (!t->due || t->dead)
			continue;
		left = t->due > now ? (int64_t)(t->due - now) : 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best > 1 << 30 ? 1 << 30 : (int)best;
}

static void run_timers(struct ovl_loop *l)
{
	uint64_t now = loop_now_ms();
	bool again = true;

	/* What is due now fires once; what a callback arms waits for a later
	 * turn, even with 0 ms. A callback may add or free timers: the walk
	 * starts over after each. */
	for (struct ovl_timer *t = l->timers; t; t = t->next)
		t->fire = !t->dead && t->due && t->due <= now;
	while (again) {
		again = false;
		for (struct ovl_timer *t = l->timers; t; t = t->next) {
			if (!t->fire)
				continue;
			t->fire = false;
			if (t->dead || !t->due)
				continue;
			t->due = 0;
			t->fn(t->arg);
			again = true;
			break;
		}
	}
}

int loop_run_once(struct ovl_loop *l, int timeout_ms)
{
	struct epoll_event evs[32];
	int n = epoll_wait(l->epfd, evs, 32, wait_ms(l, timeout_ms));

	if (n < 0 && errno != EINTR)
		return -errno;
	for (int i = 0; i < n; i++) {
		struct ovl_source *s = evs[i].data.ptr;

		if (!s->dead) /* removed by an earlier callback of this turn */
			s->fn(s->arg, evs[i].events);
	}
	run_timers(l);
	for (struct hook *h = l->hooks; h; h = h->next)
		h->fn(h->arg);
	if (l->reap)
		reap(l);
	return 0;
}

int loop_run(struct ovl_loop *l, const bool *stop)
{
	int err = 0;

	while (!*stop && !err)
		err = loop_run_once(l, -1);
	return err;
}
