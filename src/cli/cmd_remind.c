/*
** cmd_remind.c: tuogou remind [--db PATH] --as-of D [--within N]
**
** The digests of 临近提醒 and 催办: for every supervising unit, what falls
** due within N working days of D (default 5, on the official calendar) and
** what is already overdue, from the same run of the rules as `tuogou
** check`.  Findings that concern no unit are listed last under
** 未明确主管单位.  Prints Chinese text; exit 0 whether or not anything is
** due.  The digest itself is src/core/remind.c, which the server's
** GET /api/v1/reminders shares.
**
** --mail also sends each unit its own digest through SMTP (src/io/mail.c)
** to the recipients the mail settings list for it (to.UNIT), and the whole
** digest to to.office.  A unit's mail gives the findings dated by a birth
** date by the year, except for its own staff, as the server gives them to
** its users (rules_evaluate_with_years; issue 14); settings from --mail-config FILE, $TUOGOU_MAIL_CONFIG
** or mail.conf beside the database, and $TUOGOU_SMTP_URL, $TUOGOU_SMTP_FROM
** (docs/mail.md).  Off unless asked for.
**
** --urge UNIT [--message TEXT] sends that unit a 催办 for its overdue items
** as of D instead of printing the digest: recorded (催办记录, the same
** operation as POST /api/v1/units/{id}/urges, app_urge) under the
** operating-system user, and mailed when the mail settings are there and
** list the unit (to.UNIT).  Exit 1 when the unit has nothing overdue, 2
** for a unit the register lacks, 3 when the mail failed (the 催办 is
** recorded all the same).
*/
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "app.h"
#include "cli.h"
#include "mail.h"
#include "remind.h"
#include "rules.h"

static const char usage[] =
	"tuogou remind [--db PATH] [--plan FILE] --as-of YYYY-MM-DD [--within N] [--mail [--mail-config FILE]]\n"
	"       tuogou remind [--db PATH] [--plan FILE] --as-of YYYY-MM-DD --urge UNIT [--message TEXT] [--mail-config FILE]";

/* What a unit's users see of the findings (policy_may_reveal of the
** server): the exact timing of its own staff's findings only. */
struct unit_view {
	const tg_register *r;
	const char *unit_id;
	int32_t unit_ix;
};

static bool exact_for_unit(const tg_finding *f, void *ctx)
{
	const struct unit_view *v = ctx;
	if (f->birth_ix < 0)
		return true;
	const char *employer = REG_ROWS(v->r, ARR_PERSONS, tg_person)[f->birth_ix].unit;
	return employer && !strcmp(employer, v->unit_id);
}

static bool of_unit(const tg_finding *f, void *ctx)
{
	return f->unit_ix == ((const struct unit_view *)ctx)->unit_ix;
}

/* The digest of unit u as its users see it, in *own (its one group in
** *mine, NULL when it has nothing), built on *view when that is not fs
** (view->items then to free after the digest). */
static int unit_digest(const tg_register *r, const tg_findings *fs, const tg_findings *years,
		       const tg_remind_digest *d, const tg_remind_unit *u, tg_findings *view,
		       tg_remind_digest *own, const tg_remind_unit **mine)
{
	struct unit_view v = {r, u->unit_id, u->unit_ix};
	view->items = NULL;
	bool mixed = findings_for_viewer(fs, years, exact_for_unit, &v, view);
	int rc = remind_digest(r, mixed ? view : fs, calendar_default(), d->within, of_unit, &v, own);
	*mine = rc == TG_OK && own->n_units ? &own->units[0] : NULL;
	return rc;
}

