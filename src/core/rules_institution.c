/*
** rules_institution.c: the rules institution.*, 机构分离 (clause 4.1, 四(一)).
** The institutional link of an association registered before the plan,
** not cancelled by its due date, and offices shared with the unit.
*/
#include "rules_impl.h"

/* institution.link-active (4.1) */
void rule_institution_link_active(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || a->registered_on >= ev->P->issued || a->link < 0 ||
		    happened(a->link_cancelled_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "取消",
		     "%s与%s的%s关系尚未取消", a->name, unit_name(ev, a->unit_ix),
		     link_name(a->link));
	}
}

/* institution.shared-office (4.1) */
void rule_institution_shared_office(tg_eval *ev)
{
	const tg_premises *fs = ROWS(ev, ARR_PREMISES, tg_premises);
	for (size_t k = 0; k < COUNT(ev, ARR_PREMISES); k++) {
		const tg_premises *f = &fs[k];
		if (!is_A(ev, f->association_ix) || !f->co_located_with_unit ||
		    !active(f->from, f->to, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, f->association_ix);
		emit(ev, f->association_ix, (int32_t)a->unit_ix, f->id, ev->due[f->association_ix],
		     "分开办公", "%s仍与%s合署办公（%s）", a->name, unit_name(ev, a->unit_ix),
		     f->address ? f->address : "办公地址未登记");
	}
}
