/*
** idmap.h: a hash index from string keys to record positions.
**
** Open addressing with linear probing over FNV-1a hashes kept beside the
** keys; the keys are not
** copied (they live in the owner's arena).  Used for every "by id" lookup of
** the register, so that reference resolution and the rules are O(1) per
** record instead of a query or a scan.
*/
#ifndef TG_IDMAP_H
#define TG_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#define TG_IX_NONE UINT32_MAX

typedef struct tg_idmap {
	const char **keys;
	uint32_t *vals;
	uint32_t *hashes; /* the hash of each slot's key */
	size_t cap; /* power of two, or 0 */
	size_t count;
} tg_idmap;

void idmap_init(tg_idmap *m);
void idmap_free(tg_idmap *m);
/* Size an empty map for n keys (no growing while they are put). */
void idmap_reserve(tg_idmap *m, size_t n);
/* Insert key -> val.  Returns the previous value when the key was present
** (and then keeps it: the caller decides what a duplicate means), else
** TG_IX_NONE. */
uint32_t idmap_put(tg_idmap *m, const char *key, uint32_t val);
/* Replace the value of a present key, or insert it. */
void idmap_set(tg_idmap *m, const char *key, uint32_t val);
uint32_t idmap_get(const tg_idmap *m, const char *key);
/* dst becomes a copy of src, sharing its keys.  dst is empty (idmap_init,
** idmap_free) or a map whose buffers are reused when its capacity is src's
** (a copy into memory already paged in: cache.c's spare arrays). */
void idmap_copy(tg_idmap *dst, const tg_idmap *src);

#endif
