/*
** multipart.h: multipart/form-data bodies (multipart.c).
*/
#ifndef TG_HTTP_MULTIPART_H
#define TG_HTTP_MULTIPART_H

#include <stddef.h>

typedef struct mp_part {
	const char *name, *filename, *content_type; /* NUL-terminated copies, or NULL */
	const char *data;
	size_t len;
} mp_part;
#define MP_MAX_PARTS 16
typedef struct mp_form {
	mp_part parts[MP_MAX_PARTS];
	size_t n;
	char *strings; /* storage of the copies */
} mp_form;
/* The boundary of a multipart/form-data Content-Type (1-70 characters). */
int multipart_boundary(const char *content_type, char *out, size_t size);
int multipart_parse(const char *body, size_t len, const char *boundary, mp_form *form);
void multipart_free(mp_form *form);
const mp_part *multipart_get(const mp_form *form, const char *name);
#endif
