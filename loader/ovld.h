/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovld.h - the daemon's internal model, shared by the files of loader/.
 *
 * ovld is single-threaded: one event loop (loop.h) owns every object
 * here. Nothing is locked; nothing may block for long (backend lookups
 * answer from memory or later, through the backend's host handle).
 *
 * The files of loader/ form layers; each calls only those below it, and
 * what happens below reaches those above as events (events.h):
 *
 *   main.c config.c                      start-up, options, --config
 *   ctl_server.c ctl_cmds.c ctl_list.c   the control socket and its commands
 *   state.c reconcile.c                  state.json; what the kernel has and we do not
 *   miss.c learn.c                       misses resolved; what backends said, cached
 *   overlay.c                            overlays and their backends (host handle)
 *   vnic.c endpoint.c vni.c              VNICs, endpoints, an overlay's map entries
 *   backend.c backend_*.c                the backends
 *   dp.c attach.c owner.c maps.c pins.c  the kernel: programs, hooks, maps, pins,
 *   pins_migrate.c xmit.c caps.c         sockets, capabilities
 *   model.c events.c loop.c              the objects found, events, the event loop
 *
 *   struct ovld          the instance: options, the loaded BPF object,
 *                        sockets, the lists below
 *   struct ovl_overlay   one overlay network: name, VNI, backend
 *   struct ovl_ep        one local endpoint: a VNIC ovld created, or a
 *                        container interface the CNI plugin registered
 *
 * Persistent state (state.c) is the list of overlays and endpoints: what
 * changes it calls state_changed(), and state.json is written once at the
 * end of that turn of the loop, before any reply goes out, so that a restarted ovld
 * rebuilds the same attachments; the BPF maps themselves survive in the
 * kernel (pinned, and referenced by the attached programs).
 */
#ifndef OVLD_H
#define OVLD_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include <linux/types.h>
#include "ovl_abi.h"
#include "addr.h"
#include "ctl.h"
#include "kfeat.h"
#include "backend.h"
#include "events.h"
#include "shape.h"

#define OVL_NAME_MAX   32		      /* overlay names */
#define OVL_IFNAME_MAX 16		      /* IFNAMSIZ */
#define OVL_EP_ADDRS   (OVL_CTL_EP_ADDRS + 1) /* endpoint.add's, and the EUI-64 link-local */
#define OVL_ERR_MAX    512

struct ovl;
struct pin_state;
struct ovl_loop;
struct ovl_source;
struct ovl_timer;
struct ovl_sub;
struct ovld;
struct ovl_router;
struct ovl_forward;

struct ovl_overlay {
	struct ovl_overlay *next;
	char name[OVL_NAME_MAX];
	__u32 vni;
	__u32 vstat_slot; /* its forwarding counters' slot in ovl_vni_cnt (ovl_abi.h); 0: none */
	char search[16];  /* backend name: "files", "direct" */
	json_t *props;	  /* as given: {"files/config": ..., ...} */
	__u16 port;	  /* vxlan/listen_port */
	const struct ovl_backend_ops *ops;
	void *backend;		      /* the backend's private state */
	struct ovl_backend_host host; /* what the backend may call (overlay.c) */
	struct ovld *d;
	char error[OVL_ERR_MAX];     /* last backend error, "" when fine */
	char map_error[OVL_ERR_MAX]; /* a map the miss path writes is full, "" when not */
	unsigned int maps_full;	     /* which: 1 ovl_fdb, 2 ovl_neigh */
	unsigned long long map_full; /* entries not cached because a map was full */
	unsigned long long lookups, resolved, unresolved, reloads;
	unsigned long long list_seq; /* its place in paged listings (ctl_server.c); 0 = none yet */
	struct ovl_router *router;   /* its router zone (router.c), or NULL */
};

enum ovl_ep_kind {
	OVL_EP_VNIC,   /* created by `ovlctl vnic create` */
	OVL_EP_CNI,    /* registered by the CNI plugin */
	OVL_EP_ROUTER, /* an overlay's router zone (router.c); never saved */
};

struct ovl_ep {
	struct ovl_ep *next;
	char id[272]; /* VNIC name, or the CNI's "<container id>/<ifname>" (255 + 1 + 15) */
	enum ovl_ep_kind kind;
	char overlay[OVL_NAME_MAX];
	__u32 vni;
	__u8 mac[6];
	struct ovl_ip addrs[OVL_EP_ADDRS];
	int naddrs;
	char host_ifname[OVL_IFNAME_MAX];
	int host_ifindex;
	char ifname[OVL_IFNAME_MAX]; /* the endpoint's own interface (VNIC name, CNI_IFNAME) */
	char netns[256];	     /* netns name (VNIC) or path (CNI); "" = host; a VNIC is
				      * (netns, id), a CNI endpoint (network, id) */
	char network[128];	     /* the CNI network name (OVL_EP_CNI); may be "" */
	bool peer_netns;	     /* the far end is in another netns */
	bool ip_nospoof;	     /* source addresses are enforced (ep_apply_backend) */
	bool dhcp_proxy;
	__u8 dhcp_mac[6];
	bool dhcp_server;	     /* a DHCP server of its network (ep_apply_backend) */
	bool tso_off;		     /* TSO switched off on the endpoint's interface (IPv6 peers) */
	struct ovl_shape bw_in;	     /* cap toward the endpoint (host veth's root qdisc) */
	struct ovl_shape bw_out;     /* cap from it (its own interface's root qdisc) */
	unsigned long long list_seq; /* its place in paged listings (ctl_server.c); 0 = none yet */
};

enum {
	OVL_DECAP_AUTO, /* TC on a veth underlay, XDP on anything else */
	OVL_DECAP_XDP,
	OVL_DECAP_TC,
};

struct ovld_opts {
	char instance[OVL_INSTANCE_MAX + 1];
	char underlay[OVL_IFNAME_MAX];
	char config[256]; /* --config FILE, "" for none */
	char state_dir[256];
	char run_dir[256];
	char bpffs[256];		/* where a bpffs is (or gets) mounted */
	struct ovl_ip listen4, listen6; /* underlay addresses; unset: from the NIC */
	__u16 port;			/* VXLAN UDP port decap listens on */
	bool xdp_generic;		/* force generic XDP */
	int decap;			/* OVL_DECAP_*: where VXLAN is decapsulated */
	char metrics[80];		/* --metrics ADDR:PORT, "" for none (metrics.c) */
	int verbose;
};

/* Buckets of the miss resolution histogram (metrics.c). */
#define OVL_MISS_LAT_BUCKETS 14

struct ovld {
	struct ovld_opts o;
	int decap; /* OVL_DECAP_XDP or OVL_DECAP_TC, as attached */
	char pin_dir[300];
	char sock_path[300];
	struct ovl *skel;
	struct ovl_kfeat kfeat; /* what the kernel offers the programs */
	int underlay_ifindex;
	__u32 xdp_flags; /* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE */
	struct ovl_ip local4, local6;
	bool adopted;		/* maps came from a previous instance */
	int pin_fd;		/* the pin directory, judged by pins_open() */
	__u32 pins_abi;		/* the highest ABI marker pinned, 0 if none */
	bool pins_any;		/* anything else pinned */
	__u32 migrated_from;	/* the ABI of the pins migrated at start, or 0 */
	struct pin_state *pins; /* pins_migrate.c: what was migrated */
	__u32 cfg_ids[2];	/* ids of the ovl_config maps that are this instance's:
				  * the pinned one, the loaded one (0: none) */

	struct ovl_overlay *overlays;
	struct ovl_ep *eps;
	struct ovl_forward *forwards; /* published ports (router.c) */
	json_t *unrestored; /* {"overlays": [], "endpoints": []} that failed to come back */

	struct ovl_loop *loop;
	int sigfd, ctl_fd, lock_fd;
	struct ovl_source *sig_src, *ctl_src, *ring_src;
	struct ovl_timer *tick; /* miss.c: the ringbuf is read at least every second */
	struct ring_buffer *rb;
	int udp4_fd, udp6_fd, pkt_fd; /* xmit.c: first frames, injected replies */
	int nh_fd;		      /* nexthop.c: rtnetlink notices */
	struct ovl_source *nh_src;
	struct ovl_timer *nh_timer;
	__u32 nh_gen;			    /* ovl_cfg.nh_gen: the next-hop cache's generation */
	struct ovl_sub *subs[OVL_EV_KINDS]; /* events.c */
	int emitting[OVL_EV_KINDS];
	bool state_dirty; /* state_changed(): state.json is written at the turn's end */
	bool restoring;	  /* state_restore() is bringing the state back */
	bool stop;

	unsigned long long evt_received, evt_unresolved, evt_delivered, evt_injected;
	unsigned long long evt_csum_finished, evt_csum_invalid; /* of delivered frames */
	struct {
		unsigned long long bucket[OVL_MISS_LAT_BUCKETS]; /* cumulative, as exposed */
		unsigned long long count;
		double sum; /* seconds */
	} miss_lat;	    /* miss event to answer in the maps (metrics_miss_observe) */
};

/* The running daemon; one per process (model.c). */
extern struct ovld *ovld;

/* Something state.json holds changed: it is saved at the end of this turn
 * of the loop (state_flush), before the replies of the turn go out. */
static inline void state_changed(struct ovld *d)
{
	d->state_dirty = true;
}

/* ---- nexthop.c: the generation of the next-hop cache (ovl_nexthops) ---- */
/* Listen for rtnetlink notices, empty the cache and pick the generation
 * that dp_write_config() then writes; after dp_open(). */
int nh_init(struct ovld *d);
/* Stop listening and turn the cache off (nh_gen 0) for the programs that
 * run on without ovld. */
void nh_close(struct ovld *d);

/* ---- dp.c: BPF object, pins, attachments -------------------------------- */
int dp_probe_kernel(struct ovld *d);
int dp_open(struct ovld *d);
int dp_attach_decap(struct ovld *d);
int dp_detach_decap(struct ovld *d, int ifindex, const char *ifname);
/* Is ifindex's endpoint filter this instance's (or is there none)? */
bool dp_tc_is_ours(struct ovld *d, int ifindex);
/* The same, as 0 or -EBUSY with whose it is in err. */
int dp_tc_check(struct ovld *d, int ifindex, const char *ifname, char *err, size_t errlen);
int dp_write_config(struct ovld *d);
int dp_attach_tc(struct ovld *d, int ifindex, const char *ifname);
/* The id of the program in ovld's filter on ifindex's TC ingress, 0 if none. */
__u32 dp_tc_prog_id(int ifindex);
int dp_prepare_veth(const char *ifname);
/* ep's caps as root qdiscs (lib/shape.h): ep->bw_in on its host veth,
 * ep->bw_out on its own interface in its namespace; a rate of 0 removes
 * ovl's qdisc. Return: 0 or -errno with why in err. */
int dp_shape(struct ovld *d, const struct ovl_ep *ep, char *err, size_t errlen);
void dp_close(struct ovld *d);
/* The ringbuf of misses and drops: cb gets each record from
 * dp_events_consume(). Return: an fd to poll for records, or -errno. */
int dp_events_open(struct ovld *d, int (*cb)(void *ctx, void *data, size_t size), void *ctx);
int dp_events_consume(struct ovld *d);
/* The programs as the kernel has them: [{name, id, hook, attached}], and
 * the underlay's XDP program id (0: none) in *xdp_id. */
json_t *dp_programs_json(struct ovld *d, __u32 *xdp_id);
/* {"release", "minimum", "features": [...]}: what the programs were loaded with. */
json_t *dp_kernel_json(const struct ovld *d);
void dp_events_close(struct ovld *d);
int dp_map_fd(struct ovld *d, const char *name);

/* ---- cmd.c: programs ovld runs (ip, nft) ---------------------------------- */
/* Run argv (from PATH) in the network namespace nsfd (-1: ovld's), input
 * on its stdin. Return: 0, or -EIO with err "WHAT: its first line of
 * complaint" (or -errno when it could not be started). */
int ovld_cmd(int nsfd, const char *input, const char *what, char *err, size_t errlen,
	     const char *const argv[]);

/* ---- pins.c, pins_migrate.c: the pin directory, its ABI marker, migration */
/* Judge (and with create, make) the instance's pin directory: the fd of it,
 * -ENOENT when there is none, -EPERM (logged) when it is not trustworthy. */
int pins_open(struct ovld *d, bool create);
int pins_prepare(struct ovld *d);
int pins_migrate_copy(struct ovld *d);
int pins_commit(struct ovld *d);
json_t *pins_status(const struct ovld *d);
void pins_close(struct ovld *d);

/* ---- maps.c: typed map access ------------------------------------------- */
int map_vni_put(struct ovld *d, __u32 vni, const struct ovl_vni *v);
int map_vni_del(struct ovld *d, __u32 vni);
int map_fdb_put(struct ovld *d, __u32 vni, const __u8 mac[6], const struct ovl_dest *dst);
int map_fdb_get(struct ovld *d, __u32 vni, const __u8 mac[6], struct ovl_dest *dst);
int map_fdb_del(struct ovld *d, __u32 vni, const __u8 mac[6]);
int map_neigh_put(struct ovld *d, __u32 vni, const struct ovl_ip *ip, const __u8 mac[6],
		  __u16 flags);
int map_neigh_get(struct ovld *d, __u32 vni, const struct ovl_ip *ip, struct ovl_neigh *n);
int map_neigh_del(struct ovld *d, __u32 vni, const struct ovl_ip *ip);
/* ip a peer of the network vni whose counter slot is vstat_slot
 * (map_peer_value()). */
int map_peer_put(struct ovld *d, __u32 vni, const struct ovl_ip *ip, __u32 vstat_slot);
int map_peers_flush(struct ovld *d, __u32 vni);
int map_peer_del(struct ovld *d, __u32 vni, const struct ovl_ip *ip);
/* Rewrite the peers of vni whose value is not map_peer_value(vstat_slot)'s
 * (migrated from ABI 5, another slot), each in place: never missing. */
int map_peers_refresh(struct ovld *d, __u32 vni, __u32 vstat_slot);
/* The peers of vni appended to out (zeroed first). Return: 0 or -errno (out empty). */
int map_peers_list(struct ovld *d, __u32 vni, struct ovl_ip_vec *out);
int map_ep_put(struct ovld *d, const struct ovl_ep *ep);
int map_ep_del(struct ovld *d, const struct ovl_ep *ep);
/* The raw walks the typed ones below are made of (walk.c), of ovl_fdb or
 * ovl_neigh (map): every entry whose key starts with vni (all when
 * vni_filter is false), or one page of entries (see maps.c). */
typedef int (*map_entry_fn)(void *key, void *val, void *arg);
int map_walk(struct ovld *d, const char *map, bool vni_filter, __u32 vni, map_entry_fn fn,
	     void *arg);
int map_page(struct ovld *d, const char *map, __u32 *pos, unsigned int max, bool *done,
	     map_entry_fn fn, void *arg);
/* Call fn for every entry of a map whose key starts with vni (all when
 * vni_filter is false); fn may delete the entry it is given. */
int map_fdb_foreach(struct ovld *d, bool vni_filter, __u32 vni,
		    int (*fn)(struct ovld *, const struct ovl_mac_key *, struct ovl_dest *, void *),
		    void *arg);
int map_neigh_foreach(struct ovld *d, bool vni_filter, __u32 vni,
		      int (*fn)(struct ovld *, const struct ovl_addr_key *, struct ovl_neigh *,
				void *),
		      void *arg);
/* One page of a listing: whole hash buckets from *pos on, about max entries
 * (see maps.c); *pos is where the next page starts, *done says the end. */
int map_fdb_page(struct ovld *d, __u32 *pos, unsigned int max, bool *done,
		 int (*fn)(struct ovld *, const struct ovl_mac_key *, struct ovl_dest *, void *),
		 void *arg);
int map_neigh_page(struct ovld *d, __u32 *pos, unsigned int max, bool *done,
		   int (*fn)(struct ovld *, const struct ovl_addr_key *, struct ovl_neigh *,
			     void *),
		   void *arg);
int map_count(struct ovld *d, const char *name, __u32 *entries, __u32 *max);
int map_stats_read(struct ovld *d, struct ovl_stat *out, __u32 n);
int map_vni_stats_create(struct ovld *d, __u32 vni);
int map_vni_stats_del(struct ovld *d, __u32 vni);
__u32 map_vni_slot_pick(struct ovld *d, __u32 vni);
int map_vni_stats_read(struct ovld *d, const struct ovl_overlay *ov,
		       struct ovl_stat out[OVL_VSTAT_MAX]);

/* metrics.c: --metrics, GET /metrics in the Prometheus text format. */
struct sockaddr_storage;
int metrics_addr_parse(const char *s, struct sockaddr_storage *ss, unsigned int *len);
int metrics_listen(struct ovld *d);
void metrics_close(void);
/* The exposition, malloc'd, *len bytes; NULL with errno set. */
char *metrics_render(struct ovld *d, size_t *len);
void metrics_label_write(FILE *f, const char *v);
/* A miss of the data path seen at ts_ns (CLOCK_MONOTONIC) is resolved now. */
void metrics_miss_observe(struct ovld *d, unsigned long long ts_ns);
/* The drop reasons of ovl_vni_drops: out[reason - OVL_DROP_BASE]. */
#define OVL_VDROPS (OVL_DROP_MAX - OVL_DROP_BASE)
int map_vni_drops_read(struct ovld *d, __u32 vni, struct ovl_stat out[OVL_VDROPS]);

/* ---- xmit.c: frames ovld sends itself ------------------------------------ */
int xmit_open(struct ovld *d);
void xmit_close(struct ovld *d);
/* VXLAN over a UDP socket from the underlay address (a miss's first frame). */
int xmit_vxlan(struct ovld *d, const struct ovl_ip *ip, __u16 port, __u32 vni, const __u8 *frame,
	       size_t len);
/* A frame into an interface, as if it came from its far end (AF_PACKET). */
int xmit_inject(struct ovld *d, int ifindex, const __u8 *frame, size_t len);

/* ---- model.c: the objects, found ------------------------------------------ */
struct ovl_overlay *overlay_find(struct ovld *d, const char *name);
struct ovl_overlay *overlay_by_vni(struct ovld *d, __u32 vni);
bool ovl_ip_is_local(struct ovld *d, const struct ovl_ip *ip);
/* The namespace (VNIC) or network (CNI) that, with the id, names ep. */
const char *ep_scope(const struct ovl_ep *ep);
/* The endpoint of that kind whose id is id and whose scope, the namespace
 * of a VNIC ("" for the host's) or the network of a CNI endpoint, is scope;
 * NULL if none. */
struct ovl_ep *ep_find(struct ovld *d, enum ovl_ep_kind kind, const char *scope, const char *id);
/* "VNIC eth0 in namespace ns1", "endpoint c1/eth0 of network net-a". */
#define OVL_EP_LABEL_MAX 512
const char *ep_label(const struct ovl_ep *ep, char *buf, size_t len);
struct ovl_ep *ep_by_ifindex(struct ovld *d, int ifindex);
struct ovl_ep *ep_by_mac(struct ovld *d, __u32 vni, const __u8 mac[6]);
/* ---- bandwidth.c: an endpoint's caps (maxbw, CNI bandwidth) ------------- */
/* "bandwidth" {ingress_rate, ingress_burst, egress_rate, egress_burst} of
 * a request or a saved endpoint (absent: no caps) into *in and *out,
 * checked (-EINVAL and why, naming the field). */
int ep_bw_parse(json_t *o, struct ovl_shape *in, struct ovl_shape *out, char *err, size_t errlen);
/* "maxbw": bits/s (0: none) of a request into both caps; absent: *has false. */
int ep_bw_parse_maxbw(json_t *req, struct ovl_shape *in, struct ovl_shape *out, bool *has,
		      char *err, size_t errlen);
/* ep's caps as an endpoint object shows them (nothing without caps). */
void ep_bw_json(const struct ovl_ep *ep, json_t *o);
/* Change a registered endpoint's caps: qdiscs, then its OVL_EP_F_SHAPED. */
int ep_bw_set(struct ovld *d, struct ovl_ep *ep, const struct ovl_shape *in,
	      const struct ovl_shape *out, char *err, size_t errlen);
static inline bool ep_shaped(const struct ovl_ep *ep)
{
	return ep->bw_in.rate || ep->bw_out.rate;
}

/* ep as the data path has it: its ovl_ifaces and ovl_endpoints values. */
void ep_map_values(const struct ovl_ep *ep, struct ovl_iface *ifc, struct ovl_endpoint *e);
/* The keys of ovl_fdb/ovl_endpoints and ovl_neigh/ovl_peers, zeroed first:
 * the kernel hashes the padding too. */
void map_mac_key(struct ovl_mac_key *k, __u32 vni, const __u8 mac[6]);
void map_addr_key(struct ovl_addr_key *k, __u32 vni, const struct ovl_ip *ip);
/* The ovl_peers value ovld writes for a peer of a network with that
 * counter slot: OVL_PEER_F_VNI, the network is ours (ovl_abi.h). */
void map_peer_value(struct ovl_peer *p, __u32 vstat_slot);
/* An ovl_dest toward ip:port. */
void ovl_dest_from_ip(struct ovl_dest *d, const struct ovl_ip *ip, __u16 port, __u32 flags);
/* strerror() of a map write, "the map is full" for -E2BIG. */
const char *map_strerror(int err);

/* ---- vni.c: an overlay in ovl_vnis and ovl_peers ------------------------- */
int overlay_write_vni(struct ovld *d, struct ovl_overlay *ov);
int overlay_sync_vni(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen);
/* Account a write of the miss path to map (max entries) for ov: err 0
 * clears a "full" state of that map, -E2BIG counts, logs (once) and shows
 * in overlay list and status; what names the entry for the log. */
void overlay_map_write(struct ovl_overlay *ov, const char *map, unsigned int max, int err,
		       const char *what);
/* Silent black holes, told at the command that makes them (ctl_cmds.c):
 * a VNIC with a MAC the backend does not put on this host, a forwarding
 * entry toward an underlay address that is no peer of the overlay. */
bool overlay_mac_unreachable(struct ovld *d, struct ovl_overlay *ov, const __u8 mac[6], char *buf,
			     size_t len);
bool overlay_is_peer(struct ovl_overlay *ov, const struct ovl_ip *ip);
void overlay_peer_warning(struct ovl_overlay *ov, const struct ovl_ip *ip, const __u8 mac[6],
			  char *buf, size_t len);
/* Does ov's traffic go over IPv6 (a peer is IPv6, or the host has only
 * IPv6 on the underlay)? */
bool overlay_v6_underlay(struct ovld *d, const struct ovl_overlay *ov);
/* What an endpoint's MTU should be (IPv6 peers take 20 more bytes). */
unsigned int endpoint_mtu(struct ovld *d, const struct ovl_overlay *ov);

/* ---- endpoint.c: local endpoints ----------------------------------------- */
/* May ep->host_ifname be this endpoint (a veth ovl made for it, mark.h)?
 * Return: 0, or -EPERM/-ENODEV with the reason in err. */
int ep_check_link(struct ovld *d, struct ovl_ep *ep, bool restoring, char *err, size_t errlen);
int ep_register(struct ovld *d, struct ovl_ep *ep, char *err, size_t errlen);
/* -EEXIST, and why in err, when mac is an endpoint of ov already. */
int ep_mac_in_use(struct ovld *d, const struct ovl_overlay *ov, const __u8 mac[6], char *err,
		  size_t errlen);
/* -EADDRINUSE, and whose it is in err, when one of addrs (n of them) is
 * another MAC's on ov by a static ovl_neigh entry. */
int ep_addrs_in_use(struct ovld *d, const struct ovl_overlay *ov, const __u8 mac[6],
		    const struct ovl_ip *addrs, int n, char *err, size_t errlen);
int ep_unregister(struct ovld *d, struct ovl_ep *ep);
/* What the backend says about ep, into it and the maps (again on reload). */
int ep_apply_backend(struct ovld *d, struct ovl_ep *ep, struct ovl_overlay *ov, char *err,
		     size_t errlen);
json_t *ep_json(const struct ovl_ep *ep);

/* ---- vnic.c ---------------------------------------------------------------- */
/* VNIC name on overlay with mac, its far end in namespace netns (NULL or
 * "" for the host's), owning the addresses addrs (n of them, at most
 * OVL_CTL_EP_ADDRS; may be NULL when n is 0): link protection lets it send
 * from those alone, and ARP/NDP for them is answered with mac. Return: 0,
 * or -errno with the reason in err (-EINVAL a bad address, -E2BIG too
 * many, -EADDRINUSE one is another endpoint's). */
int vnic_create(struct ovld *d, const char *name, const char *overlay, const __u8 mac[6],
		const char *netns, const struct ovl_ip *addrs, int n, char *err, size_t errlen);
/* vnic_create() with a cap of maxbw bits/s in both directions (0: none). */
int vnic_create_capped(struct ovld *d, const char *name, const char *overlay, const __u8 mac[6],
		       const char *netns, const struct ovl_ip *addrs, int n,
		       unsigned long long maxbw, char *err, size_t errlen);
/* A VNIC's cap (vnic.set maxbw; 0 removes it). */
int vnic_set_maxbw(struct ovld *d, const char *name, const char *netns, unsigned long long maxbw,
		   char *err, size_t errlen);
/* The VNIC name in namespace netns ("" for the host's); with netns NULL,
 * the host's VNIC of that name, else the only one of that name. NULL with
 * the reason in err (errno EEXIST: several, ENOENT: none). */
struct ovl_ep *vnic_lookup(struct ovld *d, const char *name, const char *netns, char *err,
			   size_t errlen);
int vnic_delete(struct ovld *d, const char *name, const char *netns, char *err, size_t errlen);

/* ---- overlay.c: overlays and their backends ------------------------------ */
int overlay_create(struct ovld *d, const char *name, __u32 vni, const char *encap,
		   const char *search, json_t *props, char *err, size_t errlen);
int overlay_delete(struct ovld *d, const char *name, char *err, size_t errlen);
int overlay_reload(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen);
json_t *overlay_json(struct ovld *d, const struct ovl_overlay *ov);
/* Close every overlay's backend and free it (at exit). */
void overlay_free_all(struct ovld *d);

/* ---- learn.c: what a backend said, into the maps -------------------------- */
int learn_init(struct ovld *d);
void learn_fini(struct ovld *d);
/* Did the backend say lately it does not know key (a MAC for
 * OVL_EVT_MISS_L2, else a 16-byte address) of vni? */
bool learn_unknown(__u32 vni, __u16 type, const __u8 *key);
/* Its answer for mac (err, or where it lives) into ovl_fdb, or the negative
 * cache. Return: 0 when it lives on another host, or -errno. */
int learn_l2(struct ovld *d, struct ovl_overlay *ov, const __u8 mac[6], int err,
	     const struct ovl_ip *ip, __u16 port);
/* Its answer for ip (err, or the owner in mac) into ovl_neigh, or the
 * negative cache; an EUI-64 link-local address is its MAC's when the
 * network knows the MAC. Return: 0 with the owner in mac, or -errno. */
int learn_l3(struct ovld *d, struct ovl_overlay *ov, const struct ovl_ip *ip, int err, __u8 mac[6]);
/* The ovl_fdb entry of mac, as an address and port. */
int learn_fdb_get(struct ovld *d, __u32 vni, const __u8 mac[6], struct ovl_ip *ip, __u16 *port);

/* ---- miss.c: ringbuf events --------------------------------------------- */
/* How long a frame waits for a backend's deferred answer (-EAGAIN). */
#define OVL_PENDING_MS 3000
int miss_init(struct ovld *d);
void miss_fini(struct ovld *d);
/* A ringbuf record (struct ovl_evt and the frame), queued; what the
 * ringbuf callback does. Return: 0 (a bad or unqueued record is counted). */
int miss_submit(struct ovld *d, const void *data, size_t size);
/* Read the ringbuf and handle what is queued. */
void miss_poll(struct ovld *d);
/* Handle what is queued (miss_poll without the ringbuf). */
void miss_process(struct ovld *d);
unsigned long long miss_queue_dropped(void);
/* How many frames wait for a backend's deferred answer. */
unsigned int miss_pending(void);

/* ---- ctl_server.c: the control socket ------------------------------------ */
int ctl_listen(struct ovld *d);
/* A client on a connected socket fd (accepted, or a test's socketpair). */
struct ctl_client *ctl_client_new(struct ovld *d, int fd);
void ctl_close_all(struct ovld *d);

/* ---- config.c: the command line and --config ---------------------------- */
void config_usage(FILE *f);
/* Return: -1 to go on, or the exit status (--help, --version, bad usage). */
int config_parse_args(struct ovld_opts *o, int argc, char **argv, bool *cleanup);
/* --config FILE, checked; NULL (logged) when it is not right. */
json_t *config_load(struct ovld_opts *o);
/* The overlays of --config that the restored state does not have yet. */
void config_overlays(struct ovld *d, json_t *cfg);

/* ---- release.c ------------------------------------------------------------- */
/* Free what ovld holds, all but the data path (dp_close()). */
void ovld_release(struct ovld *d);

/* ---- caps.c: after start-up, keep only the capabilities the loop needs --- */
int caps_drop(struct ovld *d);

/* notify.c: sd_notify(3)'s protocol; MSG as "READY=1"; 0 or -errno. */
int ovld_notify(const char *msg);

/* ---- state.c ------------------------------------------------------------- */
int state_save(struct ovld *d);
/* Save if state_changed() since the last save (a hook of the loop). */
void state_flush(struct ovld *d);
int state_restore(struct ovld *d);

/* ---- reconcile.c --------------------------------------------------------- */
/* Remove what the kernel has of this instance and the restored state does
 * not: orphan VNIC veths, map entries of no endpoint. */
void reconcile(struct ovld *d);
unsigned int reconcile_remove_vnics(struct ovld *d);

#endif /* OVLD_H */
