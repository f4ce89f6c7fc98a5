/*
** api_security.c: the pages of the three administrators (三员分立) and the
** reveal of one ID number.
**
**   auditor   GET /api/v1/audit, /api/v1/audit/export (CSV), /api/v1/audit/verify
**   secadmin, sysadmin (issue 14: one proposes, the other kind approves)
**             GET/POST /api/v1/users, PUT /api/v1/users/{username},
**             POST /api/v1/users/{username}/password,
**             GET /api/v1/user-requests, POST /api/v1/user-requests/{id}/approve
**             | /reject; secadmin POST /api/v1/users/{username}/totp
**   sysadmin  GET/PUT /api/v1/settings
**   office, unit (the person's own unit only)
**             POST /api/v1/persons/{id}/reveal {"password"}: the full number once;
**             a wrong password counts as a failed login (lock-out, per-IP limit)
**
** None of these reads business data.  Every change is audited by the store
** (user_add, role_change, user_lock, password_reset, totp_set, setting,
** reveal_id); the export of the log and a refused reveal are audited here.
** No administrator changes his own account or any administrator's (see
** "users and roles" below).
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "app.h"
#include "audit_words.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "totp.h"

/* ---- the audit log (auditor) ----
**
** The log keeps its times in UTC ("2018-01-01T07:30:00Z", part of each
** record's hash); the auditor reads them, and picks days, in Beijing time:
** "at" is answered as "2018-01-01T15:30:00+08:00", and from/to are Beijing
** dates (store_audit_bounds).  UTC+8 is a fixed offset: see date.h. */

/* A record's time as Beijing time with its offset; as stored should it
** not be the log's UTC form. */
static void beijing_at(const char *at, char out[32])
{
	int64_t t;
	if (time_parse_utc(at, &t) == TG_OK)
		time_format_beijing(t, out);
	else
		snprintf(out, 32, "%s", at ? at : "");
}

static void write_audit_json(void *ctx, const tg_audit_record *r)
{
	strbuf *o = ctx;
	char hash[65], at[32];
	if (o->buf[o->len - 1] == '}')
		sb_adds(o, ",\n  ");
	else
		sb_adds(o, "\n  ");
	sb_addf(o, "{\"seq\": %lld, \"at\": ", (long long)r->seq);
	beijing_at(r->at, at);
	sb_add_json_str(o, at);
	audit_hex(r->hash, hash);
	/* before/after are JSON text written by the store (numbers masked). */
	const char *const members[][2] = {
		{"user", r->user},     {"role", r->role},     {"ip", r->ip},
		{"event", r->event},   {"object", r->object}, {"outcome", r->outcome},
		{"before", r->before}, {"after", r->after},   {"hash", hash}};
	sb_add_json_members(o, members, sizeof members / sizeof members[0]);
	sb_addc(o, '}');
}

static bool valid_date_text(const char *s)
{
	tg_date d;
	return !s || date_parse(s, &d) == TG_OK;
}

static int audit_filter(http_request *rq, tg_audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->user = rq_query(rq, "user");
	f->event = rq_query(rq, "event");
	f->from = rq_query(rq, "from");
	f->to = rq_query(rq, "to");
	/* days in Beijing time (store_audit_bounds) */
	if (!valid_date_text(f->from))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_date", "from",
				    "起始日期无效（应为 YYYY-MM-DD）");
	if (!valid_date_text(f->to))
		return tg_error_set(&rq->err, TG_EINVAL, "bad_date", "to",
				    "截止日期无效（应为 YYYY-MM-DD）");
	return TG_OK;
}

int api_audit_list(http_request *rq)
{
	tg_audit_filter f;
	size_t page, per_page, total = 0;
	int rc = rq_paging(rq, &page, &per_page);
	if (rc == TG_OK)
		rc = audit_filter(rq, &f);
	if (rc)
		return rc;
	sb_adds(&rq->out, "{\"items\": [");
	rc = store_audit_list(rq_store(rq), &f, (page - 1) * per_page, per_page, write_audit_json,
			      &rq->out, &total, &rq->err);
	if (rc)
		return rc;
	sb_addf(&rq->out, "], \"total\": %zu, \"page\": %zu, \"per_page\": %zu}\n", total, page,
		per_page);
	return reply_json(rq, HTTP_OK);
}

