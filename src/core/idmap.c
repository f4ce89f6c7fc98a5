/*
** idmap.c: string -> index hash table (see idmap.h).
**
** Each slot keeps the key's 32-bit hash beside it, so a probe compares
** strings only when the hashes agree: at national size (millions of ids)
** the strcmp of every probe showed in profiles.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

static uint32_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

void idmap_init(tg_idmap *m)
{
	memset(m, 0, sizeof *m);
}

void idmap_reserve(tg_idmap *m, size_t n)
{
	size_t cap = 64;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (m->count || cap <= m->cap)
		return;
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	m->keys = calloc(cap, sizeof *m->keys);
	m->vals = malloc(cap * sizeof *m->vals);
	m->hashes = malloc(cap * sizeof *m->hashes);
	if (!m->keys || !m->vals || !m->hashes) {
		fputs("tuogou: 内存不足\n", stderr);
		abort();
	}
	m->cap = cap;
}

void idmap_free(tg_idmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	memset(m, 0, sizeof *m);
}

static size_t find_slot(const tg_idmap *m, const char *key, uint32_t h)
{
	size_t mask = m->cap - 1;
	size_t i = h & mask;
	while (m->keys[i] && (m->hashes[i] != h || strcmp(m->keys[i], key) != 0))
		i = (i + 1) & mask;
	return i;
}

static void grow(tg_idmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	const char **okeys = m->keys;
	uint32_t *ovals = m->vals, *ohashes = m->hashes;
	size_t ocap = m->cap;
	m->keys = calloc(ncap, sizeof *m->keys);
	m->vals = malloc(ncap * sizeof *m->vals);
	m->hashes = malloc(ncap * sizeof *m->hashes);
	if (!m->keys || !m->vals || !m->hashes) {
		fputs("tuogou: 内存不足\n", stderr);
		abort();
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!okeys[i])
			continue;
		size_t j = find_slot(m, okeys[i], ohashes[i]);
		m->keys[j] = okeys[i];
		m->vals[j] = ovals[i];
		m->hashes[j] = ohashes[i];
	}
	free(okeys);
	free(ovals);
	free(ohashes);
}

/* The slot of key, growing first so that the load factor stays under 1/2
** (short probes). */
static size_t slot_for_insert(tg_idmap *m, const char *key, uint32_t h)
{
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	return find_slot(m, key, h);
}

uint32_t idmap_put(tg_idmap *m, const char *key, uint32_t val)
{
	uint32_t h = hash_str(key);
	size_t i = slot_for_insert(m, key, h);
	if (m->keys[i])
		return m->vals[i];
	m->keys[i] = key;
	m->vals[i] = val;
	m->hashes[i] = h;
	m->count++;
	return TG_IX_NONE;
}

void idmap_set(tg_idmap *m, const char *key, uint32_t val)
{
	uint32_t h = hash_str(key);
	size_t i = slot_for_insert(m, key, h);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->hashes[i] = h;
		m->count++;
	}
	m->vals[i] = val;
}

uint32_t idmap_get(const tg_idmap *m, const char *key)
{
	if (!m->cap || !key)
		return TG_IX_NONE;
	size_t i = find_slot(m, key, hash_str(key));
	return m->keys[i] ? m->vals[i] : TG_IX_NONE;
}

void idmap_copy(tg_idmap *dst, const tg_idmap *src)
{
	if (dst->cap != src->cap)
		idmap_free(dst);
	if (!src->cap)
		return;
	if (!dst->cap) {
		dst->keys = malloc(src->cap * sizeof *dst->keys);
		dst->vals = malloc(src->cap * sizeof *dst->vals);
		dst->hashes = malloc(src->cap * sizeof *dst->hashes);
	}
	if (!dst->keys || !dst->vals || !dst->hashes) {
		fputs("tuogou: 内存不足\n", stderr);
		abort();
	}
	memcpy(dst->keys, src->keys, src->cap * sizeof *dst->keys);
	memcpy(dst->vals, src->vals, src->cap * sizeof *dst->vals);
	memcpy(dst->hashes, src->hashes, src->cap * sizeof *dst->hashes);
	dst->cap = src->cap;
	dst->count = src->count;
}
