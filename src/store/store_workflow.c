/*
** store_workflow.c: the store's logic for a step of the workflow that a
** record's fields cannot carry (a summary returned, with its reason),
** written once over the driver interface (db.h): one row of the change
** history and one audit record, in one transaction.
*/
#include <stdio.h>

#include "db.h"
#include "store.h"
#include "store_impl.h"

int store_workflow_note(tg_store *s, const char *user, const char *association,
			const char *event, const char *before, const char *after, tg_error *err)
{
	int rc = db_write_begin(s->db, err);
	if (rc)
		return rc;
	rc = store_change_add(s, user, "associations", association, association, before, after,
			      err);
	char object[200];
	snprintf(object, sizeof object, "associations/%s", association);
	if (rc == TG_OK)
		rc = store_audit_append(s, event, object, "ok", before, after, err);
	if (rc == TG_OK)
		rc = store_generation_bump(s, err);
	return db_write_end(s->db, rc, err);
}
