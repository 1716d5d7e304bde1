/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ctl.h - the control protocol between ovld and its clients (ovlctl, the
 * CNI plugin, tests), and the client side of it.
 *
 * Transport: a SOCK_STREAM unix socket, OVL_RUN_DIR/<instance>.sock, mode
 * 0600 in a 0755 directory; ovld also checks SO_PEERCRED and answers any
 * uid but 0 with an error. /run is not remounted by `ip netns exec`, so a
 * client started in any network namespace reaches the instance it names.
 *
 * Framing: one JSON object per line, both ways; a request is at most
 * OVL_CTL_MAX_LINE bytes. A client may send several requests on one
 * connection; each gets exactly one response line, in order. ovld serves
 * its clients in turns (a few requests each), so a client that sends many
 * requests at once does not hold the others up. A client may shut down
 * its sending side after its requests (shutdown(SHUT_WR)): it still gets
 * every response, then ovld closes the connection. (A last request
 * without its newline counts when the sending side is shut.)
 *
 * Request:  {"cmd": "<command>", <arguments as top-level members>}
 * Response: {"ok": true, "result": <value>}
 *       or  {"ok": true, "result": [<a page>], "next": "<cursor>"}
 *       or  {"ok": false, "error": "<message for humans>", "errno": "<ENAME>"}
 *
 * Lists (the *.list commands) have no size limit. A list request with
 * "limit": N (at most OVL_CTL_PAGE_MAX) or "cursor": "<the next of the
 * page before>" gets a page of at most N entries (a map's page may hold a
 * few more when one hash bucket does) and, unless it is the last page,
 * "next"; an entry that stays in place while the pages are read is listed
 * exactly once, one added or deleted meanwhile may or may not be. A page
 * may be empty and still have a "next". A list request without either
 * gets the whole list as one response line, however long: ovld writes it
 * as the client reads it.
 *
 * Commands (arguments; result):
 *   status          (); object: instance, pid, version, abi, underlay
 *                   {ifname, ifindex, local4, local6, port, xdp_mode,
 *                   xdp_prog_id}, pin_dir, state_dir, adopted (bool: the
 *                   maps were a previous ovld's), pins_abi (the ABI marker
 *                   pinned), migrated (null, or {from_abi, to_abi, maps
 *                   [{name, how "copied"|"rewritten"|"failed", entries}],
 *                   created [names]}: pins of an older ABI this start
 *                   migrated), programs [{name, id,
 *                   hook, attached (how many hooks it is attached to)}],
 *                   maps {NAME: {entries, max}}, overlays [...], events
 *                   {received, lost (ovld's queue was full),
 *                   misses_unresolved, delivered (first frames sent on),
 *                   csum_finished (of those, how many had their TCP/UDP
 *                   checksum finished by ovld), csum_invalid (how many
 *                   had one that was neither valid nor partial: sent as
 *                   they were), injected (ARP/NDP answers)}
 *   overlay.create  (name, vni, encap "vxlan", search "files"|"direct",
 *                   props {"files/config": PATH, "vxlan/listen_ip": ADDR,
 *                   "vxlan/listen_port": N, "direct/dest_ip": ADDR,
 *                   "direct/dest_port": N}); the overlay object
 *   overlay.delete  (name); {}
 *   overlay.list    ([limit], [cursor]); [overlay objects {name, vni, encap, search, props,
 *                   entries, error, mtu, map_full, drops, peer_unknown,
 *                   counters {drops, peer_unknown: {packets, bytes}}}];
 *                   mtu is what an endpoint's interface should use
 *                   (underlay MTU - 50, - 70 when the overlay has an IPv6
 *                   peer or the host only IPv6); error is the last
 *                   rejected reload, else a full ovl_fdb/ovl_neigh;
 *                   map_full counts the entries the miss path could not
 *                   cache; drops and peer_unknown are packets of the
 *                   network the data path dropped, and of those refused
 *                   from an underlay host that is no peer (ovl_vni_stats)
 *   vnic.create     (name, overlay, mac, [netns], [addrs [IP...]]); vnic
 *                   object {name, overlay, vni, mac, addrs, netns,
 *                   host_ifname, host_ifindex, [warnings]}: warnings when
 *                   the backend does not put the MAC on this host; a VNIC
 *                   is (netns, name): "" is the host's namespace; addrs
 *                   are the addresses it owns (ovlctl's --ip), at most
 *                   OVL_CTL_EP_ADDRS, single addresses (no /LEN), none
 *                   unspecified, multicast, broadcast or loopback, none
 *                   another endpoint's (EADDRINUSE): it may send from
 *                   those alone, ARP/NDP for them is answered with its MAC;
 *                   the result's addrs add its EUI-64 link-local address
 *                   and the backend's arp/ndp of the MAC; [maxbw N]: a cap
 *                   of N bits/s in both directions (0: none), the object's
 *                   maxbw (0: none) and bandwidth (below) say it
 *   vnic.set        (name, [netns], maxbw N|0); vnic object: the cap
 *                   changed (0 removes it); found as vnic.delete finds it
 *   vnic.delete     (name, [netns]); {} (without netns: the host's VNIC
 *                   name, else the only VNIC called name)
 *   vnic.list       ([netns], [limit], [cursor]); [vnic objects] (of that
 *                   namespace)
 *   endpoint.add    (id, overlay, host_ifname, mac, addrs [IP...],
 *                   [ifname], [netns], [peer_netns bool], [network]);
 *                   endpoint object (the CNI plugin's call; the veth
 *                   exists already and must carry the plugin's mark for
 *                   this instance, network and id in its ifalias (mark.h);
 *                   with ifname and netns, ovld fits the endpoint's
 *                   offloads: TSO off when the network has IPv6 VTEPs;
 *                   network is the CNI network name: an endpoint is
 *                   (network, id), and GC finds its own by it);
 *                   [bandwidth {ingress_rate, ingress_burst, egress_rate,
 *                   egress_burst}]: caps in bits/s and bits (0 or absent:
 *                   none; a burst 0: the default, max(10 ms at the rate,
 *                   64 KiB)), "ingress" toward the endpoint
 *   endpoint.del    (id, [network]); {"existed": bool} (never an error when
 *                   absent; without network, an id on two networks is)
 *   endpoint.list   ([limit], [cursor]); [endpoint objects {id, kind "vnic"|"cni", overlay,
 *                   vni, mac, addrs, host_ifname, host_ifindex, netns,
 *                   [network], [dhcp_proxy MAC], dhcp_server (bool: the
 *                   backend names it a DHCP server: it may answer DHCP
 *                   clients), [bandwidth {...} when capped, bursts as
 *                   applied], [maxbw N (a VNIC)]}]
 *   map.add         (overlay, mac, ip, [port]); the entry, [warnings] when
 *                   ip is no peer of the overlay (its VXLAN is refused)
 *   map.del         (overlay, mac); {}
 *   map.get         (overlay, mac); entry {overlay, vni, mac, ip, port,
 *                   static}
 *   map.list        ([overlay], [limit], [cursor]); [entries]
 *   neigh.add       (overlay, ip, mac); the entry
 *   neigh.del       (overlay, ip); {}
 *   neigh.list      ([overlay], [limit], [cursor]); [entries {overlay, vni, ip, mac, static}]
 *   router.list     ([overlay]); [router objects {overlay, vni, netns (the
 *                   router zone's namespace), mac (anycast), gateways
 *                   ["ADDR/PLEN"...], masquerade bool, host bool,
 *                   transit {host "169.254.X.1/30", router "169.254.X.2/30",
 *                   host6, router6}, forwards N, error (null when fine),
 *                   counters {to_host, from_host, masqueraded: {packets,
 *                   bytes}}}] of the overlays with a router
 *   router.set      (overlay, [gateway "ADDR/PLEN[,ADDR/PLEN]"], [masquerade
 *                   bool], [host bool]); the router object (changes the
 *                   overlay's router properties, kept across restarts;
 *                   the CNI plugin's "ipMasq": true sets masquerade)
 *   forward.add     (overlay, proto "tcp"|"udp", port N (the host's),
 *                   to ADDR (a container's overlay address, in a gateway's
 *                   subnet), to_port N, [host_ip ADDR] (only on that host
 *                   address; default every address of the host of to's
 *                   family), [owner STR] (the CNI plugin's
 *                   "cni:NETWORK/CONTAINERID/IFNAME": forward.del by owner
 *                   removes them all)); the forward object {overlay, vni,
 *                   proto, port, host_ip (or null), to, to_port, owner (or
 *                   null)}; EADDRINUSE when (proto, host_ip, port) is
 *                   forwarded already (any overlay), naming where to
 *   forward.del     (overlay, proto, port, [host_ip]) or (owner); {"deleted":
 *                   N} (by owner: never an error when none)
 *   forward.list    ([overlay]); [forward objects]
 *   ipam.add        (overlay, owner "cni:NETWORK/CONTAINERID/IFNAME", ranges
 *                   (ovl-ipam(8)'s, host-local's shape), [ips [ADDR...]]
 *                   (wanted addresses)); {addrs [ADDR...] (one per range
 *                   set, in order), existed bool}: the overlay's etcd
 *                   allocates them cluster-wide (the same owner gets the
 *                   same addresses again); EOPNOTSUPP: not of the etcd
 *                   backend; ENOSPC: a range set is exhausted; EADDRINUSE:
 *                   a wanted address is taken; EHOSTUNREACH: etcd is
 *                   unreachable (nothing allocated); ETIMEDOUT: no answer
 *                   in time. The reply waits for etcd, never longer than
 *                   10 s; the connection's next request waits for it
 *   ipam.del        (overlay, owner); {released N} (never an error when
 *                   none)
 *   ipam.check      (overlay, owner, addrs [ADDR...]); {}: etcd has each
 *                   of them for owner on this host (else ENOENT, naming it)
 *   ipam.gc         (overlay, network, valid [{containerID, ifname}]);
 *                   {released N}: this host's allocations of the network
 *                   whose attachment is not valid
 *   ipam.list       (overlay); [{address, host, owner, at, lease, mine}]
 *                   (not paged: the whole list)
 *   stats           ([overlay]); {counters: {NAME: {packets, bytes}}} with
 *                   every counter of ovl_abi.h by its ovl_stat_name(); with
 *                   overlay, {overlay, vni, counters} of that overlay: its
 *                   ovl_vstat_name()s and drop_REASON (ovl_vni_drops)
 *   reload          ([overlay]); {reloaded: [names]} (re-read backend files)
 *   monitor         (); {"monitoring": true}, then the connection carries
 *                   event lines until the client closes it: {"event":
 *                   "miss_l2"|"miss_arp"|"miss_ndp"|"drop"|"resolved"|
 *                   "unresolved"|"reload", "time": epoch seconds (real),
 *                   vni, ifindex, ifname (and endpoint, when it is one's
 *                   veth), len, mac/ip, reason, outer_ip (a peer_unknown
 *                   drop's refused VTEP; any other underlay drop's outer
 *                   source), ...}
 *
 * A result object may carry "warnings": [text...], for a command that
 * succeeded but made something that cannot work; ovlctl prints them on
 * stderr.
 */
#ifndef OVL_CTL_H
#define OVL_CTL_H

#include <jansson.h>

#define OVL_RUN_DIR	  "/run/ovl"
#define OVL_STATE_DIR	  "/var/lib/ovl"
#define OVL_BPFFS_DIR	  "/run/ovl/bpf"
#define OVL_DEFAULT_INST  "default"
#define OVL_CTL_MAX_LINE  (1 << 20)  /* a request */
#define OVL_CTL_MAX_REPLY (64 << 20) /* a response ovl_ctl_call() reads (lists are paged) */
#define OVL_CTL_PAGE_MAX  1000	     /* entries of one page of a list */
#define OVL_INSTANCE_MAX  32	     /* [A-Za-z0-9_-]: the bpffs refuses names with a '.' */

#define OVL_VERSION	  "0.1.0" /* of ovld, ovlctl and the CNI plugin: status's "version" */

/* Limits of the protocol's arguments, in characters (ovl_name_valid()). */
#define OVL_CTL_OVERLAY_NAME_MAX 31 /* an overlay's name (ovld keeps 32 bytes) */
#define OVL_CTL_IFNAME_MAX	 15 /* IFNAMSIZ - 1: a VNIC's and an endpoint's interface */
#define OVL_CTL_EP_ADDRS	 7  /* addresses of one endpoint.add or vnic.create */

/* The commands, the requests' "cmd" (above). */
#define OVL_CMD_STATUS	       "status"
#define OVL_CMD_OVERLAY_CREATE "overlay.create"
#define OVL_CMD_OVERLAY_DELETE "overlay.delete"
#define OVL_CMD_OVERLAY_LIST   "overlay.list"
#define OVL_CMD_VNIC_CREATE    "vnic.create"
#define OVL_CMD_VNIC_DELETE    "vnic.delete"
#define OVL_CMD_VNIC_SET       "vnic.set"
#define OVL_CMD_VNIC_LIST      "vnic.list"
#define OVL_CMD_ENDPOINT_ADD   "endpoint.add"
#define OVL_CMD_ENDPOINT_DEL   "endpoint.del"
#define OVL_CMD_ENDPOINT_LIST  "endpoint.list"
#define OVL_CMD_MAP_ADD	       "map.add"
#define OVL_CMD_MAP_DEL	       "map.del"
#define OVL_CMD_MAP_GET	       "map.get"
#define OVL_CMD_MAP_LIST       "map.list"
#define OVL_CMD_NEIGH_ADD      "neigh.add"
#define OVL_CMD_NEIGH_DEL      "neigh.del"
#define OVL_CMD_NEIGH_LIST     "neigh.list"
#define OVL_CMD_STATS	       "stats"
#define OVL_CMD_RELOAD	       "reload"
#define OVL_CMD_MONITOR	       "monitor"
#define OVL_CMD_BACKEND_LIST   "backend.list"
#define OVL_CMD_ROUTER_LIST    "router.list"
#define OVL_CMD_ROUTER_SET     "router.set"
#define OVL_CMD_FORWARD_ADD    "forward.add"
#define OVL_CMD_FORWARD_DEL    "forward.del"
#define OVL_CMD_FORWARD_LIST   "forward.list"
#define OVL_CMD_IPAM_ADD       "ipam.add"
#define OVL_CMD_IPAM_DEL       "ipam.del"
#define OVL_CMD_IPAM_CHECK     "ipam.check"
#define OVL_CMD_IPAM_GC	       "ipam.gc"
#define OVL_CMD_IPAM_LIST      "ipam.list"
#define OVL_CMD_LIST_SUFFIX    ".list" /* a list command, paged (above) */

/**
 * ovl_instance_valid() - is name usable as an instance name (and thus as a
 * file name under OVL_RUN_DIR)?
 */
int ovl_instance_valid(const char *name);

/* "<run_dir>/<instance>.sock" into buf. Return: 0 or -ENAMETOOLONG. */
int ovl_ctl_socket_path(const char *instance, char *buf, size_t len);

struct ovl_ctl;

/* What kind of failure a call met: callers decide by it, never by text. */
enum ovl_ctl_err {
	OVL_CTL_OK = 0,
	OVL_CTL_ECONNECT, /* no connection: ovld not running, socket missing, not permitted */
	OVL_CTL_EIO,	  /* the connection broke mid-call (send or receive) */
	OVL_CTL_EREFUSED, /* ovld answered {"ok": false}: its "error" and "errno" */
	OVL_CTL_EPROTO,	  /* ovld's answer has not the shape above */
	OVL_CTL_ENOMEM,	  /* out of memory here */
};

/**
 * ovl_ctl_connect() - connect to the socket of an instance.
 * Return: a connection, or NULL with errno set (ENOENT/ECONNREFUSED: ovld
 * is not running).
 */
struct ovl_ctl *ovl_ctl_connect(const char *socket_path);
void ovl_ctl_close(struct ovl_ctl *c);

/**
 * ovl_ctl_call() - send one request and wait for its response.
 * @req: the request object (not consumed).
 * @result: on success, the new reference to "result".
 * @err: on a refusal, the server's message (or a transport error), copied.
 *
 * A list command (its "cmd" ends in ".list") without "limit" or "cursor" is
 * asked for page by page and *result is the whole list, the pages joined.
 * Return: 0 on {"ok": true}; -errno mapped from the response's "errno" on
 * {"ok": false}; -EPROTO for a malformed response; other -errno for I/O.
 * ovl_ctl_last_error() tells which of these it was.
 */
int ovl_ctl_call(struct ovl_ctl *c, json_t *req, json_t **result, char *err, size_t errlen);

/**
 * ovl_ctl_last_error() - the class of the last ovl_ctl_call()'s outcome on
 * @c: OVL_CTL_OK after a success; OVL_CTL_ECONNECT for a NULL connection
 * (ovl_ctl_connect() failed).
 */
enum ovl_ctl_err ovl_ctl_last_error(const struct ovl_ctl *c);

/**
 * ovl_ctl_recv() - read the next line (monitor events) as JSON.
 * @timeout_ms: -1 waits forever.
 * Return: 0 and *out set, -ETIMEDOUT, -ECONNRESET at end of stream, -EPROTO.
 */
int ovl_ctl_recv(struct ovl_ctl *c, json_t **out, int timeout_ms);

/* errno <-> "ENAME" for the protocol. */
const char *ovl_errno_name(int err);
int ovl_errno_value(const char *name);

#endif /* OVL_CTL_H */