/* One message per unit with recipients (to.UNIT), the whole digest to
** to.office; a unit with none is named on stderr.  Returns the exit code. */
static int send_mail(const tg_register *r, const tg_findings *fs, const tg_findings *years,
		     const tg_remind_digest *d, const tg_plan *plan, const char *config_path,
		     bool config_given)
{
	tg_mail_config mc;
	tg_error err = {0};
	if (mail_config_load(config_path, config_given, &mc, &err)) {
		cli_print_error(&err);
		return EXIT_BADINPUT;
	}
	int rc = EXIT_OK;
	size_t sent = 0;
	char day[24], subject[512];
	date_format_zh(d->as_of, day);
	strbuf body;
	sb_init(&body);
	for (size_t i = 0; i <= d->n_units; i++) {
		const tg_remind_unit *u = i < d->n_units ? &d->units[i] : NULL;
		const char *to = mail_config_recipients(&mc, u ? u->unit_id : "office");
		if (u && !u->unit_id)
			continue; /* 未明确主管单位: in the office's digest only */
		if (!to) {
			if (u)
				fprintf(stderr, "tuogou: 未配置“%s”（to.%s）的收件人，未发送\n",
					u->unit_name, u->unit_id);
			continue;
		}
		if (!u && !d->n)
			continue;
		body.len = 0;
		if (u) {
			tg_findings view;
			tg_remind_digest own;
			const tg_remind_unit *mine;
			if (unit_digest(r, fs, years, d, u, &view, &own, &mine)) {
				free(view.items);
				rc = EXIT_INTERNAL;
				continue;
			}
			if (mine) {
				snprintf(subject, sizeof subject,
					 "【催办提醒】%s：逾期 %zu 项，临近 %zu 项（截至%s）", u->unit_name,
					 mine->n_overdue, mine->n_near, day);
				sb_addf(&body, "%s：\n\n截至%s，贵单位有以下事项已逾期或将在%d个工作日内到期，请抓紧办理。\n\n",
					u->unit_name, day, d->within);
				remind_write_unit_text(&own, mine, plan, &body);
			}
			remind_release(&own);
			free(view.items);
			if (!mine)
				continue;
		} else {
			snprintf(subject, sizeof subject, "【催办提醒】%s汇总：逾期 %zu 项，临近 %zu 项（截至%s）",
				 plan_place(plan), d->n_overdue, d->n_near, day);
			remind_write_text(d, plan, &body);
		}
		sb_adds(&body, "\n（本邮件由 tuogou 自动发送，请勿直接回复。）\n");
		if (mail_send(&mc, to, subject, body.buf, &err)) {
			cli_print_error(&err);
			rc = EXIT_INTERNAL;
			continue;
		}
		sent++;
		if (u)
			printf("已发送：%s → %s\n", u->unit_name, to);
		else
			printf("已发送：%s（%s汇总） → %s\n", plan->office, plan_place(plan), to);
	}
	printf("邮件：已发送 %zu 封\n", sent);
	sb_release(&body);
	mail_config_free(&mc);
	return rc;
}

static const char *const mail_words[][2] = {
	{"none", "未配置邮件，仅站内催办"},
	{"no_recipients", "邮件配置中没有该单位的收件人，仅站内催办"},
	{"pending", "邮件结果未能记录"},
	{"sent", "已发送"},
	{"failed", "发送失败"},
};

