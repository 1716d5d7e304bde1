// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * harness.c - the test network, the skeleton, map helpers and the case
 * runner of harness.h.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "harness.h"
#include "kfeat.h"

static const char *const if_names[H_IF_MAX] = {
	[H_IF_UL] = "ul0",   [H_IF_EP0] = "ep0h", [H_IF_EP1] = "ep1h", [H_IF_EP2] = "ep2h",
	[H_IF_EP3] = "ep3h", [H_IF_EP4] = "ep4h", [H_IF_EP5] = "ep5h", [H_IF_EP6] = "ep6h",
};

/* ip -batch input that builds the test network (see harness.h). */
static const char net_script[] =
	"link set lo up\n"
	"link add name ul0 address " UL_MAC " type veth peer name ul1 address 02:00:00:00:01:02\n"
	"link set ul0 mtu 1500 up\n"
	"link set ul1 up\n"
	"addr add " LOCAL4 "/24 dev ul0\n"
	"addr add " LOCAL6 "/64 dev ul0 nodad\n"
	"neigh add " VTEP4 " lladdr " VTEP_MAC " dev ul0 nud permanent\n"
	"neigh add " VTEP6 " lladdr " VTEP_MAC " dev ul0 nud permanent\n"
	"neigh add " VTEP4_B " lladdr " VTEP_B_MAC " dev ul0 nud permanent\n"
	"neigh add " VTEP6_B " lladdr " VTEP_B_MAC " dev ul0 nud permanent\n"
	"route add 10.98.0.0/24 via " VTEP4 " dev ul0\n"
	"route add 10.97.0.0/24 via 10.99.0.254 dev ul0\n"
	"link add name ep0h type veth peer name ep0c\n"
	"link add name ep1h type veth peer name ep1c\n"
	"link add name ep2h type veth peer name ep2c\n"
	"link add name ep3h type veth peer name ep3c\n"
	"link add name ep4h type veth peer name ep4c\n"
	"link add name ep5h type veth peer name ep5c\n"
	"link add name ep6h type veth peer name ep6c\n"
	"link set ep0h up\nlink set ep0c up\nlink set ep1h up\nlink set ep1c up\n"
	"link set ep2h up\nlink set ep2c up\nlink set ep3h up\nlink set ep3c up\n"
	"link set ep4h up\nlink set ep4c up\nlink set ep5h up\nlink set ep5c up\n"
	"link set ep6h up\nlink set ep6c up\n";

/*
 * bpf_fib_lookup() answers BPF_FIB_LKUP_RET_FWD_DISABLED unless forwarding
 * is on for the device the lookup starts from. The encap path looks up from
 * the endpoint's veth (ingress mode), so, as ovld does, forwarding is on for
 * the endpoint veths and off on the underlay.
 */
static const char *const sysctls[] = {
	"/proc/sys/net/ipv4/conf/ep0h/forwarding", "/proc/sys/net/ipv6/conf/ep0h/forwarding",
	"/proc/sys/net/ipv4/conf/ep1h/forwarding", "/proc/sys/net/ipv6/conf/ep1h/forwarding",
	"/proc/sys/net/ipv4/conf/ep2h/forwarding", "/proc/sys/net/ipv6/conf/ep2h/forwarding",
	"/proc/sys/net/ipv4/conf/ep3h/forwarding", "/proc/sys/net/ipv6/conf/ep3h/forwarding",
	"/proc/sys/net/ipv4/conf/ep4h/forwarding", "/proc/sys/net/ipv6/conf/ep4h/forwarding",
	"/proc/sys/net/ipv4/conf/ep5h/forwarding", "/proc/sys/net/ipv6/conf/ep5h/forwarding",
	"/proc/sys/net/ipv4/conf/ep6h/forwarding", "/proc/sys/net/ipv6/conf/ep6h/forwarding",
};

static struct {
	bool tried;
	bool ok;
	bool skip;
	char why[200];
	struct ovl *skel;
	struct ring_buffer *rb;
	uint32_t ifindex[H_IF_MAX];
	int ncpus;
	struct h_result *sink; /* where ringbuf records go, or NULL to drop them */
	bool keep_nh;	       /* h_reset() leaves ovl_nexthops alone */
} H;

uint32_t h_nh_gen;

