// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovlctl.c - run one command line: parse it (parse.c), connect to ovld's
 * control socket, send the request, print the result (print.c, or the
 * JSON with -j), and for `monitor` print event lines until SIGINT/SIGTERM,
 * COUNT events, or ovld closing the connection.
 *
 * stdout carries results only; every diagnostic goes to stderr as
 * "ovlctl: <what failed>: <why>", or with -j to stdout as a JSON object
 * {"error": "<what failed>: <why>", ...} (report()). Exit status: 0, 1
 * (runtime), 2 (usage), with or without -j.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ovl_abi.h"
#include "ovlctl.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Check that everything printed reached stdout. */
static int flush_out(FILE *out, FILE *errf)
{
	errno = 0;
	if (fflush(out) == 0 && !ferror(out))
		return OVLCTL_EXIT_OK;
	fprintf(errf, "ovlctl: write output: %s\n", strerror(errno ? errno : EIO));
	return OVLCTL_EXIT_FAIL;
}

static int print_json(json_t *v, FILE *out, size_t flags)
{
	if (json_dumpf(v, out, flags | JSON_ENCODE_ANY))
		return -EIO;
	fputc('\n', out);
	return 0;
}

/* What ovld warns about a command that succeeded (a "warnings" array in the
 * result), on stderr whatever the output format. */
static void print_warnings(json_t *result, FILE *errf)
{
	json_t *w = json_object_get(result, "warnings"), *e;
	size_t i;

	json_array_foreach(w, i, e) {
		if (json_is_string(e))
			fprintf(errf, "ovlctl: warning: %s\n", json_string_value(e));
	}
}

enum {
	REPORT_COMPACT = 1 << 0, /* -j: one line (in monitor's stream of event lines) */
	REPORT_USAGE = 1 << 1,	 /* a usage error: with -j, the command's usage too */
};

/*
 * A failure. Without -j: "ovlctl: MSG" on errf. With -j: a JSON object on
 * out, where a script reads the result,
 *   {"error": MSG, "command": "map del", "errno": "ENOENT", "usage": "..."}
 * "command" when the command is known, "errno" when err is set (ovld's
 * errno, or the system's), "usage" for a usage error (REPORT_USAGE);
 * nothing on errf.
 */
static void __attribute__((format(printf, 7, 8)))
report(const struct ovlctl_inv *inv, bool json, unsigned int flags, FILE *out, FILE *errf, int err,
       const char *fmt, ...)
{
	char *msg = NULL, name[32];
	json_t *o;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!json) {
		fprintf(errf, "ovlctl: %s\n", msg ? msg : "out of memory");
		free(msg);
		return;
	}
	o = json_pack("{s:s}", "error", msg ? msg : "out of memory");
	if (o && inv->cmd) {
		ovlctl_cmd_name(inv->cmd, name, sizeof(name));
		json_object_set_new(o, "command", json_string(name));
	}
	if (o && err)
		json_object_set_new(o, "errno", json_string(ovl_errno_name(err)));
	if (o && (flags & REPORT_USAGE)) {
		char *hint = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&hint, &len);

		if (f) {
			ovlctl_usage_hint(inv, f);
			fclose(f);
		}
		if (hint && !strncmp(hint, "usage: ", 7)) {
			hint[strcspn(hint, "\n")] = '\0';
			json_object_set_new(o, "usage", json_string(hint + 7));
		}
		free(hint);
	}
	if (!o || print_json(o, out, flags & REPORT_COMPACT ? JSON_COMPACT : JSON_INDENT(2)))
		fprintf(errf, "ovlctl: %s\n", msg ? msg : "out of memory");
	json_decref(o);
	free(msg);
}

static struct ovl_ctl *connect_ovld(const struct ovlctl_inv *inv, FILE *out, FILE *errf)
{
	struct ovl_ctl *c = ovl_ctl_connect(inv->socket);
	const char *hint = "";
	int err;

	if (c)
		return c;
	err = errno;
	if (err == ENOENT || err == ECONNREFUSED)
		hint = " (is ovld running?)";
	else if (err == EACCES || err == EPERM)
		hint = " (ovld answers root only)";
	if (inv->socket_opt)
		report(inv, inv->json, 0, out, errf, -err, "cannot reach ovld at %s: %s%s",
		       inv->socket, strerror(err), hint);
	else
		report(inv, inv->json, 0, out, errf, -err,
		       "cannot reach ovld instance \"%s\" at %s: %s%s", inv->instance, inv->socket,
		       strerror(err), hint);
	return NULL;
}

