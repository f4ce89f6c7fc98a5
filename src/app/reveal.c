/*
** reveal.c: one person's full ID number (app.h), the only way a number
** leaves the store in clear besides the operator's export: the actor's
** scope first (a unit its own staff only), then the password again, then
** the number; every outcome is audited (reveal_id: ok, denied or failed).
*/
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "rights.h"

int app_reveal(tg_store *s, const tg_user *actor, const char *id, app_password_again_fn again,
	       void *ctx, char **number, tg_error *err)
{
	tg_register r;
	char object[96];
	*number = NULL;
	register_init(&r);
	snprintf(object, sizeof object, "persons/%s", id);
	int rc = store_record_get(s, ARR_PERSONS, id, &r, NULL, err);
	/* A unit sees the full number of its own staff only: persons.unit,
	** which no unit can write (policy.c). */
	if (rc == TG_OK && !policy_may_reveal(actor, register_row(&r, ARR_PERSONS, 0))) {
		store_audit_add(s, "reveal_id", object, "denied", NULL, NULL, NULL);
		rc = tg_error_set(err, TG_ENOTFOUND, "not_found", "",
				  "没有找到该记录（只能查看本单位人员的完整公民身份号码）");
	}
	register_release(&r);
	if (rc)
		return rc;
	const char *reason = "error";
	bool failed = false;
	if (again(ctx, &reason, &failed)) {
		char after[96];
		snprintf(after, sizeof after, "{\"reason\": \"%s\"}", reason);
		store_audit_add(s, "reveal_id", object, failed ? "failed" : "denied", NULL, after,
				NULL);
		return tg_error_set(err, TG_EINVAL, "password_again", "password",
				    "须再次输入密码");
	}
	return store_person_reveal(s, id, number, err);
}
