/*
** api_rights.c: GET /api/v1/rights, what the logged-in user may write, read
** from the same tables that decide a write: the route table (routes.c:
** which roles may call POST and PUT of an array at all) and the rights
** table (src/app/rights.c: which fields, which department kind).  The web
** forms show exactly the fields marked "write" and 新增 only where "create"
** is true, so the page and the server cannot disagree.
**
** Each array also carries its fields as the schema describes them (key,
** label, type, required, coded values, referenced array) and the plan's
** steps on its records: the obligations whose subject is the array and
** which a date field of the record ends (anchor field, offset, done
** field), so a workflow page can show each step's due date from the plan.
**
** "actions": the acts of no array the role may do, from the route table:
** "urge" (send a 催办, POST /api/v1/units/{id}/urges), "urge_list" (read
** them, GET /api/v1/urges), "urge_acknowledge" (sign for one, POST
** /api/v1/urges/{id}/acknowledge).
*/
#include <string.h>

#include "api.h"
#include "policy.h"
#include "respond.h"
#include "roles.h"

static const char *const type_names[] = {
	[FT_KEY] = "key",   [FT_STR] = "text",  [FT_DATE] = "date", [FT_BOOL] = "bool",
	[FT_INT] = "int",   [FT_MONEY] = "money", [FT_AREA] = "area", [FT_ENUM] = "enum",
	[FT_REF] = "ref",   [FT_OBJECT] = "object",
};

/* ", \"key\": value" (a JSON string, or null). */
static void add_str(strbuf *o, const char *key, const char *value)
{
	sb_addf(o, ", \"%s\": ", key);
	sb_add_json_str(o, value);
}

/* Whether the route table the request was routed by lets role bit `who`
** call method on array a. */
static bool route_allows(const http_request *rq, unsigned who, const char *method, int a)
{
	for (size_t i = 0; i < rq->n_routes; i++)
		if (rq->routes[i].array == a && !strcmp(rq->routes[i].method, method) &&
		    (rq->routes[i].roles & who))
			return true;
	return false;
}

/* Whether the route table lets role bit `who` call method on pattern: the
** actions of no array (a 催办 sent, signed for). */
static bool action_allows(const http_request *rq, unsigned who, const char *method,
			  const char *pattern)
{
	for (size_t i = 0; i < rq->n_routes; i++)
		if (!strcmp(rq->routes[i].pattern, pattern) && !strcmp(rq->routes[i].method, method))
			return rq->routes[i].roles & who;
	return false;
}

static void write_fields(strbuf *o, const tg_field *fields, const tg_user *u, int a, bool may_put)
{
	sb_addc(o, '[');
	for (const tg_field *f = fields; f->key; f++) {
		sb_adds(o, f == fields ? "" : ", ");
		sb_adds(o, "{\"key\": ");
		sb_add_json_str(o, f->key);
		add_str(o, "label", f->zh);
		add_str(o, "type", type_names[f->type]);
		sb_addf(o, ", \"required\": %s", f->required ? "true" : "false");
		if (a >= 0)
			sb_addf(o, ", \"write\": %s",
				may_put && policy_can_write_field(u, a, f->key) ? "true" : "false");
		if (f->type == FT_REF) {
			add_str(o, "ref", tg_schema[f->target].key);
		}
		if (f->type == FT_ENUM && f->values) {
			sb_adds(o, ", \"values\": [");
			for (const tg_enum_value *v = f->values; v->key; v++) {
				sb_adds(o, v == f->values ? "{\"key\": " : ", {\"key\": ");
				sb_add_json_str(o, v->key);
				add_str(o, "label", v->zh);
				sb_addc(o, '}');
			}
			sb_addc(o, ']');
		}
		if (f->type == FT_OBJECT && f->sub) {
			sb_adds(o, ", \"sub\": ");
			write_fields(o, f->sub, u, -1, false); /* written as their object */
		}
		sb_addc(o, '}');
	}
	sb_addc(o, ']');
}

/* A value of a step's filter, as the plan wrote it: its canonical token
** ("n" null, "b:1", "d:2018", "s:text", obligation.c when_token). */
static void write_token(strbuf *o, const char *t)
{
	if (!strcmp(t, "n"))
		sb_adds(o, "null");
	else if (!strncmp(t, "b:", 2))
		sb_adds(o, t[2] == '1' ? "true" : "false");
	else if (!strncmp(t, "d:", 2))
		sb_adds(o, t + 2);
	else
		sb_add_json_str(o, !strncmp(t, "s:", 2) ? t + 2 : t);
}

