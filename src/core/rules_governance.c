/*
** rules_governance.c: the rules governance.*, 完善综合监管体制 (clause 5.2, 五(二)).
** Governance of every registered association, in scope or not: board
** terms, elections (民主选举、差额选举和无记名投票), dispatched supervisors
** (paid, or holding another post) and the departure audit of a legal
** representative (社会团体登记管理条例 第二十七条).
*/
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"

/* latest_board(a, D) for every registered association at once: the board
** election with the latest date on or before D, on a tie the greatest id;
** NULL for an association not registered or without one. */
static const tg_election **latest_boards(const tg_eval *ev)
{
	size_t n = COUNT(ev, ARR_ASSOCIATIONS);
	const tg_election **best = calloc(n ? n : 1, sizeof *best);
	if (!best)
		abort();
	const tg_election *es = ROWS(ev, ARR_ELECTIONS, tg_election);
	for (size_t k = 0; k < COUNT(ev, ARR_ELECTIONS); k++) {
		const tg_election *e = &es[k];
		if (e->association_ix == TG_IX_NONE || e->body != BODY_BOARD || !happened(e->on, ev->D))
			continue;
		const tg_election **b = &best[e->association_ix];
		if (!*b || e->on > (*b)->on || (e->on == (*b)->on && strcmp(e->id, (*b)->id) > 0))
			*b = e;
	}
	for (size_t i = 0; i < n; i++)
		if (!ev->registered[i])
			best[i] = NULL;
	return best;
}

/* governance.term-expired */
void rule_governance_term_expired(tg_eval *ev)
{
	const tg_election **best = latest_boards(ev);
	FOR_EACH_ASSOCIATION(ev, i, a) {
		const tg_election *e = best[i];
		if (!e)
			continue;
		tg_date end = date_add_years(e->on, (int)e->term_years);
		if (ev->D < end)
			continue;
		emit(ev, i, (int32_t)a->unit_ix, e->id, end, "换届", "%s理事会任期届满（%lld年）",
		     a->name, (long long)e->term_years);
	}
	free(best);
}

/* governance.election-irregular: 民主选举、差额选举和无记名投票. */
void rule_governance_election_irregular(tg_eval *ev)
{
	const tg_election **best = latest_boards(ev);
	FOR_EACH_ASSOCIATION(ev, i, a) {
		const tg_election *e = best[i];
		if (!e)
			continue;
		if (e->on < ev->P->issued || (e->contested && e->secret_ballot))
			continue;
		char d[11];
		date_format(e->on, d);
		emit(ev, i, (int32_t)a->unit_ix, e->id, e->on, "立即依章程规范选举",
		     "%s于%s的理事会换届%s%s", a->name, d, e->contested ? "" : "未实行差额选举",
		     e->secret_ballot ? "" : (e->contested ? "未采用无记名投票" : "、未采用无记名投票"));
	}
	free(best);
}

static const tg_person *person_of(const tg_eval *ev, const tg_post *t)
{
	assert(t->person_ix < COUNT(ev, ARR_PERSONS));
	return &ROWS(ev, ARR_PERSONS, tg_person)[t->person_ix];
}

/* governance.dispatched-supervisor-paid */
void rule_governance_dispatched_supervisor_paid(tg_eval *ev)
{
	const tg_post *ts = ROWS(ev, ARR_POSTS, tg_post);
	for (size_t k = 0; k < COUNT(ev, ARR_POSTS); k++) {
		const tg_post *t = &ts[k];
		if (!is_registered(ev, t->association_ix) || t->role != ROLE_DISPATCHED_SUPERVISOR ||
		    !active(t->from, t->to, ev->D) || !t->paid)
			continue;
		const tg_association *a = assoc_at(ev, t->association_ix);
		emit(ev, t->association_ix, (int32_t)a->unit_ix, t->id, t->from, "立即停止取酬",
		     "委派监事%s在%s取酬", person_of(ev, t)->name, a->name);
	}
}

/* (person, association) -> latest `from` of the person's other (not
** dispatched) posts active on D, as a sorted array for binary search. */
typedef struct pa_from {
	uint64_t key;
	tg_date from;
} pa_from;

static int cmp_pa(const void *x, const void *y)
{
	uint64_t a = ((const pa_from *)x)->key, b = ((const pa_from *)y)->key;
	return a < b ? -1 : a > b;
}

