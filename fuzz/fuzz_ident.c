/*
** fuzz_ident.c: libFuzzer harness for the identifier checks (ident.c) and
** date parsing (date.c): any string is valid or invalid with a message,
** and a valid USCC or ID number keeps its check character.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	char norm[19];
	tg_date birth, day;
	tg_error err;
	if (ident_uscc_check(s, norm, &err) == 0 && ident_uscc_check_char(norm) != norm[17])
		abort();
	if (ident_id_check_at(s, date_from_ymd(2026, 1, 1), norm, &birth, &err) == 0 &&
	    ident_id_check_char(norm) != norm[17])
		abort();
	char masked[19];
	ident_id_mask(s, masked);
	if (date_parse(s, &day) == 0) {
		char back[11];
		date_format(day, back);
		if (strcmp(back, s))
			abort(); /* only canonical dates parse */
	}
	return 0;
}
