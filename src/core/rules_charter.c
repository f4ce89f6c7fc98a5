/*
** rules_charter.c: the rules charter.*, 完善综合监管体制 (clause 5.2, 五(二)).
** The charter of a decoupled association, amended and filed with civil
** affairs after decoupling.
*/
#include "rules_impl.h"

/* charter.not-filed */
void rule_charter_not_filed(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || !happened(a->decoupled_on, ev->D))
			continue;
		if (happened(a->charter_filed_on, ev->D) && a->charter_filed_on >= a->decoupled_on)
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, "修改章程并报民政部门核准备案",
		     "%s脱钩后修改的章程尚未备案", a->name);
	}
}
