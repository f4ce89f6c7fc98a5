/*
** rules_personnel.c: the rules personnel.*, 人员分离 (clause 4.2, 四(二)).
** Officials holding posts, retired cadres (cooling-off, approval or filing,
** pay, age, number of posts, 中组发〔2014〕11号), placement by the unit,
** staff contracts and insurance, and the staffing quota cancelled at
** decoupling.
*/
#include <assert.h>
#include <stdlib.h>

#include "rules_impl.h"

/* The person of a post when the person has one of the PF_* bits in need:
** the per-run flags are 1 byte per person, so the (large, cold) person
** records are read only for the few posts that can fire. */
static const tg_person *post_person(const tg_eval *ev, const tg_post *t, unsigned need)
{
	assert(ev->pflag); /* a rule within one association: every run has them */
	return t->person_ix == TG_IX_NONE || !(ev->pflag[t->person_ix] & need)
		       ? NULL
		       : &ROWS(ev, ARR_PERSONS, tg_person)[t->person_ix];
}

/* The posts of A active on D, with their person: the common start of the
** 4.2 post rules. */
#define FOR_EACH_ACTIVE_POST_OF_A(ev, t, p, a, need)                                           \
	for (size_t k_ = 0; k_ < COUNT(ev, ARR_POSTS); k_++)                               \
		for (const tg_post *t = &ROWS(ev, ARR_POSTS, tg_post)[k_]; t; t = NULL)    \
			for (const tg_person *p = post_person(ev, t, need); p; p = NULL)         \
				for (const tg_association *a = is_A(ev, t->association_ix) &&    \
							       active(t->from, t->to, ev->D)     \
								   ? assoc_at(ev, t->association_ix) \
								   : NULL;                       \
				     a; a = NULL)

static int32_t unit_of(const tg_association *a)
{
	return (int32_t)a->unit_ix;
}

/* personnel.official-holds-post */
void rule_personnel_official_holds_post(tg_eval *ev)
{
	FOR_EACH_ACTIVE_POST_OF_A(ev, t, p, a, PF_SERVING) {
		if (!person_serving(p, ev->D))
			continue;
		emit(ev, t->association_ix, unit_of(a), t->id, post_due(ev, t), "清理",
		     "在职公务员%s在%s任%s", p->name, a->name, role_name(t->role));
	}
}

/* personnel.cooling-off-unapproved: within P.cooling_off_years of
** retirement, only an approval (审批) counts. */
void rule_personnel_cooling_off_unapproved(tg_eval *ev)
{
	FOR_EACH_ACTIVE_POST_OF_A(ev, t, p, a, PF_RETIRED_CADRE) {
		if (!person_retired_cadre(p, ev->D) ||
		    ev->D >= date_add_years(p->retired_on, ev->P->cooling_off_years) ||
		    post_approved(t, 1u << APPROVAL_APPROVAL, ev->D))
			continue;
		emit(ev, t->association_ix, unit_of(a), t->id, post_due(ev, t),
		     "按干部管理权限履行审批手续或辞去职务",
		     "退休领导干部%s退休未满%d年在%s任%s，未经批准", p->name,
		     ev->P->cooling_off_years, a->name, role_name(t->role));
	}
}

/* personnel.post-retirement-unfiled: after the cooling-off, approval or
** filing (备案). */
void rule_personnel_post_retirement_unfiled(tg_eval *ev)
{
	FOR_EACH_ACTIVE_POST_OF_A(ev, t, p, a, PF_RETIRED_CADRE) {
		if (!person_retired_cadre(p, ev->D) ||
		    ev->D < date_add_years(p->retired_on, ev->P->cooling_off_years) ||
		    post_approved(t, (1u << APPROVAL_APPROVAL) | (1u << APPROVAL_FILING), ev->D))
			continue;
		emit(ev, t->association_ix, unit_of(a), t->id, post_due(ev, t), "办理审批或备案",
		     "退休领导干部%s退休满%d年后在%s任%s，未经审批或备案", p->name,
		     ev->P->cooling_off_years, a->name, role_name(t->role));
	}
}

