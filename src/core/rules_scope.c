/*
** rules_scope.c: the rules scope.*, 脱钩主体和范围 (clause 3, 三).
** Associations whose scope cannot be decided from the register: the
** member basis unknown, or a name without a listed suffix
** (P.name_suffixes).  Both look at every registered association with a
** qualifying link and no override, in scope or not.
*/
#include "rules_impl.h"

/* scope.member-basis-unknown (3) */
void rule_scope_member_basis_unknown(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->registered[i] || a->override_in_scope >= 0 ||
		    !eval_qualifying_link(ev, a) || a->member_basis >= 0)
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, "核实会员构成并认定是否纳入脱钩范围",
		     "%s的会员构成未登记，无法判定是否属于脱钩范围", a->name);
	}
}

/* scope.name-unlisted (3) */
void rule_scope_name_unlisted(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->registered[i] || a->override_in_scope >= 0 ||
		    !eval_qualifying_link(ev, a) || a->member_basis == MB_OTHER ||
		    eval_name_listed(ev, a->name))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, "认定是否纳入脱钩范围",
		     "%s的名称不以方案所列字样（行业协会、商会等）结尾", a->name);
	}
}
