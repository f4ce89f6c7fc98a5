/*
** api_import_sheets.c: POST /api/v1/import/sheets?dry_run=1, the web 导入 of
** spreadsheets: multipart/form-data with one or more files (.xlsx
** workbooks, one sheet per array; .csv files named by their array, posts.csv
** or 任职.csv, UTF-8 or GB18030; .json bundles too).
**
** Exactly `tuogou import` of the same files: each file is read by the sheet
** importer (src/io/sheet.c) into the bundle's validation, references may
** point into the other files or the stored register, and every error comes
** back at once named by sheet, row and column (工作表“任职”第3行E列（起始日期）),
** prefixed by the file name when several files were sent.  Nothing is
** stored unless everything passes; with dry_run=1 nothing is stored at all.
** The uploads are written to a private temporary folder (0700) for the
** readers and removed before the answer.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "api.h"
#include "app.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "obligation.h"
#include "sheet.h"

#define SHEET_FILES_MAX 8

typedef struct upload {
	const char *name; /* as sent */
	char path[512];   /* the temporary copy */
	tg_register reg;
	tg_sheet_origin *origin;
	tg_errors errs;
	bool used, io_failed;
} upload;

static bool has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), k = strlen(ext);
	return n > k && !strcasecmp(name + n - k, ext);
}

static int write_all(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wbx");
	if (!f)
		return TG_EIO;
	size_t w = fwrite(data, 1, len, f);
	int bad = fclose(f);
	return w == len && !bad ? TG_OK : TG_EIO;
}

static void write_counts(strbuf *o, const tg_register *r)
{
	size_t n = 0;
	sb_adds(o, "{");
	for (int a = 0; a < ARR_COUNT; a++)
		if (r->t[a].count)
			sb_addf(o, "%s\"%s\": %zu", n++ ? ", " : "", tg_schema[a].key, r->t[a].count);
	sb_adds(o, "}");
}

/* Read one upload into its own register (not yet resolved). */
static void read_upload(upload *u, const mp_part *p, const char *dir, size_t i,
			const tg_plan *plan)
{
	register_init(&u->reg);
	tg_errors_init(&u->errs);
	u->used = true;
	u->name = p->filename;
	if (has_ext(p->filename, ".json")) {
		bundle_read_buffer(p->data, p->len, &u->reg, &u->errs);
		if (u->reg.plan && strcmp(u->reg.plan, plan->id))
			tg_errors_add(&u->errs, "plan_mismatch", "plan",
				      "数据包所属方案“%s”与所用方案“%s”不一致", u->reg.plan, plan->id);
		return;
	}
	if (has_ext(p->filename, ".csv")) {
		int a = sheet_array_of_path(p->filename);
		if (a < 0) {
			tg_errors_add(&u->errs, "unknown_sheet", "",
				      "无法从文件名判断数据表（文件应命名为数组名或其中文名称，如 posts.csv 或 任职.csv）");
			return;
		}
		snprintf(u->path, sizeof u->path, "%s/%s.csv", dir, tg_schema[a].key);
	} else if (has_ext(p->filename, ".xlsx")) {
		snprintf(u->path, sizeof u->path, "%s/%zu.xlsx", dir, i);
	} else {
		tg_errors_add(&u->errs, "bad_file_type", "",
			      "不支持的文件类型（支持 .xlsx、.csv 表格和 .json 数据包）");
		return;
	}
	if (write_all(u->path, p->data, p->len)) {
		u->io_failed = true;
		u->path[0] = '\0';
		tg_errors_add(&u->errs, "io", "", "无法暂存上传的文件");
		return;
	}
	sheet_read_file(u->path, &u->reg, &u->origin, &u->errs);
}

static void resolve_upload(upload *u, const tg_http_server *srv, const tg_register *pool,
			   const tg_register *stored)
{
	if (u->io_failed)
		return;
	size_t mark = u->errs.count;
	register_resolve(&u->reg, srv->plan_batches, srv->plan->n_batches, pool, &u->errs);
	obligation_check_steps(&u->reg, srv->plan, pool, &u->errs);
	if (!u->errs.total) /* an acceptance the file newly records must be ready */
		app_workflow_check(stored, &u->reg, srv->plan, false, &u->errs, NULL);
	sheet_translate_errors(u->origin, &u->errs, mark);
}

