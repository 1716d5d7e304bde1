// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hash.c - see hash.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"

#define MIN_CAP 8

uint64_t ovl_hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 offset basis */

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull; /* FNV-1a 64 prime */
	}
	/* murmur3 fmix64: every input bit reaches the low bits used as index */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* The tag stored per slot: the low 32 bits of the hash, never 0 (0 marks an
 * empty slot). The slot index comes from the same bits, so growing the
 * table needs no rehashing. */
static uint32_t tag_of(const struct ovl_hash *h, const void *key)
{
	uint32_t t = (uint32_t)ovl_hash_bytes(key, h->key_size);

	return t ? t : 1;
}

static unsigned char *key_at(const struct ovl_hash *h, size_t slot)
{
	return h->keys + slot * h->key_size;
}

static unsigned char *val_at(const struct ovl_hash *h, size_t slot)
{
	return h->vals ? h->vals + slot * h->val_size : h->keys + slot * h->key_size;
}

int ovl_hash_init(struct ovl_hash *h, size_t key_size, size_t val_size)
{
	memset(h, 0, sizeof(*h));
	if (!key_size)
		return -EINVAL;
	h->key_size = key_size;
	h->val_size = val_size;
	return 0;
}

static void free_arrays(struct ovl_hash *h)
{
	free(h->tags);
	free(h->keys);
	free(h->vals);
}

void ovl_hash_free(struct ovl_hash *h)
{
	if (!h)
		return;
	free_arrays(h);
	h->tags = NULL;
	h->keys = NULL;
	h->vals = NULL;
	h->cap = 0;
	h->count = 0;
}

/* Find the slot of key, or the empty slot where it would go. */
static size_t probe(const struct ovl_hash *h, const void *key, uint32_t tag, bool *found)
{
	size_t mask = h->cap - 1, i = tag & mask;

	for (;;) {
		if (!h->tags[i]) {
			*found = false;
			return i;
		}
		if (h->tags[i] == tag && memcmp(key_at(h, i), key, h->key_size) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static int resize(struct ovl_hash *h, size_t cap)
{
	uint32_t *tags;
	unsigned char *keys, *vals = NULL;

	if (cap > SIZE_MAX / h->key_size || (h->val_size && cap > SIZE_MAX / h->val_size) ||
	    cap > SIZE_MAX / sizeof(*tags))
		return -EOVERFLOW;
	tags = calloc(cap, sizeof(*tags));
	keys = malloc(cap * h->key_size);
	if (h->val_size)
		vals = malloc(cap * h->val_size);
	if (!tags || !keys || (h->val_size && !vals)) {
		free(tags);
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++) {
		size_t j;

		if (!h->tags[i])
			continue;
		for (j = h->tags[i] & (cap - 1); tags[j]; j = (j + 1) & (cap - 1))
			;
		tags[j] = h->tags[i];
		memcpy(keys + j * h->key_size, key_at(h, i), h->key_size);
		if (h->val_size)
			memcpy(vals + j * h->val_size, val_at(h, i), h->val_size);
	}
	free_arrays(h);
	h->tags = tags;
	h->keys = keys;
	h->vals = vals;
	h->cap = cap;
	return 0;
}

/* Slots needed to hold n entries at most 3/4 full. */
static int cap_for(size_t n, size_t *cap)
{
	size_t c = MIN_CAP;

	while (n > c / 4 * 3) {
		if (c > SIZE_MAX / 2)
			return -EOVERFLOW;
		c *= 2;
	}
	*cap = c;
	return 0;
}

int ovl_hash_reserve(struct ovl_hash *h, size_t n)
{
	size_t cap;
	int err;

	if (n < h->count)
		n = h->count;
	err = cap_for(n, &cap);
	if (err)
		return err;
	return cap > h->cap ? resize(h, cap) : 0;
}

int ovl_hash_insert(struct ovl_hash *h, const void *key, const void *val)
{
	uint32_t tag = tag_of(h, key);
	bool found;
	size_t i;
	int err;

	if (h->count == SIZE_MAX)
		return -EOVERFLOW;
	/* grow first: a key that is already there leaves a bigger table, the
	 * same contents, and costs one probe instead of two */
	err = ovl_hash_reserve(h, h->count + 1);
	if (err)
		return err;
	i = probe(h, key, tag, &found);
	if (found)
		return -EEXIST;
	h->tags[i] = tag;
	memcpy(key_at(h, i), key, h->key_size);
	if (h->val_size) {
		if (val)
			memcpy(val_at(h, i), val, h->val_size);
		else
			memset(val_at(h, i), 0, h->val_size);
	}
	h->count++;
	return 0;
}

void *ovl_hash_find(const struct ovl_hash *h, const void *key)
{
	bool found;
	size_t i;

	if (!h->count)
		return NULL;
	i = probe(h, key, tag_of(h, key), &found);
	return found ? val_at(h, i) : NULL;
}

int ovl_hash_delete(struct ovl_hash *h, const void *key)
{
	size_t mask, i, j;
	bool found;

	if (!h->count)
		return -ENOENT;
	mask = h->cap - 1;
	i = probe(h, key, tag_of(h, key), &found);
	if (!found)
		return -ENOENT;
	/*
	 * Backward-shift deletion (Knuth 6.4, algorithm R): walk the cluster
	 * after the hole and move back every entry whose home slot is not
	 * cyclically in (hole, its slot], so that no probe sequence crosses
	 * an empty slot before reaching its key.
	 */
	for (j = (i + 1) & mask; h->tags[j]; j = (j + 1) & mask) {
		size_t home = h->tags[j] & mask;
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);

		if (stays)
			continue;
		h->tags[i] = h->tags[j];
		memcpy(key_at(h, i), key_at(h, j), h->key_size);
		if (h->val_size)
			memcpy(val_at(h, i), val_at(h, j), h->val_size);
		i = j;
	}
	h->tags[i] = 0;
	h->count--;
	return 0;
}

size_t ovl_hash_count(const struct ovl_hash *h)
{
	return h->count;
}

bool ovl_hash_next(const struct ovl_hash *h, size_t *iter, const void **key, void **val)
{
	for (size_t i = *iter; i < h->cap; i++) {
		if (!h->tags[i])
			continue;
		if (key)
			*key = key_at(h, i);
		if (val)
			*val = val_at(h, i);
		*iter = i + 1;
		return true;
	}
	*iter = h->cap;
	return false;
}
