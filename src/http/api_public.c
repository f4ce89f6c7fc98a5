/*
** api_public.c: GET /api/v1/public/associations, the data of the public
** page (公示, /public/): no login, and no personal data at all.
**
** For each association registered on the day: its name, USCC, level, the
** supervising unit it was linked to and how (the former link), its
** decoupling status (stage, decoupled_on, accepted_on), whether it stands
** on the 活动异常名录 or the 严重违法失信名单 that day, and the services the
** government purchased from it (appropriations of kind purchase: year,
** item, amount).  Nothing here ever reads persons, posts or staff, and no
** free text that could carry a name (a listing's reason) is published.
**
** Support and supervision (五(二) 信息公开, supervision.md), each as
** published by the day: its jurisdiction, its rating (the latest
** published, with its validity), fees, purchases of services (item and
** result, with the buying unit's name), credit commitments, evaluations
** and exit decisions (reason and outcome); ?jurisdiction=CODE keeps the
** associations of that jurisdiction and those below it (an association
** with none is the register's own, the city's: under every jurisdiction
** above the county level), and the answer lists the jurisdictions for the
** filter.
**
** GET /api/v1/public/plan names the plan the pages before login cite: its
** title, number, level, office and place word (nothing else of it).
**
** Cheap to serve: the whole list is rendered once per (write generation,
** day) into memory, one JSON object per association in pinyin order; a
** request only filters (?q= on the name or USCC), pages and concatenates.
** The answer carries an ETag (generation, day, query) and Last-Modified
** (when the list was rendered), and a matching If-None-Match gets 304;
** Cache-Control is public (respond.c).  Owns the public_cache.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "api.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "plan.h"
#include "progress.h"

typedef struct public_entry {
	char *name, *uscc;
	unsigned char *sort_key;
	size_t sort_len;
	char *json; /* the item's object */
	char *chain; /* ",code,parent,...," of its jurisdiction, for the filter */
	bool decoupled, accepted, listed, purchases, rated;
} public_entry;

struct public_cache {
	pthread_mutex_t lock;
	bool built;
	int64_t generation;
	tg_date day;
	time_t modified;
	public_entry *items;
	size_t n, n_decoupled, n_accepted, n_listed, n_purchases, n_rated;
	char *jurisdictions; /* the JSON array of every jurisdiction */
};

public_cache *public_cache_new(void)
{
	public_cache *c = calloc(1, sizeof *c);
	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void entries_free(public_cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].name);
		free(c->items[i].uscc);
		free(c->items[i].sort_key);
		free(c->items[i].json);
		free(c->items[i].chain);
	}
	free(c->items);
	free(c->jurisdictions);
	c->jurisdictions = NULL;
	c->items = NULL;
	c->n = c->n_decoupled = c->n_accepted = c->n_listed = c->n_purchases = c->n_rated = 0;
	c->built = false;
}

void public_cache_free(public_cache *c)
{
	if (!c)
		return;
	entries_free(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static int cmp_entries(const void *x, const void *y)
{
	const public_entry *a = x, *b = y;
	size_t n = a->sort_len < b->sort_len ? a->sort_len : b->sort_len;
	int c = memcmp(a->sort_key, b->sort_key, n);
	if (c)
		return c;
	if (a->sort_len != b->sort_len)
		return a->sort_len < b->sort_len ? -1 : 1;
	return strcmp(a->uscc, b->uscc);
}

/* Purchased services of each association: positions of the appropriations
** of kind purchase, grouped by association index (a counting sort). */
typedef struct by_assoc {
	size_t *start; /* n_assoc + 1 */
	size_t *rows;
} by_assoc;

static int group_rows(const tg_register *r, int array, by_assoc *g,
		      bool (*keep)(const void *row))
{
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS), n = REG_COUNT(r, array);
	const tg_field *f = schema_field(array, "association");
	g->start = calloc(na + 2, sizeof *g->start);
	g->rows = malloc((n ? n : 1) * sizeof *g->rows);
	if (!g->start || !g->rows)
		return TG_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const void *row = register_row(r, array, i);
		tg_ix ai = *(const tg_ix *)((const char *)row + f->off_ix);
		if (ai != TG_IX_NONE && ai < na && keep(row))
			g->start[ai + 2]++;
	}
	for (size_t a = 0; a < na; a++)
		g->start[a + 2] += g->start[a + 1];
	for (size_t i = 0; i < n; i++) {
		const void *row = register_row(r, array, i);
		tg_ix ai = *(const tg_ix *)((const char *)row + f->off_ix);
		if (ai != TG_IX_NONE && ai < na && keep(row))
			g->rows[g->start[ai + 1]++] = i;
	}
	return TG_OK;
}

