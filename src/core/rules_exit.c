/*
** rules_exit.c: the rules exit.*, 完善综合监管体制 (clause 5.2, 五(二)).
** Exit candidates: P.exit_missing_report_years consecutive years with an
** overdue annual report; every registered association, in scope or not.
*/
#include "rules_impl.h"

/* exit.candidate: N consecutive years, each with an overdue missing report. */
void rule_exit_candidate(tg_eval *ev)
{
	int need = ev->P->exit_missing_report_years;
	int64_t last = date_year(ev->D) - 1;
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->registered[i])
			continue;
		int run = 0;
		bool fire = need <= 0;
		for (int64_t y = first_report_year(ev, a); y <= last && !fire; y++) {
			run = report_missing_overdue(ev, i, y) ? run + 1 : 0;
			fire = run >= need;
		}
		if (!fire)
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, "研究是否依法注销（退出）",
		     "%s连续%d年未按时报送年度工作报告", a->name, need);
	}
}
