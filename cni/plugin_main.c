// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * plugin_main.c - what a CNI plugin binary of ovl does around its verbs
 * (`ovl`, `ovl-ipam`): CNI_* variables and stdin in, one JSON document on
 * stdout (the result, or the error in the configuration's version), logs
 * on stderr, exit status 0 or 1 (see ovl-cni(8)).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cni.h"

#define STDIN_MAX (4u << 20)

/* All of stdin; NULL with *len 0 on an empty one. */
static char *read_stdin(size_t *len, int *err)
{
	size_t cap = 0;
	char *buf = NULL;

	*len = 0;
	*err = 0;
	if (isatty(STDIN_FILENO))
		return NULL;
	for (;;) {
		ssize_t r;

		if (cap - *len < 4096) {
			char *b;

			cap = cap ? cap * 2 : 16384;
			if (cap > STDIN_MAX + 16384) {
				*err = EFBIG;
				break;
			}
			b = realloc(buf, cap);
			if (!b) {
				*err = ENOMEM;
				break;
			}
			buf = b;
		}
		r = read(STDIN_FILENO, buf + *len, cap - *len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			*err = errno;
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* The version an error is written in: the configuration's when ovl speaks
 * it, else the newest. */
static const char *error_version(const char *in, size_t len)
{
	static char v[16];
	json_t *j = len ? json_loadb(in, len, 0, NULL) : NULL;
	const char *s = json_string_value(json_object_get(j, "cniVersion"));

	snprintf(v, sizeof(v), "%s",
		 ovl_cni_version_parse(s) != OVL_CNI_V_NONE ? s : OVL_CNI_V_LATEST_STR);
	json_decref(j);
	return v;
}

int ovl_cni_main(const char *ident, ovl_cni_run_fn run)
{
	struct ovl_cni_env env = {
		.command = getenv("CNI_COMMAND"),
		.container_id = getenv("CNI_CONTAINERID"),
		.netns = getenv("CNI_NETNS"),
		.ifname = getenv("CNI_IFNAME"),
		.args = getenv("CNI_ARGS"),
		.path = getenv("CNI_PATH"),
	};
	struct ovl_cni_err e = { 0 };
	json_t *out = NULL;
	size_t len;
	char *in;
	int ret, err;

	ovl_log_set_ident(ident);
	ovl_log_set_level(OVL_LOG_WARN);
	in = read_stdin(&len, &err);
	if (err)
		ret = ovl_cni_error(&e, OVL_CNI_E_IO, "cannot read the network configuration",
				    "stdin: %s", strerror(err));
	else
		ret = run(&env, in ? in : "", len, &out, &e);
	if (ret) {
		pr_err("%s %s: %s%s%s", env.command ? env.command : "?",
		       env.container_id ? env.container_id : "", e.msg, e.details[0] ? ": " : "",
		       e.details);
		json_decref(out);
		out = ovl_cni_error_json(&e, error_version(in, len));
	}
	if (out) {
		json_dumpf(out, stdout, JSON_INDENT(4));
		fputc('\n', stdout);
	}
	if (fflush(stdout) && !ret)
		ret = OVL_CNI_E_IO;
	json_decref(out);
	free(in);
	return ret ? 1 : 0;
}
