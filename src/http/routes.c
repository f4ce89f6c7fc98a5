/*
** routes.c: THE route table of the server: every URL the server answers
** below /api and /healthz, who may call it and what its object is.
**
** Authorization is decided here and nowhere else: the dispatcher refuses a
** role whose bit is not in the route's mask (403), a request without a
** session on a route that is not R_PUBLIC (401), and then checks the
** route's object against the user's scope (404).  A path not in this table
** is 404 (405 when only the method differs): deny by default.  The table is
** printed by `tuogou routes` so that the security tests are generated from
** it; keep it the only place a route is added.
**
** Field-level rights (which department writes which field) are in
** policy.c; this table only says which roles may call a write at all.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "routes.h"

/* Who may write each array (policy.c narrows it to fields and scope). */
#define W_BATCHES R_OFFICE
#define W_UNITS (R_OFFICE | R_UNIT) /* a unit: its own, function_list_on (rights.c) */
#define W_ASSOCIATIONS (R_OFFICE | R_CIVIL_AFFAIRS | R_UNIT | R_DEPARTMENT | R_ASSOCIATION)
#define W_PERSONS (R_OFFICE | R_UNIT | R_DEPARTMENT)
#define W_POSTS (R_OFFICE | R_UNIT | R_DEPARTMENT)
#define W_STAFF (R_OFFICE | R_UNIT | R_ASSOCIATION)
#define W_PREMISES (R_OFFICE | R_UNIT | R_DEPARTMENT | R_ASSOCIATION)
#define W_ASSETS (R_OFFICE | R_UNIT | R_DEPARTMENT)
#define W_APPROPRIATIONS (R_OFFICE | R_DEPARTMENT)
#define W_FUNCTIONS (R_OFFICE | R_UNIT)
#define W_UNIT_TASKS (R_OFFICE | R_UNIT)
#define W_ELECTIONS (R_OFFICE | R_CIVIL_AFFAIRS | R_ASSOCIATION)
#define W_ANNUAL_REPORTS (R_OFFICE | R_CIVIL_AFFAIRS | R_ASSOCIATION)
#define W_FOREIGN_APPROVALS (R_OFFICE | R_UNIT)
#define W_CREDIT_LISTINGS (R_OFFICE | R_CIVIL_AFFAIRS)
/* Support and supervision after decoupling (五, supervision.md): civil
** affairs keeps them all (and the 行政区划 it administers); a department
** writes its kind's arrays (rights.c: finance purchases and tax exemption,
** price fees and award activities). */
#define W_JURISDICTIONS (R_OFFICE | R_CIVIL_AFFAIRS)
#define W_SERVICE_PURCHASES (R_OFFICE | R_CIVIL_AFFAIRS | R_DEPARTMENT)
#define W_FEES (R_OFFICE | R_CIVIL_AFFAIRS | R_DEPARTMENT)
#define W_AWARDS (R_OFFICE | R_CIVIL_AFFAIRS | R_DEPARTMENT)
#define W_TAX_EXEMPTIONS (R_OFFICE | R_CIVIL_AFFAIRS | R_DEPARTMENT)
#define W_RATINGS (R_OFFICE | R_CIVIL_AFFAIRS)
#define W_CREDIT_COMMITMENTS (R_OFFICE | R_CIVIL_AFFAIRS)
#define W_EVALUATIONS (R_OFFICE | R_CIVIL_AFFAIRS)
#define W_EXIT_CASES (R_OFFICE | R_CIVIL_AFFAIRS)

/* The four routes of one register array. */
#define RECORD_ROUTES(name, key, arr, writers)                                             \
	{"GET", "/api/v1/" name, api_record_list, R_BUSINESS, SCOPE_LIST, arr, 0},          \
	{"POST", "/api/v1/" name, api_record_create, writers, SCOPE_BODY, arr, 0},          \
	{"GET", "/api/v1/" name "/" key, api_record_get, R_BUSINESS, SCOPE_RECORD, arr, 0}, \
	{"PUT", "/api/v1/" name "/" key, api_record_update, writers, SCOPE_RECORD, arr, 0}

