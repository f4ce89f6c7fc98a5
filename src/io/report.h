/*
** report.h: the two PDF reports of tuogou, drawn for the command line
** (`tuogou report progress|summary`) and the server (GET
** /api/v1/reports/progress.pdf, /api/v1/associations/{uscc}/summary.pdf)
** alike, from one run of the rules:
**
**   progress: the joint working group office's report on the reform as of
**   D, in the form of an official report (红头, title, addressee, numbered
**   sections, 落款): the dashboard's headline numbers (dashboard_compute on
**   the same run as `tuogou check`, so they agree), bar charts by batch, by
**   supervising unit and by separation, the overdue findings grouped by
**   unit with their clauses, and the lead departments' supporting rules
**   (unit_tasks, clause 6.2);
**
**   summary: one association's work summary (工作总结) for its unit to send
**   within the plan's working days after decoupling: what was done for each
**   of the five separations (its checklist), with dates and the names of the
**   evidence files attached to each item.
**
** The reports read the register, plan and findings given and write the PDF
** at path; nothing else (no store: the caller passes the evidence names).
*/
#ifndef TG_REPORT_H
#define TG_REPORT_H

#include <stddef.h>

#include "error.h"
#include "plan.h"
#include "register.h"
#include "rules.h"

/* An evidence file attached to a checklist item (rule, subject or NULL). */
typedef struct tg_report_evidence {
	const char *rule, *subject, *name;
} tg_report_evidence;

/* fs must come from rules_evaluate on r and plan; the report is as of
** fs->as_of.  Returns TG_OK, or TG_EIO with err filled. */
int report_progress_pdf(const tg_register *r, const tg_plan *plan, const tg_findings *fs,
			const char *path, tg_error *err);
/* The progress report of one jurisdiction (六(一)): its records and
** findings only (it and below it), its name as the place, the office of
** the plan it is judged under.  TG_ENOTFOUND for a code r does not hold. */
int report_progress_jurisdiction_pdf(const tg_register *r, const tg_plan *plan,
				     const tg_findings *fs, const char *code, const char *path,
				     tg_error *err);
/* The city's progress report with the counties (六(一)): the report of
** the whole, a table of every county (level county) side by side with the
** city's own records (本级) and the total, then one section per county,
** each from a new page, exactly as report_progress_jurisdiction_pdf draws
** it.  The counties' numbers and 本级 add up to the whole's. */
int report_progress_by_jurisdiction_pdf(const tg_register *r, const tg_plan *plan,
					const tg_findings *fs, const char *path, tg_error *err);
/* The work summary of association ai (an index into r's associations). */
int report_summary_pdf(const tg_register *r, const tg_plan *plan, const tg_findings *fs,
		       tg_ix ai, const tg_report_evidence *ev, size_t n_ev, const char *path,
		       tg_error *err);

#endif