static bool is_purchase(const void *row)
{
	return ((const tg_appropriation *)row)->kind == APPROP_PURCHASE;
}

static bool any_row(const void *row)
{
	(void)row;
	return true;
}

/* One association's public object. */
/* "key": "value", "key_name": "中文" of enum field key of array a. */
static void add_enum(strbuf *o, int a, const char *key, int v)
{
	const tg_field *f = schema_field(a, key);
	sb_addf(o, "\"%s\": ", key);
	sb_add_json_str(o, v < 0 ? NULL : schema_enum_key(f, v));
	sb_addf(o, ", \"%s_name\": ", key);
	sb_add_json_str(o, v < 0 ? NULL : schema_enum_zh(f, v));
}

static void add_str(strbuf *o, const char *key, const char *v)
{
	sb_addf(o, ", \"%s\": ", key);
	sb_add_json_str(o, v);
}

static void add_date_field(strbuf *o, const char *key, tg_date d)
{
	sb_addf(o, ", \"%s\": ", key);
	date_add_json(o, d);
}

#define EACH_OF(g, a, T, row)                                                         \
	for (size_t i_ = (g)[a].start[ai]; i_ < (g)[a].start[ai + 1]; i_++)           \
		for (const T *row = &REG_ROWS(r, a, T)[(g)[a].rows[i_]]; row; row = NULL)