/* personnel.placed-by-unit: a (serving or retired) civil servant placed by
** the unit after the plan, who had not left public service before. */
void rule_personnel_placed_by_unit(tg_eval *ev)
{
	FOR_EACH_ACTIVE_POST_OF_A(ev, t, p, a, PF_CIVIL_SERVANT) {
		if (!t->recommended_by_unit || t->from < ev->P->issued || !p->civil_servant ||
		    (p->left_public_service_on != TG_DATE_NONE && p->left_public_service_on < t->from))
			continue;
		emit(ev, t->association_ix, unit_of(a), t->id, t->from, "立即纠正",
		     "%s推荐安排公务员%s到%s任%s", unit_name(ev, a->unit_ix), p->name, a->name,
		     role_name(t->role));
	}
}

/* personnel.retired-cadre-paid */
void rule_personnel_retired_cadre_paid(tg_eval *ev)
{
	FOR_EACH_ACTIVE_POST_OF_A(ev, t, p, a, PF_RETIRED_CADRE) {
		if (!t->paid || !person_retired_cadre(p, ev->D))
			continue;
		emit(ev, t->association_ix, unit_of(a), t->id, post_due(ev, t), "停止取酬",
		     "退休领导干部%s在%s兼任%s并取酬", p->name, a->name, role_name(t->role));
	}
}

/* personnel.retired-cadre-over-age: age from the ID number's birth date.
** Its timing is the birth date's: with ev->years it also emits the finding
** as a viewer who may not see the number gets it, by the year (rules.h). */
void rule_personnel_retired_cadre_over_age(tg_eval *ev)
{
	int max_age = ev->P->retired_cadre_max_age;
	FOR_EACH_ACTIVE_POST_OF_A(ev, t, p, a, PF_RETIRED_CADRE) {
		if (!person_retired_cadre(p, ev->D) || p->birth == TG_DATE_NONE)
			continue;
		tg_date limit = date_add_years(p->birth, max_age);
		tg_date due = limit > t->from ? limit : t->from;
		ev->birth_ix = (int32_t)t->person_ix;
		if (ev->D >= limit)
			emit(ev, t->association_ix, unit_of(a), t->id, due, "立即辞去职务",
			     "退休领导干部%s已年满%d周岁，仍在%s任%s", p->name, max_age, a->name,
			     role_name(t->role));
		if (ev->years && year_end(ev->D) >= limit) {
			tg_findings *exact = ev->out;
			ev->out = ev->years;
			ev->year_only = true;
			emit(ev, t->association_ix, unit_of(a), t->id, due, "立即辞去职务",
			     "退休领导干部%s至%d年底已年满%d周岁，仍在%s任%s", p->name,
			     date_year(due), max_age, a->name, role_name(t->role));
			ev->year_only = false;
			ev->out = exact;
		}
		ev->birth_ix = -1;
	}
}

/* Whether a post (of association a, from..to) counts toward its retired
** cadre's posts as of the run's day: held in a registered association (in
** scope or not) and active. */
static bool cadre_post_counts(const tg_eval *ev, tg_ix a, tg_date from, tg_date to)
{
	return is_registered(ev, a) && active(from, to, ev->D);
}

static void emit_cadre(tg_eval *ev, const tg_person *p, uint32_t count, tg_date latest)
{
	if (count <= (uint32_t)ev->P->retired_cadre_max_posts)
		return;
	emit(ev, TG_IX_NONE, p->unit_ix == TG_IX_NONE ? -1 : (int32_t)p->unit_ix, p->id, latest,
	     "立即辞去多余职务", "退休领导干部%s在行业协会商会兼任%u个职务，超过%d个", p->name,
	     count, ev->P->retired_cadre_max_posts);
}

