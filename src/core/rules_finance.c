/*
** rules_finance.c: the rules finance.*, 资产分离 (clause 4.3, 四(三)).
** Independent accounts, the asset inventory due by P.asset_inventory_due,
** registration of state assets used, and no direct appropriations from
** P.direct_appropriation_banned_from_year.
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
