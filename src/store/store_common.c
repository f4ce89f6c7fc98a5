/*
** store_common.c: the helpers of store_impl.h that need no database.
*/
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bundle.h"
#include "ident.h"
#include "secret.h"
#include "store_impl.h"

/* Birth date from characters 7-14 of a validated ID number. */
tg_date store_id_birth(const char *id)
{
	if (!id || strlen(id) != 18)
		return TG_DATE_NONE;
	int y = 0, m = 0, d = 0;
	for (int i = 6; i < 10; i++)
		y = y * 10 + (id[i] - '0');
	m = (id[10] - '0') * 10 + (id[11] - '0');
	d = (id[12] - '0') * 10 + (id[13] - '0');
	return date_ymd_valid(y, m, d) ? date_from_ymd(y, m, d) : TG_DATE_NONE;
}

const char *store_key_columns(int a)
{
	if (a == ARR_ANNUAL_REPORTS)
		return "\"association\", \"year\"";
	if (a == ARR_ASSOCIATIONS)
		return "\"uscc\"";
	return "\"id\"";
}

void store_order_by(int a, const tg_list_query *q, strbuf *sql)
{
	const char *dir = q->desc ? " DESC" : "";
	if (a == ARR_ASSOCIATIONS && q->sort && !strcmp(q->sort, "name"))
		sb_addf(sql, " ORDER BY \"name_pinyin\"%s, \"uscc\"%s", dir, dir);
	else if (a == ARR_ASSOCIATIONS && q->sort && !strcmp(q->sort, "registered_on"))
		sb_addf(sql, " ORDER BY \"registered_on\"%s, \"uscc\"%s", dir, dir);
	else if (a == ARR_ANNUAL_REPORTS)
		sb_addf(sql, " ORDER BY \"association\"%s, \"year\"%s", dir, dir);
	else
		sb_addf(sql, " ORDER BY %s%s", store_key_columns(a), dir);
}

void store_person_seal_free(struct person_seal *ps)
{
	free(ps->sealed);
	free(ps->birth);
	memset(ps, 0, sizeof *ps);
}

/* A record's JSON for the history and the audit log: ID numbers masked. */
char *store_record_json_masked(const tg_register *r, int a, const void *row)
{
	strbuf sb;
	sb_init(&sb);
	bundle_write_record_masked(r, a, row, &sb);
	return sb_detach(&sb, NULL);
}

/* The association a record belongs to, for the history. */
const char *store_row_association(int a, const void *row)
{
	if (a == ARR_ASSOCIATIONS)
		return ((const tg_association *)row)->uscc;
	const tg_field *f = schema_field(a, "association");
	return f ? *(const char *const *)((const char *)row + f->off) : NULL;
}

bool store_same_scope(const tg_user *x, const tg_user *y)
{
	return !strcmp(x->role, y->role) && !strcmp(x->unit, y->unit) &&
	       !strcmp(x->association, y->association) && !strcmp(x->department, y->department) &&
	       !strcmp(x->jurisdiction, y->jurisdiction);
}

/* ---- the rules of an account ----
**
** One set of rules for the API, the command line and both databases.  The
** errors name the fields of the API (username, role, unit, association,
** department), never an option of the command line: `tuogou user add`
** turns those into its own option names when it prints them. */

static const char *const user_roles[] = {"office",	 "civil_affairs", "unit",
					 "department",	 "association",	  "sysadmin",
					 "secadmin",	 "auditor"};
static const char *const user_departments[] = {"finance",  "offices", "organization",
					       "staffing", "audit",   "price"};

static bool one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

#define ONE_OF(s, list) one_of(s, list, sizeof list / sizeof list[0])

static int bad_username(tg_error *err)
{
	return tg_error_set(err, TG_EINVAL, "bad_username", "username",
			    "用户名须为 2-64 个字符：字母、数字、. _ - @");
}

static int bad_role(tg_error *err)
{
	return tg_error_set(err, TG_EINVAL, "bad_role", "role",
			    "角色应为 office（联合工作组办公室）、civil_affairs（民政局）、unit（主管单位）、"
			    "department（职能部门）、association（协会）、sysadmin（系统管理员）、"
			    "secadmin（安全管理员）或 auditor（安全审计员）");
}

static int bad_department(tg_error *err)
{
	return tg_error_set(err, TG_EINVAL, "bad_department", "department",
			    "部门类别应为 finance（财政局）、offices（机关事务管理局）、"
			    "organization（组织部）、staffing（编办）、audit（审计局）或 price（价格主管部门）");
}

static bool valid_username(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("._-@", *s)))
			return false;
	return true;
}

/* The scope field a role needs: "unit", "association", "department" or
** NULL. */
static const char *scope_of_role(const char *role)
{
	if (!strcmp(role, "unit") || !strcmp(role, "association") || !strcmp(role, "department"))
		return role;
	return NULL;
}

