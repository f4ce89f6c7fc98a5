/*
** rules_credit.c: the rules credit.*, 完善综合监管体制 (clause 5.2, 五(二)).
** The credit lists (民政部令第60号): candidates for the list of abnormal
** activity (overdue annual reports) and for the list of serious
** dishonesty (abnormal for P.abnormal_to_serious_years); every registered
** association, in scope or not.
*/
#include <stdlib.h>

#include "rules_impl.h"

/* Whether a has any overdue missing annual report on D. */
static bool any_report_overdue(const tg_eval *ev, tg_ix i, const tg_association *a)
{
	int64_t last = date_year(ev->D) - 1;
	for (int64_t y = first_report_year(ev, a); y <= last; y++)
		if (report_missing_overdue(ev, i, y))
			return true;
	return false;
}

/* Whether a is on the list on D (a listing is active from on to removed_on).
** The listings of each association are found through per-run lookup arrays
** built by listed_init. */
typedef struct listed {
	uint8_t *abnormal, *serious;
} listed;

static void listed_init(const tg_eval *ev, listed *l)
{
	size_t n = COUNT(ev, ARR_ASSOCIATIONS);
	l->abnormal = calloc(n ? n : 1, 1);
	l->serious = calloc(n ? n : 1, 1);
	if (!l->abnormal || !l->serious)
		abort();
	const tg_credit_listing *ls = ROWS(ev, ARR_CREDIT_LISTINGS, tg_credit_listing);
	for (size_t k = 0; k < COUNT(ev, ARR_CREDIT_LISTINGS); k++) {
		if (ls[k].association_ix == TG_IX_NONE || !active(ls[k].on, ls[k].removed_on, ev->D))
			continue;
		(ls[k].list == LIST_SERIOUS ? l->serious : l->abnormal)[ls[k].association_ix] = 1;
	}
}

static void listed_free(listed *l)
{
	free(l->abnormal);
	free(l->serious);
}

/* credit.abnormal-candidate */
void rule_credit_abnormal_candidate(tg_eval *ev)
{
	listed l;
	listed_init(ev, &l);
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->registered[i] || l.abnormal[i] || !any_report_overdue(ev, i, a))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, "由登记管理机关列入活动异常名录",
		     "%s未按时报送年度工作报告，尚未列入活动异常名录", a->name);
	}
	listed_free(&l);
}

/* credit.serious-candidate: one finding per abnormal listing old enough. */
void rule_credit_serious_candidate(tg_eval *ev)
{
	listed l;
	listed_init(ev, &l);
	const tg_credit_listing *ls = ROWS(ev, ARR_CREDIT_LISTINGS, tg_credit_listing);
	for (size_t k = 0; k < COUNT(ev, ARR_CREDIT_LISTINGS); k++) {
		const tg_credit_listing *c = &ls[k];
		tg_ix i = c->association_ix;
		if (!is_registered(ev, i) || c->list != LIST_ABNORMAL ||
		    !active(c->on, c->removed_on, ev->D) || l.serious[i])
			continue;
		tg_date due = date_add_years(c->on, ev->P->abnormal_to_serious_years);
		if (ev->D < due)
			continue;
		const tg_association *a = assoc_at(ev, i);
		char d[11];
		date_format(c->on, d);
		emit(ev, i, (int32_t)a->unit_ix, c->id, due, "列入严重违法失信名单",
		     "%s自%s列入活动异常名录已满%d年", a->name, d,
		     ev->P->abnormal_to_serious_years);
	}
	listed_free(&l);
}
