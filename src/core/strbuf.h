/*
** strbuf.h: a growable byte buffer, optionally draining into a FILE.
**
** Every text output of tuogou (bundle JSON, check output in each format,
** API bodies) is built in a strbuf.  With a sink set, the buffer writes
** itself out whenever it grows past a threshold, so exporting a national
** register streams instead of holding hundreds of megabytes.
*/
#ifndef TG_STRBUF_H
#define TG_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct strbuf {
	char *buf;
	size_t len, alloc;
	FILE *sink;     /* NULL: keep everything in memory */
	bool failed;    /* a write to the sink failed */
} strbuf;

void sb_init(strbuf *sb);
void sb_init_sink(strbuf *sb, FILE *sink);
void sb_release(strbuf *sb);
void sb_add(strbuf *sb, const char *s, size_t n);
void sb_adds(strbuf *sb, const char *s);
/* The rest of the stream f appended: 0, 1 when it would pass max bytes
** in all (0: no limit; what was read stays), -1 on a read error. */
int sb_add_stream(strbuf *sb, FILE *f, size_t max);
void sb_addc(strbuf *sb, char c);
void sb_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A decimal integer, as "%lld" writes it. */
void sb_add_int(strbuf *sb, long long v);
/* A JSON string literal with quotes; NULL writes null. */
void sb_add_json_str(strbuf *sb, const char *s);
/* A member of a JSON object: lead (its key and what goes before it, JSON
** text: ", \"name\": "), then s as sb_add_json_str writes it. */
void sb_add_json_member(strbuf *sb, const char *lead, const char *s);
/* Members ", \"KEY\": VALUE" of n (key, value) pairs, values as strings. */
void sb_add_json_members(strbuf *sb, const char *const (*kv)[2], size_t n);
/* A CSV field (RFC 4180 quoting when needed); NULL writes nothing.  Every
** CSV tuogou writes goes through here, so this is where a cell that a
** spreadsheet would run as a formula (OWASP CSV injection: it starts with
** '=', '+', '-', '@', tab or carriage return and is not a plain number such
** as -3 or -2.5) is neutralised: written quoted, prefixed with a single
** quote, so it shows as text. */
void sb_add_csv_field(strbuf *sb, const char *s);
/* Whether a cell is one that sb_add_csv_field neutralises. */
bool csv_cell_is_formula(const char *s);
/* Write everything to the sink (no-op without one); returns 0 or -1. */
int sb_flush(strbuf *sb);
/* Detach the NUL-terminated contents (in-memory buffers only). */
char *sb_detach(strbuf *sb, size_t *len);

/* Copy src (NULL: "") into dst of size bytes, cut to fit and always
** terminated; returns dst.  What snprintf(dst, size, "%s", src) does, at a
** fraction of the cost on the paths every request takes. */
char *str_copy(char *dst, size_t size, const char *src);

/* Display width of UTF-8 text in a terminal: CJK and fullwidth count 2. */
size_t utf8_width(const char *s);
/* Whether s is valid UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t n);

#endif
