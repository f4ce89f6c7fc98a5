/*
** api_export.c: downloads as Excel: GET /api/v1/export/{list}.xlsx.
**
** {list} is a register array (associations, posts, unit_tasks, ...: the
** rows the user could list, with the same filters as the list route:
** ?unit=&association=&q=&batch=&state=&as_of=), "findings" (问题清单 of
** ?as_of=, with ?rule=&unit=&state=&association=&separation=, limited to the
** user's scope as GET /api/v1/findings is) or "template" (the empty import
** workbook, as `tuogou export --template`).  Written with xlsx_write.c:
** Chinese sheet names and headers, frozen header row, auto-filter, dates as
** dates, and ID numbers always masked (the full numbers leave only through
** the operator's CLI export).
**
** Also the helpers every download shares (api_reports.c): a private
** temporary file, and sending it as an attachment with a UTF-8 file name.
*/
#include <errno.h>
#include <stdio.h>
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
#include "xlsx.h"

#define EXPORT_MAX_ROWS 1000000 /* below Excel's 1 048 576 rows */
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ---- downloads ---- */

char *download_tmp_path(const char *suffix, tg_error *err)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	size_t n = strlen(dir) + strlen(suffix) + 32;
	char *path = malloc(n);
	if (!path) {
		tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
		return NULL;
	}
	snprintf(path, n, "%s/tuogou-dl-XXXXXX%s", dir, suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0) {
		tg_error_set(err, TG_EIO, "io", "", "无法建立临时文件：%s", strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* filename*=UTF-8''... (RFC 5987), and an ASCII fallback. */
static void disposition(const char *filename, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *dot = strrchr(filename, '.');
	size_t used = (size_t)snprintf(out, size, "attachment; filename=\"tuogou%s\"; filename*=UTF-8''",
				       dot ? dot : "");
	for (const unsigned char *p = (const unsigned char *)filename; *p && used + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p)) {
			out[used++] = (char)*p;
		} else {
			out[used++] = '%';
			out[used++] = hex[*p >> 4];
			out[used++] = hex[*p & 15];
		}
	}
	out[used < size ? used : size - 1] = '\0';
}

int reply_download(http_request *rq, const char *path, const char *content_type,
		   const char *filename)
{
	FILE *f = fopen(path, "rb");
	int rc = TG_OK;
	if (!f) {
		unlink(path);
		return tg_error_set(&rq->err, TG_EIO, "io", "", "无法读取生成的文件");
	}
	char buf[65536];
	size_t n;
	rq->out.len = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&rq->out, buf, n);
	if (ferror(f))
		rc = tg_error_set(&rq->err, TG_EIO, "io", "", "无法读取生成的文件");
	fclose(f);
	unlink(path);
	if (rc) {
		rq->out.len = 0;
		return rc;
	}
	char cd[768];
	disposition(filename, cd, sizeof cd);
	reply_header(rq, "Content-Disposition", cd);
	return reply(rq, HTTP_OK, content_type);
}

/* ---- findings ---- */

struct finding_scope {
	bool by_unit;
	tg_ix unit;
	const tg_register *reg;
	const char *jurisdiction; /* a county's account (六(一)): it and below */
	const char *association, *rule, *state;
	const tg_separation *separation;
};

static bool kept(const tg_findings *fs, const tg_finding *f, const struct finding_scope *s)
{
	if (s->by_unit && (s->unit == TG_IX_NONE || f->unit_ix != (int32_t)s->unit))
		return false;
	if (s->jurisdiction &&
	    !rules_within(s->reg, finding_jurisdiction(s->reg, f), s->jurisdiction))
		return false;
	if (s->association && (!f->association || strcmp(f->association, s->association)))
		return false;
	if (s->rule && strcmp(f->rule, s->rule))
		return false;
	if (s->state && strcmp(s->state, finding_overdue(fs, f) ? "overdue" : "open"))
		return false;
	if (s->separation) {
		bool in = false;
		for (size_t i = 0; !in && i < s->separation->n_clauses; i++)
			in = f->clause && !strcmp(f->clause, s->separation->clauses[i]);
		if (!in)
			return false;
	}
	return true;
}

