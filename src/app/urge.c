/*
** urge.c: 催办, the joint office urging a supervising unit for its overdue
** items (app.h; plan 六(一): the working group's office guides and urges).
**
** The items are those of the reminders' digest (src/core/remind.c) that
** are overdue as of the findings' day, of the unit, within the actor's
** jurisdiction, as the unit's users see them.  The record is written
** first (one transaction: the row, its change row, its audit record); the
** mail, which may take a minute or fail, is sent after it, outside any
** transaction, and its outcome written in a second one, so a failed or
** slow mail neither loses the 催办 nor holds the database.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "calendar.h"
#include "mail.h"
#include "remind.h"
#include "roles.h"

#define URGE_MESSAGE_MAX 2000

struct reach {
	int32_t unit_ix;
	const tg_register *reg;
	const char *jurisdiction; /* the actor's, or NULL */
};

static bool in_reach(const tg_finding *f, void *ctx)
{
	const struct reach *r = ctx;
	return f->unit_ix == r->unit_ix &&
	       (!r->jurisdiction ||
		rules_within(r->reg, finding_jurisdiction(r->reg, f), r->jurisdiction));
}

/* The mail's settings and the unit's recipients: status "none" (mail not
** configured), "failed" (settings unreadable: why in err), "no_recipients"
** or "pending" (then *to, and mc to release). */
static const char *mail_plan(const app_urge_in *in, tg_mail_config *mc, const char **to,
			     tg_error *why)
{
	*to = NULL;
	if (mail_config_load(in->mail_config, in->mail_config_given, mc, why))
		return strcmp(why->code, "mail_not_configured") ? "failed" : "none";
	*to = mail_config_recipients(mc, in->unit);
	return *to ? "pending" : "no_recipients";
}

/* The mail of urge u: its subject and body. */
static void mail_text(const tg_urge *u, const tg_remind_digest *d, const tg_remind_unit *mine,
		      const tg_plan *plan, char *subject, size_t size, strbuf *body)
{
	char day[24];
	date_format_zh(d->as_of, day);
	snprintf(subject, size, "【催办】%s：逾期 %lld 项（截至%s）", u->unit_name,
		 (long long)u->n_items, day);
	sb_addf(body, "%s：\n\n截至%s，贵单位有以下 %lld 项事项已逾期，请抓紧办理，"
		      "办理后在系统中填报完成日期并上传佐证材料。\n\n",
		u->unit_name, day, (long long)u->n_items);
	if (u->message && *u->message)
		sb_addf(body, "附言：%s\n\n", u->message);
	remind_write_unit_text(d, mine, plan, body);
	sb_addf(body, "\n%s（%s）\n催办记录第 %lld 号\n", plan->office, u->sent_by_name,
		(long long)u->id);
	sb_adds(body, "\n（本邮件由 tuogou 自动发送，请勿直接回复。）\n");
}

