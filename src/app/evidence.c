/*
** evidence.c: evidence files (佐证材料) kept for an item (app.h).
**
** The file's type is decided by its content (PDF, PNG, JPEG, XLSX/DOCX,
** plain UTF-8 text), never by its name or what the client says it is.  The
** bytes are written under the evidence folder (outside the web root) with a
** generated random name, mode 0600, and their SHA-256 is recorded.  Who may
** attach a file to an item is who may mark the item done: the file is
** refused before a byte of it is written.
*/
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "progress.h"
#include "rights.h"
#include "rules.h"
#include "strbuf.h"

static bool starts(const char *data, size_t len, const char *magic, size_t n)
{
	return len >= n && !memcmp(data, magic, n);
}

/* Plain text: valid UTF-8 without control characters other than tab,
** line feed, carriage return and form feed. */
static bool is_text(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
			return false;
		if (c == 0x7F)
			return false;
	}
	return utf8_valid(data, len);
}

const char *app_sniff_content_type(const char *data, size_t len)
{
	if (len == 0)
		return NULL;
	if (starts(data, len, "%PDF-", 5))
		return "application/pdf";
	if (starts(data, len, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (starts(data, len, "\xFF\xD8\xFF", 3))
		return "image/jpeg";
	if (starts(data, len, "PK\x03\x04", 4)) {
		/* An Office Open XML package names its parts in the zip's
		** local headers: look for the main folder. */
		size_t scan = len;
		if (memmem(data, scan, "[Content_Types].xml", 19)) {
			if (memmem(data, scan, "xl/", 3))
				return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
			if (memmem(data, scan, "word/", 5))
				return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
		}
		return NULL;
	}
	if (is_text(data, len))
		return "text/plain; charset=utf-8";
	return NULL;
}

/* The client's file name, reduced to its last component, without control
** characters, valid UTF-8, at most 200 bytes; "佐证材料" when nothing is left. */
static void clean_name(const char *given, char *out, size_t size)
{
	const char *base = given ? given : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = 0;
	for (const char *p = base; *p && n + 1 < size && n < 200; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7F && *p != '"')
			out[n++] = *p;
	out[n] = '\0';
	while (n && !utf8_valid(out, n))
		out[--n] = '\0'; /* a cut multi-byte character */
	if (!n)
		snprintf(out, size, "佐证材料");
}

static int write_file(const char *dir, const char *name, const char *data, size_t len,
		      tg_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return tg_error_set(err, TG_EIO, "evidence_write", "", "无法保存佐证材料：%s",
				    strerror(errno));
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	int bad = done != len || fsync(fd) != 0;
	if (close(fd) != 0 || bad) {
		unlink(path);
		return tg_error_set(err, TG_EIO, "evidence_write", "", "保存佐证材料失败");
	}
	return TG_OK;
}

static void unlink_evidence(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

int app_may_mark(const tg_user *actor, const tg_plan *plan, const char *rule, tg_error *err)
{
	int array;
	const char *field;
	const tg_obligation *o = plan ? plan_obligation(plan, rule) : NULL;
	if (o && o->done == DONE_STEP) {
		if (!policy_can_create(actor, ARR_STEPS))
			return tg_error_set(err, TG_EINVAL, "field_forbidden", "steps",
					    "当前角色无权登记事项办理记录");
		return TG_OK;
	}
	if (o && o->done == DONE_FIELD) {
		const tg_field *f = schema_field_at(o->subject, o->done_off);
		array = o->subject;
		field = f ? f->key : NULL;
		if (field && !policy_can_write_field(actor, array, field))
			return tg_error_set(err, TG_EINVAL, "field_forbidden", field,
					    "当前角色无权修改字段“%s”", field);
		return TG_OK;
	}
	if (progress_done_field(rule, &array, &field) &&
	    !policy_can_write_field(actor, array, field))
		return tg_error_set(err, TG_EINVAL, "field_forbidden", field,
				    "当前角色无权修改字段“%s”", field);
	return TG_OK;
}

int app_evidence_add(tg_store *s, const tg_user *actor, const char *dir, const app_upload *in,
		     tg_evidence *out, tg_error *err)
{
	tg_evidence *e = out;
	memset(e, 0, sizeof *e);
	app_upload judged = *in;
	judged.plan = app_plan_of(s, in->plan, in->association);
	in = &judged;
	if (in->rule[0] && !rules_find(in->rule) && !(in->plan && plan_obligation(in->plan, in->rule)))
		return tg_error_set(err, TG_EINVAL, "unknown_rule", "rule",
				    "规则目录和方案中没有事项“%s”", in->rule);
	int rc = in->rule[0] ? app_may_mark(actor, in->plan, in->rule, err) : TG_OK;
	if (rc)
		return rc;
	const char *type = app_sniff_content_type(in->data, in->len);
	if (!type)
		return tg_error_set(err, TG_EINVAL, "unsupported_type", "file",
				    "不支持的文件类型：佐证材料须为 PDF、PNG、JPEG、XLSX、DOCX 或纯文本");
	snprintf(e->rule, sizeof e->rule, "%s", in->rule);
	snprintf(e->subject, sizeof e->subject, "%s", in->subject);
	unsigned char hash[crypto_hash_sha256_BYTES], name[16];
	crypto_hash_sha256(hash, (const unsigned char *)in->data, in->len);
	sodium_bin2hex(e->sha256, sizeof e->sha256, hash, sizeof hash);
	randombytes_buf(name, sizeof name);
	sodium_bin2hex(e->path, sizeof e->path, name, sizeof name);
	snprintf(e->association, sizeof e->association, "%s", in->association);
	clean_name(in->filename, e->name, sizeof e->name);
	snprintf(e->content_type, sizeof e->content_type, "%s", type);
	snprintf(e->uploaded_by, sizeof e->uploaded_by, "%s", actor->username);
	e->size = (int64_t)in->len;
	if ((rc = write_file(dir, e->path, in->data, in->len, err)))
		return rc;
	if ((rc = store_evidence_add(s, e, err)))
		unlink_evidence(dir, e->path);
	return rc;
}
