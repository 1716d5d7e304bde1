/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * csum.h - Internet checksum helpers (RFC 1071): the arithmetic, the sum of
 * a stretch of an skb (pkt_csum(), over lib/maps.h's per-CPU scratch
 * buffer) and the checksum the stack has still to fill in (csum_pending(),
 * CO-RE: the includer brings <bpf/bpf_core_read.h>).
 */
#ifndef OVL_BPF_CSUM_H
#define OVL_BPF_CSUM_H

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Fold a 64-bit one's complement sum to 32 bits (a bpf_csum_diff() seed). */
static __always_inline __u32 csum_fold32(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return (__u32)sum;
}

/* The checksum of an IPv4 header without options, computed in registers. */
static __always_inline __u16 ip4_hdr_csum(const struct iphdr *ip)
{
	const __u16 *w = (const __u16 *)ip;
	__u64 sum = 0;

#pragma unroll
	for (int i = 0; i < (int)(sizeof(*ip) / 2); i++)
		sum += w[i];
	return csum_fold(sum);
}

/* One's complement sum of the IPv6 pseudo-header (RFC 8200 section 8.1),
 * unfolded, for upper-layer length len and next header nh. */
static __always_inline __u64 ip6_pseudo_sum(const struct in6_addr *src, const struct in6_addr *dst,
					    __u32 len, __u8 nh)
{
	__u64 sum = 0;

#pragma unroll
	for (int i = 0; i < 4; i++) {
		sum += src->in6_u.u6_addr32[i];
		sum += dst->in6_u.u6_addr32[i];
	}
	sum += bpf_htonl(len);
	sum += bpf_htonl(nh);
	return sum;
}

/* The kernel's own sk_buff, for what __sk_buff does not show (6.2; weak:
 * without it, the call is left in a branch the verifier removes). */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

/* Kernels built with SCTP mark CRC32c offload requests in csum_not_inet. */
struct sk_buff___crc {
	__u8 csum_not_inet : 1;
} __attribute__((preserve_access_index));

/*
 * Where the stack still has to fill in an Internet checksum of the inner
 * packet (CHECKSUM_PARTIAL: a container's TCP/UDP over a veth with
 * checksum offload, the default), as an offset from the frame start, with
 * its checksum field's current value in *field; 0 when nothing is pending.
 */
static __always_inline __u32 csum_pending(struct __sk_buff *skb, __u16 *field)
{
	struct sk_buff *k;
	struct sk_buff___crc *c;
	__u32 start, offset;

	if (ovl_features & OVL_FEAT_KERN_CTX) {
		k = bpf_cast_to_kern_ctx(skb);
		c = (void *)k;
		if (BPF_CORE_READ_BITFIELD(k, ip_summed) != CHECKSUM_PARTIAL)
			return 0;
		if (bpf_core_field_exists(c->csum_not_inet) &&
		    BPF_CORE_READ_BITFIELD(c, csum_not_inet))
			return 0;
		/* csum_start counts from skb->head, our offsets from skb->data */
		start = k->csum_start - (__u32)((unsigned long)k->data - (unsigned long)k->head);
		offset = k->csum_offset;
	} else {
		/* Before 6.2: the context is the kernel's sk_buff all the
		 * same, read through bpf_probe_read_kernel() (CO-RE) */
		k = (void *)skb;
		c = (void *)skb;
		if (BPF_CORE_READ_BITFIELD_PROBED(k, ip_summed) != CHECKSUM_PARTIAL)
			return 0;
		if (bpf_core_field_exists(c->csum_not_inet) &&
		    BPF_CORE_READ_BITFIELD_PROBED(c, csum_not_inet))
			return 0;
		start = BPF_CORE_READ(k, csum_start) -
			(__u32)((unsigned long)BPF_CORE_READ(k, data) -
				(unsigned long)BPF_CORE_READ(k, head));
		offset = BPF_CORE_READ(k, csum_offset);
	}
	if (bpf_skb_load_bytes(skb, start + offset, field, sizeof(*field)))
		return 0;
	return start;
}

/*
 * One's complement sum (unfolded, as a bpf_csum_diff() result) of len bytes
 * of the packet from off, seeded with seed: the bytes are copied into the
 * per-CPU scratch buffer and summed in 512-byte steps (bpf_csum_diff's
 * limit). Returns a negative value when it cannot.
 */
static __always_inline __s64 pkt_csum(struct __sk_buff *skb, __u32 off, __u32 len, __u32 seed)
{
	struct ovl_evt_buf *b;
	__u32 zero = 0;
	__s64 sum = seed;

	b = bpf_map_lookup_elem(&ovl_evt_buf, &zero);
	if (!b)
		return -1;
	/* verifier: bound the very register that goes to the helper */
	barrier_var(len);
	if (len < 1 || len > OVL_EVT_PKT_MAX - 4)
		return -1;
	if (bpf_skb_load_bytes(skb, off, b->pkt, len))
		return -1;
	/* Pad to a multiple of 4 with zeros: they do not change the sum.
	 * len <= OVL_EVT_PKT_MAX - 4 keeps the three bytes in the buffer
	 * (OVL_EVT_PKT_MAX is no power of two: masking with it would write
	 * into the copied data instead). */
	b->pkt[len] = 0;
	b->pkt[len + 1] = 0;
	b->pkt[len + 2] = 0;
	for (__u32 o = 0; o < OVL_EVT_PKT_MAX; o += 512) {
		__u32 n;

		if (o >= len)
			break;
		n = (len - o + 3) & ~3u;
		if (n > 512)
			n = 512;
		sum = bpf_csum_diff(NULL, 0, (__be32 *)(b->pkt + o), n, (__u32)sum);
		if (sum < 0)
			return -1;
	}
	return sum;
}

#endif /* OVL_BPF_CSUM_H */