static void write_audit_csv(void *ctx, const tg_audit_record *r)
{
	strbuf *o = ctx;
	char seq[32], hash[65], at[32];
	snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
	audit_hex(r->hash, hash);
	beijing_at(r->at, at);
	strbuf object, before, after;
	sb_init(&object);
	sb_init(&before);
	sb_init(&after);
	audit_object_zh(r->object, &object);
	audit_change_zh(r->before, r->object, &before);
	audit_change_zh(r->after, r->object, &after);
	const char *cells[] = {seq,	 at,	     r->user,	  audit_role_zh(r->role),
			       r->ip,	 audit_event_zh(r->event), object.buf,
			       audit_outcome_zh(r->outcome), before.buf, after.buf, hash};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		if (i)
			sb_addc(o, ',');
		sb_add_csv_field(o, cells[i] ? cells[i] : "");
	}
	sb_adds(o, "\r\n");
	sb_release(&object);
	sb_release(&before);
	sb_release(&after);
}

/* The log as CSV (UTF-8 with BOM, so that Excel reads the Chinese), in the
** words a person reads (audit_words.c). */
int api_audit_export(http_request *rq)
{
	tg_audit_filter f;
	size_t total = 0;
	int rc = audit_filter(rq, &f);
	if (rc)
		return rc;
	strbuf *o = &rq->out;
	sb_adds(o, "\xEF\xBB\xBF序号,时间,用户,角色,来源地址,事件,对象,结果,变更前,变更后,散列\r\n");
	rc = store_audit_list(rq_store(rq), &f, 0, (size_t)-1 / 2, write_audit_csv, o, &total,
			      &rq->err);
	if (rc)
		return rc;
	char after[160];
	snprintf(after, sizeof after, "{\"format\": \"csv\", \"records\": %zu}", total);
	if ((rc = store_audit_add(rq_store(rq), "export", "audit_log", "ok", NULL, after,
				  &rq->err)))
		return rc;
	reply_header(rq, "Content-Disposition",
		     "attachment; filename=\"audit-log.csv\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6"
		     "%97%A5%E5%BF%97.csv");
	return reply(rq, HTTP_OK, "text/csv; charset=utf-8");
}

int api_audit_verify(http_request *rq)
{
	int64_t bad = 0, count = 0;
	tg_error e = {0};
	int rc = store_audit_verify(rq_store(rq), &bad, &count, &e);
	/* without the audit key the chain cannot be checked: not ok, no record named */
	bool no_key = rc == TG_ENOTFOUND && !strcmp(e.code, "audit_key_missing");
	if (rc && rc != TG_EINVAL && !no_key)
		return tg_error_set(&rq->err, rc, e.code, "", "%s", e.message);
	sb_addf(&rq->out, "{\"ok\": %s, \"count\": %lld, \"bad_seq\": ", rc ? "false" : "true",
		(long long)count);
	if (rc == TG_EINVAL)
		sb_addf(&rq->out, "%lld", (long long)bad);
	else
		sb_adds(&rq->out, "null");
	sb_add_json_member(&rq->out, ", \"code\": ", rc ? e.code : NULL);
	sb_add_json_member(&rq->out, ", \"message\": ", rc ? e.message : "审计记录完整，散列链未被篡改");
	sb_adds(&rq->out, "}\n");
	return reply_json(rq, HTTP_OK);
}

