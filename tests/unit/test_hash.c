// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_hash.c - the open-addressing hash table (lib/hash.c), checked
 * against a plain array as the reference model.
 */
#include <errno.h>
#include <stdlib.h>
#include "hash.h"
#include "test.h"

struct key {
	uint32_t a;
	uint8_t b[6];
	uint8_t pad[2];
};

static struct key key_of(uint32_t i)
{
	struct key k;

	memset(&k, 0, sizeof(k));
	k.a = i;
	k.b[0] = (uint8_t)(i * 2654435761u >> 24);
	k.b[5] = (uint8_t)i;
	return k;
}

void test_hash_basic(void)
{
	struct ovl_hash h;
	struct key k = key_of(1);
	uint64_t v = 42, *p;

	ASSERT_EQ(ovl_hash_init(&h, 0, 8), -EINVAL, "key size 0");
	if (!ASSERT_OK(ovl_hash_init(&h, sizeof(struct key), sizeof(uint64_t)), "init"))
		return;
	ASSERT_EQ(ovl_hash_count(&h), 0, "empty");
	ASSERT_NULL(ovl_hash_find(&h, &k), "find in empty");
	ASSERT_EQ(ovl_hash_delete(&h, &k), -ENOENT, "delete in empty");

	ASSERT_OK(ovl_hash_insert(&h, &k, &v), "insert");
	ASSERT_EQ(ovl_hash_count(&h), 1, "one");
	p = ovl_hash_find(&h, &k);
	if (ASSERT_OK_PTR(p, "find"))
		ASSERT_EQ(*p, 42, "value");

	v = 43;
	ASSERT_EQ(ovl_hash_insert(&h, &k, &v), -EEXIST, "insert twice");
	p = ovl_hash_find(&h, &k);
	if (ASSERT_OK_PTR(p, "find again")) {
		ASSERT_EQ(*p, 42, "value kept on -EEXIST");
		*p = 44; /* values are writable in place */
	}
	p = ovl_hash_find(&h, &k);
	if (ASSERT_OK_PTR(p, "find after write"))
		ASSERT_EQ(*p, 44, "written in place");

	/* the key is copied, and every byte counts, padding included */
	k.pad[1] = 1;
	ASSERT_NULL(ovl_hash_find(&h, &k), "padding differs");
	k.pad[1] = 0;

	ASSERT_OK(ovl_hash_delete(&h, &k), "delete");
	ASSERT_EQ(ovl_hash_delete(&h, &k), -ENOENT, "delete twice");
	ASSERT_NULL(ovl_hash_find(&h, &k), "gone");
	ASSERT_EQ(ovl_hash_count(&h), 0, "empty again");

	ASSERT_OK(ovl_hash_insert(&h, &k, NULL), "insert with NULL value");
	p = ovl_hash_find(&h, &k);
	if (ASSERT_OK_PTR(p, "find zero value"))
		ASSERT_EQ(*p, 0, "NULL value stores zeroes");
	ovl_hash_free(&h);
	ASSERT_EQ(ovl_hash_count(&h), 0, "free empties");
	ASSERT_NULL(ovl_hash_find(&h, &k), "find after free");
	ASSERT_OK(ovl_hash_insert(&h, &k, &v), "usable after free");
	ovl_hash_free(&h);
	ovl_hash_free(NULL);
}

/* A set: val_size 0. */
void test_hash_set(void)
{
	struct ovl_hash h;
	uint8_t k[3] = { 1, 2, 3 };

	if (!ASSERT_OK(ovl_hash_init(&h, sizeof(k), 0), "init"))
		return;
	ASSERT_OK(ovl_hash_insert(&h, k, NULL), "insert");
	ASSERT_OK_PTR(ovl_hash_find(&h, k), "member");
	k[2] = 4;
	ASSERT_NULL(ovl_hash_find(&h, k), "not a member");
	ovl_hash_free(&h);
}

/*
 * Many keys, with deletions interleaved, against a reference array: after
 * every phase, each key is found exactly when the model says it is there,
 * with the right value, and iteration visits each present key once.
 */
