// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ipam.c - see ipam.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "ipam.h"

extern char **environ;

#define IPAM_OUT_MAX (1u << 20)

int ovl_ipam_open(struct ovl_ipam *ip, const struct ovl_cni_env *env, const struct ovl_netconf *nc,
		  struct ovl_cni_err *e)
{
	const char *p = env->path;

	memset(ip, 0, sizeof(*ip));
	ip->env = env;
	ip->nc = nc;
	ip->in = nc->raw;
	ip->in_len = nc->raw_len;
	ip->speaks = nc->version;
	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct stat st;

		if (n &&
		    (size_t)snprintf(ip->path, sizeof(ip->path), "%.*s/%s", (int)n, p,
				     nc->ipam_type) < sizeof(ip->path) &&
		    !stat(ip->path, &st) && S_ISREG(st.st_mode) && !access(ip->path, X_OK))
			return 0;
		p = end ? end + 1 : NULL;
	}
	ip->path[0] = '\0';
	return ovl_cni_error(e, OVL_CNI_E_CONFIG, "IPAM plugin not found",
			     "\"ipam.type\": no executable \"%s\" in CNI_PATH (%s)", nc->ipam_type,
			     env->path ? env->path : "");
}

void ovl_ipam_close(struct ovl_ipam *ip)
{
	free(ip->lowered);
	ip->lowered = NULL;
}

/* environ with the given NAME=VALUE overrides; "NAME" alone removes NAME. */
static char **build_env(const char *const *over, size_t n_over)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + n_over + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;

		for (size_t j = 0; j < n_over; j++) {
			size_t klen = strcspn(over[j], "=");

			if (!strncmp(environ[i], over[j], klen) && environ[i][klen] == '=')
				replaced = true;
		}
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < n_over; j++)
		if (strchr(over[j], '='))
			env[k++] = (char *)over[j];
	env[k] = NULL;
	return env;
}

/*
 * Run the plugin once. *status is its exit status (or 128 + signal); *out
 * its stdout parsed as JSON, or NULL when empty. Code 104 when it could not
 * be run or printed something that is not JSON.
 */
