// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_abi_btf.c - bpf/ovl_abi.h as gcc lays it out here, against the BTF
 * clang wrote into the BPF objects (cilium's alignchecker, in C).
 *
 * For every struct of ovl_abi.h: the size, the number of members, and each
 * member's offset and size must be the same in build/ovl.bpf.o's BTF as in
 * sizeof/offsetof here. A struct the header defines but the table below or
 * the object's BTF lacks is a failure. Then the enums' values, and the
 * maps of the object: type, key and value sizes and types, max_entries,
 * and the ABI version in .rodata. Nothing is loaded into the kernel: no
 * privileges needed.
 */
#include <errno.h>
#include <regex.h>
#include <stddef.h>
#include <stdlib.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "ovl_abi.h"
#include "test.h"
#include "test_path.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct abi_member {
	const char *name;
	size_t off, size;
};

struct abi_struct {
	const char *name;
	size_t size;
	const struct abi_member *members;
	size_t n;
};

/* STRUCT(s, m1, m2, ...): the table row of struct s, each member named once. */
#define MEMBER(s, f)                                                                               \
	{                                                                                          \
#f, offsetof(struct s, f), sizeof(((struct s *)0)->f)                              \
	}
#define M_1(s, f)							  MEMBER(s, f)
#define M_2(s, f, ...)							  MEMBER(s, f), M_1(s, __VA_ARGS__)
#define M_3(s, f, ...)							  MEMBER(s, f), M_2(s, __VA_ARGS__)
#define M_4(s, f, ...)							  MEMBER(s, f), M_3(s, __VA_ARGS__)
#define M_5(s, f, ...)							  MEMBER(s, f), M_4(s, __VA_ARGS__)
#define M_6(s, f, ...)							  MEMBER(s, f), M_5(s, __VA_ARGS__)
#define M_7(s, f, ...)							  MEMBER(s, f), M_6(s, __VA_ARGS__)
#define M_8(s, f, ...)							  MEMBER(s, f), M_7(s, __VA_ARGS__)
#define M_9(s, f, ...)							  MEMBER(s, f), M_8(s, __VA_ARGS__)
#define M_10(s, f, ...)							  MEMBER(s, f), M_9(s, __VA_ARGS__)
#define M_11(s, f, ...)							  MEMBER(s, f), M_10(s, __VA_ARGS__)
#define M_12(s, f, ...)							  MEMBER(s, f), M_11(s, __VA_ARGS__)
#define NARGS(...)							  NARGS_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define NARGS_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, n, ...) n
#define CAT(a, b)							  CAT_(a, b)
#define CAT_(a, b)							  a##b
#define STRUCT(s, ...)                                                                             \
	{                                                                                          \
#s, sizeof(struct s),                                                              \
			(const struct abi_member[]){                                               \
				CAT(M_, NARGS(__VA_ARGS__))(s, __VA_ARGS__) }, NARGS(__VA_ARGS__)  \
	}

/* Every struct of ovl_abi.h, every member in header order. */
static const struct abi_struct abi_structs[] = {
	STRUCT(ovl_cfg, local6, local4, underlay_ifindex, vxlan_port, pad, flags, abi_version,
	       nh_gen, owner),
	STRUCT(ovl_dest, addr, family, pad, port, flags),
	STRUCT(ovl_vni, flags, flood_ifindex, direct, vstat_slot),
	STRUCT(ovl_iface, vni, flags, mac, dhcp_mac, ip4, ip6, vstat_slot),
	STRUCT(ovl_mac_key, vni, mac, pad),
	STRUCT(ovl_rflow_key, vni, family, proto, lport, rport, pad, laddr, raddr),
	STRUCT(ovl_endpoint, ifindex, flags),
	STRUCT(ovl_addr_key, vni, family, pad, addr),
	STRUCT(ovl_neigh, mac, flags),
	STRUCT(ovl_peer, flags, vstat_slot),
	STRUCT(ovl_nh_key, ifindex, port, family, pad, addr),
	STRUCT(ovl_nexthop, gen, ifindex, mtu, smac, dmac),
	STRUCT(ovl_miss_key, vni, type, pad, addr),
	STRUCT(ovl_miss_rl, window_ns, count, pad),
	STRUCT(ovl_stat, packets, bytes),
	STRUCT(ovl_vni_stats, s),
	STRUCT(ovl_vni_drops, s),
	STRUCT(ovl_evt_hdr, type, len),
	STRUCT(ovl_evt, hdr, vni, ifindex, reason, ts_ns, mac, family, pad, addr, pkt_len, cap_len),
};

