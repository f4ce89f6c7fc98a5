/*
** checklist.c: marking an item of an association's checklist done, with
** its evidence (app.h).
**
** The item is a rule and, for an item about one record (a post, an
** appropriation), that record; done means the date field the rule reads
** (progress_done_field) is set.  Everything is decided before the first
** write: the actor's right to the field, the rule, the record and whose it
** is, every evidence file, the record's checks with the date set.
*/
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "bundle.h"
#include "progress.h"
#include "rights.h"

/* The record the item is about: the association, or its record subject. */
static int item_record(tg_store *s, const app_done *in, int array, tg_register *r,
		       int64_t *version, tg_error *err)
{
	const char *key = in->association;
	if (array != ARR_ASSOCIATIONS) {
		if (!in->subject)
			return tg_error_set(err, TG_EINVAL, "required", "subject",
					    "该事项针对具体记录，须提供 subject（记录编号）");
		key = in->subject;
	}
	int rc = store_record_get(s, array, key, r, version, err);
	if (rc == TG_ENOTFOUND)
		return tg_error_set(err, TG_ENOTFOUND, "not_found", "subject",
				    "没有找到该事项对应的记录");
	if (rc)
		return rc;
	if (array != ARR_ASSOCIATIONS) {
		const tg_field *f = schema_field(array, "association");
		const char *owner =
			f ? *(const char *const *)((const char *)register_row(r, array, 0) + f->off)
			  : NULL;
		if (!owner || strcmp(owner, in->association))
			return tg_error_set(err, TG_ENOTFOUND, "not_found", "subject",
					    "该记录不属于本协会");
	}
	return TG_OK;
}

/* Each evidence id names a file of this association. */
static int check_evidence(tg_store *s, const app_done *in, tg_error *err)
{
	for (size_t i = 0; i < in->n_evidence; i++) {
		char path[32];
		tg_evidence e;
		snprintf(path, sizeof path, "evidence[%zu]", i);
		if (in->evidence[i] == APP_NO_EVIDENCE ||
		    store_evidence_get(s, in->evidence[i], &e, NULL) ||
		    strcmp(e.association, in->association))
			return tg_error_set(err, TG_EINVAL, "bad_evidence", path,
					    "佐证材料不存在或不属于本协会");
	}
	return TG_OK;
}

int app_mark_done(tg_store *s, const tg_user *actor, const app_done *in, tg_errors *errs,
		  tg_error *err)
{
	int array;
	const char *field;
	if (!in->rule || !progress_done_field(in->rule, &array, &field))
		return tg_error_set(err, TG_EINVAL, "not_markable", "rule",
				    "该事项不能直接标记完成，请修改相应记录");
	if (in->on == TG_DATE_NONE)
		return tg_error_set(err, TG_EINVAL, "bad_date", "on",
				    "完成日期无效（应为 YYYY-MM-DD）");
	int rc = app_may_mark(actor, in->rule, err);
	if (rc)
		return rc;
	tg_register r;
	register_init(&r);
	int64_t version = 0;
	if ((rc = item_record(s, in, array, &r, &version, err)) ||
	    (rc = check_evidence(s, in, err)))
		goto out;
	/* Set the date the rule reads, checked like any other write. */
	void *row = register_row(&r, array, 0);
	*(tg_date *)((char *)row + schema_field(array, field)->off) = in->on;
	bundle_check_record(&r, array, row, "", errs);
	if (errs->total) {
		rc = tg_error_set(err, TG_EINVAL, errs->items[0].code, field, "%s",
				  errs->items[0].message);
		goto out;
	}
	/* one transaction: store_tx_begin/end once merged */
	rc = store_record_write(s, array, &r, 0, false, version, actor->username, NULL, NULL, err);
	for (size_t i = 0; rc == TG_OK && i < in->n_evidence; i++)
		rc = store_evidence_attach(s, in->evidence[i], in->rule, in->subject, err);
out:
	register_release(&r);
	return rc;
}