static int run(struct ovl_ipam *ip, const char *const *over, size_t n_over, const char *in,
	       size_t in_len, int *status, json_t **out, struct ovl_cni_err *e)
{
	char *argv[] = { ip->path, NULL }, **envp = NULL, *buf = NULL;
	int infd = -1, pipefd[2] = { -1, -1 }, ret = 0, ws;
	size_t len = 0, cap = 0;
	json_error_t jerr;
	pid_t pid;

	*out = NULL;
	/* stdin from a memfd: no pipe to deadlock on, whatever the plugin
	 * reads or writes first. */
	infd = memfd_create("ovl-ipam-stdin", MFD_CLOEXEC);
	if (infd < 0 || write(infd, in, in_len) != (ssize_t)in_len || lseek(infd, 0, SEEK_SET)) {
		ret = ovl_cni_error(e, OVL_CNI_E_IO,
				    "cannot pass the configuration to the IPAM plugin", "memfd: %s",
				    strerror(errno));
		goto out;
	}
	envp = build_env(over, n_over);
	if (!envp || pipe2(pipefd, O_CLOEXEC)) {
		ret = ovl_cni_error(e, OVL_CNI_E_IO, "cannot run the IPAM plugin", "%s",
				    strerror(envp ? errno : ENOMEM));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = ovl_cni_error(e, OVL_CNI_E_IO, "cannot run the IPAM plugin", "fork: %s",
				    strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(infd, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0)
			_exit(127);
		execve(ip->path, argv, envp);
		fprintf(stderr, "ovl: exec %s: %s\n", ip->path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	for (;;) {
		ssize_t r;

		if (cap - len < 4096) {
			char *b;

			cap = cap ? cap * 2 : 8192;
			b = realloc(buf, cap);
			if (!b)
				break;
			buf = b;
		}
		r = read(pipefd[0], buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len > IPAM_OUT_MAX)
			break;
	}
	close(pipefd[0]);
	pipefd[0] = -1;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	if (!buf) {
		ret = ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
		goto out;
	}
	buf[len] = '\0';
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (!len)
		goto out;
	*out = json_loadb(buf, len, 0, &jerr);
	if (!*out)
		ret = ovl_cni_error(e, OVL_CNI_E_IPAM, "the IPAM plugin's output is not JSON",
				    "%s (exit status %d): %d:%d: %s; output: %.200s", ip->path,
				    *status, jerr.line, jerr.column, jerr.text, buf);
out:
	free(buf);
	free(envp);
	if (infd >= 0)
		close(infd);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	return ret;
}

/* The plugin's error object as ours; code 104 when it gave none. */
static int plugin_error(struct ovl_ipam *ip, int status, json_t *out, struct ovl_cni_err *e)
{
	json_t *code = json_object_get(out, "code"), *msg = json_object_get(out, "msg");
	json_t *details = json_object_get(out, "details");
	char m[sizeof(e->msg)];

	if (!json_is_integer(code) || json_integer_value(code) <= 0 ||
	    json_integer_value(code) > 0x7fffffff)
		return ovl_cni_error(e, OVL_CNI_E_IPAM, "the IPAM plugin failed",
				     "%s exited with status %d and no CNI error", ip->path, status);
	snprintf(m, sizeof(m), "IPAM plugin %s: %s", ip->nc->ipam_type,
		 json_is_string(msg) ? json_string_value(msg) : "failed");
	return ovl_cni_error(e, (int)json_integer_value(code), m, "%s",
			     json_is_string(details) ? json_string_value(details) : "");
}

/* Ask the plugin which versions it speaks (ip->supported). */
static int probe_versions(struct ovl_ipam *ip, struct ovl_cni_err *e)
{
	const char *over[] = { "CNI_COMMAND=VERSION" };
	json_t *out = NULL, *list, *v;
	char in[64];
	int status = 0, ret;
	size_t i;

	if (ip->supported)
		return 0;
	snprintf(in, sizeof(in), "{\"cniVersion\":\"%s\"}", ip->nc->cni_version);
	ret = run(ip, over, 1, in, strlen(in), &status, &out, e);
	if (ret)
		return ret;
	if (status) {
		ret = plugin_error(ip, status, out, e);
		json_decref(out);
		return ret;
	}
	list = json_object_get(out, "supportedVersions");
	json_array_foreach(list, i, v) {
		enum ovl_cni_version ver = ovl_cni_version_parse(json_string_value(v));

		if (ver != OVL_CNI_V_NONE)
			ip->supported |= 1u << ver;
	}
	json_decref(out);
	if (!ip->supported)
		ip->supported = 1u; /* asked; speaks none of ours */
	return 0;
}

/* Lower the configuration's cniVersion to the newest the plugin speaks.
 * Return: true when there is one lower than now. */
static bool lower_version(struct ovl_ipam *ip)
{
	json_t *copy;
	int v;

	for (v = (int)ip->speaks - 1; v >= OVL_CNI_V040; v--)
		if (ip->supported & (1u << v))
			break;
	if (v < OVL_CNI_V040)
		return false;
	copy = json_deep_copy(ip->nc->root);
	if (!copy)
		return false;
	json_object_set_new(copy, "cniVersion", json_string(ovl_cni_version_str(v)));
	free(ip->lowered);
	ip->lowered = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	if (!ip->lowered)
		return false;
	pr_info("IPAM plugin %s does not speak cniVersion %s: delegating with %s",
		ip->nc->ipam_type, ovl_cni_version_str(ip->speaks), ovl_cni_version_str(v));
	ip->in = ip->lowered;
	ip->in_len = strlen(ip->lowered);
	ip->speaks = (enum ovl_cni_version)v;
	return true;
}

/* One verb, with the version fallback. *out: its output on success. */
static int call(struct ovl_ipam *ip, const char *const *over, size_t n_over, json_t **out,
		struct ovl_cni_err *e)
{
	int status = 0, ret;

	for (int attempt = 0;; attempt++) {
		ret = run(ip, over, n_over, ip->in, ip->in_len, &status, out, e);
		if (ret)
			return ret;
		if (!status)
			return 0;
		ret = plugin_error(ip, status, *out, e);
		json_decref(*out);
		*out = NULL;
		if (ret != OVL_CNI_E_VERSION || attempt)
			return ret;
		{
			struct ovl_cni_err pe;

			if (probe_versions(ip, &pe) || !lower_version(ip))
				return ret;
		}
	}
}

int ovl_ipam_add(struct ovl_ipam *ip, struct ovl_cni_result *r, struct ovl_cni_err *e)
{
	const char *over[] = { "CNI_COMMAND=ADD" };
	json_t *out = NULL;
	int ret;

	ret = call(ip, over, 1, &out, e);
	if (ret)
		return ret;
	if (!out)
		return ovl_cni_error(e, OVL_CNI_E_IPAM, "the IPAM plugin printed no result",
				     "%s ADD exited 0 with nothing on stdout", ip->path);
	ret = ovl_cni_result_parse(out, "IPAM result", r, e);
	json_decref(out);
	if (ret)
		return ovl_cni_error_prefix(e, ip->nc->ipam_type);
	if (r->n_ifaces)
		pr_debug("IPAM plugin %s returned interfaces: ignored", ip->nc->ipam_type);
	r->n_ifaces = 0;
	return 0;
}

int ovl_ipam_del(struct ovl_ipam *ip, const char *container_id, const char *ifname,
		 struct ovl_cni_err *e)
{
	char cid[300], ifn[64];
	const char *over[4] = { "CNI_COMMAND=DEL" };
	size_t n = 1;
	json_t *out = NULL;
	int ret;

	if (container_id) {
		snprintf(cid, sizeof(cid), "CNI_CONTAINERID=%s", container_id);
		snprintf(ifn, sizeof(ifn), "CNI_IFNAME=%s", ifname);
		over[n++] = cid;
		over[n++] = ifn;
		over[n++] = "CNI_NETNS"; /* another attachment's: not ours to give */
	}
	ret = call(ip, over, n, &out, e);
	json_decref(out);
	return ret;
}

int ovl_ipam_check(struct ovl_ipam *ip, struct ovl_cni_err *e)
{
	const char *over[] = { "CNI_COMMAND=CHECK" };
	json_t *out = NULL;
	int ret;

	ret = call(ip, over, 1, &out, e);
	json_decref(out);
	return ret;
}

/* STATUS and GC: only to a plugin that speaks 1.1.0. */
static int call_v110(struct ovl_ipam *ip, const char *command, bool *skipped, struct ovl_cni_err *e)
{
	char cmd[32];
	const char *over[] = { cmd };
	json_t *out = NULL;
	int ret;

	*skipped = false;
	ret = probe_versions(ip, e);
	if (ret)
		return ret;
	if (!(ip->supported & (1u << OVL_CNI_V110))) {
		pr_info("IPAM plugin %s does not speak cniVersion 1.1.0: no %s for it",
			ip->nc->ipam_type, command);
		*skipped = true;
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "CNI_COMMAND=%s", command);
	ret = call(ip, over, 1, &out, e);
	json_decref(out);
	return ret;
}

int ovl_ipam_status(struct ovl_ipam *ip, bool *skipped, struct ovl_cni_err *e)
{
	return call_v110(ip, "STATUS", skipped, e);
}

int ovl_ipam_gc(struct ovl_ipam *ip, bool *skipped, struct ovl_cni_err *e)
{
	return call_v110(ip, "GC", skipped, e);
}
