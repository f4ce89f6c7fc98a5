/*
** api_records.c: the register's records over HTTP: list, get, create and
** replace one record of any array (docs/api.md, "Register").
**
** A body is validated exactly as import validates a bundle record
** (bundle_read_record, which runs bundle_check_record), so the API gives the
** same codes, messages and field paths; then every reference is checked
** against the store (a batch may also be one of the plan's).  Every error
** found is returned at once.  A replacement must carry the version it was
** based on; a stale one is 409 with the record as it is now.  Person records
** never show a full ID number: it is masked, and a masked value sent back
** unchanged keeps the stored number.  A write of an association passes the
** workflow's checks (api_workflow.c).
*/
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "api.h"
#include "auth.h"
#include "cache.h"
#include "input.h"
#include "multipart.h"
#include "password.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"
#include "ident.h"
#include "progress.h"

/* ---- output ---- */

void api_write_record(const tg_register *r, int a, const void *row, int64_t version, strbuf *out)
{
	size_t start = out->len;
	bundle_write_record_masked(r, a, row, out);
	if (out->len > start && out->buf[out->len - 1] == '}')
		out->len--;
	sb_adds(out, ", \"version\": ");
	sb_add_int(out, (long long)version);
	sb_addc(out, '}');
}

void api_mask_json(json_t *obj)
{
	json_t *v = json_object_get(obj, "id_number");
	if (json_is_string(v)) {
		char masked[19];
		ident_id_mask(json_string_value(v), masked);
		json_object_set_new(obj, "id_number", json_string(masked));
	}
}

/* ---- list ---- */

static const char *stage_names[] = {"registered", "in_scope", "plan_submitted", "decoupled",
				    "summary_submitted", "accepted"};

/* The position of a stage name in stage_names; "decoupled+" (that stage
** or any later one) sets *or_later.  -1 when it is none. */
static int stage_index(const char *s, bool *or_later)
{
	size_t n = strlen(s);
	*or_later = n && s[n - 1] == '+';
	for (size_t i = 0; i < sizeof stage_names / sizeof stage_names[0]; i++)
		if (strlen(stage_names[i]) == n - *or_later && !strncmp(stage_names[i], s, n - *or_later))
			return (int)i;
	return -1;
}

static bool valid_stage(const char *s)
{
	bool or_later;
	return stage_index(s, &or_later) >= 0;
}

/* The USCCs whose workflow stage on the as-of date is `state`, as a JSON
** array for the store's filter. */
static int stage_filter(http_request *rq, const char *state, char **json)
{
	tg_date as_of;
	cache_view v;
	int rc = rq_as_of(rq, &as_of);
	if (rc)
		return rc;
	rc = cache_get(rq->srv->cache, rq_store(rq), rq->srv->plan, as_of, &v, &rq->err);
	if (rc)
		return rc;
	strbuf sb;
	sb_init(&sb);
	sb_addc(&sb, '[');
	size_t n = 0;
	bool or_later;
	int want = stage_index(state, &or_later);
	for (tg_ix i = 0; i < REG_COUNT(v.reg, ARR_ASSOCIATIONS); i++) {
		tg_assoc_facts f;
		progress_facts(v.reg, rq->srv->plan, i, as_of, &f);
		/* stage_names[k] is the stage STAGE_REGISTERED + k */
		int have = (int)f.stage - (int)STAGE_REGISTERED;
		if (have < 0 || (or_later ? have < want : have != want))
			continue;
		sb_adds(&sb, n++ ? "," : "");
		sb_add_json_str(&sb, REG_ROWS(v.reg, ARR_ASSOCIATIONS, tg_association)[i].uscc);
	}
	sb_addc(&sb, ']');
	cache_put(rq->srv->cache, &v);
	*json = sb_detach(&sb, NULL);
	return TG_OK;
}

int api_list_query(http_request *rq, int a, tg_list_query *q, char **stage_json)
{
	size_t page, per_page;
	int rc = rq_paging(rq, &page, &per_page);
	if (rc)
		return rc;
	memset(q, 0, sizeof *q);
	q->offset = (page - 1) * per_page;
	q->limit = per_page;
	q->scope = policy_scope(&rq->user);
	q->filter.unit = rq_query(rq, "unit");
	q->filter.association = rq_query(rq, "association");
	if (a != ARR_ASSOCIATIONS)
		return TG_OK;
	q->filter.batch = rq_query(rq, "batch");
	q->filter.q = rq_query(rq, "q");
	const char *sort = rq_query(rq, "sort");
	if (sort) {
		q->desc = sort[0] == '-';
		q->sort = sort + q->desc;
		if (strcmp(q->sort, "name") && strcmp(q->sort, "uscc") &&
		    strcmp(q->sort, "registered_on"))
			return tg_error_set(&rq->err, TG_EINVAL, "bad_sort", "sort",
					    "排序方式应为 name、uscc 或 registered_on（前加 - 为倒序）");
	}
	const char *state = rq_query(rq, "state");
	if (state) {
		if (!valid_stage(state))
			return tg_error_set(&rq->err, TG_EINVAL, "bad_state", "state",
					    "状态应为 registered、in_scope、plan_submitted、decoupled、"
					    "summary_submitted 或 accepted（后加 + 表示该阶段及以后）");
		if ((rc = stage_filter(rq, state, stage_json)))
			return rc;
		q->filter.uscc_json = *stage_json;
	}
	return TG_OK;
}

