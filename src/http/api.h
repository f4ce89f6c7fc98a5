/*
** api.h: the handlers of the route table, and what they share: record
** JSON, downloads, list queries.  A handler reads its request (request.h,
** input.h), decides (policy.h), acts (the store, src/app) and sets a
** response (respond.h); it never names the HTTP library.
*/
#ifndef TG_HTTP_API_H
#define TG_HTTP_API_H

#include <jansson.h>

#include "register.h"
#include "request.h"
#include "store.h"

/* Record JSON with the version; person ID numbers masked. */
void api_write_record(const tg_register *r, int a, const void *row, int64_t version, strbuf *out);
/* Mask the id_number of a JSON object (history rows). */
void api_mask_json(json_t *obj);

/* Handlers. */
int api_session_create(http_request *rq);
int api_session_get(http_request *rq);
int api_session_delete(http_request *rq);
int api_record_list(http_request *rq);
int api_record_get(http_request *rq);
int api_record_create(http_request *rq);
int api_record_update(http_request *rq);
/* api_workflow.c: a write of association rows r by a person passes the
** workflow's checks (app_workflow_check): an acceptance not ready is
** refused (409 acceptance_unready, *refused, the response set) unless
** override (the body's override_reason) is given; then *unmet (malloc'd)
** says what was not met, for the audit record after the write. */
int api_workflow_guard(http_request *rq, const tg_register *r, const char *override, char **unmet,
		       bool *refused);
/* The body's override_reason (malloc'd, NULL when none), taken out of it. */
char *api_workflow_override(json_t *body);
/* After the write: the audit record of an acceptance overridden (unmet set). */
int api_workflow_audit(http_request *rq, const tg_register *r, const char *unmet,
		       const char *override);
int api_summary_return(http_request *rq);
int api_inbox(http_request *rq);
int api_findings(http_request *rq);
int api_association_findings(http_request *rq);
int api_checklist_get(http_request *rq);
int api_checklist_post(http_request *rq);
int api_dashboard(http_request *rq);
int api_dashboard_units(http_request *rq);
int api_plan(http_request *rq);
int api_evidence_upload(http_request *rq);
int api_evidence_get(http_request *rq);
int api_history(http_request *rq);
int api_import(http_request *rq);
int api_healthz(http_request *rq);
/* Static files of the web UI (static.c). */
int static_serve(http_request *rq);
/* Security (api_security.c): reveal, audit log, users, settings. */
int api_person_reveal(http_request *rq);
int api_audit_list(http_request *rq);
int api_audit_export(http_request *rq);
int api_audit_verify(http_request *rq);
int api_users_list(http_request *rq);
int api_user_create(http_request *rq);
int api_user_update(http_request *rq);
int api_user_password(http_request *rq);
int api_user_totp(http_request *rq);
int api_requests_list(http_request *rq);
int api_request_approve(http_request *rq);
int api_request_reject(http_request *rq);
int api_settings_get(http_request *rq);
int api_settings_put(http_request *rq);
/* The public page, downloads, reports and reminders (api_public.c,
** api_export.c, api_import_sheets.c, api_reports.c, api_reminders.c). */
int api_public_associations(http_request *rq);
/* GET /api/v1/public/plan: the plan's id, title, number, level, office and
** place word, for the pages shown before login (登录页、公示页). */
int api_public_plan(http_request *rq);
/* The plan's object opened with its id, title, number, level, office and
** place (what both plan routes say), left open for more keys. */
void api_plan_head(strbuf *o, const tg_plan *plan);
int api_export_xlsx(http_request *rq);
int api_import_sheets(http_request *rq);
int api_report_progress(http_request *rq);
/* The jurisdiction a request's findings and reports are kept to: a county
** account's own, or the one asked for (?jurisdiction=, the city opening a
** county); one below the account's own only (another county's: "-", an
** unknown code, nothing); NULL: the whole register. */
const char *api_jurisdiction_scope(http_request *rq, const tg_register *r);
int api_report_summary(http_request *rq);
int api_reminders(http_request *rq);
/* 催办 (api_urges.c): send one to a unit, list them, a unit's 签收. */
int api_urge_send(http_request *rq);
int api_urges_list(http_request *rq);
int api_urge_acknowledge(http_request *rq);
/* One 催办 as JSON, as GET /api/v1/urges lists it (the inbox's too). */
void api_write_urge(strbuf *o, const tg_urge *u);
int api_calendar_workdays(http_request *rq);
/* GET /api/v1/rights: what the user may write, per array and field (api_rights.c). */
int api_rights(http_request *rq);
/* Send the file at path (a download the handler wrote) as the body with
** Content-Disposition: attachment; filename (UTF-8); the file is removed. */
int reply_download(http_request *rq, const char *path, const char *content_type,
		   const char *filename);
/* A private temporary file for a download (malloc'd path, created 0600). */
char *download_tmp_path(const char *suffix, tg_error *err);
/* The filters of a record list (?unit, ?association, ?q, ?batch, ?state,
** ?sort) and the user's scope, as api_record_list applies them
** (api_records.c); *stage_json is the caller's to free. */
int api_list_query(http_request *rq, int a, tg_list_query *q, char **stage_json);

/* The rendered list of GET /api/v1/public/associations, per (generation,
** day); created with the server (api_public.c). */
public_cache *public_cache_new(void);
void public_cache_free(public_cache *c);

#endif