/* ---- users and roles (三员分立, issue 14) ----
**
** Administrator accounts (sysadmin, secadmin, auditor) are never made,
** changed, reset or given another role here: only `tuogou user` on the
** server does that (whoever holds the machine), so no administrator acts on
** his own kind or on another administrator.  Of a business account, what
** gives or changes its rights or access (creating it, its role or scope,
** a password reset, an unlock) is a request of one administrator (the
** security or the system administrator) carried out only when an
** administrator of the other kind approves it; the proposer never approves
** his own.  Request, approval and rejection are audited (user_request,
** user_approve, user_reject) and the change itself as before (user_add,
** role_change ...).  A request waits REQUEST_TTL_SECONDS at most.  A new
** account's or a reset's password is made at approval, shown once to the
** approver.  Locking an account, its display name and a new TOTP secret
** (secadmin) take away nothing but are done at once. */

static void user_json(strbuf *o, const tg_user *u)
{
	sb_add_json_member(o, "{\"username\": ", u->username);
	sb_add_json_member(o, ", \"display_name\": ", u->display_name[0] ? u->display_name : NULL);
	sb_add_json_member(o, ", \"role\": ", u->role);
	auth_scope_json(o, u);
	sb_addf(o,
		", \"locked\": %s, \"locked_until\": %lld, \"totp\": %s, \"must_change_password\": %s, "
		"\"created_at\": ",
		u->locked ? "true" : "false", (long long)u->locked_until,
		u->has_totp ? "true" : "false", u->must_change ? "true" : "false");
	sb_add_json_str(o, u->created_at);
	sb_addf(o, ", \"last_login_at\": %lld}", (long long)u->last_login_at);
}

int api_users_list(http_request *rq)
{
	tg_user *users = NULL;
	size_t n = 0;
	int rc = store_user_list(rq_store(rq), &users, &n, &rq->err);
	if (rc == TG_OK) {
		sb_adds(&rq->out, "{\"items\": [");
		for (size_t i = 0; i < n; i++) {
			sb_adds(&rq->out, i ? ",\n  " : "\n  ");
			user_json(&rq->out, &users[i]);
		}
		sb_addf(&rq->out, "], \"total\": %zu}\n", n);
		rc = reply_json(rq, HTTP_OK);
	}
	free(users);
	return rc;
}

static const char *body_str(json_t *body, const char *key)
{
	const char *v = json_string_value(json_object_get(body, key));
	return v && *v ? v : NULL;
}

static bool admin_role(const char *role)
{
	return (role_bit(role) & R_ADMINS) != 0;
}

/* 403: an administrator account is managed on the server only. */
static int admin_refused(http_request *rq, const char *field)
{
	reply_error(rq, HTTP_FORBIDDEN, "admin_account", field,
		    "管理员账户（系统管理员、安全管理员、安全审计员）只能在服务器上用 tuogou user "
		    "命令建立和管理，不能通过网页或接口建立、修改或授予");
	return TG_EINVAL;
}

/* Name (for a new account), role and scope of the body into u, by the
** store's rules (store_user_fill, then store_user_check for the unit or
** association), never an administrator's role: the response is set on a
** mistake (400 with the field, 403 admin_account). */
static int read_role(http_request *rq, json_t *body, const char *username, tg_user *u)
{
	tg_error e = {0};
	if (store_user_fill(u, username, body_str(body, "role"), body_str(body, "unit"),
			    body_str(body, "association"), body_str(body, "department"),
			    body_str(body, "jurisdiction"), &e) ||
	    (!admin_role(u->role) && store_user_check(rq_store(rq), u, &e)))
		return reply_error(rq, HTTP_BAD_REQUEST, e.code, e.path, "%s", e.message),
		       TG_EINVAL;
	if (admin_role(u->role))
		return admin_refused(rq, "role");
	const char *display = body_str(body, "display_name");
	if (display)
		snprintf(u->display_name, sizeof u->display_name, "%s", display);
	return TG_OK;
}

