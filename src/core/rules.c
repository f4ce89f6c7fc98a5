/*
** rules.c: the rule catalogue, one evaluation run, and the findings'
** outputs (see rules.h).
**
** A run: compute the per-association facts of rules.md's Definitions once
** (registered on D, in scope, due(a)), then call each rule the plan lists,
** then sort.  Rule functions live in rules_<group>.c, one file per rule-id
** group (TG_RULES in rules_impl.h).
*/
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"

/* The catalogue, generated from TG_RULES (rules_impl.h). */
#define TG_REACH_A true
#define TG_REACH_ANY false
#define TG_RULE_ENTRY(id_, clause_, function, reach, params_, summary_)                      \
	{.id = id_, .clause = clause_, .fn = function, .summary = summary_, .params = params_, \
	 .reads_scope = TG_REACH_##reach},
const tg_rule_def tg_rules[] = {TG_RULES(TG_RULE_ENTRY)};
#undef TG_RULE_ENTRY
const size_t tg_rules_count = sizeof tg_rules / sizeof tg_rules[0];

const tg_rule_def *rules_find(const char *id)
{
	assert(id);
	for (size_t i = 0; i < tg_rules_count; i++)
		if (!strcmp(tg_rules[i].id, id))
			return &tg_rules[i];
	return NULL;
}

/* A parameter a listed rule reads: declared and not null. */
static void need_param(const tg_plan *plan, size_t rule, const char *rule_id, const char *name,
		       size_t len, tg_errors *errs)
{
	char n[64];
	snprintf(n, sizeof n, "%.*s", (int)len, name);
	const tg_param_info *info = plan_param(plan, n);
	if (info && !info->null)
		return;
	char p[64];
	snprintf(p, sizeof p, "rules[%zu]", rule);
	tg_errors_add(errs, "required", p, "规则 %s 要读取参数“%s”，方案中%s", rule_id, n,
		      info ? "该参数为 null" : "没有声明该参数");
}

int rules_check_plan(const tg_plan *plan, tg_errors *errs)
{
	size_t before = errs->total;
	if (!plan->n_rules && !plan->n_obligations)
		tg_errors_add(errs, "empty_plan", "rules",
			      "方案既未列出规则也未列出义务，无法检查（结果不会是“没有问题”）");
	for (size_t i = 0; i < plan->n_rules; i++) {
		const char *id = plan->rules[i].id;
		const tg_rule_def *def = id ? rules_find(id) : NULL;
		if (id && !def) {
			char p[64];
			snprintf(p, sizeof p, "rules[%zu].id", i);
			tg_errors_add(errs, "unknown_rule", p, "规则目录中没有规则“%s”", id);
		}
		for (size_t j = 0; id && j < i; j++)
			if (plan->rules[j].id && !strcmp(plan->rules[j].id, id)) {
				char p[64];
				snprintf(p, sizeof p, "rules[%zu].id", i);
				tg_errors_add(errs, "duplicate_id", p, "规则“%s”重复", id);
			}
		if (!def)
			continue;
		for (const char *s = def->params; *s;) {
			size_t len = strcspn(s, ",");
			need_param(plan, i, id, s, len, errs);
			s += len + (s[len] == ',');
		}
		if (def->reads_scope && !strstr(def->params, "name_suffixes"))
			need_param(plan, i, id, "name_suffixes", strlen("name_suffixes"), errs);
	}
	return errs->total > before ? TG_EINVAL : TG_OK;
}

/* ---- Definitions of rules.md ---- */

bool person_serving(const tg_person *p, tg_date d)
{
	return p->civil_servant && !happened(p->retired_on, d) &&
	       !happened(p->left_public_service_on, d);
}

bool person_retired_cadre(const tg_person *p, tg_date d)
{
	return p->leading_cadre && happened(p->retired_on, d);
}

tg_date post_due(const tg_eval *ev, const tg_post *t)
{
	assert(t->association_ix < COUNT(ev, ARR_ASSOCIATIONS));
	return t->from < ev->P->issued ? ev->due[t->association_ix] : t->from;
}

bool post_approved(const tg_post *t, unsigned kinds, tg_date d)
{
	return t->approval_kind >= 0 && (kinds & (1u << t->approval_kind)) &&
	       happened(t->approval_on, d);
}

tg_date eval_add_workdays(tg_eval *ev, tg_date d, int n)
{
	bool outside = false;
	tg_date r = calendar_add_workdays(ev->cal, d, n, &outside);
	if (outside && !ev->calendar_outside) {
		ev->calendar_outside = true;
		ev->outside_year = date_year(r);
	}
	return r;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

static void build_reports(tg_eval *ev)
{
	const tg_annual_report *ar = ROWS(ev, ARR_ANNUAL_REPORTS, tg_annual_report);
	size_t n = COUNT(ev, ARR_ANNUAL_REPORTS);
	ev->reports = malloc((n ? n : 1) * sizeof *ev->reports);
	if (!ev->reports)
		abort();
	for (size_t i = 0; i < n; i++)
		if (ar[i].association_ix != TG_IX_NONE && happened(ar[i].submitted_on, ev->D) &&
		    ar[i].year >= 0 && ar[i].year < (1LL << 31))
			ev->reports[ev->n_reports++] =
				((uint64_t)ar[i].association_ix << 32) | (uint64_t)ar[i].year;
	qsort(ev->reports, ev->n_reports, sizeof *ev->reports, cmp_u64);
}

bool report_submitted(const tg_eval *ev, tg_ix i, int64_t y)
{
	assert(i < COUNT(ev, ARR_ASSOCIATIONS));
	assert(ev->reports); /* not by a rule in reach_beyond */
	uint64_t key = ((uint64_t)i << 32) | (uint64_t)y;
	return bsearch(&key, ev->reports, ev->n_reports, sizeof key, cmp_u64) != NULL;
}

tg_date report_due(const tg_eval *ev, int64_t y)
{
	int m = ev->P->annual_report_due / 100, d = ev->P->annual_report_due % 100;
	int last = date_days_in_month((int)y + 1, m);
	return date_from_ymd((int)y + 1, m, d > last ? last : d);
}

int64_t first_report_year(const tg_eval *ev, const tg_association *a)
{
	int64_t y = date_year(a->registered_on);
	return y > ev->P->annual_report_from_year ? y : ev->P->annual_report_from_year;
}

bool report_missing_overdue(const tg_eval *ev, tg_ix i, int64_t y)
{
	return !report_submitted(ev, i, y) && ev->D > report_due(ev, y);
}

const char *unit_name(const tg_eval *ev, tg_ix u)
{
	assert(ix_ok(ev, ARR_UNITS, u));
	return u == TG_IX_NONE ? "主管单位" : ROWS(ev, ARR_UNITS, tg_unit)[u].name;
}

const char *role_name(int role)
{
	static const char *names[] = {"会长（理事长）", "副会长", "秘书长", "理事",
				      "监事", "委派监事", "其他职务"};
	return role >= 0 && role <= ROLE_OTHER ? names[role] : "职务";
}

const char *link_name(int link)
{
	static const char *names[] = {"主办", "主管", "联系", "挂靠"};
	return link >= 0 && link <= LINK_HOST ? names[link] : "";
}

void emit(tg_eval *ev, tg_ix association, int32_t unit_ix, const char *subject, tg_date due,
	  const char *action, const char *fmt, ...)
{
	/* a rule of the catalogue or an obligation is running (rules_evaluate);
	** the indexes come from the register, resolved; empty strings are NULL */
	assert(ev->rule_id && ev->clause && ev->cite);
	assert(ix_ok(ev, ARR_ASSOCIATIONS, association));
	assert(unit_ix == -1 || (unit_ix >= 0 && (size_t)unit_ix < COUNT(ev, ARR_UNITS)));
	assert(!subject || *subject);
	if (ev->only && association != TG_IX_NONE && !ev->only[association])
		return; /* rules_evaluate_only: before any formatting */
	if (ev->local && association == TG_IX_NONE) {
		ev->escaped = true;
		return;
	}
	tg_findings *fs = ev->out;
	if (fs->count == fs->alloc) {
		size_t n = fs->alloc ? fs->alloc * 2 : 256;
		tg_finding *items = realloc(fs->items, n * sizeof *items);
		if (!items)
			abort();
		fs->items = items;
		fs->alloc = n;
	}
	char situation[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(situation, sizeof situation, fmt, ap);
	va_end(ap);

	/* An action beginning with 立即 is owed from the day of a breach (a new
	** post, a payment, an approval): "since D it is a breach" reads better
	** than "by D". */
	static const char now[] = "立即";
	char deadline[200] = "";
	if (ev->year_only && due != TG_DATE_NONE) {
		/* the year only, no day and no count of days (rules.h) */
		int y = date_year(due);
		due = year_end(due);
		if (action && !strncmp(action, now, sizeof now - 1))
			snprintf(deadline, sizeof deadline, "，于%d年内即属违规，须%s", y, action);
		else if (action && ev->D > due)
			snprintf(deadline, sizeof deadline, "，应于%d年内%s，已逾期", y, action);
		else if (action)
			snprintf(deadline, sizeof deadline, "，须于%d年内%s", y, action);
	} else if (due != TG_DATE_NONE && action) {
		/* an action due at once (now...) is a fault from the day, else a
		** deadline; past it, the days since */
		bool at_once = !strncmp(action, now, sizeof now - 1), late = ev->D > due;
		char ds[11];
		date_format(due, ds);
		snprintf(deadline, sizeof deadline,
			 at_once ? (late ? "，自%s起即属违规，须%s，已%d天" : "，自%s起即属违规，须%s")
				 : (late ? "，应于%s前%s，已逾期%d天" : "，须于%s前%s"),
			 ds, action, (int)(ev->D - due));
	} else if (action) {
		snprintf(deadline, sizeof deadline, "，请%s", action);
	}
	char cite[256];
	if (ev->basis)
		snprintf(cite, sizeof cite, "（%s；依据%s）", ev->cite, ev->basis);
	else
		snprintf(cite, sizeof cite, "（%s）", ev->cite);

	tg_finding *f = &fs->items[fs->count++];
	f->rule = ev->rule_id;
	f->clause = ev->clause;
	f->basis = ev->basis;
	f->association = association == TG_IX_NONE ? NULL : assoc_at(ev, association)->uscc;
	f->subject = subject;
	f->due = due;
	f->unit_ix = unit_ix;
	f->birth_ix = ev->birth_ix;
	f->due_year_only = ev->year_only;
	f->plan = NULL; /* the run's plan (rules_evaluate_with_years) */
	/* the three parts joined by copying: formatted once each (a printf
	** of the whole would measure it and write it again) */
	size_t ls = strlen(situation), ld = strlen(deadline), lc = strlen(cite);
	char *message = arena_alloc(&fs->arena, ls + ld + lc + 1);
	memcpy(message, situation, ls);
	memcpy(message + ls, deadline, ld);
	memcpy(message + ls + ld, cite, lc + 1);
	f->message = message;
}

tg_date year_end(tg_date d)
{
	return date_from_ymd(date_year(d), 12, 31);
}

/* ---- one run ---- */

static bool has_suffix(const tg_params *P, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < P->n_name_suffixes; i++) {
		size_t k = strlen(P->name_suffixes[i]);
		if (k <= n && !memcmp(name + n - k, P->name_suffixes[i], k))
			return true;
	}
	return false;
}

bool rules_registered(const tg_association *a, tg_date d)
{
	return happened(a->registered_on, d) && !happened(a->deregistered_on, d);
}

bool rules_qualifying_link(const tg_register *r, const tg_association *a)
{
	if (a->link < 0 || a->unit_ix == TG_IX_NONE)
		return false;
	assert(a->unit_ix < REG_COUNT(r, ARR_UNITS));
	int kind = REG_ROWS(r, ARR_UNITS, tg_unit)[a->unit_ix].kind;
	return kind == UNIT_ORGAN || kind == UNIT_ORGAN_AFFILIATE ||
	       kind == UNIT_CIVIL_SERVICE_MANAGED;
}

bool rules_name_listed(const tg_plan *plan, const char *name)
{
	return name && has_suffix(&plan->p, name);
}

static bool member_basis_qualifies(int mb)
{
	return mb == MB_INDUSTRY_UNITS || mb == MB_TRADE_PERSONS || mb == MB_REGIONAL_ORGS;
}

bool rules_in_scope(const tg_register *r, const tg_plan *plan, const tg_association *a)
{
	if (a->override_in_scope >= 0)
		return a->override_in_scope > 0;
	return rules_qualifying_link(r, a) && rules_name_listed(plan, a->name) &&
	       member_basis_qualifies(a->member_basis);
}

const char *rules_scope_reason(const tg_register *r, const tg_plan *plan,
			       const tg_association *a)
{
	if (a->override_in_scope >= 0)
		return a->override_in_scope ? "经认定纳入脱钩范围" : "经认定不纳入脱钩范围";
	if (!rules_qualifying_link(r, a))
		return "与行政机关（含下属单位、参公单位）无主办、主管、联系、挂靠关系";
	if (!rules_name_listed(plan, a->name))
		return "名称不以方案所列字样结尾，须认定";
	if (a->member_basis < 0)
		return "会员构成未登记，须认定";
	if (!member_basis_qualifies(a->member_basis))
		return "会员不以同业单位、同业人员或同地域经济组织为主";
	return "与行政机关存在主办、主管、联系或挂靠关系，名称和会员构成符合方案第三条";
}

tg_date rules_due(const tg_register *r, const tg_plan *plan, const tg_association *a)
{
	if (a->batch) {
		tg_ix b = register_find(r, ARR_BATCHES, a->batch);
		if (b != TG_IX_NONE) {
			tg_date due = REG_ROWS(r, ARR_BATCHES, tg_batch)[b].due;
			if (due != TG_DATE_NONE)
				return due;
		} else {
			const tg_plan_batch *pb = plan_batch(plan, a->batch);
			if (pb && pb->due != TG_DATE_NONE)
				return pb->due;
		}
	}
	return plan->p.decoupling_due;
}

bool eval_qualifying_link(const tg_eval *ev, const tg_association *a)
{
	return rules_qualifying_link(ev->reg, a);
}

bool eval_name_listed(const tg_eval *ev, const char *name)
{
	return rules_name_listed(ev->plan, name);
}

/* How many associations in scope of one unit have each due date (the
** dates few: a batch's, the plan's), so that function.list-missing finds a
** unit's earliest without a scan of the associations. */
typedef struct unit_dues {
	tg_date *due;
	uint32_t *count;
	size_t n, cap;
} unit_dues;

/* One plan's facts in a tg_facts_kept: as of, for n associations; their
** dues per unit. */
typedef struct plan_facts {
	const tg_plan *plan;
	tg_date as_of;
	size_t n;
	uint8_t *registered, *in_A;
	tg_date *due;
	tg_ix *unit;
	unit_dues *by_unit;
	size_t n_units;
} plan_facts;

struct tg_facts_kept {
	plan_facts *v;
	size_t n;
};

tg_facts_kept *facts_kept_new(void)
{
	tg_facts_kept *k = calloc(1, sizeof *k);
	if (!k)
		abort();
	return k;
}

void facts_kept_free(tg_facts_kept *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].registered);
		free(k->v[i].in_A);
		free(k->v[i].due);
		free(k->v[i].unit);
		for (size_t u = 0; u < k->v[i].n_units; u++) {
			free(k->v[i].by_unit[u].due);
			free(k->v[i].by_unit[u].count);
		}
		free(k->v[i].by_unit);
	}
	free(k->v);
	free(k);
}

