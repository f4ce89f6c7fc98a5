/*
** rules_registration.c: the rules registration.*, 机构分离 (clause 4.1, 四(一)).
** An association registered after the plan was issued that still keeps
** a sponsoring, supervising, liaison or hosting link.
*/
#include "rules_impl.h"

/* registration.new-with-link (4.1) */
void rule_registration_new_with_link(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || a->registered_on < ev->P->issued || a->link < 0 ||
		    happened(a->link_cancelled_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, a->registered_on, "立即取消该关系、直接登记",
		     "方案印发后新登记的%s仍与%s保持%s关系", a->name, unit_name(ev, a->unit_ix),
		     link_name(a->link));
	}
}
