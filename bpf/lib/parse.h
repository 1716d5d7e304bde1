/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * parse.h - bounds-checked header access over (data, data_end).
 *
 * Every pointer handed out has been checked against data_end right before,
 * in the form the verifier tracks ("ptr + size > data_end"). Works for XDP
 * and for direct packet access in TC alike.
 */
#ifndef OVL_BPF_PARSE_H
#define OVL_BPF_PARSE_H

struct cursor {
	void *pos;
	void *end;
};

/* Take the next `len` bytes (a compile-time constant) or NULL. */
#define cur_pull(c, len)                                                                           \
	({                                                                                         \
		void *__p = (c)->pos;                                                              \
		if (__p + (len) > (c)->end)                                                        \
			__p = NULL;                                                                \
		else                                                                               \
			(c)->pos = __p + (len);                                                    \
		__p;                                                                               \
	})

#define cur_pull_type(c, type) ((type *)cur_pull(c, sizeof(type)))

/* ARP for IPv4 over Ethernet, RFC 826: the only form we answer. */
struct arp_eth {
	__be16 ar_hrd;
	__be16 ar_pro;
	__u8 ar_hln;
	__u8 ar_pln;
	__be16 ar_op;
	__u8 ar_sha[6];
	__u8 ar_sip[4];
	__u8 ar_tha[6];
	__u8 ar_tip[4];
} __attribute__((packed));

/* Neighbour solicitation/advertisement body after the ICMPv6 header,
 * RFC 4861 sections 4.3 and 4.4. */
struct nd_msg_hdr {
	__u8 type;
	__u8 code;
	__sum16 cksum;
	__be32 flags; /* NA: R S O bits; NS: reserved */
	struct in6_addr target;
};

struct nd_opt_lla {
	__u8 type; /* ND_OPT_SOURCE_LL_ADDR or ND_OPT_TARGET_LL_ADDR */
	__u8 len;  /* in units of 8 bytes */
	__u8 mac[6];
};

struct vxlan_hdr {
	__be32 flags; /* I flag and reserved bits */
	__be32 vni;   /* VNI << 8, low byte reserved */
};

/*
 * bpf_ntohs() of a length that goes into packet pointer math. The verifier
 * of Linux 6.1 knows nothing of a byte swap's result, not even that it
 * fits in 16 bits, and refuses the sum; the mask tells it (barrier_var()
 * keeps the compiler from dropping the mask it knows to be a no-op).
 */
static __always_inline __u32 ntohs_len(__be16 v)
{
	__u32 x = bpf_ntohs(v);

	barrier_var(x);
	return x & 0xffff;
}

/*
 * Copy len bytes at offset off of the packet into buf, through the helper of
 * the program type: XDP (xdp true) or TC. What is not in the linear part of
 * an skb (or past data_end) is read as well. With xdp a constant, as every
 * caller has it, the other helper's call is compiled out. Returns 0 or a
 * negative error (off + len past the end of the packet).
 */
static __always_inline long ctx_load_bytes(void *ctx, bool xdp, __u32 off, void *buf, __u32 len)
{
	return xdp ? bpf_xdp_load_bytes(ctx, off, buf, len) :
		     bpf_skb_load_bytes(ctx, off, buf, len);
}

static __always_inline bool mac_eq(const __u8 *a, const __u8 *b)
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4]) |
		(a[5] ^ b[5])) == 0;
}

static __always_inline void mac_copy(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, 6);
}

static __always_inline bool mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1;
}

static __always_inline bool mac_is_zero(const __u8 *mac)
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

static __always_inline bool in6_eq(const struct in6_addr *a, const __u8 *b)
{
	const __u32 *x = (const __u32 *)a->in6_u.u6_addr32;
	__u32 y[4];

	__builtin_memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
}

static __always_inline bool in6_is_zero(const struct in6_addr *a)
{
	const __u32 *x = (const __u32 *)a->in6_u.u6_addr32;

	return (x[0] | x[1] | x[2] | x[3]) == 0;
}

/* Multicast (ff00::/8), loopback (::1) or IPv4-mapped (::ffff:0:0/96):
 * never a valid NS target, RFC 4861 section 7.1.1 and varpd's checks. */
static __always_inline bool in6_bad_target(const struct in6_addr *a)
{
	const __u32 *x = (const __u32 *)a->in6_u.u6_addr32;

	if (a->in6_u.u6_addr8[0] == 0xff)
		return true;
	if (x[0] == 0 && x[1] == 0 && x[2] == 0 && x[3] == bpf_htonl(1))
		return true;
	if (x[0] == 0 && x[1] == 0 && x[2] == bpf_htonl(0xffff))
		return true;
	return in6_is_zero(a);
}

#endif /* OVL_BPF_PARSE_H */