const tg_route tg_routes[] = {
	{"GET", "/healthz", api_healthz, R_PUBLIC, SCOPE_NONE, -1, 0},

	{"POST", "/api/v1/session", api_session_create, R_PUBLIC, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/session", api_session_get, R_USERS, SCOPE_NONE, -1, 0},
	{"DELETE", "/api/v1/session", api_session_delete, R_USERS, SCOPE_NONE, -1, 0},

	RECORD_ROUTES("batches", "{id}", ARR_BATCHES, W_BATCHES),
	RECORD_ROUTES("units", "{id}", ARR_UNITS, W_UNITS),
	RECORD_ROUTES("associations", "{uscc}", ARR_ASSOCIATIONS, W_ASSOCIATIONS),
	RECORD_ROUTES("persons", "{id}", ARR_PERSONS, W_PERSONS),
	RECORD_ROUTES("posts", "{id}", ARR_POSTS, W_POSTS),
	RECORD_ROUTES("staff", "{id}", ARR_STAFF, W_STAFF),
	RECORD_ROUTES("premises", "{id}", ARR_PREMISES, W_PREMISES),
	RECORD_ROUTES("assets", "{id}", ARR_ASSETS, W_ASSETS),
	RECORD_ROUTES("appropriations", "{id}", ARR_APPROPRIATIONS, W_APPROPRIATIONS),
	RECORD_ROUTES("functions", "{id}", ARR_FUNCTIONS, W_FUNCTIONS),
	RECORD_ROUTES("unit_tasks", "{id}", ARR_UNIT_TASKS, W_UNIT_TASKS),
	RECORD_ROUTES("elections", "{id}", ARR_ELECTIONS, W_ELECTIONS),
	RECORD_ROUTES("annual_reports", "{association}/{year}", ARR_ANNUAL_REPORTS,
		      W_ANNUAL_REPORTS),
	RECORD_ROUTES("foreign_approvals", "{id}", ARR_FOREIGN_APPROVALS, W_FOREIGN_APPROVALS),
	RECORD_ROUTES("credit_listings", "{id}", ARR_CREDIT_LISTINGS, W_CREDIT_LISTINGS),
	RECORD_ROUTES("jurisdictions", "{id}", ARR_JURISDICTIONS, W_JURISDICTIONS),
	RECORD_ROUTES("service_purchases", "{id}", ARR_SERVICE_PURCHASES, W_SERVICE_PURCHASES),
	RECORD_ROUTES("fees", "{id}", ARR_FEES, W_FEES),
	RECORD_ROUTES("awards", "{id}", ARR_AWARDS, W_AWARDS),
	RECORD_ROUTES("tax_exemptions", "{id}", ARR_TAX_EXEMPTIONS, W_TAX_EXEMPTIONS),
	RECORD_ROUTES("ratings", "{id}", ARR_RATINGS, W_RATINGS),
	RECORD_ROUTES("credit_commitments", "{id}", ARR_CREDIT_COMMITMENTS, W_CREDIT_COMMITMENTS),
	RECORD_ROUTES("evaluations", "{id}", ARR_EVALUATIONS, W_EVALUATIONS),
	RECORD_ROUTES("exit_cases", "{id}", ARR_EXIT_CASES, W_EXIT_CASES),

	{"GET", "/api/v1/associations/{uscc}/findings", api_association_findings, R_BUSINESS,
	 SCOPE_ASSOCIATION, -1, 0},
	{"GET", "/api/v1/associations/{uscc}/checklist", api_checklist_get, R_BUSINESS,
	 SCOPE_ASSOCIATION, -1, 0},
	{"POST", "/api/v1/associations/{uscc}/checklist", api_checklist_post, W_ASSOCIATIONS,
	 SCOPE_ASSOCIATION, -1, 0},
	{"GET", "/api/v1/associations/{uscc}/history", api_history, R_BUSINESS, SCOPE_ASSOCIATION,
	 -1, 0},
	{"POST", "/api/v1/associations/{uscc}/summary/return", api_summary_return, R_OFFICE,
	 SCOPE_ASSOCIATION, -1, 0},
	{"POST", "/api/v1/associations/{uscc}/evidence", api_evidence_upload,
	 R_OFFICE | R_CIVIL_AFFAIRS | R_UNIT | R_DEPARTMENT | R_ASSOCIATION, SCOPE_ASSOCIATION, -1,
	 HTTP_UPLOAD_CAP},
	{"GET", "/api/v1/evidence/{id}", api_evidence_get, R_BUSINESS, SCOPE_EVIDENCE, -1, 0},

	{"GET", "/api/v1/findings", api_findings, R_BUSINESS, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/dashboard", api_dashboard,
	 R_OFFICE | R_CIVIL_AFFAIRS | R_UNIT | R_DEPARTMENT, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/dashboard/units", api_dashboard_units,
	 R_OFFICE | R_CIVIL_AFFAIRS | R_UNIT | R_DEPARTMENT, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/plan", api_plan, R_BUSINESS, SCOPE_NONE, -1, 0},
	{"POST", "/api/v1/import", api_import, R_OFFICE, SCOPE_NONE, -1, HTTP_IMPORT_CAP},

	/* Security (issue 5): one full ID number with the password again; the
	** three administrators' pages, and nothing else for them. */
	{"POST", "/api/v1/persons/{id}/reveal", api_person_reveal, R_OFFICE | R_UNIT, SCOPE_RECORD,
	 ARR_PERSONS, 0},
	{"GET", "/api/v1/audit", api_audit_list, R_AUDITOR, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/audit/export", api_audit_export, R_AUDITOR, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/audit/verify", api_audit_verify, R_AUDITOR, SCOPE_NONE, -1, 0},
	/* Business accounts (三员分立, issue 14): the security and the system
	** administrator each propose; the other kind approves. */
	{"GET", "/api/v1/users", api_users_list, R_SECADMIN | R_SYSADMIN, SCOPE_NONE, -1, 0},
	{"POST", "/api/v1/users", api_user_create, R_SECADMIN | R_SYSADMIN, SCOPE_NONE, -1, 0},
	{"PUT", "/api/v1/users/{username}", api_user_update, R_SECADMIN | R_SYSADMIN, SCOPE_NONE,
	 -1, 0},
	{"POST", "/api/v1/users/{username}/password", api_user_password, R_SECADMIN | R_SYSADMIN,
	 SCOPE_NONE, -1, 0},
	{"POST", "/api/v1/users/{username}/totp", api_user_totp, R_SECADMIN, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/user-requests", api_requests_list, R_SECADMIN | R_SYSADMIN, SCOPE_NONE,
	 -1, 0},
	{"POST", "/api/v1/user-requests/{id}/approve", api_request_approve,
	 R_SECADMIN | R_SYSADMIN, SCOPE_NONE, -1, 0},
	{"POST", "/api/v1/user-requests/{id}/reject", api_request_reject, R_SECADMIN | R_SYSADMIN,
	 SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/settings", api_settings_get, R_SYSADMIN, SCOPE_NONE, -1, 0},
	{"PUT", "/api/v1/settings", api_settings_put, R_SYSADMIN, SCOPE_NONE, -1, 0},
	{"POST", "/api/v1/import/sheets", api_import_sheets, R_OFFICE, SCOPE_NONE, -1,
	 HTTP_IMPORT_CAP},

	/* Downloads: lists as xlsx (scoped by the handler), the import template,
	** the PDF reports. */
	{"GET", "/api/v1/export/{list}.xlsx", api_export_xlsx, R_BUSINESS, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/reports/progress.pdf", api_report_progress,
	 R_OFFICE | R_CIVIL_AFFAIRS | R_DEPARTMENT, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/associations/{uscc}/summary.pdf", api_report_summary, R_BUSINESS,
	 SCOPE_ASSOCIATION, -1, 0},

	/* Reminders (临近提醒, 催办) in the user's scope; the working-day
	** calendar the lights use. */
	{"GET", "/api/v1/reminders", api_reminders, R_BUSINESS, SCOPE_NONE, -1, 0},
	/* 催办 (6.1: the office urges): sent to a unit in the office's scope
	** (SCOPE_RECORD of units: a county's office its county's); listed for
	** the office and the unit it was sent to, who signs for it (签收). */
	{"POST", "/api/v1/units/{id}/urges", api_urge_send, R_OFFICE, SCOPE_RECORD, ARR_UNITS, 0},
	{"GET", "/api/v1/urges", api_urges_list, R_OFFICE | R_UNIT, SCOPE_NONE, -1, 0},
	{"POST", "/api/v1/urges/{id}/acknowledge", api_urge_acknowledge, R_UNIT, SCOPE_NONE, -1,
	 0},
	{"GET", "/api/v1/inbox", api_inbox, R_USERS, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/calendar/workdays", api_calendar_workdays, R_USERS, SCOPE_NONE, -1, 0},
	{"GET", "/api/v1/rights", api_rights, R_BUSINESS, SCOPE_NONE, -1, 0},

	/* The public page (公示): no login, no personal data. */
	{"GET", "/api/v1/public/associations", api_public_associations, R_PUBLIC, SCOPE_NONE, -1,
	 0},
	{"GET", "/api/v1/public/plan", api_public_plan, R_PUBLIC, SCOPE_NONE, -1, 0},
};
const size_t tg_routes_count = sizeof tg_routes / sizeof tg_routes[0];

/* ---- matching ---- */

/* Match path against pattern segment by segment; {x} takes one non-empty
** segment, or what of it precedes the literal rest of the pattern's segment
** ("{list}.xlsx" takes "associations" of "associations.xlsx"). */
static bool pattern_match(const char *pattern, const char *path, route_params *params)
{
	route_params got = {{0}, 0};
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *pend = strchr(p, '}');
			const char *send = strchr(s, '/');
			size_t n = send ? (size_t)(send - s) : strlen(s);
			if (!pend || n == 0 || got.n == ROUTE_MAX_PARAMS)
				goto no;
			size_t rest = strcspn(pend + 1, "/"); /* a literal suffix in the segment */
			if (rest) {
				if (n <= rest || strncmp(s + n - rest, pend + 1, rest))
					goto no;
				n -= rest;
			}
			got.value[got.n++] = strndup(s, n);
			p = pend + 1;
			s += n;
			continue;
		}
		if (*p != *s)
			goto no;
		p++;
		s++;
	}
	if (*p || *s)
		goto no;
	if (params)
		*params = got;
	else
		route_params_free(&got);
	return true;
no:
	route_params_free(&got);
	return false;
}

const tg_route *route_match(const char *method, const char *path, route_params *params,
			    bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < tg_routes_count; i++) {
		const tg_route *r = &tg_routes[i];
		bool same_method = !strcmp(r->method, method) ||
				   (!strcmp(method, "HEAD") && !strcmp(r->method, "GET"));
		if (!same_method) {
			if (!*path_known && pattern_match(r->pattern, path, NULL))
				*path_known = true;
			continue;
		}
		if (pattern_match(r->pattern, path, params))
			return r;
	}
	return NULL;
}

/* Invariant (test_route_table_shape): only POST, PUT and PATCH routes set
** a body cap of their own, so any other request (every GET) is capped at
** the JSON cap without matching the table a second time. */
static bool takes_body(const char *method)
{
	return !strcmp(method, "POST") || !strcmp(method, "PUT") || !strcmp(method, "PATCH");
}

size_t route_body_cap(const char *method, const char *path)
{
	if (!takes_body(method))
		return HTTP_JSON_CAP;
	bool known;
	route_params p = {{0}, 0};
	const tg_route *r = route_match(method, path, &p, &known);
	route_params_free(&p);
	return r && r->body_cap ? r->body_cap : HTTP_JSON_CAP;
}

/* ---- the table as JSON ---- */

static const char *scope_name(enum scope_kind k)
{
	static const char *names[] = {"none", "list", "record", "association", "evidence", "body"};
	return names[k];
}

void http_routes_json(strbuf *out)
{
	sb_adds(out, "[");
	for (size_t i = 0; i < tg_routes_count; i++) {
		const tg_route *r = &tg_routes[i];
		sb_adds(out, i ? ",\n " : "\n ");
		sb_add_json_member(out, "{\"method\": ", r->method);
		sb_add_json_member(out, ", \"pattern\": ", r->pattern);
		sb_adds(out, ", \"roles\": [");
		int n = 0;
		for (unsigned bit = 1; bit <= R_PUBLIC; bit <<= 1) /* the roles in bit order */
			if (r->roles & bit) {
				sb_adds(out, n++ ? ", " : "");
				sb_add_json_str(out, role_name_of_bit(bit));
			}
		sb_adds(out, "], \"login\": ");
		sb_adds(out, r->roles & R_PUBLIC ? "false" : "true");
		sb_add_json_member(out, ", \"scope\": ", scope_name(r->scope));
		sb_add_json_member(out, ", \"array\": ",
				   r->array >= 0 ? tg_schema[r->array].key : NULL);
		sb_addf(out, ", \"body_cap\": %zu}", r->body_cap ? r->body_cap : (size_t)HTTP_JSON_CAP);
	}
	sb_adds(out, "\n]\n");
}
