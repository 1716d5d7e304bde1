/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * csum.h - Internet checksum helpers (RFC 1071).
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

#endif /* OVL_BPF_CSUM_H */
