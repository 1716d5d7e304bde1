// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * parse.c - from argv to a struct ovlctl_inv: the command, its arguments,
 * the request, where to connect.
 *
 *   ovlctl [GLOBAL] OBJECT [VERB] [ARGS, VERB OPTIONS and GLOBAL in any order]
 *   ovlctl help [OBJECT [VERB]]
 *
 * Global options (--instance, --socket, -j, -h, and --version before the
 * object) are parsed with getopt_long stopping at OBJECT; then the verb's
 * options and the global ones again (but --version) are parsed over the
 * rest, with GNU permutation, so that `ovlctl map list -j` and dladm's
 * `overlay create -v 23 ... overlay0` order both work; `--` ends options.
 * The counts of positional arguments and the required options come from
 * the command's row in the table; the row's builder (build.c) checks values.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "ovlctl.h"

#define ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The argument of option val (the first given), or NULL. */
const char *ovlctl_optval(const struct ovlctl_inv *inv, int val)
{
	for (int i = 0; i < inv->nopt; i++)
		if (inv->opt[i].val == val)
			return inv->opt[i].arg;
	return NULL;
}

bool ovlctl_has_opt(const struct ovlctl_inv *inv, int val)
{
	for (int i = 0; i < inv->nopt; i++)
		if (inv->opt[i].val == val)
			return true;
	return false;
}

/* The command of an object that has no verbs (stats), or NULL. */
static const struct ovlctl_cmd *single(const char *object)
{
	for (int i = 0; i < ovlctl_ncmds; i++)
		if (strcmp(ovlctl_cmds[i].object, object) == 0 && !ovlctl_cmds[i].verb)
			return &ovlctl_cmds[i];
	return NULL;
}

void ovlctl_opt_label(const struct ovlctl_optspec *o, char *buf, size_t len)
{
	if (o->val < 256)
		snprintf(buf, len, "-%c", o->val);
	else
		snprintf(buf, len, "--%s", o->name);
}

/* ---- parsing ---------------------------------------------------------------- */

/*
 * getopt_long's tables for opts (may be NULL) and the global options; with
 * stop, parsing stops at the first argument that is not an option.
 */
static void getopt_tables(const struct ovlctl_optspec *opts, bool stop, struct option *lo,
			  size_t nlo, char *so, size_t nso)
{
	const struct ovlctl_optspec *sets[2] = { opts, ovlctl_global_opts };
	size_t n = 0;

	snprintf(so, nso, "%s", stop ? "+:" : ":");
	for (int s = 0; s < 2; s++) {
		for (const struct ovlctl_optspec *o = sets[s]; o && o->val; o++) {
			const char *names[2] = { o->name, o->alias };

			for (int k = 0; k < 2 && n + 1 < nlo; k++) {
				if (!names[k])
					continue;
				lo[n++] = (struct option){ names[k],
							   o->arg ? required_argument : no_argument,
							   NULL, o->val };
			}
			if (o->val < 256)
				ovlctl_strcatf(so, nso, "%c%s", o->val, o->arg ? ":" : "");
		}
	}
	lo[n] = (struct option){ 0 };
}

/* The message for a getopt '?' or ':' at argv[optind - 1]. */
static int opt_error(int c, char **argv, const struct option *lo, char *err, size_t errlen)
{
	const char *arg = argv[optind - 1];
	const char *eq = strchr(arg, '=');

	if (c == ':')
		return optopt > 0 && optopt < 256 && strncmp(arg, "--", 2) != 0 ?
			       ovlctl_fail(err, errlen, "option \"-%c\" needs an argument",
					   optopt) :
			       ovlctl_fail(err, errlen, "option \"%s\" needs an argument", arg);
	if (strncmp(arg, "--", 2) == 0 && eq) {
		for (; lo->name; lo++)
			if (strlen(lo->name) == (size_t)(eq - arg - 2) &&
			    strncmp(lo->name, arg + 2, (size_t)(eq - arg - 2)) == 0 &&
			    lo->has_arg == no_argument)
				return ovlctl_fail(err, errlen, "option \"--%s\" takes no argument",
						   lo->name);
	}
	if (optopt > 0 && optopt < 256 && strncmp(arg, "--", 2) != 0)
		return ovlctl_fail(err, errlen, "unknown option \"-%c\"", optopt);
	return ovlctl_fail(err, errlen, "unknown option \"%s\"", arg);
}

