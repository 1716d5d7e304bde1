// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ctl_list.c - the list commands: overlays, endpoints, VNICs, and the
 * entries of ovl_fdb and ovl_neigh, paged by cursor or streamed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl_server.h"
#include "ctl.h"
#include "log.h"

/*
 * A list command: its entries in pages, from a cursor. Maps are paged by
 * hash bucket (map_fdb_page()); ovld's own objects by list_seq, a number
 * each gets the first time it is listed, in increasing order, so that an
 * object that stays is listed once and one added meanwhile comes at the
 * end.
 */
struct lister {
	const char *cmd;
	bool overlay_arg; /* [overlay] filters by VNI */
	bool netns_arg;	  /* [netns] filters by namespace */
	bool map;	  /* cursors are bucket indexes (32 bits) */
	bool vnics_only;
	/* Append up to about max entries from st->pos on; advance st->pos,
	 * set st->done at the end. Return: 0 or -errno. */
	int (*next)(struct ovld *d, const struct lister *l, struct list_state *st, unsigned int max,
		    json_t *arr);
};

static unsigned long long list_seq_last;

struct seq_item {
	unsigned long long seq;
	void *obj;
};

static int cmp_seq(const void *a, const void *b)
{
	const struct seq_item *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The items after st->pos in seq order: up to max of them into arr. */
static void page_by_seq(struct list_state *st, struct seq_item *v, size_t n, unsigned int max,
			json_t *arr, json_t *(*emit)(struct ovld *d, void *obj), struct ovld *d)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].seq > st->pos)
			v[k++] = v[i];
	qsort(v, k, sizeof(*v), cmp_seq);
	for (size_t i = 0; i < k && i < max; i++) {
		json_array_append_new(arr, emit(d, v[i].obj));
		st->pos = v[i].seq;
	}
	st->done = k <= max;
}

static json_t *emit_ep(struct ovld *d, void *obj)
{
	(void)d;
	return ep_json(obj);
}

static int list_eps_next(struct ovld *d, const struct lister *l, struct list_state *st,
			 unsigned int max, json_t *arr)
{
	struct seq_item *v;
	size_t n = 0;

	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		n++;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next) {
		if (!ep->list_seq)
			ep->list_seq = ++list_seq_last;
		if ((!l->vnics_only || ep->kind == OVL_EP_VNIC) &&
		    (!st->netns_filter || !strcmp(st->netns, ep->netns)))
			v[n++] = (struct seq_item){ ep->list_seq, ep };
	}
	page_by_seq(st, v, n, max, arr, emit_ep, d);
	free(v);
	return 0;
}

static json_t *emit_overlay(struct ovld *d, void *obj)
{
	return overlay_json(d, obj);
}

static int list_overlays_next(struct ovld *d, const struct lister *l, struct list_state *st,
			      unsigned int max, json_t *arr)
{
	struct seq_item *v;
	size_t n = 0;

	(void)l;
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		n++;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
		if (!ov->list_seq)
			ov->list_seq = ++list_seq_last;
		v[n++] = (struct seq_item){ ov->list_seq, ov };
	}
	page_by_seq(st, v, n, max, arr, emit_overlay, d);
	free(v);
	return 0;
}

struct map_page {
	const struct list_state *st;
	json_t *arr;
};

static int page_fdb_one(struct ovld *d, const struct ovl_mac_key *k, struct ovl_dest *v, void *arg)
{
	struct map_page *p = arg;
	struct ovl_overlay *ov;

	if (p->st->vni_filter && k->vni != p->st->vni)
		return 0;
	ov = overlay_by_vni(d, k->vni);
	if (ov)
		json_array_append_new(p->arr, ctl_fdb_json(ov, k->mac, v));
	return 0;
}

static int list_fdb_next(struct ovld *d, const struct lister *l, struct list_state *st,
			 unsigned int max, json_t *arr)
{
	struct map_page p = { st, arr };
	__u32 pos = (__u32)st->pos;
	int err;

	(void)l;
	err = map_fdb_page(d, &pos, max, &st->done, page_fdb_one, &p);
	st->pos = pos;
	return err;
}

static int page_neigh_one(struct ovld *d, const struct ovl_addr_key *k, struct ovl_neigh *n,
			  void *arg)
{
	struct map_page *p = arg;
	struct ovl_ip ip = { .family = k->family };
	struct ovl_overlay *ov;

	if (p->st->vni_filter && k->vni != p->st->vni)
		return 0;
	ov = overlay_by_vni(d, k->vni);
	memcpy(ip.addr, k->addr, 16);
	if (ov)
		json_array_append_new(p->arr, ctl_neigh_json(ov, &ip, n));
	return 0;
}