/* The answer's fields "totp_secret" and "otpauth" (for the authenticator
** app's QR) of a secret just issued, which is then forgotten. */
static void totp_json(strbuf *o, const tg_user *u, char secret[TOTP_SECRET_CHARS + 1])
{
	sb_add_json_member(o, ", \"totp_secret\": ", secret);
	sb_addf(o, ", \"otpauth\": \"otpauth://totp/tuogou:%s?secret=%s&issuer=tuogou\"",
		u->username, secret);
	sodium_memzero(secret, TOTP_SECRET_CHARS + 1);
}

/* A one-time password made at approval: 4 groups of 4 letters and digits
** (about 90 bits), with a capital, a small letter and a digit, passing
** http_password_check. */
static void temporary_password(const char *username, char out[20])
{
	static const char upper[] = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower[] = "abcdefghijkmnpqrstuvwxyz",
			  digit[] = "23456789";
	static const char all[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
	tg_error e = {0};
	do {
		for (int i = 0, j = 0; i < 19; i++) {
			if (i % 5 == 4) {
				out[i] = '-';
				continue;
			}
			const char *set = j == 0 ? upper : j == 1 ? lower : j == 2 ? digit : all;
			size_t n = strlen(set);
			out[i] = set[randombytes_uniform((uint32_t)n)];
			j++;
		}
		out[19] = '\0';
	} while (http_password_check(username, out, &e));
}

/* The role and scope asked for, as the request's detail (JSON): false when
** it does not fit (a display name of many escaped characters). */
static bool request_detail(const tg_user *u, bool totp, char out[1024])
{
	strbuf b;
	sb_init(&b);
	sb_add_json_member(&b, "{\"role\": ", u->role);
	auth_scope_json(&b, u);
	sb_add_json_member(&b, ", \"display_name\": ", u->display_name[0] ? u->display_name : NULL);
	sb_addf(&b, ", \"totp\": %s}", totp ? "true" : "false");
	bool fits = b.buf && b.len < 1024;
	snprintf(out, 1024, "%s", fits ? b.buf : "{}");
	sb_release(&b);
	return fits;
}

static int detail_too_long(http_request *rq)
{
	return reply_error(rq, HTTP_BAD_REQUEST, "too_long", "display_name", "姓名过长");
}

static void request_json(http_request *rq, strbuf *o, const tg_account_request *r)
{
	char *j = store_request_json(r);
	if (!j) {
		sb_adds(o, "null");
		return;
	}
	/* reopen it for what the caller may decide */
	sb_adds(o, j);
	o->len--;
	bool mine = !strcmp(r->proposer, rq->user.username) ||
		    !strcmp(r->proposer_role, rq->user.role);
	sb_addf(o, ", \"expires_at\": %lld, \"can_approve\": %s}",
		(long long)(r->created_at + REQUEST_TTL_SECONDS),
		!mine && !strcmp(r->status, "pending") ? "true" : "false");
	free(j);
}

/* Store a request for the other kind of administrator: 202 with it. */
static int propose(http_request *rq, const char *kind, const char *username, const char *detail)
{
	tg_account_request r;
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "%s", kind);
	snprintf(r.username, sizeof r.username, "%s", username);
	snprintf(r.detail, sizeof r.detail, "%s", detail);
	r.created_at = (int64_t)time(NULL);
	int rc = store_request_add(rq_store(rq), &r, &rq->err);
	if (rc)
		return rc;
	rq->out.len = 0;
	sb_adds(&rq->out, "{\"request\": ");
	request_json(rq, &rq->out, &r);
	sb_adds(&rq->out, ", \"message\": ");
	sb_add_json_str(&rq->out, !strcmp(rq->user.role, "secadmin")
					  ? "已提交申请，须由系统管理员审批后生效"
					  : "已提交申请，须由安全管理员审批后生效");
	sb_adds(&rq->out, "}\n");
	return reply_json(rq, HTTP_ACCEPTED);
}

