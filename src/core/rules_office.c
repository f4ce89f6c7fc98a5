/*
** rules_office.c: the rules office.*, 资产分离 (clause 4.3, 四(三)).
** Administrative office space: above the approved area it is cleared by
** P.office_due; within it, tracked until the office is independent.
*/
#include "rules_impl.h"

static void office_rule(tg_eval *ev, bool excess)
{
	const tg_premises *fs = ROWS(ev, ARR_PREMISES, tg_premises);
	for (size_t k = 0; k < COUNT(ev, ARR_PREMISES); k++) {
		const tg_premises *f = &fs[k];
		if (!is_A(ev, f->association_ix) || f->owner != OWNER_ADMINISTRATIVE ||
		    !active(f->from, f->to, ev->D) || (f->area > f->approved_area) != excess)
			continue;
		const tg_association *a = assoc_at(ev, f->association_ix);
		if (excess)
			emit(ev, f->association_ix, (int32_t)a->unit_ix, f->id, ev->P->office_due,
			     "清理腾退", "%s占用行政办公用房%.2f㎡，超出核定面积%.2f㎡", a->name,
			     f->area, f->approved_area);
		else
			emit(ev, f->association_ix, (int32_t)a->unit_ix, f->id, TG_DATE_NONE,
			     "跟踪至独立办公", "%s在核定面积内暂用行政办公用房%.2f㎡", a->name,
			     f->area);
	}
}

/* office.excess-area */
void rule_office_excess_area(tg_eval *ev)
{
	office_rule(ev, true);
}

/* office.administrative-space: tracked until the office is independent. */
void rule_office_administrative_space(tg_eval *ev)
{
	office_rule(ev, false);
}
