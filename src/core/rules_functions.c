/*
** rules_functions.c: 职能分离 (4.4), 党建外事 (4.5) and the lead
** departments' supporting documents (6.2).
*/
#include <stdlib.h>

#include "rules_impl.h"

/* function.list-missing: the plan says 尽快; the unit is held to its
** associations' earliest due date. */
void rule_function_list_missing(tg_eval *ev)
{
	size_t nu = COUNT(ev, ARR_UNITS);
	tg_date *earliest = malloc((nu ? nu : 1) * sizeof *earliest);
	if (!earliest)
		abort();
	for (size_t u = 0; u < nu; u++)
		earliest[u] = TG_DATE_NONE;
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || a->unit_ix == TG_IX_NONE)
			continue;
		tg_date *e = &earliest[a->unit_ix];
		if (*e == TG_DATE_NONE || ev->due[i] < *e)
			*e = ev->due[i];
	}
	const tg_unit *us = ROWS(ev, ARR_UNITS, tg_unit);
	for (size_t u = 0; u < nu; u++) {
		if (earliest[u] == TG_DATE_NONE || happened(us[u].function_list_on, ev->D))
			continue;
		emit(ev, TG_IX_NONE, (int32_t)u, us[u].id, earliest[u], "制定印发",
		     "%s尚未制定职能清单目录", us[u].name);
	}
	free(earliest);
}

/* function.administrative-not-stripped */
void rule_function_administrative_not_stripped(tg_eval *ev)
{
	const tg_function *ns = ROWS(ev, ARR_FUNCTIONS, tg_function);
	for (size_t k = 0; k < COUNT(ev, ARR_FUNCTIONS); k++) {
		const tg_function *n = &ns[k];
		if (!is_A(ev, n->association_ix) || n->disposition != DISP_ADMINISTRATIVE ||
		    n->legal_basis || happened(n->stripped_on, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, n->association_ix);
		emit(ev, n->association_ix, (int32_t)a->unit_ix, n->id, ev->due[n->association_ix],
		     "剥离", "%s承担的行政职能“%s”无法律法规依据，尚未剥离", a->name,
		     n->name ? n->name : n->id);
	}
}

/* function.entrusted-without-purchase */
void rule_function_entrusted_without_purchase(tg_eval *ev)
{
	const tg_function *ns = ROWS(ev, ARR_FUNCTIONS, tg_function);
	for (size_t k = 0; k < COUNT(ev, ARR_FUNCTIONS); k++) {
		const tg_function *n = &ns[k];
		if (!is_A(ev, n->association_ix) || n->disposition != DISP_ENTRUST || n->purchase_ref)
			continue;
		const tg_association *a = assoc_at(ev, n->association_ix);
		emit(ev, n->association_ix, (int32_t)a->unit_ix, n->id, ev->due[n->association_ix],
		     "通过政府购买服务委托", "%s承接的职能“%s”未签订购买服务合同", a->name,
		     n->name ? n->name : n->id);
	}
}

/* party.not-transferred (4.5) */
void rule_party_not_transferred(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || !a->party_org || happened(a->party_transferred_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "移交社会组织党建工作机构",
		     "%s的党建工作关系尚未移交", a->name);
	}
}

/* foreign.approved-by-former-unit (4.5): a breach on the approval's day. */
void rule_foreign_approved_by_former_unit(tg_eval *ev)
{
	const tg_foreign_approval *ws = ROWS(ev, ARR_FOREIGN_APPROVALS, tg_foreign_approval);
	for (size_t k = 0; k < COUNT(ev, ARR_FOREIGN_APPROVALS); k++) {
		const tg_foreign_approval *w = &ws[k];
		if (!is_A(ev, w->association_ix) || !happened(w->on, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, w->association_ix);
		if (!happened(a->decoupled_on, ev->D) || w->on < a->decoupled_on ||
		    w->approver_unit_ix == TG_IX_NONE || w->approver_unit_ix != a->unit_ix)
			continue;
		char d[11];
		date_format(w->on, d);
		emit(ev, w->association_ix, (int32_t)a->unit_ix, w->id, w->on, "立即改为按中央有关规定办理",
		     "%s脱钩后的外事事项（%s）仍由原主管单位%s审批", a->name, d,
		     unit_name(ev, a->unit_ix));
	}
}

/* task.supporting-rules-late (6.2): two months after the plan or after the
** higher-level document, whichever is later. */
void rule_task_supporting_rules_late(tg_eval *ev)
{
	const tg_unit_task *ks = ROWS(ev, ARR_UNIT_TASKS, tg_unit_task);
	for (size_t k = 0; k < COUNT(ev, ARR_UNIT_TASKS); k++) {
		const tg_unit_task *t = &ks[k];
		if (!happened(t->higher_level_doc_on, ev->D) || happened(t->issued_on, ev->D))
			continue;
		tg_date from = t->higher_level_doc_on > ev->P->issued ? t->higher_level_doc_on
								       : ev->P->issued;
		emit(ev, TG_IX_NONE, t->unit_ix == TG_IX_NONE ? -1 : (int32_t)t->unit_ix, t->id,
		     date_add_months(from, ev->P->supporting_rules_months), "印发",
		     "%s牵头的配套文件“%s”尚未印发", unit_name(ev, t->unit_ix),
		     t->task ? t->task : t->id);
	}
}

/* task.not-published (6.2: 并向社会公开) */
void rule_task_not_published(tg_eval *ev)
{
	const tg_unit_task *ks = ROWS(ev, ARR_UNIT_TASKS, tg_unit_task);
	for (size_t k = 0; k < COUNT(ev, ARR_UNIT_TASKS); k++) {
		const tg_unit_task *t = &ks[k];
		if (!happened(t->issued_on, ev->D) || happened(t->published_on, ev->D))
			continue;
		emit(ev, TG_IX_NONE, t->unit_ix == TG_IX_NONE ? -1 : (int32_t)t->unit_ix, t->id,
		     TG_DATE_NONE, "向社会公开", "%s的配套文件“%s”已印发，尚未向社会公开",
		     unit_name(ev, t->unit_ix), t->task ? t->task : t->id);
	}
}
