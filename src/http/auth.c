/*
** auth.c: who is asking.  Passwords (Argon2id), session cookies, the CSRF
** token and the Origin/Referer check, and the per-IP limit on failed logins.
**
** A session token is 256 random bits (randombytes_buf) sent to the browser
** in the HttpOnly cookie tuogou_session as 64 hex digits; the database keeps
** only its SHA-256, so a copy of the database opens no session.  A session
** ends after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_
** SECONDS after login, and at logout.  Every state-changing request must
** carry the session's CSRF token in X-CSRF-Token, and an Origin or Referer,
** when present, naming this host.
**
** The second factor is TOTP (totp.c): required for the three
** administrators, for every account that has a secret, and for everyone when
** the setting require_totp is on; a wrong code counts as a failed login.
** Every login, failure, lock-out and logout goes to the audit log (the store
** appends it for the actor set here).
**
** Issue 14: a password made at an approval (a new account, a reset) is
** temporary (must_change): the login with it answers 403
** password_change_required until the body also carries "new_password",
** which must pass the password rules; it is set, and the login goes on.
** A name no account has answers the same 423 as an account after
** LOGIN_MAX_FAILURES failures (its failures are counted by name beside the
** per-IP counts), and an administrator is delayed (1, 2, 4 ... at most
** LOGIN_ADMIN_DELAY_MAX seconds) instead of locked: a 15-minute lock would
** let anyone keep the administrators out.  Passwords are also judged by
** zxcvbn-c (common words, keyboard walks, dates ...).
**
** Asking for the password again (auth_password_again: the reveal of a full
** ID number) is a login as far as guessing goes: a wrong password there
** counts towards the account's lock-out and the address's limit exactly as
** a failed login does, a locked account or an address over its limit is
** refused before the password is looked at, and a right password resets
** nothing (only a login does), so a session cannot be used to guess.
**
** The per-IP count of failed logins lives in the database
** (store_login_ip_failure), so that every `tuogou serve` on one database
** counts the failures made through all of them; when it can be neither read
** nor written the login is refused (503 login_limit_unavailable) rather
** than let through unlimited.  The address counted, like the one the audit
** log records, is rq->ip: the client's (rq_client_address, client_addr.h),
** which is the TCP peer unless that is a trusted proxy.
*/
#include <ctype.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <zxcvbn.h>

#include "api.h"
#include "auth.h"
#include "input.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "totp.h"

/* ---- passwords ---- */

#define PASSWORD_MIN_BITS 33.0

static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Case-insensitive (ASCII) substring test. */
static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return false;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* Why zxcvbn rated a password weak, in Chinese: the kind of its longest
** part that is not random (a common word, a keyboard walk ...). */
static const char *weak_reason(const ZxcMatch_t *m)
{
	int type = BRUTE_MATCH, len = 0;
	for (; m; m = m->Next) {
		int t = (int)m->Type & ~MULTIPLE_MATCH;
		if (t != BRUTE_MATCH && t != NON_MATCH && m->Length > len) {
			type = t;
			len = m->Length;
		}
	}
	switch (type) {
	case DICTIONARY_MATCH:
	case DICT_LEET_MATCH: return "主要由常见单词或常用密码构成（字母换成数字或符号也能被猜到）";
	case USER_MATCH:
	case USER_LEET_MATCH: return "含有用户名";
	case REPEATS_MATCH: return "含有重复的字符或片段";
	case SEQUENCE_MATCH: return "含有连续的字母或数字（如 abc、123）";
	case SPATIAL_MATCH: return "含有键盘上相邻的按键（如 qwerty、asdf）";
	case DATE_MATCH:
	case YEAR_MATCH: return "主要由日期或年份构成";
	default: return "太短，随机性不足";
	}
}

/* The strength of a password as zxcvbn (Debian's zxcvbn-c) estimates it:
** refused under PASSWORD_MIN_BITS (log2 of the guesses an attacker needs;
** 33 bits is zxcvbn's best score, 10^10 guesses), with the reason. */
static int password_guessable(const char *username, const char *password, tg_error *err)
{
	const char *dict[] = {username && *username ? username : NULL, "tuogou", "luoyang", NULL};
	ZxcMatch_t *info = NULL;
	double bits = ZxcvbnMatch(password, dict[0] ? dict : dict + 1, &info);
	int rc = TG_OK;
	if (bits < PASSWORD_MIN_BITS)
		rc = tg_error_set(err, TG_EINVAL, "weak_password", "password",
				  "密码太容易被猜中：%s，请改用更长、更随机的密码（可用几个不相关的词加数字和符号）",
				  weak_reason(info));
	ZxcvbnFreeInfo(info);
	return rc;
}

