/*
** api_workflow.c: the workflow's checks over HTTP (docs/api.md,
** "Workflow"): the guard every write of an association passes (an
** acceptance not ready is refused, 409 acceptance_unready, unless the body
** gives override_reason, which the audit log keeps), and the office's
** return (退回) of a work summary with its reason.  The checks themselves
** are src/app/workflow.c's.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "input.h"
#include "respond.h"

int api_workflow_guard(http_request *rq, const tg_register *r, const char *override, char **unmet,
		       bool *refused)
{
	tg_errors errs;
	strbuf why;
	size_t n = 0;
	tg_errors_init(&errs);
	sb_init(&why);
	*refused = false;
	*unmet = NULL;
	int rc = app_workflow_check_store(rq_store(rq), rq->srv->plan, r, true, &errs, &why, &n,
					  &rq->err);
	if (rc == TG_OK && n && !(override && *override)) {
		*refused = true;
		reply_error(rq, HTTP_CONFLICT, "acceptance_unready", "accepted_on",
			    "%s（确需验收的，须写明例外验收理由）", errs.items[0].message);
	} else if (rc == TG_OK && n) {
		*unmet = sb_detach(&why, NULL);
	}
	sb_release(&why);
	tg_errors_free(&errs);
	return rc;
}

char *api_workflow_override(json_t *body)
{
	const char *v = json_string_value(json_object_get(body, "override_reason"));
	char *copy = v && *v ? strdup(v) : NULL;
	if (v && *v && !copy)
		abort();
	json_object_del(body, "override_reason");
	return copy;
}

int api_workflow_audit(http_request *rq, const tg_register *r, const char *unmet,
		       const char *override)
{
	if (!unmet)
		return TG_OK;
	const tg_association *a = register_row(r, ARR_ASSOCIATIONS, 0);
	return app_acceptance_override_audit(rq_store(rq), a->uscc, a->accepted_on, unmet, override,
					     &rq->err);
}

int api_summary_return(http_request *rq)
{
	json_t *body = NULL;
	int rc = rq_json_body(rq, &body);
	if (rc)
		return rc;
	const char *uscc = rq->params.value[0];
	rc = app_summary_return(rq_store(rq), &rq->user, uscc,
				json_string_value(json_object_get(body, "reason")), &rq->err);
	if (rc == TG_OK) {
		tg_register r;
		int64_t version = 0;
		register_init(&r);
		if ((rc = store_record_get(rq_store(rq), ARR_ASSOCIATIONS, uscc, &r, &version,
					   &rq->err)) == TG_OK) {
			api_write_record(&r, ARR_ASSOCIATIONS, register_row(&r, ARR_ASSOCIATIONS, 0),
					 version, &rq->out);
			sb_addc(&rq->out, '\n');
			rc = reply_json(rq, HTTP_OK);
		}
		register_release(&r);
	}
	json_decref(body);
	return rc;
}
