/*
** cache.c: findings per as-of date, computed once and shared.
**
** Evaluating the rules on a national register takes seconds, so the server
** never does it per request.  The cache keeps the register of the store's
** current generation (loaded on the first request that needs it, never at
** start) and the findings of up to CACHE_MAX_DATES dates computed on it.
** A write anywhere (this server, another process, the CLI) bumps the
** generation in the database; the next request sees a new number and the
** entries of older generations are dropped once no request holds them.
**
** Readers hold an entry by reference (cache_get / cache_put); one
** evaluation runs at a time (build_lock), others wait and then reuse it.
**
** Dates other than today (the UI's 截至 box) are kept the same way: each
** (generation, date) is evaluated once and kept until a write or until the
** least recently used of CACHE_MAX_DATES entries gives way to a new date.
** Today's entry is never the one to give way while another is there: the
** dashboards of the day are what most requests read, and a user paging
** through past dates must not cost everyone a re-evaluation of today.
** Memory: one register per generation in use plus, per kept date, its
** findings (docs/performance.md gives the figures).
*/
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "policy.h"
#include "respond.h"

typedef struct cache_register {
	int64_t generation;
	tg_register reg;
	int refs; /* entries using it, plus one while it is current */
} cache_register;

typedef struct cache_entry {
	tg_date as_of;
	int64_t generation;
	cache_register *cr;
	tg_findings fs;
	tg_findings years; /* the birth-derived findings by the year (rules.h) */
	int refs; /* requests holding it */
	uint64_t used;
	bool dead; /* dropped from the table: freed at the last put */
} cache_entry;

struct findings_cache {
	pthread_mutex_t lock, build_lock;
	cache_register *current;
	cache_entry *entries[CACHE_MAX_DATES];
	uint64_t clock;
	uint64_t evaluations; /* rules runs so far (cache_stats) */
};

findings_cache *cache_new(void)
{
	findings_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->build_lock, NULL);
	return c;
}

static void register_unref(cache_register *cr)
{
	if (cr && --cr->refs == 0) {
		register_release(&cr->reg);
		free(cr);
	}
}

static void entry_free(cache_entry *e)
{
	findings_release(&e->fs);
	findings_release(&e->years);
	register_unref(e->cr);
	free(e);
}

void cache_free(findings_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CACHE_MAX_DATES; i++)
		if (c->entries[i])
			entry_free(c->entries[i]);
	register_unref(c->current);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->build_lock);
	free(c);
}

/* Drop entry i from the table (under lock). */
static void drop(findings_cache *c, int i)
{
	cache_entry *e = c->entries[i];
	c->entries[i] = NULL;
	if (e->refs)
		e->dead = true;
	else
		entry_free(e);
}

/* Under lock: forget everything older than gen. */
static void drop_stale(findings_cache *c, int64_t gen)
{
	for (int i = 0; i < CACHE_MAX_DATES; i++)
		if (c->entries[i] && c->entries[i]->generation != gen)
			drop(c, i);
	if (c->current && c->current->generation != gen) {
		register_unref(c->current);
		c->current = NULL;
	}
}

static cache_entry *find(findings_cache *c, int64_t gen, tg_date as_of)
{
	for (int i = 0; i < CACHE_MAX_DATES; i++) {
		cache_entry *e = c->entries[i];
		if (e && e->generation == gen && e->as_of == as_of)
			return e;
	}
	return NULL;
}

static void hold(findings_cache *c, cache_entry *e, cache_view *out)
{
	e->refs++;
	e->used = ++c->clock;
	out->reg = &e->cr->reg;
	out->fs = &e->fs;
	out->generation = e->generation;
	out->entry = e;
}

/* Under lock: a free slot, evicting the least recently used entry that is
** not today's (today's only when it is alone: CACHE_MAX_DATES is 1). */
static int free_slot(findings_cache *c)
{
	tg_date today = date_today();
	int victim = -1;
	for (int i = 0; i < CACHE_MAX_DATES; i++) {
		if (!c->entries[i])
			return i;
		if (c->entries[i]->as_of == today && CACHE_MAX_DATES > 1)
			continue;
		if (victim < 0 || c->entries[i]->used < c->entries[victim]->used)
			victim = i;
	}
	if (victim < 0)
		victim = 0;
	drop(c, victim);
	return victim;
}

void cache_stats(findings_cache *c, cache_counts *out)
{
	pthread_mutex_lock(&c->lock);
	out->evaluations = c->evaluations;
	out->dates = 0;
	for (int i = 0; i < CACHE_MAX_DATES; i++)
		out->dates += c->entries[i] != NULL;
	out->generation = c->current ? c->current->generation : -1;
	pthread_mutex_unlock(&c->lock);
}

