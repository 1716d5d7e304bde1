// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * config.c - what ovld is told: the command line and --config FILE.
 * Options given on the command line win over the file; the overlays of
 * the file are made once the restored state is back (config_overlays).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "ovld.h"
#include "backend.h"
#include "json.h"
#include "safeopen.h"
#include "log.h"

void config_usage(FILE *f)
{
	fprintf(f,
		"Usage: ovld --underlay IFNAME [OPTIONS]\n"
		"       ovld [--instance NAME] [--underlay IFNAME] [--state-dir DIR] --cleanup\n"
		"\n"
		"The ovl overlay daemon: loads the XDP/TC data path, resolves misses through\n"
		"the overlays' backends and serves the control socket for ovlctl and the CNI\n"
		"plugin. Runs in the foreground and logs to stderr.\n"
		"\n"
		"Options:\n"
		"  -i, --instance NAME    instance name (default \"%s\"); one ovld per instance\n"
		"  -u, --underlay IFNAME  the NIC VXLAN arrives on (XDP attaches here)\n"
		"  -c, --config FILE      JSON configuration (underlay, listen_ip, port, overlays)\n"
		"  -l, --listen-ip ADDR   underlay address to use (repeat for IPv4 and IPv6);\n"
		"                         default: the first global addresses of the underlay\n"
		"  -p, --port PORT        VXLAN UDP port to decapsulate (default %d)\n"
		"  -d, --decap MODE       where VXLAN is decapsulated: xdp, tc or auto (default:\n"
		"                         tc on a veth underlay, xdp on anything else)\n"
		"      --xdp-generic      attach XDP in generic (skb) mode\n"
		"      --state-dir DIR    persistent state (default %s/NAME)\n"
		"      --run-dir DIR      control socket and lock (default %s)\n"
		"      --bpffs DIR        bpffs for the pins (default %s; mounted, mode 0700,\n"
		"                         if needed); the instance's directory in it must be\n"
		"                         root's and writable by nobody else\n"
		"      --metrics ADDR:PORT serve GET /metrics (Prometheus text format) there;\n"
		"                         PORT or :PORT is on loopback (default: off)\n"
		"      --cleanup          detach and remove everything of the instance (its own\n"
		"                         programs and pins only), then exit\n"
		"  -v, --verbose          more logging (twice: libbpf debug output)\n"
		"  -h, --help             this text\n"
		"  -V, --version          version\n"
		"\n"
		"Needs Linux " OVL_KERNEL_MIN
		" or newer with BTF; what it probes and does without is\n"
		"in ovld(8), KERNELS. OVL_FEATURES_OFF=NAME,... treats kernel features as missing.\n",
		OVL_DEFAULT_INST, OVL_VXLAN_PORT, OVL_STATE_DIR, OVL_RUN_DIR, OVL_BPFFS_DIR);
}

static int set_str(char *dst, size_t len, const char *src, const char *what)
{
	if (strlen(src) >= len) {
		pr_err("%s \"%s\" is too long", what, src);
		return -1;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* An underlay address of --listen-ip, or of --config's listen_ip, which
 * does not replace the option's. */
static int add_listen(struct ovld_opts *o, const char *s, bool from_config)
{
	struct ovl_ip ip;

	if (ovl_ip_parse(s, &ip)) {
		pr_err("%s%s: \"%s\" is not an IPv4 or IPv6 address",
		       from_config ? o->config : "--listen-ip", from_config ? ": listen_ip" : "",
		       s);
		return -1;
	}
	if (ip.family == OVL_AF_INET4 && !(from_config && o->listen4.family))
		o->listen4 = ip;
	else if (ip.family == OVL_AF_INET6 && !(from_config && o->listen6.family))
		o->listen6 = ip;
	return 0;
}

/* Every key of the object obj (at where in the config file) is one of the
 * names in expected ("a, b, c"); else say which is not. */
static int keys_known(const struct ovld_opts *o, const char *where, json_t *obj,
		      const char *expected)
{
	const char *key = ovl_json_unknown_key(obj, expected);

	if (key)
		pr_err("%s: %s: unknown key \"%s\" (expected %s)", o->config, where, key, expected);
	return key ? -1 : 0;
}

/*
 * An element of "overlays": {"name", "vni", "search", optional "encap",
 * and the properties either as "props" {"KEY": VALUE} (ovlctl's -p) or,
 * per backend, as an object named after it whose keys are its properties
 * without the prefix ("files": {"config"}, "direct": {"dest_ip",
 * "dest_port"}: lib/backends.c). The values are overlay_create()'s to
 * check, when the overlay is made.
 */
static int check_config_overlay(const struct ovld_opts *o, size_t i, json_t *ov)
{
	char where[32], keys[256] = "name, vni, encap, search, props, router";
	bool sections = false;

	snprintf(where, sizeof(where), "overlays[%zu]", i);
	if (!json_is_object(ov)) {
		pr_err("%s: %s is not an object", o->config, where);
		return -1;
	}
	for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++) {
		size_t n = strlen(keys);

		snprintf(keys + n, sizeof(keys) - n, ", %s", (*b)->name);
	}
	if (keys_known(o, where, ov, keys))
		return -1;
	for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++) {
		char sub[256] = "";
		size_t pre = strlen((*b)->name) + 1;

		for (const struct ovl_prop *p = (*b)->props; p->name; p++) {
			size_t n = strlen(sub);

			snprintf(sub + n, sizeof(sub) - n, "%s%s", n ? ", " : "", p->name + pre);
		}
		if (keys_known(o, where, json_object_get(ov, (*b)->name), sub))
			return -1;
		sections |= json_object_get(ov, (*b)->name) != NULL;
	}
	if (!json_is_string(json_object_get(ov, "name")) ||
	    !json_is_integer(json_object_get(ov, "vni")) ||
	    !json_is_string(json_object_get(ov, "search"))) {
		pr_err("%s: %s needs \"name\" (a string), \"vni\" (a number) and \"search\" "
		       "(a string)",
		       o->config, where);
		return -1;
	}
	if (keys_known(o, where, json_object_get(ov, "router"), "gateway, masquerade, host"))
		return -1;
	if (json_object_get(ov, "props") && sections) {
		pr_err("%s: %s: \"props\" or a backend's section, not both", o->config, where);
		return -1;
	}
	return 0;
}

