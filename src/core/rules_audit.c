/*
** rules_audit.c: the rules audit.*, 明确责任分工 (clause 6.2, 六(二)).
** The audit report (asset evaluation and use of public funds) of a
** decoupled association.  Not the audit chain of records: that is
** audit.c.
*/
#include "rules_impl.h"

/* audit.report-missing (6.2) */
void rule_audit_report_missing(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || !happened(a->decoupled_on, ev->D) ||
		    happened(a->audit_report_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, "审计部门出具审计报告",
		     "%s已脱钩，尚无资产评估结果和财政资金使用情况的审计报告", a->name);
	}
}