/* The plan's steps on the records of array a: an obligation on a whose
** anchor and done are both a date field of the record itself. */
static void write_steps(strbuf *o, const tg_plan *plan, int a)
{
	static const char *const offsets[] = {
		[OFFSET_DAYS] = "days", [OFFSET_WORKDAYS] = "workdays",
		[OFFSET_MONTHS] = "months", [OFFSET_YEARS] = "years", [OFFSET_NULL] = NULL,
	};
	sb_addc(o, '[');
	int n = 0;
	for (size_t i = 0; plan && i < plan->n_obligations; i++) {
		const tg_obligation *ob = &plan->obligations[i];
		if (ob->subject != a || ob->yearly || ob->anchor.kind != SRC_FIELD ||
		    ob->done != DONE_FIELD || !offsets[ob->offset])
			continue;
		const tg_field *from = schema_field_at(a, ob->anchor.off);
		const tg_field *done = schema_field_at(a, ob->done_off);
		if (!from || !done)
			continue;
		sb_adds(o, n++ ? ", {\"id\": " : "{\"id\": ");
		sb_add_json_str(o, ob->id);
		add_str(o, "title", ob->title);
		add_str(o, "clause", ob->clause);
		add_str(o, "anchor", from->key);
		add_str(o, "done", done->key);
		sb_adds(o, ", \"offset\": {");
		sb_add_json_str(o, offsets[ob->offset]);
		sb_addf(o, ": %d}", ob->offset_n);
		/* the record's values each step applies to ("list": ["abnormal"]) */
		sb_adds(o, ", \"when\": {");
		for (size_t w = 0; w < ob->n_when; w++) {
			const tg_field *wf = ob->when[w].field;
			sb_adds(o, w ? ", " : "");
			sb_add_json_str(o, wf->key);
			sb_adds(o, ": [");
			for (size_t k = 0; k < ob->when[w].n_values; k++) {
				sb_adds(o, k ? ", " : "");
				write_token(o, ob->when[w].values[k]);
			}
			sb_addc(o, ']');
		}
		sb_addc(o, '}');
		sb_addc(o, '}');
	}
	sb_addc(o, ']');
}

int api_rights(http_request *rq)
{
	const tg_user *u = &rq->user;
	unsigned who = role_bit(u->role);
	strbuf *o = &rq->out;
	sb_adds(o, "{\"role\": ");
	sb_add_json_str(o, u->role);
	add_str(o, "department", u->department[0] ? u->department : NULL);
	sb_adds(o, ",\n \"arrays\": {");
	int n = 0;
	for (int a = 0; a < ARR_COUNT; a++) {
		if (!route_allows(rq, who, "GET", a))
			continue; /* an array without record routes, or not this role's */
		bool may_put = route_allows(rq, who, "PUT", a);
		bool may_post = route_allows(rq, who, "POST", a) && policy_can_create(u, a);
		sb_adds(o, n++ ? ",\n  " : "\n  ");
		sb_add_json_str(o, tg_schema[a].key);
		sb_adds(o, ": {\"label\": ");
		sb_add_json_str(o, tg_schema[a].zh);
		sb_addf(o, ", \"create\": %s, \"fields\": ", may_post ? "true" : "false");
		write_fields(o, tg_schema[a].fields, u, a, may_put);
		sb_adds(o, ", \"steps\": ");
		write_steps(o, rq->srv->plan, a);
		sb_addc(o, '}');
	}
	sb_adds(o, "\n },\n \"actions\": {");
	sb_addf(o, "\"urge\": %s, \"urge_list\": %s, \"urge_acknowledge\": %s",
		action_allows(rq, who, "POST", "/api/v1/units/{id}/urges") ? "true" : "false",
		action_allows(rq, who, "GET", "/api/v1/urges") ? "true" : "false",
		action_allows(rq, who, "POST", "/api/v1/urges/{id}/acknowledge") ? "true" : "false");
	sb_adds(o, "}}\n");
	return reply_json(rq, HTTP_OK);
}
