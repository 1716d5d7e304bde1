/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * compat.h - constants BPF code needs that vmlinux.h does not carry
 * (it has types and enums, but no #defines). Never include the UAPI
 * headers (linux/...) next to vmlinux.h: the types would be defined twice.
 */
#ifndef OVL_BPF_COMPAT_H
#define OVL_BPF_COMPAT_H

#define ETH_ALEN		      6
#define ETH_HLEN		      14
#define ETH_P_IP		      0x0800
#define ETH_P_ARP		      0x0806
#define ETH_P_IPV6		      0x86DD
#define ETH_P_8021Q		      0x8100
#define ETH_P_8021AD		      0x88A8

#define AF_INET			      2 /* bpf_fib_lookup() families */
#define AF_INET6		      10

#define ARPHRD_ETHER		      1
#define ARPOP_REQUEST		      1
#define ARPOP_REPLY		      2

#define IPPROTO_ICMPV6		      58 /* IPv6-only protocol numbers are macros, absent from vmlinux.h */

#define ICMP_ECHOREPLY		      0 /* RFC 792 */
#define ICMP_ECHO		      8
#define ICMPV6_ECHO_REQUEST	      128 /* RFC 4443 section 4 */
#define ICMPV6_ECHO_REPLY	      129

#define IP_MF			      0x2000
#define IP_OFFSET		      0x1FFF
#define IP_DF			      0x4000

#define ND_ROUTER_SOLICIT	      133 /* RFC 4861 section 4: the five ND messages */
#define NDISC_NEIGHBOUR_SOLICITATION  135
#define NDISC_NEIGHBOUR_ADVERTISEMENT 136
#define ND_REDIRECT		      137
#define ND_OPT_SOURCE_LL_ADDR	      1
#define ND_OPT_TARGET_LL_ADDR	      2

#define DHCP_SERVER_PORT	      67
#define DHCP_CLIENT_PORT	      68
#define DHCP6_CLIENT_PORT	      546 /* RFC 8415 section 7.2 */
#define DHCP6_SERVER_PORT	      547

#define TC_ACT_UNSPEC		      (-1)
#define TC_ACT_OK		      0
#define TC_ACT_SHOT		      2
#define TC_ACT_REDIRECT		      7

#define CHECKSUM_PARTIAL	      3 /* skb->ip_summed */

#define VXLAN_HF_VNI		      0x08000000u /* the I flag, RFC 7348 section 5 */

#define BPF_F_ADJ_ROOM_ENCAP_L2(len)  (((__u64)(len)&0xff) << BPF_ADJ_ROOM_ENCAP_L2_SHIFT)

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#endif /* OVL_BPF_COMPAT_H */
