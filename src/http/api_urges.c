/*
** api_urges.c: 催办, the office urging a supervising unit for its overdue
** items (docs/api.md, "Reminders"); the operation is app_urge
** (src/app/urge.c), shared with `tuogou remind --urge`.
**
**   POST /api/v1/units/{id}/urges  {"as_of": "YYYY-MM-DD", "message": "..."}
**       the office (the route table; a county's office its county's units:
**       the route's scope): 201 with the 催办 as recorded, its items as the
**       unit's users see them, and what became of its mail.
**   GET /api/v1/urges?unit=&open=1&page=&per_page=
**       the 催办 sent, newest first: the office every one to a unit of its
**       jurisdiction, a unit those sent to it; open=1 those not yet signed
**       for (签收).
**   POST /api/v1/urges/{id}/acknowledge
**       a unit signs for a 催办 sent to it (签收): 200 with the 催办.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "cache.h"
#include "input.h"
#include "respond.h"

void api_write_urge(strbuf *o, const tg_urge *u)
{
	sb_addf(o, "{\"id\": %lld", (long long)u->id);
	sb_add_json_member(o, ", \"unit\": ", u->unit);
	sb_add_json_member(o, ", \"unit_name\": ", u->unit_name);
	sb_add_json_member(o, ", \"as_of\": ", u->as_of);
	sb_add_json_member(o, ", \"message\": ", u->message);
	sb_addf(o, ", \"n_items\": %lld", (long long)u->n_items);
	sb_add_json_member(o, ", \"sent_by\": ", u->sent_by);
	sb_add_json_member(o, ", \"sent_by_name\": ", u->sent_by_name);
	sb_add_json_member(o, ", \"sent_at\": ", u->sent_at);
	bool mailed = !strcmp(u->mail_status, "pending") || !strcmp(u->mail_status, "sent") ||
		      !strcmp(u->mail_status, "failed");
	sb_addf(o, ", \"channels\": [\"site\"%s]", mailed ? ", \"mail\"" : "");
	sb_add_json_member(o, ", \"mail_status\": ", u->mail_status);
	sb_add_json_member(o, ", \"mail_to\": ", u->mail_to[0] ? u->mail_to : NULL);
	sb_add_json_member(o, ", \"mail_error\": ", u->mail_error[0] ? u->mail_error : NULL);
	sb_add_json_member(o, ", \"mail_at\": ", u->mail_at[0] ? u->mail_at : NULL);
	sb_add_json_member(o, ", \"acknowledged_by\": ",
			   u->acknowledged_by[0] ? u->acknowledged_by : NULL);
	sb_add_json_member(o, ", \"acknowledged_at\": ",
			   u->acknowledged_at[0] ? u->acknowledged_at : NULL);
	sb_adds(o, ", \"items\": ");
	sb_adds(o, u->items ? u->items : "[]"); /* JSON the store keeps as app_urge wrote it */
	sb_addc(o, '}');
}

int api_urge_send(http_request *rq)
{
	json_t *body = NULL;
	int rc = rq_json_body(rq, &body);
	if (rc)
		return rc;
	tg_date as_of;
	json_t *day = json_object_get(body, "as_of"), *msg = json_object_get(body, "message");
	if (day && !json_is_string(day))
		rc = tg_error_set(&rq->err, TG_EINVAL, "bad_date", "as_of",
				  "截至日期应为 YYYY-MM-DD");
	else if (day && date_parse(json_string_value(day), &as_of))
		rc = tg_error_set(&rq->err, TG_EINVAL, "bad_date", "as_of",
				  "日期“%.20s”无效（应为 YYYY-MM-DD）", json_string_value(day));
	else if (!day)
		rc = rq_as_of(rq, &as_of);
	if (rc == TG_OK && msg && !json_is_null(msg) && !json_is_string(msg))
		rc = tg_error_set(&rq->err, TG_EINVAL, "bad_type", "message", "附言应为文字");
	if (rc) {
		json_decref(body);
		return rc;
	}
	/* the items as the unit's own users see them */
	tg_user unit_view = {0};
	str_copy(unit_view.role, sizeof unit_view.role, "unit");
	str_copy(unit_view.unit, sizeof unit_view.unit, rq->params.value[0]);
	cache_view v;
	if ((rc = cache_get_as(rq, &unit_view, as_of, &v))) {
		json_decref(body);
		return rc;
	}
	app_urge_in in = {
		.unit = rq->params.value[0],
		.message = json_string_value(msg),
		.reg = v.reg,
		.fs = v.fs,
		.plan = rq->srv->plan,
		.mail_config = rq->srv->mail_config,
		.mail_config_given = rq->srv->mail_config_given,
	};
	tg_urge u;
	rc = app_urge(rq_store(rq), &rq->user, &in, &u, &rq->err);
	cache_put(rq->srv->cache, &v);
	json_decref(body);
	if (rc)
		return rc;
	api_write_urge(&rq->out, &u);
	sb_addc(&rq->out, '\n');
	free(u.message);
	free(u.items);
	return reply_json(rq, HTTP_CREATED);
}

int api_urges_list(http_request *rq)
{
	size_t page, per_page;
	int rc = rq_paging(rq, &page, &per_page);
	if (rc)
		return rc;
	const char *want_unit = rq_query(rq, "unit"), *open = rq_query(rq, "open");
	bool only_open = open && strcmp(open, "0");
	bool is_unit = !strcmp(rq->user.role, "unit");
	cache_view v = {0};
	bool scoped = !is_unit && rq->user.jurisdiction[0];
	if (scoped && (rc = cache_get_viewer(rq, date_today(), &v)))
		return rc;
	tg_urge *items = NULL;
	size_t n = 0;
	rc = store_urge_list(rq_store(rq), is_unit ? rq->user.unit : want_unit, &items, &n,
			     &rq->err);
	if (rc == TG_OK && is_unit && !rq->user.unit[0])
		n = 0; /* a unit account without a unit sees none */
	strbuf list;
	sb_init(&list);
	size_t total = 0, first = (page - 1) * per_page;
	for (size_t i = 0; rc == TG_OK && i < n; i++) {
		const tg_urge *u = &items[i];
		if (scoped && !app_urge_visible(&rq->user, v.reg, u))
			continue;
		if (only_open && u->acknowledged_at[0])
			continue;
		if (total >= first && total < first + per_page) {
			sb_adds(&list, list.len ? ",\n " : "\n ");
			api_write_urge(&list, u);
		}
		total++;
	}
	if (scoped)
		cache_put(rq->srv->cache, &v);
	store_urges_free(items, n);
	if (rc == TG_OK) {
		sb_addf(&rq->out, "{\"total\": %zu, \"page\": %zu, \"per_page\": %zu, \"items\": [",
			total, page, per_page);
		rc = reply_json_list(rq, &list);
	}
	sb_release(&list);
	return rc;
}

int api_urge_acknowledge(http_request *rq)
{
	char *end;
	long long id = strtoll(rq->params.value[0], &end, 10);
	if (*end || id <= 0)
		return tg_error_set(&rq->err, TG_ENOTFOUND, "not_found", "", "没有找到该催办记录");
	int rc = app_urge_acknowledge(rq_store(rq), &rq->user, id, &rq->err);
	tg_urge u;
	if (rc == TG_OK && (rc = store_urge_get(rq_store(rq), id, &u, &rq->err)) == TG_OK) {
		api_write_urge(&rq->out, &u);
		sb_addc(&rq->out, '\n');
		free(u.message);
		free(u.items);
		rc = reply_json(rq, HTTP_OK);
	}
	return rc;
}