int app_urge(tg_store *s, const tg_user *actor, const app_urge_in *in, tg_urge *out,
	     tg_error *err)
{
	memset(out, 0, sizeof *out);
	if (actor && !(role_bit(actor->role) & R_OFFICE))
		return tg_error_set(err, TG_EINVAL, "field_forbidden", "unit",
				    "只有联合工作组办公室可以发送催办");
	const char *jurisdiction = actor && actor->jurisdiction[0] ? actor->jurisdiction : NULL;
	tg_ix ux = in->unit ? register_find(in->reg, ARR_UNITS, in->unit) : TG_IX_NONE;
	const tg_unit *unit = ux != TG_IX_NONE ? &REG_ROWS(in->reg, ARR_UNITS, tg_unit)[ux] : NULL;
	if (!unit || (jurisdiction && !rules_within(in->reg, unit->jurisdiction, jurisdiction)))
		return tg_error_set(err, TG_ENOTFOUND, "not_found", "unit", "没有找到该主管单位");
	const char *message = in->message && *in->message ? in->message : NULL;
	if (message && strlen(message) > URGE_MESSAGE_MAX)
		return tg_error_set(err, TG_EINVAL, "too_long", "message",
				    "附言过长（不超过%d字节）", URGE_MESSAGE_MAX);

	struct reach reach = {(int32_t)ux, in->reg, jurisdiction};
	tg_remind_digest d;
	if (remind_digest(in->reg, in->fs, calendar_default(), 0, in_reach, &reach, &d))
		return tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
	/* the unit's one group, overdue items first: those alone */
	tg_remind_unit mine = d.n_units ? d.units[0] : (tg_remind_unit){0};
	mine.n = mine.n_overdue;
	mine.n_near = 0;
	int rc = TG_OK;
	char day[24];
	if (!mine.n) {
		date_format_zh(in->fs->as_of, day);
		rc = tg_error_set(err, TG_EINVAL, "nothing_overdue", "unit",
				  "截至%s，%s没有逾期事项，无须催办", day, unit->name);
		goto out_digest;
	}

	strbuf items;
	sb_init(&items);
	sb_addc(&items, '[');
	for (size_t k = 0; k < mine.n; k++) {
		sb_adds(&items, k ? ",\n " : "");
		remind_write_item_json(&items, in->reg, in->plan, &d, &mine.items[k]);
	}
	sb_addc(&items, ']');

	tg_mail_config mc = {0};
	tg_error why = {0};
	const char *to;
	const char *status = mail_plan(in, &mc, &to, &why);

	str_copy(out->unit, sizeof out->unit, unit->id);
	str_copy(out->unit_name, sizeof out->unit_name, unit->name);
	date_format(in->fs->as_of, out->as_of);
	out->message = (char *)message;
	out->items = items.buf;
	out->n_items = (int64_t)mine.n;
	str_copy(out->sent_by, sizeof out->sent_by, actor ? actor->username : s->actor.user);
	str_copy(out->sent_by_name, sizeof out->sent_by_name,
		 actor && actor->display_name[0] ? actor->display_name : out->sent_by);
	str_copy(out->mail_status, sizeof out->mail_status, status);
	str_copy(out->mail_to, sizeof out->mail_to, to ? to : "");
	if (!strcmp(status, "failed")) /* settings unreadable: said once, here */
		str_copy(out->mail_error, sizeof out->mail_error, why.message);
	rc = store_urge_add(s, out, err);
	out->message = out->items = NULL; /* not ours: the caller's and items' */
	if (rc)
		goto out_mail;

	/* the record is kept: now the mail, and what became of it */
	const char *error = NULL;
	if (!strcmp(status, "pending")) {
		char subject[600];
		strbuf body;
		sb_init(&body);
		tg_urge shown = *out;
		shown.message = (char *)message;
		mail_text(&shown, &d, &mine, in->plan, subject, sizeof subject, &body);
		status = mail_send(&mc, to, subject, body.buf, &why) ? "failed" : "sent";
		sb_release(&body);
	}
	if (strcmp(status, out->mail_status)) {
		if (!strcmp(status, "failed"))
			error = why.message;
		tg_error werr = {0};
		/* a failure here leaves the 催办 as written ("pending"): the
		** caller still reports it sent, and the log says the rest */
		if (store_urge_mail_result(s, out->id, status, to, error, &werr) == TG_OK) {
			str_copy(out->mail_status, sizeof out->mail_status, status);
			str_copy(out->mail_error, sizeof out->mail_error, error ? error : "");
		} else {
			fprintf(stderr, "tuogou: 催办记录第 %lld 号的邮件结果未能记录：%s\n",
				(long long)out->id, werr.message);
		}
	}
	/* what the caller shows: the items again (they were the record's) */
	out->items = strdup(items.buf);
	out->message = message ? strdup(message) : NULL;
out_mail:
	mail_config_free(&mc);
	sb_release(&items);
out_digest:
	remind_release(&d);
	return rc;
}

int app_urge_acknowledge(tg_store *s, const tg_user *actor, int64_t id, tg_error *err)
{
	tg_urge u;
	int rc = store_urge_get(s, id, &u, err);
	if (rc)
		return rc;
	bool own = !strcmp(actor->role, "unit") && actor->unit[0] && !strcmp(actor->unit, u.unit);
	free(u.message);
	free(u.items);
	if (!own)
		return tg_error_set(err, TG_ENOTFOUND, "not_found", "", "没有找到该催办记录");
	return store_urge_acknowledge(s, id, actor->username, err);
}

bool app_urge_visible(const tg_user *u, const tg_register *reg, const tg_urge *x)
{
	if (!strcmp(u->role, "unit"))
		return u->unit[0] && !strcmp(u->unit, x->unit);
	if (!(role_bit(u->role) & R_OFFICE))
		return false;
	if (!u->jurisdiction[0])
		return true;
	tg_ix ux = register_find(reg, ARR_UNITS, x->unit);
	return ux != TG_IX_NONE &&
	       rules_within(reg, REG_ROWS(reg, ARR_UNITS, tg_unit)[ux].jurisdiction,
			    u->jurisdiction);
}
