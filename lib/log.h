/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * log.h - leveled logging to stderr, journald-friendly: every line starts
 * with a syslog priority prefix ("<4>") when stderr is not a terminal, so
 * journald files it at the right level and adds its own timestamps.
 */
#ifndef OVL_LOG_H
#define OVL_LOG_H

#include <stdarg.h>

enum ovl_log_level {
	OVL_LOG_ERR = 3,
	OVL_LOG_WARN = 4,
	OVL_LOG_INFO = 6,
	OVL_LOG_DEBUG = 7,
};

/* Messages above this level are not printed (default OVL_LOG_INFO). */
void ovl_log_set_level(enum ovl_log_level level);
/* The level set (the loader tests put it back after quieting ovld). */
enum ovl_log_level ovl_log_get_level(void);
/* Prefix every line with "name: " (the program's name), or NULL for none. */
void ovl_log_set_ident(const char *name);
/* Route libbpf's messages through ovl_log, one level lower than libbpf
 * asks (its debug output shows only with -vv). */
void ovl_log_libbpf(void);

void ovl_log(enum ovl_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ovl_vlog(enum ovl_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define pr_err(fmt, ...)   ovl_log(OVL_LOG_ERR, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)  ovl_log(OVL_LOG_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  ovl_log(OVL_LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) ovl_log(OVL_LOG_DEBUG, fmt, ##__VA_ARGS__)

#endif /* OVL_LOG_H */
