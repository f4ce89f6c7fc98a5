/*
** api_import_sheets.c: the import routes, each a call of app_import (app.h):
** POST /api/v1/import (one bundle as the body) and
** POST /api/v1/import/sheets?dry_run=1, the web 导入 of
** spreadsheets: multipart/form-data with one or more files (.xlsx
** workbooks, one sheet per array; .csv files named by their array, posts.csv
** or 任职.csv, UTF-8 or GB18030; .json bundles too).
**
** Exactly `tuogou import` of the same files: each file is read by the sheet
** importer (src/io/sheet.c) into the bundle's validation, references may
** point into the other files or the stored register, and every error comes
** back at once named by sheet, row and column (工作表“任职”第3行E列（起始日期）),
** prefixed by the file name when several files were sent.  Nothing is
** stored unless everything passes; with dry_run=1 nothing is stored at all
** and the answer shows what the import would do (diff: new, changed field
** by field, unchanged, newer edits).  A write over a newer edit needs
** confirm_overwrite=1 (else 409 newer_edit).
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

/* A query flag: given, and neither "0" nor "false". */
static bool rq_flag(http_request *rq, const char *name)
{
	const char *v = rq_query(rq, name);
	return v && strcmp(v, "0") && strcmp(v, "false");
}

/* The problems of an import, every one in rq->errs (prefixed by the file's
** name when there were several), the first in the answer (400). */
static int reply_import_errors(http_request *rq, const app_import_file *files, size_t n,
			       const char *what)
{
	tg_errors *errs = calloc(1, sizeof *errs);
	if (!errs)
		abort();
	tg_errors_init(errs);
	rq->errs = errs;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < files[i].errs.count; k++) {
			const tg_error *e = &files[i].errs.items[k];
			if (n > 1)
				tg_errors_add(errs, e->code, e->path, "%s：%s", files[i].name,
					      e->message);
			else
				tg_errors_add(errs, e->code, e->path, "%s", e->message);
		}
		errs->total += files[i].errs.total - files[i].errs.count;
	}
	return reply_error(rq, HTTP_BAD_REQUEST, errs->items[0].code, errs->items[0].path,
			   "%s共有 %zu 处错误，未写入任何数据；第一处：%s", what, errs->total,
			   errs->items[0].message);
}

/* The answer of both routes: the counts, and in a dry run the diff. */
static int reply_imported(http_request *rq, const app_import_result *res, bool dry_run,
			  size_t files)
{
	sb_addf(&rq->out, "{\"ok\": true, \"dry_run\": %s, ", dry_run ? "true" : "false");
	if (files)
		sb_addf(&rq->out, "\"files\": %zu, ", files);
	app_import_json(res, dry_run, &rq->out);
	sb_adds(&rq->out, "}\n");
	return reply_json(rq, HTTP_OK);
}

/* POST /api/v1/import: one bundle as the body (application/json). */
int api_import(http_request *rq)
{
	const char *ct = rq_header(rq, HTTP_HEADER_CONTENT_TYPE);
	if (!ct || strncasecmp(ct, "application/json", 16))
		return reply_error(rq, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
				   NULL, "数据包应为 JSON（Content-Type: application/json）");
	bool dry_run = rq_flag(rq, "dry_run");
	app_import_file file = {.name = "bundle.json", .data = rq->body ? rq->body : "",
				.len = rq->body_len};
	tg_errors_init(&file.errs);
	const app_import_opts o = {.plan = rq->srv->plan, .dry_run = dry_run,
				   .confirm_overwrite = rq_flag(rq, "confirm_overwrite")};
	app_import_result res;
	int rc = app_import(rq_store(rq), &rq->user, &file, 1, &o, &res, &rq->err);
	if (rc == TG_EINVAL && !strcmp(rq->err.code, "import_invalid"))
		rc = reply_import_errors(rq, &file, 1, "数据包");
	else if (rc == TG_OK)
		rc = reply_imported(rq, &res, dry_run, 0);
	tg_errors_free(&file.errs);
	app_import_done(&res);
	return rc;
}

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

/* One upload as a file of the import: a bundle's bytes as they came, a
** sheet copied to dir for the readers (path[] its name, "" when none). */
static void take_upload(app_import_file *f, char path[512], const mp_part *p, const char *dir,
			size_t i)
{
	tg_errors_init(&f->errs);
	f->name = p->filename;
	if (has_ext(p->filename, ".json")) {
		f->data = p->data ? p->data : "";
		f->len = p->len;
		return;
	}
	if (has_ext(p->filename, ".csv")) {
		int a = sheet_array_of_path(p->filename);
		if (a < 0) {
			tg_errors_add(&f->errs, "unknown_sheet", "",
				      "无法从文件名判断数据表（文件应命名为数组名或其中文名称，如 posts.csv 或 任职.csv）");
			return;
		}
		snprintf(path, 512, "%s/%s.csv", dir, tg_schema[a].key);
	} else if (has_ext(p->filename, ".xlsx")) {
		snprintf(path, 512, "%s/%zu.xlsx", dir, i);
	} else {
		tg_errors_add(&f->errs, "bad_file_type", "",
			      "不支持的文件类型（支持 .xlsx、.csv 表格和 .json 数据包）");
		return;
	}
	if (write_all(path, p->data, p->len)) {
		path[0] = '\0';
		tg_errors_add(&f->errs, "io", "", "无法暂存上传的文件");
		return;
	}
	f->path = path;
}

int api_import_sheets(http_request *rq)
{
	bool dry_run = rq_flag(rq, "dry_run");
	char boundary[80], dir[512] = "", paths[SHEET_FILES_MAX][512];
	mp_form form = {0};
	app_import_file files[SHEET_FILES_MAX];
	memset(files, 0, sizeof files);
	memset(paths, 0, sizeof paths);
	app_import_result res;
	memset(&res, 0, sizeof res);
	size_t n = 0;
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
		take_upload(&files[n], paths[n], p, dir, n);
		n++;
	}
	if (!n) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, "required", "file",
				 "缺少上传文件（字段 file）");
		goto out;
	}
	const app_import_opts o = {.plan = rq->srv->plan, .dry_run = dry_run,
				   .confirm_overwrite = rq_flag(rq, "confirm_overwrite")};
	rc = app_import(rq_store(rq), &rq->user, files, n, &o, &res, &rq->err);
	if (rc == TG_EINVAL && !strcmp(rq->err.code, "import_invalid")) {
		rc = reply_import_errors(rq, files, n, "上传的表格");
		goto out;
	}
	if (rc)
		goto out;
	rc = reply_imported(rq, &res, dry_run, n);
out:
	for (size_t i = 0; i < SHEET_FILES_MAX; i++) {
		if (paths[i][0])
			unlink(paths[i]);
		tg_errors_free(&files[i].errs);
	}
	if (dir[0])
		rmdir(dir);
	multipart_free(&form);
	app_import_done(&res);
	return rc;
}