/* Structs of the BPF side only (bpf/lib/maps.h): not part of the ABI. */
static const char *const bpf_only_structs[] = { "ovl_evt_buf" };

struct abi_enumerator {
	const char *name;
	long long val;
};

struct abi_enum {
	const char *name;
	const struct abi_enumerator *vals;
	size_t n;
};

#define E(x)                                                                                       \
	{                                                                                          \
#x, x                                                                              \
	}
static const struct abi_enumerator drop_vals[] = {
	E(OVL_DROP_BASE),	  E(OVL_DROP_TRUNCATED),     E(OVL_DROP_VXLAN_FLAGS),
	E(OVL_DROP_PEER_UNKNOWN), E(OVL_DROP_NO_ENDPOINT),   E(OVL_DROP_BCAST),
	E(OVL_DROP_NO_IFACE),	  E(OVL_DROP_SPOOF_MAC),     E(OVL_DROP_SPOOF_IP),
	E(OVL_DROP_SPOOF_ARP),	  E(OVL_DROP_ETHERTYPE),     E(OVL_DROP_ARP_BAD),
	E(OVL_DROP_NDP_BAD),	  E(OVL_DROP_MISS),	     E(OVL_DROP_MISS_RL),
	E(OVL_DROP_MISS_RB_FULL), E(OVL_DROP_NO_LOCAL_ADDR), E(OVL_DROP_FIB),
	E(OVL_DROP_MTU),	  E(OVL_DROP_ADJUST),	     E(OVL_DROP_HAIRPIN),
	E(OVL_DROP_DAD),	  E(OVL_DROP_FWD_DISABLED),  E(OVL_DROP_SPOOF_ND),
	E(OVL_DROP_VLAN),	  E(OVL_DROP_DHCP_SERVER),   E(OVL_DROP_IP6_EXTHDR),
	E(OVL_DROP_MAX),
};
static const struct abi_enumerator stat_vals[] = {
	E(OVL_STAT_RX_PASS),	    E(OVL_STAT_RX_DECAP),
	E(OVL_STAT_RX_DECAP_BCAST), E(OVL_STAT_RX_UNKNOWN_VNI),
	E(OVL_STAT_RX_FRAGMENT),    E(OVL_STAT_TX_ENCAP4),
	E(OVL_STAT_TX_ENCAP6),	    E(OVL_STAT_TX_LOCAL),
	E(OVL_STAT_ARP_REPLY),	    E(OVL_STAT_NDP_REPLY),
	E(OVL_STAT_DHCP_PROXY),	    E(OVL_STAT_MISS_L2),
	E(OVL_STAT_MISS_ARP),	    E(OVL_STAT_MISS_NDP),
	E(OVL_STAT_ENCAP_GSO),	    E(OVL_STAT_ENCAP6_NOCSUM),
	E(OVL_STAT_NEIGH_RESOLVE),  E(OVL_STAT_DROP_EVT_LOST),
	E(OVL_STAT_ICMP_TOO_BIG),   E(OVL_STAT_DHCP_REPLY),
	E(OVL_STAT_DROP_FIRST),	    E(OVL_STAT_MAX),
};
static const struct abi_enumerator evt_vals[] = {
	E(OVL_EVT_MISS_L2),
	E(OVL_EVT_MISS_ARP),
	E(OVL_EVT_MISS_NDP),
	E(OVL_EVT_DROP),
};
static const struct abi_enumerator vstat_vals[] = {
	E(OVL_VSTAT_PEER_UNKNOWN), E(OVL_VSTAT_DROP),  E(OVL_VSTAT_ENCAP),
	E(OVL_VSTAT_DECAP),	   E(OVL_VSTAT_LOCAL), E(OVL_VSTAT_MAX),
};
#undef E

