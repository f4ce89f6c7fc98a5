/*
** collate.h: the order of Chinese names, as an official lists them.
**
** Names sort by pinyin (拼音排序): ICU's collation for
** "zh@collation=pinyin", whose sort keys compare with memcmp, so a store
** can keep them in an indexed column and a list can sort by bytes.
*/
#ifndef TG_COLLATE_H
#define TG_COLLATE_H

#include <stddef.h>

/* The pinyin sort key of name (NULL: the empty name): malloc'd, *len
** bytes, comparable with memcmp (shorter first on a common prefix).
** NULL only when out of memory. */
unsigned char *collate_name_key(const char *name, size_t *len);

#endif