/* The published records of 五(二) of one association on the day. */
static void render_supervision(const tg_register *r, tg_ix ai, tg_date day, const by_assoc *g,
			       public_entry *e, strbuf *o)
{
	const tg_rating *best = NULL;
	EACH_OF(g, ARR_RATINGS, tg_rating, x)
		if (date_happened(x->published_on, day) && date_happened(x->rated_on, day) &&
		    (!best || x->rated_on > best->rated_on))
			best = x;
	e->rated = best != NULL;
	sb_adds(o, ",\n   \"rating\": ");
	if (best) {
		sb_addc(o, '{');
		add_enum(o, ARR_RATINGS, "grade", best->grade);
		add_date_field(o, "rated_on", best->rated_on);
		add_date_field(o, "valid_to", best->valid_to);
		sb_addf(o, ", \"valid\": %s}",
			best->valid_to != TG_DATE_NONE && best->valid_to >= day ? "true" : "false");
	} else {
		sb_adds(o, "null");
	}
	size_t k = 0;
	sb_adds(o, ",\n   \"fees\": [");
	EACH_OF(g, ARR_FEES, tg_fee, x) {
		if (!date_happened(x->published_on, day))
			continue;
		sb_adds(o, k++ ? ", {\"name\": " : "{\"name\": ");
		sb_add_json_str(o, x->name);
		add_str(o, "standard", x->standard);
		add_str(o, "basis", x->basis);
		add_str(o, "approved_ref", x->approved_ref);
		add_date_field(o, "from", x->from);
		add_date_field(o, "to", x->to);
		add_date_field(o, "published_on", x->published_on);
		sb_addc(o, '}');
	}
	k = 0;
	sb_adds(o, "],\n   \"service_purchases\": [");
	EACH_OF(g, ARR_SERVICE_PURCHASES, tg_service_purchase, x) {
		if (!date_happened(x->published_on, day))
			continue;
		char amount[32];
		bundle_money_str(x->amount, amount);
		sb_adds(o, k++ ? ", {\"item\": " : "{\"item\": ");
		sb_add_json_str(o, x->item);
		add_str(o, "catalogue_ref", x->catalogue_ref);
		add_str(o, "unit_name",
			x->unit_ix != TG_IX_NONE ? REG_ROWS(r, ARR_UNITS, tg_unit)[x->unit_ix].name
						 : NULL);
		sb_addf(o, ", \"amount\": %s", x->amount < 0 ? "null" : amount);
		add_date_field(o, "starts_on", x->starts_on);
		add_date_field(o, "ends_on", x->ends_on);
		add_date_field(o, "evaluated_on",
			       date_happened(x->evaluated_on, day) ? x->evaluated_on : TG_DATE_NONE);
		sb_adds(o, ", ");
		add_enum(o, ARR_SERVICE_PURCHASES, "grade",
			 date_happened(x->evaluated_on, day) ? x->grade : -1);
		add_date_field(o, "published_on", x->published_on);
		sb_addc(o, '}');
	}
	e->purchases |= k > 0;
	k = 0;
	sb_adds(o, "],\n   \"credit_commitments\": [");
	EACH_OF(g, ARR_CREDIT_COMMITMENTS, tg_credit_commitment, x) {
		if (!date_happened(x->published_on, day))
			continue;
		sb_adds(o, k++ ? ", {\"signed_on\": " : "{\"signed_on\": ");
		date_add_json(o, x->signed_on);
		add_date_field(o, "published_on", x->published_on);
		sb_addc(o, '}');
	}
	k = 0;
	sb_adds(o, "],\n   \"evaluations\": [");
	EACH_OF(g, ARR_EVALUATIONS, tg_evaluation, x) {
		if (!date_happened(x->published_on, day))
			continue;
		sb_adds(o, k++ ? ", {" : "{");
		add_enum(o, ARR_EVALUATIONS, "kind", x->kind);
		add_str(o, "evaluator", x->evaluator);
		add_date_field(o, "on", x->on);
		add_str(o, "result", x->result);
		add_date_field(o, "published_on", x->published_on);
		sb_addc(o, '}');
	}
	k = 0;
	sb_adds(o, "],\n   \"exit_decisions\": [");
	EACH_OF(g, ARR_EXIT_CASES, tg_exit_case, x) {
		if (!date_happened(x->decided_on, day))
			continue;
		sb_adds(o, k++ ? ", {" : "{");
		add_enum(o, ARR_EXIT_CASES, "reason", x->reason);
		add_date_field(o, "decided_on", x->decided_on);
		sb_adds(o, ", ");
		add_enum(o, ARR_EXIT_CASES, "outcome", x->outcome);
		sb_addc(o, '}');
	}
	sb_adds(o, "]");
}

/* The jurisdiction of an association and every one above it, as
** ",code,...,"; none: the association is the register's own (the city's),
** under every jurisdiction above the county level. */
static char *jurisdiction_chain(const tg_register *r, const tg_association *a)
{
	strbuf sb;
	sb_init(&sb);
	sb_addc(&sb, ',');
	size_t nj = REG_COUNT(r, ARR_JURISDICTIONS);
	const tg_jurisdiction *js = REG_ROWS(r, ARR_JURISDICTIONS, tg_jurisdiction);
	if (a->jurisdiction_ix == TG_IX_NONE) {
		for (size_t i = 0; i < nj; i++)
			if (js[i].level != JL_COUNTY)
				sb_addf(&sb, "%s,", js[i].id);
	} else {
		tg_ix j = a->jurisdiction_ix;
		for (size_t hops = 0; j != TG_IX_NONE && j < nj && hops <= nj; hops++) {
			sb_addf(&sb, "%s,", js[j].id);
			j = js[j].parent_ix;
		}
	}
	return sb_detach(&sb, NULL);
}

static char *jurisdictions_json(const tg_register *r)
{
	strbuf sb;
	sb_init(&sb);
	sb_addc(&sb, '[');
	const tg_jurisdiction *js = REG_ROWS(r, ARR_JURISDICTIONS, tg_jurisdiction);
	for (size_t i = 0; i < REG_COUNT(r, ARR_JURISDICTIONS); i++) {
		sb_adds(&sb, i ? ", {\"id\": " : "{\"id\": ");
		sb_add_json_str(&sb, js[i].id);
		add_str(&sb, "name", js[i].name);
		sb_adds(&sb, ", ");
		add_enum(&sb, ARR_JURISDICTIONS, "level", js[i].level);
		add_str(&sb, "parent", js[i].parent);
		sb_addc(&sb, '}');
	}
	sb_addc(&sb, ']');
	return sb_detach(&sb, NULL);
}