/* --urge: a 催办 to unit for its overdue items as of fs's day, as the
** unit's users see them.  Returns the exit code. */
static int send_urge(tg_store *store, const tg_register *r, const tg_findings *fs,
		     const tg_findings *years, const tg_plan *plan, const char *unit,
		     const char *message, const char *db, const char *mail_config)
{
	tg_ix ux = register_find(r, ARR_UNITS, unit);
	struct unit_view v = {r, unit, ux == TG_IX_NONE ? -2 : (int32_t)ux};
	tg_findings view = {0};
	bool mixed = findings_for_viewer(fs, years, exact_for_unit, &v, &view);
	char *path = cli_mail_config_path(mail_config, db);
	app_urge_in in = {unit, message, r, mixed ? &view : fs, plan, path, mail_config != NULL};
	tg_urge u;
	tg_error err = {0};
	int rc = app_urge(store, NULL, &in, &u, &err);
	free(path);
	free(view.items);
	if (rc) {
		cli_print_error(&err);
		return !strcmp(err.code, "nothing_overdue") ? EXIT_INVALID
		       : rc == TG_ENOTFOUND || rc == TG_EINVAL ? EXIT_BADINPUT
							   : EXIT_INTERNAL;
	}
	char day[24];
	tg_date d;
	date_parse(u.as_of, &d);
	date_format_zh(d, day);
	printf("已催办：%s，逾期 %lld 项（截至%s；催办记录第 %lld 号）\n", u.unit_name,
	       (long long)u.n_items, day, (long long)u.id);
	const char *said = u.mail_status;
	for (size_t i = 0; i < sizeof mail_words / sizeof *mail_words; i++)
		if (!strcmp(mail_words[i][0], u.mail_status))
			said = mail_words[i][1];
	if (!strcmp(u.mail_status, "sent"))
		printf("邮件：已发送 → %s\n", u.mail_to);
	else if (!strcmp(u.mail_status, "failed"))
		printf("邮件：%s：%s（催办已记录）\n", said, u.mail_error);
	else
		printf("邮件：%s\n", said);
	free(u.message);
	free(u.items);
	return strcmp(u.mail_status, "failed") ? EXIT_OK : EXIT_INTERNAL;
}

int cmd_remind(int argc, char **argv)
{
	const char *db = cli_default_db(), *as_of = NULL, *mail_config = NULL, *plan_file = NULL,
		   *within_text = NULL, *urge = NULL, *message = NULL;
	int within = REMIND_WITHIN_DEFAULT;
	bool mail = false;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("as-of", &as_of),
				   OPT_STRING("within", &within_text), OPT_FLAG("mail", &mail),
				   OPT_STRING("mail-config", &mail_config),
				   OPT_STRING("plan", &plan_file), OPT_STRING("urge", &urge),
				   OPT_STRING("message", &message), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (within_text) {
		char *end;
		long v = strtol(within_text, &end, 10);
		if (*end || end == within_text || v < 0 || v > REMIND_WITHIN_MAX) {
			fprintf(stderr, "tuogou: --within 应为 0 到 250 之间的工作日数，而不是“%s”\n",
				within_text);
			return EXIT_BADINPUT;
		}
		within = (int)v;
	}
	if (rest != argc || !as_of || (mail_config && !mail && !urge) || (message && !urge) ||
	    (urge && (mail || within_text)))
		return cli_usage(usage);
	tg_date day;
	if (cli_parse_date(as_of, "--as-of", &day))
		return EXIT_BADINPUT;

	tg_store *store = NULL;
	tg_plan *plan = NULL;
	tg_register r;
	register_init(&r);
	int rc = cli_open_run(db, plan_file, &store, &plan, &r);
	if (rc)
		goto out;
	tg_findings fs, years;
	tg_remind_digest d;
	rules_evaluate_with_years(&r, plan, calendar_default(), day, &fs, &years);
	if (urge) {
		rc = send_urge(store, &r, &fs, &years, plan, urge, message, db, mail_config);
		findings_release(&fs);
		findings_release(&years);
		goto out;
	}
	if (remind_digest(&r, &fs, calendar_default(), within, NULL, NULL, &d)) {
		findings_release(&fs);
		findings_release(&years);
		rc = EXIT_INTERNAL;
		goto out;
	}
	strbuf text;
	sb_init_sink(&text, stdout);
	remind_write_text(&d, plan, &text);
	if (sb_flush(&text))
		rc = EXIT_INTERNAL;
	sb_release(&text);
	if (mail && rc == EXIT_OK) {
		char *path = cli_mail_config_path(mail_config, db);
		printf("\n");
		rc = send_mail(&r, &fs, &years, &d, plan, path, mail_config != NULL);
		free(path);
	}
	if (fflush(stdout))
		rc = EXIT_INTERNAL;
	remind_release(&d);
	findings_release(&fs);
	findings_release(&years);
out:
	register_release(&r);
	plan_free(plan);
	store_close(store);
	return rc;
}
