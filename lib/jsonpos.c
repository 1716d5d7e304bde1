// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * jsonpos.c - see jsonpos.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonpos.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'; /* RFC 8259 section 2 */
}

size_t ovl_jtext_skip_ws(const struct ovl_jtext *t, size_t off)
{
	while (off < t->len && is_ws(t->buf[off]))
		off++;
	return off;
}

static void pos_advance(struct ovl_jpos *p, unsigned char ch)
{
	if (ch == '\n') {
		p->line++;
		p->col = 1;
	} else if ((ch & 0xc0) != 0x80) { /* not a UTF-8 continuation byte */
		p->col++;
	}
}

/* The line:column of buf[off], counted from the start (or from the last
 * answer, when off is further on). */
struct ovl_jpos ovl_jtext_pos(struct ovl_jtext *t, size_t off)
{
	if (off < t->pos_off || !t->pos.line) {
		t->pos_off = 0;
		t->pos = (struct ovl_jpos){ 1, 1 };
	}
	for (; t->pos_off < off && t->pos_off < t->len; t->pos_off++)
		pos_advance(&t->pos, (unsigned char)t->buf[t->pos_off]);
	return t->pos;
}

/* "1:2" into buf, or "?" when unknown. */
const char *ovl_jpos_str(struct ovl_jpos p, char *buf, size_t n)
{
	if (p.line)
		snprintf(buf, n, "%u:%u", p.line, p.col);
	else
		snprintf(buf, n, "?");
	return buf;
}

static int keys_push(struct ovl_jkeys *k, const struct ovl_jkey *kp)
{
	if (k->n == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 16;
		struct ovl_jkey *nv;

		if (ncap > SIZE_MAX / sizeof(*nv))
			return -ENOMEM;
		nv = realloc(k->v, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		k->v = nv;
		k->cap = ncap;
	}
	k->v[k->n++] = *kp;
	return 0;
}

/*
 * One pass over buf[from, to), an object (or the start of one): record its
 * own keys, the ones at nesting depth 1, with their positions. The text is
 * JSON that jansson accepted, or a prefix of such text; the scan stays
 * within [from, to) whatever the input.
 */
int ovl_jtext_keys(struct ovl_jtext *t, size_t from, size_t to, struct ovl_jkeys *out)
{
	struct ovl_jpos p = ovl_jtext_pos(t, from);
	bool want_key = false;
	size_t depth = 0, i = from;

	memset(out, 0, sizeof(*out));
	while (i < to) {
		unsigned char ch = (unsigned char)t->buf[i];

		if (ch == '"') {
			struct ovl_jkey k = { .pos = p, .off = i + 1 };

			pos_advance(&p, ch);
			for (i++; i < to && t->buf[i] != '"'; i++) {
				if (t->buf[i] == '\\' && i + 1 < to)
					pos_advance(&p, (unsigned char)t->buf[i++]);
				pos_advance(&p, (unsigned char)t->buf[i]);
			}
			k.len = i - k.off;
			if (i < to)
				pos_advance(&p, (unsigned char)t->buf[i++]);
			if (want_key && depth == 1 && keys_push(out, &k))
				return -ENOMEM;
			want_key = false;
			continue;
		}
		switch (ch) {
		case '{':
		case '[':
			depth++;
			want_key = ch == '{';
			break;
		case '}':
		case ']':
			if (depth)
				depth--;
			want_key = false;
			break;
		case ',':
			/* depth 1 is the object itself; deeper keys are not ours */
			want_key = depth == 1;
			break;
		case ':':
			want_key = false;
			break;
		default:
			break;
		}
		pos_advance(&p, ch);
		i++;
	}
	return 0;
}

/* Decode the raw text of a JSON string (no quotes) into a new NUL-terminated
 * UTF-8 string. Decoding never makes a string longer. */
char *ovl_json_unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned long cp;

		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		if (++i >= len)
			break;
		switch (s[i]) {
		case 'b':
			*o++ = '\b';
			continue;
		case 'f':
			*o++ = '\f';
			continue;
		case 'n':
			*o++ = '\n';
			continue;
		case 'r':
			*o++ = '\r';
			continue;
		case 't':
			*o++ = '\t';
			continue;
		case 'u':
			break;
		default: /* " \ / */
			*o++ = s[i];
			continue;
		}
		if (len - i < 5)
			break;
		cp = strtoul((char[5]){ s[i + 1], s[i + 2], s[i + 3], s[i + 4], 0 }, NULL, 16);
		i += 4;
		/* a surrogate pair: \uD8xx\uDCxx (RFC 8259 section 7) */
		if (cp >= 0xd800 && cp < 0xdc00 && len - i >= 7 && s[i + 1] == '\\' &&
		    s[i + 2] == 'u') {
			unsigned long lo = strtoul(
				(char[5]){ s[i + 3], s[i + 4], s[i + 5], s[i + 6], 0 }, NULL, 16);

			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
		}
		if (cp < 0x80) {
			*o++ = (char)cp;
		} else if (cp < 0x800) {
			*o++ = (char)(0xc0 | cp >> 6);
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*o++ = (char)(0xe0 | cp >> 12);
			*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*o++ = (char)(0xf0 | cp >> 18);
			*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
			*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		}
	}
	*o = '\0';
	return out;
}

