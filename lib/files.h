/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * files.h - the files backend's hosts.json: parser and lookup table.
 *
 * The format is varpd's files plugin (seeds/001): one JSON object per
 * overlay network, keyed by VNIC MAC address:
 *
 *	{
 *	  "de:ad:be:ef:00:00": { "ip": "10.1.0.1", "port": 4789, "arp": "10.23.0.1", "ndp": "fe80::3" },
 *	  "de:ad:be:ef:00:01": { "ip": "10.1.0.2", "port": 4789, "dhcp-proxy": "de:ad:be:ef:00:00" }
 *	}
 *
 *   ip          required, underlay address of the host (VTEP) the MAC lives
 *               on, IPv4 or IPv6; not unspecified, multicast or v4-mapped
 *   port        required, integer 1..65535, the VTEP's VXLAN UDP port
 *   arp         optional, the IPv4 address this MAC answers ARP for
 *   ndp         optional, the IPv6 address this MAC answers NDP for
 *   dhcp-proxy  optional, MAC (an entry of the same file) that this MAC's
 *               DHCPv4 broadcasts are sent to
 *
 * An optional field given as "" is absent (the seed's published file shows
 * elided addresses that way). Parsing is strict: unknown keys, wrong types,
 * a MAC written twice (in any spelling), and an arp/ndp address claimed by
 * two MACs are errors. An error is one line naming the file, the line and
 * column (1-based, counted in characters as jansson does) and the reason:
 *
 *	hosts.json:7:5: "de:ad:be:ef:00:01": unknown key "prot" (expected ip, port, arp, ndp, dhcp-proxy)
 *
 * Semantic errors point at the key they concern: the MAC for entry-level
 * errors, the field's key for field errors.
 *
 * A table is immutable once built; lookups are hashed. It is not tied to a
 * VNI: the caller knows which overlay the file belongs to.
 */
#ifndef OVL_FILES_H
#define OVL_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "addr.h"

/* One MAC of the file. */
struct ovl_files_entry {
	__u8 mac[6];	  /* the key */
	struct ovl_ip ip; /* underlay address of the host it lives on */
	__u16 port;	  /* VXLAN UDP port on that host, host order */
	bool has_arp;
	struct ovl_ip arp; /* with has_arp: IPv4 answered for in ARP */
	bool has_ndp;
	struct ovl_ip ndp; /* with has_ndp: IPv6 answered for in NDP */
	bool has_dhcp_proxy;
	__u8 dhcp_proxy[6]; /* with has_dhcp_proxy: where DHCPv4 broadcasts go */
};

struct ovl_files_table;

/**
 * ovl_files_load() - read and parse a hosts.json file.
 * @path: the file; also the name used in error messages
 * @err: buffer for a one-line error message (may be NULL)
 * @errlen: size of @err
 * The file is opened with ovl_open_regular(): a FIFO or anything else that
 * is not a regular file is refused, never waited on. Whether the file is
 * to be trusted is the caller's question (ovld's files backend opens it
 * with ovl_open_trusted() and reads it with ovl_files_load_fd()).
 * Return: the table, or NULL with errno set: EINVAL for a file that does
 * not parse or validate or is not a regular file, EISDIR, ENOMEM, EFBIG
 * (over 1 GiB), or the error of open/read. @err says which and where.
 */
struct ovl_files_table *ovl_files_load(const char *path, char *err, size_t errlen);

/**
 * ovl_files_load_fd() - ovl_files_load() of a file already open.
 * @fd: the file, read from its current offset to its end; not closed
 * @path: the file's name in error messages
 * Return: as ovl_files_load().
 */
struct ovl_files_table *ovl_files_load_fd(int fd, const char *path, char *err, size_t errlen);

/**
 * ovl_files_parse() - parse hosts.json text from memory.
 * @buf: the text, not necessarily NUL-terminated
 * @len: its length in bytes
 * @name: file name for error messages
 * @err: buffer for a one-line error message (may be NULL)
 * @errlen: size of @err
 * Return: the table, or NULL with errno set to EINVAL or ENOMEM.
 */
struct ovl_files_table *ovl_files_parse(const char *buf, size_t len, const char *name, char *err,
					size_t errlen);

/**
 * ovl_files_find_mac() - the entry of a MAC.
 * Return: the entry, or NULL when the file does not list @mac.
 */
const struct ovl_files_entry *ovl_files_find_mac(const struct ovl_files_table *t,
						 const __u8 mac[6]);

/**
 * ovl_files_find_ip() - the entry that answers ARP (IPv4) or NDP (IPv6) for
 * an overlay address.
 * Return: the entry, or NULL when no entry claims @ip.
 */
const struct ovl_files_entry *ovl_files_find_ip(const struct ovl_files_table *t,
						const struct ovl_ip *ip);

/**
 * ovl_files_is_dhcp_server() - is @mac the "dhcp-proxy" of some entry, i.e.
 * a DHCP server of the network? Only such a MAC may answer DHCP clients.
 */
bool ovl_files_is_dhcp_server(const struct ovl_files_table *t, const __u8 mac[6]);

/* Number of entries. */
size_t ovl_files_count(const struct ovl_files_table *t);

/**
 * ovl_files_entry() - the entry at index @i, 0 <= @i < ovl_files_count(),
 * in the order of the file.
 * Return: the entry, or NULL when @i is out of range.
 */
const struct ovl_files_entry *ovl_files_entry(const struct ovl_files_table *t, size_t i);

/* Free a table; NULL is fine. */
void ovl_files_free(struct ovl_files_table *t);

#endif /* OVL_FILES_H */