/* personnel.retired-cadre-multiple-posts: counted over every registered
** association, in scope or not; the finding is about the person, dated
** from the latest post counted.  With the retired cadres' posts at hand
** (ev->cadre_posts, the server's incremental runs) those are read; without,
** every post. */
void rule_personnel_retired_cadre_multiple_posts(tg_eval *ev)
{
	size_t np = COUNT(ev, ARR_PERSONS);
	const tg_person *ps = ROWS(ev, ARR_PERSONS, tg_person);
	const tg_cadre_posts *cp = ev->cadre_posts;
	if (cp) {
		uint32_t most = (uint32_t)ev->P->retired_cadre_max_posts;
		/* every cadre, or (reach_kept) the persons reached that are */
		size_t n = ev->reach_kept ? ev->n_reached[ARR_PERSONS] : cp->n;
		for (size_t j = 0; j < n; j++) {
			const uint32_t *at =
				ev->reach_kept ? rows_find(cp->person, cp->n, ev->reached[ARR_PERSONS][j])
					       : &cp->person[j];
			if (!at)
				continue;
			size_t c = (size_t)(at - cp->person);
			/* retired by the day, and past the most if all counted */
			if (!happened(cp->retired_on[c], ev->D) || cp->start[c + 1] - cp->start[c] <= most)
				continue;
			uint32_t count = 0;
			tg_date latest = TG_DATE_NONE;
			for (uint32_t k = cp->start[c]; k < cp->start[c + 1]; k++) {
				const tg_cadre_post *t = &cp->posts[k];
				if (cadre_post_counts(ev, t->association_ix, t->from, t->to) &&
				    (!count++ || t->from > latest))
					latest = t->from;
			}
			assert(cp->person[c] < np && person_retired_cadre(&ps[cp->person[c]], ev->D));
			emit_cadre(ev, &ps[cp->person[c]], count, latest);
		}
		return;
	}
	const tg_post *ts = ROWS(ev, ARR_POSTS, tg_post);
	uint32_t *count = calloc(np ? np : 1, sizeof *count);
	tg_date *latest = malloc((np ? np : 1) * sizeof *latest);
	if (!count || !latest)
		abort();
	for (size_t k = 0; k < COUNT(ev, ARR_POSTS); k++) {
		const tg_post *t = &ts[k];
		if (t->person_ix == TG_IX_NONE || !(ev->pflag[t->person_ix] & PF_RETIRED_CADRE) ||
		    !cadre_post_counts(ev, t->association_ix, t->from, t->to))
			continue;
		if (!count[t->person_ix]++ || t->from > latest[t->person_ix])
			latest[t->person_ix] = t->from;
	}
	for (size_t i = 0; i < np; i++)
		if (eval_reached(ev, ARR_PERSONS, i))
			emit_cadre(ev, &ps[i], count[i], latest[i]);
	free(count);
	free(latest);
}

static void staff_rule(tg_eval *ev, size_t date_off, const char *what, const char *action)
{
	const tg_staff *ss = ROWS(ev, ARR_STAFF, tg_staff);
	for (size_t k = 0; k < COUNT(ev, ARR_STAFF); k++) {
		const tg_staff *s = &ss[k];
		tg_date done = *(const tg_date *)((const char *)s + date_off);
		if (!is_A(ev, s->association_ix) || !active(s->from, s->to, ev->D) ||
		    happened(done, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, s->association_ix);
		emit(ev, s->association_ix, unit_of(a), s->id, ev->due[s->association_ix], action,
		     "%s工作人员%s%s", a->name, s->name ? s->name : s->id, what);
	}
}

/* personnel.no-labor-contract */
void rule_personnel_no_labor_contract(tg_eval *ev)
{
	staff_rule(ev, offsetof(tg_staff, labor_contract_on), "未签订劳动合同", "签订劳动合同");
}

/* personnel.no-social-insurance */
void rule_personnel_no_social_insurance(tg_eval *ev)
{
	staff_rule(ev, offsetof(tg_staff, social_insurance_on), "未参加社会保险和住房公积金",
		   "办理参保");
}

/* personnel.staffing-quota-not-cancelled: due on the day of decoupling. */
void rule_personnel_staffing_quota_not_cancelled(tg_eval *ev)
{
	FOR_EACH_ASSOCIATION(ev, i, a) {
		if (!ev->in_A[i] || a->staffing_quota <= 0 || !happened(a->decoupled_on, ev->D) ||
		    happened(a->staffing_quota_cancelled_on, ev->D))
			continue;
		emit(ev, i, unit_of(a), NULL, a->decoupled_on, "立即核销",
		     "%s已脱钩，使用的%lld名事业编制尚未核销", a->name,
		     (long long)a->staffing_quota);
	}
}