static const struct abi_enum abi_enums[] = {
	{ "ovl_drop", drop_vals, ARRAY_SIZE(drop_vals) },
	{ "ovl_stat_id", stat_vals, ARRAY_SIZE(stat_vals) },
	{ "ovl_evt_type", evt_vals, ARRAY_SIZE(evt_vals) },
	{ "ovl_vstat_id", vstat_vals, ARRAY_SIZE(vstat_vals) },
};

static struct btf *btf_open(const char *rel)
{
	char path[512];
	struct btf *btf;

	ovl_test_build_path(path, sizeof(path), rel);
	btf = btf__parse(path, NULL);
	if (!btf)
		printf("  btf__parse %s: %s\n", path, strerror(errno));
	return btf;
}

/* The names of the definitions of one kind ("struct" or "enum") in
 * bpf/ovl_abi.h, one per line in buf. */
static bool header_names(const char *kind, char *buf, size_t n)
{
	char path[512], line[512], re_src[64];
	size_t used = 0;
	regmatch_t m[2];
	regex_t re;
	FILE *f;

	snprintf(re_src, sizeof(re_src), "^%s (ovl_[a-z0-9_]+) \\{", kind);
	if (!ASSERT_OK(regcomp(&re, re_src, REG_EXTENDED), "regcomp"))
		return false;
	f = fopen(ovl_test_src_path(path, sizeof(path), "bpf/ovl_abi.h"), "r");
	if (!ASSERT_OK_PTR(f, path)) {
		regfree(&re);
		return false;
	}
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (regexec(&re, line, 2, m, 0))
			continue;
		used += (size_t)snprintf(buf + used, n - used, "%.*s\n",
					 (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
		if (used >= n)
			break;
	}
	fclose(f);
	regfree(&re);
	return ASSERT_LE(used, n - 1, "header names fit");
}

/* The table names every struct ovl_abi.h defines, and nothing else. */
void test_abi_btf_table_complete(void)
{
	char names[2048], what[160], *line, *save = NULL;
	size_t n = 0;

	if (!header_names("struct", names, sizeof(names)))
		return;
	for (line = strtok_r(names, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool found = false;

		for (size_t i = 0; i < ARRAY_SIZE(abi_structs); i++)
			found |= strcmp(abi_structs[i].name, line) == 0;
		snprintf(what, sizeof(what), "struct %s of ovl_abi.h is in abi_structs[]", line);
		ASSERT_TRUE(found, what);
		n++;
	}
	ASSERT_EQ(n, ARRAY_SIZE(abi_structs), "structs in ovl_abi.h");

	if (!header_names("enum", names, sizeof(names)))
		return;
	n = 0;
	for (line = strtok_r(names, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool found = false;

		for (size_t i = 0; i < ARRAY_SIZE(abi_enums); i++)
			found |= strcmp(abi_enums[i].name, line) == 0;
		snprintf(what, sizeof(what), "enum %s of ovl_abi.h is in abi_enums[]", line);
		ASSERT_TRUE(found, what);
		n++;
	}
	ASSERT_EQ(n, ARRAY_SIZE(abi_enums), "enums in ovl_abi.h");
}

static bool check_struct(const struct btf *btf, const struct abi_struct *s)
{
	const struct btf_type *t;
	const struct btf_member *m;
	char what[128];
	bool ok = true;
	__s32 id;

	id = btf__find_by_name_kind(btf, s->name, BTF_KIND_STRUCT);
	snprintf(what, sizeof(what), "struct %s in the BTF of ovl.bpf.o", s->name);
	if (!ASSERT_GE(id, 1, what))
		return false;
	t = btf__type_by_id(btf, (__u32)id);
	snprintf(what, sizeof(what), "sizeof(struct %s)", s->name);
	ok &= ASSERT_EQ(t->size, s->size, what);
	snprintf(what, sizeof(what), "members of struct %s (BTF vs the table here)", s->name);
	ok &= ASSERT_EQ(btf_vlen(t), s->n, what);

	for (size_t i = 0; i < s->n; i++) {
		const struct abi_member *am = &s->members[i];
		int j, vlen = btf_vlen(t);

		for (j = 0, m = btf_members(t); j < vlen; j++, m++) {
			if (strcmp(btf__name_by_offset(btf, m->name_off), am->name) == 0)
				break;
		}
		snprintf(what, sizeof(what), "%s.%s in BTF", s->name, am->name);
		if (!ASSERT_TRUE(j < vlen, what)) {
			ok = false;
			continue;
		}
		snprintf(what, sizeof(what), "%s.%s is whole bytes, not a bitfield", s->name,
			 am->name);
		ok &= ASSERT_TRUE(btf_member_bitfield_size(t, (__u32)j) == 0 &&
					  btf_member_bit_offset(t, (__u32)j) % 8 == 0,
				  what);
		snprintf(what, sizeof(what), "offsetof(%s, %s)", s->name, am->name);
		ok &= ASSERT_EQ(btf_member_bit_offset(t, (__u32)j) / 8, am->off, what);
		snprintf(what, sizeof(what), "sizeof(%s.%s)", s->name, am->name);
		ok &= ASSERT_EQ(btf__resolve_size(btf, m->type), am->size, what);
		snprintf(what, sizeof(what), "%s.%s is member %zu", s->name, am->name, i);
		ok &= ASSERT_EQ(j, i, what);
	}
	return ok;
}

void test_abi_btf_structs(void)
{
	struct btf *btf = btf_open("ovl.bpf.o");
	char what[160];
	size_t good = 0;

	if (!ASSERT_OK_PTR(btf, "BTF of ovl.bpf.o"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(abi_structs); i++)
		good += check_struct(btf, &abi_structs[i]);
	test_info("%zu of %zu structs agree", good, ARRAY_SIZE(abi_structs));

	/* and no ovl_ struct in the object escapes the table */
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		bool known = false;

		if (!btf_is_struct(t) || strncmp(name, "ovl_", 4) != 0)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(abi_structs); i++)
			known |= strcmp(abi_structs[i].name, name) == 0;
		for (size_t i = 0; i < ARRAY_SIZE(bpf_only_structs); i++)
			known |= strcmp(bpf_only_structs[i], name) == 0;
		snprintf(what, sizeof(what), "struct %s of ovl.bpf.o is in a table here", name);
		ASSERT_TRUE(known, what);
	}
	btf__free(btf);
}

static bool check_enum(const struct btf *btf, const char *obj, const struct abi_enum *e)
{
	const struct btf_type *t;
	const struct btf_enum *v;
	char what[160];
	bool ok = true;
	__s32 id;

	id = btf__find_by_name_kind(btf, e->name, BTF_KIND_ENUM);
	snprintf(what, sizeof(what), "enum %s in the BTF of %s", e->name, obj);
	if (!ASSERT_GE(id, 1, what))
		return false;
	t = btf__type_by_id(btf, (__u32)id);
	snprintf(what, sizeof(what), "enumerators of %s (BTF vs the table here)", e->name);
	ok &= ASSERT_EQ(btf_vlen(t), e->n, what);
	for (size_t i = 0; i < e->n; i++) {
		int j, vlen = btf_vlen(t);

		for (j = 0, v = btf_enum(t); j < vlen; j++, v++) {
			if (strcmp(btf__name_by_offset(btf, v->name_off), e->vals[i].name) == 0)
				break;
		}
		snprintf(what, sizeof(what), "%s in BTF", e->vals[i].name);
		if (!ASSERT_TRUE(j < vlen, what)) {
			ok = false;
			continue;
		}
		/* kflag: a signed enum (BTF_KIND_ENUM, since kernel 6.0) */
		ok &= ASSERT_EQ(btf_kflag(t) ? (long long)v->val : (long long)(__u32)v->val,
				e->vals[i].val, e->vals[i].name);
	}
	return ok;
}

/*
 * The enums as clang sees ovl_abi.h. ovl.bpf.o declares nothing of an enum
 * type, so its BTF has none; tests/unit/btf/abi_probe.bpf.c, built with the
 * same flags, does. Should ovl.bpf.o come to carry them, they are checked
 * there too.
 */
void test_abi_btf_enums(void)
{
	struct btf *probe = btf_open("tests/abi_probe.bpf.o");
	struct btf *obj = btf_open("ovl.bpf.o");

	if (!ASSERT_OK_PTR(probe, "BTF of abi_probe.bpf.o") ||
	    !ASSERT_OK_PTR(obj, "BTF of ovl.bpf.o"))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(abi_enums); i++) {
		check_enum(probe, "abi_probe.bpf.o", &abi_enums[i]);
		if (btf__find_by_name_kind(obj, abi_enums[i].name, BTF_KIND_ENUM) > 0)
			check_enum(obj, "ovl.bpf.o", &abi_enums[i]);
		else
			test_info("enum %s: not in ovl.bpf.o's BTF, checked in abi_probe.bpf.o",
				  abi_enums[i].name);
	}
	/* what the object does carry of the enums: the size of the stats map,
	 * checked in test_abi_btf_maps */
out:
	btf__free(probe);
	btf__free(obj);
}

struct abi_map {
	const char *name;
	enum bpf_map_type type;
	__u32 key_size, value_size, max_entries;
	const char *key_type, *value_type; /* BTF names; NULL: none (ringbuf) */
};

static const struct abi_map abi_maps[] = {
	{ OVL_MAP_CONFIG, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ovl_cfg), 1, "__u32",
	  "ovl_cfg" },
	{ OVL_MAP_VNIS, BPF_MAP_TYPE_HASH, sizeof(__u32), sizeof(struct ovl_vni), OVL_MAX_VNIS,
	  "__u32", "ovl_vni" },
	{ OVL_MAP_IFACES, BPF_MAP_TYPE_HASH, sizeof(__u32), sizeof(struct ovl_iface),
	  OVL_MAX_IFACES, "__u32", "ovl_iface" },
	{ OVL_MAP_ENDPOINTS, BPF_MAP_TYPE_HASH, sizeof(struct ovl_mac_key),
	  sizeof(struct ovl_endpoint), OVL_MAX_ENDPOINTS, "ovl_mac_key", "ovl_endpoint" },
	{ OVL_MAP_FDB, BPF_MAP_TYPE_HASH, sizeof(struct ovl_mac_key), sizeof(struct ovl_dest),
	  OVL_MAX_FDB, "ovl_mac_key", "ovl_dest" },
	{ OVL_MAP_NEIGH, BPF_MAP_TYPE_HASH, sizeof(struct ovl_addr_key), sizeof(struct ovl_neigh),
	  OVL_MAX_NEIGH, "ovl_addr_key", "ovl_neigh" },
	{ OVL_MAP_PEERS, BPF_MAP_TYPE_HASH, sizeof(struct ovl_addr_key), sizeof(struct ovl_peer),
	  OVL_MAX_PEERS, "ovl_addr_key", "ovl_peer" },
	{ OVL_MAP_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct ovl_stat),
	  OVL_STAT_SLOTS, "__u32", "ovl_stat" },
	{ OVL_MAP_VNI_STATS, BPF_MAP_TYPE_PERCPU_HASH, sizeof(__u32), sizeof(struct ovl_vni_stats),
	  OVL_MAX_VNIS, "__u32", "ovl_vni_stats" },
	{ OVL_MAP_VNI_DROPS, BPF_MAP_TYPE_PERCPU_HASH, sizeof(__u32), sizeof(struct ovl_vni_drops),
	  OVL_MAX_VNIS, "__u32", "ovl_vni_drops" },
	{ OVL_MAP_VNI_CNT, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct ovl_vni_stats),
	  OVL_MAX_VNI_SLOTS + 1, "__u32", "ovl_vni_stats" },
	{ OVL_MAP_EVENTS, BPF_MAP_TYPE_RINGBUF, 0, 0, OVL_EVENTS_BYTES, NULL, NULL },
	{ OVL_MAP_MISS_RL, BPF_MAP_TYPE_LRU_HASH, sizeof(struct ovl_miss_key),
	  sizeof(struct ovl_miss_rl), OVL_MAX_MISS_RL, "ovl_miss_key", "ovl_miss_rl" },
	{ OVL_MAP_RFLOWS, BPF_MAP_TYPE_LRU_HASH, sizeof(struct ovl_rflow_key),
	  sizeof(struct ovl_dest), OVL_MAX_RFLOWS, "ovl_rflow_key", "ovl_dest" },
	{ OVL_MAP_NEXTHOPS, BPF_MAP_TYPE_LRU_HASH, sizeof(struct ovl_nh_key),
	  sizeof(struct ovl_nexthop), OVL_MAX_NEXTHOPS, "ovl_nh_key", "ovl_nexthop" },
	/* BPF-only scratch space: an event and the packet bytes after it */
	{ OVL_MAP_EVT_SCRATCH, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
	  sizeof(struct ovl_evt) + OVL_EVT_PKT_MAX, 1, "__u32", "ovl_evt_buf" },
};