const struct h_ent h_world[] = {
	E_CFG(LOCAL4, LOCAL6, 0),
	E_VNI(VNI_A, 0),
	E_VNI(VNI_B, OVL_VNI_F_STRICT_SRC),
	E_VNI_DIRECT(VNI_D, VTEP4_B, VXLAN_PORT),
	E_IFACE(H_IF_EP0, VNI_A, OVL_IF_F_IP_NOSPOOF, A1_MAC, NULL),
	E_IFACE(H_IF_EP1, VNI_A, 0, A2_MAC, NULL),
	E_IFACE(H_IF_EP2, VNI_B, 0, B1_MAC, NULL),
	E_IFACE(H_IF_EP3, VNI_B, 0, B2_MAC, NULL),
	E_IFACE(H_IF_EP4, VNI_D, 0, D1_MAC, NULL),
	E_EP(VNI_A, A1_MAC, H_IF_EP0, 0),
	E_EP(VNI_A, A2_MAC, H_IF_EP1, 0),
	E_EP(VNI_B, B1_MAC, H_IF_EP2, 0),
	E_EP(VNI_B, B2_MAC, H_IF_EP3, 0),
	E_EP(VNI_D, D1_MAC, H_IF_EP4, 0),
	E_FDB(VNI_A, R1_MAC, VTEP4, VXLAN_PORT),
	E_FDB(VNI_A, R2_MAC, VTEP6, VXLAN_PORT),
	E_FDB(VNI_A, R3_MAC, VTEP4_NN, VXLAN_PORT),
	E_FDB(VNI_A, R4_MAC, VTEP6_NN, VXLAN_PORT),
	E_FDB(VNI_A, R5_MAC, VTEP4_GW, VXLAN_PORT),
	E_FDB(VNI_A, R6_MAC, VTEP4_GWNN, VXLAN_PORT),
	E_FDB(VNI_A, R7_MAC, VTEP4_NOROUTE, VXLAN_PORT),
	E_FDB(VNI_A, R8_MAC, VTEP6, 8472),
	E_NEIGH(VNI_A, A1_IP4, A1_MAC, 0),
	E_NEIGH(VNI_A, A1_IP6, A1_MAC, 0),
	E_NEIGH(VNI_A, A1_LL6, A1_MAC, 0),
	E_NEIGH(VNI_A, A2_IP4, A2_MAC, 0),
	E_NEIGH(VNI_A, A2_IP6, A2_MAC, 0),
	E_NEIGH(VNI_A, R1_IP4, R1_MAC, 0),
	E_NEIGH(VNI_A, R1_IP6, R1_MAC, 0),
	E_NEIGH(VNI_A, R2_IP4, R2_MAC, 0),
	E_NEIGH(VNI_B, B1_IP4, B1_MAC, 0),
	E_NEIGH(VNI_D, D1_IP4, D1_MAC, 0),
	E_PEER(VNI_B, VTEP4),
	E_END,
};

