/*
** rules_acceptance.c: the rules acceptance.*, 扎实推进工作 (clause 6.3, 六(三)).
** A city-level association whose work summary awaits acceptance by the
** joint office.
*/
#include "rules_impl.h"

/* acceptance.pending (6.3) */
void rule_acceptance_pending(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || !own_level(ev, a) ||
		    !happened(a->report_submitted_on, ev->D) || happened(a->accepted_on, ev->D))
			continue;
		char action[160];
		snprintf(action, sizeof action, "%s适时组织验收", ev->plan->office);
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, action,
		     "%s的脱钩工作总结已报送，尚未验收", a->name);
	}
}
