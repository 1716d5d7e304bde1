// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovlctl.c - run one command line: parse it (cmd.c), connect to ovld's
 * control socket, send the request, print the result (print.c, or the
 * JSON with -j), and for `monitor` print event lines until SIGINT/SIGTERM,
 * COUNT events, or ovld closing the connection.
 *
 * stdout carries results only; every diagnostic goes to stderr as
 * "ovlctl: <what failed>: <why>". Exit status: 0, 1 (runtime), 2 (usage).
 */
#include <errno.h>
#include <signal.h>
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

static struct ovl_ctl *connect_ovld(const struct ovlctl_inv *inv, FILE *errf)
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
		fprintf(errf, "ovlctl: cannot reach ovld at %s: %s%s\n", inv->socket, strerror(err),
			hint);
	else
		fprintf(errf, "ovlctl: cannot reach ovld instance \"%s\" at %s: %s%s\n",
			inv->instance, inv->socket, strerror(err), hint);
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
			fprintf(errf, "ovlctl: monitor: %s\n",
				ret == -ECONNRESET ? "ovld closed the connection" :
				ret == -EPROTO	   ? "malformed event line from ovld" :
						     strerror(-ret));
			status = OVLCTL_EXIT_FAIL;
			break;
		}
		ret = inv->json ? print_json(ev, out, JSON_COMPACT) : ovlctl_print_event(ev, out);
		json_decref(ev);
		if (ret == -EPROTO) {
			fprintf(errf, "ovlctl: monitor: an event that is not a JSON object\n");
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

	snprintf(what, sizeof(what), "%s%s%s", cmd->object, cmd->verb ? " " : "",
		 cmd->verb ? cmd->verb : "");
	c = connect_ovld(inv, errf);
	if (!c)
		return OVLCTL_EXIT_FAIL;
	ret = ovl_ctl_call(c, inv->req, &result, msg, sizeof(msg));
	if (ret) {
		fprintf(errf, "ovlctl: %s: %s\n", what, msg);
		goto out;
	}
	if (cmd->flags & OVLCTL_CMD_F_STREAM) {
		status = monitor(inv, c, out, errf);
		goto out;
	}
	print_warnings(result, errf);
	ret = inv->json ? print_json(result, out, JSON_INDENT(2)) : cmd->print(inv, result, out);
	if (ret == -EPROTO)
		fprintf(errf, "ovlctl: %s: unexpected result from ovld (try -j)\n", what);
	else if (ret == -ENOMEM)
		fprintf(errf, "ovlctl: %s: out of memory\n", what);
	status = ret ? OVLCTL_EXIT_FAIL : OVLCTL_EXIT_OK;
	if (flush_out(out, errf))
		status = OVLCTL_EXIT_FAIL;
out:
	json_decref(result);
	ovl_ctl_close(c);
	return status;
}

int ovlctl_main(int argc, char **argv, FILE *out, FILE *errf)
{
	struct ovlctl_inv inv;
	char err[1024];
	int ret, status;

	ret = ovlctl_parse(argc, argv, &inv, err, sizeof(err));
	if (ret == -EINVAL) {
		fprintf(errf, "ovlctl: %s\n", err);
		ovlctl_usage_hint(&inv, errf);
		status = OVLCTL_EXIT_USAGE;
	} else if (ret) {
		fprintf(errf, "ovlctl: %s\n", err);
		status = OVLCTL_EXIT_FAIL;
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
