/*
** api_reports.c: the PDF reports as downloads, drawn by src/io/report.c
** exactly as `tuogou report` draws them:
**
**   GET /api/v1/reports/progress.pdf?as_of=           the joint working
**       group office's progress report (office, civil_affairs, department:
**       the roles that see every association); a county account's is its
**       county's, ?jurisdiction=CODE one county's (within the account's),
**       ?by=jurisdiction the whole with a page per county (六(一));
**   GET /api/v1/associations/{uscc}/summary.pdf?as_of= one association's
**       work summary (any business role, within its scope).
**
** Both read the cached run of the as-of date (cache.c), so the numbers are
** those of GET /api/v1/findings and `tuogou check` for that date.  One PDF
** is drawn at a time (pdf_lock): pango's font maps and the font caches are
** shared and a report takes a fraction of a second.  The font caches are
** released at exit.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "pdf.h"
#include "report.h"

static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;

/* Under pdf_lock, before drawing: the font caches of fontconfig, pango and
** cairo are dropped at exit (after the server has stopped its threads), so
** that leak checkers see a clean heap, as the CLI does. */
static void pdf_begin(void)
{
	static bool registered;
	pthread_mutex_lock(&pdf_lock);
	if (!registered)
		registered = atexit(pdf_library_shutdown) == 0;
}

/* Before a report: its as-of date, the file it is drawn into (*path,
** malloc'd) and the cached run of that date (*v). */
static int report_begin(http_request *rq, tg_date *as_of, cache_view *v, char **path)
{
	int rc = rq_as_of(rq, as_of);
	if (rc)
		return rc;
	if (!(*path = download_tmp_path(".pdf", &rq->err)))
		return TG_EIO;
	if ((rc = cache_get_viewer(rq, *as_of, v))) {
		unlink(*path);
		free(*path);
		*path = NULL;
	}
	return rc;
}

/* After drawing it (rc): sent as "<title>-YYYY-MM-DD.pdf", and the file
** removed (on failure) and forgotten. */
static int report_send(http_request *rq, int rc, char *path, const char *title, tg_date as_of)
{
	if (rc == TG_OK) {
		char day[11], name[320];
		date_format(as_of, day);
		snprintf(name, sizeof name, "%s-%s.pdf", title, day);
		rc = reply_download(rq, path, "application/pdf", name);
	}
	if (rc)
		unlink(path);
	free(path);
	return rc;
}

int api_report_progress(http_request *rq)
{
	tg_date as_of;
	cache_view v;
	char *path = NULL;
	int rc = report_begin(rq, &as_of, &v, &path);
	if (rc)
		return rc;
	/* a county's account gets its county; the city, with by=jurisdiction,
	** a page per county */
	const char *code = api_jurisdiction_scope(rq, v.reg), *by = rq_query(rq, "by");
	if (by && strcmp(by, "jurisdiction")) {
		rc = tg_error_set(&rq->err, TG_EINVAL, "bad_value", "by",
				  "by 只能为 jurisdiction（按县分页）");
	} else {
		pdf_begin();
		rc = code ? report_progress_jurisdiction_pdf(v.reg, rq->srv->plan, v.fs, code,
							     path, &rq->err)
		     : by ? report_progress_by_jurisdiction_pdf(v.reg, rq->srv->plan, v.fs, path,
								&rq->err)
			  : report_progress_pdf(v.reg, rq->srv->plan, v.fs, path, &rq->err);
		pthread_mutex_unlock(&pdf_lock);
	}
	cache_put(rq->srv->cache, &v);
	return report_send(rq, rc, path, "脱钩工作进展情况报告", as_of);
}

int api_report_summary(http_request *rq)
{
	const char *uscc = rq->params.value[0];
	tg_date as_of;
	cache_view v = {0};
	tg_evidence *ev = NULL;
	tg_report_evidence *names = NULL;
	size_t n_ev = 0;
	char *path = NULL, title[320];
	int rc = report_begin(rq, &as_of, &v, &path);
	if (rc)
		return rc;
	tg_ix ai = register_find(v.reg, ARR_ASSOCIATIONS, uscc);
	if (ai == TG_IX_NONE) {
		rc = tg_error_set(&rq->err, TG_ENOTFOUND, "not_found", "", "没有找到该协会");
		goto out;
	}
	if ((rc = store_evidence_list(rq_store(rq), uscc, &ev, &n_ev, &rq->err)))
		goto out;
	names = calloc(n_ev ? n_ev : 1, sizeof *names);
	if (!names)
		abort();
	for (size_t i = 0; i < n_ev; i++)
		names[i] = (tg_report_evidence){ev[i].rule, ev[i].subject, ev[i].name};
	pdf_begin();
	rc = report_summary_pdf(v.reg, rq->srv->plan, v.fs, ai, names, n_ev, path, &rq->err);
	pthread_mutex_unlock(&pdf_lock);
out:
	if (ai != TG_IX_NONE) {
		const tg_association *a = &REG_ROWS(v.reg, ARR_ASSOCIATIONS, tg_association)[ai];
		snprintf(title, sizeof title, "%.200s脱钩工作总结", a->name ? a->name : uscc);
	} else {
		title[0] = '\0';
	}
	rc = report_send(rq, rc, path, title, as_of);
	cache_put(rq->srv->cache, &v);
	free(names);
	free(ev);
	return rc;
}
