/*
** workflow.c: the order of the plan's path (app.h): 方案已报 -> 脱钩完成 ->
** 总结已报 -> 已验收.  Acceptance (验收) of an association needs its work
** summary reported, its 主管/挂靠 link cancelled and no overdue item of its
** own, all on the acceptance date; a summary that falls short may be
** returned (退回) with a reason.
**
** The check reads the register as it would be after the write (the stored
** register with the written rows merged in), so the API, the checklist and
** import judge the same state the rules will.  Only an acceptance date a
** write changes is judged: what is stored already stands (its faults are
** the rules' findings).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "rights.h"
#include "roles.h"
#include "rules.h"
#include "strbuf.h"

/* An overdue item that counts against acceptance: not the acceptance's own
** items (acceptance.*), which acceptance is what clears. */
static bool blocks_acceptance(const tg_findings *fs, const tg_finding *f, const char *uscc)
{
	return f->association && !strcmp(f->association, uscc) && finding_overdue(fs, f) &&
	       strncmp(f->rule, "acceptance.", 11);
}

size_t app_acceptance_unmet(const tg_register *reg, const tg_plan *plan, const char *uscc,
			    tg_date on, strbuf *why)
{
	tg_ix i = register_find(reg, ARR_ASSOCIATIONS, uscc);
	if (i == TG_IX_NONE)
		return 0;
	const tg_association *a = &REG_ROWS(reg, ARR_ASSOCIATIONS, tg_association)[i];
	size_t n = 0;
	if (!date_happened(a->report_submitted_on, on)) {
		sb_adds(why, n++ ? "；" : "");
		sb_adds(why, "脱钩工作总结尚未报送");
	}
	if (a->link >= 0 && !date_happened(a->link_cancelled_on, on)) {
		sb_adds(why, n++ ? "；" : "");
		sb_adds(why, "与业务主管单位（挂靠单位）的关系尚未取消");
	}
	tg_findings fs;
	memset(&fs, 0, sizeof fs);
	if (rules_evaluate(reg, plan, calendar_default(), on, &fs) == TG_OK) {
		size_t late = 0;
		const tg_finding *first = NULL;
		for (size_t k = 0; k < fs.count; k++)
			if (blocks_acceptance(&fs, &fs.items[k], uscc) && !late++)
				first = &fs.items[k];
		if (late) {
			sb_adds(why, n++ ? "；" : "");
			sb_addf(why, "有%zu项事项已逾期未办结（如：%s）", late, first->message);
		}
	}
	findings_release(&fs);
	return n;
}

/* The register after the write: stored with incoming merged, resolved. */
static void register_after(tg_register *after, const tg_register *stored,
			   const tg_register *incoming, const tg_plan *plan)
{
	const char **ids = calloc(plan->n_batches + 1, sizeof *ids);
	if (!ids)
		abort();
	for (size_t i = 0; i < plan->n_batches; i++)
		ids[i] = plan->batches[i].id;
	register_init(after);
	register_merge(after, stored);
	register_merge(after, incoming);
	register_resolve(after, ids, plan->n_batches, NULL, NULL);
	free(ids);
}

size_t app_workflow_check(const tg_register *stored, const tg_register *incoming,
			  const tg_plan *plan, bool check_new, tg_errors *errs, strbuf *unmet)
{
	size_t refused = 0;
	bool have_after = false;
	tg_register after;
	for (size_t j = 0; j < REG_COUNT(incoming, ARR_ASSOCIATIONS); j++) {
		const tg_association *a = &REG_ROWS(incoming, ARR_ASSOCIATIONS, tg_association)[j];
		tg_ix was = a->uscc ? register_find(stored, ARR_ASSOCIATIONS, a->uscc) : TG_IX_NONE;
		if (a->accepted_on == TG_DATE_NONE || (was == TG_IX_NONE && !check_new))
			continue;
		if (was != TG_IX_NONE &&
		    REG_ROWS(stored, ARR_ASSOCIATIONS, tg_association)[was].accepted_on ==
			    a->accepted_on)
			continue;
		if (!have_after) {
			register_after(&after, stored, incoming, plan);
			have_after = true;
		}
		strbuf why;
		sb_init(&why);
		if (app_acceptance_unmet(&after, plan, a->uscc, a->accepted_on, &why)) {
			char day[24], path[64];
			date_format_zh(a->accepted_on, day);
			snprintf(path, sizeof path, "associations[%zu].accepted_on", j);
			tg_errors_add(errs, "acceptance_unready", path, "%s不能于%s验收：%s",
				      a->name ? a->name : a->uscc, day, why.buf);
			if (unmet) {
				sb_adds(unmet, unmet->len ? "；" : "");
				sb_adds(unmet, why.buf);
			}
			refused++;
		}
		sb_release(&why);
	}
	if (have_after)
		register_release(&after);
	return refused;
}

