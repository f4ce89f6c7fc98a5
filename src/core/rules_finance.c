/*
** rules_finance.c: 资产财务分离 (clause 4.3).  Independent accounts, the
** asset inventory due by P.asset_inventory_due, registration of state
** assets, no direct appropriations from P.direct_appropriation_banned_from_year,
** and administrative office space assessed against the approved area.
*/
#include "bundle.h"
#include "rules_impl.h"

/* finance.no-independent-account */
void rule_finance_no_independent_account(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || happened(a->independent_account_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->due[i], "开设独立账户、实行独立核算",
		     "%s尚无独立账户和独立账目", a->name);
	}
}

/* finance.asset-inventory-missing: for associations that existed when the
** plan was issued. */
void rule_finance_asset_inventory_missing(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || a->registered_on >= ev->P->issued ||
		    happened(a->asset_inventory_on, ev->D))
			continue;
		emit(ev, i, (int32_t)a->unit_ix, NULL, ev->P->asset_inventory_due, "完成清查登记",
		     "%s尚未清查登记%s的资产", unit_name(ev, a->unit_ix), a->name);
	}
}

/* finance.state-asset-unregistered */
void rule_finance_state_asset_unregistered(tg_eval *ev)
{
	const tg_asset *as = ROWS(ev, ARR_ASSETS, tg_asset);
	for (size_t k = 0; k < COUNT(ev, ARR_ASSETS); k++) {
		const tg_asset *s = &as[k];
		if (!is_A(ev, s->association_ix) || !s->state_owned ||
		    !active(s->from, s->to, ev->D) || happened(s->registered_on, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, s->association_ix);
		emit(ev, s->association_ix, (int32_t)a->unit_ix, s->id, ev->due[s->association_ix],
		     "办理使用登记", "%s使用的国有资产“%s”未办理登记", a->name,
		     s->name ? s->name : s->id);
	}
}

/* finance.direct-appropriation: a breach on the day the money is paid. */
void rule_finance_direct_appropriation(tg_eval *ev)
{
	const tg_appropriation *ms = ROWS(ev, ARR_APPROPRIATIONS, tg_appropriation);
	for (size_t k = 0; k < COUNT(ev, ARR_APPROPRIATIONS); k++) {
		const tg_appropriation *m = &ms[k];
		if (!is_A(ev, m->association_ix) || m->kind != APPROP_DIRECT ||
		    m->year < ev->P->direct_appropriation_banned_from_year || !happened(m->on, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, m->association_ix);
		if (!own_level(ev, a))
			continue;
		char amount[32];
		bundle_money_str(m->amount, amount);
		emit(ev, m->association_ix, (int32_t)a->unit_ix, m->id, m->on,
		     "立即停止直接拨款、改为政府购买服务", "%s获得%lld年度财政直接拨款%s元", a->name,
		     (long long)m->year, amount);
	}
}

static void office_rule(tg_eval *ev, bool excess)
{
	const tg_premises *fs = ROWS(ev, ARR_PREMISES, tg_premises);
	for (size_t k = 0; k < COUNT(ev, ARR_PREMISES); k++) {
		const tg_premises *f = &fs[k];
		if (!is_A(ev, f->association_ix) || f->owner != OWNER_ADMINISTRATIVE ||
		    !active(f->from, f->to, ev->D) || (f->area > f->approved_area) != excess)
			continue;
		const tg_association *a = assoc_at(ev, f->association_ix);
		if (excess)
			emit(ev, f->association_ix, (int32_t)a->unit_ix, f->id, ev->P->office_due,
			     "清理腾退", "%s占用行政办公用房%.2f㎡，超出核定面积%.2f㎡", a->name,
			     f->area, f->approved_area);
		else
			emit(ev, f->association_ix, (int32_t)a->unit_ix, f->id, TG_DATE_NONE,
			     "跟踪至独立办公", "%s在核定面积内暂用行政办公用房%.2f㎡", a->name,
			     f->area);
	}
}

/* office.excess-area */
void rule_office_excess_area(tg_eval *ev)
{
	office_rule(ev, true);
}

/* office.administrative-space: tracked until the office is independent. */
void rule_office_administrative_space(tg_eval *ev)
{
	office_rule(ev, false);
}
