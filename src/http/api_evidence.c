/*
** api_evidence.c: evidence files (佐证材料): upload and download.
**
** An upload is multipart/form-data with a part "file" (at most
** HTTP_EVIDENCE_MAX bytes) and optional "rule" and "subject", kept by
** app_evidence_add (src/app/evidence.c): refused (403) for a rule the user
** may not mark done, typed by its content (anything but PDF, PNG, JPEG,
** XLSX/DOCX and plain text is 415), written outside the web root under a
** generated name with its SHA-256.  A download is always an attachment with nosniff, so a file
** can never run as a page of this site.
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
#include "rules.h"

static void evidence_json(strbuf *o, const tg_evidence *e)
{
	sb_addf(o, "{\"id\": %lld, \"name\": ", (long long)e->id);
	sb_add_json_str(o, e->name);
	sb_add_json_member(o, ", \"sha256\": ", e->sha256);
	sb_addf(o, ", \"size\": %lld, \"content_type\": ", (long long)e->size);
	sb_add_json_str(o, e->content_type);
	sb_add_json_member(o, ", \"rule\": ", e->rule[0] ? e->rule : NULL);
	sb_add_json_member(o, ", \"subject\": ", e->subject[0] ? e->subject : NULL);
	sb_add_json_member(o, ", \"uploaded_at\": ", e->uploaded_at);
	sb_add_json_member(o, ", \"uploaded_by\": ", e->uploaded_by);
	sb_adds(o, "}\n");
}

/* A short text part ("rule", "subject") copied into out; "" when absent. */
static int text_part(http_request *rq, const mp_form *form, const char *name, char *out,
		     size_t size)
{
	const mp_part *p = multipart_get(form, name);
	out[0] = '\0';
	if (!p)
		return TG_OK;
	if (p->len >= size || !utf8_valid(p->data, p->len) || memchr(p->data, '\0', p->len))
		return reply_error(rq, HTTP_BAD_REQUEST, "bad_field", name, "“%s”的值无效",
				   name),
		       TG_EINVAL;
	memcpy(out, p->data, p->len);
	out[p->len] = '\0';
	return TG_OK;
}

static int read_upload(http_request *rq, mp_form *form, const mp_part **file)
{
	char boundary[80];
	const char *ct = rq_header(rq, HTTP_HEADER_CONTENT_TYPE);
	if (multipart_boundary(ct, boundary, sizeof boundary))
		return reply_error(rq, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
				   NULL, "上传佐证材料须使用 multipart/form-data"),
		       TG_EINVAL;
	if (multipart_parse(rq->body ? rq->body : "", rq->body_len, boundary, form))
		return reply_error(rq, HTTP_BAD_REQUEST, "bad_multipart", NULL,
				   "上传内容格式错误（multipart/form-data 无法解析）"),
		       TG_EINVAL;
	*file = multipart_get(form, "file");
	if (!*file || !(*file)->filename)
		return reply_error(rq, HTTP_BAD_REQUEST, "required", "file",
				   "缺少上传文件（字段 file）"),
		       TG_EINVAL;
	if ((*file)->len > HTTP_EVIDENCE_MAX)
		return reply_error(rq, HTTP_CONTENT_TOO_LARGE, "too_large", "file",
				   "文件过大（上限 %u MiB）", HTTP_EVIDENCE_MAX >> 20),
		       TG_EINVAL;
	return TG_OK;
}

int api_evidence_upload(http_request *rq)
{
	mp_form form = {0};
	const mp_part *file = NULL;
	char rule[sizeof ((tg_evidence *)0)->rule], subject[sizeof ((tg_evidence *)0)->subject];
	tg_evidence e;
	int rc = TG_OK;
	if (read_upload(rq, &form, &file) || text_part(rq, &form, "rule", rule, sizeof rule) ||
	    text_part(rq, &form, "subject", subject, sizeof subject))
		goto out;
	app_upload in = {rq->params.value[0], rule,          subject,      file->filename,
			 file->data,         file->len,     rq->srv->plan};
	if ((rc = app_evidence_add(rq_store(rq), &rq->user, rq->srv->evidence_dir, &in, &e,
				   &rq->err)))
		goto out;
	evidence_json(&rq->out, &e);
	rc = reply_json(rq, HTTP_CREATED);
out:
	multipart_free(&form);
	return rc;
}

static bool generated_name(const char *s)
{
	size_t n = strlen(s);
	if (n != 32)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* Content-Disposition: attachment, the name percent-encoded (RFC 6266). */
static void disposition(const tg_evidence *e, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "attachment; filename=\"evidence-%lld\"; "
					       "filename*=UTF-8''",
				    (long long)e->id);
	for (const unsigned char *p = (const unsigned char *)e->name; *p && n + 4 < size; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			out[n++] = (char)*p;
		else
			n += (size_t)snprintf(out + n, size - n, "%%%02X", *p);
	}
	out[n] = '\0';
}

int api_evidence_get(http_request *rq)
{
	tg_evidence e;
	int rc = store_evidence_get(rq_store(rq), strtoll(rq->params.value[0], NULL, 10), &e,
				    &rq->err);
	if (rc)
		return rc;
	if (!generated_name(e.path))
		return tg_error_set(&rq->err, TG_ENOTFOUND, "not_found", "", "没有找到该佐证材料");
	char path[4096], header[1024];
	snprintf(path, sizeof path, "%s/%s", rq->srv->evidence_dir, e.path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return tg_error_set(&rq->err, TG_ENOTFOUND, "not_found", "",
				    "佐证材料文件已不存在");
	}
	rq->fd = fd;
	rq->fd_size = (uint64_t)st.st_size;
	disposition(&e, header, sizeof header);
	reply_header(rq, "Content-Disposition", header);
	reply_header(rq, "X-Evidence-SHA256", e.sha256);
	/* The stored type is one app_sniff_content_type chose: a constant. */
	static const char *const known[] = {
		"application/pdf", "image/png", "image/jpeg",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"text/plain; charset=utf-8"};
	const char *type = "application/octet-stream";
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(known[i], e.content_type))
			type = known[i];
	return reply(rq, HTTP_OK, type);
}
