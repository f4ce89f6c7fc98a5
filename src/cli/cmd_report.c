/*
** cmd_report.c: tuogou report progress [--jurisdiction CODE | --by-jurisdiction] [--db PATH] [--plan FILE]
**                      --as-of D -o FILE.pdf
**               tuogou report summary USCC [--db PATH] [--plan FILE] --as-of D -o FILE.pdf
**
** progress: the joint working group office's report on the reform as of D,
** in the form of an official report (红头, title, addressee, numbered
** sections, 落款): the headline numbers of the dashboard (dashboard_compute
** on the same run as `tuogou check`, so they agree), bar charts by batch,
** by supervising unit and by separation, the overdue findings grouped by
** supervising unit with their clauses, and the lead departments' supporting
** rules (unit_tasks, clause 6.2).
**
** summary: one association's work summary (工作总结) for its unit to send to
** the office within the plan's working days after decoupling: what was done
** for each of the five separations (its checklist), with dates, and the
** names of the evidence files attached to each item.
**
** Both write FILE beside its target and rename it into place.  The
** documents themselves are drawn by src/io/report.c, which the server's
** PDF routes share; this file opens the store, runs the rules and names
** the evidence.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "cli.h"
#include "ident.h"
#include "pdf.h"
#include "report.h"

static const char usage[] =
	"tuogou report progress [--jurisdiction CODE | --by-jurisdiction] [--db PATH] [--plan FILE] "
	"--as-of YYYY-MM-DD -o FILE.pdf | "
	"report summary USCC [--db PATH] [--plan FILE] --as-of YYYY-MM-DD -o FILE.pdf";

/* One run: the store, the register, its plan and the findings on D. */
typedef struct report_run {
	tg_store *store;
	tg_plan *plan;
	tg_register r;
	tg_findings fs;
	bool evaluated;
} report_run;

static int run_open(report_run *run, const char *db, const char *plan_file, tg_date as_of)
{
	tg_error err = {0};
	memset(run, 0, sizeof *run);
	register_init(&run->r);
	int rc = cli_open_store(db, true, &run->store);
	if (rc)
		return rc;
	if ((rc = cli_load_plan(plan_file, run->store, &run->plan)))
		return rc;
	if (store_load_register(run->store, &run->r, &err)) {
		cli_print_error(&err);
		return EXIT_INTERNAL;
	}
	rules_evaluate(&run->r, run->plan, calendar_default(), as_of, &run->fs);
	run->evaluated = true;
	return EXIT_OK;
}

static void run_close(report_run *run)
{
	if (run->evaluated)
		findings_release(&run->fs);
	register_release(&run->r);
	plan_free(run->plan);
	store_close(run->store);
}

/* ---- the command ---- */

static int finish_file(int rc, const char *tmp, const char *output, tg_error *err)
{
	if (rc == TG_OK && rename(tmp, output) != 0)
		rc = tg_error_set(err, TG_EIO, "io", output, "无法写入文件");
	if (rc) {
		remove(tmp);
		cli_print_error(err);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	const char *db = cli_default_db(), *as_of = NULL, *output = NULL, *plan_file = NULL,
		   *code = NULL;
	bool by_jurisdiction = false;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("as-of", &as_of),
				   OPT_OUTPUT(&output), OPT_STRING("plan", &plan_file),
				   OPT_STRING("jurisdiction", &code),
				   OPT_FLAG("by-jurisdiction", &by_jurisdiction), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest >= argc || !as_of || !output)
		return cli_usage(usage);
	const char *kind = argv[rest];
	bool progress = !strcmp(kind, "progress");
	if ((!progress && strcmp(kind, "summary")) || (progress && rest + 1 != argc) ||
	    (!progress && (code || by_jurisdiction)) || (!progress && rest + 2 != argc) ||
	    (code && by_jurisdiction))
		return cli_usage(usage);
	tg_date day;
	if (cli_parse_date(as_of, "--as-of", &day))
		return EXIT_BADINPUT;
	char norm[19] = "";
	tg_error err = {0};
	if (!progress && ident_uscc_check(argv[rest + 1], norm, &err)) {
		fprintf(stderr, "tuogou: 统一社会信用代码“%s”无效：%s\n", argv[rest + 1], err.message);
		return EXIT_BADINPUT;
	}

	report_run run;
	size_t n = strlen(output) + 24;
	char *tmp = malloc(n);
	if (!tmp)
		abort();
	snprintf(tmp, n, "%s.tmp%d", output, (int)getpid());
	int rc = run_open(&run, db, plan_file, day);
	if (rc)
		goto out;
	if (progress && code && register_find(&run.r, ARR_JURISDICTIONS, code) == TG_IX_NONE) {
		fprintf(stderr, "tuogou: --jurisdiction: 登记簿中没有行政区划“%s”\n", code);
		rc = EXIT_BADINPUT;
		goto out;
	}
	if (progress) {
		rc = finish_file(
			code ? report_progress_jurisdiction_pdf(&run.r, run.plan, &run.fs, code, tmp,
								&err)
			: by_jurisdiction
				? report_progress_by_jurisdiction_pdf(&run.r, run.plan, &run.fs, tmp, &err)
				: report_progress_pdf(&run.r, run.plan, &run.fs, tmp, &err),
			tmp, output, &err);
		goto out;
	}
	tg_ix ai = register_find(&run.r, ARR_ASSOCIATIONS, norm);
	if (ai == TG_IX_NONE) {
		fprintf(stderr, "tuogou: 登记簿中没有统一社会信用代码为 %s 的协会\n", norm);
		rc = EXIT_BADINPUT;
		goto out;
	}
	/* Evidence is optional: a store without it still gives a summary. */
	tg_evidence *ev = NULL;
	size_t n_ev = 0;
	tg_error everr = {0};
	if (store_evidence_list(run.store, norm, &ev, &n_ev, &everr)) {
		ev = NULL;
		n_ev = 0;
	}
	tg_report_evidence *names = calloc(n_ev ? n_ev : 1, sizeof *names);
	if (!names)
		abort();
	for (size_t i = 0; i < n_ev; i++)
		names[i] = (tg_report_evidence){ev[i].rule, ev[i].subject, ev[i].name};
	rc = finish_file(report_summary_pdf(&run.r, run.plan, &run.fs, ai, names, n_ev, tmp, &err),
			 tmp, output, &err);
	free(names);
	free(ev);
out:
	free(tmp);
	run_close(&run);
	pdf_library_shutdown();
	return rc;
}