/* Whether the record exists: TG_OK with *in, or the store's error. */
static int exists(tg_store *s, int array, const char *key, bool *in, tg_error *err)
{
	static const tg_record_filter none = {0};
	*in = false;
	return store_record_in_scope(s, array, key, &none, in, err);
}

static int no_unit(const char *unit, tg_error *err)
{
	return tg_error_set(err, TG_EINVAL, "dangling_ref", "unit", "主管单位“%s”不存在", unit);
}

static int no_association(const char *uscc, tg_error *err)
{
	return tg_error_set(err, TG_EINVAL, "dangling_ref", "association",
			    "统一社会信用代码为“%s”的协会不存在", uscc);
}

int store_user_check(tg_store *s, const tg_user *u, tg_error *err)
{
	if (!valid_username(u->username))
		return bad_username(err);
	if (!ONE_OF(u->role, user_roles))
		return bad_role(err);
	const char *scope = scope_of_role(u->role);
	bool unit = scope && !strcmp(scope, "unit"), assoc = scope && !strcmp(scope, "association"),
	     dept = scope && !strcmp(scope, "department");
	if (unit != (u->unit[0] != '\0'))
		return tg_error_set(err, TG_EINVAL, "bad_scope", "unit",
				    unit ? "主管单位账户须指定所属主管单位（主管单位编号）"
					 : "只有主管单位账户才能指定主管单位");
	if (assoc != (u->association[0] != '\0'))
		return tg_error_set(err, TG_EINVAL, "bad_scope", "association",
				    assoc ? "协会账户须指定协会的统一社会信用代码"
					  : "只有协会账户才能指定协会");
	if (dept != (u->department[0] != '\0'))
		return tg_error_set(err, TG_EINVAL, "bad_scope", "department",
				    dept ? "职能部门账户须指定部门类别"
					 : "只有职能部门账户才能指定部门类别");
	if (dept && !ONE_OF(u->department, user_departments))
		return bad_department(err);
	/* 六(一): the county's office, civil affairs, departments and units */
	static const char *const county_roles[] = {"office", "civil_affairs", "department", "unit"};
	if (u->jurisdiction[0] && !ONE_OF(u->role, county_roles))
		return tg_error_set(err, TG_EINVAL, "bad_scope", "jurisdiction",
				    "只有办公室、民政、职能部门和主管单位账户才能指定行政区划");
	if (u->jurisdiction[0]) {
		bool in;
		int rc = s ? exists(s, ARR_JURISDICTIONS, u->jurisdiction, &in, err) : TG_OK;
		if (rc)
			return rc;
		if (s && !in)
			return tg_error_set(err, TG_EINVAL, "dangling_ref", "jurisdiction",
					    "行政区划“%s”不存在", u->jurisdiction);
	}
	if (assoc) {
		char norm[19];
		int rc = ident_uscc_check(u->association, norm, err);
		if (rc) {
			snprintf(err->path, sizeof err->path, "association");
			return rc;
		}
	}
	if (!s || (!unit && !assoc))
		return TG_OK;
	bool in;
	int rc = exists(s, unit ? ARR_UNITS : ARR_ASSOCIATIONS, unit ? u->unit : u->association,
			&in, err);
	if (rc == TG_OK && !in)
		rc = unit ? no_unit(u->unit, err) : no_association(u->association, err);
	return rc;
}

/* Copy src into dst (size bytes) unless it does not fit. */
static bool fits(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= size)
		return false;
	memcpy(dst, src ? src : "", n + 1);
	return true;
}

int store_user_fill(tg_user *u, const char *username, const char *role, const char *unit,
		    const char *association, const char *department, const char *jurisdiction,
		    tg_error *err)
{
	if (username && !fits(u->username, sizeof u->username, username))
		return bad_username(err);
	if (!role || !*role || !fits(u->role, sizeof u->role, role))
		return bad_role(err);
	if (!fits(u->unit, sizeof u->unit, unit))
		return no_unit(unit, err);
	if (!fits(u->department, sizeof u->department, department))
		return bad_department(err);
	if (!fits(u->jurisdiction, sizeof u->jurisdiction, jurisdiction))
		return tg_error_set(err, TG_EINVAL, "dangling_ref", "jurisdiction",
				    "行政区划代码应为6位数字");
	u->association[0] = '\0';
	if (association && *association) {
		/* spaces around and lower case are the same code */
		if (ident_uscc_check(association, u->association, err)) {
			snprintf(err->path, sizeof err->path, "association");
			return TG_EINVAL;
		}
	}
	return store_user_check(NULL, u, err);
}

int store_user_refused(const tg_user *u, bool foreign_key, tg_error *err)
{
	if (!foreign_key)
		return tg_error_set(err, TG_EINVAL, "bad_scope", "role",
				    "角色与主管单位、协会、部门类别不匹配");
	if (u->unit[0])
		return no_unit(u->unit, err);
	return no_association(u->association, err);
}

