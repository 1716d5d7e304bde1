/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * jsonpos.h - JSON text with line:column positions, for messages that
 * point at the key they concern ("hosts.json:7:5: ...").
 *
 * jansson tells where a syntax error is, but not where a key it accepted
 * was. These helpers work on the text itself: a cursor that turns a byte
 * offset into a line:column (counted in characters, as jansson counts), a
 * small lexer that lists an object's own keys with their positions, and
 * the formatting of "NAME:LINE:COL: message" into a caller's buffer. They
 * are meant for the error path: each is linear in the text it looks at.
 */
#ifndef OVL_JSONPOS_H
#define OVL_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define OVL_JSON_QLEN 96 /* a quoted key or value in a message, with its NUL */

struct ovl_jpos {
	unsigned int line; /* 1-based; 0 when unknown */
	unsigned int col;  /* 1-based, in characters (a UTF-8 sequence counts once), as jansson */
};

/* A text being read, and where its messages go. Zero the cursor fields. */
struct ovl_jtext {
	const char *buf; /* the text, not necessarily NUL-terminated */
	size_t len;
	const char *name; /* in messages: "NAME:LINE:COL: " */
	char *err;	  /* the message buffer; NULL for none */
	size_t errlen;
	size_t pos_off;	     /* ovl_jtext_pos() resumes from here... */
	struct ovl_jpos pos; /* ...which is at this position */
};

/* A key of an object, found by ovl_jtext_keys(). */
struct ovl_jkey {
	struct ovl_jpos pos; /* of the opening quote */
	size_t off;	     /* raw text between the quotes: buf[off, off + len) */
	size_t len;
};

/* A list of keys; free(v) when done. */
struct ovl_jkeys {
	struct ovl_jkey *v;
	size_t n, cap;
};

/* The first offset at or after off that is not JSON white space. */
size_t ovl_jtext_skip_ws(const struct ovl_jtext *t, size_t off);

/**
 * ovl_jtext_pos() - the line:column of buf[off], counted from the start, or
 * from the last answer when off is further on (so ascending calls are
 * linear in all).
 */
struct ovl_jpos ovl_jtext_pos(struct ovl_jtext *t, size_t off);

/* "1:2" into buf of n bytes, or "?" when p is unknown. Returns buf. */
const char *ovl_jpos_str(struct ovl_jpos p, char *buf, size_t n);

/**
 * ovl_jtext_keys() - the own keys (nesting depth 1) of the object that
 * starts at buf[from], with their positions, in one pass over
 * buf[from, to). The text is JSON that jansson accepted, or a prefix of
 * such text; the scan stays within [from, to) whatever the input.
 * Return: 0 or -ENOMEM; @out is set either way (free out->v).
 */
int ovl_jtext_keys(struct ovl_jtext *t, size_t from, size_t to, struct ovl_jkeys *out);

/* Does the raw text of k spell key once decoded? */
bool ovl_jtext_key_eq(const struct ovl_jtext *t, const struct ovl_jkey *k, const char *key);

/**
 * ovl_jtext_key_pos() - the position of the own key @key of the object in
 * buf[from, to).
 * Return: its position, or {0, 0} when it is not found.
 */
struct ovl_jpos ovl_jtext_key_pos(struct ovl_jtext *t, size_t from, size_t to, const char *key);

/**
 * ovl_json_unescape() - decode the raw text of a JSON string (without its
 * quotes) into a new NUL-terminated UTF-8 string.
 * Return: the string (free it), or NULL.
 */
char *ovl_json_unescape(const char *s, size_t len);

/**
 * ovl_json_quote() - s in double quotes for a message, into buf of
 * OVL_JSON_QLEN: control characters, quotes and backslashes escaped, cut
 * with "..." when long. Returns buf.
 */
const char *ovl_json_quote(const char *s, char *buf);

/**
 * ovl_jtext_fail() - write "NAME:LINE:COL: message" (or "NAME: message"
 * when p is unknown) into t->err.
 * Return: -EINVAL, for `return ovl_jtext_fail(...)`.
 */
int ovl_jtext_fail(struct ovl_jtext *t, struct ovl_jpos p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "NAME: out of memory". Return: -ENOMEM. */
int ovl_jtext_nomem(struct ovl_jtext *t);

/**
 * ovl_jtext_jansson_fail() - a jansson error about the text that starts at
 * buf[off] (where jansson's line 1, column 1 is), at its place in the
 * whole text.
 * Return: -EINVAL, or -ENOMEM when jansson ran out of memory.
 */
int ovl_jtext_jansson_fail(struct ovl_jtext *t, const json_error_t *je, size_t off);

#endif /* OVL_JSONPOS_H */