/* --config: {"underlay", "listen_ip" (string or array), "port", "metrics",
 * "overlays"}.
 * Options given on the command line win over the file. */
json_t *config_load(struct ovld_opts *o)
{
	char err[OVL_ERR_MAX];
	json_t *root, *v;
	json_error_t jerr;
	const char *key;
	int fd;

	/* Never json_load_file(): a FIFO would hang ovld in open(). */
	fd = ovl_open_regular(o->config, err, sizeof(err));
	if (fd < 0) {
		pr_err("--config %s", err);
		return NULL;
	}
	root = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
	close(fd);
	if (!root) {
		pr_err("%s:%d:%d: %s", o->config, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		pr_err("%s: the configuration must be a JSON object", o->config);
		goto bad;
	}
	json_object_foreach(root, key, v) {
		if (!strcmp(key, "underlay")) {
			if (!json_is_string(v))
				goto type;
			if (!o->underlay[0] && set_str(o->underlay, sizeof(o->underlay),
						       json_string_value(v), "underlay"))
				goto bad;
		} else if (!strcmp(key, "listen_ip")) {
			size_t i;
			json_t *a;

			if (json_is_string(v)) {
				if (add_listen(o, json_string_value(v), true))
					goto bad;
			} else if (json_is_array(v)) {
				json_array_foreach(v, i, a)
					if (!json_is_string(a) ||
					    add_listen(o, json_string_value(a), true))
						goto bad;
			} else {
				goto type;
			}
		} else if (!strcmp(key, "port")) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > 65535) {
				pr_err("%s: \"port\" must be 1-65535", o->config);
				goto bad;
			}
			if (!o->port) /* not given as --port */
				o->port = (__u16)json_integer_value(v);
		} else if (!strcmp(key, "metrics")) {
			struct sockaddr_storage ss;
			unsigned int len;

			if (!json_is_string(v))
				goto type;
			if (metrics_addr_parse(json_string_value(v), &ss, &len)) {
				pr_err("%s: \"metrics\": \"%s\" is not PORT, :PORT, ADDR:PORT or "
				       "[ADDR6]:PORT",
				       o->config, json_string_value(v));
				goto bad;
			}
			if (!o->metrics[0] && set_str(o->metrics, sizeof(o->metrics),
						      json_string_value(v), "metrics"))
				goto bad;
		} else if (!strcmp(key, "overlays")) {
			size_t i;
			json_t *ov;

			if (!json_is_array(v))
				goto type;
			json_array_foreach(v, i, ov)
				if (check_config_overlay(o, i, ov))
					goto bad;
		} else {
			pr_err("%s: unknown key \"%s\" (expected underlay, listen_ip, port, metrics, "
			       "overlays)",
			       o->config, key);
			goto bad;
		}
	}
	return root;
type:
	pr_err("%s: \"%s\" has the wrong type", o->config, key);
bad:
	json_decref(root);
	return NULL;
}

