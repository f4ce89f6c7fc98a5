/*
** rules_report.c: the rules report.*, 扎实推进工作 (clause 6.3, 六(三)).
** The work summary of a city-level association, due P.report_workdays
** working days after decoupling on the official calendar.
*/
#include "rules_impl.h"

/* report.summary-missing (6.3): due P.report_workdays working days after
** decoupling, on the official calendar. */
void rule_report_summary_missing(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || !own_level(ev, a) || !happened(a->decoupled_on, ev->D) ||
		    happened(a->report_submitted_on, ev->D))
			continue;
		char d[11];
		date_format(a->decoupled_on, d);
		tg_date due = eval_add_workdays(ev, a->decoupled_on, ev->P->report_workdays);
		char action[160];
		snprintf(action, sizeof action, "向%s报送", ev->plan->office);
		emit(ev, i, (int32_t)a->unit_ix, NULL, due, action,
		     "%s已于%s完成脱钩，%s尚未报送工作总结", a->name, d,
		     unit_name(ev, a->unit_ix));
	}
}
