/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * verdict.h - counters, drop reasons and ringbuf events shared by both
 * programs.
 *
 * Helpers return 0 to continue, -OVL_DROP_* to drop or OVL_HANDLED once a
 * verdict is set; only the entry function turns that into XDP_* / TC_ACT_*
 * and bumps the counter of a drop, once.
 */
#ifndef OVL_BPF_VERDICT_H
#define OVL_BPF_VERDICT_H

static __always_inline void stat_add(__u32 id, __u64 bytes)
{
	struct ovl_stat *s = bpf_map_lookup_elem(&ovl_stats, &id);

	if (s) {
		s->packets++;
		s->bytes += bytes;
	}
}

static __always_inline void stat_drop(int reason, __u64 bytes)
{
	if (reason >= OVL_DROP_BASE && reason < OVL_DROP_MAX)
		stat_add(OVL_STAT_DROP(reason), bytes);
}

/* Count a frame in counter id of v (NULL: nowhere). */
static __always_inline void vstat_bump(struct ovl_vni_stats *v, __u32 id, __u64 bytes)
{
	if (v && id < OVL_VSTAT_SLOTS) {
		v->s[id].packets++;
		v->s[id].bytes += bytes;
	}
}

/* Count a frame of network vni in its ovl_vni_stats entry (if ovld made one). */
static __always_inline void vstat_add(__u32 vni, __u32 id, __u64 bytes)
{
	vstat_bump(bpf_map_lookup_elem(&ovl_vni_stats, &vni), id, bytes);
}

/* Count a forwarded frame of network vni: in its ovl_vni_cnt slot when it
 * has one (an array: no hash lookup), else in ovl_vni_stats (ovl_abi.h). */
static __always_inline void vstat_fwd(__u32 slot, __u32 vni, __u32 id, __u64 bytes)
{
	if (slot)
		vstat_bump(bpf_map_lookup_elem(&ovl_vni_cnt, &slot), id, bytes);
	else
		vstat_add(vni, id, bytes);
}

/*
 * Count a drop of network vni: OVL_VSTAT_DROP and its reason in
 * ovl_vni_drops (both only if ovld made the entries).
 */
static __always_inline void vstat_drop(__u32 vni, int reason, __u64 bytes)
{
	struct ovl_vni_drops *v;
	__u32 i = reason - OVL_DROP_BASE;

	vstat_add(vni, OVL_VSTAT_DROP, bytes);
	v = bpf_map_lookup_elem(&ovl_vni_drops, &vni);
	if (v && i < OVL_VDROP_SLOTS) {
		v->s[i].packets++;
		v->s[i].bytes += bytes;
	}
}

/* The per-network counter of a global forwarding counter, or OVL_VSTAT_MAX. */
static __always_inline __u32 vstat_of(__u32 stat)
{
	switch (stat) {
	case OVL_STAT_TX_ENCAP4:
	case OVL_STAT_TX_ENCAP6:
		return OVL_VSTAT_ENCAP;
	case OVL_STAT_TX_LOCAL:
		return OVL_VSTAT_LOCAL;
	case OVL_STAT_RX_DECAP:
	case OVL_STAT_RX_DECAP_BCAST:
		return OVL_VSTAT_DECAP;
	default:
		return OVL_VSTAT_MAX;
	}
}

static __always_inline const struct ovl_cfg *config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ovl_config, &zero);
}

/* The per-CPU scratch event, header zeroed. */
static __always_inline struct ovl_evt_buf *evt_start(__u16 type, __u32 vni, __u32 ifindex,
						     __u32 pkt_len)
{
	__u32 zero = 0;
	struct ovl_evt_buf *b = bpf_map_lookup_elem(&ovl_evt_buf, &zero);

	if (!b)
		return NULL;
	__builtin_memset(&b->evt, 0, sizeof(b->evt));
	b->evt.hdr.type = type;
	b->evt.vni = vni;
	b->evt.ifindex = ifindex;
	b->evt.pkt_len = pkt_len;
	b->evt.ts_ns = bpf_ktime_get_ns();
	return b;
}

/* Copy the event and its first cap bytes of packet into the ringbuf. */
static __always_inline int evt_commit(struct ovl_evt_buf *b, __u32 cap)
{
	__u32 size;

	if (cap > OVL_EVT_PKT_MAX)
		cap = OVL_EVT_PKT_MAX;
	size = sizeof(struct ovl_evt) + cap;
	b->evt.cap_len = cap;
	b->evt.hdr.len = size;
	return bpf_ringbuf_output(&ovl_events, b, size, 0);
}

/*
 * How many bytes of a pkt_len-byte frame an event of this type captures:
 * 1..max, or 0 for none. Linux 6.1's verifier learns nothing from a test
 * against zero, so the length a helper gets (1..max bytes) is rebuilt from
 * a value it has seen bounded on both sides.
 */
static __always_inline __u32 evt_cap_len(__u32 pkt_len, __u32 max)
{
	__u32 n = (pkt_len < max ? pkt_len : max) - 1;

	barrier_var(n);
	return n < max ? n + 1 : 0;
}