int api_user_create(http_request *rq)
{
	json_t *body = NULL;
	tg_user u, other;
	int rc = TG_OK;
	char detail[1024];
	memset(&u, 0, sizeof u);
	if (rq_json_body(rq, &body))
		return TG_OK;
	const char *name = body_str(body, "username");
	if (read_role(rq, body, name ? name : "", &u))
		goto out;
	rc = store_user_get(rq_store(rq), u.username, 0, &other, NULL);
	if (rc == TG_OK) {
		rc = reply_error(rq, HTTP_CONFLICT, "duplicate_user", "username",
				 "用户名“%s”已存在", u.username);
		goto out;
	}
	if (!request_detail(&u, json_is_true(json_object_get(body, "totp")), detail))
		rc = detail_too_long(rq);
	else
		rc = propose(rq, "create", u.username, detail);
out:
	json_decref(body);
	return rc;
}

/* The account of {username}: a business account, not the caller's own
** (404 / 403 set). */
static int target_user(http_request *rq, tg_user *u)
{
	int rc = store_user_get(rq_store(rq), rq->params.value[0], 0, u, &rq->err);
	if (rc == TG_ENOTFOUND)
		return reply_error(rq, HTTP_NOT_FOUND, "no_user", "username", "用户不存在"),
		       TG_ENOTFOUND;
	if (rc)
		return rc;
	if (u->id == rq->user.id)
		return reply_error(rq, HTTP_FORBIDDEN, "own_account", NULL,
				   "不能修改自己的账户"),
		       TG_EINVAL;
	if (admin_role(u->role))
		return admin_refused(rq, "username");
	return TG_OK;
}

static int reply_user(http_request *rq, int64_t id)
{
	tg_user u;
	int rc = store_user_get(rq_store(rq), NULL, id, &u, &rq->err);
	if (rc)
		return rc;
	rq->out.len = 0;
	user_json(&rq->out, &u);
	sb_addc(&rq->out, '\n');
	return reply_json(rq, HTTP_OK);
}

static bool user_locked(const tg_user *u)
{
	return u->locked || u->locked_until > (int64_t)time(NULL);
}

int api_user_update(http_request *rq)
{
	json_t *body = NULL;
	tg_user u;
	int rc = TG_OK;
	char detail[1024];
	if (rq_json_body(rq, &body))
		return TG_OK;
	if ((rc = target_user(rq, &u))) {
		rc = rq->responded ? TG_OK : rc;
		goto out;
	}
	json_t *locked = json_object_get(body, "locked");
	if (locked && !json_is_boolean(locked)) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, "bad_type", "locked",
				 "locked 应为 true 或 false");
		goto out;
	}
	if (json_object_get(body, "role")) {
		/* another role or scope: a request */
		if (read_role(rq, body, NULL, &u))
			goto out;
		rc = request_detail(&u, false, detail) ? propose(rq, "change", u.username, detail)
						      : detail_too_long(rq);
		goto out;
	}
	if (locked && !json_is_true(locked) && user_locked(&u)) {
		rc = propose(rq, "unlock", u.username, "{}");
		goto out;
	}
	/* at once: a lock, the display name */
	if (body_str(body, "display_name"))
		snprintf(u.display_name, sizeof u.display_name, "%s", body_str(body, "display_name"));
	if (locked && json_is_true(locked))
		u.locked = true;
	rc = store_user_update(rq_store(rq), &u, &rq->err);
	if (rc == TG_OK)
		rc = reply_user(rq, u.id);
out:
	json_decref(body);
	return rc;
}

int api_user_password(http_request *rq)
{
	tg_user u;
	int rc = target_user(rq, &u);
	if (rc)
		return rq->responded ? TG_OK : rc;
	/* the new password is made at approval (the body is not read) */
	return propose(rq, "reset", u.username, "{}");
}

int api_user_totp(http_request *rq)
{
	tg_user u;
	int rc = target_user(rq, &u);
	if (rc)
		return rq->responded ? TG_OK : rc;
	char secret[TOTP_SECRET_CHARS + 1];
	if ((rc = app_user_totp(rq_store(rq), &u, secret, &rq->err)))
		return rc;
	user_json(&rq->out, &u);
	rq->out.len--;
	totp_json(&rq->out, &u, secret);
	sb_adds(&rq->out, "}\n");
	return reply_json(rq, HTTP_OK);
}

