/*
** arena.c: bump allocator (see arena.h).
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Regular blocks double from ARENA_FIRST to ARENA_BLOCK: an owner holding
** one record (an HTTP request's) costs one small malloc, not 256 KiB (which
** glibc served by mmap and munmap on every request), and a national
** register still gets 256 KiB blocks after a few doublings. */
#define ARENA_FIRST (4 * 1024)
#define ARENA_BLOCK (256 * 1024)

struct tg_arena_block {
	tg_arena_block *next;
	size_t size;
	unsigned char data[];
};

void arena_init(tg_arena *a)
{
	memset(a, 0, sizeof *a);
}

void arena_free(tg_arena *a)
{
	tg_arena_block *b = a->head;
	while (b) {
		tg_arena_block *next = b->next;
		free(b);
		b = next;
	}
	memset(a, 0, sizeof *a);
}

static size_t next_block_size(const tg_arena *a)
{
	if (!a->head)
		return ARENA_FIRST;
	size_t n = a->head->size * 2;
	return n < ARENA_BLOCK ? n : ARENA_BLOCK;
}

void *arena_alloc(tg_arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (!a->head || a->used + size > a->head->size) {
		size_t regular = next_block_size(a);
		bool large = size > regular / 4;
		size_t bsize = large ? size : regular;
		tg_arena_block *b = malloc(sizeof *b + bsize);
		if (!b) {
			fputs("tuogou: 内存不足\n", stderr);
			abort();
		}
		b->size = bsize;
		if (a->head && large) {
			/* A large object gets its own block behind the head so the
			** head's free space is not wasted. */
			b->next = a->head->next;
			a->head->next = b;
			a->total += size;
			return memset(b->data, 0, size);
		}
		b->next = a->head;
		a->head = b;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += size;
	a->total += size;
	return memset(p, 0, size);
}

static void *arena_alloc_raw(tg_arena *a, size_t size)
{
	size_t r = (size + 7) & ~(size_t)7;
	if (a->head && a->used + r <= a->head->size) {
		void *p = a->head->data + a->used;
		a->used += r;
		a->total += r;
		return p;
	}
	return arena_alloc(a, size);
}

char *arena_strndup(tg_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(tg_arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(tg_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = arena_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}