/* governance.dispatched-supervisor-holds-post */
void rule_governance_dispatched_supervisor_holds_post(tg_eval *ev)
{
	const tg_post *ts = ROWS(ev, ARR_POSTS, tg_post);
	size_t n = COUNT(ev, ARR_POSTS), d = 0;
	/* The (person, association) keys of the active dispatched supervisors
	** first: a few thousand, sorted; then one pass over every post looks
	** its key up among them, keeping the latest from of another post. */
	pa_from *sup = malloc((n ? n : 1) * sizeof *sup);
	if (!sup)
		abort();
	for (size_t k = 0; k < n; k++) {
		const tg_post *t = &ts[k];
		if (!is_registered(ev, t->association_ix) || t->person_ix == TG_IX_NONE ||
		    t->role != ROLE_DISPATCHED_SUPERVISOR || !active(t->from, t->to, ev->D))
			continue;
		sup[d].key = ((uint64_t)t->person_ix << 32) | t->association_ix;
		sup[d++].from = TG_DATE_NONE;
	}
	qsort(sup, d, sizeof *sup, cmp_pa);
	/* associations with a dispatched supervisor: most posts skip the search */
	uint8_t *has = calloc(COUNT(ev, ARR_ASSOCIATIONS) + 1, 1);
	if (!has)
		abort();
	for (size_t k = 0; k < d; k++)
		has[(uint32_t)sup[k].key] = 1;
	for (size_t k = 0; d && k < n; k++) {
		const tg_post *t = &ts[k];
		if (t->association_ix == TG_IX_NONE || !has[t->association_ix] ||
		    t->person_ix == TG_IX_NONE || t->role == ROLE_DISPATCHED_SUPERVISOR ||
		    !active(t->from, t->to, ev->D))
			continue;
		pa_from key = {((uint64_t)t->person_ix << 32) | t->association_ix, 0};
		pa_from *hit = bsearch(&key, sup, d, sizeof *sup, cmp_pa);
		if (!hit)
			continue;
		/* equal keys (a person dispatched twice) are adjacent: mark them all */
		pa_from *first = hit, *last = hit;
		while (first > sup && first[-1].key == key.key)
			first--;
		while (last + 1 < sup + d && last[1].key == key.key)
			last++;
		for (pa_from *h = first; h <= last; h++)
			if (h->from == TG_DATE_NONE || t->from > h->from)
				h->from = t->from;
	}
	for (size_t k = 0; d && k < n; k++) {
		const tg_post *t = &ts[k];
		if (!is_registered(ev, t->association_ix) || t->person_ix == TG_IX_NONE ||
		    t->role != ROLE_DISPATCHED_SUPERVISOR || !active(t->from, t->to, ev->D))
			continue;
		pa_from key = {((uint64_t)t->person_ix << 32) | t->association_ix, 0};
		const pa_from *hit = bsearch(&key, sup, d, sizeof *sup, cmp_pa);
		if (!hit || hit->from == TG_DATE_NONE)
			continue;
		const tg_association *a = assoc_at(ev, t->association_ix);
		emit(ev, t->association_ix, (int32_t)a->unit_ix, t->id,
		     hit->from > t->from ? hit->from : t->from, "立即辞去其他职务",
		     "委派监事%s在%s同时担任其他职务", person_of(ev, t)->name, a->name);
	}
	free(has);
	free(sup);
}

/* governance.departure-audit-missing (社会团体登记管理条例 第二十七条) */
void rule_governance_departure_audit_missing(tg_eval *ev)
{
	const tg_post *ts = ROWS(ev, ARR_POSTS, tg_post);
	for (size_t k = 0; k < COUNT(ev, ARR_POSTS); k++) {
		const tg_post *t = &ts[k];
		if (!is_registered(ev, t->association_ix) || !t->legal_representative ||
		    !happened(t->to, ev->D) || happened(t->departure_audit_on, ev->D))
			continue;
		const tg_association *a = assoc_at(ev, t->association_ix);
		emit(ev, t->association_ix, (int32_t)a->unit_ix, t->id, TG_DATE_NONE, "进行离任审计",
		     "%s原法定代表人%s离任后未进行离任审计", a->name, person_of(ev, t)->name);
	}
}
