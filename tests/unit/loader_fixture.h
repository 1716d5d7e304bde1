/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * loader_fixture.h - an ovld for a loader test: a real event loop and miss
 * path over the fake data path (fake_dp.h), its state and run directories
 * in a fresh temporary directory, the state saver as the loop's first hook
 * (as main.c has it), and helpers to write files there and to build
 * ringbuf records.
 */
#ifndef OVL_LOADER_FIXTURE_H
#define OVL_LOADER_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include "ovld.h"
#include "log.h"
#include "fake_dp.h"

/* The host's own underlay address in these tests (TEST-NET-2). */
#define FX_LOCAL4 "198.51.100.1"

struct fx {
	struct ovld d;
	char dir[64];		      /* the temporary directory, removed by fx_down() */
	enum ovl_log_level log_level; /* the harness's, back at fx_down() */
};

/* Set up (after fake_dp_reset()); false, with the test failed, if not. */
bool fx_up(struct fx *fx);
/* Everything freed and the directory removed. */
void fx_down(struct fx *fx);

/* Write dir/name atomically (a rename, as editors do). Into path (may be
 * NULL) the file's absolute name. */
bool fx_write(struct fx *fx, const char *name, const char *text, char *path, size_t pathlen);
/* dir/name exists. */
bool fx_exists(struct fx *fx, const char *name);
/* dir/name parsed, or NULL. */
json_t *fx_load_json(struct fx *fx, const char *name);

/* A files overlay over dir/name (written from hosts): 0 or -errno. */
int fx_files_overlay(struct fx *fx, const char *ovname, __u32 vni, const char *name,
		     const char *hosts);

/* A ringbuf record: the event (type, vni, ifindex, mac; for ARP/NDP the
 * address asked for) and the whole frame. Into rec (of room recsz);
 * returns its length. */
size_t fx_record(void *rec, size_t recsz, __u16 type, __u32 vni, __u32 ifindex, const __u8 mac[6],
		 const struct ovl_ip *ip, const void *frame, size_t len);
/* The same record through miss_submit() and miss_process(). */
void fx_miss(struct fx *fx, __u16 type, __u32 vni, __u32 ifindex, const __u8 mac[6],
	     const struct ovl_ip *ip, const void *frame, size_t len);

/* Parsers that fail the test on bad text. */
void fx_mac(const char *s, __u8 mac[6]);
void fx_ip(const char *s, struct ovl_ip *ip);

/* Loop turns until the counter reaches want or about limit_ms passed.
 * Return: whether it did. */
bool fx_run_until_ge(struct fx *fx, const unsigned long long *counter, unsigned long long want,
		     int limit_ms);

#endif /* OVL_LOADER_FIXTURE_H */