static void render(const tg_register *r, const tg_plan *plan, tg_ix ai, tg_date day,
		   const by_assoc *g, public_entry *e, strbuf *o)
{
	const by_assoc *buys = &g[ARR_APPROPRIATIONS], *lists = &g[ARR_CREDIT_LISTINGS];
	const tg_association *a = &REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[ai];
	tg_assoc_facts facts;
	progress_facts(r, plan, ai, day, &facts);
	const tg_field *level = schema_field(ARR_ASSOCIATIONS, "level");
	const tg_field *link = schema_field(ARR_ASSOCIATIONS, "link");
	o->len = 0;
	sb_add_json_member(o, "{\"uscc\": ", a->uscc);
	sb_add_json_member(o, ", \"name\": ", a->name);
	sb_add_json_member(o, ", \"level\": ", schema_enum_key(level, a->level));
	sb_add_json_member(o, ", \"level_name\": ", schema_enum_zh(level, a->level));
	add_str(o, "jurisdiction", a->jurisdiction);
	add_str(o, "jurisdiction_name",
		a->jurisdiction_ix != TG_IX_NONE
			? REG_ROWS(r, ARR_JURISDICTIONS, tg_jurisdiction)[a->jurisdiction_ix].name
			: NULL);
	sb_adds(o, ", \"registered_on\": ");
	date_add_json(o, a->registered_on);
	sb_adds(o, ", \"deregistered_on\": ");
	date_add_json(o, date_happened(a->deregistered_on, day) ? a->deregistered_on : TG_DATE_NONE);
	sb_adds(o, ",\n   \"unit_name\": ");
	sb_add_json_str(o, a->unit_ix != TG_IX_NONE ? REG_ROWS(r, ARR_UNITS, tg_unit)[a->unit_ix].name
						    : NULL);
	sb_add_json_member(o, ", \"link\": ", schema_enum_key(link, a->link));
	sb_add_json_member(o, ", \"link_name\": ", schema_enum_zh(link, a->link));
	sb_adds(o, ", \"link_cancelled_on\": ");
	date_add_json(o, date_happened(a->link_cancelled_on, day) ? a->link_cancelled_on : TG_DATE_NONE);
	sb_addf(o, ",\n   \"in_scope\": %s, \"stage\": ", facts.in_scope ? "true" : "false");
	sb_add_json_str(o, stage_key(facts.stage));
	sb_add_json_member(o, ", \"stage_name\": ", stage_zh(facts.stage));
	sb_adds(o, ", \"decoupled_on\": ");
	e->decoupled = date_happened(a->decoupled_on, day);
	date_add_json(o, e->decoupled ? a->decoupled_on : TG_DATE_NONE);
	sb_adds(o, ", \"accepted_on\": ");
	e->accepted = date_happened(a->accepted_on, day);
	date_add_json(o, e->accepted ? a->accepted_on : TG_DATE_NONE);

	/* credit lists on the day: listed on or before it, not yet removed */
	const tg_field *list = schema_field(ARR_CREDIT_LISTINGS, "list");
	size_t k = 0;
	sb_adds(o, ",\n   \"credit_lists\": [");
	for (size_t i = lists->start[ai]; i < lists->start[ai + 1]; i++) {
		const tg_credit_listing *cl =
			&REG_ROWS(r, ARR_CREDIT_LISTINGS, tg_credit_listing)[lists->rows[i]];
		if (!date_happened(cl->on, day) || date_happened(cl->removed_on, day))
			continue;
		sb_adds(o, k++ ? ", " : "");
		sb_add_json_member(o, "{\"list\": ", schema_enum_key(list, cl->list));
		sb_add_json_member(o, ", \"list_name\": ", schema_enum_zh(list, cl->list));
		sb_adds(o, ", \"on\": ");
		date_add_json(o, cl->on);
		sb_addc(o, '}');
	}
	e->listed = k > 0;
	sb_adds(o, "]");

	/* services purchased (appropriations of kind purchase made by the day) */
	k = 0;
	sb_adds(o, ",\n   \"purchases\": [");
	for (size_t i = buys->start[ai]; i < buys->start[ai + 1]; i++) {
		const tg_appropriation *p =
			&REG_ROWS(r, ARR_APPROPRIATIONS, tg_appropriation)[buys->rows[i]];
		if (p->on != TG_DATE_NONE && p->on > day)
			continue;
		char amount[32];
		bundle_money_str(p->amount, amount);
		sb_adds(o, k++ ? ", " : "");
		sb_addf(o, "{\"year\": %lld, \"purchase_item\": ", (long long)p->year);
		sb_add_json_str(o, p->purchase_item);
		sb_addf(o, ", \"amount\": %s, \"on\": ", amount);
		date_add_json(o, p->on);
		sb_addc(o, '}');
	}
	sb_adds(o, "]");
	e->purchases = k > 0;
	render_supervision(r, ai, day, g, e, o);
	sb_addc(o, '}');
}