int api_requests_list(http_request *rq)
{
	tg_account_request *items = NULL;
	size_t n = 0;
	int rc = store_request_list(rq_store(rq), (int64_t)time(NULL) - REQUEST_TTL_SECONDS,
				    &items, &n, &rq->err);
	if (rc == TG_OK) {
		sb_adds(&rq->out, "{\"items\": [");
		for (size_t i = 0; i < n; i++) {
			sb_adds(&rq->out, i ? ",\n  " : "\n  ");
			request_json(rq, &rq->out, &items[i]);
		}
		sb_addf(&rq->out, "], \"total\": %zu}\n", n);
		rc = reply_json(rq, HTTP_OK);
	}
	free(items);
	return rc;
}

/* The pending, unexpired request {id} that the caller may decide: TG_OK,
** or the response is set (404 no_request, 403 own_request). */
static int decidable(http_request *rq, tg_account_request *out)
{
	char *end = NULL;
	const char *text = rq->params.value[0];
	long long id = strtoll(text, &end, 10);
	tg_account_request *items = NULL;
	size_t n = 0;
	int rc = TG_ENOTFOUND;
	if (end && !*end && id > 0 &&
	    (rc = store_request_list(rq_store(rq), (int64_t)time(NULL) - REQUEST_TTL_SECONDS,
				     &items, &n, &rq->err)) == TG_OK) {
		rc = TG_ENOTFOUND;
		for (size_t i = 0; i < n; i++)
			if (items[i].id == id) {
				*out = items[i];
				rc = TG_OK;
			}
	}
	free(items);
	if (rc == TG_ENOTFOUND)
		return reply_error(rq, HTTP_NOT_FOUND, "no_request", "id",
				   "没有这项待审批的申请（可能已处理或已过期）"),
		       TG_EINVAL;
	if (rc)
		return rc;
	if (!strcmp(out->proposer, rq->user.username) ||
	    !strcmp(out->proposer_role, rq->user.role))
		return reply_error(rq, HTTP_FORBIDDEN, "own_request", "id",
				   "不能审批自己或同类管理员提出的申请：须由另一类管理员（%s）审批",
				   !strcmp(out->proposer_role, "secadmin") ? "系统管理员"
									  : "安全管理员"),
		       TG_EINVAL;
	return TG_OK;
}

/* Decide the request {id} (decidable) as status ("approved", "rejected"):
** claimed in the store first (of two decisions at once, one wins; 404 to
** the other), then the answer begun with it: {"request": ... */
static int decide(http_request *rq, tg_account_request *r, const char *status)
{
	int rc = decidable(rq, r);
	if (rc)
		return rc;
	int64_t now = (int64_t)time(NULL);
	if ((rc = store_request_decide(rq_store(rq), r->id, "pending", status, now,
				       now - REQUEST_TTL_SECONDS, &rq->err)))
		return rc == TG_ENOTFOUND ? (reply_error(rq, HTTP_NOT_FOUND, rq->err.code, "id",
							 "%s", rq->err.message),
					     TG_ENOTFOUND)
					  : rc;
	snprintf(r->status, sizeof r->status, "%s", status);
	snprintf(r->decided_by, sizeof r->decided_by, "%s", rq->user.username);
	r->decided_at = now;
	sb_adds(&rq->out, "{\"request\": ");
	request_json(rq, &rq->out, r);
	return TG_OK;
}

int api_request_reject(http_request *rq)
{
	tg_account_request r;
	int rc = decide(rq, &r, "rejected");
	if (rc)
		return rq->responded ? TG_OK : rc;
	sb_adds(&rq->out, "}\n");
	return reply_json(rq, HTTP_OK);
}

