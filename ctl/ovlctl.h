/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovlctl.h - the parts of ovlctl, split so that the unit tests can call the
 * parser, the request builder and the printers without a socket:
 *
 *   cmd.c     the command table
 *   build.c   validation of every argument; the request each command sends
 *   parse.c   argv to struct ovlctl_inv (getopt_long over the table)
 *   help.c    usage and help texts, generated from the table
 *   print.c   human output of results: the tables, and the lists
 *   print_status.c  human output of status, stats and monitor events
 *   ovlctl.c  ovlctl_main(): parse, connect, call, print; the monitor loop
 *   main.c    main(), nothing else
 *
 * ovlctl talks to ovld only through the control socket (lib/ctl.h); it
 * never opens a BPF map. Exit status: OVLCTL_EXIT_*.
 */
#ifndef OVLCTL_H
#define OVLCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/un.h>
#include <jansson.h>
#include "ctl.h"

#define OVLCTL_EXIT_OK	  0 /* success */
#define OVLCTL_EXIT_FAIL  1 /* runtime error: ovld refused, is not running, I/O */
#define OVLCTL_EXIT_USAGE 2 /* unknown object or verb, missing, extra or bad argument */

#define OVLCTL_MAX_POS	  8  /* positional arguments of one command */
#define OVLCTL_MAX_OPTS	  32 /* options given on one command line */

/* A long-only option has a value above any character. */
enum {
	OVLCTL_OPT_INSTANCE = 256,
	OVLCTL_OPT_SOCKET,
	OVLCTL_OPT_VERSION,
	OVLCTL_OPT_NETNS,
	OVLCTL_OPT_IP,
	OVLCTL_OPT_HOST_IP,
	OVLCTL_OPT_MAXBW,
};

/* One option of a command, as its usage and --help show it. */
struct ovlctl_optspec {
	int val;	    /* the short option character, or OVLCTL_OPT_* (long only) */
	unsigned int flags; /* OVLCTL_OPT_F_* */
	const char *name;   /* long name */
	const char *alias;  /* a second long name, or NULL */
	const char *arg;    /* the argument's name in usage texts; NULL for a flag */
	const char *help;   /* one line */
};

#define OVLCTL_OPT_F_REQUIRED (1u << 0)
#define OVLCTL_OPT_F_REPEAT   (1u << 1) /* may be given more than once */

struct ovlctl_inv;

/* One row of the dispatch table: a command of the grammar. */
struct ovlctl_cmd {
	const char *object;
	const char *verb;  /* NULL: the object alone is the command (stats, status, ...) */
	const char *alias; /* another name of the verb ("show" for "list"), or NULL */
	const char *wire;  /* the request's "cmd" */
	const char *pos[OVLCTL_MAX_POS];   /* names of the positional arguments */
	int min_args, max_args;		   /* how many of them are required, allowed */
	const struct ovlctl_optspec *opts; /* ends with val 0; NULL for none */
	/* Validate inv->pos and inv->opt and fill inv->req (which holds "cmd"
	 * already). Return: 0, or -EINVAL with the reason in err. */
	int (*build)(struct ovlctl_inv *inv, char *err, size_t errlen);
	/* Human output of the result. Return: 0, or -EPROTO when the result
	 * does not have the shape ctl.h promises. */
	int (*print)(const struct ovlctl_inv *inv, json_t *result, FILE *out);
	unsigned int flags; /* OVLCTL_CMD_F_* */
	const char *summary;
	const char *details;	       /* more text for --help, or NULL */
	void (*help_extra)(FILE *out); /* and more, generated; or NULL */
};

#define OVLCTL_CMD_F_STREAM (1u << 0) /* event lines follow the response (monitor) */
/* The last of pos repeats: up to OVLCTL_MAX_POS arguments in all (router set's
 * SETTINGs); its usage reads "NAME [NAME ...]". */
#define OVLCTL_CMD_F_REST (1u << 1)

extern const struct ovlctl_cmd ovlctl_cmds[];
extern const int ovlctl_ncmds;
/* --instance, --socket, -j, -h, --version; ends with val 0. */
extern const struct ovlctl_optspec ovlctl_global_opts[];

/* Where --netns looks for named network namespaces (ip-netns(8)). */
extern const char *ovlctl_netns_dir;

enum ovlctl_help {
	OVLCTL_HELP_NONE,
	OVLCTL_HELP_ALL,    /* ovlctl --help */
	OVLCTL_HELP_OBJECT, /* ovlctl map --help */
	OVLCTL_HELP_CMD,    /* ovlctl map add --help */
};