/* A global option seen by either getopt pass. Return: 1 if it was one. */
static int global_opt(struct ovlctl_inv *inv, int c)
{
	switch (c) {
	case 'j':
		inv->json = true;
		return 1;
	case 'h':
		inv->help = OVLCTL_HELP_ALL;
		return 1;
	case OVLCTL_OPT_INSTANCE:
		inv->instance = optarg;
		return 1;
	case OVLCTL_OPT_SOCKET:
		inv->socket_opt = optarg;
		return 1;
	case OVLCTL_OPT_VERSION:
		inv->version = true;
		return 1;
	default:
		return 0;
	}
}

static const struct ovlctl_cmd *find_cmd(const char *object, const char *verb)
{
	for (int i = 0; i < ovlctl_ncmds; i++) {
		const struct ovlctl_cmd *c = &ovlctl_cmds[i];

		if (strcmp(c->object, object) != 0 || !c->verb)
			continue;
		if (strcmp(c->verb, verb) == 0 || (c->alias && strcmp(c->alias, verb) == 0))
			return c;
	}
	return NULL;
}

static const char *known_object(const char *object)
{
	for (int i = 0; i < ovlctl_ncmds; i++)
		if (strcmp(ovlctl_cmds[i].object, object) == 0)
			return ovlctl_cmds[i].object;
	return NULL;
}

/* `ovlctl help [OBJECT [VERB]]` and `ovlctl --help [OBJECT [VERB]]`. */
static int parse_help(struct ovlctl_inv *inv, int argc, char **argv, int i, char *err,
		      size_t errlen)
{
	inv->help = OVLCTL_HELP_ALL;
	if (i >= argc)
		return 0;
	inv->object = known_object(argv[i]);
	if (!inv->object)
		return ovlctl_fail(err, errlen, "unknown object \"%s\"", argv[i]);
	inv->help = OVLCTL_HELP_OBJECT;
	inv->cmd = single(inv->object);
	if (inv->cmd) {
		inv->help = OVLCTL_HELP_CMD;
	} else if (++i < argc) {
		inv->cmd = find_cmd(inv->object, argv[i]);
		if (!inv->cmd)
			return ovlctl_fail(err, errlen, "%s: unknown verb \"%s\"", inv->object,
					   argv[i]);
		inv->help = OVLCTL_HELP_CMD;
	}
	if (++i < argc)
		return ovlctl_fail(err, errlen, "help: unexpected argument \"%s\"", argv[i]);
	return 0;
}

/* The options and positional arguments after the command's name, argv[0]. */
static int parse_cmd_args(struct ovlctl_inv *inv, int argc, char **argv, char *err, size_t errlen)
{
	const struct ovlctl_cmd *cmd = inv->cmd;
	struct option lo[24];
	char so[64], label[32];
	int c;

	getopt_tables(cmd->opts, false, lo, ARRAY_SIZE(lo), so, sizeof(so));
	optind = 0; /* glibc: start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == '?' || c == ':')
			return opt_error(c, argv, lo, err, errlen);
		if (c == OVLCTL_OPT_VERSION)
			return ovlctl_fail(err, errlen, "--version goes before OBJECT");
		if (global_opt(inv, c)) {
			if (c == 'h')
				inv->help = OVLCTL_HELP_CMD;
			continue;
		}
		for (const struct ovlctl_optspec *o = cmd->opts; o && o->val; o++) {
			/* a flag twice is harmless; a value twice is ambiguous */
			if (o->val != c || !o->arg || (o->flags & OVLCTL_OPT_F_REPEAT) ||
			    !ovlctl_has_opt(inv, c))
				continue;
			ovlctl_opt_label(o, label, sizeof(label));
			return ovlctl_fail(err, errlen, "option \"%s\" given twice", label);
		}
		if (inv->nopt >= OVLCTL_MAX_OPTS)
			return ovlctl_fail(err, errlen, "too many options");
		inv->opt[inv->nopt].val = c;
		inv->opt[inv->nopt++].arg = optarg;
	}
	if (inv->help)
		return 0;
	for (int i = optind; i < argc; i++) {
		if (inv->npos >=
		    ((cmd->flags & OVLCTL_CMD_F_REST) ? OVLCTL_MAX_POS : cmd->max_args))
			return ovlctl_fail(err, errlen, "unexpected argument \"%s\"", argv[i]);
		inv->pos[inv->npos++] = argv[i];
	}
	if (inv->npos < cmd->min_args)
		return ovlctl_fail(err, errlen, "missing %s", cmd->pos[inv->npos]);
	/* A required option that may repeat (-p) is checked by the builder,
	 * which knows which values are needed (-s files needs files/config). */
	for (const struct ovlctl_optspec *o = cmd->opts; o && o->val; o++) {
		if (!(o->flags & OVLCTL_OPT_F_REQUIRED) || (o->flags & OVLCTL_OPT_F_REPEAT) ||
		    ovlctl_has_opt(inv, o->val))
			continue;
		ovlctl_opt_label(o, label, sizeof(label));
		return ovlctl_fail(err, errlen, "missing %s %s", label, o->arg ? o->arg : "");
	}
	return 0;
}