static bool check_type_name(const struct btf *btf, __u32 id, const char *want, const char *what)
{
	const char *name = "(none)";

	if (id) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (t)
			name = btf__name_by_offset(btf, t->name_off);
	}
	return ASSERT_STREQ(name, want ? want : "(none)", what);
}

/* The ABI version, as ovld will find it in .rodata. */
static void check_abi_version(struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *rodata = NULL, *m;
	const unsigned char *data;
	size_t size = 0;
	__s32 id;
	__u32 v;
	int i;

	bpf_object__for_each_map(m, obj)
	{
		const char *name = bpf_map__name(m);
		size_t len = strlen(name);

		if (bpf_map__is_internal(m) && len >= 7 && strcmp(name + len - 7, ".rodata") == 0)
			rodata = m;
	}
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (!ASSERT_OK_PTR(rodata, ".rodata map") || !ASSERT_GE(id, 1, ".rodata in BTF"))
		return;
	data = bpf_map__initial_value(rodata, &size);
	sec = btf__type_by_id(btf, (__u32)id);
	for (i = 0, vs = btf_var_secinfos(sec); i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), "ovl_abi_version") == 0)
			break;
	}
	if (!ASSERT_TRUE(i < btf_vlen(sec), "ovl_abi_version in .rodata") ||
	    !ASSERT_OK_PTR(data, ".rodata contents") ||
	    !ASSERT_LE(vs->offset + sizeof(v), size, "ovl_abi_version within .rodata") ||
	    !ASSERT_EQ(vs->size, sizeof(v), "sizeof(ovl_abi_version)"))
		return;
	memcpy(&v, data + vs->offset, sizeof(v));
	ASSERT_EQ(v, OVL_ABI_VERSION, "ovl_abi_version in .rodata");
}