int api_record_list(http_request *rq)
{
	int a = rq->route->array;
	tg_list_query q;
	tg_record_page page;
	char *stage_json = NULL;
	record_page_init(&page);
	int rc = api_list_query(rq, a, &q, &stage_json);
	if (rc == TG_OK)
		rc = store_record_list(rq_store(rq), a, &q, &page, &rq->err);
	if (rc == TG_OK) {
		strbuf *o = &rq->out;
		sb_adds(o, "{\"items\": [");
		for (size_t i = 0; i < page.reg.t[a].count; i++) {
			sb_adds(o, i ? ",\n  " : "\n  ");
			api_write_record(&page.reg, a, register_row(&page.reg, a, i),
					 page.versions[i], o);
		}
		sb_addf(o, "], \"total\": %zu, \"page\": %zu, \"per_page\": %zu}\n", page.total,
			q.offset / q.limit + 1, q.limit);
		rc = reply_json(rq, HTTP_OK);
	}
	record_page_release(&page);
	free(stage_json);
	return rc;
}

/* ---- one record ---- */

int api_record_get(http_request *rq)
{
	int a = rq->route->array;
	char key[160];
	int64_t version = 0;
	tg_register r;
	register_init(&r);
	rq_key(rq, key, sizeof key);
	int rc = store_record_get(rq_store(rq), a, key, &r, &version, &rq->err);
	if (rc == TG_OK) {
		api_write_record(&r, a, register_row(&r, a, 0), version, &rq->out);
		sb_addc(&rq->out, '\n');
		rc = reply_json(rq, HTTP_OK);
	}
	register_release(&r);
	return rc;
}

static tg_errors *request_errors(http_request *rq)
{
	if (!rq->errs) {
		rq->errs = malloc(sizeof *rq->errs);
		if (!rq->errs)
			abort();
		tg_errors_init(rq->errs);
	}
	return rq->errs;
}

/* The body's record paths come back as ".field": drop the dot. */
static void strip_paths(tg_errors *errs, size_t from)
{
	for (size_t i = from; i < errs->count; i++) {
		char *p = errs->items[i].path;
		if (p[0] == '.')
			memmove(p, p + 1, strlen(p));
	}
}

/* Every reference of the row resolves in the store (batches: or the plan).
** A scoped role's references are checked against its scope instead
** (policy_refs_in_scope), which answers 404 whether a record out of scope
** exists or not: only batches, which every role sees, are checked here. */
static void check_refs(http_request *rq, int a, const void *row, tg_errors *errs)
{
	bool scoped = !policy_sees_all(&rq->user);
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type != FT_REF || (scoped && f->target != ARR_BATCHES))
			continue;
		const char *ref = *(const char *const *)((const char *)row + f->off);
		if (!ref)
			continue;
		bool ok = store_record_exists(rq_store(rq), f->target, ref);
		for (size_t i = 0; !ok && f->target == ARR_BATCHES && rq->srv->plan_batches[i]; i++)
			ok = !strcmp(rq->srv->plan_batches[i], ref);
		if (!ok)
			tg_errors_add(errs, "dangling_ref", f->key, "引用的%s“%s”不存在",
				      tg_schema[f->target].zh, ref);
	}
}

/* A person's masked ID number sent back unchanged keeps the stored one:
** the store reads only the masked number (the full one is sealed), so the
** field is left out of validation and the masked value passed on, which
** the store recognises and keeps. */
static bool keep_masked_id(json_t *body, const tg_register *current)
{
	json_t *v = json_object_get(body, "id_number");
	if (!current || !json_is_string(v) || !strchr(json_string_value(v), '*'))
		return false;
	const tg_person *p = register_row(current, ARR_PERSONS, 0);
	char masked[19];
	if (!p->id_number)
		return false;
	ident_id_mask(p->id_number, masked);
	if (strcmp(masked, json_string_value(v)))
		return false;
	json_object_del(body, "id_number");
	return true;
}

