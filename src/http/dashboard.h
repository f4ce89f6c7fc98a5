/*
** dashboard.h: the answer of GET /api/v1/dashboard as JSON, from the
** numbers of one dashboard (progress.h): written by the handler for a
** dashboard made afresh and by the cache for one it updated by difference
** after a write (cache.c), so that both are the same bytes.
*/
#ifndef TG_HTTP_DASHBOARD_H
#define TG_HTTP_DASHBOARD_H

#include "progress.h"

/* d's answer: its numbers and deadline lists (each finding written as
** finding_write_json writes it for fs, the run d was made from), the
** jurisdiction asked for (or NULL) and the plan's timeline. */
void dashboard_write_json(const tg_dashboard *d, const tg_findings *fs, const tg_plan *plan,
			  const char *jurisdiction, strbuf *o);

/* The units' rows of the dashboard's answer: the DASHBOARD_UNITS with the
** most associations in scope (ties in d's order), and units_total, the
** number of rows d has. */
#define DASHBOARD_UNITS 20

/* The answer of GET /api/v1/dashboard/units: every unit row of d, in d's
** order, and their number. */
void dashboard_write_units_json(const tg_dashboard *d, const char *jurisdiction, strbuf *o);

#endif
