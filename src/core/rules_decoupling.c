/*
** rules_decoupling.c: the rules decoupling.*, 扎实推进工作 (clause 6.3, 六(三)).
** Associations of A not decoupled.
*/
#include "rules_impl.h"

/* decoupling.incomplete (6.3) */
void rule_decoupling_incomplete(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || happened(a->decoupled_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "完成脱钩",
		     "%s尚未完成与%s的脱钩", a->name, unit_name(ev, a->unit_ix));
	}
}