/* Carry out an approved request; the answer's fields after "request". */
static int carry_out(http_request *rq, const tg_account_request *r, tg_error *e)
{
	tg_store *s = rq_store(rq);
	json_error_t jerr;
	json_t *d = json_loads(r->detail, 0, &jerr);
	tg_user u;
	char password[20] = "";
	int rc = TG_OK;
	memset(&u, 0, sizeof u);
	if (!strcmp(r->kind, "create")) {
		rc = store_user_fill(&u, r->username, body_str(d, "role"), body_str(d, "unit"),
				     body_str(d, "association"), body_str(d, "department"),
				     body_str(d, "jurisdiction"), e);
		snprintf(u.display_name, sizeof u.display_name, "%s",
			 body_str(d, "display_name") ? body_str(d, "display_name") : "");
	} else {
		rc = store_user_get(s, r->username, 0, &u, e);
		if (rc == TG_OK && admin_role(u.role))
			rc = tg_error_set(e, TG_EINVAL, "admin_account", "username",
					  "该账户现为管理员账户，只能在服务器上管理");
		if (rc == TG_OK && !strcmp(r->kind, "change")) {
			rc = store_user_fill(&u, NULL, body_str(d, "role"), body_str(d, "unit"),
					     body_str(d, "association"), body_str(d, "department"),
					     body_str(d, "jurisdiction"), e);
			if (body_str(d, "display_name"))
				snprintf(u.display_name, sizeof u.display_name, "%s",
					 body_str(d, "display_name"));
		}
	}
	if (rc == TG_OK && admin_role(u.role))
		rc = tg_error_set(e, TG_EINVAL, "admin_account", "role",
				  "管理员角色只能在服务器上授予");
	if (rc == TG_OK && (!strcmp(r->kind, "create") || !strcmp(r->kind, "reset"))) {
		temporary_password(u.username, password);
		rc = http_password_hash(password, u.password_hash, e);
	}
	if (rc == TG_OK && password[0])
		u.must_change = true; /* changed at the next login (auth.c) */
	if (rc == TG_OK && strcmp(r->kind, "change"))
		u.locked = false; /* a reset also lifts a lock */
	char secret[TOTP_SECRET_CHARS + 1] = "";
	if (rc == TG_OK && !strcmp(r->kind, "create"))
		rc = app_user_add(s, &u, json_is_true(json_object_get(d, "totp")), secret, e);
	else if (rc == TG_OK && (rc = store_user_update(s, &u, e)) == TG_OK)
		rc = store_user_get(s, u.username, 0, &u, e);
	if (rc == TG_OK) {
		sb_adds(&rq->out, ", \"user\": ");
		user_json(&rq->out, &u);
		if (password[0]) {
			sb_add_json_member(&rq->out, ", \"temporary_password\": ", password);
		}
		if (secret[0])
			totp_json(&rq->out, &u, secret);
	}
	sodium_memzero(password, sizeof password);
	json_decref(d);
	return rc;
}

int api_request_approve(http_request *rq)
{
	tg_account_request r;
	tg_error e = {0};
	/* claimed first: of two approvals at once, one carries it out */
	int rc = decide(rq, &r, "approved");
	if (rc)
		return rq->responded ? TG_OK : rc;
	rc = carry_out(rq, &r, &e);
	if (rc == TG_OK) {
		sb_adds(&rq->out, "}\n");
		return reply_json(rq, HTTP_OK);
	}
	/* the change could not be made (the name taken, the unit gone ...) */
	store_request_decide(rq_store(rq), r.id, "approved", "failed", r.decided_at, 0, NULL);
	rq->out.len = 0;
	if (rc == TG_EINVAL || rc == TG_ECONFLICT || rc == TG_ENOTFOUND)
		return reply_error(rq, rc == TG_ECONFLICT ? HTTP_CONFLICT : HTTP_BAD_REQUEST,
				   e.code, e.path, "申请无法执行：%s", e.message);
	return tg_error_set(&rq->err, rc, e.code, e.path, "%s", e.message);
}