/* The arrays of render_supervision, grouped by association. */
static const int public_arrays[] = {ARR_SERVICE_PURCHASES, ARR_FEES, ARR_RATINGS,
				    ARR_CREDIT_COMMITMENTS, ARR_EVALUATIONS, ARR_EXIT_CASES};

/* Render the list of the day (under c->lock). */
static int build(http_request *rq, public_cache *c, int64_t gen, tg_date day)
{
	cache_view v;
	by_assoc g[ARR_COUNT];
	memset(g, 0, sizeof g);
	strbuf o;
	sb_init(&o);
	int rc = cache_get(rq->srv->cache, rq_store(rq), rq->srv->plan, day, &v, &rq->err);
	if (rc)
		return rc;
	const tg_register *r = v.reg;
	entries_free(c);
	size_t na = REG_COUNT(r, ARR_ASSOCIATIONS);
	c->items = calloc(na ? na : 1, sizeof *c->items);
	bool grouped = c->items && !group_rows(r, ARR_APPROPRIATIONS, &g[ARR_APPROPRIATIONS],
						is_purchase) &&
		       !group_rows(r, ARR_CREDIT_LISTINGS, &g[ARR_CREDIT_LISTINGS], any_row);
	for (size_t i = 0; grouped && i < sizeof public_arrays / sizeof public_arrays[0]; i++)
		grouped = !group_rows(r, public_arrays[i], &g[public_arrays[i]], any_row);
	if (grouped)
		grouped = (c->jurisdictions = jurisdictions_json(r)) != NULL;
	if (!grouped) {
		rc = tg_error_set(&rq->err, TG_ENOMEM, "no_memory", "", "内存不足");
		goto out;
	}
	for (tg_ix ai = 0; ai < na; ai++) {
		const tg_association *a = &REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[ai];
		if (!rules_registered(a, day) && !date_happened(a->deregistered_on, day))
			continue; /* not registered yet on the day */
		public_entry *e = &c->items[c->n++];
		render(r, rq->srv->plan, ai, day, g, e, &o);
		e->chain = jurisdiction_chain(r, a);
		e->name = strdup(a->name ? a->name : "");
		e->uscc = strdup(a->uscc);
		e->json = strdup(o.buf ? o.buf : "{}");
		e->sort_key = store_name_sort_key(e->name ? e->name : "", &e->sort_len);
		if (!e->name || !e->uscc || !e->json || !e->sort_key || !e->chain) {
			rc = tg_error_set(&rq->err, TG_ENOMEM, "no_memory", "", "内存不足");
			goto out;
		}
		c->n_decoupled += e->decoupled;
		c->n_accepted += e->accepted;
		c->n_listed += e->listed;
		c->n_purchases += e->purchases;
		c->n_rated += e->rated;
	}
	qsort(c->items, c->n, sizeof *c->items, cmp_entries);
	c->generation = gen;
	c->day = day;
	c->modified = time(NULL);
	c->built = true;
out:
	if (rc)
		entries_free(c);
	for (int a = 0; a < ARR_COUNT; a++) {
		free(g[a].start);
		free(g[a].rows);
	}
	sb_release(&o);
	cache_put(rq->srv->cache, &v);
	return rc;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull;
}

