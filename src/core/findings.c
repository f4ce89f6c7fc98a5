/*
** findings.c: rendering a run's findings as JSON, CSV and a terminal table
** (bundle.md, "tuogou check output").  One sorted list, several views.
*/
#include <stdio.h>
#include <string.h>

#include "rules.h"

static const char *state_of(const tg_findings *fs, const tg_finding *f)
{
	return finding_overdue(fs, f) ? "overdue" : "open";
}

void finding_write_json(const tg_findings *fs, const tg_finding *f, strbuf *out)
{
	sb_add_json_member(out, "{\"rule\": ", f->rule);
	sb_add_json_member(out, ", \"clause\": ", f->clause);
	sb_add_json_member(out, ", \"association\": ", f->association);
	sb_add_json_member(out, ", \"subject\": ", f->subject);
	sb_adds(out, ", \"due\": ");
	if (f->due_year_only)
		/* the day withheld (rules.h): the year, and why */
		sb_addf(out, "null, \"due_year\": %d, \"due_withheld\": \"birth\"", date_year(f->due));
	else
		date_add_json(out, f->due);
	sb_add_json_member(out, ", \"state\": ", state_of(fs, f));
	sb_add_json_member(out, ", \"basis\": ", f->basis);
	sb_add_json_member(out, ", \"plan\": ", f->plan ? f->plan : fs->plan_id);
	sb_add_json_member(out, ", \"message\": ", f->message);
	sb_addc(out, '}');
}

void finding_due_text(const tg_finding *f, char out[24])
{
	if (f->due == TG_DATE_NONE)
		out[0] = 0;
	else if (f->due_year_only)
		snprintf(out, 24, "%d年内", date_year(f->due));
	else
		date_format(f->due, out);
}

void findings_write_json_head(const tg_findings *fs, strbuf *out)
{
	sb_adds(out, "{\"as_of\": ");
	date_add_json(out, fs->as_of);
	sb_add_json_member(out, ", \"plan\": ", fs->plan_id);
	sb_adds(out, ", \"notes\": [");
	for (size_t i = 0; i < fs->n_notes; i++) {
		if (i)
			sb_adds(out, ", ");
		sb_add_json_str(out, fs->notes[i]);
	}
	sb_adds(out, "]");
}

void findings_write_json(const tg_findings *fs, strbuf *out)
{
	findings_write_json_head(fs, out);
	sb_adds(out, ",\n \"findings\": [");
	for (size_t i = 0; i < fs->count; i++) {
		sb_adds(out, i ? ",\n   " : "\n   ");
		finding_write_json(fs, &fs->items[i], out);
	}
	sb_adds(out, fs->count ? "\n ]}\n" : "]}\n");
}

void findings_write_csv(const tg_findings *fs, strbuf *out)
{
	sb_adds(out, "rule,clause,association,subject,due,state,basis,plan,message\r\n");
	for (size_t i = 0; i < fs->count; i++) {
		const tg_finding *f = &fs->items[i];
		char due[24];
		finding_due_text(f, due);
		sb_add_csv_field(out, f->rule);
		sb_addc(out, ',');
		sb_add_csv_field(out, f->clause);
		sb_addc(out, ',');
		sb_add_csv_field(out, f->association);
		sb_addc(out, ',');
		sb_add_csv_field(out, f->subject);
		sb_addc(out, ',');
		sb_add_csv_field(out, due);
		sb_addc(out, ',');
		sb_add_csv_field(out, state_of(fs, f));
		sb_addc(out, ',');
		sb_add_csv_field(out, f->basis);
		sb_addc(out, ',');
		sb_add_csv_field(out, f->plan ? f->plan : fs->plan_id);
		sb_addc(out, ',');
		sb_add_csv_field(out, f->message);
		sb_adds(out, "\r\n");
	}
}

/* Pad s to width display columns (CJK characters are two wide). */
static void add_padded(strbuf *out, const char *s, size_t width)
{
	sb_adds(out, s);
	for (size_t w = utf8_width(s); w < width; w++)
		sb_addc(out, ' ');
}

size_t findings_overdue_count(const tg_findings *fs)
{
	size_t overdue = 0;
	for (size_t i = 0; i < fs->count; i++)
		overdue += finding_overdue(fs, &fs->items[i]);
	return overdue;
}

void findings_write_table(const tg_findings *fs, const tg_plan *plan, strbuf *out)
{
	char day[24];
	date_format_zh(fs->as_of, day);
	size_t overdue = findings_overdue_count(fs);
	sb_addf(out, "%s问题清单（截至%s，依据%s%s）\n", plan->title ? plan->title : "", day,
		plan->number ? plan->number : "", "");
	sb_addf(out, "共 %zu 项：逾期 %zu 项，待办 %zu 项\n", fs->count, overdue, fs->count - overdue);
	for (size_t i = 0; i < fs->n_notes; i++)
		sb_addf(out, "注：%s\n", fs->notes[i]);
	sb_addc(out, '\n');

	/* Column widths from the data, the message last and unpadded. */
	const char *heads[] = {"序号", "状态", "截止日期", "条款", "规则", "说明"};
	size_t w_no = utf8_width(heads[0]), w_rule = utf8_width(heads[4]);
	char no[24];
	snprintf(no, sizeof no, "%zu", fs->count);
	if (strlen(no) > w_no)
		w_no = strlen(no);
	for (size_t i = 0; i < fs->count; i++) {
		size_t w = strlen(fs->items[i].rule);
		if (w > w_rule)
			w_rule = w;
	}
	const size_t w_state = 4, w_due = 10, w_clause = 8;
	add_padded(out, heads[0], w_no);
	sb_adds(out, "  ");
	add_padded(out, heads[1], w_state);
	sb_adds(out, "  ");
	add_padded(out, heads[2], w_due);
	sb_adds(out, "  ");
	add_padded(out, heads[3], w_clause);
	sb_adds(out, "  ");
	add_padded(out, heads[4], w_rule);
	sb_adds(out, "  ");
	sb_adds(out, heads[5]);
	sb_addc(out, '\n');
	for (size_t i = 0; i < w_no + w_state + w_due + w_clause + w_rule + 10 + 40; i++)
		sb_addc(out, '-');
	sb_addc(out, '\n');
	for (size_t i = 0; i < fs->count; i++) {
		const tg_finding *f = &fs->items[i];
		const tg_clause *cl = plan_clause(plan, f->clause);
		char due[24] = "—";
		if (f->due != TG_DATE_NONE)
			finding_due_text(f, due);
		snprintf(no, sizeof no, "%zu", i + 1);
		add_padded(out, no, w_no);
		sb_adds(out, "  ");
		add_padded(out, finding_overdue(fs, f) ? "逾期" : "待办", w_state);
		sb_adds(out, "  ");
		add_padded(out, due, w_due);
		sb_adds(out, "  ");
		add_padded(out, cl && cl->cite ? cl->cite : f->clause, w_clause);
		sb_adds(out, "  ");
		add_padded(out, f->rule, w_rule);
		sb_adds(out, "  ");
		sb_adds(out, f->message);
		sb_addc(out, '\n');
	}
}
