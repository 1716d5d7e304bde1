/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cni.h - the ovl CNI plugin: its model of the CNI protocol (environment,
 * network configuration, results, errors) and its verbs.
 *
 * Theory. A runtime executes `ovl` once per verb, with CNI_* variables and
 * the network configuration on stdin; ovl answers with one JSON document
 * on stdout (a result, a version object, or an error) and nothing else
 * there: every log line goes to stderr. An attachment is the triple
 * (network name, CNI_CONTAINERID, CNI_IFNAME) and owns
 *
 *   - a veth pair: CNI_IFNAME inside CNI_NETNS, created there directly,
 *     and "ovc" + hash(instance, network, container id, ifname) in the
 *     host namespace, whose ifalias names the attachment
 *     (ovl_cni_alias_format()), so DEL finds it without state, GC finds
 *     it without ovld, and ovld accepts it as an endpoint of its instance;
 *   - an IPAM lease, held by the delegated IPAM plugin;
 *   - an ovld endpoint "<container id>/<ifname>" of the network (ovld
 *     tells endpoints apart by network and id), which attaches the data
 *     path to the host end and teaches it the MAC and addresses (link
 *     protection, proxy ARP/NDP);
 *   - when the overlay has a router (router.c): the forwards of its port
 *     mappings (capability "portMappings"), owned by
 *     "cni:<network>/<container id>/<ifname>". The router is also the
 *     container's gateway, and "ipMasq": true turns its masquerade on
 *     (the overlay's, kept after DEL).
 *
 * ADD creates them in that order and, on any failure, removes what it made
 * in reverse order. DEL removes them in reverse order and succeeds when any
 * is already gone. Nothing else is kept: ovl itself stores no state.
 *
 * Error space. The functions here return 0 or a CNI error code (> 0: the
 * spec's codes below, or ovl's own from 100) and fill a struct
 * ovl_cni_err; -errno and libnl's -NLE_* values are turned into that where
 * they arise and never leave a function of this plugin.
 */
#ifndef OVL_CNI_H
#define OVL_CNI_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>
#include "addr.h"
#include "ctl.h"
#include "log.h"
#include "mark.h" /* ovl_cni_alias_format(): their ifalias */

/* Error codes of the CNI specification. */
#define OVL_CNI_E_VERSION	1  /* incompatible CNI version */
#define OVL_CNI_E_UNSUPPORTED	2  /* unsupported field in the network configuration */
#define OVL_CNI_E_NO_CONTAINER	3  /* container unknown or does not exist */
#define OVL_CNI_E_ENV		4  /* invalid necessary environment variables */
#define OVL_CNI_E_IO		5  /* I/O failure */
#define OVL_CNI_E_DECODE	6  /* failed to decode content */
#define OVL_CNI_E_CONFIG	7  /* invalid network configuration */
#define OVL_CNI_E_TRY_AGAIN	11 /* try again later */
#define OVL_CNI_E_NOT_AVAILABLE 50 /* STATUS: cannot service ADD */
#define OVL_CNI_E_LIMITED	51 /* STATUS: and existing containers may suffer */
/* ovl's own (documented in ovl-cni(8)). */
#define OVL_CNI_E_OVLD	     100 /* the ovld instance is not running or unreachable */
#define OVL_CNI_E_REFUSED    101 /* ovld refused the endpoint */
#define OVL_CNI_E_NO_OVERLAY 102 /* no such overlay (name or VNI) in that ovld */
#define OVL_CNI_E_LINK	     103 /* creating or configuring an interface failed */
#define OVL_CNI_E_IPAM                                                                             \
	104			 /* the IPAM plugin failed without a CNI error, or
				       * its result is unusable */
#define OVL_CNI_E_CHECK	     105 /* CHECK: the attachment differs from prevResult */
#define OVL_CNI_E_IPAM_FULL  106 /* ovl-ipam: no free address in a range set */
#define OVL_CNI_E_IPAM_TAKEN 107 /* ovl-ipam: a wanted address (runtimeConfig.ips) is taken */

#define OVL_CNI_HOST_PREFIX  "ovc" /* host-side veth names */
#define OVL_CNI_IFNAME_MAX   16	   /* IFNAMSIZ */

#define OVL_CNI_MAX_IFACES   16
#define OVL_CNI_MAX_IPS	     16
#define OVL_CNI_MAX_ROUTES   64

struct ovl_cni_err {
	int code;
	char msg[512];
	char details[2048];
};

/**
 * ovl_cni_error() - fill e and return code (for `return ovl_cni_error(...)`).
 * @details: printf format for the details, or NULL for none.
 */
int ovl_cni_error(struct ovl_cni_err *e, int code, const char *msg, const char *details, ...)
	__attribute__((format(printf, 4, 5)));
/* Another code and message for the same details. Returns code. */
int ovl_cni_error_recode(struct ovl_cni_err *e, int code, const char *msg);
/* Prepend "what: " to e->msg. Returns e->code. */
int ovl_cni_error_prefix(struct ovl_cni_err *e, const char *what);
/* The error object of the spec: {cniVersion, code, msg, details}. */
json_t *ovl_cni_error_json(const struct ovl_cni_err *e, const char *cni_version);

/* ---- versions ------------------------------------------------------------ */

enum ovl_cni_version {
	OVL_CNI_V_NONE = 0,
	OVL_CNI_V040, /* CHECK, prevResult on DEL; "version" in ips */
	OVL_CNI_V100, /* no "version" in ips */
	OVL_CNI_V110, /* GC, STATUS; interface and route extras */
};
#define OVL_CNI_V_LATEST     OVL_CNI_V110
#define OVL_CNI_V_LATEST_STR "1.1.0"

/* "0.4.0" -> OVL_CNI_V040 ...; OVL_CNI_V_NONE for anything else. */
enum ovl_cni_version ovl_cni_version_parse(const char *s);
const char *ovl_cni_version_str(enum ovl_cni_version v);
/* {"cniVersion": ..., "supportedVersions": [...]} */
json_t *ovl_cni_version_json(enum ovl_cni_version v);

/* ---- results ------------------------------------------------------------- */

struct ovl_cni_iface {
	char name[64];
	char mac[32];	   /* "" when absent */
	unsigned int mtu;  /* 0 when absent (1.1.0) */
	char sandbox[256]; /* "" for a host interface */
	char socket_path[256];
	char pci_id[64];
};

struct ovl_cni_ipcfg {
	struct ovl_ip addr;
	unsigned int plen;
	bool has_gw;
	struct ovl_ip gw;
	int iface; /* index into the result's interfaces, -1 when absent */
};

struct ovl_cni_route {
	struct ovl_ip dst;
	unsigned int plen;
	bool has_gw;
	struct ovl_ip gw;
	/* 1.1.0; -1 when absent */
	int mtu, advmss, priority, table, scope;
};

struct ovl_cni_result {
	struct ovl_cni_iface ifaces[OVL_CNI_MAX_IFACES];
	int n_ifaces;
	struct ovl_cni_ipcfg ips[OVL_CNI_MAX_IPS];
	int n_ips;
	struct ovl_cni_route routes[OVL_CNI_MAX_ROUTES];
	int n_routes;
	json_t *dns; /* owned object, NULL when absent */
};

/**
 * ovl_cni_result_parse() - read a result (an IPAM plugin's, or prevResult)
 * of any supported version: their members are read alike (0.4.0's
 * ips[].version is checked when present). Unknown members are ignored
 * (they are another plugin's business); known ones are type-checked.
 * @what: names the document in messages ("prevResult", "IPAM result").
 */
int ovl_cni_result_parse(json_t *j, const char *what, struct ovl_cni_result *r,
			 struct ovl_cni_err *e);
/* The result as version v writes it. */
json_t *ovl_cni_result_json(const struct ovl_cni_result *r, enum ovl_cni_version v);
void ovl_cni_result_free(struct ovl_cni_result *r);
/* An address with its prefix: "10.0.0.2/24". buf of OVL_IP_STRLEN + 4. */
char *ovl_cni_cidr_format(const struct ovl_ip *ip, unsigned int plen, char *buf);
/* Parse "10.0.0.2/24" or "fd00::2/64". Return: 0 or -EINVAL. */
int ovl_cni_cidr_parse(const char *s, struct ovl_ip *ip, unsigned int *plen);

/* ---- environment (env.c) ------------------------------------------------- */

struct ovl_cni_env {
	const char *command; /* CNI_COMMAND */
	const char *container_id;
	const char *netns;
	const char *ifname;
	const char *args; /* CNI_ARGS */
	const char *path; /* CNI_PATH */
};

/* The variables a verb needs. */
#define OVL_CNI_NEED_CONTAINER (1u << 0)
#define OVL_CNI_NEED_NETNS     (1u << 1)
#define OVL_CNI_NEED_IFNAME    (1u << 2)
#define OVL_CNI_NEED_PATH      (1u << 3)

/* Present and well-formed (container id and interface name as the spec
 * restricts them: ovl_cni_container_id_valid(), ovl_ifname_valid()). Code 4
 * otherwise. */
int ovl_cni_env_check(const struct ovl_cni_env *env, unsigned int need, struct ovl_cni_err *e);
bool ovl_cni_container_id_valid(const char *s);

/* CNI_ARGS: "K=V;K=V". Keys ovl knows: MAC (the interface's MAC), and
 * IgnoreUnknown, IP, K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_UID,
 * K8S_POD_INFRA_CONTAINER_ID (accepted, used by others). Any other key is
 * an error unless IgnoreUnknown is 1 or true. */
struct ovl_cni_args {
	bool has_mac;
	__u8 mac[6];
};
int ovl_cni_args_parse(const char *s, struct ovl_cni_args *a, struct ovl_cni_err *e);

/* ---- network configuration (netconf.c) ----------------------------------- */

struct ovl_cni_attachment {
	char container_id[256];
	char ifname[OVL_CNI_IFNAME_MAX];
};

/* One of runtimeConfig.portMappings (capability "portMappings"). */
struct ovl_cni_portmap {
	__u16 host_port, container_port;
	bool udp;	  /* protocol "udp"; else "tcp" */
	__u8 family;	  /* OVL_AF_INET4/6 from hostIP (also 0.0.0.0 or ::); 0: both */
	bool has_host_ip; /* hostIP is one address of the host */
	struct ovl_ip host_ip;
};

struct ovl_netconf {
	json_t *root; /* the whole document (owned) */
	const char *raw;
	size_t raw_len; /* the bytes as read: delegated unchanged */
	enum ovl_cni_version version;
	char cni_version[16];
	char name[128];
	char type[64];
	char overlay[32]; /* "" when chosen by vni */
	bool has_vni;
	__u32 vni;
	char instance[OVL_INSTANCE_MAX + 1];
	unsigned int mtu; /* 0: what ovld says */
	bool has_mac;	  /* the first of runtimeConfig.mac, args.cni.mac, mac */
	__u8 mac[6];
	bool ip_masq;	      /* "ipMasq": true: the overlay's router masquerades */
	const char *mac_from; /* which of them gave mac */
	char ipam_type[64];
	enum ovl_log_level log_level;
	json_t *dns; /* borrowed from root; NULL when absent */
	bool has_prev;
	struct ovl_cni_result prev;
	bool has_valid; /* cni.dev/valid-attachments (GC) */
	struct ovl_cni_attachment *valid;
	size_t n_valid;
	struct ovl_cni_portmap *portmaps; /* with capabilities.portMappings; owned */
	size_t n_portmaps;
	json_t *bandwidth; /* runtimeConfig.bandwidth as endpoint.add's "bandwidth" (owned);
			    * NULL: no cap */
};

/**
 * ovl_netconf_parse() - parse and check a plugin configuration, strictly:
 * duplicate keys, wrong types and keys neither the spec nor ovl defines
 * are errors, each named in the message.
 * @buf: the configuration, kept by reference in nc->raw (must outlive nc).
 */
int ovl_netconf_parse(const char *buf, size_t len, struct ovl_netconf *nc, struct ovl_cni_err *e);
void ovl_netconf_free(struct ovl_netconf *nc);
/* runtimeConfig.bandwidth (bandwidth.c) checked, as endpoint.add's
 * "bandwidth" object in *out (NULL when absent or all zero). */
int ovl_cni_bandwidth_parse(json_t *bw, json_t **out, struct ovl_cni_err *e);
/* Is (container id, ifname) in cni.dev/valid-attachments? */
bool ovl_netconf_attachment_valid(const struct ovl_netconf *nc, const char *container_id,
				  const char *ifname);

/* ---- the overlay's router (router.c) --------------------------------------- */

/* runtimeConfig.portMappings into nc->portmaps, when capabilities.portMappings
 * is true (a runtime passes them only then); code 7 naming the entry
 * otherwise. */
int ovl_cni_portmaps_parse(struct ovl_netconf *nc, struct ovl_cni_err *e);

/* An overlay's router: its gateways, at most one per family. */
struct ovl_cni_router {
	int n;
	struct {
		struct ovl_ip addr;
		unsigned int plen;
	} gw[2];
};

/* The property router/gateway ("ADDR/PLEN[,ADDR/PLEN]"; NULL or "": no
 * router). Return: 0 or -EINVAL. */
int ovl_cni_router_parse(const char *gateways, struct ovl_cni_router *rt);

/**
 * ovl_cni_router_apply() - the router as the gateway of the addresses of
 * interface iface in r: each address of a family the router has a gateway
 * of must lie in its subnet and gets it as ips[].gateway; a default route
 * through it is added per such family, unless r has one already (whose
 * gateway must then be the router's).
 * Return: 0 or 7 (the configuration's IPAM disagrees with the overlay).
 */
int ovl_cni_router_apply(const struct ovl_cni_router *rt, const char *overlay,
			 struct ovl_cni_result *r, int iface, struct ovl_cni_err *e);

/* "cni:NETWORK/CONTAINERID/IFNAME": the owner of an attachment's forwards. */
void ovl_cni_forward_owner(const char *network, const char *container_id, const char *ifname,
			   char *buf, size_t len);
/* The container id and ifname of an owner of network. Return: 0, or
 * -EINVAL when owner is not one of that network's attachments. */
int ovl_cni_forward_owner_parse(const char *owner, const char *network, char *cid, size_t cidlen,
				char *ifname, size_t iflen);

/**
 * ovl_cni_forward_reqs() - the forward.add requests of nc's port mappings
 * for the addresses of interface iface in r: one per mapping and family
 * (hostIP's family, else each family of the container's addresses that
 * the router has a gateway of), to the first address of that family.
 * Return: an array (possibly empty), or NULL with e filled (code 7: a
 * mapping no address of the container can take).
 */
json_t *ovl_cni_forward_reqs(const struct ovl_netconf *nc, const struct ovl_cni_router *rt,
			     const char *overlay, const char *owner, const struct ovl_cni_result *r,
			     int iface, struct ovl_cni_err *e);

/* ---- names of an attachment (attach.c) ----------------------------------- */

/* "ovc" + 8 hex digits of a hash of instance, network, container id and
 * ifname: 11 characters, one per attachment (the same container and ifname
 * on two networks, or of two instances, get two). */
void ovl_cni_host_ifname(const char *instance, const char *network, const char *container_id,
			 const char *ifname, char out[OVL_CNI_IFNAME_MAX]);
/* The name earlier plugins gave: a hash of container id and ifname only.
 * DEL and CHECK still find such an attachment, when its ifalias names it. */
void ovl_cni_host_ifname_v1(const char *container_id, const char *ifname,
			    char out[OVL_CNI_IFNAME_MAX]);
/* A locally administered unicast MAC from the same pair: stable for the
 * container, so an operator can put it in hosts.json. */
void ovl_cni_default_mac(const char *container_id, const char *ifname, __u8 mac[6]);
/* The MAC an ADD gives the interface: runtimeConfig.mac, args.cni.mac,
 * CNI_ARGS MAC, the configuration's mac, or the default, in that order. */
const char *ovl_cni_choose_mac(const struct ovl_netconf *nc, const struct ovl_cni_args *args,
			       const char *container_id, const char *ifname, __u8 mac[6]);

/* ---- the verbs (add.c, del.c, check.c, plugin.c) ------------------------- */

/* Open CNI_NETNS into *fd: code 3 when it does not exist, 4 when it is not
 * a network namespace. */
int ovl_cni_netns_open(const char *path, int *fd, struct ovl_cni_err *e);

/**
 * ovl_cni_run() - run one invocation.
 * @out: set to the JSON to print on success (NULL: print nothing).
 * Return: 0 or a CNI error code with e filled.
 */
int ovl_cni_run(const struct ovl_cni_env *env, const char *in, size_t in_len, json_t **out,
		struct ovl_cni_err *e);

/* A plugin binary's main(): the environment and stdin to run(), its result
 * or error (in the configuration's version) to stdout; exit status. */
typedef int (*ovl_cni_run_fn)(const struct ovl_cni_env *env, const char *in, size_t in_len,
			      json_t **out, struct ovl_cni_err *e);
int ovl_cni_main(const char *ident, ovl_cni_run_fn run);

int ovl_cni_add(const struct ovl_cni_env *env, struct ovl_netconf *nc, json_t **out,
		struct ovl_cni_err *e);
int ovl_cni_del(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e);
int ovl_cni_check(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e);
int ovl_cni_gc(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e);
int ovl_cni_status(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e);

#endif /* OVL_CNI_H */