int api_public_associations(http_request *rq)
{
	public_cache *c = rq->srv->public_cache;
	size_t page, per_page;
	int64_t gen = 0;
	int rc = rq_paging(rq, &page, &per_page);
	if (rc)
		return rc;
	const char *q = rq_query(rq, "q");
	if (q && (strlen(q) > 100 || !utf8_valid(q, strlen(q))))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_query", "q", "查询文字过长或无效");
	const char *jq = rq_query(rq, "jurisdiction");
	char jneedle[16] = "";
	if (jq && *jq) {
		size_t n = strlen(jq);
		if (n != 6 || strspn(jq, "0123456789") != n)
			return tg_error_set(&rq->err, TG_EINVAL, "bad_jurisdiction", "jurisdiction",
					    "行政区划代码应为 6 位数字");
		snprintf(jneedle, sizeof jneedle, ",%s,", jq);
	}
	if (!rq_store(rq))
		return TG_EIO;
	if ((rc = store_generation(rq_store(rq), &gen, &rq->err)))
		return rc;
	tg_date day = date_today();
	pthread_mutex_lock(&c->lock);
	if (!c->built || c->generation != gen || c->day != day)
		rc = build(rq, c, gen, day);
	if (rc) {
		pthread_mutex_unlock(&c->lock);
		return rc;
	}
	char etag[80], pagebuf[48], daytext[11], modified[40];
	snprintf(pagebuf, sizeof pagebuf, "%zu/%zu", page, per_page);
	date_format(day, daytext);
	snprintf(etag, sizeof etag, "\"pub-%lld-%s-%016llx\"", (long long)gen, daytext,
		 (unsigned long long)fnv1a(fnv1a(fnv1a(14695981039346656037ull, q), jneedle),
					   pagebuf));
	struct tm tm;
	gmtime_r(&c->modified, &tm);
	strftime(modified, sizeof modified, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	reply_header(rq, "ETag", etag);
	reply_header(rq, "Last-Modified", modified);
	const char *inm = rq_header(rq, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		pthread_mutex_unlock(&c->lock);
		return reply(rq, HTTP_NOT_MODIFIED, NULL);
	}
	strbuf *o = &rq->out;
	size_t total = 0, first = (page - 1) * per_page, shown = 0;
	sb_adds(o, "{\"as_of\": ");
	date_add_json(o, day);
	sb_addf(o, ",\n \"summary\": {\"associations\": %zu, \"decoupled\": %zu, \"accepted\": %zu, "
		   "\"credit_listed\": %zu, \"with_purchases\": %zu, \"rated\": %zu},\n "
		   "\"jurisdictions\": %s,\n \"items\": [",
		c->n, c->n_decoupled, c->n_accepted, c->n_listed, c->n_purchases, c->n_rated,
		c->jurisdictions ? c->jurisdictions : "[]");
	for (size_t i = 0; i < c->n; i++) {
		const public_entry *e = &c->items[i];
		if (q && !strstr(e->name, q) && !strstr(e->uscc, q))
			continue;
		if (jneedle[0] && !strstr(e->chain, jneedle))
			continue;
		if (total++ < first || shown == per_page)
			continue;
		sb_adds(o, shown++ ? ",\n  " : "\n  ");
		sb_adds(o, e->json);
	}
	pthread_mutex_unlock(&c->lock);
	sb_addf(o, "],\n \"total\": %zu, \"page\": %zu, \"per_page\": %zu}\n", total, page, per_page);
	return reply_json(rq, HTTP_OK);
}

int api_healthz(http_request *rq)
{
	sb_adds(&rq->out, "ok");
	return reply(rq, HTTP_OK, "text/plain; charset=utf-8");
}

int api_public_plan(http_request *rq)
{
	api_plan_head(&rq->out, rq->srv->plan);
	sb_adds(&rq->out, "}\n");
	return reply_json(rq, HTTP_OK);
}