int http_password_check(const char *username, const char *password, tg_error *err)
{
	if (!password || utf8_len(password) < 10)
		return tg_error_set(err, TG_EINVAL, "weak_password", "password",
				    "密码至少需要 10 个字符");
	if (strlen(password) > 1024)
		return tg_error_set(err, TG_EINVAL, "weak_password", "password", "密码过长");
	bool lower = false, upper = false, digit = false, other = false;
	for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return tg_error_set(err, TG_EINVAL, "weak_password", "password",
					    "密码不能含有控制字符");
		if (islower(*p))
			lower = true;
		else if (isupper(*p))
			upper = true;
		else if (isdigit(*p))
			digit = true;
		else
			other = true;
	}
	if (lower + upper + digit + other < 3)
		return tg_error_set(err, TG_EINVAL, "weak_password", "password",
				    "密码须包含小写字母、大写字母、数字、其他字符中的至少三类");
	if (username && contains_ci(password, username))
		return tg_error_set(err, TG_EINVAL, "weak_password", "password",
				    "密码不能包含用户名");
	return password_guessable(username, password, err);
}

static int sodium_ready(tg_error *err)
{
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, "sodium", "", "加密库初始化失败");
	return TG_OK;
}

int http_password_hash(const char *password, char out[128], tg_error *err)
{
	if (sodium_ready(err))
		return TG_EIO;
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return tg_error_set(err, TG_ENOMEM, "no_memory", "", "计算密码散列时内存不足");
	return TG_OK;
}

/* ---- tokens ---- */

static void hex_of(const unsigned char *bin, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, bin, n);
}

static void random_hex(char out[65])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	hex_of(raw, sizeof raw, out);
	sodium_memzero(raw, sizeof raw);
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	hex_of(h, sizeof h, out);
}

static bool is_token(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return false;
	return true;
}

static int64_t now_seconds(void)
{
	return (int64_t)time(NULL);
}

/* ---- sessions ---- */

int auth_session(http_request *rq)
{
	const char *cookie = rq_cookie(rq, "tuogou_session");
	tg_error e = {0};
	rq->logged_in = false;
	if (!is_token(cookie))
		return TG_OK;
	token_hash(cookie, rq->token_hash);
	tg_store *s = rq_store(rq);
	if (!s)
		return TG_EIO;
	int rc = store_session_get(s, rq->token_hash, &rq->session, &e);
	if (rc == TG_ENOTFOUND)
		return TG_OK;
	if (rc)
		return tg_error_set(&rq->err, rc, e.code, "", "%s", e.message);
	int64_t now = now_seconds();
	if (now - rq->session.last_seen > SESSION_IDLE_SECONDS ||
	    now - rq->session.created_at > SESSION_ABSOLUTE_SECONDS) {
		store_session_delete(s, rq->token_hash, NULL);
		return TG_OK;
	}
	rc = store_user_get(s, NULL, rq->session.user_id, &rq->user, &e);
	if (rc == TG_ENOTFOUND)
		return TG_OK;
	if (rc)
		return tg_error_set(&rq->err, rc, e.code, "", "%s", e.message);
	/* Writing on every request would queue readers behind writers. */
	if (now - rq->session.last_seen >= 60)
		store_session_touch(s, rq->token_hash, now, NULL);
	rq->logged_in = true;
	return TG_OK;
}

int auth_check_csrf(http_request *rq)
{
	const char *given = rq_header(rq, "X-CSRF-Token");
	size_t n = strlen(rq->session.csrf_token);
	if (!given || strlen(given) != n || n == 0 ||
	    sodium_memcmp(given, rq->session.csrf_token, n) != 0) {
		reply_error(rq, HTTP_FORBIDDEN, "csrf", "X-CSRF-Token",
			    "缺少或错误的 CSRF 令牌（X-CSRF-Token），请刷新页面后重试");
		return TG_EINVAL;
	}
	return TG_OK;
}