/* An account as the audit log shows it (never the password hash). */
char *store_user_json(const tg_user *u)
{
	strbuf sb;
	sb_init(&sb);
	sb_adds(&sb, "{\"username\": ");
	sb_add_json_str(&sb, u->username);
	sb_adds(&sb, ", \"display_name\": ");
	sb_add_json_str(&sb, u->display_name[0] ? u->display_name : NULL);
	sb_adds(&sb, ", \"role\": ");
	sb_add_json_str(&sb, u->role);
	sb_adds(&sb, ", \"unit\": ");
	sb_add_json_str(&sb, u->unit[0] ? u->unit : NULL);
	sb_adds(&sb, ", \"association\": ");
	sb_add_json_str(&sb, u->association[0] ? u->association : NULL);
	sb_adds(&sb, ", \"department\": ");
	sb_add_json_str(&sb, u->department[0] ? u->department : NULL);
	sb_adds(&sb, ", \"jurisdiction\": ");
	sb_add_json_str(&sb, u->jurisdiction[0] ? u->jurisdiction : NULL);
	sb_addf(&sb, ", \"locked\": %s}", u->locked ? "true" : "false");
	return sb_detach(&sb, NULL);
}

void store_audit_now(const tg_store *s, char out[24])
{
	time_format_utc(s->clock ? s->clock : (int64_t)time(NULL), out);
}

void store_audit_purgeable_before(const tg_store *s, char out[24])
{
	time_format_utc((s->clock ? s->clock : (int64_t)time(NULL)) - 180 * 86400LL, out);
}

int store_audit_key_load(const char *path, bool create, tg_audit_key *key, bool *have,
			 tg_error *err)
{
	struct stat st;
	tg_secret_key k;
	*have = false;
	if (stat(path, &st) != 0 && errno == ENOENT && !create)
		return TG_OK;
	int rc = secret_key_load(path, 1, &k, err);
	if (rc == TG_OK) {
		memcpy(key->k, k.k, sizeof key->k);
		*have = true;
	}
	sodium_memzero(&k, sizeof k);
	return rc;
}

int store_audit_key_missing(const char *path, tg_error *err)
{
	return tg_error_set(err, TG_EIO, "audit_key_missing", path,
			    "缺少审计密钥文件“%s”：审计记录无法签名，写入被拒绝。请恢复原审计密钥文件"
			    "（或用 TUOGOU_AUDIT_KEY 指定）",
			    path);
}

/* One bound of an audit filter: the UTC time at which Beijing day `date`
** (plus `after` days) begins, as the log writes times ("...Z": text order
** is time order). */
static int audit_bound(const char *date, int after, const char *field, char out[24],
		       tg_error *err)
{
	tg_date d;
	if (date_parse(date, &d))
		return tg_error_set(err, TG_EINVAL, "bad_date", field, "日期“%s”无效（应为 YYYY-MM-DD）",
				    date);
	time_format_utc(date_beijing_start(d + after), out);
	return TG_OK;
}

int store_audit_bounds(const tg_audit_filter *f, char from[24], char to[24], tg_error *err)
{
	from[0] = to[0] = '\0';
	int rc = TG_OK;
	if (f && f->from)
		rc = audit_bound(f->from, 0, "from", from, err);
	if (rc == TG_OK && f && f->to)
		rc = audit_bound(f->to, 1, "to", to, err);
	return rc;
}

int store_seal_number(const tg_secret_key *key, const tg_person *p, struct person_seal *ps,
		      tg_error *err)
{
	char ad[96];
	snprintf(ad, sizeof ad, "persons/%s", p->id);
	int rc = secret_seal(key, p->id_number, ad, &ps->sealed, err);
	if (rc)
		return rc;
	tg_date b = p->birth != TG_DATE_NONE ? p->birth : store_id_birth(p->id_number);
	if (b != TG_DATE_NONE && (rc = store_seal_birth(key, p->id, b, &ps->birth, err))) {
		store_person_seal_free(ps);
		return rc;
	}
	ident_id_mask(p->id_number, ps->masked);
	return TG_OK;
}

static void birth_ad(const char *id, char ad[96])
{
	snprintf(ad, 96, "persons/%s/birth", id);
}

int store_seal_birth(const tg_secret_key *key, const char *id, tg_date birth, char **sealed,
		     tg_error *err)
{
	char ad[96], text[11];
	birth_ad(id, ad);
	date_format(birth, text);
	return secret_seal(key, text, ad, sealed, err);
}

