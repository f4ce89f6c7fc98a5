/*
** ident.h: the two national identifiers of the register.
**
** USCC, 统一社会信用代码 (GB 32100-2015 with its 2016 amendment), and the
** citizen ID number, 公民身份号码 (GB 11643-1999).  bundle.md ("Identifier
** checks, exactly") is the contract.  Both checks are pure functions.
*/
#ifndef TG_IDENT_H
#define TG_IDENT_H

#include <stdbool.h>
#include "date.h"
#include "error.h"

/* Check a USCC.  Surrounding spaces are trimmed and lower case is read as
** upper case; the normalised 18 characters go to norm (19 bytes, may be
** NULL).  On failure err->code is "bad_uscc" and err->message says why in
** Chinese, naming the expected check character when only it is wrong. */
int ident_uscc_check(const char *code, char norm[19], tg_error *err);

/* The check character a USCC with these first 17 characters must end in,
** or 0 when the 17 characters are not from the set. */
char ident_uscc_check_char(const char first17[17]);
/* The GB 11714 check character for 8 organisation-code characters. */
char ident_orgcode_check_char(const char first8[8]);

/* Check an 18-character citizen ID number (x read as X).  norm gets the
** normalised number (19 bytes, may be NULL), birth (may be NULL) the birth
** date.  A birth date after today (date_today) is an error.
** On failure err->code is "bad_id_number". */
int ident_id_check(const char *number, char norm[19], tg_date *birth, tg_error *err);
/* Same, with an explicit "today" for tests. */
int ident_id_check_at(const char *number, tg_date today, char norm[19], tg_date *birth,
		      tg_error *err);
/* The check character for 17 digits. */
char ident_id_check_char(const char first17[17]);

/* Mask for display: "410302********1234" (first 6, last 4 kept).  out has
** room for 19 bytes; a string that is not 18 characters is masked whole. */
void ident_id_mask(const char *number, char out[19]);

#endif
