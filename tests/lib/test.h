/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test.h - the C test harness (kernel BPF selftests' idiom).
 *
 * A test is a function `void test_NAME(void)` in a file of tests/unit or
 * tests/bpf; the build finds it by its signature and lists it, nothing
 * else is needed. Asserts are expressions that return true on success and
 * mark the running test failed otherwise, so a test reads
 *
 *	if (!ASSERT_OK(err, "fdb_put"))
 *		goto out;
 *
 * test_skip() ends a test as skipped (a missing capability, never a
 * failure). The runner prints PASS/FAIL/SKIP per test.
 */
#ifndef OVL_TEST_H
#define OVL_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct ovl_test_state {
	const char *name;
	int failed;
	int skipped;
	char skip_reason[128];
};

extern struct ovl_test_state ovl_test_cur;

void ovl_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ovl_test_hexdump_diff(const void *got, size_t got_len, const void *want, size_t want_len);
/* Verbose output (-v, which sets ovl_test_verbose): informational lines
 * that are not results. */
extern int ovl_test_verbose;
void test_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ASSERT_TRUE(cond, what)                                                                    \
	({                                                                                         \
		bool ___ok = (cond);                                                               \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: expected true", (what));            \
		___ok;                                                                             \
	})

#define ASSERT_FALSE(cond, what)                                                                   \
	({                                                                                         \
		bool ___ok = !(cond);                                                              \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: expected false", (what));           \
		___ok;                                                                             \
	})

#define ASSERT_EQ(actual, expected, what)                                                          \
	({                                                                                         \
		long long ___a = (long long)(actual), ___e = (long long)(expected);                \
		bool ___ok = ___a == ___e;                                                         \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__,                                          \
				      "%s: got %lld (0x%llx), want %lld (0x%llx)", (what), ___a,   \
				      (unsigned long long)___a, ___e, (unsigned long long)___e);   \
		___ok;                                                                             \
	})

#define ASSERT_NEQ(actual, unexpected, what)                                                       \
	({                                                                                         \
		long long ___a = (long long)(actual), ___u = (long long)(unexpected);              \
		bool ___ok = ___a != ___u;                                                         \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: got %lld, want anything else",      \
				      (what), ___a);                                               \
		___ok;                                                                             \
	})

#define ASSERT_GE(actual, bound, what)                                                             \
	({                                                                                         \
		long long ___a = (long long)(actual), ___b = (long long)(bound);                   \
		bool ___ok = ___a >= ___b;                                                         \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: got %lld, want >= %lld", (what),    \
				      ___a, ___b);                                                 \
		___ok;                                                                             \
	})

#define ASSERT_LE(actual, bound, what)                                                             \
	({                                                                                         \
		long long ___a = (long long)(actual), ___b = (long long)(bound);                   \
		bool ___ok = ___a <= ___b;                                                         \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: got %lld, want <= %lld", (what),    \
				      ___a, ___b);                                                 \
		___ok;                                                                             \
	})

/* 0 is success; anything else is printed, as -errno when negative. */
#define ASSERT_OK(err, what)                                                                       \
	({                                                                                         \
		long long ___e = (long long)(err);                                                 \
		bool ___ok = ___e == 0;                                                            \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: unexpected error %lld (%s)",        \
				      (what), ___e, ___e < 0 ? strerror((int)-___e) : "-");        \
		___ok;                                                                             \
	})

#define ASSERT_ERR(err, what)                                                                      \
	({                                                                                         \
		long long ___e = (long long)(err);                                                 \
		bool ___ok = ___e != 0;                                                            \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: unexpected success", (what));       \
		___ok;                                                                             \
	})

#define ASSERT_OK_PTR(ptr, what)                                                                   \
	({                                                                                         \
		const void *___p = (ptr);                                                          \
		bool ___ok = ___p != NULL;                                                         \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: unexpected NULL", (what));          \
		___ok;                                                                             \
	})

#define ASSERT_NULL(ptr, what)                                                                     \
	({                                                                                         \
		const void *___p = (ptr);                                                          \
		bool ___ok = ___p == NULL;                                                         \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: expected NULL", (what));            \
		___ok;                                                                             \
	})

#define ASSERT_STREQ(actual, expected, what)                                                       \
	({                                                                                         \
		const char *___a = (actual), *___e = (expected);                                   \
		bool ___ok = ___a && ___e && strcmp(___a, ___e) == 0;                              \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"", (what),   \
				      ___a ? ___a : "(null)", ___e ? ___e : "(null)");             \
		___ok;                                                                             \
	})

/* Substring match, for error messages. */
#define ASSERT_STRSTR(haystack, needle, what)                                                      \
	({                                                                                         \
		const char *___h = (haystack), *___n = (needle);                                   \
		bool ___ok = ___h && ___n && strstr(___h, ___n) != NULL;                           \
		if (!___ok)                                                                        \
			ovl_test_fail(__FILE__, __LINE__, "%s: \"%s\" does not contain \"%s\"",    \
				      (what), ___h ? ___h : "(null)", ___n ? ___n : "(null)");     \
		___ok;                                                                             \
	})

/* Byte comparison; a mismatch prints a hexdump diff of both buffers. */
#define ASSERT_MEMEQ(got, got_len, want, want_len, what)                                           \
	({                                                                                         \
		const void *___g = (got), *___w = (want);                                          \
		size_t ___gl = (got_len), ___wl = (want_len);                                      \
		bool ___ok = ___gl == ___wl && memcmp(___g, ___w, ___gl) == 0;                     \
		if (!___ok) {                                                                      \
			ovl_test_fail(__FILE__, __LINE__, "%s: bytes differ (got %zu, want %zu)",  \
				      (what), ___gl, ___wl);                                       \
			ovl_test_hexdump_diff(___g, ___gl, ___w, ___wl);                           \
		}                                                                                  \
		___ok;                                                                             \
	})

#endif /* OVL_TEST_H */
