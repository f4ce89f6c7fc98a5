/*
** strbuf.c: growable buffers and small UTF-8 helpers (see strbuf.h).
*/
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define SB_FLUSH_AT (256 * 1024)

void sb_init(strbuf *sb)
{
	memset(sb, 0, sizeof *sb);
}

void sb_init_sink(strbuf *sb, FILE *sink)
{
	sb_init(sb);
	sb->sink = sink;
}

void sb_release(strbuf *sb)
{
	free(sb->buf);
	memset(sb, 0, sizeof *sb);
}

static void sb_grow(strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->alloc)
		return;
	size_t n = sb->alloc ? sb->alloc : 256;
	while (n < sb->len + extra + 1)
		n *= 2;
	char *p = realloc(sb->buf, n);
	if (!p) {
		fputs("tuogou: 内存不足\n", stderr);
		abort();
	}
	sb->buf = p;
	sb->alloc = n;
}

int sb_flush(strbuf *sb)
{
	if (!sb->sink || !sb->len)
		return sb->failed ? -1 : 0;
	if (fwrite(sb->buf, 1, sb->len, sb->sink) != sb->len)
		sb->failed = true;
	sb->len = 0;
	return sb->failed ? -1 : 0;
}

void sb_add(strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	if (sb->sink && sb->len >= SB_FLUSH_AT)
		sb_flush(sb);
}

void sb_adds(strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

int sb_add_stream(strbuf *sb, FILE *f, size_t max)
{
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (max && sb->len + got > max)
			return 1;
		sb_add(sb, chunk, got);
	}
	return ferror(f) ? -1 : 0;
}

void sb_addc(strbuf *sb, char c)
{
	if (sb->len + 2 <= sb->alloc && !sb->sink) { /* the common case, in place */
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = '\0';
		return;
	}
	sb_add(sb, &c, 1);
}

void sb_add_int(strbuf *sb, long long v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	/* negate as unsigned: LLONG_MIN has no positive counterpart */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	sb_add(sb, p, (size_t)(tmp + sizeof tmp - p));
}

void sb_addf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sb_add(sb, small, (size_t)n);
		return;
	}
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	if (sb->sink && sb->len >= SB_FLUSH_AT)
		sb_flush(sb);
}

/* The bytes that stand for themselves inside a JSON string: all but the
** control characters (NUL among them, which ends the scan), '"' and '\\'
** (RFC 8259, section 7).  A table: one load a byte on the path of every
** string tuogou writes. */
#define J16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char json_plain[256] = {
	J16(0), J16(0),
	1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	J16(1), J16(1),
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \\ */, 1, 1, 1,
	J16(1), J16(1),
	J16(1), J16(1), J16(1), J16(1), J16(1), J16(1), J16(1), J16(1),
};
#undef J16

void sb_add_json_member(strbuf *sb, const char *lead, const char *s)
{
	sb_adds(sb, lead);
	sb_add_json_str(sb, s);
}

void sb_add_json_members(strbuf *sb, const char *const (*kv)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sb_addf(sb, ", \"%s\": ", kv[i][0]);
		sb_add_json_str(sb, kv[i][1]);
	}
}

void sb_add_json_str(strbuf *sb, const char *s)
{
	if (!s) {
		sb_add(sb, "null", 4);
		return;
	}
	sb_addc(sb, '"');
	const char *run = s;
	for (;; s++) {
		while (json_plain[(unsigned char)*s])
			s++;
		unsigned char c = (unsigned char)*s;
		if (!c)
			break;
		sb_add(sb, run, (size_t)(s - run));
		switch (c) {
		case '"': sb_add(sb, "\\\"", 2); break;
		case '\\': sb_add(sb, "\\\\", 2); break;
		case '\n': sb_add(sb, "\\n", 2); break;
		case '\r': sb_add(sb, "\\r", 2); break;
		case '\t': sb_add(sb, "\\t", 2); break;
		default: sb_addf(sb, "\\u%04x", c); break;
		}
		run = s + 1;
	}
	sb_add(sb, run, (size_t)(s - run));
	sb_addc(sb, '"');
}

/* A plain decimal number: optional sign, digits, optional fraction. */
static bool csv_is_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return !*s;
}

bool csv_cell_is_formula(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s) && !csv_is_number(s);
}

void sb_add_csv_field(strbuf *sb, const char *s)
{
	if (!s)
		return;
	bool formula = csv_cell_is_formula(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		sb_adds(sb, s);
		return;
	}
	sb_addc(sb, '"');
	if (formula) /* OWASP CSV injection: a spreadsheet reads it as text */
		sb_addc(sb, '\'');
	for (; *s; s++) {
		if (*s == '"')
			sb_addc(sb, '"');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

char *sb_detach(strbuf *sb, size_t *len)
{
	sb_grow(sb, 0);
	char *p = sb->buf;
	if (len)
		*len = sb->len;
	sb_init(sb);
	return p;
}

/* Decode one UTF-8 sequence; returns its length, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t min;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2, min = 0x80, *cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3, min = 0x800, *cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	while (n) {
		uint32_t cp;
		size_t len = utf8_decode(p, n, &cp);
		if (!len)
			return false;
		p += len;
		n -= len;
	}
	return true;
}

static bool is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

char *str_copy(char *dst, size_t size, const char *src)
{
	if (!size)
		return dst;
	size_t n = src ? strnlen(src, size - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return dst;
}

size_t utf8_width(const char *s)
{
	size_t w = 0, n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	while (n) {
		uint32_t cp;
		size_t len = utf8_decode(p, n, &cp);
		if (!len) {
			len = 1;
			cp = '?';
		}
		w += is_wide(cp) ? 2 : 1;
		p += len;
		n -= len;
	}
	return w;
}