int api_import_sheets(http_request *rq)
{
	const char *dry = rq_query(rq, "dry_run");
	bool dry_run = dry && strcmp(dry, "0") && strcmp(dry, "false");
	char boundary[80], dir[512] = "";
	mp_form form = {0};
	upload ups[SHEET_FILES_MAX];
	memset(ups, 0, sizeof ups);
	size_t n = 0;
	tg_register stored, pool, incoming;
	register_init(&stored);
	register_init(&pool);
	register_init(&incoming);
	int rc = TG_OK;
	if (multipart_boundary(rq_header(rq, HTTP_HEADER_CONTENT_TYPE), boundary,
			       sizeof boundary)) {
		rc = reply_error(rq, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", NULL,
				 "上传表格须使用 multipart/form-data");
		goto out;
	}
	if (multipart_parse(rq->body ? rq->body : "", rq->body_len, boundary, &form)) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, "bad_multipart", NULL,
				 "上传内容格式错误（multipart/form-data 无法解析）");
		goto out;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/tuogou-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		rc = tg_error_set(&rq->err, TG_EIO, "io", "", "无法建立临时目录：%s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < form.n; i++) {
		const mp_part *p = &form.parts[i];
		if (!p->filename || !p->filename[0])
			continue;
		if (n == SHEET_FILES_MAX) {
			rc = reply_error(rq, HTTP_BAD_REQUEST, "too_many_files", "file",
					 "一次最多上传 %d 个文件", SHEET_FILES_MAX);
			goto out;
		}
		read_upload(&ups[n], p, dir, n, rq->srv->plan);
		n++;
	}
	if (!n) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, "required", "file",
				 "缺少上传文件（字段 file）");
		goto out;
	}
	/* All files form one bundle, resolved against each other and the
	** register already stored (as tuogou import does). */
	if ((rc = store_load_register(rq_store(rq), &stored, &rq->err)))
		goto out;
	register_merge(&pool, &stored);
	for (size_t i = 0; i < n; i++)
		register_merge(&pool, &ups[i].reg);
	tg_errors *errs = calloc(1, sizeof *errs);
	if (!errs)
		abort();
	tg_errors_init(errs);
	rq->errs = errs;
	for (size_t i = 0; i < n; i++) {
		resolve_upload(&ups[i], rq->srv, &pool, &stored);
		for (size_t k = 0; k < ups[i].errs.count; k++) {
			const tg_error *e = &ups[i].errs.items[k];
			if (n > 1)
				tg_errors_add(errs, e->code, e->path, "%s：%s", ups[i].name, e->message);
			else
				tg_errors_add(errs, e->code, e->path, "%s", e->message);
		}
		errs->total += ups[i].errs.total - ups[i].errs.count;
	}
	if (errs->total) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, errs->items[0].code, errs->items[0].path,
				 "上传的表格共有 %zu 处错误，未写入任何数据；第一处：%s", errs->total,
				 errs->items[0].message);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		register_merge(&incoming, &ups[i].reg);
	if (!dry_run &&
	    (rc = store_import_as(rq_store(rq), &incoming, rq->user.username, &rq->err)))
		goto out;
	sb_addf(&rq->out, "{\"ok\": true, \"dry_run\": %s, \"files\": %zu, \"counts\": ",
		dry_run ? "true" : "false", n);
	write_counts(&rq->out, &incoming);
	sb_adds(&rq->out, "}\n");
	rc = reply_json(rq, HTTP_OK);
out:
	for (size_t i = 0; i < SHEET_FILES_MAX; i++) {
		if (!ups[i].used)
			continue;
		if (ups[i].path[0])
			unlink(ups[i].path);
		register_release(&ups[i].reg);
		tg_errors_free(&ups[i].errs);
		sheet_origin_free(ups[i].origin);
	}
	if (dir[0])
		rmdir(dir);
	multipart_free(&form);
	register_release(&incoming);
	register_release(&pool);
	register_release(&stored);
	return rc;
}
