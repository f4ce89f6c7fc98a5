/*
** rules_annual_report.c: the rules annual-report.*, 完善综合监管体制 (clause 5.2, 五(二)).
** Annual work reports (社会团体登记管理条例), one finding per missing year,
** for every registered association, in scope or not.  The report facts
** shared with credit.* and exit.* (report_submitted, report_due,
** first_report_year) are in rules.c.
*/
#include <stdio.h>

#include "rules_impl.h"

/* annual-report.missing: one finding per missing year, subject the year. */
void rule_annual_report_missing(tg_eval *ev)
{
	int64_t last = date_year(ev->D) - 1;
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->registered[i])
			continue;
		for (int64_t y = first_report_year(ev, a); y <= last; y++) {
			if (report_submitted(ev, i, y))
				continue;
			char year[24];
			snprintf(year, sizeof year, "%lld", (long long)y);
			emit(ev, i, (int32_t)a->unit_ix, arena_strdup(&ev->out->arena, year),
			     report_due(ev, y), "向登记管理机关报送", "%s未报送%lld年度工作报告",
			     a->name, (long long)y);
		}
	}
}
