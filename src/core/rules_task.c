/*
** rules_task.c: the rules task.*, 明确责任分工 (clause 6.2, 六(二)).
** The lead departments' supporting documents (unit_tasks): issued within
** P.supporting_rules_months, then published (并向社会公开).
*/
#include "rules_impl.h"

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
