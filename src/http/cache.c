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
** A new generation does not load the register again (that load is nearly
** all of an evaluation's cost: reading every row, building the indexes).
** The server reads the change history since its last look
** (store_changes_since: one row per record written, by any process), fetches
** those records (store_record_get) and makes the next register from the
** last one, copy on write per array: the arrays no write touched are
** shared, a touched one is copied with its index (into the buffers of its
** last copy that died: cache_spare) and the records merged
** into it, their references resolved one row at a time
** (register_resolve_row).  Each patch records the associations its writes
** reach (delta_add; docs/performance.md, "What a write reaches"), and a
** date asked again is evaluated from its findings on the older register:
** only the touched associations on a sub-register, the few rules that reach
** further on the whole (rules_evaluate_only, with the indexes index_of keeps
** beside the rows), and what they give replaces those associations'
** findings in the kept list (findings_splice) when a request first reads
** the list: the kept dashboards follow the run itself, so a write that
** only dashboards read copies none of the list (list_now, "The list made
** when asked" in docs/performance.md).  A register is loaded whole again
** after an import, a deleted record, more than CACHE_PATCH_MAX_CHANGES
** changes at once, or CACHE_PATCHES_MAX patches (the strings of the
** records written pile up in the register's arena).
**
** What of the history a register holds is every change id up to `floor`
** and those in seen[] above it: ids are taken in insertion order but
** PostgreSQL commits them in any order, so a gap below a seen id may be a
** write still in flight and is read again at the next look.  A gap more
** than CACHE_SEEN_MAX ids behind is taken for a rolled-back write (and a
** write left in flight that long would be missed: that is the bound).
**
** Readers hold an entry by reference (cache_get / cache_put); one
** evaluation runs at a time (build_lock), others wait and then reuse it:
** a request is answered by any entry of the generation it saw or a later
** one, and the request that builds builds the newest (find, get).
**
** Dates other than today (the UI's 截至 box) are kept the same way: each
** (generation, date, plan) is evaluated once and kept until a write (then
** kept as the base of that date's next evaluation) or until the
** least recently used of CACHE_MAX_DATES entries gives way to a new date.
** Today's entry is never the one to give way while another is there: the
** dashboards of the day are what most requests read, and a user paging
** through past dates must not cost everyone a re-evaluation of today.
** Memory: one register per generation in use plus, per kept date, its
** findings (docs/performance.md gives the figures).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "dashboard.h"
#include "policy.h"
#include "progress.h"
#include "respond.h"

/* The buffers of a dead array's rows and index, kept for the next copy of
** that array.  A patch copies each array it writes (the associations':
** 70,000 rows at national size), and memory fresh from malloc faults its
** pages in as the copy is written: about 10 us a page on the machines
** measured, 30-50 ms a copy, at whichever writes glibc's arenas happen to
** grow or trim at.  The copy made into the last one's buffers costs the
** copy only (docs/performance.md, "The spare arrays"). */
typedef struct cache_spare {
	void *rows;
	size_t alloc;
	tg_idmap index;
	uint64_t serial; /* of the rows whose content it holds */
	size_t count;
} cache_spare;

/* One patch's copy of an array: the rows of serial to are those of serial
** from with rows[0..n) written (overwritten, or appended).  A spare holding
** the content of a recent copy is brought up to date by the rows written
** since (catch_up), not copied whole: a write costs the rows it wrote. */
typedef struct cache_step {
	uint64_t from, to;
	uint32_t *rows;
	size_t n;
} cache_step;
#define CACHE_STEPS 64 /* per array: the last copies' steps */

/* One array's rows and index, shared by the registers of successive
** generations until a write changes that array, and, for an array that
** names associations, where each association's rows are (reach: built by
** the first incremental evaluation that needs it, under build_lock, and
** shared as long as the rows are). */
typedef struct cache_rows {
	int refs;
	cache_spare *spare; /* where its buffers go when it dies (NULL: freed) */
	uint64_t serial; /* one per rows made: which the indexes were built on */
	tg_table t;
	tg_assoc_rows *reach;
	/* the posts': the retired cadres' (cadre_posts_build), on these rows
	** and the persons' rows of serial cadres_persons */
	tg_cadre_posts *cadres;
	uint64_t cadres_persons;
} cache_rows;

static void *must(void *p)
{
	if (!p)
		abort();
	return p;
}

static _Atomic uint64_t rows_serial;

static cache_rows *rows_new(cache_spare *spare)
{
	cache_rows *r = must(calloc(1, sizeof *r));
	r->refs = 1;
	r->spare = spare;
	r->serial = ++rows_serial;
	return r;
}

/* The strings the rows point to: the arena of a whole load, with those of
** every record patched in since added (the old strings of a record written
** again stay: the garbage a whole load every CACHE_PATCHES_MAX patches
** bounds, a few hundred bytes a write). */
typedef struct cache_strings {
	int refs;
	tg_arena arena;
} cache_strings;

#define CACHE_PATCH_MAX_CHANGES 512
#define CACHE_PATCHES_MAX 65536
#define CACHE_SEEN_MAX 4096
#define CACHE_LOAD_WHOLE 1 /* patch_from: only a whole load will do */
#define CACHE_DELTAS 64    /* the patches remembered (what each touched) */

/* What one patch touched: the associations whose findings its writes can
** change (docs/performance.md, "What a write reaches"), or all. */
typedef struct cache_delta {
	int64_t from, to; /* generations; to == 0: an empty slot */
	bool all;
	tg_ix *ix;
	size_t n;
	tg_place *places; /* the records written reached before and after */
	size_t n_places;
} cache_delta;

/* The strings of a kept list of findings: the arenas of a full run, then
** those of each incremental run made from it, each holding on to the
** older ones; bytes counts the whole chain, base the full run's. */
typedef struct cache_fstrings {
	int refs;
	tg_arena fs, years;
	size_t bytes, base;
	struct cache_fstrings *older;
} cache_fstrings;

typedef struct cache_register {
	int64_t generation;
	tg_register reg; /* t[a] is rows[a]->t; its arena is unused */
	cache_rows *rows[ARR_COUNT];
	cache_strings *strings;
	int64_t floor; /* every change id up to floor is in the register */
	int64_t *seen; /* and these above it, ascending */
	size_t n_seen;
	unsigned patches; /* since the whole load */
	int refs;         /* entries using it, plus one while it is current */
	cache_delta delta; /* patched: what from its base (.to == 0: loaded) */
} cache_register;

/* A dashboard kept with an entry: its key, its answer, and what updates it
** (dashboard_kept_update) when the next entry of its date is made from
** this one incrementally (it then moves there). */
typedef struct cache_dash {
	tg_user viewer; /* role and unit only */
	tg_ix unit;
	char *jurisdiction;
	tg_dashboard_kept *kept;
	char *json;
	size_t len;
	uint64_t used;
} cache_dash;

static void dash_free(cache_dash *d)
{
	if (!d)
		return;
	dashboard_kept_free(d->kept);
	free(d->jurisdiction);
	free(d->json);
	free(d);
}

typedef struct cache_entry {
	tg_date as_of;
	int64_t generation;
	const tg_plan *plan; /* evaluated under (plans.c may swap the server's) */
	cache_register *cr;
	/* The list, once made (listed): fs, years (the birth-derived findings
	** by the year, rules.h) and fs's overdue count (a page of all findings
	** says it, api_findings.c).  An entry evaluated incrementally is not
	** listed at first: its list is base's (a listed entry it holds) with
	** the findings of the associations in mask, of the places in reached
	** (rules.h, tg_reached) and those naming neither replaced by over's
	** and over_years' (findings_splice), and is made
	** when a request first needs it (list_now).  A dashboard kept by
	** difference never does, so a write costs what it touched, not a copy
	** of every finding (docs/performance.md, "The list made when asked"). */
	bool listed;
	tg_findings fs;
	tg_findings years;
	size_t n_overdue;
	tg_findings head; /* fs's as_of, plan and notes, no items: for dashboards */
	tg_facts_kept *facts; /* of the runs on this date (rules_evaluate_only) */
	struct cache_entry *base;
	tg_findings over, over_years;
	uint8_t *mask;
	size_t n_mask;
	tg_reached reached;
	cache_fstrings *strs; /* what fs and years point into, beside cr */
	cache_strings *rstrs; /* kept as a base only: cr let go, its strings kept */
	int refs; /* requests holding it */
	uint64_t used;
	bool dead; /* dropped from the table: freed at the last put */
	cache_dash *dash[CACHE_MAX_DASHBOARDS]; /* under the lock */
} cache_entry;

struct findings_cache {
	pthread_mutex_t lock, build_lock;
	cache_register *current;
	cache_entry *entries[CACHE_MAX_DATES];
	uint64_t clock;
	uint64_t evaluations; /* rules runs so far (cache_stats) */
	uint64_t loads, patches, increments;
	uint64_t dashboards, dashboard_updates, lists, spares;
	cache_spare spare[ARR_COUNT];
	cache_step steps[ARR_COUNT][CACHE_STEPS]; /* rings, under build_lock */
	size_t next_step[ARR_COUNT];
	uint64_t caught_up; /* spares brought up to date (cache_stats) */
	cache_delta deltas[CACHE_DELTAS]; /* ring: the last patches' */
	size_t next_delta;
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

/* The unrefs run under c->lock (or with the cache no longer shared). */
static void rows_unref(cache_rows *r)
{
	if (r && --r->refs == 0) {
		cache_spare *sp = r->spare;
		if (sp && r->t.alloc >= sp->alloc) { /* the larger, else the newer, kept */
			free(sp->rows);
			idmap_free(&sp->index);
			*sp = (cache_spare){r->t.rows, r->t.alloc, r->t.index, r->serial, r->t.count};
		} else {
			free(r->t.rows);
			idmap_free(&r->t.index);
		}
		if (r->reach)
			assoc_rows_free(r->reach);
		free(r->reach);
		if (r->cadres)
			cadre_posts_free(r->cadres);
		free(r->cadres);
		free(r);
	}
}

static void strings_unref(cache_strings *s)
{
	if (s && --s->refs == 0) {
		arena_free(&s->arena);
		free(s);
	}
}

static void register_unref(cache_register *cr)
{
	if (cr && --cr->refs == 0) {
		for (int a = 0; a < ARR_COUNT; a++)
			rows_unref(cr->rows[a]);
		strings_unref(cr->strings);
		free(cr->seen);
		free(cr->delta.ix);
		free(cr->delta.places);
		free(cr);
	}
}

static void fstrings_unref(cache_fstrings *s)
{
	while (s && --s->refs == 0) {
		cache_fstrings *older = s->older;
		arena_free(&s->fs);
		arena_free(&s->years);
		free(s);
		s = older;
	}
}

static void entry_free(cache_entry *e);

/* Under lock: let go of a reference to e held by a request or by an entry
** made from it (base). */
static void entry_unref(cache_entry *e)
{
	if (e && --e->refs == 0 && e->dead)
		entry_free(e);
}

static void entry_free(cache_entry *e)
{
	for (int i = 0; i < CACHE_MAX_DASHBOARDS; i++)
		dash_free(e->dash[i]);
	findings_release(&e->fs);
	findings_release(&e->years);
	free(e->over.items);
	free(e->over_years.items);
	free(e->mask);
	rules_reached_free(&e->reached);
	facts_kept_free(e->facts);
	entry_unref(e->base);
	fstrings_unref(e->strs);
	strings_unref(e->rstrs);
	register_unref(e->cr);
	free(e);
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

void cache_free(findings_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CACHE_MAX_DATES; i++)
		if (c->entries[i])
			drop(c, i); /* a base held by another is freed with it */
	register_unref(c->current);
	for (int i = 0; i < CACHE_DELTAS; i++) {
		free(c->deltas[i].ix);
		free(c->deltas[i].places);
	}
	for (int a = 0; a < ARR_COUNT; a++) {
		free(c->spare[a].rows);
		idmap_free(&c->spare[a].index);
		for (int k = 0; k < CACHE_STEPS; k++)
			free(c->steps[a][k].rows);
	}
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->build_lock);
	free(c);
}

/* Under lock: forget the findings of other generations but, per date,
** the newest older one: the next evaluation of that date starts from it
** (incremental) and then drops it.  The register stays current until the
** next one is made from it (or loaded). */
static void drop_stale(findings_cache *c, int64_t gen)
{
	for (int i = 0; i < CACHE_MAX_DATES; i++) {
		cache_entry *e = c->entries[i];
		if (!e || e->generation == gen)
			continue;
		bool newer = e->generation > gen;
		for (int j = 0; !newer && j < CACHE_MAX_DATES; j++) {
			const cache_entry *o = c->entries[j];
			newer = o && o != e && o->as_of == e->as_of && o->generation > e->generation &&
				o->generation <= gen;
		}
		if (newer) {
			drop(c, i);
		} else if (!e->refs && e->cr) {
			/* kept as a base only: its findings point into the
			** register's strings, never its rows, so the rows (an
			** array copied by a write is large) go now */
			e->rstrs = e->cr->strings;
			e->rstrs->refs++;
			register_unref(e->cr);
			e->cr = NULL;
		}
	}
}

/* Under lock: the newest entry of (as_of, plan) made at generation gen or
** later, with its register (one kept as a base only has none).  A request
** that saw generation gen is answered by any such entry: it holds every
** write gen holds (the generation never goes back under a running server:
** restore refuses a database a server has open, pg_restore goes to a new
** one), so a reader never waits for, nor makes, the register of an older
** number than the newest made (under a flood of writes each reader would
** otherwise build its own, one after another). */
static cache_entry *find(findings_cache *c, int64_t gen, tg_date as_of, const tg_plan *plan)
{
	cache_entry *best = NULL;
	for (int i = 0; i < CACHE_MAX_DATES; i++) {
		cache_entry *e = c->entries[i];
		if (e && e->cr && e->generation >= gen && e->as_of == as_of && e->plan == plan &&
		    (!best || e->generation > best->generation))
			best = e;
	}
	return best;
}

/* Under lock: out holds e (its list, or only the head while it is not
** made: cache_get_lazy). */
static void hold(findings_cache *c, cache_entry *e, cache_view *out)
{
	e->refs++;
	e->used = ++c->clock;
	out->reg = &e->cr->reg;
	out->fs = e->listed ? &e->fs : &e->head;
	out->n_overdue = e->listed ? e->n_overdue : SIZE_MAX;
	out->generation = e->generation;
	out->entry = e;
}

/* Under lock: a free slot, evicting the least recently used entry that is
** not today's (today's only when it is alone: CACHE_MAX_DATES is 1). */
static int free_slot(findings_cache *c, int64_t gen)
{
	tg_date today = date_today();
	int victim = -1;
	for (int i = 0; i < CACHE_MAX_DATES; i++)
		if (!c->entries[i])
			return i;
	for (int i = 0; victim < 0 && i < CACHE_MAX_DATES; i++)
		if (c->entries[i]->generation != gen)
			victim = i; /* kept only to start from: the first to go */
	for (int i = 0; victim < 0 && i < CACHE_MAX_DATES; i++) {
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
	out->loads = c->loads;
	out->patches = c->patches;
	out->increments = c->increments;
	out->dashboards = c->dashboards;
	out->dashboard_updates = c->dashboard_updates;
	out->lists = c->lists;
	out->spares = c->spares;
	out->caught_up = c->caught_up;
	pthread_mutex_unlock(&c->lock);
}

/* ---- what of the change history a register holds ---- */

static bool seen_has(const cache_register *cr, int64_t id)
{
	if (id <= cr->floor)
		return true;
	size_t lo = 0, hi = cr->n_seen;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cr->seen[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cr->n_seen && cr->seen[lo] == id;
}

static int cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Add ids (n of them, any order) to what cr holds, then move the floor up
** over the ids now contiguous, and over gaps more than CACHE_SEEN_MAX
** behind the newest id. */
static void seen_add(cache_register *cr, const int64_t *ids, size_t n)
{
	cr->seen = must(realloc(cr->seen, (cr->n_seen + n + 1) * sizeof *cr->seen));
	for (size_t i = 0; i < n; i++)
		if (!seen_has(cr, ids[i]))
			cr->seen[cr->n_seen++] = ids[i];
	qsort(cr->seen, cr->n_seen, sizeof *cr->seen, cmp_id);
	size_t k = 0;
	int64_t newest = cr->n_seen ? cr->seen[cr->n_seen - 1] : cr->floor;
	if (newest - cr->floor > CACHE_SEEN_MAX)
		cr->floor = newest - CACHE_SEEN_MAX;
	while (k < cr->n_seen && cr->seen[k] <= cr->floor)
		k++;
	while (k < cr->n_seen && cr->seen[k] == cr->floor + 1)
		cr->floor = cr->seen[k++];
	memmove(cr->seen, cr->seen + k, (cr->n_seen - k) * sizeof *cr->seen);
	cr->n_seen -= k;
}

/* The changes a look reads. */
typedef struct change_list {
	const cache_register *base;
	int64_t *ids;   /* every new id */
	int *arrays;    /* per record to fetch: its array, */
	char **keys;    /* and key */
	size_t n_ids, n_records, n_rows;
	bool reload;    /* something only a whole load can follow */
} change_list;

static void collect(void *ctx, const tg_change *ch)
{
	change_list *l = ctx;
	l->n_rows++;
	if (l->base && seen_has(l->base, ch->id))
		return;
	if (l->reload)
		return;
	l->ids = must(realloc(l->ids, (l->n_ids + 1) * sizeof *l->ids));
	l->ids[l->n_ids++] = ch->id;
	if (!l->base)
		return; /* only the ids (a whole load) */
	int a = ch->array ? schema_array_find(ch->array) : -1;
	if (a < 0 || !ch->key) {
		/* evidence files and 催办 sent are no part of the register;
		** anything else unknown (an import's one row) is followed by a
		** whole load */
		if (!ch->array || (strcmp(ch->array, "evidence") && strcmp(ch->array, "urges")))
			l->reload = true;
		return;
	}
	if (l->n_records >= CACHE_PATCH_MAX_CHANGES) {
		l->reload = true;
		return;
	}
	l->arrays = must(realloc(l->arrays, (l->n_records + 1) * sizeof *l->arrays));
	l->keys = must(realloc(l->keys, (l->n_records + 1) * sizeof *l->keys));
	l->arrays[l->n_records] = a;
	l->keys[l->n_records++] = must(strdup(ch->key));
}

static void change_list_free(change_list *l)
{
	for (size_t i = 0; i < l->n_records; i++)
		free(l->keys[i]);
	free(l->keys);
	free(l->arrays);
	free(l->ids);
}

/* Load the register whole, with what of the history it holds: the ids of
** the last CACHE_SEEN_MAX changes are read first, so that a write between
** that and the load is read again at the next look (merging a record
** already there changes nothing). */
static int load_whole(findings_cache *c, tg_store *s, int64_t gen, cache_register **out,
		      tg_error *err)
{
	int64_t max = 0;
	int rc = store_change_max(s, &max, err);
	change_list l = {0};
	int64_t from = max > CACHE_SEEN_MAX ? max - CACHE_SEEN_MAX : 0;
	if (rc == TG_OK)
		rc = store_changes_since(s, from, CACHE_SEEN_MAX, collect, &l, err);
	tg_register reg;
	register_init(&reg);
	if (rc == TG_OK)
		rc = store_load_register(s, &reg, err);
	if (rc) {
		change_list_free(&l);
		register_release(&reg);
		return rc;
	}
	cache_register *cr = must(calloc(1, sizeof *cr));
	cr->generation = gen;
	cr->reg = reg;
	arena_init(&cr->reg.arena);
	for (int a = 0; a < ARR_COUNT; a++) {
		cr->rows[a] = rows_new(&c->spare[a]);
		cr->rows[a]->t = reg.t[a];
	}
	cr->strings = must(calloc(1, sizeof *cr->strings));
	cr->strings->refs = 1;
	cr->strings->arena = reg.arena;
	cr->floor = from;
	seen_add(cr, l.ids, l.n_ids);
	change_list_free(&l);
	*out = cr;
	return TG_OK;
}

/* ---- what a patch touched (docs/performance.md, "What a write reaches") ---- */

static void touch(cache_delta *d, tg_ix a)
{
	if (a == TG_IX_NONE || d->all)
		return;
	d->ix = must(realloc(d->ix, (d->n + 1) * sizeof *d->ix));
	d->ix[d->n++] = a;
}

/* The associations record key of array a names in r (by its top-level
** references), when it is there. */
static void touch_row(cache_delta *d, const tg_register *r, int a, const char *key)
{
	tg_ix i = register_find(r, a, key);
	if (i == TG_IX_NONE)
		return;
	if (a == ARR_ASSOCIATIONS) {
		touch(d, i);
		return;
	}
	const char *row = register_row(r, a, i);
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		if (f->type == FT_REF && f->target == ARR_ASSOCIATIONS)
			touch(d, *(const tg_ix *)(row + f->off_ix));
}

static bool names_association(int a)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++)
		if (f->type == FT_REF && f->target == ARR_ASSOCIATIONS)
			return true;
	return false;
}

/* Record key of array a was written: the associations whose findings that
** can change, before (in old) and after (in now).  A record naming an
** association (a post, a report, ...) reaches the one it names, before and
** after; a person, the associations of the posts held; a step, the record
** it marks done; anything else (a unit, a batch, a jurisdiction, a task)
** reaches too far to follow: all.  Findings that name no association are
** evaluated on every run (rules_evaluate_only). */
/* k places added to *v (*n of them). */
static void places_add(tg_place **v, size_t *n, const tg_place *p, size_t k)
{
	if (!k)
		return;
	*v = must(realloc(*v, (*n + k) * sizeof **v));
	memcpy(*v + *n, p, k * sizeof *p);
	*n += k;
}

static void delta_add(cache_delta *d, const tg_register *old, const tg_register *now, int a,
		      const char *key)
{
	const tg_register *both[] = {old, now};
	for (int w = 0; w < 2; w++) { /* the places it reached (rules.h) */
		tg_ix i = register_find(both[w], a, key);
		tg_place p[TG_ROW_PLACES_MAX];
		size_t k = i == TG_IX_NONE ? 0 : rules_row_places(both[w], a, i, p);
		places_add(&d->places, &d->n_places, p, k);
	}
	if (a == ARR_ASSOCIATIONS || names_association(a)) {
		touch_row(d, old, a, key);
		touch_row(d, now, a, key);
	} else if (a == ARR_PERSONS) {
		tg_ix p = register_find(now, ARR_PERSONS, key);
		const tg_post *ts = REG_ROWS(now, ARR_POSTS, tg_post);
		for (size_t k = 0; p != TG_IX_NONE && k < REG_COUNT(now, ARR_POSTS); k++)
			if (ts[k].person_ix == p)
				touch(d, ts[k].association_ix);
	} else if (a == ARR_STEPS) {
		const tg_register *rs[] = {old, now};
		for (int w = 0; w < 2; w++) {
			tg_ix i = register_find(rs[w], ARR_STEPS, key);
			if (i == TG_IX_NONE)
				continue;
			const char *subject = REG_ROWS(rs[w], ARR_STEPS, tg_step)[i].subject;
			for (int b = 0; subject && b < ARR_COUNT; b++)
				if (b == ARR_ASSOCIATIONS || names_association(b))
					touch_row(d, now, b, subject);
		}
	} else {
		d->all = true;
	}
}

/* Under lock: remember what the patch of cr touched. */
static void delta_keep(findings_cache *c, const cache_register *cr)
{
	cache_delta *slot = &c->deltas[c->next_delta++ % CACHE_DELTAS];
	free(slot->ix);
	free(slot->places);
	*slot = cr->delta;
	slot->ix = NULL;
	slot->places = NULL;
	if (!cr->delta.all && cr->delta.n) {
		slot->ix = must(malloc(cr->delta.n * sizeof *slot->ix));
		memcpy(slot->ix, cr->delta.ix, cr->delta.n * sizeof *slot->ix);
	}
	slot->n_places = 0;
	if (!cr->delta.all)
		places_add(&slot->places, &slot->n_places, cr->delta.places, cr->delta.n_places);
}

/* Under lock: the associations (of n) whose findings may differ between
** generations from and to, a byte each, and the places the records written
** reached in *places (rules.h, tg_beyond_kept; free it); NULL when the
** patches between are not all remembered (a whole load, or more than
** CACHE_DELTAS) or one touched all: then only a full run will do. */
static uint8_t *delta_mask(findings_cache *c, int64_t from, int64_t to, size_t n,
			   tg_beyond_kept *places)
{
	tg_place *v = NULL;
	size_t n_v = 0;
	uint8_t *mask = must(calloc(n ? n : 1, 1));
	for (int64_t g = from; g != to;) {
		const cache_delta *d = NULL;
		for (int i = 0; !d && i < CACHE_DELTAS; i++)
			if (c->deltas[i].to && c->deltas[i].from == g)
				d = &c->deltas[i];
		if (!d || d->all || d->to > to) {
			free(mask);
			free(v);
			return NULL;
		}
		for (size_t k = 0; k < d->n; k++)
			if (d->ix[k] < n)
				mask[d->ix[k]] = 1;
		places_add(&v, &n_v, d->places, d->n_places);
		g = d->to;
	}
	places->places = v;
	places->n_places = n_v;
	return mask;
}

/* Under build_lock: sp (taken from array a's spare, alloc enough for
** from's rows) made to hold from's rows and index, from the rows written
** since the content it holds (the steps from sp->serial to from's); false
** (sp unchanged) when a step is no longer remembered. */
static bool catch_up(findings_cache *c, int a, cache_spare *sp, const cache_rows *from)
{
	const cache_step *chain[CACHE_STEPS];
	size_t n = 0;
	for (uint64_t s = sp->serial; s != from->serial; s = chain[n++]->to) {
		const cache_step *st = NULL;
		for (int k = 0; !st && k < CACHE_STEPS; k++)
			if (c->steps[a][k].rows && c->steps[a][k].from == s)
				st = &c->steps[a][k];
		if (!st || n == CACHE_STEPS)
			return false;
		chain[n] = st;
	}
	if (sp->count > from->t.count || sp->alloc < from->t.count)
		return false;
	size_t size = tg_schema[a].size;
	for (size_t k = 0; k < n; k++)
		for (size_t j = 0; j < chain[k]->n; j++) {
			size_t i = chain[k]->rows[j];
			assert(i < from->t.count);
			memcpy((char *)sp->rows + i * size, (const char *)from->t.rows + i * size, size);
		}
	tg_register view; /* for register_key */
	memset(&view, 0, sizeof view);
	view.t[a] = from->t;
	for (size_t i = sp->count; i < from->t.count; i++) /* appended since */
		idmap_put(&sp->index, register_key(&view, a, i), (uint32_t)i);
#ifdef TG_SLOW_CHECKS
	assert(!memcmp(sp->rows, from->t.rows, from->t.count * size));
	assert(sp->index.count == from->t.index.count);
	for (size_t i = 0; i < from->t.count; i++)
		assert(idmap_get(&sp->index, register_key(&view, a, i)) ==
		       idmap_get(&from->t.index, register_key(&view, a, i)));
#endif
	return true;
}

/* The register of generation gen made from base (held by the caller):
** CACHE_LOAD_WHOLE when only a whole load will do. */
static int patch_from(findings_cache *c, tg_store *s, cache_register *base, int64_t gen,
		      cache_register **out, tg_error *err)
{
	if (base->patches >= CACHE_PATCHES_MAX)
		return CACHE_LOAD_WHOLE;
	change_list l = {.base = base};
	const size_t limit = CACHE_SEEN_MAX + CACHE_PATCH_MAX_CHANGES;
	int rc = store_changes_since(s, base->floor, limit, collect, &l, err);
	if (l.n_rows >= limit)
		l.reload = true; /* more than one look reads */
	tg_register d; /* the records written since */
	register_init(&d);
	for (size_t i = 0; rc == TG_OK && !l.reload && i < l.n_records; i++) {
		int64_t version;
		rc = store_record_get(s, l.arrays[i], l.keys[i], &d, &version, err);
		if (rc == TG_ENOTFOUND) { /* deleted */
			l.reload = true;
			rc = TG_OK;
		}
	}
	if (rc == TG_OK && l.reload)
		rc = CACHE_LOAD_WHOLE;
	if (rc) {
		change_list_free(&l);
		register_release(&d);
		return rc;
	}
	for (size_t i = 0; i < REG_COUNT(&d, ARR_ANNUAL_REPORTS); i++)
		register_resolve_row(&d, ARR_ANNUAL_REPORTS, i); /* its key */

	cache_register *nr = must(calloc(1, sizeof *nr));
	nr->generation = gen;
	nr->patches = base->patches + 1;
	nr->reg = base->reg;
	/* the strings of the records written are added to base's arena, which
	** nr then shares: an arena only grows, so every string base's rows
	** point to stays where it is, and patches are made one at a time
	** (build_lock) */
	nr->reg.arena = base->strings->arena;
	cache_spare spare[ARR_COUNT] = {0};
	pthread_mutex_lock(&c->lock);
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!d.t[a].count) {
			nr->rows[a] = base->rows[a];
			nr->rows[a]->refs++;
		} else if (c->spare[a].alloc >= base->rows[a]->t.count + d.t[a].count) {
			spare[a] = c->spare[a];
			c->spare[a] = (cache_spare){0};
			c->spares++;
		}
	}
	base->strings->refs++;
	pthread_mutex_unlock(&c->lock);
	for (int a = 0; a < ARR_COUNT; a++) {
		if (d.t[a].count) { /* copy on write */
			const tg_table *from = &base->rows[a]->t;
			size_t need = from->count + d.t[a].count;
			cache_rows *r = rows_new(&c->spare[a]);
			r->t.rows = spare[a].rows ? spare[a].rows : must(malloc(need * tg_schema[a].size));
			r->t.alloc = spare[a].rows ? spare[a].alloc : need;
			if (spare[a].rows && catch_up(c, a, &spare[a], base->rows[a])) {
				pthread_mutex_lock(&c->lock); /* cache_stats reads it */
				c->caught_up++;
				pthread_mutex_unlock(&c->lock);
			} else { /* copied whole, into the spare's buffers if any */
				if (from->count)
					memcpy(r->t.rows, from->rows, from->count * tg_schema[a].size);
				idmap_copy(&spare[a].index, &from->index);
			}
			r->t.index = spare[a].index;
			r->t.count = from->count;
			nr->rows[a] = r;
		}
		nr->reg.t[a] = nr->rows[a]->t;
	}
	register_merge(&nr->reg, &d);
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!d.t[a].count)
			continue;
		cache_step *st = &c->steps[a][c->next_step[a]++ % CACHE_STEPS];
		free(st->rows);
		*st = (cache_step){base->rows[a]->serial, nr->rows[a]->serial,
				   must(malloc(d.t[a].count * sizeof *st->rows)), d.t[a].count};
		for (size_t i = 0; i < d.t[a].count; i++) {
			tg_ix at = register_find(&nr->reg, a, register_key(&d, a, i));
			register_resolve_row(&nr->reg, a, at);
			st->rows[i] = at;
		}
		nr->rows[a]->t = nr->reg.t[a];
	}
	nr->delta.from = base->generation;
	nr->delta.to = gen;
	for (int a = 0; a < ARR_COUNT; a++)
		for (size_t i = 0; i < d.t[a].count; i++)
			delta_add(&nr->delta, &base->reg, &nr->reg, a, register_key(&d, a, i));
	base->strings->arena = nr->reg.arena;
	nr->strings = base->strings; /* the reference taken above */
	arena_init(&nr->reg.arena);
	nr->floor = base->floor;
	nr->seen = base->n_seen ? must(malloc(base->n_seen * sizeof *nr->seen)) : NULL;
	if (base->n_seen)
		memcpy(nr->seen, base->seen, base->n_seen * sizeof *nr->seen);
	nr->n_seen = base->n_seen;
	seen_add(nr, l.ids, l.n_ids);
	change_list_free(&l);
	register_release(&d);
	*out = nr;
	return TG_OK;
}

static void index_of(cache_register *cr, tg_eval_index *ix);

/* The register of generation gen, made current, with a reference of the
** caller's own in *out: made from base (a reference the caller passes on,
** or NULL) when base is older, else loaded whole. */
static int make_current(findings_cache *c, tg_store *s, int64_t gen, cache_register *base,
			cache_register **out, tg_error *err)
{
	int rc = CACHE_LOAD_WHOLE;
	cache_register *cr = NULL;
	bool patched = false;
	if (base && base->generation < gen) {
		rc = patch_from(c, s, base, gen, &cr, err);
		patched = rc == TG_OK;
	}
	if (rc == CACHE_LOAD_WHOLE) {
		rc = load_whole(c, s, gen, &cr, err);
		/* the indexes an incremental run reads, built now: the first
		** write after a start does not pay for them */
		tg_eval_index ix;
		if (rc == TG_OK)
			index_of(cr, &ix);
	}
	pthread_mutex_lock(&c->lock);
	register_unref(base);
	if (rc == TG_OK) {
		cr->refs = 2; /* current, and the caller's */
		drop_stale(c, gen);
		register_unref(c->current);
		c->current = cr;
		if (patched) {
			c->patches++;
			delta_keep(c, cr);
		} else {
			c->loads++;
			/* no patch leads from the findings kept as bases */
			for (int i = 0; i < CACHE_MAX_DATES; i++)
				if (c->entries[i] && c->entries[i]->generation != gen)
					drop(c, i);
		}
	}
	pthread_mutex_unlock(&c->lock);
	*out = cr;
	return rc;
}

/* ---- evaluating a date ---- */

/* A link of strings holding the arenas of fs and years (emptied), on
** top of older (a reference the caller passes on, or NULL). */
static cache_fstrings *fstrings_new(tg_findings *fs, tg_findings *years, cache_fstrings *older)
{
	cache_fstrings *l = must(calloc(1, sizeof *l));
	l->refs = 1;
	l->fs = fs->arena;
	l->years = years->arena;
	arena_init(&fs->arena);
	arena_init(&years->arena);
	size_t own = l->fs.total + l->years.total;
	l->older = older;
	l->base = older ? older->base : own;
	l->bytes = own + (older ? older->bytes : 0);
	return l;
}

static const char *copy_str(tg_arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static void copy_strings(tg_arena *a, tg_findings *fs)
{
	for (size_t i = 0; i < fs->count; i++) {
		tg_finding *f = &fs->items[i];
		f->association = copy_str(a, f->association);
		f->subject = copy_str(a, f->subject);
		f->message = copy_str(a, f->message);
	}
	if (fs->n_notes) {
		const char **notes = arena_alloc(a, fs->n_notes * sizeof *notes);
		for (size_t i = 0; i < fs->n_notes; i++)
			notes[i] = copy_str(a, fs->notes[i]);
		fs->notes = notes;
	}
}

/* e's findings were made incrementally: when their chain of strings has
** grown past twice the full run's (each run adds the findings it made,
** those of every person, unit and task among them), copy what they point
** to into one arena and let the chain go.  The copy costs what the runs
** since the last one added, so a write's share stays bounded. */
static bool compact_due(const cache_entry *e)
{
	return e->strs->bytes > 2 * e->strs->base + (1u << 20);
}

static void compact(findings_cache *c, cache_entry *e)
{
	if (!compact_due(e))
		return;
	tg_findings fs = {0}, years = {0}; /* their arenas only */
	arena_init(&fs.arena);
	arena_init(&years.arena);
	copy_strings(&fs.arena, &e->fs);
	copy_strings(&years.arena, &e->years);
	cache_fstrings *l = fstrings_new(&fs, &years, NULL);
	pthread_mutex_lock(&c->lock);
	fstrings_unref(e->strs);
	pthread_mutex_unlock(&c->lock);
	e->strs = l;
}

/* Under build_lock: make e's list (listed) from its base's and what
** replaced the findings of the associations in its mask, and let the base
** go.  Costs a copy of every finding: a request that reads the list pays
** it once per entry, a write does not (docs/performance.md, "The list made
** when asked"). */
static void list_now(findings_cache *c, cache_entry *e)
{
	if (e->listed)
		return;
	assert(e->base && e->base->listed && e->cr);
	tg_findings fs, years;
	findings_splice(&e->base->fs, &e->over, &e->cr->reg, e->mask, &e->reached, &fs);
	findings_splice(&e->base->years, &e->over_years, &e->cr->reg, e->mask, &e->reached,
			&years);
	size_t n_overdue = findings_overdue_count(&fs);
	pthread_mutex_lock(&c->lock);
	e->fs = fs;
	e->years = years;
	e->n_overdue = n_overdue;
	e->listed = true;
	c->lists++;
	entry_unref(e->base);
	e->base = NULL;
	pthread_mutex_unlock(&c->lock);
	free(e->over.items);
	free(e->over_years.items);
	free(e->mask);
	rules_reached_free(&e->reached);
	e->over = e->over_years = (tg_findings){0};
	e->mask = NULL;
	e->n_mask = 0;
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

/* d's answer written afresh from its kept numbers on register r. */
static void dash_write(cache_dash *d, const tg_register *r, const tg_plan *plan,
		       const tg_findings *fs)
{
	tg_dashboard view;
	dashboard_kept_view(d->kept, r, plan, &view);
	strbuf sb;
	sb_init(&sb);
	dashboard_write_json(&view, fs, plan, d->jurisdiction, &sb);
	dashboard_release(&view);
	free(d->json);
	d->json = sb_detach(&sb, &d->len);
}

/* The whole findings after a write as one kept dashboard's viewer sees
** them (read only when a deadline list ran short). */
struct all_ctx {
	findings_cache *c;
	cache_entry *e;
	struct viewer *v;
	const tg_findings *fs;
	tg_findings own;
};

static const tg_findings *all_findings(void *ctx)
{
	struct all_ctx *a = ctx;
	if (!a->fs) {
		list_now(a->c, a->e); /* under build_lock: evaluate's */
		a->fs = findings_for_viewer(&a->e->fs, &a->e->years, exact_for, a->v, &a->own)
				? &a->own
				: &a->e->fs;
	}
	return a->fs;
}

/* e was made from prev incrementally (fresh and fresh_years the run of
** the associations in mask, on cr): prev's dashboards move to e, each
** updated by difference (dashboard_kept_update) and its answer written
** again.  One that cannot follow is dropped (made afresh when asked). */
static void carry_dashboards(findings_cache *c, cache_entry *prev, cache_entry *e,
			     cache_register *cr, const tg_plan *plan, const tg_findings *fresh,
			     const tg_findings *fresh_years, const uint8_t *mask,
			     const tg_reached *reached)
{
	cache_dash *ds[CACHE_MAX_DASHBOARDS];
	int n = 0, moved = 0;
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < CACHE_MAX_DASHBOARDS; i++) {
		if (prev->dash[i])
			ds[n++] = prev->dash[i];
		prev->dash[i] = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	for (int i = 0; i < n; i++) {
		cache_dash *d = ds[i];
		struct viewer vw = {&d->viewer, &cr->reg};
		tg_findings mine;
		bool own = findings_for_viewer(fresh, fresh_years, exact_for, &vw, &mine);
		struct all_ctx all = {c, e, &vw, NULL, {0}};
		bool ok = dashboard_kept_update(d->kept, &cr->reg, plan, own ? &mine : fresh, mask,
						reached, all_findings, &all);
		if (own)
			free(mine.items);
		if (all.fs == &all.own)
			free(all.own.items);
		if (!ok) {
			dash_free(d);
			continue;
		}
		dash_write(d, &cr->reg, plan, &e->head);
		e->dash[moved++] = d;
	}
	pthread_mutex_lock(&c->lock);
	c->dashboard_updates += (uint64_t)moved;
	pthread_mutex_unlock(&c->lock);
}

/* Under build_lock: what an incremental run reads beside cr (rules.h,
** tg_eval_index), built once per array's rows: each array's rows by
** association (the sub-register's), the retired cadres' posts (on the
** posts' and the persons' rows). */
static void index_of(cache_register *cr, tg_eval_index *ix)
{
	memset(ix, 0, sizeof *ix);
	for (int a = 0; a < ARR_COUNT; a++) {
		if (a == ARR_ASSOCIATIONS || !names_association(a))
			continue;
		cache_rows *rows = cr->rows[a];
		if (!rows->reach) {
			rows->reach = must(malloc(sizeof *rows->reach));
			assoc_rows_build(&cr->reg, a, rows->reach);
		}
		ix->by_assoc[a] = rows->reach;
	}
	cache_rows *posts = cr->rows[ARR_POSTS];
	if (posts->cadres && posts->cadres_persons != cr->rows[ARR_PERSONS]->serial) {
		cadre_posts_free(posts->cadres); /* a person was written since */
		free(posts->cadres);
		posts->cadres = NULL;
	}
	if (!posts->cadres) {
		posts->cadres = must(malloc(sizeof *posts->cadres));
		cadre_posts_build(&cr->reg, posts->cadres);
		posts->cadres_persons = cr->rows[ARR_PERSONS]->serial;
	}
	ix->cadre_posts = posts->cadres;
}

/* fs's as_of, plan and notes without its items. */
static tg_findings head_of(const tg_findings *fs)
{
	return (tg_findings){.as_of = fs->as_of, .plan_id = fs->plan_id, .notes = fs->notes,
			     .n_notes = fs->n_notes};
}

/* An entry not listed whose findings replaced have grown past an eighth of
** its base's is listed at once: each write copies them into the next
** entry's (findings_splice), so they must stay small beside the list. */
static bool over_due(const cache_entry *e)
{
	const cache_entry *b = e->base;
	return e->over.count + e->over_years.count > (b->fs.count + b->years.count) / 8 + 4096;
}

/* The findings as of as_of on cr (generation gen) into e (its cr set),
** under the build lock: made from the newest kept findings of that date
** on an older register and what the patches since touched, when every
** patch between is remembered (returns true: e is not listed, list_now
** makes its list when asked); else a full run (e is listed). */
static bool evaluate(findings_cache *c, cache_register *cr, const tg_plan *plan, tg_date as_of,
		     int64_t gen, cache_entry *e)
{
	cache_entry *prev = NULL;
	uint8_t *mask = NULL;
	tg_beyond_kept kept = {0};
	size_t n = REG_COUNT(&cr->reg, ARR_ASSOCIATIONS);
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < CACHE_MAX_DATES; i++) {
		cache_entry *o = c->entries[i];
		if (o && o->as_of == as_of && o->generation < gen && o->plan == plan &&
		    (!prev || o->generation > prev->generation))
			prev = o;
	}
	if (prev)
		mask = delta_mask(c, prev->generation, gen, n, &kept);
	if (mask) {
		prev->refs++;
		prev->strs->refs++; /* passed on to e's chain */
		e->facts = prev->facts; /* the facts move on with the date's runs */
		prev->facts = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	tg_findings fresh, fresh_years;
	tg_eval_index ix;
	if (mask && !prev->head.n_notes) {
		index_of(cr, &ix);
		if (!e->facts)
			e->facts = facts_kept_new();
	}
	tg_reached reached = {0};
	if (mask && (prev->head.n_notes ||
		     rules_evaluate_only(&cr->reg, plan, calendar_default(), as_of, mask, &ix,
					 e->facts, &kept, &reached, &fresh, &fresh_years) != TG_OK)) {
		/* notes are the whole register's: a full run says them (and
		** the facts kept, not brought up to this register, start over) */
		pthread_mutex_lock(&c->lock);
		prev->strs->refs--;
		entry_unref(prev);
		pthread_mutex_unlock(&c->lock);
		free(mask);
		mask = NULL;
		facts_kept_free(e->facts);
		e->facts = NULL;
	}
	free((void *)kept.places);
	if (!mask) {
		rules_evaluate_with_years(&cr->reg, plan, calendar_default(), as_of, &e->fs, &e->years);
		e->strs = fstrings_new(&e->fs, &e->years, NULL);
		e->n_overdue = findings_overdue_count(&e->fs);
		e->head = head_of(&e->fs);
		e->listed = true;
		return false;
	}
	/* what the run gave again points at the strings kept already */
	const tg_findings *near[2] = {prev->listed ? &prev->fs : &prev->over,
				      prev->listed ? NULL : &prev->base->fs};
	const tg_findings *near_years[2] = {prev->listed ? &prev->years : &prev->over_years,
					    prev->listed ? NULL : &prev->base->years};
	findings_share_strings(near, prev->listed ? 1 : 2, &fresh);
	findings_share_strings(near_years, prev->listed ? 1 : 2, &fresh_years);
	e->strs = fstrings_new(&fresh, &fresh_years, prev->strs);
	e->head = head_of(&fresh);
	/* e's list is its base's with the findings of e->mask replaced by
	** e->over's: prev's base and mask, and prev's findings replaced
	** with this write's in place of those of the associations it marks */
	pthread_mutex_lock(&c->lock);
	e->base = prev->listed ? prev : prev->base;
	e->base->refs++;
	pthread_mutex_unlock(&c->lock);
	e->n_mask = n;
	e->mask = must(malloc(n ? n : 1));
	memcpy(e->mask, mask, n);
	if (prev->listed) {
		e->over = fresh; /* its items now e's */
		e->over_years = fresh_years;
	} else {
		assert(prev->n_mask <= n); /* a patch never takes an association away */
		for (size_t a = 0; a < prev->n_mask; a++)
			e->mask[a] |= prev->mask[a];
		findings_splice(&prev->over, &fresh, &cr->reg, mask, &reached, &e->over);
		findings_splice(&prev->over_years, &fresh_years, &cr->reg, mask, &reached,
				&e->over_years);
		rules_reached_add(&e->reached, &prev->reached);
	}
	rules_reached_add(&e->reached, &reached);
	/* the kept dashboards' deadline lists point into the chain of
	** strings: a compaction lets it go, so they are made afresh then */
	if (!compact_due(e))
		carry_dashboards(c, prev, e, cr, plan, &fresh, &fresh_years, mask, &reached);
	rules_reached_free(&reached);
	if (!prev->listed) {
		free(fresh.items);
		free(fresh_years.items);
	}
	free(mask);
	pthread_mutex_lock(&c->lock);
	entry_unref(prev);
	pthread_mutex_unlock(&c->lock);
	if (compact_due(e) || over_due(e))
		list_now(c, e);
	compact(c, e);
	return true;
}

/* Under build_lock: v's entry listed, and v reading its list. */
static void view_list(findings_cache *c, cache_view *v)
{
	cache_entry *e = v->entry;
	list_now(c, e);
	pthread_mutex_lock(&c->lock);
	v->fs = &e->fs;
	v->n_overdue = e->n_overdue;
	pthread_mutex_unlock(&c->lock);
}

void cache_list(findings_cache *c, cache_view *v)
{
	cache_entry *e = v->entry;
	if (v->fs != &e->head)
		return; /* the list, or the viewer's own made from it */
	pthread_mutex_lock(&c->build_lock);
	view_list(c, v);
	pthread_mutex_unlock(&c->build_lock);
}

static int get(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of, bool list,
	       int64_t gen, cache_view *out, tg_error *err)
{
	int rc;
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&c->lock);
	cache_entry *e = find(c, gen, as_of, plan);
	if (e) {
		hold(c, e, out);
		pthread_mutex_unlock(&c->lock);
		if (list)
			cache_list(c, out);
		return TG_OK;
	}
	pthread_mutex_unlock(&c->lock);

	pthread_mutex_lock(&c->build_lock);
	/* Built while we waited?  If not, build the newest generation there
	** is, not the one seen before the wait: the requests that queued
	** behind this one, each having seen its own, are all answered by it. */
	int64_t seen = gen;
	if ((rc = store_generation(s, &gen, err))) {
		pthread_mutex_unlock(&c->build_lock);
		return rc;
	}
	pthread_mutex_lock(&c->lock);
	e = find(c, seen, as_of, plan);
	if (!e)
		drop_stale(c, gen);
	/* Take the register by reference now, and read c->current no more
	** after the unlock (bench/load once crashed on a NULL c->current
	** under writes, when requests dropped it without the build lock). */
	cache_register *cr = NULL, *base = NULL;
	if (e) {
		hold(c, e, out);
	} else if (c->current && c->current->generation == gen) {
		cr = c->current;
		cr->refs++;
	} else if (c->current) {
		base = c->current;
		base->refs++;
	}
	pthread_mutex_unlock(&c->lock);
	if (e)
		goto done;
	if (!cr && (rc = make_current(c, s, gen, base, &cr, err)))
		goto done;

	e = calloc(1, sizeof *e);
	if (!e) {
		pthread_mutex_lock(&c->lock);
		register_unref(cr);
		pthread_mutex_unlock(&c->lock);
		rc = TG_ENOMEM;
		goto done;
	}
	e->as_of = as_of;
	e->generation = gen;
	e->plan = plan;
	e->cr = cr;
	/* The register is immutable once loaded: evaluate without the lock. */
	bool incremental = evaluate(c, cr, plan, as_of, gen, e);
	pthread_mutex_lock(&c->lock);
	c->evaluations++;
	c->increments += incremental;
	for (int i = 0; i < CACHE_MAX_DATES; i++) /* the one it was made from */
		if (c->entries[i] && c->entries[i]->as_of == as_of && c->entries[i]->generation < gen)
			drop(c, i);
	c->entries[free_slot(c, gen)] = e;
	hold(c, e, out);
	pthread_mutex_unlock(&c->lock);
done:
	if (rc == TG_OK && list)
		view_list(c, out);
	pthread_mutex_unlock(&c->build_lock);
	return rc;
}

int cache_get_seen(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
		   int64_t seen, cache_view *out, tg_error *err)
{
	return get(c, s, plan, as_of, true, seen, out, err);
}

/* get for the generation there is now */
static int get_now(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of, bool list,
		   cache_view *out, tg_error *err)
{
	int64_t gen = 0;
	int rc = store_generation(s, &gen, err);
	return rc ? rc : get(c, s, plan, as_of, list, gen, out, err);
}

int cache_get(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
	      cache_view *out, tg_error *err)
{
	return get_now(c, s, plan, as_of, true, out, err);
}

int cache_get_lazy(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
		   cache_view *out, tg_error *err)
{
	return get_now(c, s, plan, as_of, false, out, err);
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


void cache_view_for(const tg_user *u, cache_view *v)
{
	const cache_entry *e = v->entry;
	assert(e->listed && v->fs == &e->fs);
	struct viewer vw = {u, v->reg};
	tg_findings view;
	if (!findings_for_viewer(&e->fs, &e->years, exact_for, &vw, &view))
		return; /* nothing withheld: the shared run as it is */
	v->own = must(malloc(sizeof *v->own));
	*v->own = view;
	v->fs = v->own;
	v->n_overdue = SIZE_MAX;
}

int cache_get_viewer(http_request *rq, tg_date as_of, cache_view *out)
{
	return cache_get_as(rq, &rq->user, as_of, out);
}

int cache_get_as(http_request *rq, const tg_user *viewer, tg_date as_of, cache_view *out)
{
	int rc = cache_get(rq->srv->cache, rq_store(rq), rq->srv->plan, as_of, out, &rq->err);
	if (rc)
		return rc;
	cache_view_for(viewer, out);
	return TG_OK;
}

/* ---- the dashboards kept ---- */

static bool dash_is(const cache_dash *d, const tg_user *u, tg_ix unit, const char *jurisdiction)
{
	return !strcmp(d->viewer.role, u->role) && !strcmp(d->viewer.unit, u->unit) &&
	       d->unit == unit &&
	       (d->jurisdiction ? jurisdiction && !strcmp(d->jurisdiction, jurisdiction)
				: !jurisdiction);
}

/* Every unit row of d on register r (GET /api/v1/dashboard/units): made
** from its kept numbers when asked, not kept (a list page's, not written
** again after each write).  Under c->lock when d is an entry's: a write's
** carry_dashboards takes d from it under the lock before changing it. */
static void dash_units(const cache_dash *d, const tg_register *r, const tg_plan *plan,
		       strbuf *out)
{
	tg_dashboard view;
	dashboard_kept_view(d->kept, r, plan, &view);
	dashboard_write_units_json(&view, d->jurisdiction, out);
	dashboard_release(&view);
}

static void dashboard_answer(findings_cache *c, const cache_view *v, const tg_user *u, tg_ix unit,
			     const char *jurisdiction, bool units, strbuf *out)
{
	cache_entry *e = v->entry;
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < CACHE_MAX_DASHBOARDS; i++) {
		cache_dash *d = e->dash[i];
		if (d && dash_is(d, u, unit, jurisdiction)) {
			d->used = ++c->clock;
			if (units)
				dash_units(d, v->reg, e->plan, out);
			else
				sb_add(out, d->json, d->len);
			pthread_mutex_unlock(&c->lock);
			return;
		}
	}
	pthread_mutex_unlock(&c->lock);

	/* made on the findings as u sees them: the viewer is its key */
	cache_view mine = *v;
	mine.own = NULL;
	cache_list(c, &mine);
	cache_view_for(u, &mine);
	cache_dash *d = must(calloc(1, sizeof *d));
	snprintf(d->viewer.role, sizeof d->viewer.role, "%s", u->role);
	snprintf(d->viewer.unit, sizeof d->viewer.unit, "%s", u->unit);
	d->unit = unit;
	d->jurisdiction = jurisdiction ? must(strdup(jurisdiction)) : NULL;
	d->kept = dashboard_kept_new(v->reg, e->plan, mine.fs, unit, jurisdiction);
	dash_write(d, v->reg, e->plan, mine.fs);
	if (units)
		dash_units(d, v->reg, e->plan, out);
	else
		sb_add(out, d->json, d->len);
	if (mine.own) {
		free(mine.own->items);
		free(mine.own);
	}

	cache_dash *gone = NULL;
	pthread_mutex_lock(&c->lock);
	c->dashboards++;
	int slot = -1;
	for (int i = 0; i < CACHE_MAX_DASHBOARDS; i++) {
		if (e->dash[i] && dash_is(e->dash[i], u, unit, jurisdiction)) {
			gone = d; /* made meanwhile by another request */
			slot = -2;
			break;
		}
		if (slot == -1 && !e->dash[i])
			slot = i;
	}
	if (slot == -1) { /* the least recently used gives way */
		slot = 0;
		for (int i = 1; i < CACHE_MAX_DASHBOARDS; i++)
			if (e->dash[i]->used < e->dash[slot]->used)
				slot = i;
		gone = e->dash[slot];
	}
	if (slot >= 0) {
		d->used = ++c->clock;
		e->dash[slot] = d;
	}
	pthread_mutex_unlock(&c->lock);
	dash_free(gone);
}

void cache_dashboard(findings_cache *c, const cache_view *v, const tg_user *u, tg_ix unit,
		     const char *jurisdiction, strbuf *out)
{
	dashboard_answer(c, v, u, unit, jurisdiction, false, out);
}

void cache_dashboard_units(findings_cache *c, const cache_view *v, const tg_user *u, tg_ix unit,
			   const char *jurisdiction, strbuf *out)
{
	dashboard_answer(c, v, u, unit, jurisdiction, true, out);
}
