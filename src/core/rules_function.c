/*
** rules_function.c: the rules function.*, 职能分离 (clause 4.4, 四(四)).
** The unit's function list, administrative functions without a legal
** basis not stripped, and entrusted functions without a purchase
** contract.
*/
#include <stdlib.h>

#include "rules_impl.h"

/* function.list-missing: the plan says 尽快; the unit is held to its
** associations' earliest due date. */
void rule_function_list_missing(tg_eval *ev)
{
	size_t nu = COUNT(ev, ARR_UNITS);
	tg_date *earliest = malloc((nu ? nu : 1) * sizeof *earliest);
	if (!earliest)
		abort();
	for (size_t u = 0; u < nu; u++)
		earliest[u] = TG_DATE_NONE;
	uint8_t *want = NULL; /* the units reached, when not all */
	if (ev->reach_kept) {
		want = calloc(nu ? nu : 1, 1);
		if (!want)
			abort();
		for (size_t k = 0; k < ev->n_reached[ARR_UNITS]; k++)
			want[ev->reached[ARR_UNITS][k]] = 1;
	}
	if (want && ev->unit_dues) { /* the units reached, from the dues kept */
		for (size_t k = 0; k < ev->n_reached[ARR_UNITS]; k++) {
			size_t u = ev->reached[ARR_UNITS][k];
			earliest[u] = eval_unit_earliest(ev, u);
		}
	} else {
		for (size_t i = 0; i < COUNT(ev, ARR_ASSOCIATIONS); i++) {
			tg_ix u = ev->unit_of[i];
			if (!ev->in_A[i] || u == TG_IX_NONE || (want && !want[u]))
				continue;
			tg_date *e = &earliest[u];
			if (*e == TG_DATE_NONE || ev->due[i] < *e)
				*e = ev->due[i];
		}
	}
	const tg_unit *us = ROWS(ev, ARR_UNITS, tg_unit);
	for (size_t u = 0; u < nu; u++) {
		if (earliest[u] == TG_DATE_NONE || happened(us[u].function_list_on, ev->D))
			continue;
		emit(ev, TG_IX_NONE, (int32_t)u, us[u].id, earliest[u], "制定印发",
		     "%s尚未制定职能清单目录", us[u].name);
	}
	free(want);
	free(earliest);
}

/* function.administrative-not-stripped */
void rule_function_administrative_not_stripped(tg_eval *ev)
{
	const tg_function *ns = ROWS(ev, ARR_FUNCTIONS, tg_function);
	for (size_t k = 0; k < COUNT(ev, ARR_FUNCTIONS); k++) {
		const tg_function *n = &ns[k];
		if (!is_A(ev, n->association_ix) || n->disposition != DISP_ADMINISTRATIVE ||
		    n->legal_basis || happened(n->stripped_on, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, n->association_ix);
		emit(ev, n->association_ix, (int32_t)a->unit_ix, n->id, ev->due[n->association_ix],
		     "剥离", "%s承担的行政职能“%s”无法律法规依据，尚未剥离", a->name,
		     n->name ? n->name : n->id);
	}
}

/* function.entrusted-without-purchase */
void rule_function_entrusted_without_purchase(tg_eval *ev)
{
	const tg_function *ns = ROWS(ev, ARR_FUNCTIONS, tg_function);
	for (size_t k = 0; k < COUNT(ev, ARR_FUNCTIONS); k++) {
		const tg_function *n = &ns[k];
		if (!is_A(ev, n->association_ix) || n->disposition != DISP_ENTRUST || n->purchase_ref)
			continue;
		const tg_association *a = assoc_at(ev, n->association_ix);
		emit(ev, n->association_ix, (int32_t)a->unit_ix, n->id, ev->due[n->association_ix],
		     "通过政府购买服务委托", "%s承接的职能“%s”未签订购买服务合同", a->name,
		     n->name ? n->name : n->id);
	}
}
