/*
** idmap.c: string -> index hash table (see idmap.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void idmap_init(tg_idmap *m)
{
	memset(m, 0, sizeof *m);
}

void idmap_free(tg_idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static size_t find_slot(const tg_idmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash_str(key) & mask;
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

static void grow(tg_idmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	const char **okeys = m->keys;
	uint32_t *ovals = m->vals;
	size_t ocap = m->cap;
	m->keys = calloc(ncap, sizeof *m->keys);
	m->vals = malloc(ncap * sizeof *m->vals);
	if (!m->keys || !m->vals) {
		fputs("tuogou: 内存不足\n", stderr);
		abort();
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!okeys[i])
			continue;
		size_t j = find_slot(m, okeys[i]);
		m->keys[j] = okeys[i];
		m->vals[j] = ovals[i];
	}
	free(okeys);
	free(ovals);
}

uint32_t idmap_put(tg_idmap *m, const char *key, uint32_t val)
{
	/* Keep the load factor under 1/2 so probes stay short. */
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	size_t i = find_slot(m, key);
	if (m->keys[i])
		return m->vals[i];
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return TG_IX_NONE;
}

void idmap_set(tg_idmap *m, const char *key, uint32_t val)
{
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	size_t i = find_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->count++;
	}
	m->vals[i] = val;
}

uint32_t idmap_get(const tg_idmap *m, const char *key)
{
	if (!m->cap || !key)
		return TG_IX_NONE;
	size_t i = find_slot(m, key);
	return m->keys[i] ? m->vals[i] : TG_IX_NONE;
}