/* Where to connect: --socket, else the instance's socket. */
static int resolve_socket(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *env = getenv("OVL_INSTANCE");
	bool from_env = false;

	if (inv->instance && !ovl_instance_valid(inv->instance))
		goto bad;
	if (inv->socket_opt) {
		if (!*inv->socket_opt || strlen(inv->socket_opt) >= sizeof(inv->socket))
			return ovlctl_fail(err, errlen, "bad socket path \"%s\": 1 to %zu bytes",
					   inv->socket_opt, sizeof(inv->socket) - 1);
		snprintf(inv->socket, sizeof(inv->socket), "%s", inv->socket_opt);
		return 0;
	}
	if (!inv->instance && env && *env) {
		inv->instance = env;
		from_env = true;
	}
	if (!inv->instance)
		inv->instance = OVL_DEFAULT_INST;
	if (!ovl_instance_valid(inv->instance))
		goto bad;
	if (ovl_ctl_socket_path(inv->instance, inv->socket, sizeof(inv->socket)))
		return ovlctl_fail(err, errlen, "bad instance name \"%s\": too long",
				   inv->instance);
	return 0;
bad:
	return ovlctl_fail(
		err, errlen,
		"bad instance name \"%s\"%s: expected 1 to %d characters of A-Z a-z 0-9 _ -",
		inv->instance, from_env ? " in OVL_INSTANCE" : "", OVL_INSTANCE_MAX);
}

int ovlctl_parse(int argc, char **argv, struct ovlctl_inv *inv, char *err, size_t errlen)
{
	struct option lo[8];
	char so[16], name[32], msg[512];
	int c, i, ret;

	memset(inv, 0, sizeof(*inv));
	err[0] = '\0';
	getopt_tables(NULL, true, lo, ARRAY_SIZE(lo), so, sizeof(so));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == '?' || c == ':')
			return opt_error(c, argv, lo, err, errlen);
		global_opt(inv, c);
	}
	i = optind;
	if (inv->help)
		return parse_help(inv, argc, argv, i, err, errlen);
	if (inv->version)
		return i < argc ? ovlctl_fail(err, errlen, "unexpected argument \"%s\"", argv[i]) :
				  0;
	if (i >= argc)
		return ovlctl_fail(err, errlen, "missing OBJECT");
	if (strcmp(argv[i], "help") == 0)
		return parse_help(inv, argc, argv, i + 1, err, errlen);
	inv->object = known_object(argv[i]);
	if (!inv->object)
		return ovlctl_fail(err, errlen, "unknown object \"%s\"", argv[i]);
	inv->cmd = single(inv->object);
	if (!inv->cmd) {
		if (++i >= argc)
			return ovlctl_fail(err, errlen, "%s: missing VERB", inv->object);
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			inv->help = OVLCTL_HELP_OBJECT;
			return 0;
		}
		inv->cmd = find_cmd(inv->object, argv[i]);
		if (!inv->cmd)
			return ovlctl_fail(err, errlen, "%s: unknown verb \"%s\"", inv->object,
					   argv[i]);
	}

	ovlctl_cmd_name(inv->cmd, name, sizeof(name));
	msg[0] = '\0';
	ret = parse_cmd_args(inv, argc - i, argv + i, msg, sizeof(msg));
	if (!ret && !inv->help) {
		inv->req = json_pack("{s:s}", "cmd", inv->cmd->wire);
		ret = inv->req ? inv->cmd->build(inv, msg, sizeof(msg)) :
				 (snprintf(msg, sizeof(msg), "out of memory"), -ENOMEM);
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", name, msg);
		return ret;
	}
	return inv->help ? 0 : resolve_socket(inv, err, errlen);
}

void ovlctl_inv_free(struct ovlctl_inv *inv)
{
	json_decref(inv->req);
	inv->req = NULL;
}

int ovlctl_build_request(int argc, char **argv, json_t **req, char *err, size_t errlen)
{
	struct ovlctl_inv inv;
	int ret = ovlctl_parse(argc, argv, &inv, err, errlen);

	*req = NULL;
	if (!ret) {
		*req = inv.req;
		inv.req = NULL;
	}
	ovlctl_inv_free(&inv);
	return ret;
}
