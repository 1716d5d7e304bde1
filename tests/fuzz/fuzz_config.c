// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_config.c - what ovld is told at start (loader/config.c): its
 * command line and the --config file (underlay, listen_ip, port, metrics,
 * overlays with their backends' sections).
 *
 * The input is the command line, a NUL byte, then the file (no NUL: all
 * of it is the file, the command line empty). The command line is one
 * argument a line, after "ovld". The file is read through
 * /proc/self/fd of a memfd holding the text, as ovld opens any file
 * (ovl_open_regular()).
 *
 * A file that loads must leave what it set in range: the port 1-65535
 * (or unset), listen addresses of their own family.
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: loader/config.c:config_load,check_config_overlay,keys_known,add_listen,set_str
 * cov: loader/config.c:config_parse_args
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>
#include <sys/mman.h>
#include "ovld.h"
#include "log.h"
#include "fuzz.h"

#define MAX_ARGS 16

static int memfd = -1, devnull = -1, stderr_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	memfd = memfd_create("ovld.json", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		abort();
	}
	opterr = 0;
	/* --help and --version print on stdout, a bad option's usage on
	 * stderr (kept only while the command line is parsed) */
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	stderr_fd = dup(2);
	if (!freopen("/dev/null", "w", stdout) || devnull < 0 || stderr_fd < 0)
		abort();
	return 0;
}

static void args_check(struct ovld_opts *o, char *text)
{
	char *argv[MAX_ARGS + 2] = { (char *)"ovld" }, *save = NULL;
	int argc = 1;
	bool cleanup = false;
	int ret;

	for (char *l = strtok_r(text, "\n", &save); l && argc <= MAX_ARGS;
	     l = strtok_r(NULL, "\n", &save))
		argv[argc++] = l;
	argv[argc] = NULL;
	optind = 0; /* getopt starts afresh */
	fflush(stderr);
	dup2(devnull, 2);
	ret = config_parse_args(o, argc, argv, &cleanup);
	fflush(stderr);
	dup2(stderr_fd, 2);
	FUZZ_CHECK(ret == -1 || ret == 0 || ret == 2, "config_parse_args: %d", ret);
}

static void file_check(struct ovld_opts *o, const uint8_t *data, size_t size)
{
	json_t *cfg;

	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(o->config, sizeof(o->config), "/proc/self/fd/%d", memfd);
	cfg = config_load(o);
	if (!cfg)
		return;
	FUZZ_CHECK(json_is_object(cfg), "the configuration is no object");
	FUZZ_CHECK(!o->listen4.family || o->listen4.family == OVL_AF_INET4, "listen4 family %u",
		   o->listen4.family);
	FUZZ_CHECK(!o->listen6.family || o->listen6.family == OVL_AF_INET6, "listen6 family %u",
		   o->listen6.family);
	json_decref(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	struct ovld_opts o;

	memset(&o, 0, sizeof(o));
	if (nul) {
		char *args = strndup((const char *)data, (size_t)(nul - data));

		if (!args)
			abort();
		args_check(&o, args);
		free(args);
		size -= (size_t)(nul - data) + 1;
		data = nul + 1;
	}
	file_check(&o, data, size);
	return 0;
}