/* "scheme://host[:port]..." -> whether host[:port] is the Host header. */
static bool same_host(const char *url, const char *host)
{
	const char *p = strstr(url, "://");
	if (!p || !host)
		return false;
	p += 3;
	size_t n = strcspn(p, "/?#");
	return n == strlen(host) && !strncasecmp(p, host, n);
}

int auth_check_origin(http_request *rq)
{
	const char *host = rq_header(rq, HTTP_HEADER_HOST);
	const char *origin = rq_header(rq, "Origin");
	const char *referer = rq_header(rq, HTTP_HEADER_REFERER);
	if ((origin && !same_host(origin, host)) || (referer && !same_host(referer, host))) {
		reply_error(rq, HTTP_FORBIDDEN, "bad_origin", NULL,
			    "请求来源（Origin/Referer）不是本站，已拒绝");
		return TG_EINVAL;
	}
	return TG_OK;
}

/* ---- login ---- */

/* Whether the client's address (rq->ip) is over the limit of failed
** logins, after counting one more failure when add: TG_OK, or the count
** could not be read or written (*over is then true: fail closed). */
static int ip_limited(http_request *rq, bool add, bool *over)
{
	int64_t failures = 0;
	tg_store *s = rq_store(rq);
	*over = true;
	if (!s)
		return TG_EIO;
	int rc = store_login_ip_failure(s, rq->ip, now_seconds(), LOGIN_IP_WINDOW_SECONDS, add,
					&failures, NULL);
	if (rc == TG_OK)
		*over = failures > LOGIN_IP_MAX_FAILURES;
	return rc;
}

