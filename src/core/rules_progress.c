/*
** rules_progress.c: scope (clause 3), registration and the institutional
** link (4.1), and the progress of each association along the plan's path
** (6.2, 6.3): plan submitted, decoupled, work summary, acceptance, audit.
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

/* institution.link-active (4.1) */
void rule_institution_link_active(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || a->registered_on >= ev->P->issued || a->link < 0 ||
		    happened(a->link_cancelled_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "取消",
		     "%s与%s的%s关系尚未取消", a->name, unit_name(ev, a->unit_ix),
		     link_name(a->link));
	}
}

/* institution.shared-office (4.1) */
void rule_institution_shared_office(tg_eval *ev)
{
	const tg_premises *fs = ROWS(ev, ARR_PREMISES, tg_premises);
	for (size_t k = 0; k < COUNT(ev, ARR_PREMISES); k++) {
		const tg_premises *f = &fs[k];
		if (!is_A(ev, f->association_ix) || !f->co_located_with_unit ||
		    !active(f->from, f->to, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, f->association_ix);
		emit(ev, f->association_ix, (int32_t)a->unit_ix, f->id, ev->due[f->association_ix],
		     "分开办公", "%s仍与%s合署办公（%s）", a->name, unit_name(ev, a->unit_ix),
		     f->address ? f->address : "办公地址未登记");
	}
}

/* plan.not-submitted (6.2) */
void rule_plan_not_submitted(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || happened(a->plan_submitted_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "报送",
		     "%s尚未报送%s的脱钩实施方案", unit_name(ev, a->unit_ix), a->name);
	}
}

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
		emit(ev, i, (int32_t)a->unit_ix, NULL, due, "向联合工作组办公室报送",
		     "%s已于%s完成脱钩，%s尚未报送工作总结", a->name, d,
		     unit_name(ev, a->unit_ix));
	}
}

/* acceptance.pending (6.3) */
void rule_acceptance_pending(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || !own_level(ev, a) ||
		    !happened(a->report_submitted_on, ev->D) || happened(a->accepted_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, TG_DATE_NONE, "联合工作组办公室适时组织验收",
		     "%s的脱钩工作总结已报送，尚未验收", a->name);
	}
}

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
