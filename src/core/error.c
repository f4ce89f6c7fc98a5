/*
** error.c: filling tg_error and collecting tg_errors (see error.h).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static void copy_str(char *dst, size_t size, const char *src)
{
	if (!src)
		src = "";
	snprintf(dst, size, "%s", src);
}

static void fill(tg_error *e, const char *code, const char *path, const char *fmt, va_list ap)
{
	copy_str(e->code, sizeof e->code, code);
	copy_str(e->path, sizeof e->path, path);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
}

int tg_error_set(tg_error *err, int rc, const char *code, const char *path,
		 const char *fmt, ...)
{
	if (!err)
		return rc;
	va_list ap;
	va_start(ap, fmt);
	fill(err, code, path, fmt, ap);
	va_end(ap);
	return rc;
}

void tg_errors_init(tg_errors *list)
{
	memset(list, 0, sizeof *list);
	list->cap = 200;
}

void tg_errors_free(tg_errors *list)
{
	free(list->items);
	memset(list, 0, sizeof *list);
}

void tg_errors_add(tg_errors *list, const char *code, const char *path,
		   const char *fmt, ...)
{
	list->total++;
	if (list->count >= list->cap)
		return;
	if (list->count == list->alloc) {
		size_t n = list->alloc ? list->alloc * 2 : 16;
		tg_error *items = realloc(list->items, n * sizeof *items);
		if (!items)
			return; /* total still counts it: the caller fails anyway */
		list->items = items;
		list->alloc = n;
	}
	tg_error *e = &list->items[list->count++];
	va_list ap;
	va_start(ap, fmt);
	fill(e, code, path, fmt, ap);
	va_end(ap);
}