/* Validate the body into r (one row); 400 with every error. */
static int read_body_record(http_request *rq, int a, json_t *body, tg_register *r)
{
	tg_errors *errs = request_errors(rq);
	size_t before = errs->count;
	json_object_del(body, "version");
	bundle_read_record(r, a, body, "", errs);
	strip_paths(errs, before);
	register_resolve(r, rq->srv->plan_batches, rq->srv->plan->n_batches, NULL, NULL);
	check_refs(rq, a, register_row(r, a, 0), errs);
	if (errs->total) {
		const tg_error *e = &errs->items[0];
		reply_error(rq, HTTP_BAD_REQUEST, e->code, e->path, "%s", e->message);
		return TG_EINVAL;
	}
	return TG_OK;
}

static int reply_record(http_request *rq, int a, const tg_register *r, int64_t version,
			unsigned status)
{
	rq->out.len = 0;
	api_write_record(r, a, register_row(r, a, 0), version, &rq->out);
	sb_addc(&rq->out, '\n');
	return reply_json(rq, status);
}

static int scope_refusal(http_request *rq, int a)
{
	const char *field = a == ARR_ASSOCIATIONS ? "unit"
			    : a == ARR_UNIT_TASKS || a == ARR_PERSONS ? "unit"
								      : "association";
	return reply_error(rq, HTTP_NOT_FOUND, "not_found", field,
			   "没有找到该记录（不在本账户的管理范围内）");
}

/* The checks of a write beyond validation, in the order of their answers:
** a field the role may not write (403), a reference out of its scope (404
** naming the field), the record itself out of scope (404).  TG_OK with
** *refused set when the response is set. */
static int write_allowed(http_request *rq, int a, const void *row, const void *before,
			 bool *refused)
{
	const char *field = before ? policy_forbidden_change(&rq->user, a, before, row)
				   : policy_forbidden_create(&rq->user, a, row);
	bool in = false;
	int rc;
	*refused = true;
	if (field)
		return reply_error(rq, HTTP_FORBIDDEN, "field_forbidden", field,
				   "当前角色无权修改字段“%s”", field);
	if ((rc = policy_refs_in_scope(rq, a, row, before, &field)))
		return rc;
	if (field)
		return reply_error(rq, HTTP_NOT_FOUND, "not_found", field,
				   "没有找到该记录（不在本账户的管理范围内）");
	if ((rc = policy_row_in_scope(rq, a, row, &in)))
		return rc;
	if (!in)
		return scope_refusal(rq, a);
	*refused = false;
	return TG_OK;
}

/* A new record whose key another scope holds answers as a record out of
** scope does (404), so that a POST tells nobody what exists elsewhere; a
** key of one's own scope is 409. */
static int duplicate_refusal(http_request *rq, int a, const tg_register *r)
{
	bool in = true;
	if (!policy_sees_all(&rq->user)) {
		tg_record_filter scope = policy_scope(&rq->user);
		const char *k = register_key(r, a, 0); /* "uscc/year" of a report */
		tg_error err = {0};
		if (k && store_record_in_scope(rq_store(rq), a, k, &scope, &in, &err) == TG_OK &&
		    !in)
			return scope_refusal(rq, a);
	}
	return TG_ECONFLICT; /* rq->err holds the store's duplicate_key */
}

int api_record_create(http_request *rq)
{
	int a = rq->route->array;
	json_t *body = NULL;
	tg_register r;
	register_init(&r);
	int64_t version = 1;
	bool refused = false;
	char *override = NULL, *unmet = NULL;
	int rc = TG_OK;
	if (!policy_can_create(&rq->user, a)) {
		rc = reply_error(rq, HTTP_FORBIDDEN, "forbidden", NULL,
				 "当前角色无权新增%s记录", tg_schema[a].zh);
		goto out;
	}
	if (rq_json_body(rq, &body))
		goto out;
	if (a == ARR_ASSOCIATIONS)
		override = api_workflow_override(body);
	if (read_body_record(rq, a, body, &r))
		goto out;
	const void *row = register_row(&r, a, 0);
	if ((rc = write_allowed(rq, a, row, NULL, &refused)) || refused)
		goto out;
	if (a == ARR_ASSOCIATIONS &&
	    ((rc = api_workflow_guard(rq, &r, override, &unmet, &refused)) || refused))
		goto out;
	rc = store_record_write(rq_store(rq), a, &r, 0, true, 0, rq->user.username, NULL,
				&version, &rq->err);
	if (rc == TG_ECONFLICT && !strcmp(rq->err.code, "duplicate_key"))
		rc = duplicate_refusal(rq, a, &r);
	else if (rc == TG_OK && (rc = api_workflow_audit(rq, &r, unmet, override)) == TG_OK)
		rc = reply_record(rq, a, &r, version, HTTP_CREATED);
out:
	free(override);
	free(unmet);
	json_decref(body);
	register_release(&r);
	return rc;
}