static int limit_unavailable(http_request *rq)
{
	return reply_error(rq, HTTP_SERVICE_UNAVAILABLE, "login_limit_unavailable", NULL,
			   "暂时无法核对登录失败次数，请稍后再试");
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	static const char pw[] = "not-a-password";
	if (crypto_pwhash_str(dummy_hash, pw, sizeof pw - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

static void session_json(http_request *rq, const tg_user *u, const char *csrf)
{
	strbuf *o = &rq->out;
	o->len = 0;
	sb_add_json_member(o, "{\"user\": ", u->username);
	sb_add_json_member(o, ", \"role\": ", u->role);
	sb_add_json_member(o, ", \"csrf_token\": ", csrf);
	auth_scope_json(o, u);
	sb_add_json_member(o, ", \"display_name\": ",
			   u->display_name[0] ? u->display_name : u->username);
	sb_adds(o, "}\n");
}

void auth_scope_json(strbuf *o, const tg_user *u)
{
	const char *const scope[][2] = {{"unit", u->unit},
					{"association", u->association},
					{"department", u->department},
					{"jurisdiction", u->jurisdiction}};
	for (size_t i = 0; i < sizeof scope / sizeof scope[0]; i++) {
		sb_addf(o, ", \"%s\": ", scope[i][0]);
		sb_add_json_str(o, scope[i][1][0] ? scope[i][1] : NULL);
	}
}

static bool over_tls(http_request *rq)
{
	const char *proto = rq_header(rq, "X-Forwarded-Proto");
	return rq->loopback && proto && !strcasecmp(proto, "https");
}

static void set_cookie(http_request *rq, const char *token, bool clear)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "tuogou_session=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
		 clear ? "" : token, clear ? "; Max-Age=0" : "", over_tls(rq) ? "; Secure" : "");
	reply_header(rq, HTTP_HEADER_SET_COOKIE, cookie);
}

void auth_audit_denied(http_request *rq, const char *why)
{
	char after[96];
	tg_store *s = rq->store;
	if (!s)
		return;
	snprintf(after, sizeof after, "{\"reason\": \"%s\", \"method\": \"%s\"}", why,
		 rq->method);
	store_audit_add(s, "access_denied", rq->path, "denied", NULL, after, NULL);
}

static int too_many_failures(http_request *rq)
{
	return reply_error(rq, HTTP_TOO_MANY_REQUESTS, "too_many_failures", NULL,
			   "登录失败次数过多，请 10 分钟后再试");
}

static bool account_locked(const tg_user *u)
{
	return u->locked || u->locked_until > now_seconds();
}

/* 423 for a locked account: by the security administrator, or for a while
** after LOGIN_MAX_FAILURES failures in a row.  The text of the second is
** the same for every account and for a name no account has (name_locked),
** so that a 423 tells nothing of which names exist.  An administrator is
** never locked for long (anyone could keep him out): he waits a delay that
** doubles with each failure past LOGIN_MAX_FAILURES - 1, at most
** LOGIN_ADMIN_DELAY_MAX seconds (admin_delay). */
static int reply_locked(http_request *rq, const tg_user *u)
{
	if (u && u->locked)
		return reply_error(rq, HTTP_LOCKED, "account_locked", NULL,
				   "账户已被安全管理员锁定，请联系安全管理员");
	if (u && (role_bit(u->role) & R_ADMINS))
		return reply_error(rq, HTTP_LOCKED, "account_locked", NULL,
				   "登录失败次数过多，请 %lld 秒后再试",
				   (long long)(u->locked_until - now_seconds()));
	return reply_error(rq, HTTP_LOCKED, "account_locked", NULL,
			   "连续登录失败 %d 次，账户已锁定，请 %d 分钟后再试", LOGIN_MAX_FAILURES,
			   LOGIN_LOCK_SECONDS / 60);
}

/* The seconds an administrator waits after his failures-th failure in a
** row: none for the first LOGIN_MAX_FAILURES - 1, then 1, 2, 4 ... up to
** LOGIN_ADMIN_DELAY_MAX. */
static int64_t admin_delay(int64_t failures)
{
	if (failures < LOGIN_MAX_FAILURES)
		return 0;
	int64_t n = failures - LOGIN_MAX_FAILURES;
	return n >= 16 || (INT64_C(1) << n) > LOGIN_ADMIN_DELAY_MAX ? LOGIN_ADMIN_DELAY_MAX
								       : INT64_C(1) << n;
}

/* The counter of failed logins of a name no account has, kept with the
** per-IP counts under the key "name:" and the SHA-256 of the name (no
** address starts so; the table keeps no name in clear: what was typed as a
** name may be a password), in their
** window (LOGIN_IP_WINDOW_SECONDS: the rows of older windows are deleted as
** failures are added), so such a name answers 423 until 10 minutes after
** its first failure, an account until 15 after its fifth. */
static int name_failures(http_request *rq, const char *name, bool add, int64_t *failures)
{
	char key[80], hash[65];
	*failures = 0;
	token_hash(name, hash);
	snprintf(key, sizeof key, "name:%s", hash);
	return store_login_ip_failure(rq_store(rq), key, now_seconds(), LOGIN_IP_WINDOW_SECONDS,
				      add, failures, NULL);
}

/* Whether a name no account has answers 423, as an account would after as
** many failures. */
static bool name_locked(http_request *rq, const char *name)
{
	int64_t n = 0;
	return name_failures(rq, name, false, &n) == TG_OK && n >= LOGIN_MAX_FAILURES;
}

/* A wrong password or code: counted per IP and per account (which audits
** it as login_failed and may lock the account, or delay an administrator),
** or per name when no account has it.  TG_OK, or the per-IP count could
** not be written. */
static int count_failure(http_request *rq, const tg_user *u, bool known, const char *name)
{
	tg_store *s = rq_store(rq);
	bool over;
	int counted = ip_limited(rq, true, &over);
	if (known && s && (role_bit(u->role) & R_ADMINS)) {
		store_user_login_result(s, u->id, false, now_seconds(), 0,
					admin_delay(u->failed_count + 1), NULL);
	} else if (known && s) {
		store_user_login_result(s, u->id, false, now_seconds(), LOGIN_MAX_FAILURES,
					LOGIN_LOCK_SECONDS, NULL);
	} else if (s) {
		char object[96];
		int64_t n;
		snprintf(object, sizeof object, "users/%.64s", name);
		store_audit_add(s, "login_failed", object, "failed", NULL, NULL, NULL);
		name_failures(rq, name, true, &n);
	}
	return counted;
}

/* A failed login: counted (count_failure); code and message say why. */
static int login_failed(http_request *rq, const tg_user *u, bool known, const char *name,
			const char *code, const char *field, const char *message)
{
	if (count_failure(rq, u, known, name))
		return limit_unavailable(rq);
	return reply_error(rq, HTTP_UNAUTHORIZED, code, field, "%s", message);
}

/* The logged-in user's password again.  TG_OK when it is right (nothing
** is reset: the failure count of the account and of the address stay as
** they are).  Otherwise TG_EINVAL with the response set, as a login would
** answer: 400 required without a password; 429 too_many_failures when the
** address is over its limit, 423 account_locked when the account is
** locked (the password is not looked at in either case); 403 bad_password
** for a wrong one, which counts as a failed login for the account (the
** LOGIN_MAX_FAILURES-th in a row locks it) and for the address; 503
** login_limit_unavailable when the address's count cannot be read or
** written. */
int auth_password_again(http_request *rq, const char *password)
{
	bool over;
	if (!password || !*password)
		return reply_error(rq, HTTP_BAD_REQUEST, "required", "password",
				   "请输入本人的登录密码"),
		       TG_EINVAL;
	if (ip_limited(rq, false, &over))
		return limit_unavailable(rq), TG_EINVAL;
	if (over)
		return too_many_failures(rq), TG_EINVAL;
	if (account_locked(&rq->user))
		return reply_locked(rq, &rq->user), TG_EINVAL;
	if (sodium_ready(&rq->err))
		return reply_failure(rq, TG_EIO), TG_EINVAL;
	if (crypto_pwhash_str_verify(rq->user.password_hash, password, strlen(password)) == 0)
		return TG_OK;
	if (count_failure(rq, &rq->user, true, rq->user.username))
		return limit_unavailable(rq), TG_EINVAL;
	reply_error(rq, HTTP_FORBIDDEN, "bad_password", "password",
		    "密码错误：请再次输入本人的登录密码（连续错误 %d 次账户将被锁定）",
		    LOGIN_MAX_FAILURES);
	return TG_EINVAL;
}

/* Whether u must give a TOTP code. */
static bool needs_totp(tg_store *s, const tg_user *u)
{
	return u->has_totp || (role_bit(u->role) & R_ADMINS) || store_setting_on(s, "require_totp");
}

/* The second factor: TG_OK, or the response is set. */
static int check_totp(http_request *rq, tg_store *s, const tg_user *u, const char *code)
{
	char secret[TOTP_SECRET_CHARS * 2 + 1];
	char object[96];
	int64_t step = 0;
	snprintf(object, sizeof object, "users/%s", u->username);
	if (!u->has_totp) {
		store_audit_add(s, "login_failed", object, "denied", NULL,
				"{\"reason\": \"totp_not_set\"}", NULL);
		reply_error(rq, HTTP_UNAUTHORIZED, "totp_not_set", "totp",
			    "该账户须使用动态口令登录，但尚未设置动态口令，请联系安全管理员");
		return TG_EINVAL;
	}
	if (!code || !*code) {
		reply_error(rq, HTTP_UNAUTHORIZED, "totp_required", "totp",
			    "请输入动态口令（身份验证器上的 6 位数字）");
		return TG_EINVAL;
	}
	int rc = store_user_totp_get(s, u->id, secret, sizeof secret, &rq->err);
	if (rc) {
		reply_failure(rq, rc == TG_ENOTFOUND ? TG_EIO : rc);
		return rc;
	}
	rc = totp_check(secret, code, now_seconds(), u->totp_last_step, &step);
	sodium_memzero(secret, sizeof secret);
	if (rc == TG_OK)
		rc = store_user_totp_used(s, u->id, step, NULL);
	if (rc) {
		login_failed(rq, u, true, u->username, "bad_totp", "totp",
			     "动态口令错误或已使用过，请输入身份验证器上当前的 6 位数字");
		return TG_EINVAL;
	}
	return TG_OK;
}

int api_session_create(http_request *rq)
{
	json_t *body = NULL;
	tg_user u;
	tg_error e = {0};
	int rc = TG_OK;
	if (rq_json_body(rq, &body))
		return TG_OK;
	tg_store *s = rq_store(rq);
	if (!s) {
		rc = TG_EIO;
		goto out;
	}
	const char *name = json_string_value(json_object_get(body, "username"));
	const char *password = json_string_value(json_object_get(body, "password"));
	if (!name || !*name) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, "required", "username", "请输入用户名");
		goto out;
	}
	if (!password || !*password) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, "required", "password", "请输入密码");
		goto out;
	}
	bool over;
	if (ip_limited(rq, false, &over)) {
		rc = limit_unavailable(rq);
		goto out;
	}
	if (over) {
		rc = too_many_failures(rq);
		goto out;
	}
	if (sodium_ready(&rq->err)) {
		rc = TG_EIO;
		goto out;
	}
	rc = store_user_get(s, name, 0, &u, &e);
	if (rc == TG_ENOTFOUND && name_locked(rq, name)) {
		char object[96];
		snprintf(object, sizeof object, "users/%.64s", name);
		store_set_actor(s, name, "-", rq->ip);
		store_audit_add(s, "login_failed", object, "denied", NULL,
				"{\"reason\": \"locked\"}", NULL);
		rc = reply_locked(rq, NULL);
		goto out;
	}
	if (rc == TG_ENOTFOUND) {
		/* Spend the same time as for a real account. */
		pthread_once(&dummy_once, make_dummy_hash);
		int same = crypto_pwhash_str_verify(dummy_hash, password, strlen(password));
		(void)same; /* the answer is "no such user" either way */
		store_set_actor(s, name, "-", rq->ip);
		rc = login_failed(rq, &u, false, name, "bad_credentials", NULL, "用户名或密码错误");
		goto out;
	}
	if (rc) {
		tg_error_set(&rq->err, rc, e.code, "", "%s", e.message);
		goto out;
	}
	store_set_actor(s, u.username, u.role, rq->ip);
	if (account_locked(&u)) {
		char object[96];
		snprintf(object, sizeof object, "users/%s", u.username);
		store_audit_add(s, "login_failed", object, "denied", NULL,
				"{\"reason\": \"locked\"}", NULL);
		rc = reply_locked(rq, &u);
		goto out;
	}
	if (crypto_pwhash_str_verify(u.password_hash, password, strlen(password)) != 0) {
		rc = login_failed(rq, &u, true, name, "bad_credentials", NULL, "用户名或密码错误");
		goto out;
	}
	/* A temporary password (made at an approval) is changed before any
	** session: asked for before the code, so that no code is spent. */
	const char *new_password = json_string_value(json_object_get(body, "new_password"));
	if (u.must_change && (!new_password || !*new_password)) {
		rc = reply_error(rq, HTTP_FORBIDDEN, "password_change_required", "new_password",
				 "该账户的密码是临时密码：请设置新密码后登录");
		goto out;
	}
	if (u.must_change && !strcmp(new_password, password)) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, "same_password", "new_password",
				 "新密码不能与临时密码相同");
		goto out;
	}
	if (u.must_change && http_password_check(u.username, new_password, &e)) {
		rc = reply_error(rq, HTTP_BAD_REQUEST, e.code, "new_password", "%s", e.message);
		goto out;
	}
	if (needs_totp(s, &u) &&
	    check_totp(rq, s, &u, json_string_value(json_object_get(body, "totp")))) {
		rc = TG_OK; /* the response is set */
		goto out;
	}
	if (u.must_change) {
		u.must_change = false;
		if ((rc = http_password_hash(new_password, u.password_hash, &rq->err)) ||
		    (rc = store_user_update(s, &u, &rq->err)))
			goto out;
	}
	store_user_login_result(s, u.id, true, now_seconds(), LOGIN_MAX_FAILURES,
				LOGIN_LOCK_SECONDS, NULL);

	/* Rotate: a session presented with the login ends now. */
	const char *old = rq_cookie(rq, "tuogou_session");
	if (is_token(old)) {
		char h[65];
		token_hash(old, h);
		store_session_delete(s, h, NULL);
	}
	char token[65], hash[65], csrf[65];
	random_hex(token);
	random_hex(csrf);
	token_hash(token, hash);
	rc = store_session_create(s, hash, u.id, csrf, now_seconds(), SESSION_IDLE_SECONDS,
				  SESSION_ABSOLUTE_SECONDS, &rq->err);
	if (rc == TG_OK) {
		set_cookie(rq, token, false);
		session_json(rq, &u, csrf);
		rc = reply_json(rq, HTTP_OK);
	}
	sodium_memzero(token, sizeof token);
out:
	json_decref(body);
	return rc;
}

int api_session_get(http_request *rq)
{
	session_json(rq, &rq->user, rq->session.csrf_token);
	return reply_json(rq, HTTP_OK);
}

int api_session_delete(http_request *rq)
{
	char object[96];
	int rc = store_session_delete(rq_store(rq), rq->token_hash, &rq->err);
	if (rc)
		return rc;
	snprintf(object, sizeof object, "users/%s", rq->user.username);
	store_audit_add(rq_store(rq), "logout", object, "ok", NULL, NULL, NULL);
	set_cookie(rq, "", true);
	rq->out.len = 0;
	return reply(rq, HTTP_NO_CONTENT, NULL);
}