/* Whether the raw key text spells key once decoded. */
bool ovl_jtext_key_eq(const struct ovl_jtext *t, const struct ovl_jkey *k, const char *key)
{
	const char *raw = t->buf + k->off;
	bool eq;
	char *s;

	if (!memchr(raw, '\\', k->len))
		return strlen(key) == k->len && memcmp(raw, key, k->len) == 0;
	s = ovl_json_unescape(raw, k->len);
	eq = s && strcmp(s, key) == 0;
	free(s);
	return eq;
}

struct ovl_jpos ovl_jtext_key_pos(struct ovl_jtext *t, size_t from, size_t to, const char *key)
{
	struct ovl_jpos p = { 0, 0 };
	struct ovl_jkeys k;

	if (!ovl_jtext_keys(t, from, to, &k)) {
		for (size_t j = 0; j < k.n && !p.line; j++) {
			if (ovl_jtext_key_eq(t, &k.v[j], key))
				p = k.v[j].pos;
		}
	}
	free(k.v);
	return p;
}

int ovl_jtext_fail(struct ovl_jtext *t, struct ovl_jpos p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->err || !t->errlen)
		return -EINVAL;
	if (p.line)
		n = snprintf(t->err, t->errlen, "%s:%u:%u: ", t->name, p.line, p.col);
	else
		n = snprintf(t->err, t->errlen, "%s: ", t->name);
	if (n < 0 || (size_t)n >= t->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(t->err + n, t->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int ovl_jtext_nomem(struct ovl_jtext *t)
{
	ovl_jtext_fail(t, (struct ovl_jpos){ 0, 0 }, "out of memory");
	return -ENOMEM;
}

/* s in double quotes for a message: control characters, quotes and
 * backslashes escaped, cut with "..." when long. */
const char *ovl_json_quote(const char *s, char *buf)
{
	size_t o = 0;

	buf[o++] = '"';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (o > OVL_JSON_QLEN - 12) { /* room for an escape, "...", the quote and NUL */
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (ch == '"' || ch == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(buf + o, OVL_JSON_QLEN - o, "\\u%04x", ch);
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* A jansson error about the text that starts at buf[off], where its line 1
 * column 1 is. */
int ovl_jtext_jansson_fail(struct ovl_jtext *t, const json_error_t *je, size_t off)
{
	struct ovl_jpos base = ovl_jtext_pos(t, off), p = { 0, 0 };

	if (json_error_code(je) == json_error_out_of_memory)
		return ovl_jtext_nomem(t);
	if (je->line == 1)
		p = (struct ovl_jpos){ base.line, base.col - 1 + (unsigned int)je->column };
	else if (je->line > 1)
		p = (struct ovl_jpos){ base.line + (unsigned int)je->line - 1,
				       (unsigned int)je->column };
	return ovl_jtext_fail(t, p, "%s", je->text);
}
