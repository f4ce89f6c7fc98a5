/*
** cache.h: the findings cache: a register and the findings of one as-of
** date, computed once per (generation, date) and shared read-only.
*/
#ifndef TG_HTTP_CACHE_H
#define TG_HTTP_CACHE_H

#include "request.h"
#include "rules.h"

/* The as-of dates kept at once per server (an LRU; today's entry is kept
** over the others): at national size each costs about the findings of one
** run (docs/performance.md, "Dates other than today"). */
#define CACHE_MAX_DATES 8

/* A register and the findings of one as-of date, shared read-only by the
** requests holding it; computed once per (generation, date). */
typedef struct cache_view {
	const tg_register *reg;
	const tg_findings *fs;
	int64_t generation;
	void *entry;
	tg_findings *own; /* cache_get_viewer: fs when it is the viewer's own */
	size_t n_overdue; /* of fs, counted once per entry; SIZE_MAX: fs is own */
} cache_view;

typedef struct findings_cache findings_cache;
findings_cache *cache_new(void);
void cache_free(findings_cache *c);
int cache_get(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
	      cache_view *out, tg_error *err);
void cache_put(findings_cache *c, cache_view *v);
/* cache_get for a request that may need no more than a kept dashboard:
** after a write, the entry's list may not be made yet (the list is a copy
** of every finding, made when first asked): v->fs then holds the as_of,
** plan and notes only, until cache_list. */
int cache_get_lazy(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
		   cache_view *out, tg_error *err);
/* cache_get for a request that saw generation `seen` (store_generation)
** some time ago: any entry made at that generation or later answers it.
** cache_get is this with the generation read now; the tests call it to be
** the request that queued behind the build of a newer one. */
int cache_get_seen(findings_cache *c, tg_store *s, const tg_plan *plan, tg_date as_of,
		   int64_t seen, cache_view *out, tg_error *err);
/* v (from cache_get_lazy) reading its entry's list, made now if need be. */
void cache_list(findings_cache *c, cache_view *v);

/* What the cache holds and has done: for the tests and the benchmarks. */
typedef struct cache_counts {
	uint64_t evaluations; /* rules runs since cache_new */
	int dates;            /* entries kept (at most CACHE_MAX_DATES) */
	int64_t generation;   /* of the register held, -1: none */
	uint64_t loads;       /* registers loaded whole */
	uint64_t patches;     /* registers made from the last one and the writes since */
	uint64_t increments;  /* evaluations of a date made from its findings on an
			       * older register and what the writes since touched */
	uint64_t dashboards;  /* dashboards made afresh (dashboard_kept_new) */
	uint64_t dashboard_updates; /* kept dashboards updated by difference */
	uint64_t lists;       /* lists made when asked, after incremental runs */
	uint64_t spares;      /* arrays copied into a dead copy's buffers */
	uint64_t caught_up;   /* of those, brought up to date by the rows written since */
} cache_counts;
void cache_stats(findings_cache *c, cache_counts *out);
/* cache_get for the request's user: the findings whose timing derives from
** a birth date are given by the year (rules_evaluate_with_years) where the
** user may not see that person's full ID number (policy_may_reveal), so
** that no answer, download or report rebuilds the number (issue 14).  Every
** handler that shows findings to a user reads them through this. */
int cache_get_viewer(http_request *rq, tg_date as_of, cache_view *out);
/* The same for another user than the request's (a 催办's items as the
** unit it is sent to sees them). */
int cache_get_as(http_request *rq, const tg_user *viewer, tg_date as_of, cache_view *out);
/* The same for a view cache_get gave: v->fs becomes user u's own list when
** some of the findings are withheld from u (cache_put frees it). */
void cache_view_for(const tg_user *u, cache_view *v);

/* The dashboards kept with an entry (docs/performance.md, "The dashboard
** after a write"): per viewer (role and unit: what policy_may_reveal
** reads), unit filter and jurisdiction, the answer of GET
** /api/v1/dashboard and what updates it by difference when the entry's
** findings are made incrementally from it; the least recently used given
** up past the bound. */
#define CACHE_MAX_DASHBOARDS 8
/* The dashboard of v's entry for user u, unit filter (TG_IX_NONE: all)
** and jurisdiction (NULL: all) as JSON, appended to out: the kept one, or
** made now (dashboard_kept_new on u's findings) and kept. */
void cache_dashboard(findings_cache *c, const cache_view *v, const tg_user *u, tg_ix unit,
		     const char *jurisdiction, strbuf *out);
/* Every unit row of that dashboard (GET /api/v1/dashboard/units), made
** from its kept numbers when asked; the dashboard kept as cache_dashboard
** keeps it. */
void cache_dashboard_units(findings_cache *c, const cache_view *v, const tg_user *u, tg_ix unit,
			   const char *jurisdiction, strbuf *out);

#endif