/* 409 with the record as it is now. */
static int reply_stale(http_request *rq, int a, const char *key)
{
	tg_register current;
	int64_t version = 0;
	strbuf sb;
	register_init(&current);
	sb_init(&sb);
	sb_adds(&sb, ", \"current\": ");
	if (store_record_get(rq_store(rq), a, key, &current, &version, NULL) == TG_OK)
		api_write_record(&current, a, register_row(&current, a, 0), version, &sb);
	else
		sb_adds(&sb, "null");
	register_release(&current);
	rq->extra_json = sb_detach(&sb, NULL);
	return reply_error(rq, HTTP_CONFLICT, rq->err.code, "version", "%s", rq->err.message);
}

static int body_version(http_request *rq, json_t *body, int64_t *version)
{
	json_t *v = json_object_get(body, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return reply_error(rq, HTTP_BAD_REQUEST, "required", "version",
				   "缺少记录版本号（version），请先读取记录再修改"),
		       TG_EINVAL;
	*version = json_integer_value(v);
	return TG_OK;
}

/* The key in the URL and the key in the body name the same record. */
static int same_key(http_request *rq, int a, const tg_register *r, const char *key)
{
	const char *body_key = register_key(r, a, 0);
	if (body_key && !strcmp(body_key, key))
		return TG_OK;
	reply_error(rq, HTTP_BAD_REQUEST, "key_mismatch", tg_schema[a].fields[0].key,
		    "请求体中的编号与地址中的编号不一致");
	return TG_EINVAL;
}

/* Fill a key the body left out from the URL. */
static void default_key(json_t *body, int a, http_request *rq)
{
	if (a == ARR_ANNUAL_REPORTS) {
		if (!json_object_get(body, "association"))
			json_object_set_new(body, "association", json_string(rq->params.value[0]));
		if (!json_object_get(body, "year")) {
			char *end;
			long long y = strtoll(rq->params.value[1], &end, 10);
			if (!*end)
				json_object_set_new(body, "year", json_integer(y));
		}
		return;
	}
	const char *k = tg_schema[a].fields[0].key;
	if (!json_object_get(body, k))
		json_object_set_new(body, k, json_string(rq->params.value[0]));
}

int api_record_update(http_request *rq)
{
	int a = rq->route->array;
	json_t *body = NULL;
	tg_register r, current;
	register_init(&r);
	register_init(&current);
	char key[160];
	int64_t expected = 0, have = 0, version = 0;
	bool refused = false;
	char *override = NULL, *unmet = NULL;
	int rc;
	rq_key(rq, key, sizeof key);
	if (rq_json_body(rq, &body)) {
		rc = TG_OK;
		goto out;
	}
	if ((rc = store_record_get(rq_store(rq), a, key, &current, &have, &rq->err)))
		goto out;
	if (body_version(rq, body, &expected))
		goto out;
	default_key(body, a, rq);
	if (a == ARR_ASSOCIATIONS)
		override = api_workflow_override(body);
	bool keep_id = a == ARR_PERSONS && keep_masked_id(body, &current);
	if (read_body_record(rq, a, body, &r) || same_key(rq, a, &r, key))
		goto out;
	const void *row = register_row(&r, a, 0);
	if (keep_id) {
		tg_person *p = register_row(&r, ARR_PERSONS, 0);
		const tg_person *was = register_row(&current, ARR_PERSONS, 0);
		p->id_number = arena_strdup(&r.arena, was->id_number);
		p->birth = was->birth;
	}
	if ((rc = write_allowed(rq, a, row, register_row(&current, a, 0), &refused)) || refused)
		goto out;
	if (a == ARR_ASSOCIATIONS &&
	    ((rc = api_workflow_guard(rq, &r, override, &unmet, &refused)) || refused))
		goto out;
	rc = store_record_write(rq_store(rq), a, &r, 0, false, expected, rq->user.username, NULL,
				&version, &rq->err);
	if (rc == TG_ECONFLICT && !strcmp(rq->err.code, "stale_version"))
		rc = reply_stale(rq, a, key);
	else if (rc == TG_OK && (rc = api_workflow_audit(rq, &r, unmet, override)) == TG_OK)
		rc = reply_record(rq, a, &r, version, HTTP_OK);
out:
	free(override);
	free(unmet);
	json_decref(body);
	register_release(&r);
	register_release(&current);
	return rc;
}