const struct h_ent h_router_a[] = {
	E_ROUTER_A,
	E_END,
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static int net_setup(void)
{
	FILE *ip;
	int status, err;

	ip = popen("ip -batch -", "w");
	if (!ip) {
		snprintf(H.why, sizeof(H.why), "popen(ip): %s", strerror(errno));
		return -1;
	}
	fputs(net_script, ip);
	status = pclose(ip);
	if (status != 0) {
		snprintf(H.why, sizeof(H.why), "ip -batch failed (status %d)", status);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++) {
		err = write_file(sysctls[i], "1");
		if (err) {
			snprintf(H.why, sizeof(H.why), "write %s: %s", sysctls[i], strerror(-err));
			return -1;
		}
	}
	for (int i = H_IF_UL; i < H_IF_MAX; i++) {
		H.ifindex[i] = if_nametoindex(if_names[i]);
		if (!H.ifindex[i]) {
			snprintf(H.why, sizeof(H.why), "if_nametoindex(%s): %s", if_names[i],
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int evt_sink(void *ctx, void *data, size_t size)
{
	struct h_result *r = H.sink;
	struct h_evt *e;

	(void)ctx;
	if (!r)
		return 0;
	if (r->nevts >= H_MAX_EVTS) {
		r->nevts++; /* counted, not kept */
		return 0;
	}
	e = &r->evts[r->nevts++];
	e->size = (uint32_t)size;
	memcpy(e->raw, data, size < sizeof(e->raw) ? size : sizeof(e->raw));
	return 0;
}

static int skel_setup(void)
{
	struct ovl_kfeat kfeat;
	int err;

	libbpf_set_print(libbpf_print);
	H.skel = ovl__open();
	if (!H.skel) {
		snprintf(H.why, sizeof(H.why), "open skeleton: %s", strerror(errno));
		return -1;
	}
	H.skel->rodata->ovl_test_mode = 1;
	/* what ovld would load them with on this kernel */
	if (ovl_kfeat_probe(&kfeat, H.why, sizeof(H.why)))
		return -1;
	H.skel->rodata->ovl_features = kfeat.bits;
	err = ovl__load(H.skel);
	if (err) {
		snprintf(H.why, sizeof(H.why), "load BPF programs: %s", strerror(-err));
		return -1;
	}
	H.rb = ring_buffer__new(bpf_map__fd(H.skel->maps.ovl_events), evt_sink, NULL, NULL);
	if (!H.rb) {
		snprintf(H.why, sizeof(H.why), "ring_buffer__new: %s", strerror(errno));
		return -1;
	}
	H.ncpus = libbpf_num_possible_cpus();
	if (H.ncpus <= 0) {
		snprintf(H.why, sizeof(H.why), "libbpf_num_possible_cpus: %s", strerror(-H.ncpus));
		return -1;
	}
	return 0;
}

/*
 * What makes this tier skip rather than fail: no network namespace of our
 * own (CAP_SYS_ADMIN) and no bpf() (CAP_BPF), each probed directly. Once
 * both are there, anything else that goes wrong, a program the verifier
 * rejects included, is a failure.
 */
static bool caps_probe(void)
{
	int fd;

	if (unshare(CLONE_NEWNET)) {
		snprintf(H.why, sizeof(H.why), "unshare(CLONE_NEWNET): %s (needs root)",
			 strerror(errno));
		return false;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (fd < 0 && (errno == EPERM || errno == ENOSYS)) {
		snprintf(H.why, sizeof(H.why), "bpf(BPF_MAP_CREATE): %s (needs CAP_BPF)",
			 strerror(errno));
		return false;
	}
	if (fd >= 0)
		close(fd);
	return true;
}

bool h_ready(void)
{
	if (!H.tried) {
		H.tried = true;
		if (!caps_probe())
			H.skip = true;
		else if (!net_setup() && !skel_setup())
			H.ok = true;
	}
	if (H.ok)
		return true;
	if (H.skip)
		test_skip("%s", H.why);
	else
		ovl_test_fail(__FILE__, __LINE__, "test setup: %s", H.why);
	return false;
}

uint32_t h_ifindex(enum h_if i)
{
	return i > H_IF_NONE && i < H_IF_MAX ? H.ifindex[i] : 0;
}

/* ---- maps ------------------------------------------------------------------ */

static int map_clear(struct bpf_map *map)
{
	uint8_t key[64];
	int fd = bpf_map__fd(map);

	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	return 0;
}

static void drain_events(void)
{
	H.sink = NULL;
	ring_buffer__consume(H.rb);
}

int h_events_drain(void)
{
	H.sink = NULL;
	return ring_buffer__consume(H.rb);
}

/* ovl_vni_cnt's slots below H_MAX_SLOT, zeroed on every CPU. */
static int slots_clear(void)
{
	struct ovl_vni_stats *zero = calloc((size_t)H.ncpus, sizeof(*zero));
	int err = zero ? 0 : -ENOMEM;

	for (uint32_t s = 0; !err && s < H_MAX_SLOT; s++)
		if (bpf_map_update_elem(bpf_map__fd(H.skel->maps.ovl_vni_cnt), &s, zero, BPF_ANY))
			err = -errno;
	free(zero);
	return err;
}

int h_reset(void)
{
	struct bpf_map *hashes[] = {
		H.skel->maps.ovl_vnis,	    H.skel->maps.ovl_ifaces,	H.skel->maps.ovl_endpoints,
		H.skel->maps.ovl_fdb,	    H.skel->maps.ovl_neigh,	H.skel->maps.ovl_peers,
		H.skel->maps.ovl_miss_rl,   H.skel->maps.ovl_vni_stats, H.skel->maps.ovl_rflows,
		H.skel->maps.ovl_vni_drops,
	};
	struct ovl_cfg cfg;
	uint32_t zero = 0;
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(hashes); i++) {
		err = map_clear(hashes[i]);
		if (err)
			return err;
	}
	if (!H.keep_nh) {
		err = map_clear(H.skel->maps.ovl_nexthops);
		if (err)
			return err;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (bpf_map_update_elem(bpf_map__fd(H.skel->maps.ovl_config), &zero, &cfg, BPF_ANY))
		return -errno;
	err = slots_clear();
	if (err)
		return err;
	H.skel->bss->ovl_test_redir_ifindex = 0;
	H.skel->bss->ovl_test_redir_how = 0;
	H.skel->bss->ovl_test_rflow_writes = 0;
	H.skel->bss->ovl_test_nh_fills = 0;
	drain_events();
	return 0;
}

/* An address as the maps hold it: IPv4 in the first four bytes. */
static uint8_t addr_parse(const char *s, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (strchr(s, ':')) {
		pkt_in6(s, addr);
		return OVL_AF_INET6;
	}
	pkt_in4(s, addr);
	return OVL_AF_INET4;
}

static int update(struct bpf_map *map, const void *key, const void *val)
{
	return bpf_map_update_elem(bpf_map__fd(map), key, val, BPF_ANY) ? -errno : 0;
}

static void dest_fill(struct ovl_dest *d, const char *ip, uint16_t port)
{
	memset(d, 0, sizeof(*d));
	d->family = addr_parse(ip, d->addr);
	d->port = htons(port);
	d->flags = OVL_DEST_F_STATIC;
}

/* Zeroed ovl_vni_stats and ovl_vni_drops entries on every CPU, as ovld
 * makes them per overlay. */
static int vstats_create(uint32_t vni)
{
	struct ovl_vni_drops *zero = calloc((size_t)H.ncpus, sizeof(*zero));
	int err;

	if (!zero)
		return -ENOMEM;
	err = update(H.skel->maps.ovl_vni_stats, &vni, zero);
	if (!err)
		err = update(H.skel->maps.ovl_vni_drops, &vni, zero);
	free(zero);
	return err;
}

/* Sum the n counters of vni in a per-CPU hash of values of size bytes. */
static int percpu_sum(struct bpf_map *m, uint32_t vni, size_t size, struct ovl_stat *out, int n)
{
	uint8_t *vals = calloc((size_t)H.ncpus, size);
	int err = 0;

	memset(out, 0, sizeof(*out) * (size_t)n);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(m), &vni, vals))
		err = -errno;
	for (int c = 0; !err && c < H.ncpus; c++) {
		const struct ovl_stat *s = (const struct ovl_stat *)(vals + (size_t)c * size);

		for (int i = 0; i < n; i++) {
			out[i].packets += s[i].packets;
			out[i].bytes += s[i].bytes;
		}
	}
	free(vals);
	return err;
}

int h_slot_counters(uint32_t slot, struct ovl_stat vs[OVL_VSTAT_MAX])
{
	return percpu_sum(H.skel->maps.ovl_vni_cnt, slot, sizeof(struct ovl_vni_stats), vs,
			  OVL_VSTAT_MAX);
}

/* Add to vs what vni's ovl_vni_cnt slot counted, as ovld reads a network's
 * counters (ovl_abi.h): the slot its ovl_vnis entry names. */
static int slot_add(uint32_t vni, struct ovl_stat vs[OVL_VSTAT_MAX])
{
	struct ovl_stat s[OVL_VSTAT_MAX];
	struct ovl_vni v;
	int err;

	if (bpf_map_lookup_elem(bpf_map__fd(H.skel->maps.ovl_vnis), &vni, &v) || !v.vstat_slot)
		return 0;
	err = h_slot_counters(v.vstat_slot, s);
	for (int i = 0; !err && i < OVL_VSTAT_MAX; i++) {
		vs[i].packets += s[i].packets;
		vs[i].bytes += s[i].bytes;
	}
	return err;
}

int h_vni_counters(uint32_t vni, struct ovl_stat vs[OVL_VSTAT_MAX],
		   struct ovl_stat vd[OVL_DROP_MAX - OVL_DROP_BASE])
{
	int err = percpu_sum(H.skel->maps.ovl_vni_stats, vni, sizeof(struct ovl_vni_stats), vs,
			     OVL_VSTAT_MAX);

	err = err ? err : slot_add(vni, vs);

	return err ? err :
		     percpu_sum(H.skel->maps.ovl_vni_drops, vni, sizeof(struct ovl_vni_drops), vd,
				OVL_DROP_MAX - OVL_DROP_BASE);
}

static void rflow_fill(const struct h_ent *e, struct ovl_rflow_key *k, struct ovl_dest *d)
{
	uint8_t ra[16];

	memset(k, 0, sizeof(*k));
	k->vni = e->vni;
	k->proto = e->proto;
	k->family = addr_parse(e->a, k->laddr);
	addr_parse(e->b, ra);
	memcpy(k->raddr, ra, 16);
	k->lport = htons(e->lport);
	k->rport = htons(e->rport);
	dest_fill(d, e->c, e->port);
	d->flags = e->flags;
}

static int ent_load(const struct h_ent *e)
{
	struct ovl_addr_key akey;
	struct ovl_mac_key mkey;
	uint32_t key32;

	memset(&akey, 0, sizeof(akey));
	memset(&mkey, 0, sizeof(mkey));
	switch (e->kind) {
	case H_E_CFG: {
		struct ovl_cfg cfg;
		uint8_t a4[16];

		memset(&cfg, 0, sizeof(cfg));
		if (e->a) {
			addr_parse(e->a, a4);
			memcpy(&cfg.local4, a4, 4);
		}
		if (e->b)
			addr_parse(e->b, cfg.local6);
		cfg.underlay_ifindex = h_ifindex(e->ifc);
		cfg.vxlan_port = htons(e->port);
		cfg.flags = e->flags;
		cfg.nh_gen = h_nh_gen;
		key32 = 0;
		return update(H.skel->maps.ovl_config, &key32, &cfg);
	}
	case H_E_VNI: {
		struct ovl_vni v;

		int err;

		memset(&v, 0, sizeof(v));
		v.flags = e->flags;
		v.vstat_slot = e->slot;
		if (e->a)
			dest_fill(&v.direct, e->a, e->port);
		err = update(H.skel->maps.ovl_vnis, &e->vni, &v);
		return err ? err : vstats_create(e->vni);
	}
	case H_E_IFACE: {
		struct ovl_iface ifc;

		memset(&ifc, 0, sizeof(ifc));
		ifc.vni = e->vni;
		ifc.flags = e->flags;
		ifc.vstat_slot = e->slot;
		pkt_mac(e->a, ifc.mac);
		if (e->b)
			pkt_mac(e->b, ifc.dhcp_mac);
		if (e->own4) {
			uint8_t a[16];

			if (addr_parse(e->own4, a) != OVL_AF_INET4)
				return -EINVAL;
			memcpy(&ifc.ip4, a, 4);
		}
		if (e->own6 && addr_parse(e->own6, ifc.ip6) != OVL_AF_INET6)
			return -EINVAL;
		key32 = h_ifindex(e->ifc);
		return update(H.skel->maps.ovl_ifaces, &key32, &ifc);
	}
	case H_E_EP:
	case H_E_EP_NOFDB:
	case H_E_EP_FDBONLY: {
		struct ovl_endpoint ep = { .ifindex = h_ifindex(e->ifc), .flags = e->flags };
		struct ovl_dest local;
		int err;

		mkey.vni = e->vni;
		pkt_mac(e->a, mkey.mac);
		/* as ovld's map_ep_put(): both maps (ovl_abi.h, ovl_fdb) */
		memset(&local, 0, sizeof(local));
		local.family = OVL_AF_LOCAL;
		memcpy(local.addr, &ep, sizeof(ep));
		if (e->kind == H_E_EP_NOFDB)
			bpf_map_delete_elem(bpf_map__fd(H.skel->maps.ovl_fdb), &mkey);
		else if ((err = update(H.skel->maps.ovl_fdb, &mkey, &local)))
			return err;
		if (e->kind == H_E_EP_FDBONLY) {
			bpf_map_delete_elem(bpf_map__fd(H.skel->maps.ovl_endpoints), &mkey);
			return 0;
		}
		return update(H.skel->maps.ovl_endpoints, &mkey, &ep);
	}
	case H_E_FDB: {
		struct ovl_dest d;

		mkey.vni = e->vni;
		pkt_mac(e->a, mkey.mac);
		dest_fill(&d, e->b, e->port);
		return update(H.skel->maps.ovl_fdb, &mkey, &d);
	}
	case H_E_NEIGH: {
		struct ovl_neigh n;

		memset(&n, 0, sizeof(n));
		akey.vni = e->vni;
		akey.family = addr_parse(e->a, akey.addr);
		pkt_mac(e->b, n.mac);
		n.flags = (uint16_t)e->flags;
		return update(H.skel->maps.ovl_neigh, &akey, &n);
	}
	case H_E_PEER: {
		/* as ovld writes it (ABI 6), unless flags say otherwise */
		struct ovl_peer pv = { .flags = e->flags ? e->flags :
							   OVL_PEER_F_STATIC | OVL_PEER_F_VNI,
				       .vstat_slot = e->slot };

		akey.vni = e->vni;
		akey.family = addr_parse(e->a, akey.addr);
		return update(H.skel->maps.ovl_peers, &akey, &pv);
	}
	case H_E_RFLOW: {
		struct ovl_rflow_key k;
		struct ovl_dest d;

		rflow_fill(e, &k, &d);
		return update(H.skel->maps.ovl_rflows, &k, &d);
	}
	case H_E_END:
		break;
	}
	return 0;
}

bool h_rflows_check(const char *what, const struct h_ent *want)
{
	int fd = bpf_map__fd(H.skel->maps.ovl_rflows), n = 0, nwant = 0;
	struct ovl_rflow_key k, next;
	struct ovl_dest d, got;
	char w[200];
	bool ok = true;

	for (const struct h_ent *e = want; e && e->kind == H_E_RFLOW; e++) {
		nwant++;
		rflow_fill(e, &k, &d);
		snprintf(w, sizeof(w), "%s: ovl_rflows has %s %u <- %s %u (proto %u)", what, e->a,
			 e->lport, e->b, e->rport, e->proto);
		if (!ASSERT_OK(bpf_map_lookup_elem(fd, &k, &got) ? -errno : 0, w)) {
			ok = false;
			continue;
		}
		snprintf(w, sizeof(w), "%s: ovl_rflows value for %s %u", what, e->a, e->lport);
		d.flags = e->flags;
		ok &= ASSERT_MEMEQ(&got, sizeof(got), &d, sizeof(d), w);
	}
	while (!bpf_map_get_next_key(fd, n ? &k : NULL, &next)) {
		k = next;
		n++;
	}
	snprintf(w, sizeof(w), "%s: ovl_rflows entries", what);
	ok &= ASSERT_EQ(n, nwant, w);
	return ok;
}

int h_load(const struct h_ent *e)
{
	int err;

	for (; e && e->kind != H_E_END; e++) {
		err = ent_load(e);
		if (err)
			return err;
	}
	return 0;
}

/* ---- running ----------------------------------------------------------------- */

static int stats_read(uint64_t *pkts, uint64_t *bytes)
{
	struct ovl_stat vals[H.ncpus];
	int fd = bpf_map__fd(H.skel->maps.ovl_stats);

	for (uint32_t id = 0; id < OVL_STAT_MAX; id++) {
		if (bpf_map_lookup_elem(fd, &id, vals))
			return -errno;
		pkts[id] = bytes[id] = 0;
		for (int c = 0; c < H.ncpus; c++) {
			pkts[id] += vals[c].packets;
			bytes[id] += vals[c].bytes;
		}
	}
	return 0;
}

/* Every ovl_vni_stats entry, summed over the CPUs, into r->vstats. */
static int vstats_read(struct h_result *r)
{
	int fd = bpf_map__fd(H.skel->maps.ovl_vni_stats), err = 0;
	struct ovl_stat slot[OVL_VSTAT_MAX];
	struct ovl_vni_stats *vals = calloc((size_t)H.ncpus, sizeof(*vals));
	uint32_t key, next;
	bool first = true;

	if (!vals)
		return -ENOMEM;
	r->nvnis = 0;
	while (!bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		if (r->nvnis == H_MAX_VNIS) {
			err = -E2BIG;
			break;
		}
		if (bpf_map_lookup_elem(fd, &key, vals)) {
			err = -errno;
			break;
		}
		r->vstats[r->nvnis].vni = key;
		for (int id = 0; id < OVL_VSTAT_MAX; id++) {
			r->vstats[r->nvnis].pkts[id] = r->vstats[r->nvnis].bytes[id] = 0;
			for (int c = 0; c < H.ncpus; c++) {
				r->vstats[r->nvnis].pkts[id] += vals[c].s[id].packets;
				r->vstats[r->nvnis].bytes[id] += vals[c].s[id].bytes;
			}
		}
		memset(slot, 0, sizeof(slot));
		err = slot_add(key, slot);
		if (err)
			break;
		for (int id = 0; id < OVL_VSTAT_MAX; id++) {
			r->vstats[r->nvnis].pkts[id] += slot[id].packets;
			r->vstats[r->nvnis].bytes[id] += slot[id].bytes;
		}
		r->nvnis++;
	}
	free(vals);
	return err;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int h_run(enum h_prog prog, enum h_if ifc, const struct pkt *in, const struct h_run_opts *o,
	  struct h_result *r)
{
	uint64_t pkts0[OVL_STAT_MAX], bytes0[OVL_STAT_MAX];
	struct h_result *v0 = calloc(1, sizeof(*v0));
	struct xdp_md xctx;
	struct __sk_buff sctx;
	int fd, err;
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = in->data,
		    .data_size_in = (uint32_t)in->len, .data_out = r->out,
		    .data_size_out = sizeof(r->out), .repeat = o ? o->repeat : 0);

	memset(r, 0, sizeof(*r));
	memset(&xctx, 0, sizeof(xctx));
	memset(&sctx, 0, sizeof(sctx));
	if (prog == H_XDP) {
		fd = bpf_program__fd(H.skel->progs.ovl_xdp_rx);
		xctx.data_end = (uint32_t)in->len;
		xctx.ingress_ifindex = h_ifindex(ifc);
		topts.ctx_in = &xctx;
		topts.ctx_size_in = sizeof(xctx);
	} else {
		fd = bpf_program__fd(prog == H_TCUL ? H.skel->progs.ovl_tc_ul_in :
						      H.skel->progs.ovl_tc_ep_in);
		sctx.ifindex = h_ifindex(ifc);
		sctx.gso_segs = o ? o->gso_segs : 0;
		sctx.gso_size = o ? o->gso_size : 0;
		topts.ctx_in = &sctx;
		topts.ctx_size_in = sizeof(sctx);
	}
	H.skel->bss->ovl_test_redir_ifindex = 0;
	H.skel->bss->ovl_test_redir_how = 0;
	H.skel->bss->ovl_test_rflow_writes = 0;
	err = v0 ? stats_read(pkts0, bytes0) : -ENOMEM;
	if (!err)
		err = vstats_read(v0);
	if (err) {
		free(v0);
		return r->err = err;
	}

	r->t_before = now_ns();
	err = bpf_prog_test_run_opts(fd, &topts);
	r->t_after = now_ns();
	r->err = err ? -errno : 0;
	r->retval = topts.retval;
	r->duration = topts.duration;
	r->out_len = topts.data_size_out;
	r->redir_ifindex = H.skel->bss->ovl_test_redir_ifindex;
	r->redir_how = H.skel->bss->ovl_test_redir_how;
	r->rflow_writes = H.skel->bss->ovl_test_rflow_writes;

	err = stats_read(r->pkts, r->bytes);
	if (err && !r->err)
		r->err = err;
	for (int i = 0; i < OVL_STAT_MAX; i++) {
		r->pkts[i] -= pkts0[i];
		r->bytes[i] -= bytes0[i];
	}
	err = vstats_read(r);
	if (err && !r->err)
		r->err = err;
	/* entries are made by h_load(), never by a run: same keys, same order */
	for (int v = 0; v < r->nvnis && v < v0->nvnis; v++) {
		for (int id = 0; id < OVL_VSTAT_MAX; id++) {
			r->vstats[v].pkts[id] -= v0->vstats[v].pkts[id];
			r->vstats[v].bytes[id] -= v0->vstats[v].bytes[id];
		}
	}
	if (r->nvnis != v0->nvnis && !r->err)
		r->err = -EPROTO;
	free(v0);
	if (o && o->keep_events)
		return r->err;
	H.sink = r;
	ring_buffer__consume(H.rb);
	H.sink = NULL;
	return r->err;
}

/* r0 = verdict; exit: a program of type that does nothing (H_EMPTY_*). */
static int empty_prog(enum bpf_prog_type type, int verdict)
{
	static int fds[2] = { -1, -1 };
	int *fd = &fds[type == BPF_PROG_TYPE_XDP];
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	if (*fd < 0)
		*fd = bpf_prog_load(type, "ovl_empty", "Dual BSD/GPL", insns, 2, NULL);
	return *fd;
}

struct ovl *h_skel(void)
{
	return H.skel;
}

int h_prog_fd(enum h_prog prog)
{
	switch (prog) {
	case H_XDP:
		return bpf_program__fd(H.skel->progs.ovl_xdp_rx);
	case H_TC:
		return bpf_program__fd(H.skel->progs.ovl_tc_ep_in);
	case H_TCUL:
		return bpf_program__fd(H.skel->progs.ovl_tc_ul_in);
	case H_EMPTY_XDP:
		return empty_prog(BPF_PROG_TYPE_XDP, XDP_PASS);
	case H_EMPTY_TC:
		return empty_prog(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK);
	}
	return -EINVAL;
}

int h_time(enum h_prog prog, enum h_if ifc, const struct pkt *in, uint32_t repeat, uint32_t calls,
	   uint32_t want_retval, double *ns)
{
	static uint8_t out[PKT_MAX + 256];
	struct xdp_md xctx;
	struct __sk_buff sctx;
	uint64_t sum = 0;
	int fd;
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = in->data,
		    .data_size_in = (uint32_t)in->len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);

	memset(&xctx, 0, sizeof(xctx));
	memset(&sctx, 0, sizeof(sctx));
	fd = h_prog_fd(prog);
	if (prog == H_XDP || prog == H_EMPTY_XDP) {
		xctx.data_end = (uint32_t)in->len;
		xctx.ingress_ifindex = h_ifindex(ifc);
		topts.ctx_in = &xctx;
		topts.ctx_size_in = sizeof(xctx);
	} else {
		sctx.ifindex = h_ifindex(ifc);
		topts.ctx_in = &sctx;
		topts.ctx_size_in = sizeof(sctx);
	}
	if (fd < 0)
		return fd;
	for (uint32_t i = 0; i < calls; i++) {
		topts.data_size_out = sizeof(out);
		if (bpf_prog_test_run_opts(fd, &topts))
			return -errno;
		if (topts.retval != want_retval)
			return -EPROTO;
		sum += topts.duration;
	}
	*ns = calls ? (double)sum / calls : 0;
	return 0;
}

/* ---- the case runner ------------------------------------------------------------ */

struct h_case h_case_as_tcul(const struct h_case *c)
{
	struct h_case t = *c;

	t.prog = H_TCUL;
	switch (c->verdict) {
	case XDP_REDIRECT:
		t.verdict = TC_ACT_REDIRECT;
		break;
	case XDP_PASS:
		t.verdict = TC_ACT_OK;
		break;
	case XDP_DROP:
		t.verdict = TC_ACT_SHOT;
		break;
	default:
		break;
	}
	/* h_world's endpoints have no OVL_EP_F_PEER_NETNS: bpf_redirect() */
	if (c->redir_how == OVL_REDIR_XDP)
		t.redir_how = OVL_REDIR_EGRESS;
	return t;
}

void h_run_cases_tcul(const struct h_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct h_case t = h_case_as_tcul(&cases[i]);
		struct pkt p;

		/* BPF_PROG_TEST_RUN refuses skbs of a bare Ethernet header */
		pkt_init(&p);
		t.build(&p);
		if (p.len <= ETH_HLEN) {
			test_info("%s: not expressible as an skb, skipped for TC", t.name);
			continue;
		}
		h_run_case(&t);
	}
}

static bool is_redirect(const struct h_case *c)
{
	return c->prog == H_XDP ? c->verdict == XDP_REDIRECT : c->verdict == TC_ACT_REDIRECT;
}

static bool check_stats(const struct h_case *c, const struct pkt *in, const struct h_result *r)
{
	bool ok = true;
	char what[160];

	for (uint32_t id = 0; id < OVL_STAT_MAX; id++) {
		const struct h_stat *s = NULL;
		uint64_t want = 0;

		for (size_t k = 0; k < ARRAY_SIZE(c->stats) && c->stats[k].pkts; k++)
			if (c->stats[k].id == id)
				s = &c->stats[k];
		if (s)
			want = s->pkts;
		snprintf(what, sizeof(what), "%s: counter %u packets", c->name, id);
		ok &= ASSERT_EQ(r->pkts[id], want, what);
		if (s && s->no_bytes)
			continue;
		snprintf(what, sizeof(what), "%s: counter %u bytes", c->name, id);
		ok &= ASSERT_EQ(r->bytes[id], want * in->len, what);
	}
	return ok;
}

static bool is_drop(const struct h_case *c)
{
	return c->prog == H_XDP ? c->verdict == XDP_DROP : c->verdict == TC_ACT_SHOT;
}

static bool check_vstats(const struct h_case *c, const struct pkt *in, const struct h_result *r)
{
	bool ok = true;
	char what[160];

	if (!c->vcheck && !c->vstats[0].pkts && is_drop(c))
		return true; /* a drop case that does not say */
	for (size_t k = 0; k < ARRAY_SIZE(c->vstats) && c->vstats[k].pkts; k++) {
		bool found = false;

		for (int v = 0; v < r->nvnis; v++)
			found |= r->vstats[v].vni == c->vstats[k].vni;
		snprintf(what, sizeof(what), "%s: ovl_vni_stats has VNI %u", c->name,
			 c->vstats[k].vni);
		ok &= ASSERT_TRUE(found, what);
	}
	/* the drop counters; the forwarding ones (OVL_VSTAT_ENCAP..LOCAL,
	 * counted in inner bytes) are test_vni_counters' (test_vni.c) */
	for (int v = 0; v < r->nvnis; v++) {
		for (uint32_t id = 0; id < OVL_VSTAT_ENCAP; id++) {
			uint64_t want = 0;

			for (size_t k = 0; k < ARRAY_SIZE(c->vstats) && c->vstats[k].pkts; k++)
				if (c->vstats[k].vni == r->vstats[v].vni && c->vstats[k].id == id)
					want = c->vstats[k].pkts;
			snprintf(what, sizeof(what), "%s: VNI %u counter %u packets", c->name,
				 r->vstats[v].vni, id);
			ok &= ASSERT_EQ(r->vstats[v].pkts[id], want, what);
			snprintf(what, sizeof(what), "%s: VNI %u counter %u bytes", c->name,
				 r->vstats[v].vni, id);
			ok &= ASSERT_EQ(r->vstats[v].bytes[id], want * in->len, what);
		}
	}
	return ok;
}

/* ovl_rflows as the case wants it after the run, and the writes made. */
static bool check_rflows(const struct h_case *c, const struct h_result *r)
{
	struct h_ent pre[17];
	size_t n = 0;
	char what[160];
	bool ok;

	if (!c->rflows) {
		const struct h_ent *lists[] = { c->world, c->extra };

		for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
			for (const struct h_ent *e = lists[l]; e && e->kind != H_E_END; e++)
				if (e->kind == H_E_RFLOW && n < ARRAY_SIZE(pre) - 1)
					pre[n++] = *e;
		pre[n].kind = H_E_END;
	}
	ok = h_rflows_check(c->name, c->rflows ? c->rflows : pre);
	snprintf(what, sizeof(what), "%s: ovl_rflows writes", c->name);
	ok &= ASSERT_EQ(r->rflow_writes, c->rflow_writes, what);
	return ok;
}

bool h_run_case(const struct h_case *c)
{
	struct pkt *in = calloc(1, sizeof(*in)), *want = calloc(1, sizeof(*want));
	struct h_result *r = calloc(1, sizeof(*r));
	char what[160];
	bool ok = false;
	int err;

	if (!ASSERT_OK_PTR(in && want && r ? in : NULL, "calloc"))
		goto out;
	err = h_reset();
	if (!err)
		err = h_load(c->world);
	if (!err)
		err = h_load(c->extra);
	snprintf(what, sizeof(what), "%s: load maps", c->name);
	if (!ASSERT_OK(err, what))
		goto out;

	pkt_init(in);
	c->build(in);
	err = h_run(c->prog, c->ifc, in, &c->run, r);
	snprintf(what, sizeof(what), "%s: BPF_PROG_TEST_RUN", c->name);
	if (!ASSERT_OK(err, what))
		goto out;

	ok = true;
	snprintf(what, sizeof(what), "%s: verdict", c->name);
	ok &= ASSERT_EQ(r->retval, c->verdict, what);

	snprintf(what, sizeof(what), "%s: output", c->name);
	if (c->out == H_OUT_UNCHANGED) {
		ok &= ASSERT_MEMEQ(r->out, r->out_len, in->data, in->len, what);
	} else if (c->out == H_OUT_BYTES) {
		pkt_init(want);
		c->expect(want, in, r);
		ok &= ASSERT_MEMEQ(r->out, r->out_len, want->data, want->len, what);
	}

	if (is_redirect(c)) {
		snprintf(what, sizeof(what), "%s: redirect ifindex", c->name);
		ok &= ASSERT_EQ(r->redir_ifindex, h_ifindex(c->redir_if), what);
		snprintf(what, sizeof(what), "%s: redirect how", c->name);
		ok &= ASSERT_EQ(r->redir_how, c->redir_how, what);
	} else {
		snprintf(what, sizeof(what), "%s: no redirect recorded", c->name);
		ok &= ASSERT_EQ(r->redir_ifindex, 0, what);
		ok &= ASSERT_EQ(r->redir_how, 0, what);
	}

	ok &= check_stats(c, in, r);
	ok &= check_vstats(c, in, r);
	snprintf(what, sizeof(what), "%s: ringbuf events", c->name);
	ok &= ASSERT_EQ(r->nevts, c->nevents, what);
	ok &= check_rflows(c, r);
	if (c->check)
		ok &= c->check(c, in, r);
	if (ok)
		test_info("ok %s", c->name);
out:
	free(in);
	free(want);
	free(r);
	return ok;
}

void h_run_cases(const struct h_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h_run_case(&cases[i]);
}

void h_run_cases_nh(const struct h_case *cases, size_t n)
{
	char name[200], what[240];

	h_nh_gen = 7;
	for (size_t i = 0; i < n; i++) {
		struct h_case c = cases[i];
		bool sent;

		snprintf(name, sizeof(name), "cold next-hop cache: %s", cases[i].name);
		c.name = name;
		H.keep_nh = false;
		if (!h_run_case(&c))
			continue;
		/* Sent to the underlay with the addresses the FIB gave: its
		 * answer was kept. One that the frame did not get past (a GSO
		 * segment too big, say) may have been; an unresolved next hop
		 * never is (such a case redirects with OVL_REDIR_NEIGH). */
		sent = c.prog == H_TC && is_redirect(&c) && c.redir_if == H_IF_UL &&
		       c.redir_how == OVL_REDIR_EGRESS;
		snprintf(what, sizeof(what), "%s: entries filled", name);
		if (sent)
			ASSERT_EQ(H.skel->bss->ovl_test_nh_fills, 1, what);
		else
			ASSERT_LE(H.skel->bss->ovl_test_nh_fills, 1, what);
		snprintf(name, sizeof(name), "warm next-hop cache: %s", cases[i].name);
		H.keep_nh = true;
		if (!h_run_case(&c))
			continue;
		snprintf(what, sizeof(what), "%s: entries filled", name);
		ASSERT_EQ(H.skel->bss->ovl_test_nh_fills, 0, what);
	}
	H.keep_nh = false;
	h_nh_gen = 0;
}

bool h_evt_check(const char *what, const struct h_result *r, int i, uint16_t type, uint32_t vni,
		 enum h_if ifc, uint32_t reason, const char *mac, const char *addr,
		 const struct pkt *frame, uint32_t cap_len)
{
	const struct ovl_evt *e;
	uint8_t want_mac[6] = { 0 }, want_addr[16] = { 0 };
	uint8_t want_family = 0;
	char w[160];
	bool ok = true;

	snprintf(w, sizeof(w), "%s: event %d present", what, i);
	if (!ASSERT_TRUE(i < r->nevts && i < H_MAX_EVTS, w))
		return false;
	e = &r->evts[i].evt;
	if (mac)
		pkt_mac(mac, want_mac);
	if (addr)
		want_family = addr_parse(addr, want_addr);

	snprintf(w, sizeof(w), "%s: event record size", what);
	ok &= ASSERT_EQ(r->evts[i].size, sizeof(*e) + cap_len, w);
	snprintf(w, sizeof(w), "%s: event hdr.len", what);
	ok &= ASSERT_EQ(e->hdr.len, sizeof(*e) + cap_len, w);
	snprintf(w, sizeof(w), "%s: event type", what);
	ok &= ASSERT_EQ(e->hdr.type, type, w);
	snprintf(w, sizeof(w), "%s: event vni", what);
	ok &= ASSERT_EQ(e->vni, vni, w);
	snprintf(w, sizeof(w), "%s: event ifindex", what);
	ok &= ASSERT_EQ(e->ifindex, h_ifindex(ifc), w);
	snprintf(w, sizeof(w), "%s: event reason", what);
	ok &= ASSERT_EQ(e->reason, reason, w);
	snprintf(w, sizeof(w), "%s: event mac", what);
	ok &= ASSERT_MEMEQ(e->mac, 6, want_mac, 6, w);
	snprintf(w, sizeof(w), "%s: event family", what);
	ok &= ASSERT_EQ(e->family, want_family, w);
	snprintf(w, sizeof(w), "%s: event addr", what);
	ok &= ASSERT_MEMEQ(e->addr, 16, want_addr, 16, w);
	snprintf(w, sizeof(w), "%s: event pad", what);
	ok &= ASSERT_EQ(e->pad, 0, w);
	snprintf(w, sizeof(w), "%s: event pkt_len", what);
	ok &= ASSERT_EQ(e->pkt_len, frame->len, w);
	snprintf(w, sizeof(w), "%s: event cap_len", what);
	ok &= ASSERT_EQ(e->cap_len, cap_len, w);
	snprintf(w, sizeof(w), "%s: event timestamp", what);
	ok &= ASSERT_TRUE(e->ts_ns >= r->t_before && e->ts_ns <= r->t_after, w);
	snprintf(w, sizeof(w), "%s: captured bytes", what);
	if (cap_len <= OVL_EVT_PKT_MAX && cap_len <= frame->len)
		ok &= ASSERT_MEMEQ(r->evts[i].raw + sizeof(*e), cap_len, frame->data, cap_len, w);
	return ok;
}
