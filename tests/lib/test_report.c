// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_report.c - what a test reports through test.h: failures, skips,
 * verbose lines and the hex diff of two frames. Linked by every C tier
 * (whose main is test_main.c) and by tools that run the tiers' helpers
 * with a main of their own (tests/fuzz/pktfuzz.c).
 */
#include <stdarg.h>
#include <stdbool.h>
#include "test.h"

struct ovl_test_state ovl_test_cur;
int ovl_test_verbose;

void ovl_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	ovl_test_cur.failed++;
	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	ovl_test_cur.skipped = 1;
	va_start(ap, fmt);
	vsnprintf(ovl_test_cur.skip_reason, sizeof(ovl_test_cur.skip_reason), fmt, ap);
	va_end(ap);
}

void test_info(const char *fmt, ...)
{
	va_list ap;

	if (!ovl_test_verbose)
		return;
	fputs("  # ", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void hexdump_line(const char *tag, const unsigned char *p, size_t len, size_t off,
			 const unsigned char *other, size_t other_len)
{
	printf("  %s %04zx:", tag, off);
	for (size_t i = off; i < off + 16; i++) {
		if (i < len) {
			bool diff = i >= other_len || other[i] != p[i];

			printf(diff ? " [%02x]" : "  %02x ", p[i]);
		} else {
			printf("     ");
		}
	}
	putchar('\n');
}

void ovl_test_hexdump_diff(const void *got, size_t got_len, const void *want, size_t want_len)
{
	const unsigned char *g = got, *w = want;
	size_t max = got_len > want_len ? got_len : want_len;

	for (size_t off = 0; off < max; off += 16) {
		bool same = off + 16 <= got_len && off + 16 <= want_len &&
			    memcmp(g + off, w + off, 16) == 0;

		if (same)
			continue;
		if (off < got_len)
			hexdump_line("got ", g, got_len, off, w, want_len);
		if (off < want_len)
			hexdump_line("want", w, want_len, off, g, got_len);
	}
}
