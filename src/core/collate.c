/*
** collate.c: pinyin order of names through ICU (libicu, Debian's
** libicu-dev), the library the field uses for it, rather than a pinyin table
** of our own: ICU knows the rarer characters and the polyphones of names
** (GB18030's byte order, used before, puts every character outside
** GB2312's first level after 座, so 亳州 sorted after 中国).
**
** One collator for the process, opened once; ICU's const operations
** (ucol_getSortKey) may run on it from every thread at once.
*/
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include "collate.h"

static UCollator *collator;
static pthread_once_t collator_once = PTHREAD_ONCE_INIT;

static void collator_open(void)
{
	UErrorCode status = U_ZERO_ERROR;
	collator = ucol_open("zh@collation=pinyin", &status);
	if (U_FAILURE(status))
		collator = NULL;
}

/* Without ICU's data (never on Debian, where libicu72 carries it) the
** UTF-8 bytes: an order, if not pinyin's. */
static unsigned char *bytes_key(const char *name, size_t n, size_t *len)
{
	unsigned char *out = malloc(n + 1);
	if (!out)
		return NULL;
	memcpy(out, name, n);
	*len = n;
	return out;
}

unsigned char *collate_name_key(const char *name, size_t *len)
{
	if (!name)
		name = "";
	size_t n = strlen(name);
	pthread_once(&collator_once, collator_open);
	if (!collator || n > INT32_MAX / 2)
		return bytes_key(name, n, len);
	UErrorCode status = U_ZERO_ERROR;
	int32_t n16 = 0;
	u_strFromUTF8(NULL, 0, &n16, name, (int32_t)n, &status);
	if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
		return bytes_key(name, n, len); /* not UTF-8: validated input never is */
	UChar *u = malloc(((size_t)n16 + 1) * sizeof *u);
	if (!u)
		return NULL;
	status = U_ZERO_ERROR;
	u_strFromUTF8(u, n16 + 1, NULL, name, (int32_t)n, &status);
	int32_t need = ucol_getSortKey(collator, u, n16, NULL, 0);
	unsigned char *key = need > 0 ? malloc((size_t)need) : NULL;
	if (key)
		ucol_getSortKey(collator, u, n16, key, need);
	free(u);
	if (!key)
		return need > 0 ? NULL : bytes_key(name, n, len);
	/* the key ends in a NUL that is not part of the order */
	*len = (size_t)need - 1;
	return key;
}