/* The facts of association i into the run's arrays. */
static void association_facts(tg_eval *ev, size_t i)
{
	const tg_association *a = &ROWS(ev, ARR_ASSOCIATIONS, tg_association)[i];
	ev->registered[i] = rules_registered(a, ev->D);
	ev->in_A[i] = ev->registered[i] && rules_in_scope(ev->reg, ev->plan, a);
	ev->due[i] = rules_due(ev->reg, ev->plan, a);
	ev->unit_of[i] = a->unit_ix;
}

static void *must_realloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		abort();
	return p;
}

/* Association i's facts in pf counted in (add) or out of its unit's dues. */
static void unit_dues_count(plan_facts *pf, size_t i, bool add)
{
	tg_ix u = pf->unit[i];
	if (!pf->in_A[i] || u == TG_IX_NONE)
		return;
	if ((size_t)u >= pf->n_units) {
		size_t n = (size_t)u + 1;
		pf->by_unit = must_realloc(pf->by_unit, n * sizeof *pf->by_unit);
		memset(pf->by_unit + pf->n_units, 0, (n - pf->n_units) * sizeof *pf->by_unit);
		pf->n_units = n;
	}
	unit_dues *d = &pf->by_unit[u];
	size_t k = 0;
	while (k < d->n && d->due[k] != pf->due[i])
		k++;
	if (k == d->n) {
		assert(add);
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 4;
			d->due = must_realloc(d->due, d->cap * sizeof *d->due);
			d->count = must_realloc(d->count, d->cap * sizeof *d->count);
		}
		d->due[k] = pf->due[i];
		d->count[k] = 0;
		d->n++;
	}
	if (add) {
		d->count[k]++;
	} else {
		assert(d->count[k] > 0);
		if (!--d->count[k]) { /* the last of that date: its place to the last */
			d->due[k] = d->due[d->n - 1];
			d->count[k] = d->count[d->n - 1];
			d->n--;
		}
	}
}

