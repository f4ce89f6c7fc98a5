/*
** rules_party.c: the rules party.*, 党建、外事等事项分离 (clause 4.5, 四(五)).
** The party organisation of an association, transferred to the social
** organisations' party work body.
*/
#include "rules_impl.h"

/* party.not-transferred (4.5) */
void rule_party_not_transferred(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || !a->party_org || happened(a->party_transferred_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "移交社会组织党建工作机构",
		     "%s的党建工作关系尚未移交", a->name);
	}
}
