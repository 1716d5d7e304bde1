// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * log.c - see log.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "log.h"

static enum ovl_log_level log_level = OVL_LOG_INFO;
static const char *log_ident;

void ovl_log_set_level(enum ovl_log_level level)
{
	log_level = level;
}

enum ovl_log_level ovl_log_get_level(void)
{
	return log_level;
}

void ovl_log_set_ident(const char *name)
{
	log_ident = name;
}

static const char *level_word(enum ovl_log_level level)
{
	switch (level) {
	case OVL_LOG_ERR:
		return "error: ";
	case OVL_LOG_WARN:
		return "warning: ";
	case OVL_LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

void ovl_vlog(enum ovl_log_level level, const char *fmt, va_list ap)
{
	bool tty = isatty(STDERR_FILENO);
	char buf[1024], *line, *nl;
	size_t n;

	if (level > log_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	/*
	 * Every line with the prefix: journald takes a line's priority from
	 * its own "<N>" only, and a line without one would be filed as info
	 * (libbpf's messages, a verifier log, have several lines). One fprintf
	 * per line, so that concurrent writers do not interleave.
	 */
	for (line = buf;; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (tty)
			fprintf(stderr, "%s%s%s%s\n", log_ident ? log_ident : "",
				log_ident ? ": " : "", level_word(level), line);
		else
			fprintf(stderr, "<%d>%s%s%s%s\n", (int)level, log_ident ? log_ident : "",
				log_ident ? ": " : "", level_word(level), line);
		if (!nl)
			break;
	}
}

void ovl_log(enum ovl_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ovl_vlog(level, fmt, ap);
	va_end(ap);
}

/* libbpf hands us its own format strings. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum ovl_log_level l;

	switch (level) {
	case LIBBPF_WARN:
		/* The kernel's extended ack accompanies a failure the caller
		 * reports with its own context (or expects, like EEXIST). */
		l = strstr(fmt, "Kernel error message") ? OVL_LOG_DEBUG : OVL_LOG_INFO;
		break;
	case LIBBPF_INFO:
		l = OVL_LOG_DEBUG;
		break;
	default:
		l = OVL_LOG_DEBUG + 1; /* only with -vv */
		break;
	}
	if (l > log_level)
		return 0;
	ovl_vlog(l > OVL_LOG_DEBUG ? OVL_LOG_DEBUG : l, fmt, ap);
	return 0;
}
#pragma GCC diagnostic pop

void ovl_log_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