tg_date eval_unit_earliest(const tg_eval *ev, size_t u)
{
	tg_date e = TG_DATE_NONE;
	if (u >= ev->n_unit_dues)
		return e;
	const unit_dues *d = &ev->unit_dues[u];
	for (size_t k = 0; k < d->n; k++)
		if (e == TG_DATE_NONE || d->due[k] < e)
			e = d->due[k];
	return e;
}

/* The facts of every association: computed, or with kept (the facts of
** the runs before on this date), those kept but of the associations only
** marks and of those added since, and kept again. */
static void compute_association_facts(tg_eval *ev, tg_facts_kept *kept)
{
	size_t n = COUNT(ev, ARR_ASSOCIATIONS);
	plan_facts *pf = NULL;
	for (size_t k = 0; kept && k < kept->n && !pf; k++)
		if (kept->v[k].plan == ev->plan)
			pf = &kept->v[k];
	if (kept && !pf) {
		kept->v = must_realloc(kept->v, (kept->n + 1) * sizeof *kept->v);
		pf = &kept->v[kept->n++];
		*pf = (plan_facts){.plan = ev->plan, .as_of = ev->D};
	}
	size_t from = 0;
	if (pf) {
		if (pf->as_of != ev->D || pf->n > n)
			pf->n = 0; /* another date, or not this register's: all again */
		from = pf->n;
		if (!from)
			for (size_t u = 0; u < pf->n_units; u++)
				pf->by_unit[u].n = 0;
		pf->registered = must_realloc(pf->registered, n);
		pf->in_A = must_realloc(pf->in_A, n);
		pf->due = must_realloc(pf->due, n * sizeof *pf->due);
		pf->unit = must_realloc(pf->unit, n * sizeof *pf->unit);
		pf->as_of = ev->D;
		pf->n = n;
		ev->registered = pf->registered;
		ev->in_A = pf->in_A;
		ev->due = pf->due;
		ev->unit_of = pf->unit;
		ev->facts_kept = true;
		for (size_t i = ev->only ? tg_mask_next(ev->only, 0, from) : from; i < from;
		     i = tg_mask_next(ev->only, i + 1, from)) {
			unit_dues_count(pf, i, false); /* the marked of those kept */
			association_facts(ev, i);
			unit_dues_count(pf, i, true);
		}
		for (size_t i = from; i < n; i++) {
			association_facts(ev, i);
			unit_dues_count(pf, i, true);
		}
		ev->unit_dues = pf->by_unit;
		ev->n_unit_dues = pf->n_units;
		return;
	} else {
		ev->registered = must_realloc(NULL, n);
		ev->in_A = must_realloc(NULL, n);
		ev->due = must_realloc(NULL, n * sizeof *ev->due);
		ev->unit_of = must_realloc(NULL, n * sizeof *ev->unit_of);
	}
	for (size_t i = 0; i < n; i++)
		association_facts(ev, i);
}

static int cmp_nullable(const char *x, const char *y)
{
	if (!x || !y)
		return x ? 1 : y ? -1 : 0;
	return strcmp(x, y);
}

int finding_cmp(const tg_finding *x, const tg_finding *y)
{
	int c = strcmp(x->rule, y->rule);
	if (!c)
		c = cmp_nullable(x->association, y->association);
	if (!c)
		c = cmp_nullable(x->subject, y->subject);
	if (!c)
		c = x->due < y->due ? -1 : x->due > y->due;
	if (!c)
		c = strcmp(x->message, y->message);
	return c;
}

bool findings_for_viewer(const tg_findings *fs, const tg_findings *years,
			 bool (*exact)(const tg_finding *f, void *ctx), void *ctx, tg_findings *out)
{
	bool mixed = false;
	for (size_t i = 0; !mixed && i < fs->count; i++)
		mixed = !exact(&fs->items[i], ctx);
	for (size_t k = 0; !mixed && years && k < years->count; k++)
		mixed = !exact(&years->items[k], ctx);
	if (!mixed)
		return false;
	size_t n = fs->count + years->count;
	tg_finding *items = malloc((n ? n : 1) * sizeof *items);
	if (!items)
		abort();
	*out = (tg_findings){.items = items, .alloc = n, .as_of = fs->as_of, .plan_id = fs->plan_id,
			     .notes = fs->notes, .n_notes = fs->n_notes};
	size_t i = 0, k = 0;
	while (i < fs->count || k < years->count) {
		const tg_finding *x = i < fs->count ? &fs->items[i] : NULL;
		const tg_finding *y = k < years->count ? &years->items[k] : NULL;
		/* the merge needs both lists sorted, as rules_evaluate_with_years
		** gives them */
		assert(!x || !i || finding_cmp(x - 1, x) <= 0);
		assert(!y || !k || finding_cmp(y - 1, y) <= 0);
		if (x && (!y || finding_cmp(x, y) <= 0)) {
			i++;
			if (exact(x, ctx))
				out->items[out->count++] = *x;
		} else {
			k++;
			if (!exact(y, ctx))
				out->items[out->count++] = *y;
		}
	}
	return true;
}

