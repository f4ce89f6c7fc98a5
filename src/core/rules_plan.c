/*
** rules_plan.c: the rules plan.*, 明确责任分工 (clause 6.2, 六(二)).
** The decoupling plan each unit submits for each association of A.
*/
#include "rules_impl.h"

/* plan.not-submitted (6.2) */
void rule_plan_not_submitted(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || happened(a->plan_submitted_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "报送",
		     "%s尚未报送%s的脱钩实施方案", unit_name(ev, a->unit_ix), a->name);
	}
}
