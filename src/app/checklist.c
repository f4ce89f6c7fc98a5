/*
** checklist.c: marking an item of an association's checklist done, with
** its evidence (app.h).
**
** The item is a rule and, for an item about one record (a post, an
** appropriation), that record; done means the date field the rule reads
** (progress_done_field) is set.  An item may also be an obligation of the
** plan (obligations.md): done by a field, that field of its subject record
** is set; done by a step, a step of (obligation, key(r), year) is written.
** Everything is decided before the first write: the actor's right to the
** field, the rule, the record and whose it is, every evidence file, the
** record's checks with the date set.  The writes (the record or the step,
** each evidence attached) are one transaction: one that fails takes the
** others with it.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "bundle.h"
#include "progress.h"
#include "rights.h"
#include "rules.h"

/* The record the item is about: the association, or its record subject
** (key, the item's subject for a rule). */
static int item_record(tg_store *s, const app_done *in, int array, const char *subject,
		       tg_register *r, int64_t *version, tg_error *err)
{
	const char *key = in->association;
	if (array != ARR_ASSOCIATIONS) {
		if (!subject)
			return tg_error_set(err, TG_EINVAL, "required", "subject",
					    "该事项针对具体记录，须提供 subject（记录编号）");
		key = subject;
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

/* What marking the item done writes: the date field of array (a rule's,
** or an obligation done by a field), or a step (an obligation done by a
** step); key: the subject record's key, period: the year of a yearly duty
** (0 none).  An obligation's item names its subject as its finding does:
** "Y" or nothing for an association, "key" or "key/Y" for another record. */
typedef struct item_target {
	int array;
	const char *field;
	const tg_obligation *o; /* an obligation done by a step, else NULL */
	char key[80];
	int64_t period;
} item_target;

const tg_plan *app_plan_of(tg_store *s, const tg_plan *root, const char *uscc)
{
	if (!root || !root->n_places || !uscc)
		return root;
	char code[32] = "";
	int64_t version;
	tg_register r;
	register_init(&r);
	if (store_record_get(s, ARR_ASSOCIATIONS, uscc, &r, &version, NULL) == TG_OK) {
		const char *c = REG_ROWS(&r, ARR_ASSOCIATIONS, tg_association)[0].jurisdiction;
		snprintf(code, sizeof code, "%s", c ? c : "");
	}
	register_release(&r);
	/* the parent chain, as rules_plan_for walks it (bounded the same way) */
	for (int depth = 0; code[0] && depth < 16; depth++) {
		const tg_plan *p = rules_place_plan(root, code);
		if (p)
			return p;
		const char *parent = NULL;
		register_init(&r);
		if (store_record_get(s, ARR_JURISDICTIONS, code, &r, &version, NULL) == TG_OK)
			parent = REG_ROWS(&r, ARR_JURISDICTIONS, tg_jurisdiction)[0].parent;
		snprintf(code, sizeof code, "%s", parent ? parent : "");
		register_release(&r);
	}
	return root;
}

static int item_target_of(const app_done *in, item_target *t, tg_error *err)
{
	memset(t, 0, sizeof *t);
	const tg_obligation *o = in->plan ? plan_obligation(in->plan, in->rule) : NULL;
	if (!o) {
		if (!progress_done_field(in->rule, &t->array, &t->field))
			goto not_markable;
		if (t->array != ARR_ASSOCIATIONS && in->subject)
			snprintf(t->key, sizeof t->key, "%s", in->subject);
		return TG_OK;
	}
	t->array = o->subject;
	const char *subject = in->subject ? in->subject : "";
	const char *year = o->subject == ARR_ASSOCIATIONS ? subject : strrchr(subject, '/');
	if (o->yearly) {
		if (!year || (year != subject && !*++year) || (t->period = atoll(year)) < 1900)
			return tg_error_set(err, TG_EINVAL, "bad_subject", "subject",
					    "按年度的事项须指明年度（subject 为“年度”或“记录编号/年度”）");
	}
	if (o->subject != ARR_ASSOCIATIONS) {
		size_t n = o->yearly ? (size_t)(strrchr(subject, '/') - subject) : strlen(subject);
		if (!n || n >= sizeof t->key)
			return tg_error_set(err, TG_EINVAL, "required", "subject",
					    "该事项针对具体记录，须提供 subject（记录编号）");
		memcpy(t->key, subject, n);
	}
	if (o->done == DONE_STEP) {
		t->o = o;
		return TG_OK;
	}
	if (o->done == DONE_FIELD && !o->yearly) {
		const tg_field *f = schema_field_at(o->subject, o->done_off);
		if ((t->field = f ? f->key : NULL))
			return TG_OK;
	}
not_markable:
	return tg_error_set(err, TG_EINVAL, "not_markable", "rule",
			    "该事项不能直接标记完成，请修改相应记录");
}

/* The step that records obligation t->o done on `on` for t's record. */
static void step_row(tg_register *r, const app_done *in, const item_target *t)
{
	tg_step *st = register_append(r, ARR_STEPS);
	unsigned char rnd[8];
	char hex[17];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	st->id = arena_printf(&r->arena, "ST-%s", hex);
	st->obligation = arena_strdup(&r->arena, t->o->id);
	st->subject = arena_strdup(&r->arena, t->array == ARR_ASSOCIATIONS ? in->association : t->key);
	st->period = t->period;
	st->done_on = in->on;
	st->note = NULL;
}

int app_mark_done(tg_store *s, const tg_user *actor, const app_done *in, tg_errors *errs,
		  tg_error *err)
{
	item_target t;
	int rc;
	app_done judged = *in;
	judged.plan = app_plan_of(s, in->plan, in->association);
	in = &judged;
	if (!in->rule)
		return tg_error_set(err, TG_EINVAL, "not_markable", "rule",
				    "该事项不能直接标记完成，请修改相应记录");
	if ((rc = item_target_of(in, &t, err)))
		return rc;
	if (in->on == TG_DATE_NONE)
		return tg_error_set(err, TG_EINVAL, "bad_date", "on",
				    "完成日期无效（应为 YYYY-MM-DD）");
	if ((rc = app_may_mark(actor, in->plan, in->rule, err)))
		return rc;
	tg_register r;
	register_init(&r);
	int64_t version = 0;
	if ((rc = item_record(s, in, t.array, t.key[0] ? t.key : NULL, &r, &version, err)) ||
	    (rc = check_evidence(s, in, err)))
		goto out;
	int array = t.array;
	void *row = register_row(&r, array, 0);
	if (t.o) { /* a step of the obligation, a new record */
		register_release(&r);
		register_init(&r);
		step_row(&r, in, &t);
		array = ARR_STEPS;
		row = register_row(&r, array, 0);
	} else { /* set the date the rule reads, checked like any other write */
		*(tg_date *)((char *)row + schema_field(array, t.field)->off) = in->on;
	}
	bundle_check_record(&r, array, row, "", errs);
	if (errs->total) {
		rc = tg_error_set(err, TG_EINVAL, errs->items[0].code, t.o ? "on" : t.field, "%s",
				  errs->items[0].message);
		goto out;
	}
	if (!t.o && array == ARR_ASSOCIATIONS && !strcmp(t.field, "accepted_on") && in->plan) {
		size_t refused = 0;
		if ((rc = app_workflow_check_store(s, in->plan, &r, true, errs, NULL, &refused, err)))
			goto out;
		if (refused) {
			rc = tg_error_set(err, TG_EINVAL, "acceptance_unready", "on", "%s",
					  errs->items[0].message);
			goto out;
		}
	}
	/* one transaction: the record (or step) and its evidence are written
	** together or not at all */
	if ((rc = store_tx_begin(s, err)))
		goto out;
	rc = store_record_write(s, array, &r, 0, t.o != NULL, version, actor->username, NULL, NULL,
				err);
	for (size_t i = 0; rc == TG_OK && i < in->n_evidence; i++)
		rc = store_evidence_attach(s, in->evidence[i], in->rule, in->subject, err);
	if (rc == TG_OK)
		rc = store_tx_end(s, true, err);
	else
		store_tx_end(s, false, NULL);
out:
	register_release(&r);
	return rc;
}