void findings_splice(const tg_findings *prev, const tg_findings *fresh, const tg_register *r,
		     const uint8_t *only, const tg_reached *reached, tg_findings *out)
{
	size_t n = prev->count + fresh->count;
	tg_finding *items = malloc((n ? n : 1) * sizeof *items);
	if (!items)
		abort();
	*out = (tg_findings){.items = items, .alloc = n, .as_of = fresh->as_of,
			     .plan_id = fresh->plan_id, .notes = fresh->notes,
			     .n_notes = fresh->n_notes};
	/* prev is sorted by rule, then association: runs of one association
	** share its pointer, so most lookups are the last one's.  A write
	** marks a few associations: their keys are compared, no lookup made
	** (a patch never takes an association away, so every other one is
	** in r); past SPLICE_FEW, each is looked up in r. */
	enum { SPLICE_FEW = 16 };
	const char *marked[SPLICE_FEW];
	size_t n_marked = 0, na = REG_COUNT(r, ARR_ASSOCIATIONS);
	for (size_t a = tg_mask_next(only, 0, na); a < na && n_marked <= SPLICE_FEW;
	     a = tg_mask_next(only, a + 1, na))
		if (n_marked++ < SPLICE_FEW)
			marked[n_marked - 1] = register_key(r, ARR_ASSOCIATIONS, a);
	const char *last = NULL;
	bool last_kept = false;
	size_t i = 0, k = 0;
	while (i < prev->count || k < fresh->count) {
		/* the merge: prev's findings up to fresh's next (a binary
		** search: fresh is short, prev the whole list), then that one */
		const tg_finding *y = k < fresh->count ? &fresh->items[k] : NULL;
		assert(!y || !k || finding_cmp(y - 1, y) <= 0);
		size_t end = prev->count;
		if (y) {
			size_t lo = i, hi = prev->count;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (finding_cmp(&prev->items[mid], y) <= 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			end = lo;
		}
		assert(end == i || !i || finding_cmp(&prev->items[i - 1], &prev->items[i]) <= 0);
		for (; i < end; i++) {
			const tg_finding *x = &prev->items[i];
			if (!x->association) { /* a place's, unless not reached */
				last = NULL;
				last_kept = reached && !rules_reached_finding(reached, x);
			} else if (x->association != last) {
				last = x->association;
				if (n_marked <= SPLICE_FEW) {
					last_kept = true;
					for (size_t m = 0; last_kept && m < n_marked; m++)
						last_kept = strcmp(marked[m], last) != 0;
				} else {
					tg_ix a = register_find(r, ARR_ASSOCIATIONS, last);
					last_kept = a != TG_IX_NONE && !only[a];
				}
			}
			if (last_kept) /* else replaced by fresh's */
				out->items[out->count++] = *x;
		}
		if (y) {
			out->items[out->count++] = *y;
			k++;
		}
	}
}

/* From *at on in fs (sorted): the finding equal to f, or NULL; *at moves
** to where f is or would be (a galloping search: f ascending from call to
** call costs the log of each gap, not of the list). */
static const tg_finding *gallop(const tg_findings *fs, size_t *at, const tg_finding *f)
{
	size_t lo = *at, n = fs->count, step = 1;
	while (lo + step - 1 < n && finding_cmp(&fs->items[lo + step - 1], f) < 0) {
		lo += step; /* every finding before lo is before f */
		step *= 2;
	}
	size_t hi = lo + step - 1 < n ? lo + step - 1 : n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (finding_cmp(&fs->items[mid], f) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return lo < n && !finding_cmp(&fs->items[lo], f) ? &fs->items[lo] : NULL;
}

void findings_share_strings(const tg_findings *const *prev, size_t n_prev, tg_findings *fresh)
{
	enum { SHARE_LISTS = 4 };
	assert(n_prev <= SHARE_LISTS);
	if (fresh->n_notes)
		return; /* they point into the arena too */
	size_t at[SHARE_LISTS] = {0};
	tg_arena kept;
	arena_init(&kept);
	for (size_t i = 0; i < fresh->count; i++) {
		tg_finding *f = &fresh->items[i];
		assert(!i || finding_cmp(f - 1, f) <= 0);
		const tg_finding *same = NULL;
		for (size_t l = 0; !same && l < n_prev; l++)
			same = gallop(prev[l], &at[l], f);
		if (same) {
			f->association = same->association;
			f->subject = same->subject;
			f->message = same->message;
			continue;
		}
		f->association = f->association ? arena_strdup(&kept, f->association) : NULL;
		f->subject = f->subject ? arena_strdup(&kept, f->subject) : NULL;
		f->message = arena_strdup(&kept, f->message);
	}
	arena_free(&fresh->arena);
	fresh->arena = kept;
}

static int cmp_finding(const void *px, const void *py)
{
	return finding_cmp(px, py);
}

/* n findings (sorted) merged into to (sorted): to stays sorted. */
static void merge_sorted(tg_findings *to, const tg_finding *add, size_t n)
{
	if (!n)
		return;
	size_t total = to->count + n;
	tg_finding *v = malloc(total * sizeof *v);
	if (!v)
		abort();
	size_t i = 0, k = 0, m = 0;
	while (i < to->count || k < n)
		v[m++] = k >= n || (i < to->count && finding_cmp(&to->items[i], &add[k]) <= 0)
				 ? to->items[i++]
				 : add[k++];
	free(to->items);
	to->items = v;
	to->count = to->alloc = total;
}

static void findings_begin(tg_findings *out, const tg_plan *plan, tg_date as_of)
{
	memset(out, 0, sizeof *out);
	arena_init(&out->arena);
	out->as_of = as_of;
	out->plan_id = plan->id;
}

/* Whether every array's index was built for its rows (register_resolve):
** the engine looks batches up by id and follows the *_ix of references. */
static bool register_indexed(const tg_register *r)
{
	for (int a = 0; a < ARR_COUNT; a++)
		if (r->t[a].index.cap <= r->t[a].count || r->t[a].index.count > r->t[a].count)
			return false;
	return true;
}

int rules_evaluate(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
		   tg_date as_of, tg_findings *out)
{
	return rules_evaluate_with_years(r, plan, cal, as_of, out, NULL);
}

/* The rules whose findings name no association or read records of other
** associations than their finding's (a unit's function list, a person's
** posts everywhere, a unit's tasks): rules_evaluate_only runs them, with
** the obligations, on the whole register; every other rule on the
** sub-register of the associations touched.  A rule left out of this list
** that emits a finding naming no association makes the sub-register's run
** escape (emit), and the caller evaluates in full: slower, never wrong.
** Each finding of theirs is about one record, its place (the array here;
** the finding's subject is the record's id).  With the findings of the run
** before kept (tg_beyond_kept), they are evaluated again for the places a
** write reached only: a marked association reaches the units it names and
** the persons its posts name (what function.list-missing and
** personnel.retired-cadre-multiple-posts read of it), and each record
** written reaches the places rules_row_places names.  A unit's task is
** reached by no write the server follows (a task or a unit written: a full
** run), so the task rules are not run again.  docs/performance.md, "What a
** write reaches", says why each is here. */
static const struct {
	const char *id;
	int place;
} reach_beyond[] = {
	{"function.list-missing", ARR_UNITS},
	{"personnel.retired-cadre-multiple-posts", ARR_PERSONS},
	{"task.supporting-rules-late", ARR_UNIT_TASKS},
	{"task.not-published", ARR_UNIT_TASKS},
};

/* The place of rule id's findings when it reaches beyond one association,
** else -1. */
static int beyond_place(const char *id)
{
	for (size_t i = 0; i < sizeof reach_beyond / sizeof *reach_beyond; i++)
		if (reach_beyond[i].id == id || !strcmp(reach_beyond[i].id, id))
			return reach_beyond[i].place;
	return -1;
}

/* Whether a is the array of some rule's places. */
static bool is_place(int a)
{
	for (size_t i = 0; i < sizeof reach_beyond / sizeof *reach_beyond; i++)
		if (reach_beyond[i].place == a)
			return true;
	return false;
}

size_t rules_row_places(const tg_register *r, int a, size_t i, tg_place *out)
{
	size_t n = 0;
	if (is_place(a))
		out[n++] = (tg_place){a, (tg_ix)i};
	const char *row = register_row(r, a, i);
	for (const tg_field *f = tg_schema[a].fields; f->key && n < TG_ROW_PLACES_MAX; f++) {
		if (f->type != FT_REF || !is_place(f->target))
			continue;
		tg_ix x = *(const tg_ix *)(row + f->off_ix);
		if (x != TG_IX_NONE)
			out[n++] = (tg_place){f->target, x};
	}
	return n;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

const uint32_t *rows_find(const uint32_t *v, size_t n, size_t i)
{
	uint32_t key = (uint32_t)i;
	return n ? bsearch(&key, v, n, sizeof *v, cmp_u32) : NULL;
}

bool eval_reached(const tg_eval *ev, int a, size_t i)
{
	return !ev->reach_kept || rows_find(ev->reached[a], ev->n_reached[a], i);
}

/* The references of array a to associations (at most 8). */
static size_t association_refs(int a, const tg_field **refs)
{
	size_t n = 0;
	for (const tg_field *f = tg_schema[a].fields; f->key && n < 8; f++)
		if (f->type == FT_REF && f->target == ARR_ASSOCIATIONS)
			refs[n++] = f;
	return n;
}

/* The associations row i of array a names, each once: their count. */
static size_t row_associations(const tg_register *r, int a, const tg_field *const *refs,
			       size_t n_refs, size_t i, tg_ix *out)
{
	const char *row = register_row(r, a, i);
	size_t n = 0;
	for (size_t k = 0; k < n_refs; k++) {
		tg_ix x = *(const tg_ix *)(row + refs[k]->off_ix);
		bool again = x == TG_IX_NONE;
		for (size_t j = 0; !again && j < n; j++)
			again = out[j] == x;
		if (!again)
			out[n++] = x;
	}
	return n;
}

/* A growing list of row numbers. */
typedef struct row_list {
	uint32_t *v;
	size_t n, alloc;
} row_list;

static void row_push(row_list *l, size_t i)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 64;
		l->v = realloc(l->v, l->alloc * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = (uint32_t)i;
}

/* Sorted, each once. */
static void row_sort_unique(row_list *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof *l->v, cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!k || l->v[k - 1] != l->v[i])
			l->v[k++] = l->v[i];
	l->n = k;
}

/* Whether row i of array a names a marked association, or with_none names
** none. */
static bool row_marked(const tg_register *r, int a, const tg_field *const *refs, size_t n_refs,
		       size_t i, const uint8_t *only, bool with_none)
{
	tg_ix named[8];
	size_t k = row_associations(r, a, refs, n_refs, i, named);
	bool in = with_none && !k;
	while (!in && k--)
		in = only[named[k]];
	return in;
}

/* The rows of array a (n_refs references to associations) naming a marked
** association, and with_none those naming none, ascending: from the index
** when it is r's, else a scan. */
static void marked_rows(const tg_register *r, int a, const tg_field *const *refs, size_t n_refs,
			const uint8_t *only, const row_list *marked, bool with_none,
			const tg_assoc_rows *x, row_list *out)
{
	out->n = 0;
	size_t n = REG_COUNT(r, a);
	if (x && x->n_rows == n && x->n_assoc <= REG_COUNT(r, ARR_ASSOCIATIONS)) {
		/* an association added since the index names no row of it */
		for (size_t m = 0; m < marked->n && marked->v[m] < x->n_assoc; m++)
			for (uint32_t k = x->start[marked->v[m]]; k < x->start[marked->v[m] + 1]; k++)
				row_push(out, x->rows[k]);
		for (uint32_t k = x->start[x->n_assoc]; with_none && k < x->start[x->n_assoc + 1]; k++)
			row_push(out, x->rows[k]);
		row_sort_unique(out);
#ifdef TG_SLOW_CHECKS
		size_t scanned = 0; /* the index is the scan's answer */
		for (size_t i = 0; i < n; i++)
			scanned += row_marked(r, a, refs, n_refs, i, only, with_none);
		assert(scanned == out->n);
#endif
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (row_marked(r, a, refs, n_refs, i, only, with_none))
			row_push(out, i);
}

/* The associations marked in only, ascending. */
static void marked_associations(const tg_register *r, const uint8_t *only, row_list *out)
{
	out->n = 0;
	size_t n = REG_COUNT(r, ARR_ASSOCIATIONS);
	for (size_t i = tg_mask_next(only, 0, n); i < n; i = tg_mask_next(only, i + 1, n))
		row_push(out, i);
}

/* What of a plan one run evaluates. */
enum part { PART_ALL, PART_LOCAL, PART_BEYOND };

/* The places a write reached, per array of places: rows ascending (what
** the rules read), and their keys (what the findings say, handed on to the
** caller). */
typedef struct reached_places {
	uint32_t *v[ARR_COUNT];
	size_t n[ARR_COUNT];
	tg_reached keys;
} reached_places;

/* One plan over the whole register (or the part of it rules_evaluate_only
** asks for); false in *escaped when a PART_LOCAL run left its bounds. */
static int evaluate_plan(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
			 tg_date as_of, const uint8_t *only, const tg_eval_index *ix,
			 tg_facts_kept *facts, const reached_places *reached, enum part part,
			 bool *escaped, tg_findings *out, tg_findings *years)
{
	assert(r && plan && cal && out && as_of != TG_DATE_NONE);
	assert(!reached || part == PART_BEYOND);
	assert(register_indexed(r));
	findings_begin(out, plan, as_of);
	if (years)
		findings_begin(years, plan, as_of);

	tg_eval ev = {0};
	ev.reg = r;
	ev.plan = plan;
	ev.P = &plan->p;
	ev.cal = cal;
	ev.D = as_of;
	ev.out = out;
	ev.years = years;
	ev.birth_ix = -1;
	ev.only = only;
	ev.reach = ix ? ix->by_assoc : NULL;
	ev.cadre_posts = ix ? ix->cadre_posts : NULL;
	ev.local = part == PART_LOCAL;
	row_list marked = {0};
	if (only) {
		marked_associations(r, only, &marked);
		ev.marked = marked.v;
		ev.n_marked = marked.n;
	}
	if (reached) {
		ev.reach_kept = true;
		for (int a = 0; a < ARR_COUNT; a++) {
			ev.reached[a] = reached->v[a];
			ev.n_reached[a] = reached->n[a];
		}
	}
	/* the facts kept serve the runs on the whole register (a
	** sub-register's indexes are its own) */
	compute_association_facts(&ev, part == PART_BEYOND ? facts : NULL);
	/* Each person's flags as of the day, but in a run of the rules that
	** reach further with the retired cadres' posts at hand: the one of them
	** that reads a flag reads those (rules_personnel.c), and 1 million
	** persons are not read for nothing. */
	if (part != PART_BEYOND || !ev.cadre_posts) {
		size_t np = COUNT(&ev, ARR_PERSONS);
		const tg_person *ps = ROWS(&ev, ARR_PERSONS, tg_person);
		ev.pflag = malloc(np ? np : 1);
		if (!ev.pflag)
			abort();
		for (size_t i = 0; i < np; i++)
			ev.pflag[i] = (uint8_t)((person_serving(&ps[i], as_of) ? PF_SERVING : 0) |
						(person_retired_cadre(&ps[i], as_of) ? PF_RETIRED_CADRE : 0) |
						(ps[i].civil_servant ? PF_CIVIL_SERVANT : 0));
	}
	/* The annual reports are read by rules within one association only:
	** a PART_BEYOND run (the whole register beside a sub-register's run)
	** does not sort the 400,000 of a national register for nothing. */
	if (part != PART_BEYOND)
		build_reports(&ev);

	for (size_t i = 0; i < plan->n_rules; i++) {
		const tg_plan_rule *pr = &plan->rules[i];
		const tg_rule_def *def = pr->id ? rules_find(pr->id) : NULL;
		if (!def)
			continue; /* rejected by rules_check_plan */
		int place = beyond_place(def->id);
		if (part != PART_ALL && (part == PART_BEYOND) != (place >= 0))
			continue;
		if (reached && place >= 0 && !reached->n[place])
			continue; /* kept from the run before, every one */
		const tg_clause *cl = plan_clause(plan, pr->clause);
		ev.rule_id = def->id;
		ev.clause = pr->clause ? pr->clause : def->clause;
		ev.cite = cl && cl->cite ? cl->cite : ev.clause;
		ev.basis = pr->basis;
		def->fn(&ev);
	}
	if (part != PART_LOCAL)
		obligations_evaluate(&ev);
	if (escaped)
		*escaped = ev.escaped || ev.calendar_outside;
	if (out->count)
		qsort(out->items, out->count, sizeof *out->items, cmp_finding);
	if (years && years->count)
		qsort(years->items, years->count, sizeof *years->items, cmp_finding);

	if (ev.calendar_outside) {
		out->notes = arena_alloc(&out->arena, sizeof *out->notes);
		out->notes[out->n_notes++] = arena_printf(
			&out->arena,
			"部分截止日期的计算涉及节假日数据未覆盖的年份（数据覆盖%d—%d年，涉及%d年），"
			"这些年份按周一至周五计算工作日，请以国务院当年公布的节假日安排为准",
			calendar_first_year(cal), calendar_last_year(cal), ev.outside_year);
	}
	if (!ev.facts_kept) {
		free(ev.registered);
		free(ev.in_A);
		free(ev.due);
		free(ev.unit_of);
	}
	free(ev.pflag);
	free(ev.reports);
	free(marked.v);
	return TG_OK;
}

/* ---- the plans of jurisdictions (六(一), obligations.md) ---- */

const char *finding_jurisdiction(const tg_register *r, const tg_finding *f)
{
	if (f->association) {
		tg_ix a = register_find(r, ARR_ASSOCIATIONS, f->association);
		return a == TG_IX_NONE ? NULL
				       : REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[a].jurisdiction;
	}
	tg_ix u = f->unit_ix >= 0 ? (tg_ix)f->unit_ix : TG_IX_NONE;
	if (u == TG_IX_NONE && f->subject) {
		tg_ix p = register_find(r, ARR_PERSONS, f->subject);
		u = p != TG_IX_NONE ? REG_ROWS(r, ARR_PERSONS, tg_person)[p].unit_ix
				    : register_find(r, ARR_UNITS, f->subject);
	}
	return u == TG_IX_NONE || u >= REG_COUNT(r, ARR_UNITS)
		       ? NULL
		       : REG_ROWS(r, ARR_UNITS, tg_unit)[u].jurisdiction;
}

/* The parent of a jurisdiction code, or NULL. */
static const char *parent_of(const tg_register *r, const char *code)
{
	tg_ix j = register_find(r, ARR_JURISDICTIONS, code);
	return j == TG_IX_NONE ? NULL : REG_ROWS(r, ARR_JURISDICTIONS, tg_jurisdiction)[j].parent;
}

bool rules_within(const tg_register *r, const char *code, const char *ancestor)
{
	/* the bundle refuses a cycle; the bound keeps a bad chain finite */
	for (int depth = 0; code && depth < 16; depth++, code = parent_of(r, code))
		if (!strcmp(code, ancestor))
			return true;
	return false;
}

const tg_plan *rules_place_plan(const tg_plan *plan, const char *code)
{
	for (size_t i = 0; code && i < plan->n_places; i++)
		if (!strcmp(plan->places[i].jurisdiction, code))
			return plan->places[i].plan;
	return NULL;
}

const tg_plan *rules_plan_for(const tg_plan *plan, const tg_register *r, const char *code)
{
	for (int depth = 0; code && depth < 16; depth++, code = parent_of(r, code)) {
		const tg_plan *p = rules_place_plan(plan, code);
		if (p)
			return p;
	}
	return plan;
}

/* Keep, of the findings of one run under `judged`, those whose record is
** judged under it; appended to out (strings copied into out's arena) or,
** when out is fs, kept in place. */
static void keep_judged(const tg_register *r, const tg_plan *root, const tg_plan *judged,
			tg_findings *fs, tg_findings *out)
{
	size_t n = out == fs ? 0 : out->count;
	for (size_t i = 0; i < fs->count; i++) {
		tg_finding f = fs->items[i];
		if (rules_plan_for(root, r, finding_jurisdiction(r, &f)) != judged)
			continue;
		f.plan = judged->id;
		if (out != fs) {
			f.association = f.association ? arena_strdup(&out->arena, f.association) : NULL;
			f.subject = f.subject ? arena_strdup(&out->arena, f.subject) : NULL;
			f.message = f.message ? arena_strdup(&out->arena, f.message) : NULL;
			if (n >= out->alloc) {
				out->alloc = out->alloc ? out->alloc * 2 : 64;
				out->items = realloc(out->items, out->alloc * sizeof *out->items);
				if (!out->items)
					abort();
			}
		}
		out->items[n++] = f;
	}
	out->count = n;
}

/* Every plan held (the register's and its jurisdictions'), each record
** judged under its own: the part asked of each, on r. */
static int evaluate_places(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
			   tg_date as_of, const uint8_t *only, const tg_eval_index *ix,
			   tg_facts_kept *facts, const reached_places *reached, enum part part,
			   bool *escaped, tg_findings *out, tg_findings *years)
{
	int rc = evaluate_plan(r, plan, cal, as_of, only, ix, facts, reached, part, escaped, out,
			       years);
	if (rc || !plan->n_places)
		return rc;
	/* each record under the plan of its jurisdiction, or of the nearest
	** parent with one, else the register's: one run per plan held */
	keep_judged(r, plan, plan, out, out);
	if (years)
		keep_judged(r, plan, plan, years, years);
	for (size_t i = 0; rc == TG_OK && i < plan->n_places; i++) {
		const tg_plan *sub = plan->places[i].plan;
		tg_findings o, y;
		bool esc = false;
		rc = evaluate_plan(r, sub, cal, as_of, only, ix, facts, reached, part, &esc, &o,
				   years ? &y : NULL);
		if (escaped)
			*escaped |= esc;
		if (rc)
			break;
		keep_judged(r, plan, sub, &o, out);
		if (years)
			keep_judged(r, plan, sub, &y, years);
		findings_release(&o);
		if (years)
			findings_release(&y);
	}
	if (out->count)
		qsort(out->items, out->count, sizeof *out->items, cmp_finding);
	if (years && years->count)
		qsort(years->items, years->count, sizeof *years->items, cmp_finding);
	return rc;
}

int rules_evaluate_with_years(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
			      tg_date as_of, tg_findings *out, tg_findings *years)
{
	return evaluate_places(r, plan, cal, as_of, NULL, NULL, NULL, NULL, PART_ALL, NULL, out,
			       years);
}

void assoc_rows_build(const tg_register *r, int a, tg_assoc_rows *out)
{
	const tg_field *refs[8];
	size_t n_refs = association_refs(a, refs);
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS), n = REG_COUNT(r, a), total = 0;
	assert(n <= UINT32_MAX);
	out->n_assoc = na;
	out->n_rows = n;
	out->start = calloc(na + 2, sizeof *out->start);
	uint32_t *at = malloc((na + 1) * sizeof *at);
	if (!out->start || !at)
		abort();
	tg_ix named[8];
	for (size_t i = 0; i < n; i++) { /* counting sort: how many per association */
		size_t k = row_associations(r, a, refs, n_refs, i, named);
		if (!k)
			named[k++] = (tg_ix)na; /* the bucket of rows naming none */
		for (total += k; k--;)
			out->start[named[k] + 1]++;
	}
	for (size_t x = 0; x <= na; x++)
		out->start[x + 1] += out->start[x];
	memcpy(at, out->start, (na + 1) * sizeof *at);
	out->rows = malloc((total ? total : 1) * sizeof *out->rows);
	if (!out->rows)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t k = row_associations(r, a, refs, n_refs, i, named);
		if (!k)
			named[k++] = (tg_ix)na;
		while (k--)
			out->rows[at[named[k]]++] = (uint32_t)i;
	}
	free(at);
}

void cadre_posts_build(const tg_register *r, tg_cadre_posts *out)
{
	size_t np = REG_COUNT(r, ARR_PERSONS), nt = REG_COUNT(r, ARR_POSTS), n = 0;
	const tg_person *ps = REG_ROWS(r, ARR_PERSONS, tg_person);
	const tg_post *ts = REG_ROWS(r, ARR_POSTS, tg_post);
	uint32_t *slot = malloc((np ? np : 1) * sizeof *slot); /* person: its c + 1, or 0 */
	if (!slot)
		abort();
	for (size_t i = 0; i < np; i++)
		slot[i] = ps[i].leading_cadre && ps[i].retired_on != TG_DATE_NONE ? (uint32_t)++n : 0;
	out->n = n;
	out->person = malloc((n ? n : 1) * sizeof *out->person);
	out->retired_on = malloc((n ? n : 1) * sizeof *out->retired_on);
	out->start = calloc(n + 2, sizeof *out->start);
	if (!out->person || !out->retired_on || !out->start)
		abort();
	for (size_t i = 0; i < np; i++)
		if (slot[i]) {
			out->person[slot[i] - 1] = (uint32_t)i;
			out->retired_on[slot[i] - 1] = ps[i].retired_on;
		}
	for (size_t k = 0; k < nt; k++) /* counting sort: person c's at start[c + 1] */
		if (ts[k].person_ix != TG_IX_NONE && slot[ts[k].person_ix])
			out->start[slot[ts[k].person_ix]]++;
	for (size_t c = 0; c < n; c++)
		out->start[c + 1] += out->start[c];
	size_t total = out->start[n];
	uint32_t *at = malloc((n + 1) * sizeof *at);
	out->posts = malloc((total ? total : 1) * sizeof *out->posts);
	if (!at || !out->posts)
		abort();
	memcpy(at, out->start, (n + 1) * sizeof *at);
	for (size_t k = 0; k < nt; k++) {
		const tg_post *t = &ts[k];
		if (t->person_ix != TG_IX_NONE && slot[t->person_ix])
			out->posts[at[slot[t->person_ix] - 1]++] =
				(tg_cadre_post){t->association_ix, t->from, t->to};
	}
	free(at);
	free(slot);
}

void cadre_posts_free(tg_cadre_posts *x)
{
	free(x->person);
	free(x->retired_on);
	free(x->start);
	free(x->posts);
	memset(x, 0, sizeof *x);
}

void assoc_rows_free(tg_assoc_rows *x)
{
	free(x->start);
	free(x->rows);
	memset(x, 0, sizeof *x);
}

size_t eval_rows(const tg_eval *ev, int a, uint32_t **rows)
{
	*rows = NULL;
	const tg_field *refs[8];
	size_t n_refs = a == ARR_ASSOCIATIONS ? 0 : association_refs(a, refs);
	if (!ev->only || (a != ARR_ASSOCIATIONS && !n_refs))
		return COUNT(ev, a);
	const row_list marked = {(uint32_t *)ev->marked, ev->n_marked, ev->n_marked};
	if (a == ARR_ASSOCIATIONS) {
		*rows = malloc((marked.n ? marked.n : 1) * sizeof **rows);
		if (!*rows)
			abort();
		if (marked.n)
			memcpy(*rows, marked.v, marked.n * sizeof **rows);
		return marked.n;
	}
	row_list out = {0};
	marked_rows(ev->reg, a, refs, n_refs, ev->only, &marked, true,
		    ev->reach ? ev->reach[a] : NULL, &out);
	*rows = out.v;
	return out.n;
}

/* The arrays the sub-register takes whole from r: not copied, r's own
** tables (read only; subregister_release lets them go unfreed). */
static const int sub_whole[] = {ARR_BATCHES, ARR_JURISDICTIONS, ARR_UNITS, ARR_UNIT_TASKS};

static void subregister_release(tg_register *sub)
{
	for (size_t w = 0; w < sizeof sub_whole / sizeof *sub_whole; w++)
		memset(&sub->t[sub_whole[w]], 0, sizeof sub->t[sub_whole[w]]);
	register_release(sub);
}

/* The sub-register of the marked associations: their rows, the rows of
** every array that names one of them, the persons those posts name, and
** the batches, jurisdictions, units and unit tasks whole (r's tables
** shared, so units keep their positions and a finding's unit_ix is the
** same in r; a rule over the tasks left out of reach_beyond escapes
** instead of finding none).
** The steps are read by the obligations alone, which run on r.  Rows are
** copied shallow: their strings stay r's.  With the arrays' indexes
** (reach) it costs the marked associations' rows, not the register. */
static void subregister(const tg_register *r, const uint8_t *only, const row_list *marked,
			const tg_assoc_rows *const *reach, tg_register *sub, row_list *persons)
{
	register_init(sub);
	for (size_t w = 0; w < sizeof sub_whole / sizeof *sub_whole; w++)
		sub->t[sub_whole[w]] = r->t[sub_whole[w]];
	row_list rows = {0};
	persons->n = 0;
	for (int a = ARR_ASSOCIATIONS; a < ARR_COUNT; a++) {
		const tg_field *refs[8];
		size_t n_refs = association_refs(a, refs);
		assert(a != ARR_ASSOCIATIONS || !n_refs); /* an association names none */
		if (a == ARR_PERSONS || (a != ARR_ASSOCIATIONS && !n_refs))
			continue; /* read by the rules run on the whole register only */
		const row_list *in = marked;
		if (a != ARR_ASSOCIATIONS) {
			marked_rows(r, a, refs, n_refs, only, marked, false, reach ? reach[a] : NULL,
				    &rows);
			in = &rows;
		}
		register_reserve(sub, a, in->n);
		for (size_t k = 0; k < in->n; k++) {
			const char *row = register_row(r, a, in->v[k]);
			memcpy(register_append(sub, a), row, tg_schema[a].size);
			if (a == ARR_POSTS && ((const tg_post *)row)->person_ix != TG_IX_NONE)
				row_push(persons, ((const tg_post *)row)->person_ix);
		}
	}
	row_sort_unique(persons);
	for (size_t k = 0; k < persons->n; k++)
		memcpy(register_append(sub, ARR_PERSONS), register_row(r, ARR_PERSONS, persons->v[k]),
		       tg_schema[ARR_PERSONS].size);
	free(rows.v);
	bool copied[ARR_COUNT] = {false};
	for (size_t w = 0; w < sizeof sub_whole / sizeof *sub_whole; w++)
		copied[sub_whole[w]] = true;
	register_resolve_copied(sub, r, copied); /* r resolved: nothing new */
}

/* Move the findings of from (a run on sub) into to (a run on r): their
** strings copied into to's arena, the person a timing derives from found
** again in r; from is released. */
static void move_findings(const tg_register *r, const tg_register *sub, tg_findings *from,
			  tg_findings *to)
{
	for (size_t i = 0; i < from->count; i++) {
		tg_finding *f = &from->items[i];
		f->association = f->association ? arena_strdup(&to->arena, f->association) : NULL;
		f->subject = f->subject ? arena_strdup(&to->arena, f->subject) : NULL;
		f->message = f->message ? arena_strdup(&to->arena, f->message) : NULL;
		if (f->birth_ix >= 0)
			f->birth_ix = (int32_t)register_find(
				r, ARR_PERSONS, register_key(sub, ARR_PERSONS, (size_t)f->birth_ix));
	}
	merge_sorted(to, from->items, from->count);
	findings_release(from);
}

static int cmp_key(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The places a write reached (tg_beyond_kept): those of the marked
** associations (the units each names; persons, the persons their posts
** name, as subregister found them) and those kept->places names. */
static void reach_places(const tg_register *r, const row_list *marked, const row_list *persons,
			 const tg_beyond_kept *kept, reached_places *out)
{
	row_list l[ARR_COUNT] = {0};
	tg_place p[TG_ROW_PLACES_MAX];
	for (size_t m = 0; m < marked->n; m++)
		for (size_t k = rules_row_places(r, ARR_ASSOCIATIONS, marked->v[m], p); k--;)
			row_push(&l[p[k].arr], p[k].ix);
	for (size_t k = 0; k < persons->n; k++)
		row_push(&l[ARR_PERSONS], persons->v[k]);
	for (size_t k = 0; k < kept->n_places; k++)
		if (kept->places[k].ix < REG_COUNT(r, kept->places[k].arr))
			row_push(&l[kept->places[k].arr], kept->places[k].ix);
	for (int a = 0; a < ARR_COUNT; a++) {
		row_sort_unique(&l[a]);
		out->v[a] = l[a].v;
		out->n[a] = out->keys.n[a] = l[a].n;
		out->keys.keys[a] = malloc((l[a].n ? l[a].n : 1) * sizeof *out->keys.keys[a]);
		if (!out->keys.keys[a])
			abort();
		for (size_t k = 0; k < l[a].n; k++)
			if (!(out->keys.keys[a][k] = strdup(register_key(r, a, l[a].v[k]))))
				abort();
		qsort(out->keys.keys[a], l[a].n, sizeof *out->keys.keys[a], cmp_key);
	}
}

/* out (sorted, the beyond part's run on the places reached): each finding
** of a beyond rule kept when its place was reached (a rule may emit for
** more); the splice keeps the run before's of the others. */
static void keep_reached(const tg_reached *reached, tg_findings *out)
{
	size_t n = 0;
	for (size_t i = 0; i < out->count; i++)
		if (rules_reached_finding(reached, &out->items[i]))
			out->items[n++] = out->items[i];
	out->count = n;
}

int rules_finding_place(const tg_finding *f)
{
	return f->association ? -1 : beyond_place(f->rule);
}

bool rules_reached_finding(const tg_reached *reached, const tg_finding *f)
{
	int place = rules_finding_place(f);
	if (reached->all || place < 0)
		return true; /* every run gives those naming no place again */
	return f->subject && reached->n[place] &&
	       bsearch(&f->subject, reached->keys[place], reached->n[place],
		       sizeof *reached->keys[place], cmp_key);
}

void rules_reached_add(tg_reached *to, const tg_reached *add)
{
	if (to->all || add->all) {
		rules_reached_free(to);
		to->all = true;
		return;
	}
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!add->n[a])
			continue;
		size_t n = to->n[a] + add->n[a], i = 0, k = 0, m = 0;
		char **v = malloc(n * sizeof *v);
		if (!v)
			abort();
		while (i < to->n[a] || k < add->n[a]) {
			int c = i >= to->n[a] ? 1 : k >= add->n[a] ? -1 : strcmp(to->keys[a][i], add->keys[a][k]);
			if (c <= 0) {
				v[m++] = to->keys[a][i++];
				k += !c;
			} else if (!(v[m++] = strdup(add->keys[a][k++]))) {
				abort();
			}
		}
		free(to->keys[a]);
		to->keys[a] = v;
		to->n[a] = m;
	}
}