void test_abi_btf_maps(void)
{
	struct bpf_object *obj;
	const struct btf *btf;
	struct bpf_map *m;
	char path[512], what[128];

	ovl_test_build_path(path, sizeof(path), "ovl.bpf.o");
	obj = bpf_object__open_file(path, NULL);
	if (!ASSERT_OK_PTR(obj, path))
		return;
	btf = bpf_object__btf(obj);
	if (!ASSERT_OK_PTR(btf, "object BTF"))
		goto out;

	for (size_t i = 0; i < ARRAY_SIZE(abi_maps); i++) {
		const struct abi_map *am = &abi_maps[i];

		m = bpf_object__find_map_by_name(obj, am->name);
		snprintf(what, sizeof(what), "map %s in ovl.bpf.o", am->name);
		if (!ASSERT_OK_PTR(m, what))
			continue;
		snprintf(what, sizeof(what), "%s: type", am->name);
		ASSERT_EQ(bpf_map__type(m), am->type, what);
		snprintf(what, sizeof(what), "%s: key size", am->name);
		ASSERT_EQ(bpf_map__key_size(m), am->key_size, what);
		snprintf(what, sizeof(what), "%s: value size", am->name);
		ASSERT_EQ(bpf_map__value_size(m), am->value_size, what);
		snprintf(what, sizeof(what), "%s: max_entries", am->name);
		ASSERT_EQ(bpf_map__max_entries(m), am->max_entries, what);
		snprintf(what, sizeof(what), "%s: key type", am->name);
		check_type_name(btf, bpf_map__btf_key_type_id(m), am->key_type, what);
		snprintf(what, sizeof(what), "%s: value type", am->name);
		check_type_name(btf, bpf_map__btf_value_type_id(m), am->value_type, what);
	}

	/* every map of the object is in the table */
	bpf_object__for_each_map(m, obj)
	{
		bool known = false;

		if (bpf_map__is_internal(m))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(abi_maps); i++)
			known |= strcmp(abi_maps[i].name, bpf_map__name(m)) == 0;
		snprintf(what, sizeof(what), "map %s is in the table here", bpf_map__name(m));
		ASSERT_TRUE(known, what);
	}
	check_abi_version(obj);
out:
	bpf_object__close(obj);
}