/* ---- settings (sysadmin) ---- */

static const char *const setting_keys[] = {"require_totp"};

int api_settings_get(http_request *rq)
{
	sb_adds(&rq->out, "{");
	for (size_t i = 0; i < sizeof setting_keys / sizeof setting_keys[0]; i++) {
		bool on = store_setting_on(rq_store(rq), setting_keys[i]);
		sb_addf(&rq->out, "%s\"%s\": %s", i ? ", " : "", setting_keys[i],
			on ? "true" : "false");
	}
	sb_adds(&rq->out, ", \"backup\": \"tuogou backup\"}\n");
	return reply_json(rq, HTTP_OK);
}

int api_settings_put(http_request *rq)
{
	json_t *body = NULL;
	int rc = TG_OK;
	if (rq_json_body(rq, &body))
		return TG_OK;
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v) {
		bool known = false;
		for (size_t i = 0; i < sizeof setting_keys / sizeof setting_keys[0]; i++)
			known |= !strcmp(setting_keys[i], key);
		if (!known || !json_is_boolean(v)) {
			rc = reply_error(rq, HTTP_BAD_REQUEST, known ? "bad_type" : "unknown_setting",
					 key, known ? "设置项“%s”应为 true 或 false" : "没有设置项“%s”",
					 key);
			goto out;
		}
	}
	json_object_foreach(body, key, v) {
		if ((rc = store_setting_set(rq_store(rq), key, json_is_true(v) ? "1" : "0",
					    &rq->err)))
			goto out;
	}
	rq->out.len = 0;
	rc = api_settings_get(rq);
out:
	json_decref(body);
	return rc;
}

/* ---- one full ID number ---- */

/* Why auth_password_again refused, by the status it answered, for the
** audit record. */
static const char *refusal_reason(unsigned status)
{
	switch (status) {
	case HTTP_FORBIDDEN: return "bad_password";
	case HTTP_LOCKED: return "locked";
	case HTTP_TOO_MANY_REQUESTS: return "too_many_failures";
	case HTTP_BAD_REQUEST: return "no_password";
	case HTTP_SERVICE_UNAVAILABLE: return "login_limit_unavailable";
	default: return "error";
	}
}

struct again_ctx {
	http_request *rq;
	const char *password;
};

/* auth_password_again as app_reveal asks it (the answer set on refusal). */
static int password_again(void *ctx, const char **reason, bool *failed)
{
	struct again_ctx *c = ctx;
	if (!auth_password_again(c->rq, c->password))
		return TG_OK;
	*reason = refusal_reason(c->rq->status);
	*failed = c->rq->status == HTTP_FORBIDDEN;
	return TG_EINVAL;
}

int api_person_reveal(http_request *rq)
{
	json_t *body = NULL;
	char *number = NULL;
	if (rq_json_body(rq, &body))
		return TG_OK;
	const char *id = rq->params.value[0];
	struct again_ctx ctx = {rq, json_string_value(json_object_get(body, "password"))};
	int rc = app_reveal(rq_store(rq), &rq->user, id, password_again, &ctx, &number, &rq->err);
	if (rc == TG_ENOTFOUND && !strcmp(rq->err.code, "not_found"))
		rc = reply_error(rq, HTTP_NOT_FOUND, "not_found", NULL, "%s", rq->err.message);
	else if (rc == TG_EINVAL && !strcmp(rq->err.code, "password_again"))
		rc = TG_OK; /* the answer is auth_password_again's */
	else if (rc == TG_OK) {
		sb_add_json_member(&rq->out, "{\"id\": ", id);
		sb_add_json_member(&rq->out, ", \"id_number\": ", number);
		sb_adds(&rq->out, "}\n");
		rc = reply_json(rq, HTTP_OK);
	}
	if (number) {
		sodium_memzero(number, strlen(number));
		free(number);
	}
	json_decref(body);
	return rc;
}