void rules_reached_free(tg_reached *reached)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		for (size_t k = 0; k < reached->n[a]; k++)
			free(reached->keys[a][k]);
		free(reached->keys[a]);
	}
	memset(reached, 0, sizeof *reached);
}

int rules_evaluate_only(const tg_register *r, const tg_plan *plan, const tg_calendar *cal,
			tg_date as_of, const uint8_t *only, const tg_eval_index *ix,
			tg_facts_kept *facts, const tg_beyond_kept *kept, tg_reached *reached,
			tg_findings *out, tg_findings *years)
{
	assert(only);
	tg_register sub;
	row_list marked = {0}, persons = {0};
	marked_associations(r, only, &marked);
	subregister(r, only, &marked, ix ? ix->by_assoc : NULL, &sub, &persons);
	reached_places rp = {0};
	if (kept)
		reach_places(r, &marked, &persons, kept, &rp);
	free(marked.v);
	free(persons.v);
	tg_findings lo, ly;
	bool escaped = false, beyond_escaped = false;
	int rc = evaluate_places(&sub, plan, cal, as_of, NULL, NULL, NULL, NULL, PART_LOCAL,
				 &escaped, &lo, years ? &ly : NULL);
	if (rc == TG_OK)
		rc = evaluate_places(r, plan, cal, as_of, only, ix, facts, kept ? &rp : NULL,
				     PART_BEYOND, &beyond_escaped, out, years);
	if (rc == TG_OK) {
		if (kept) {
			keep_reached(&rp.keys, out);
			if (years)
				keep_reached(&rp.keys, years);
		}
		move_findings(r, &sub, &lo, out);
		if (years)
			move_findings(r, &sub, &ly, years);
	}
	if (reached) /* given when the run is (TG_OK) */
		*reached = (tg_reached){.all = !kept};
	if (reached && kept && rc == TG_OK && !escaped && !beyond_escaped) {
		*reached = rp.keys; /* handed on */
		rp.keys = (tg_reached){0};
	}
	rules_reached_free(&rp.keys);
	for (int a = 0; a < ARR_COUNT; a++)
		free(rp.v[a]);
	subregister_release(&sub);
	if (rc == TG_OK && (escaped || beyond_escaped)) {
		findings_release(out);
		if (years)
			findings_release(years);
		return RULES_RUN_IN_FULL;
	}
	return rc;
}

void findings_release(tg_findings *fs)
{
	free(fs->items);
	arena_free(&fs->arena);
	memset(fs, 0, sizeof *fs);
}
