/*
** rules_foreign.c: the rules foreign.*, 党建、外事等事项分离 (clause 4.5, 四(五)).
** Foreign affairs of a decoupled association still approved by its former
** supervising unit.
*/
#include "rules_impl.h"

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