/* The overlays of --config that the restored state does not have yet. */
void config_overlays(struct ovld *d, json_t *cfg)
{
	json_t *ovs = json_object_get(cfg, "overlays"), *o;
	size_t i;

	json_array_foreach(ovs, i, o) {
		const char *name = json_string_value(json_object_get(o, "name"));
		json_t *props = json_object_get(o, "props");
		char err[OVL_ERR_MAX];
		bool own_props = false;

		if (!name || overlay_find(d, name))
			continue;
		if (!props) {
			props = json_object();
			own_props = true;
			for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++) {
				json_t *sec = json_object_get(o, (*b)->name), *v;
				const char *k;

				json_object_foreach(sec, k, v) {
					char key[128];

					snprintf(key, sizeof(key), "%s/%s", (*b)->name, k);
					json_object_set(props, key, v);
				}
			}
		}
		/* "router": {"gateway": "A/P" or ["A/P", ...], "masquerade",
		 * "host"}: the router/ properties */
		if (json_is_object(json_object_get(o, "router"))) {
			json_t *sec = json_object_get(o, "router"), *v;
			const char *k;

			if (!own_props) {
				props = json_deep_copy(props);
				own_props = true;
			}
			json_object_foreach(sec, k, v) {
				char key[128], joined[512] = "";
				size_t j;
				json_t *x;

				snprintf(key, sizeof(key), "router/%s", k);
				if (!json_is_array(v)) {
					json_object_set(props, key, v);
					continue;
				}
				json_array_foreach(v, j, x) {
					size_t n = strlen(joined);

					snprintf(joined + n, sizeof(joined) - n, "%s%s",
						 n ? "," : "", json_string_value(x) ?: "?");
				}
				json_object_set_new(props, key, json_string(joined));
			}
		}
		if (overlay_create(d, name, (__u32)json_integer_value(json_object_get(o, "vni")),
				   json_string_value(json_object_get(o, "encap")) ?: "vxlan",
				   json_string_value(json_object_get(o, "search")), props, err,
				   sizeof(err)))
			pr_err("%s: overlay %s: %s", d->o.config, name, err);
		if (own_props)
			json_decref(props);
	}
}

/* The command line into o. Return: -1 to go on, or the exit status (0 for
 * --help and --version, 2 for a usage error). */
int config_parse_args(struct ovld_opts *o, int argc, char **argv, bool *cleanup)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "underlay", required_argument, NULL, 'u' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen-ip", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "decap", required_argument, NULL, 'd' },
		{ "xdp-generic", no_argument, NULL, 'G' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "run-dir", required_argument, NULL, 'R' },
		{ "bpffs", required_argument, NULL, 'B' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "i:u:c:l:p:d:vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (!ovl_instance_valid(optarg)) {
				pr_err("--instance: \"%s\" is not a valid name (1-%d of A-Z a-z 0-9 _ -)",
				       optarg, OVL_INSTANCE_MAX);
				return 2;
			}
			snprintf(o->instance, sizeof(o->instance), "%s", optarg);
			break;
		case 'u':
			if (set_str(o->underlay, sizeof(o->underlay), optarg, "--underlay"))
				return 2;
			break;
		case 'c':
			if (set_str(o->config, sizeof(o->config), optarg, "--config"))
				return 2;
			break;
		case 'l':
			if (add_listen(o, optarg, false))
				return 2;
			break;
		case 'p':
			if (ovl_port_parse(optarg, &o->port)) {
				pr_err("--port: \"%s\" is not a port (1-65535)", optarg);
				return 2;
			}
			break;
		case 'd':
			if (!strcmp(optarg, "xdp")) {
				o->decap = OVL_DECAP_XDP;
			} else if (!strcmp(optarg, "tc")) {
				o->decap = OVL_DECAP_TC;
			} else if (!strcmp(optarg, "auto")) {
				o->decap = OVL_DECAP_AUTO;
			} else {
				pr_err("--decap: \"%s\" is not xdp, tc or auto", optarg);
				return 2;
			}
			break;
		case 'G':
			o->xdp_generic = true;
			break;
		case 'S':
			if (set_str(o->state_dir, sizeof(o->state_dir), optarg, "--state-dir"))
				return 2;
			break;
		case 'R':
			if (set_str(o->run_dir, sizeof(o->run_dir), optarg, "--run-dir"))
				return 2;
			break;
		case 'B':
			if (set_str(o->bpffs, sizeof(o->bpffs), optarg, "--bpffs"))
				return 2;
			break;
		case 'M': {
			struct sockaddr_storage ss;
			unsigned int len;

			if (set_str(o->metrics, sizeof(o->metrics), optarg, "--metrics"))
				return 2;
			if (metrics_addr_parse(optarg, &ss, &len)) {
				pr_err("--metrics: \"%s\" is not PORT, :PORT, ADDR:PORT or "
				       "[ADDR6]:PORT",
				       optarg);
				return 2;
			}
			break;
		}
		case 'C':
			*cleanup = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			config_usage(stdout);
			return 0;
		case 'V':
			printf("ovld %s (ABI %d)\n", OVL_VERSION, OVL_ABI_VERSION);
			return 0;
		default:
			config_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument \"%s\"", argv[optind]);
		config_usage(stderr);
		return 2;
	}
	return -1;
}