/* After {"monitoring": true}: one line per event until told to stop. */
static int monitor(const struct ovlctl_inv *inv, struct ovl_ctl *c, FILE *out, FILE *errf)
{
	struct sigaction sa = { .sa_handler = on_stop_signal }, old_int, old_term;
	unsigned long long n = 0;
	int status = OVLCTL_EXIT_OK, ret;

	stop_requested = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (!stop_requested && (!inv->count || n < inv->count)) {
		json_t *ev = NULL;

		/* a short timeout: the flag is looked at even when no event comes */
		ret = ovl_ctl_recv(c, &ev, 200);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret) {
			report(inv, inv->json, REPORT_COMPACT, out, errf, ret, "monitor: %s",
			       ret == -ECONNRESET ? "ovld closed the connection" :
			       ret == -EPROTO	  ? "malformed event line from ovld" :
						    strerror(-ret));
			status = OVLCTL_EXIT_FAIL;
			break;
		}
		ret = inv->json ? print_json(ev, out, JSON_COMPACT) : ovlctl_print_event(ev, out);
		json_decref(ev);
		if (ret == -EPROTO) {
			report(inv, inv->json, REPORT_COMPACT, out, errf, ret,
			       "monitor: an event that is not a JSON object");
			status = OVLCTL_EXIT_FAIL;
			break;
		}
		status = flush_out(out, errf);
		if (status)
			break;
		n++;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}

static int run(const struct ovlctl_inv *inv, FILE *out, FILE *errf)
{
	const struct ovlctl_cmd *cmd = inv->cmd;
	char what[32], msg[1024];
	json_t *result = NULL;
	struct ovl_ctl *c;
	int ret, status = OVLCTL_EXIT_FAIL;

	ovlctl_cmd_name(cmd, what, sizeof(what));
	c = connect_ovld(inv, out, errf);
	if (!c) {
		flush_out(out, errf);
		return OVLCTL_EXIT_FAIL;
	}
	ret = ovl_ctl_call(c, inv->req, &result, msg, sizeof(msg));
	if (ret) {
		report(inv, inv->json, 0, out, errf, ret, "%s: %s", what, msg);
		flush_out(out, errf);
		goto out;
	}
	if (cmd->flags & OVLCTL_CMD_F_STREAM) {
		status = monitor(inv, c, out, errf);
		goto out;
	}
	print_warnings(result, errf);
	ret = inv->json ? print_json(result, out, JSON_INDENT(2)) : cmd->print(inv, result, out);
	if (ret == -EPROTO)
		report(inv, inv->json, 0, out, errf, ret,
		       "%s: unexpected result from ovld (try -j)", what);
	else if (ret == -ENOMEM)
		report(inv, inv->json, 0, out, errf, ret, "%s: out of memory", what);
	status = ret ? OVLCTL_EXIT_FAIL : OVLCTL_EXIT_OK;
	if (flush_out(out, errf))
		status = OVLCTL_EXIT_FAIL;
out:
	json_decref(result);
	ovl_ctl_close(c);
	return status;
}

/* -j, even where the parser stopped before it. */
static bool wants_json(const struct ovlctl_inv *inv, int argc, char **argv)
{
	if (inv->json)
		return true;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			return true;
	return false;
}

int ovlctl_main(int argc, char **argv, FILE *out, FILE *errf)
{
	struct ovlctl_inv inv;
	char err[1024];
	int ret, status;

	ret = ovlctl_parse(argc, argv, &inv, err, sizeof(err));
	if (ret) {
		bool json = wants_json(&inv, argc, argv);

		if (ret == -EINVAL)
			report(&inv, json, REPORT_USAGE, out, errf, 0, "%s", err);
		else
			report(&inv, json, 0, out, errf, ret, "%s", err);
		if (ret == -EINVAL && !json)
			ovlctl_usage_hint(&inv, errf);
		status = ret == -EINVAL ? OVLCTL_EXIT_USAGE : OVLCTL_EXIT_FAIL;
		if (json)
			flush_out(out, errf);
	} else if (inv.version) {
		fprintf(out, "ovlctl %s (ABI %d)\n", OVL_VERSION, OVL_ABI_VERSION);
		status = flush_out(out, errf);
	} else if (inv.help) {
		ovlctl_help(&inv, out);
		status = flush_out(out, errf);
	} else {
		status = run(&inv, out, errf);
	}
	ovlctl_inv_free(&inv);
	return status;
}