void test_hash_many(void)
{
	enum { N = 50000 };
	struct ovl_hash h;
	uint32_t *model = calloc(N, sizeof(*model)); /* 0 absent, else value */
	uint8_t *seen = calloc(N, 1);
	size_t present = 0;

	if (!ASSERT_OK_PTR(model, "calloc") || !ASSERT_OK_PTR(seen, "calloc") ||
	    !ASSERT_OK(ovl_hash_init(&h, sizeof(struct key), sizeof(uint32_t)), "init"))
		goto out;

	for (int phase = 0; phase < 4; phase++) {
		size_t it = 0, visited = 0;
		const void *kp;
		void *vp;
		bool ok = true;

		for (uint32_t i = 0; i < N; i++) {
			struct key k = key_of(i);
			uint32_t v = i * 7 + (uint32_t)phase + 1;

			/* phase 0 inserts all, 1 deletes every 3rd, 2 re-inserts
			 * those and deletes every 5th, 3 deletes all but every 97th */
			bool want = phase == 0 ? true :
				    phase == 1 ? i % 3 != 0 :
				    phase == 2 ? i % 5 != 0 :
						 i % 97 == 0;

			if (want && !model[i]) {
				ok &= ASSERT_OK(ovl_hash_insert(&h, &k, &v), "insert");
				model[i] = v;
				present++;
			} else if (!want && model[i]) {
				ok &= ASSERT_OK(ovl_hash_delete(&h, &k), "delete");
				model[i] = 0;
				present--;
			}
			if (!ok)
				goto out_free;
		}
		if (!ASSERT_EQ(ovl_hash_count(&h), present, "count"))
			goto out_free;
		for (uint32_t i = 0; i < N && ok; i++) {
			struct key k = key_of(i);
			const uint32_t *v = ovl_hash_find(&h, &k);

			if (model[i])
				ok &= ASSERT_OK_PTR(v, "present key found") &&
				      ASSERT_EQ(*v, model[i], "value");
			else
				ok &= ASSERT_NULL(v, "deleted key not found");
		}
		memset(seen, 0, N);
		while (ok && ovl_hash_next(&h, &it, &kp, &vp)) {
			uint32_t i = ((const struct key *)kp)->a;

			ok &= ASSERT_TRUE(i < N && model[i], "iterated key is present") &&
			      ASSERT_EQ(*(uint32_t *)vp, model[i], "iterated value") &&
			      ASSERT_EQ(seen[i]++, 0, "visited once");
			visited++;
		}
		ASSERT_EQ(visited, present, "iteration visits every key");
		test_info("phase %d: %zu keys", phase, present);
	}
out_free:
	ovl_hash_free(&h);
out:
	free(model);
	free(seen);
}

void test_hash_reserve(void)
{
	struct ovl_hash h;
	uint32_t k;

	if (!ASSERT_OK(ovl_hash_init(&h, sizeof(k), sizeof(k)), "init"))
		return;
	ASSERT_OK(ovl_hash_reserve(&h, 1000), "reserve");
	for (k = 0; k < 1000; k++) {
		if (!ASSERT_OK(ovl_hash_insert(&h, &k, &k), "insert"))
			break;
	}
	ASSERT_EQ(ovl_hash_count(&h), 1000, "count");
	ASSERT_OK(ovl_hash_reserve(&h, 10), "reserve less than count is a no-op");
	k = 999;
	ASSERT_OK_PTR(ovl_hash_find(&h, &k), "still there");
	ASSERT_EQ(ovl_hash_reserve(&h, SIZE_MAX), -EOVERFLOW, "absurd reserve");
	ovl_hash_free(&h);
}

/* The hash spreads keys that differ in one bit over the low bits (the ones
 * that pick a slot). */
void test_hash_spread(void)
{
	enum { BITS = 10, SLOTS = 1 << BITS, KEYS = 4 * SLOTS };
	unsigned int *count = calloc(SLOTS, sizeof(*count));
	unsigned int max = 0;

	if (!ASSERT_OK_PTR(count, "calloc"))
		return;
	for (uint32_t i = 0; i < KEYS; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };

		count[ovl_hash_bytes(mac, sizeof(mac)) & (SLOTS - 1)]++;
	}
	for (int i = 0; i < SLOTS; i++)
		max = count[i] > max ? count[i] : max;
	/* 4 keys a slot on average; a poor hash of sequential MACs piles up */
	ASSERT_LE(max, 20, "fullest slot");
	free(count);
}
