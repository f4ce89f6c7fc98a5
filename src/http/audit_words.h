/*
** audit_words.h: an audit record in the words a person reads, for the
** auditor's CSV export (audit_words.c).
*/
#ifndef TG_AUDIT_WORDS_H
#define TG_AUDIT_WORDS_H

#include "strbuf.h"

/* The Chinese name of an event, a role, an outcome; an unknown one as it is. */
const char *audit_event_zh(const char *event);
const char *audit_role_zh(const char *role);
const char *audit_outcome_zh(const char *outcome);
/* "associations/USCC" as "行业协会商会/USCC", "users/x" as "用户/x". */
void audit_object_zh(const char *object, strbuf *out);
/* A before or after (JSON text) as "字段：值；…": fields in the glossary's
** words (the object's array first), dates 2017年6月30日, coded values in
** their words, 是/否, 空 for null; text that is not JSON as it is. */
void audit_change_zh(const char *json, const char *object, strbuf *out);

#endif