int store_open_birth(const tg_secret_key *key, const char *id, const char *sealed,
		     tg_date *birth, tg_error *err)
{
	char ad[96], *text = NULL;
	*birth = TG_DATE_NONE;
	if (!sealed)
		return TG_OK;
	birth_ad(id, ad);
	int rc = secret_open(key, sealed, ad, &text, err);
	if (rc == TG_OK && date_parse(text, birth) != TG_OK)
		rc = tg_error_set(err, TG_EINVAL, "bad_sealed", "birth", "加密的出生日期无效");
	if (rc && err)
		snprintf(err->path, sizeof err->path, "persons/%s/birth", id);
	free(text);
	return rc;
}

int store_import_diff(const tg_register *cur, const tg_register *bundle, int a, size_t i,
		      bool force, char **before, char **after, bool *changed)
{
	*before = *after = NULL;
	*changed = false;
	char *was = cur ? store_record_json_masked(cur, a, register_row(cur, a, 0)) : NULL;
	char *now = store_record_json_masked(bundle, a, register_row(bundle, a, i));
	if ((cur && !was) || !now) {
		free(was);
		free(now);
		return TG_ENOMEM;
	}
	if (was && !force && !strcmp(was, now)) {
		free(was);
		free(now);
		return TG_OK;
	}
	*before = was;
	*after = now;
	*changed = true;
	return TG_OK;
}

int store_number_same(const tg_secret_key *key, const char *id, const char *sealed,
		      const char *number, bool *same, tg_error *err)
{
	char ad[96], *plain = NULL;
	*same = !number || !sealed ? !number && !sealed : strchr(number, '*') != NULL;
	if (!number || !sealed || *same)
		return TG_OK;
	snprintf(ad, sizeof ad, "persons/%s", id);
	int rc = secret_open(key, sealed, ad, &plain, err);
	if (rc)
		return rc;
	*same = !strcmp(plain, number);
	sodium_memzero(plain, strlen(plain));
	free(plain);
	return TG_OK;
}

/* ---- rotation of the data key (tuogou key rotate) ---- */

const char store_sql_key_sample[] =
	"SELECT 'persons/' || \"id\", \"id_number\" FROM persons WHERE \"id_number\" LIKE 'v1:%' "
	"UNION ALL SELECT 'users/' || \"id\" || '/totp', \"totp_secret\" FROM users "
	"WHERE \"totp_secret\" LIKE 'v1:%' LIMIT 1";
int store_key_reseal(const tg_secret_key *from, const tg_secret_key *to, const char *ad,
		     const char *sealed, char **out, size_t *count, tg_error *err)
{
	char *plain = NULL;
	*out = NULL;
	if (!sealed || !*sealed)
		return TG_OK;
	if (!secret_is_sealed(sealed)) { /* a masked number: nothing sealed */
		*out = strdup(sealed);
		return *out ? TG_OK : TG_ENOMEM;
	}
	int rc = secret_open(from, sealed, ad, &plain, err);
	if (rc) {
		if (err)
			snprintf(err->path, sizeof err->path, "%s", ad);
		return rc;
	}
	rc = secret_seal(to, plain, ad, out, err);
	sodium_memzero(plain, strlen(plain));
	free(plain);
	if (rc == TG_OK)
		(*count)++;
	return rc;
}

char *store_key_rotate_json(const tg_key_counts *n)
{
	strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "{\"id_numbers\": %zu, \"births\": %zu, \"totp_secrets\": %zu}",
		n->id_numbers, n->births, n->totp_secrets);
	return sb_detach(&sb, NULL);
}

/* ---- requests for a second administrator's approval (issue 14) ---- */

char *store_request_json(const tg_account_request *r)
{
	strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "{\"id\": %lld, \"kind\": ", (long long)r->id);
	sb_add_json_str(&sb, r->kind);
	sb_adds(&sb, ", \"username\": ");
	sb_add_json_str(&sb, r->username);
	/* detail is JSON written by api_security.c */
	sb_adds(&sb, ", \"detail\": ");
	sb_adds(&sb, r->detail[0] ? r->detail : "{}");
	sb_adds(&sb, ", \"proposer\": ");
	sb_add_json_str(&sb, r->proposer);
	sb_adds(&sb, ", \"proposer_role\": ");
	sb_add_json_str(&sb, r->proposer_role);
	sb_addf(&sb, ", \"created_at\": %lld, \"status\": ", (long long)r->created_at);
	sb_add_json_str(&sb, r->status);
	sb_adds(&sb, ", \"decided_by\": ");
	sb_add_json_str(&sb, r->decided_by[0] ? r->decided_by : NULL);
	sb_addf(&sb, ", \"decided_at\": %lld}", (long long)r->decided_at);
	return sb_detach(&sb, NULL);
}

const char *store_request_event(const char *to)
{
	if (!strcmp(to, "approved"))
		return "user_approve";
	if (!strcmp(to, "rejected"))
		return "user_reject";
	return "user_request_failed";
}
