// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * help.c - ovlctl's usage lines and --help texts, generated from the
 * command table (cmd.c): positional arguments from cmd->pos, options from
 * cmd->opts, so the text says exactly what the parser accepts. Help goes to
 * stdout (exit 0); the usage line after a usage error goes to stderr.
 */
#include <string.h>
#include "ovlctl.h"

void ovlctl_cmd_usage(const struct ovlctl_cmd *cmd, char *buf, size_t len)
{
	char name[32], label[32];

	ovlctl_cmd_name(cmd, name, sizeof(name));
	snprintf(buf, len, "ovlctl %s", name);
	for (int i = 0; i < cmd->max_args; i++)
		ovlctl_strcatf(buf, len, i < cmd->min_args ? " %s" : " [%s]", cmd->pos[i]);
	if ((cmd->flags & OVLCTL_CMD_F_REST) && cmd->max_args)
		ovlctl_strcatf(buf, len, " [%s ...]", cmd->pos[cmd->max_args - 1]);
	for (const struct ovlctl_optspec *o = cmd->opts; o && o->val; o++) {
		bool req = o->flags & OVLCTL_OPT_F_REQUIRED;

		ovlctl_opt_label(o, label, sizeof(label));
		ovlctl_strcatf(buf, len, " %s%s%s%s%s", req ? "" : "[", label, o->arg ? " " : "",
			       o->arg ? o->arg : "", req ? "" : "]");
		if (o->flags & OVLCTL_OPT_F_REPEAT)
			ovlctl_strcatf(buf, len, " [%s ...]", label);
	}
}

/* "  -v, --vni VNI" and the help text in a column, continuation lines too. */
static void help_opts(const struct ovlctl_optspec *opts, bool with_version, FILE *out)
{
	for (const struct ovlctl_optspec *o = opts; o && o->val; o++) {
		bool shrt = o->val < 256;
		const char *h = o->help, *nl;
		char left[64];

		if (o->val == OVLCTL_OPT_VERSION && !with_version)
			continue;
		snprintf(left, sizeof(left), "%c%c%s--%s%s%s%s%s", shrt ? '-' : ' ',
			 shrt ? o->val : ' ', shrt ? ", " : "  ", o->name, o->alias ? ", --" : "",
			 o->alias ? o->alias : "", o->arg ? " " : "", o->arg ? o->arg : "");
		for (bool first = true; h; first = false) {
			nl = strchr(h, '\n');
			fprintf(out, "  %-30s %.*s\n", first ? left : "",
				nl ? (int)(nl - h) : (int)strlen(h), h);
			h = nl ? nl + 1 : NULL;
		}
	}
}

/* s line by line, each non-empty line after indent. */
static void help_text(const char *s, const char *indent, FILE *out)
{
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		int n = nl ? (int)(nl - s) : (int)strlen(s);

		fprintf(out, "%s%.*s\n", n ? indent : "", n, s);
		s = nl ? nl + 1 : NULL;
	}
}

static void help_cmd_brief(const struct ovlctl_cmd *cmd, FILE *out)
{
	char usage[256];

	ovlctl_cmd_usage(cmd, usage, sizeof(usage));
	fprintf(out, "  %s\n", usage);
	help_text(cmd->summary, "      ", out);
}

static void help_cmd(const struct ovlctl_cmd *cmd, FILE *out)
{
	char usage[256];

	ovlctl_cmd_usage(cmd, usage, sizeof(usage));
	fprintf(out, "usage: %s\n", usage);
	if (cmd->verb && cmd->alias)
		fprintf(out, "       (\"%s %s\" is also \"%s %s\")\n", cmd->object, cmd->verb,
			cmd->object, cmd->alias);
	fputc('\n', out);
	help_text(cmd->summary, "", out);
	if (cmd->opts) {
		fputs("\nOptions:\n", out);
		help_opts(cmd->opts, false, out);
	}
	if (cmd->help_extra) {
		fputc('\n', out);
		cmd->help_extra(out);
	}
	if (cmd->details) {
		fputc('\n', out);
		help_text(cmd->details, "", out);
	}
	fputs("\nGlobal options, here or before OBJECT:\n", out);
	help_opts(ovlctl_global_opts, false, out);
}

static void verbs_of(const char *object, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < ovlctl_ncmds; i++)
		if (strcmp(ovlctl_cmds[i].object, object) == 0 && ovlctl_cmds[i].verb)
			ovlctl_strcatf(buf, len, "%s%s", buf[0] ? "|" : "", ovlctl_cmds[i].verb);
}

/* The table keeps the rows of an object together. */
static void objects(char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < ovlctl_ncmds; i++)
		if (i == 0 || strcmp(ovlctl_cmds[i].object, ovlctl_cmds[i - 1].object) != 0)
			ovlctl_strcatf(buf, len, "%s%s", buf[0] ? "|" : "", ovlctl_cmds[i].object);
}

void ovlctl_usage_hint(const struct ovlctl_inv *inv, FILE *out)
{
	char buf[256];

	if (inv->cmd) {
		ovlctl_cmd_usage(inv->cmd, buf, sizeof(buf));
		fprintf(out, "usage: %s\n", buf);
	} else if (inv->object) {
		verbs_of(inv->object, buf, sizeof(buf));
		fprintf(out, "usage: ovlctl %s {%s} ... (see ovlctl %s --help)\n", inv->object, buf,
			inv->object);
	} else {
		objects(buf, sizeof(buf));
		fprintf(out, "usage: ovlctl [OPTIONS] {%s} ... (see ovlctl --help)\n", buf);
	}
}

void ovlctl_help(const struct ovlctl_inv *inv, FILE *out)
{
	char buf[256];

	if (inv->help == OVLCTL_HELP_CMD && inv->cmd) {
		help_cmd(inv->cmd, out);
		return;
	}
	if (inv->help == OVLCTL_HELP_OBJECT && inv->object) {
		verbs_of(inv->object, buf, sizeof(buf));
		fprintf(out, "usage: ovlctl [OPTIONS] %s {%s} [ARGS]\n\n", inv->object, buf);
		for (int i = 0; i < ovlctl_ncmds; i++)
			if (strcmp(ovlctl_cmds[i].object, inv->object) == 0)
				help_cmd_brief(&ovlctl_cmds[i], out);
		fprintf(out, "\n\"ovlctl %s VERB --help\" explains one verb.\n", inv->object);
		return;
	}
	objects(buf, sizeof(buf));
	fprintf(out,
		"usage: ovlctl [OPTIONS] OBJECT [VERB] [ARGS]\n"
		"       ovlctl help [OBJECT [VERB]]\n"
		"OBJECT: %s\n\n"
		"ovlctl drives ovld, the ovl overlay daemon, through its control socket.\n\n"
		"Options (before OBJECT, or after VERB but --version):\n",
		buf);
	help_opts(ovlctl_global_opts, true, out);
	fputs("\nCommands:\n", out);
	for (int i = 0; i < ovlctl_ncmds; i++)
		help_cmd_brief(&ovlctl_cmds[i], out);
	fputs("\n\"ovlctl OBJECT --help\" and \"ovlctl OBJECT VERB --help\" say more.\n"
	      "Environment: OVL_INSTANCE, the default instance.\n"
	      "Exit status: 0 success, 1 runtime error (ovld refused, is not running, I/O),\n"
	      "2 usage error. See ovlctl(8).\n",
	      out);
}
