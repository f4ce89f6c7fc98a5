/*
** multipart.c: reading multipart/form-data (RFC 7578) from a body that is
** already in memory (the capped request buffer), and recognising an
** uploaded file's type from its first bytes.
**
** The parser is strict and small: parts are found by their delimiter
** "\r\n--boundary", each part's headers end at the first empty line, only
** Content-Disposition (name, filename) and Content-Type are read.  Part data
** points into the body; names are copied.  Nothing here trusts a client's
** Content-Type for a file: app_sniff_content_type (src/app) decides.
*/
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "multipart.h"
#include "strbuf.h"

int multipart_boundary(const char *content_type, char *out, size_t size)
{
	static const char type[] = "multipart/form-data";
	if (!content_type || strncasecmp(content_type, type, sizeof type - 1))
		return TG_EINVAL;
	const char *p = content_type + sizeof type - 1;
	while ((p = strchr(p, ';'))) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9))
			continue;
		p += 9;
		size_t n;
		if (*p == '"') {
			p++;
			const char *end = strchr(p, '"');
			if (!end)
				return TG_EINVAL;
			n = (size_t)(end - p);
		} else {
			n = strcspn(p, "; \t");
		}
		if (n == 0 || n > 70 || n >= size)
			return TG_EINVAL;
		memcpy(out, p, n);
		out[n] = '\0';
		return TG_OK;
	}
	return TG_EINVAL;
}

/* Copy [s, s+n) into the form's string storage. */
static const char *keep(mp_form *f, size_t *used, size_t cap, const char *s, size_t n)
{
	if (*used + n + 1 > cap)
		return NULL;
	char *d = f->strings + *used;
	memcpy(d, s, n);
	d[n] = '\0';
	*used += n + 1;
	return d;
}

/* The value of param (name= or filename=) in a Content-Disposition line. */
static int disposition_param(const char *line, size_t len, const char *param, const char **v,
			     size_t *vn)
{
	size_t pn = strlen(param);
	for (size_t i = 0; i + pn < len; i++) {
		if ((i == 0 || line[i - 1] == ';' || line[i - 1] == ' ') &&
		    !strncasecmp(line + i, param, pn) && line[i + pn] == '=') {
			const char *p = line + i + pn + 1, *end = line + len;
			if (p < end && *p == '"') {
				const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
				if (!q)
					return TG_EINVAL;
				*v = p + 1;
				*vn = (size_t)(q - p - 1);
			} else {
				const char *q = p;
				while (q < end && *q != ';')
					q++;
				*v = p;
				*vn = (size_t)(q - p);
			}
			return TG_OK;
		}
	}
	*v = NULL;
	*vn = 0;
	return TG_OK;
}

static int parse_headers(mp_form *f, mp_part *part, const char *h, size_t hlen, size_t *used,
			 size_t cap)
{
	const char *end = h + hlen;
	while (h < end) {
		const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2);
		size_t n = eol ? (size_t)(eol - h) : (size_t)(end - h);
		if (n > 22 && !strncasecmp(h, "Content-Disposition:", 20)) {
			const char *v;
			size_t vn;
			if (disposition_param(h, n, "name", &v, &vn))
				return TG_EINVAL;
			if (v && !(part->name = keep(f, used, cap, v, vn)))
				return TG_EINVAL;
			if (disposition_param(h, n, "filename", &v, &vn))
				return TG_EINVAL;
			if (v && !(part->filename = keep(f, used, cap, v, vn)))
				return TG_EINVAL;
		} else if (n > 13 && !strncasecmp(h, "Content-Type:", 13)) {
			const char *v = h + 13;
			while (v < h + n && (*v == ' ' || *v == '\t'))
				v++;
			if (!(part->content_type = keep(f, used, cap, v, (size_t)(h + n - v))))
				return TG_EINVAL;
		}
		h += n + 2;
	}
	return part->name ? TG_OK : TG_EINVAL;
}

int multipart_parse(const char *body, size_t len, const char *boundary, mp_form *form)
{
	char delim[80];
	size_t dn = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	size_t cap = 4096, used = 0;
	memset(form, 0, sizeof *form);
	form->strings = malloc(cap);
	if (!form->strings || dn >= sizeof delim)
		return TG_EINVAL;
	/* The first delimiter may open the body without its CRLF. */
	const char *p, *end = body + len;
	if (len >= dn - 2 && !memcmp(body, delim + 2, dn - 2)) {
		p = body + dn - 2;
	} else {
		const char *d = memmem(body, len, delim, dn);
		if (!d)
			return TG_EINVAL;
		p = d + dn;
	}
	for (;;) {
		if (end - p >= 2 && !memcmp(p, "--", 2))
			return form->n ? TG_OK : TG_EINVAL; /* closing delimiter */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || memcmp(p, "\r\n", 2))
			return TG_EINVAL;
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return TG_EINVAL;
		if (form->n == MP_MAX_PARTS)
			return TG_EINVAL;
		mp_part *part = &form->parts[form->n];
		memset(part, 0, sizeof *part);
		/* parse_headers wants lines ending in CRLF: include the first. */
		if (parse_headers(form, part, p, (size_t)(hend - p) + 2, &used, cap))
			return TG_EINVAL;
		const char *data = hend + 4;
		const char *next = memmem(data, (size_t)(end - data), delim, dn);
		if (!next)
			return TG_EINVAL;
		part->data = data;
		part->len = (size_t)(next - data);
		form->n++;
		p = next + dn;
	}
}

void multipart_free(mp_form *form)
{
	free(form->strings);
	memset(form, 0, sizeof *form);
}

const mp_part *multipart_get(const mp_form *form, const char *name)
{
	for (size_t i = 0; i < form->n; i++)
		if (form->parts[i].name && !strcmp(form->parts[i].name, name))
			return &form->parts[i];
	return NULL;
}
