/*
** arena.h: bump allocation for data that lives as long as its owner.
**
** A register, a plan and a findings list each own one arena; every string
** and small object they hold is carved out of it and freed all at once.  This
** keeps the loaders simple (no per-field free) and fast at national size
** (millions of short strings).
*/
#ifndef TG_ARENA_H
#define TG_ARENA_H

#include <stddef.h>

typedef struct tg_arena_block tg_arena_block;
typedef struct tg_arena {
	tg_arena_block *head;
	size_t used;  /* bytes used in head */
	size_t total; /* bytes handed out, for statistics */
} tg_arena;

void arena_init(tg_arena *a);
void arena_free(tg_arena *a);
/* Zeroed, aligned to 8 bytes; never NULL (aborts when memory is exhausted, as a
** loader that cannot allocate cannot do anything sensible either). */
void *arena_alloc(tg_arena *a, size_t size);
char *arena_strdup(tg_arena *a, const char *s);
char *arena_strndup(tg_arena *a, const char *s, size_t n);
char *arena_printf(tg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