static int export_findings(http_request *rq, const char *path, char *filename, size_t size)
{
	tg_date as_of;
	cache_view v;
	int rc = rq_as_of(rq, &as_of);
	if (rc)
		return rc;
	struct finding_scope s = {0};
	const tg_plan *plan = rq->srv->plan;
	s.rule = rq_query(rq, "rule");
	s.state = rq_query(rq, "state");
	if (s.state && strcmp(s.state, "open") && strcmp(s.state, "overdue"))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_state", "state",
				    "状态应为 open（待办）或 overdue（逾期）");
	const char *sep = rq_query(rq, "separation");
	for (size_t i = 0; sep && i < plan->n_separations; i++)
		if (!strcmp(plan->separations[i].id, sep))
			s.separation = &plan->separations[i];
	if (sep && !s.separation)
		return tg_error_set(&rq->err, TG_EINVAL, "bad_separation", "separation",
				    "没有这一类事项“%.40s”", sep);
	if ((rc = cache_get_viewer(rq, as_of, &v)))
		return rc;
	if (!strcmp(rq->user.role, "unit")) {
		s.by_unit = true;
		s.unit = register_find(v.reg, ARR_UNITS, rq->user.unit);
	}
	s.reg = v.reg;
	s.jurisdiction = rq->user.jurisdiction[0] ? rq->user.jurisdiction : NULL;
	const char *unit = rq_query(rq, "unit");
	if (unit) {
		tg_ix u = register_find(v.reg, ARR_UNITS, unit);
		if (s.by_unit && u != s.unit)
			u = TG_IX_NONE; /* another unit's: nothing */
		s.by_unit = true;
		s.unit = u;
	}
	s.association = rq_query(rq, "association");
	if (!strcmp(rq->user.role, "association")) {
		if (s.association && strcmp(s.association, rq->user.association))
			s.by_unit = true, s.unit = TG_IX_NONE;
		s.association = rq->user.association;
	}
	tg_findings view = *v.fs;
	view.items = malloc((v.fs->count ? v.fs->count : 1) * sizeof *view.items);
	if (!view.items)
		abort();
	view.count = 0;
	for (size_t i = 0; i < v.fs->count; i++)
		if (kept(v.fs, &v.fs->items[i], &s))
			view.items[view.count++] = v.fs->items[i];
	rc = xlsx_write_findings(&view, plan, v.reg, path, &rq->err);
	free(view.items);
	cache_put(rq->srv->cache, &v);
	char day[11];
	date_format(as_of, day);
	snprintf(filename, size, "问题清单-%s.xlsx", day);
	return rc;
}

/* ---- register arrays ---- */

static int export_array(http_request *rq, int a, const char *path, char *filename, size_t size)
{
	tg_list_query q;
	tg_record_page page;
	char *stage_json = NULL;
	tg_date as_of;
	record_page_init(&page);
	int rc = rq_as_of(rq, &as_of);
	if (rc == TG_OK)
		rc = api_list_query(rq, a, &q, &stage_json);
	if (rc == TG_OK) {
		q.offset = 0;
		q.limit = EXPORT_MAX_ROWS;
		rc = store_record_list(rq_store(rq), a, &q, &page, &rq->err);
	}
	if (rc == TG_OK) {
		tg_xlsx_options opts = {.mask_ids = true, .only = a};
		rc = xlsx_write_register(&page.reg, path, &opts, &rq->err);
	}
	if (rc == TG_OK) {
		char day[11];
		date_format(as_of, day);
		snprintf(filename, size, "%s-%s.xlsx", tg_schema[a].zh, day);
	}
	record_page_release(&page);
	free(stage_json);
	return rc;
}

int api_export_xlsx(http_request *rq)
{
	const char *list = rq->params.value[0];
	int a = -1;
	for (int i = 0; i < ARR_COUNT; i++)
		if (!strcmp(tg_schema[i].key, list))
			a = i;
	if (a < 0 && strcmp(list, "findings") && strcmp(list, "template"))
		return reply_error(rq, HTTP_NOT_FOUND, "not_found", NULL,
				   "没有可导出的清单“%.40s”", list);
	char *path = download_tmp_path(".xlsx", &rq->err);
	if (!path)
		return TG_EIO;
	char filename[256];
	int rc;
	if (a >= 0) {
		rc = export_array(rq, a, path, filename, sizeof filename);
	} else if (!strcmp(list, "findings")) {
		rc = export_findings(rq, path, filename, sizeof filename);
	} else {
		rc = xlsx_write_template(path, &rq->err);
		snprintf(filename, sizeof filename, "导入模板.xlsx");
	}
	if (rc == TG_OK)
		rc = reply_download(rq, path, XLSX_TYPE, filename);
	else
		unlink(path);
	free(path);
	return rc;
}