/* Load the register of generation gen, make it current, and hand the
** caller a reference of its own in *out. */
static int load_current(findings_cache *c, tg_store *s, int64_t gen, cache_register **out,
			tg_error *err)
{
	cache_register *cr = calloc(1, sizeof *cr);
	if (!cr)
		return TG_ENOMEM;
	register_init(&cr->reg);
	int rc = store_load_register(s, &cr->reg, err);
	if (rc) {
		register_release(&cr->reg);
		free(cr);
		return rc;
	}
	cr->generation = gen;
	cr->refs = 2; /* current, and the caller's */
	pthread_mutex_lock(&c->lock);
	drop_stale(c, gen);
	register_unref(c->current);
	c->current = cr;
	pthread_mutex_unlock(&c->lock);
	*out = cr;
	return TG_OK;
}

int cache_get(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
	      cache_view *out, tg_error *err)
{
	int64_t gen = 0;
	int rc = store_generation(s, &gen, err);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&c->lock);
	drop_stale(c, gen);
	cache_entry *e = find(c, gen, as_of);
	if (e) {
		hold(c, e, out);
		pthread_mutex_unlock(&c->lock);
		return TG_OK;
	}
	pthread_mutex_unlock(&c->lock);

	pthread_mutex_lock(&c->build_lock);
	pthread_mutex_lock(&c->lock);
	e = find(c, gen, as_of); /* built while we waited? */
	/* Take the register by reference now: a request that sees a newer
	** generation in the meantime drops c->current (drop_stale) without
	** the build lock, so it must not be read again after the unlock
	** (bench/load crashed here with a NULL c->current under writes). */
	cache_register *cr = NULL;
	if (e) {
		hold(c, e, out);
	} else if (c->current && c->current->generation == gen) {
		cr = c->current;
		cr->refs++;
	}
	pthread_mutex_unlock(&c->lock);
	if (e)
		goto done;
	if (!cr && (rc = load_current(c, s, gen, &cr, err)))
		goto done;

	e = calloc(1, sizeof *e);
	if (!e) {
		pthread_mutex_lock(&c->lock);
		register_unref(cr);
		pthread_mutex_unlock(&c->lock);
		rc = TG_ENOMEM;
		goto done;
	}
	/* The register is immutable once loaded: evaluate without the lock. */
	rules_evaluate_with_years(&cr->reg, plan, calendar_default(), as_of, &e->fs, &e->years);
	e->as_of = as_of;
	e->generation = gen;
	e->cr = cr;
	pthread_mutex_lock(&c->lock);
	c->evaluations++;
	c->entries[free_slot(c)] = e;
	hold(c, e, out);
	pthread_mutex_unlock(&c->lock);
done:
	pthread_mutex_unlock(&c->build_lock);
	return rc;
}

void cache_put(findings_cache *c, cache_view *v)
{
	cache_entry *e = v->entry;
	if (v->own) {
		free(v->own->items);
		free(v->own);
		v->own = NULL;
	}
	if (!e)
		return;
	pthread_mutex_lock(&c->lock);
	if (--e->refs == 0 && e->dead)
		entry_free(e);
	pthread_mutex_unlock(&c->lock);
	memset(v, 0, sizeof *v);
}

/* Whether the user may see the exact timing of f: it derives from no birth
** date, or from that of a person whose number the user may reveal. */
struct viewer {
	const tg_user *u;
	const tg_register *r;
};

static bool exact_for(const tg_finding *f, void *ctx)
{
	const struct viewer *v = ctx;
	if (f->birth_ix < 0)
		return true;
	if ((size_t)f->birth_ix >= REG_COUNT(v->r, ARR_PERSONS))
		return false;
	return policy_may_reveal(v->u, &REG_ROWS(v->r, ARR_PERSONS, tg_person)[f->birth_ix]);
}

int cache_get_viewer(http_request *rq, tg_date as_of, cache_view *out)
{
	int rc = cache_get(rq->srv->cache, rq_store(rq), rq->srv->plan, as_of, out, &rq->err);
	if (rc)
		return rc;
	const cache_entry *e = out->entry;
	struct viewer v = {&rq->user, out->reg};
	tg_findings view;
	if (!findings_for_viewer(&e->fs, &e->years, exact_for, &v, &view))
		return TG_OK; /* nothing withheld: the shared run as it is */
	out->own = malloc(sizeof *out->own);
	if (!out->own)
		abort();
	*out->own = view;
	out->fs = out->own;
	return TG_OK;
}
