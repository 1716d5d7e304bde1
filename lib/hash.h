/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * hash.h - a small open-addressing hash table with fixed-size byte keys and
 * fixed-size values, both copied into the table.
 *
 * Keys are compared with memcmp() over key_size bytes, so a struct key must
 * be fully initialised, padding included (memset before filling it, as for
 * the BPF map keys). Linear probing over a power-of-two number of slots,
 * kept at most 3/4 full; deletion shifts the following entries back instead
 * of leaving tombstones, so a table that sees many deletions does not slow
 * down. The hash is FNV-1a over the key bytes followed by the 64-bit
 * murmur3 finaliser (the probe index comes from the low bits, which plain
 * FNV mixes poorly for short keys).
 *
 * Pointers returned by ovl_hash_find() and ovl_hash_next() stay valid until
 * the next insert or delete. The table is not thread-safe; callers lock.
 */
#ifndef OVL_HASH_H
#define OVL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ovl_hash {
	/* private: use the functions below */
	size_t key_size;
	size_t val_size;
	size_t cap;	     /* number of slots: 0 or a power of two */
	size_t count;	     /* slots in use */
	uint32_t *tags;	     /* per slot: 0 = empty, else the key's hash (never 0) */
	unsigned char *keys; /* cap * key_size */
	unsigned char *vals; /* cap * val_size, NULL when val_size is 0 */
};

/**
 * ovl_hash_init() - make an empty table; allocates nothing yet.
 * @h: the table
 * @key_size: bytes of a key, at least 1
 * @val_size: bytes of a value, 0 for a set
 * Return: 0 or -EINVAL.
 */
int ovl_hash_init(struct ovl_hash *h, size_t key_size, size_t val_size);

/**
 * ovl_hash_free() - release the table's memory; the table is left empty
 * and usable. Accepts a table that was never initialised with memory (zeroed).
 */
void ovl_hash_free(struct ovl_hash *h);

/**
 * ovl_hash_reserve() - make room for @n entries without further growth.
 * Return: 0, -ENOMEM or -EOVERFLOW.
 */
int ovl_hash_reserve(struct ovl_hash *h, size_t n);

/**
 * ovl_hash_insert() - add a key and its value (both copied).
 * @val: val_size bytes, or NULL to store zeroes
 * Return: 0; -EEXIST when the key is already there (the table is
 * unchanged); -ENOMEM or -EOVERFLOW.
 */
int ovl_hash_insert(struct ovl_hash *h, const void *key, const void *val);

/**
 * ovl_hash_find() - look a key up.
 * Return: the stored value (writable in place), or NULL when the key is
 * absent. For a set (val_size 0), a non-NULL pointer that must not be
 * dereferenced.
 */
void *ovl_hash_find(const struct ovl_hash *h, const void *key);

/**
 * ovl_hash_delete() - remove a key.
 * Return: 0 or -ENOENT.
 */
int ovl_hash_delete(struct ovl_hash *h, const void *key);

/* Number of keys in the table. */
size_t ovl_hash_count(const struct ovl_hash *h);

/**
 * ovl_hash_next() - iterate over the entries, in no particular order.
 * @iter: cursor, set to 0 before the first call
 * @key: set to the entry's key (may be NULL)
 * @val: set to the entry's value (may be NULL)
 *
 *	size_t it = 0;
 *	const void *k;
 *	void *v;
 *	while (ovl_hash_next(h, &it, &k, &v))
 *		...;
 *
 * The table must not be changed during the iteration.
 * Return: true with @key and @val set, false at the end.
 */
bool ovl_hash_next(const struct ovl_hash *h, size_t *iter, const void **key, void **val);

/* The hash function, exported for tests and for callers that shard. */
uint64_t ovl_hash_bytes(const void *data, size_t len);

#endif /* OVL_HASH_H */