/*
 * Per-key rate limit of miss events: at most OVL_MISS_BURST events per key in
 * every OVL_MISS_WINDOW_NS, so that one unresolvable destination cannot flood
 * ovld. Returns true if an event may be sent now.
 */
static __always_inline bool miss_allowed(const struct ovl_miss_key *key, __u64 now)
{
	struct ovl_miss_rl *rl = bpf_map_lookup_elem(&ovl_miss_rl, key);

	if (!rl) {
		struct ovl_miss_rl fresh = { .window_ns = now, .count = 1 };

		bpf_map_update_elem(&ovl_miss_rl, key, &fresh, BPF_ANY);
		return true;
	}
	if (now - rl->window_ns >= OVL_MISS_WINDOW_NS) {
		rl->window_ns = now;
		rl->count = 1;
		return true;
	}
	if (rl->count >= OVL_MISS_BURST)
		return false;
	__sync_fetch_and_add(&rl->count, 1);
	return true;
}

static __always_inline bool neigh_owned_by(__u32 vni, __u8 family, const void *addr,
					   const __u8 *mac)
{
	struct ovl_addr_key key = { .vni = vni, .family = family };
	const struct ovl_neigh *n;

	__builtin_memcpy(key.addr, addr, family == OVL_AF_INET4 ? 4 : 16);
	n = bpf_map_lookup_elem(&ovl_neigh, &key);
	return n && mac_eq(n->mac, mac);
}

/*
 * Link protection's question (OVL_IF_F_IP_NOSPOOF): may the endpoint behind
 * ifc send from addr (OVL_AF_INET4: 4 bytes, else 16)? Its own first IPv4
 * or IPv6 address, which ovld keeps in the iface entry since ABI 4, passes
 * without a lookup (the common case: ovl_neigh is the third hash lookup of
 * an encapsulated frame); any other address only if ovl_neigh maps it to
 * the endpoint's MAC.
 */
static __always_inline bool src_owned(const struct ovl_iface *ifc, __u8 family, const void *addr)
{
	if (family == OVL_AF_INET4) {
		__be32 a;

		__builtin_memcpy(&a, addr, 4);
		if (a && a == ifc->ip4)
			return true;
	} else {
		struct in6_addr a;

		__builtin_memcpy(&a, addr, 16);
		if (!in6_is_zero(&a) && in6_eq(&a, ifc->ip6))
			return true;
	}
	return neigh_owned_by(ifc->vni, family, addr, ifc->mac);
}

static __always_inline const struct ovl_neigh *neigh_lookup(__u32 vni, __u8 family,
							    const void *addr)
{
	struct ovl_addr_key key = { .vni = vni, .family = family };

	__builtin_memcpy(key.addr, addr, family == OVL_AF_INET4 ? 4 : 16);
	return bpf_map_lookup_elem(&ovl_neigh, &key);
}

/* The per-CPU scratch drop event of a frame of pkt_len bytes, ready for
 * its packet bytes, or NULL when no monitor listens (OVL_CFG_F_DROP_EVENTS);
 * family and addr (OVL_AF_*, or 0 and NULL) name an address the drop is
 * about: the refused outer source of a peer_unknown drop. */
static __always_inline struct ovl_evt_buf *
drop_evt_start(int reason, __u32 vni, __u32 ifindex, __u32 pkt_len, __u8 family, const __u8 *addr)
{
	const struct ovl_cfg *cfg = config_get();
	struct ovl_evt_buf *b;

	if (!cfg || !(cfg->flags & OVL_CFG_F_DROP_EVENTS))
		return NULL;
	b = evt_start(OVL_EVT_DROP, vni, ifindex, pkt_len);
	if (!b)
		return NULL;
	b->evt.reason = reason;
	if (family && addr) {
		b->evt.family = family;
		__builtin_memcpy(b->evt.addr, addr, sizeof(b->evt.addr));
	}
	return b;
}

/* Send a drop event with cap bytes of its frame; a full ringbuf is counted. */
static __always_inline void drop_evt_commit(struct ovl_evt_buf *b, __u32 cap)
{
	if (evt_commit(b, cap))
		stat_add(OVL_STAT_DROP_EVT_LOST, 0);
}

/* A drop event for a frame at TC (only while a monitor listens), with the
 * frame's first OVL_EVT_DROP_CAP bytes; see drop_evt_start(). */
static __always_inline void skb_drop_event(struct __sk_buff *skb, int reason, __u32 vni,
					   __u32 ifindex, __u8 family, const __u8 *addr)
{
	struct ovl_evt_buf *b = drop_evt_start(reason, vni, ifindex, skb->len, family, addr);
	__u32 cap;

	if (!b)
		return;
	cap = evt_cap_len(skb->len, OVL_EVT_DROP_CAP);
	if (!cap || bpf_skb_load_bytes(skb, 0, b->pkt, cap))
		cap = 0;
	drop_evt_commit(b, cap);
}

static __always_inline void test_note_redirect(__u32 ifindex, __u32 how)
{
	if (ovl_test_mode) {
		ovl_test_redir_ifindex = ifindex;
		ovl_test_redir_how = how;
	}
}

#endif /* OVL_BPF_VERDICT_H */
