// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * events.c - the subscriber lists of events.h.
 */
#include <errno.h>
#include <stdlib.h>
#include "ovld.h"
#include "events.h"

struct ovl_sub {
	struct ovl_sub *next;
	ovl_ev_fn fn;
	void *arg;
	bool dead;
};

int events_subscribe(struct ovld *d, enum ovl_ev_kind kind, ovl_ev_fn fn, void *arg)
{
	struct ovl_sub *s = calloc(1, sizeof(*s)), **pp;

	if (!s)
		return -ENOMEM;
	s->fn = fn;
	s->arg = arg;
	for (pp = &d->subs[kind]; *pp; pp = &(*pp)->next)
		;
	*pp = s;
	return 0;
}

static void reap(struct ovld *d, enum ovl_ev_kind kind)
{
	for (struct ovl_sub **pp = &d->subs[kind]; *pp;) {
		struct ovl_sub *s = *pp;

		if (s->dead) {
			*pp = s->next;
			free(s);
		} else {
			pp = &s->next;
		}
	}
}

void events_unsubscribe(struct ovld *d, enum ovl_ev_kind kind, ovl_ev_fn fn, void *arg)
{
	for (struct ovl_sub *s = d->subs[kind]; s; s = s->next)
		if (!s->dead && s->fn == fn && s->arg == arg)
			s->dead = true;
	if (!d->emitting[kind])
		reap(d, kind);
}

bool events_wanted(const struct ovld *d, enum ovl_ev_kind kind)
{
	for (const struct ovl_sub *s = d->subs[kind]; s; s = s->next)
		if (!s->dead)
			return true;
	return false;
}

void events_emit(struct ovld *d, enum ovl_ev_kind kind, const void *data)
{
	d->emitting[kind]++;
	for (struct ovl_sub *s = d->subs[kind]; s; s = s->next)
		if (!s->dead)
			s->fn(d, kind, data, s->arg);
	if (--d->emitting[kind] == 0)
		reap(d, kind);
}

void events_fini(struct ovld *d)
{
	for (int k = 0; k < OVL_EV_KINDS; k++) {
		for (struct ovl_sub *s = d->subs[k]; s; s = s->next)
			s->dead = true;
		reap(d, k);
	}
}