static int list_neigh_next(struct ovld *d, const struct lister *l, struct list_state *st,
			   unsigned int max, json_t *arr)
{
	struct map_page p = { st, arr };
	__u32 pos = (__u32)st->pos;
	int err;

	(void)l;
	err = map_neigh_page(d, &pos, max, &st->done, page_neigh_one, &p);
	st->pos = pos;
	return err;
}

static const struct lister listers[] = {
	{ .cmd = OVL_CMD_OVERLAY_LIST, .next = list_overlays_next },
	{ .cmd = OVL_CMD_VNIC_LIST, .vnics_only = true, .netns_arg = true, .next = list_eps_next },
	{ .cmd = OVL_CMD_ENDPOINT_LIST, .next = list_eps_next },
	{ .cmd = OVL_CMD_MAP_LIST, .overlay_arg = true, .map = true, .next = list_fdb_next },
	{ .cmd = OVL_CMD_NEIGH_LIST, .overlay_arg = true, .map = true, .next = list_neigh_next },
};

int ctl_list_next(struct ovld *d, struct list_state *st, unsigned int max, json_t *arr)
{
	return st->l->next(d, st->l, st, max, arr);
}

const char *ctl_list_name(const struct list_state *st)
{
	return st->l->cmd;
}

/*
 * A list request. With "limit" or "cursor": one page, and *next set unless
 * it is the last. Without: the whole list, to be streamed (ctl_server.c):
 * its first chunk is made here, so that a failure is still an error reply.
 * Return: 0 and *res (a page), 1 and *res (the first chunk) with *stream
 * where the rest starts, -ENOSYS when cmd is no list, or -errno.
 */
int ctl_list_request(struct ovld *d, const char *cmd, json_t *req, json_t **res,
		     struct list_state *stream, char *next, size_t nextlen, char *err,
		     size_t errlen)
{
	json_t *lim = json_object_get(req, "limit"), *cur = json_object_get(req, "cursor");
	const struct lister *l = NULL;
	struct list_state st;
	json_int_t limit = OVL_CTL_PAGE_MAX;
	json_t *arr;
	int ret;

	for (size_t i = 0; i < sizeof(listers) / sizeof(listers[0]) && !l; i++)
		if (!strcmp(cmd, listers[i].cmd))
			l = &listers[i];
	if (!l)
		return -ENOSYS;
	memset(&st, 0, sizeof(st));
	st.l = l;

	if (l->overlay_arg && ctl_arg_str(req, "overlay")) {
		struct ovl_overlay *ov;

		ret = ctl_arg_overlay(d, req, &ov, err, errlen);
		if (ret)
			return ret;
		st.vni_filter = true;
		st.vni = ov->vni;
	}
	if (l->netns_arg && ctl_arg_str(req, "netns")) {
		if (strlen(ctl_arg_str(req, "netns")) >= sizeof(st.netns))
			FAIL(EINVAL, "\"netns\" longer than %zu", sizeof(st.netns) - 1);
		st.netns_filter = true;
		snprintf(st.netns, sizeof(st.netns), "%s", ctl_arg_str(req, "netns"));
	}
	if (lim) {
		if (!json_is_integer(lim) || json_integer_value(lim) < 1)
			FAIL(EINVAL, "\"limit\" must be a positive integer");
		if (json_integer_value(lim) < limit)
			limit = json_integer_value(lim);
	}
	if (cur) {
		const char *s = json_string_value(cur);
		char *end = NULL;

		errno = 0;
		if (s && *s >= '0' && *s <= '9')
			st.pos = strtoull(s, &end, 10);
		if (!end || *end || errno || (l->map && st.pos > UINT32_MAX))
			FAIL(EINVAL,
			     "\"cursor\": not a cursor of %s (give the \"next\" of the page before)",
			     l->cmd);
	}
	arr = json_array();
	if (!arr)
		return -ENOMEM;
	ret = l->next(d, l, &st, lim || cur ? (unsigned int)limit : LIST_CHUNK, arr);
	if (ret) {
		json_decref(arr);
		FAIL(-ret, "%s: %s", l->cmd, strerror(-ret));
	}
	if (lim || cur) {
		if (!st.done)
			snprintf(next, nextlen, "%llu", st.pos);
		*res = arr;
		return 0;
	}
	*stream = st;
	*res = arr;
	return 1;
}
