// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_log.c - lib/log.c as journald reads it: stderr is not a terminal,
 * and every line must carry its "<N>" priority.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "log.h"
#include "test.h"

/* What the messages logged by fn write to stderr (a file here, so not a
 * terminal), or NULL. */
static char *captured(void (*fn)(void))
{
	FILE *f = tmpfile();
	char *buf = NULL;
	long n;
	int saved;

	if (!f)
		return NULL;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fileno(f), STDERR_FILENO) < 0) {
		fclose(f);
		return NULL;
	}
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = ftell(f);
	buf = n >= 0 ? calloc(1, (size_t)n + 1) : NULL;
	rewind(f);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void log_some(void)
{
	ovl_log_set_ident("ovld");
	pr_err("instance %s is already served by ovld pid %s", "h1", "42\n (locked)");
	pr_warn("two\nlines\n");
	pr_info("one line\n");
	pr_debug("not shown at the default level");
	ovl_log_set_ident(NULL);
}

void test_log_every_line_has_its_level(void)
{
	char *out = captured(log_some);

	if (!ASSERT_OK_PTR(out, "capture stderr"))
		return;
	ASSERT_STREQ(out,
		     "<3>ovld: error: instance h1 is already served by ovld pid 42\n"
		     "<3>ovld: error:  (locked)\n"
		     "<4>ovld: warning: two\n"
		     "<4>ovld: warning: lines\n"
		     "<6>ovld: one line\n",
		     "each line with the prefix of its message's level");
	free(out);
}