/* One parsed command line. */
struct ovlctl_inv {
	/* global options */
	bool json;
	const char *instance;	/* NULL: $OVL_INSTANCE, else OVL_DEFAULT_INST */
	const char *socket_opt; /* --socket, or NULL */
	char socket[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* the path to connect to */
	bool version;
	enum ovlctl_help help;

	const char *object;	      /* as typed, once it names a known object */
	const struct ovlctl_cmd *cmd; /* once object and verb are known */

	char *pos[OVLCTL_MAX_POS];
	int npos;
	struct {
		int val; /* ovlctl_optspec.val */
		char *arg;
	} opt[OVLCTL_MAX_OPTS];
	int nopt;

	/* what the client itself uses */
	bool all;		  /* stats -a */
	unsigned long long count; /* monitor -c; 0 until interrupted */

	json_t *req; /* the request to send; owned */
};

/* parse.c */
/**
 * ovlctl_parse() - parse and validate a whole command line, global options
 * included, and build the request.
 * @argv: may be permuted (getopt).
 * @err: on a usage error, "<object> <verb>: <what is wrong>".
 *
 * On success either inv->help or inv->version is set (print and exit 0), or
 * inv->cmd and inv->req are, with inv->socket the path to connect to.
 * Return: 0, or -EINVAL for a usage error. Call ovlctl_inv_free() in both
 * cases.
 */
int ovlctl_parse(int argc, char **argv, struct ovlctl_inv *inv, char *err, size_t errlen);
void ovlctl_inv_free(struct ovlctl_inv *inv);
/* The argument of option val (the first given), or NULL. */
const char *ovlctl_optval(const struct ovlctl_inv *inv, int val);
bool ovlctl_has_opt(const struct ovlctl_inv *inv, int val);

/**
 * ovlctl_build_request() - ovlctl_parse() for the request alone.
 * @req: the request (a new reference), or NULL for --help and --version.
 * Return: 0 or -EINVAL.
 */
int ovlctl_build_request(int argc, char **argv, json_t **req, char *err, size_t errlen);

/* cmd.c */
/* "map add", or "stats" for an object that is its own command. */
void ovlctl_cmd_name(const struct ovlctl_cmd *cmd, char *buf, size_t len);
/* "-v", or "--netns" for a long-only option. */
void ovlctl_opt_label(const struct ovlctl_optspec *o, char *buf, size_t len);

/* build.c */
/* snprintf into err. Return: -EINVAL (a usage error). */
int ovlctl_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* snprintf at the end of the string in buf; truncates silently. */
void ovlctl_strcatf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The builders of the table's rows (ovlctl_cmd.build), one function type. */
typedef int ovlctl_build_fn(struct ovlctl_inv *inv, char *err, size_t errlen);
ovlctl_build_fn ovlctl_build_none, ovlctl_build_overlay_create, ovlctl_build_overlay_name,
	ovlctl_build_overlay_filter, ovlctl_build_vnic_create, ovlctl_build_vnic_delete,
	ovlctl_build_vnic_list, ovlctl_build_map_add, ovlctl_build_map_key, ovlctl_build_neigh_add,
	ovlctl_build_neigh_del, ovlctl_build_stats, ovlctl_build_monitor;
/* router.c: forward add|del, router set */
ovlctl_build_fn ovlctl_build_forward_add, ovlctl_build_forward_del, ovlctl_build_router_set;
/* The checks build.c makes, for the builders of router.c: each puts the
 * canonical value at key, or returns -EINVAL with "bad WHAT ..." in err. */
int ovlctl_put_overlay(json_t *req, const char *key, const char *s, char *err, size_t errlen);
int ovlctl_put_port(json_t *req, const char *key, const char *what, const char *s, char *err,
		    size_t errlen);

/* bandwidth.c */
ovlctl_build_fn ovlctl_build_vnic_set;
/* "maxbw": RATE (dladm's: 100M) into req; "none"/"" (0) only if none_ok. */
int ovlctl_put_maxbw(json_t *req, const char *s, bool none_ok, char *err, size_t errlen);

/* help.c */
/* The one-line usage that follows a usage error: of the command, else of the
 * object, else of ovlctl. */
void ovlctl_usage_hint(const struct ovlctl_inv *inv, FILE *out);
/* The --help text for inv->help. */
void ovlctl_help(const struct ovlctl_inv *inv, FILE *out);
/* "ovlctl map add OVERLAY MAC IP [PORT]" into buf. */
void ovlctl_cmd_usage(const struct ovlctl_cmd *cmd, char *buf, size_t len);

/* print.c */
int ovlctl_print_none(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_backends(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_overlays(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_vnics(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_endpoints(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_fdb(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_neighs(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_reload(const struct ovlctl_inv *inv, json_t *result, FILE *out);
/* router.c */
int ovlctl_print_forwards(const struct ovlctl_inv *inv, json_t *result, FILE *out);
/* ipam.c: ipam list */
int ovlctl_print_ipam(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_routers(const struct ovlctl_inv *inv, json_t *result, FILE *out);

/* print_status.c */
int ovlctl_print_stats(const struct ovlctl_inv *inv, json_t *result, FILE *out);
int ovlctl_print_status(const struct ovlctl_inv *inv, json_t *result, FILE *out);
/* One monitor event as a line: "TIME EVENT vni=.. mac=.. ip=.. ifindex=.. reason=..". */
int ovlctl_print_event(json_t *ev, FILE *out);

/* ovlctl.c */
/**
 * ovlctl_main() - the whole program: results go to out, diagnostics to errf.
 * Return: the exit status, OVLCTL_EXIT_*.
 */
int ovlctl_main(int argc, char **argv, FILE *out, FILE *errf);

#endif /* OVLCTL_H */
