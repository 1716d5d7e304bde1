/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: the entry
 * points, a check that crashes (so that libFuzzer keeps the input) when a
 * property of the parsed result does not hold, and the splitting of an
 * input into NUL-terminated parts.
 *
 * A harness is tests/fuzz/fuzz_NAME.c, its seeds tests/fuzz/corpus/NAME/,
 * its dictionary tests/fuzz/NAME.dict (optional), the inputs that once
 * crashed it tests/fuzz/regress/NAME/ (replayed by every run).
 */
#ifndef OVL_FUZZ_H
#define OVL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property of the result is false: a bug, whatever the input. */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);   \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/*
 * The input cut at its NUL bytes into at most max parts, each copied and
 * NUL-terminated (a part may hold no NUL: the text a parser gets); the
 * last part takes the rest. Return: the number of parts (1 or more); free
 * each with free().
 */
static inline size_t fuzz_split(const uint8_t *data, size_t size, char **parts, size_t max)
{
	size_t n = 0;

	while (n < max) {
		const uint8_t *nul = n + 1 < max ? memchr(data, '\0', size) : NULL;
		size_t len = nul ? (size_t)(nul - data) : size;
		char *p = malloc(len + 1);

		if (!p)
			abort();
		memcpy(p, data, len);
		p[len] = '\0';
		parts[n++] = p;
		if (!nul)
			break;
		data += len + 1;
		size -= len + 1;
	}
	return n;
}

#endif /* OVL_FUZZ_H */
