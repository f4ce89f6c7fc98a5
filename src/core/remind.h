/*
** remind.h: the digests of 临近提醒 and 催办, computed once for the command
** line (`tuogou remind`, its mail) and the web UI (the bell, the 提醒 page).
**
** From one run of the rules on D: every finding with a due date that is
** already overdue, or falls due within N working days of D on the official
** calendar (the horizon), grouped by the supervising unit it concerns.
** Findings that concern no unit form the last group, 未明确主管单位.
** Within a group: overdue first, then by due date, rule and message.
**
** The digest points into the findings and the register it was built from;
** it owns only its arrays.  Nothing here does I/O.
*/
#ifndef TG_REMIND_H
#define TG_REMIND_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"
#include "plan.h"
#include "rules.h"
#include "strbuf.h"

#define REMIND_WITHIN_DEFAULT 5
#define REMIND_WITHIN_MAX 250

typedef struct tg_remind_item {
	const tg_finding *f;
	bool overdue;
	int days_overdue; /* overdue: calendar days past the due date */
	int workdays;     /* near: working days until the due date (0: due today) */
} tg_remind_item;

typedef struct tg_remind_unit {
	int32_t unit_ix;       /* -1: no unit */
	const char *unit_id;   /* NULL for the last group */
	const char *unit_name; /* "未明确主管单位" for the last group */
	const tg_remind_item *items;
	size_t n, n_overdue, n_near;
} tg_remind_unit;

typedef struct tg_remind_digest {
	tg_date as_of, horizon;
	int within;
	tg_remind_item *items; /* all, grouped */
	size_t n, n_overdue, n_near;
	tg_remind_unit *units;
	size_t n_units;
} tg_remind_digest;

/* Which findings a digest keeps (a user's scope); NULL keeps all. */
typedef bool (*tg_remind_keep)(const tg_finding *f, void *ctx);

/* Build the digest of fs (evaluated on r, as of fs->as_of) with the horizon
** `within` working days (0..REMIND_WITHIN_MAX).  Returns TG_OK or TG_ENOMEM
** (out is then empty). */
int remind_digest(const tg_register *r, const tg_findings *fs, const tg_calendar *cal,
		  int within, tg_remind_keep keep, void *keep_ctx, tg_remind_digest *out);
void remind_release(tg_remind_digest *d);

/* The digest as the text `tuogou remind` prints: a heading line, one block
** per unit (【单位】逾期 N 项，临近 M 项, then one line per item), a total. */
void remind_write_text(const tg_remind_digest *d, const tg_plan *plan, strbuf *out);
/* One unit's block alone (a mail body): its heading and lines. */
void remind_write_unit_text(const tg_remind_digest *d, const tg_remind_unit *u,
			    const tg_plan *plan, strbuf *out);
/* One item as JSON (GET /api/v1/reminders, a 催办's items): rule, title,
** clause, cite, association, association_name, subject, due (null with
** due_year when the day is withheld), state, light, days_overdue,
** workdays, message. */
void remind_write_item_json(strbuf *o, const tg_register *r, const tg_plan *plan,
			    const tg_remind_digest *d, const tg_remind_item *it);
#endif