/* Whether the write sets an acceptance date app_workflow_check judges: one
** that differs from the stored record's (a new record's only when
** check_new).  Reads one association per incoming row, so that the common
** write (a name, a phone number, an item done) never loads the register. */
static int acceptance_changes(tg_store *s, const tg_register *incoming, bool check_new,
			      bool *changes, tg_error *err)
{
	*changes = false;
	int rc = TG_OK;
	for (size_t j = 0; rc == TG_OK && !*changes && j < REG_COUNT(incoming, ARR_ASSOCIATIONS);
	     j++) {
		const tg_association *a = &REG_ROWS(incoming, ARR_ASSOCIATIONS, tg_association)[j];
		if (a->accepted_on == TG_DATE_NONE)
			continue;
		if (!a->uscc) {
			*changes = check_new;
			continue;
		}
		tg_register one;
		int64_t version = 0;
		register_init(&one);
		rc = store_record_get(s, ARR_ASSOCIATIONS, a->uscc, &one, &version, err);
		if (rc == TG_ENOTFOUND) {
			if (err)
				memset(err, 0, sizeof *err);
			rc = TG_OK;
			*changes = check_new;
		} else if (rc == TG_OK) {
			const tg_association *was = register_row(&one, ARR_ASSOCIATIONS, 0);
			*changes = was->accepted_on != a->accepted_on;
		}
		register_release(&one);
	}
	return rc;
}

int app_workflow_check_store(tg_store *s, const tg_plan *plan, const tg_register *incoming,
			     bool check_new, tg_errors *errs, strbuf *unmet, size_t *refused,
			     tg_error *err)
{
	bool changes = false;
	*refused = 0;
	int rc = acceptance_changes(s, incoming, check_new, &changes, err);
	if (rc || !changes)
		return rc;
	tg_register stored;
	register_init(&stored);
	rc = store_load_register(s, &stored, err);
	if (rc == TG_OK)
		*refused = app_workflow_check(&stored, incoming, plan, check_new, errs, unmet);
	register_release(&stored);
	return rc;
}

/* The override's audit record: what was not met and why it was accepted. */
int app_acceptance_override_audit(tg_store *s, const char *uscc, tg_date on, const char *unmet,
				  const char *reason, tg_error *err)
{
	char day[11], object[200];
	date_format(on, day);
	snprintf(object, sizeof object, "associations/%s", uscc);
	strbuf sb;
	sb_init(&sb);
	sb_add_json_member(&sb, "{\"accepted_on\": ", day);
	sb_add_json_member(&sb, ", \"unmet\": ", unmet);
	sb_add_json_member(&sb, ", \"reason\": ", reason);
	sb_addc(&sb, '}');
	int rc = store_audit_add(s, "acceptance_override", object, "ok", NULL, sb.buf, err);
	sb_release(&sb);
	return rc;
}

int app_summary_return(tg_store *s, const tg_user *actor, const char *uscc, const char *reason,
		       tg_error *err)
{
	if (!(role_bit(actor->role) & R_OFFICE))
		return tg_error_set(err, TG_EINVAL, "field_forbidden", "report_submitted_on",
				    "只有联合工作组办公室可以退回工作总结");
	if (!reason || !*reason)
		return tg_error_set(err, TG_EINVAL, "required", "reason", "退回工作总结须写明理由");
	if (strlen(reason) > 2000)
		return tg_error_set(err, TG_EINVAL, "too_long", "reason",
				    "退回理由过长（不超过2000字节）");
	tg_register r;
	register_init(&r);
	int64_t version = 0;
	int rc = store_record_get(s, ARR_ASSOCIATIONS, uscc, &r, &version, err);
	if (rc)
		goto out;
	tg_association *a = register_row(&r, ARR_ASSOCIATIONS, 0);
	if (a->report_submitted_on == TG_DATE_NONE) {
		rc = tg_error_set(err, TG_EINVAL, "not_submitted", "report_submitted_on",
				  "该协会尚未报送脱钩工作总结，无可退回");
		goto out;
	}
	if (a->accepted_on != TG_DATE_NONE) {
		rc = tg_error_set(err, TG_EINVAL, "already_accepted", "accepted_on",
				  "该协会已验收，不能退回工作总结");
		goto out;
	}
	char day[11];
	date_format(a->report_submitted_on, day);
	strbuf before, after;
	sb_init(&before);
	sb_init(&after);
	sb_add_json_member(&before, "{\"report_submitted_on\": ", day);
	sb_addc(&before, '}');
	sb_add_json_member(&after, "{\"report_submitted_on\": null, \"return_reason\": ", reason);
	sb_addc(&after, '}');
	a->report_submitted_on = TG_DATE_NONE;
	/* The record's write and the note (the reason in the history and the
	** audit log) are one transaction: both or neither. */
	rc = store_tx_begin(s, err);
	if (rc == TG_OK) {
		rc = store_record_write(s, ARR_ASSOCIATIONS, &r, 0, false, version,
					actor->username, NULL, NULL, err);
		if (rc == TG_OK)
			rc = store_workflow_note(s, actor->username, uscc, "summary_return",
						 before.buf, after.buf, err);
		int end = store_tx_end(s, rc == TG_OK, err);
		rc = rc ? rc : end;
	}
	sb_release(&before);
	sb_release(&after);
out:
	register_release(&r);
	return rc;
}
