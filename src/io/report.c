/*
** report.c: the progress report and the work summary as PDF (see report.h),
** moved here from the command line so that `tuogou report` and the server
** draw the very same documents.
**
** Laid out with pdf.c (cairo + pango, Noto CJK); the numbers come from
** progress.c (dashboard, checklists) on the run given, so the report of a
** date agrees with `tuogou check` of that date.  Owns nothing beyond the
** document while it is being written.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "pdf.h"
#include "progress.h"
#include "report.h"
#include "strbuf.h"

/* One run: the register, its plan and the findings on D, and the words the
** documents repeat. */
typedef struct report_run {
	const tg_register *r;
	const tg_plan *plan;
	const tg_findings *fs;
	tg_date as_of;
	const char *office; /* the plan's "office": reports, receives, accepts */
	const char *place;  /* 全市, 全县 ...: the plan's level */
	const char *jurisdiction; /* one county's report (六(一)): its code, else NULL */
	char day_zh[24];
} report_run;

static void run_init(report_run *run, const tg_register *r, const tg_plan *plan,
		     const tg_findings *fs)
{
	memset(run, 0, sizeof *run);
	run->r = r;
	run->plan = plan;
	run->fs = fs;
	run->as_of = fs->as_of;
	run->office = plan->office;
	run->place = plan_place(plan);
	date_format_zh(run->as_of, run->day_zh);
}

static const char *cite_of(const tg_plan *plan, const char *clause)
{
	const tg_clause *c = plan_clause(plan, clause);
	return c && c->cite ? c->cite : clause;
}

/* The citation of the clause that sets the duty rule checks, as the plan
** says it ("六(三)"), or "" when the plan does not list the rule: a report
** cites what the plan in use says, never a clause number of its own. */
static const char *cite_rule(const tg_plan *plan, const char *rule)
{
	const char *clause = plan_rule_clause(plan, rule);
	return clause ? cite_of(plan, clause) : "";
}

static const char *assoc_name(const tg_register *r, const char *uscc)
{
	tg_ix i = uscc ? register_find(r, ARR_ASSOCIATIONS, uscc) : TG_IX_NONE;
	return i == TG_IX_NONE ? (uscc ? uscc : "—") : REG_ROWS(r, ARR_ASSOCIATIONS, tg_association)[i].name;
}

static void pct(char *out, size_t size, size_t part, size_t whole)
{
	if (!whole)
		snprintf(out, size, "—");
	else
		snprintf(out, size, "%.1f%%", 100.0 * (double)part / (double)whole);
}

/* ---- report progress ---- */

static _Thread_local const report_run *sort_run;

static int cmp_overdue(const void *x, const void *y)
{
	const tg_finding *a = *(const tg_finding *const *)x, *b = *(const tg_finding *const *)y;
	const tg_register *r = sort_run->r;
	const char *ua = a->unit_ix >= 0 ? REG_ROWS(r, ARR_UNITS, tg_unit)[a->unit_ix].id : NULL;
	const char *ub = b->unit_ix >= 0 ? REG_ROWS(r, ARR_UNITS, tg_unit)[b->unit_ix].id : NULL;
	if (!ua != !ub)
		return ua ? -1 : 1;
	int c = ua ? strcmp(ua, ub) : 0;
	if (c)
		return c;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

static void section_overview(tg_pdf *pdf, const report_run *run, const tg_dashboard *d)
{
	char v[5][24], text[1600], dec_pct[16];
	snprintf(v[0], sizeof v[0], "%zu", d->in_scope);
	snprintf(v[1], sizeof v[1], "%zu", d->decoupled);
	snprintf(v[2], sizeof v[2], "%zu", d->not_decoupled);
	snprintf(v[3], sizeof v[3], "%zu", d->summaries_missing);
	snprintf(v[4], sizeof v[4], "%zu", d->accepted);
	pdf_figure figs[] = {{v[0], "纳入脱钩范围（家）", false},
			     {v[1], "已完成脱钩（家）", false},
			     {v[2], "尚未脱钩（家）", d->not_decoupled > 0},
			     {v[3], "工作总结未报（家）", d->summaries_missing > 0},
			     {v[4], "已验收（家）", false}};
	pdf_heading(pdf, "一、总体进展");
	size_t overdue_assoc = 0;
	for (size_t i = 0; i < d->n_batch; i++)
		overdue_assoc += d->by_batch[i].overdue;
	pct(dec_pct, sizeof dec_pct, d->decoupled, d->in_scope);
	snprintf(text, sizeof text,
		 "截至%s，%s纳入脱钩范围的行业协会商会共%zu家，已完成脱钩%zu家，占%s；"
		 "尚未脱钩%zu家，其中已超过脱钩截止日期%zu家。已脱钩的协会中，工作总结未报%zu家，"
		 "待验收%zu家，已验收%zu家。对照方案逐条核查，共发现问题%zu项，其中逾期%zu项、待办%zu项。",
		 run->day_zh, run->place, d->in_scope, d->decoupled, dec_pct, d->not_decoupled, overdue_assoc,
		 d->summaries_missing, d->awaiting_acceptance, d->accepted,
		 d->overdue_findings + d->open_findings, d->overdue_findings, d->open_findings);
	pdf_paragraph(pdf, text, true);
	pdf_space(pdf, 4);
	pdf_figures(pdf, figs, 5);
}

static const pdf_series progress_series[] = {{"已脱钩", {0.13, 0.33, 0.62}},
					     {"未脱钩（已逾期）", {0.80, 0.16, 0.14}},
					     {"未脱钩（未到期）", {0.74, 0.78, 0.84}}};

static void section_batches(tg_pdf *pdf, const report_run *run, const tg_dashboard *d)
{
	pdf_heading(pdf, "二、分批次推进情况");
	pdf_bar *bars = calloc(d->n_batch + 1, sizeof *bars);
	char (*notes)[64] = calloc(d->n_batch + 1, sizeof *notes);
	size_t n = 0;
	if (!bars || !notes)
		abort();
	for (size_t i = 0; i < d->n_batch; i++) {
		const tg_dashboard_row *b = &d->by_batch[i];
		if (!b->in_scope)
			continue;
		char p[16];
		pct(p, sizeof p, b->decoupled, b->in_scope);
		snprintf(notes[n], sizeof notes[n], "%zu/%zu家 %s", b->decoupled, b->in_scope, p);
		size_t rest = b->in_scope - b->decoupled;
		bars[n] = (pdf_bar){b->name, {(double)b->decoupled, (double)b->overdue,
					      (double)(rest - (b->overdue < rest ? b->overdue : rest))},
				    notes[n]};
		n++;
	}
	pdf_bar_chart(pdf, bars, n, progress_series, 3);
	pdf_need(pdf, 40 + 22 * (double)n);
	static const char *heads[] = {"批次", "截止日期", "纳入范围", "已脱钩", "完成率", "逾期未脱钩"};
	static const double widths[] = {0.26, 0.18, 0.14, 0.14, 0.14, 0.14};
	pdf_table t = {6, heads, widths, "lcrrrr", 0};
	pdf_table_begin(pdf, &t);
	for (size_t i = 0; i < d->n_batch; i++) {
		const tg_dashboard_row *b = &d->by_batch[i];
		if (!b->in_scope)
			continue;
		char due[24] = "—", c[4][24];
		/* a batch without its own date has the plan's general deadline */
		tg_date bd = b->due != TG_DATE_NONE ? b->due : run->plan->p.decoupling_due;
		if (bd != TG_DATE_NONE)
			date_format_zh(bd, due);
		snprintf(c[0], sizeof c[0], "%zu", b->in_scope);
		snprintf(c[1], sizeof c[1], "%zu", b->decoupled);
		pct(c[2], sizeof c[2], b->decoupled, b->in_scope);
		snprintf(c[3], sizeof c[3], "%zu", b->overdue);
		const char *cells[] = {b->name, due, c[0], c[1], c[2], c[3]};
		pdf_table_row(pdf, cells, b->overdue > 0 ? 5 : -1);
	}
	pdf_table_end(pdf);
	free(bars);
	free(notes);
}

static void section_units(tg_pdf *pdf, const report_run *run, const tg_dashboard *d)
{
	pdf_heading(pdf, "三、各主管单位推进情况");
	pdf_paragraph(pdf, "各主管单位所属纳入脱钩范围的协会完成脱钩情况如下图（右侧为已脱钩数/纳入范围数）。", true);
	pdf_bar *bars = calloc(d->n_unit + 1, sizeof *bars);
	char (*notes)[64] = calloc(d->n_unit + 1, sizeof *notes);
	if (!bars || !notes)
		abort();
	tg_date D = run->as_of;
	for (size_t i = 0; i < d->n_unit; i++) {
		const tg_dashboard_row *u = &d->by_unit[i];
		/* overdue associations of the unit: not decoupled, past their due date */
		size_t late = 0;
		tg_ix ux = register_find(run->r, ARR_UNITS, u->id);
		for (size_t k = 0; k < REG_COUNT(run->r, ARR_ASSOCIATIONS); k++) {
			const tg_association *a = &REG_ROWS(run->r, ARR_ASSOCIATIONS, tg_association)[k];
			if (a->unit_ix != ux || !rules_registered(a, D) ||
			    (run->jurisdiction && !rules_within(run->r, a->jurisdiction, run->jurisdiction)) ||
			    !rules_in_scope(run->r, run->plan, a) || date_happened(a->decoupled_on, D))
				continue;
			late += D > rules_due(run->r, run->plan, a);
		}
		size_t rest = u->in_scope - u->decoupled;
		if (late > rest)
			late = rest;
		snprintf(notes[i], sizeof notes[i], "%zu/%zu", u->decoupled, u->in_scope);
		bars[i] = (pdf_bar){u->name, {(double)u->decoupled, (double)late, (double)(rest - late)},
				    notes[i]};
	}
	pdf_bar_chart(pdf, bars, d->n_unit, progress_series, 3);
	free(bars);
	free(notes);
}

static void zh_index(char *out, size_t size, size_t i);

static void section_separations(tg_pdf *pdf, const report_run *run, const tg_dashboard *d)
{
	static const pdf_series sep_series[] = {{"已完成", {0.18, 0.55, 0.34}},
						{"待办", {0.96, 0.71, 0.26}},
						{"逾期", {0.80, 0.16, 0.14}}};
	/* "五分离" and the other sections by the plan's own separations and groups */
	const tg_plan *plan = run->plan;
	char count[16], heading[96], text[512];
	strbuf others;
	sb_init(&others);
	for (size_t g = 0; g < plan->n_groups; g++)
		sb_addf(&others, "%s、", plan->groups[g].name);
	sb_adds(&others, "综合监管");
	if (plan->n_separations) {
		zh_index(count, sizeof count, plan->n_separations);
		snprintf(heading, sizeof heading, "四、%s分离及其他事项完成情况", count);
		snprintf(text, sizeof text, "按方案“%s分离”及%s分类，各类事项的完成、待办和逾期情况如下图。",
			 count, others.buf);
	} else {
		snprintf(heading, sizeof heading, "四、各类事项完成情况");
		snprintf(text, sizeof text, "按方案%s分类，各类事项的完成、待办和逾期情况如下图。",
			 others.buf);
	}
	sb_release(&others);
	pdf_heading(pdf, heading);
	pdf_paragraph(pdf, text, true);
	pdf_bar bars[16];
	char notes[16][64];
	size_t n = d->n_separation < 16 ? d->n_separation : 16;
	for (size_t i = 0; i < n; i++) {
		const tg_dashboard_row *s = &d->by_separation[i];
		snprintf(notes[i], sizeof notes[i], "逾期%zu项", s->overdue);
		bars[i] = (pdf_bar){s->name, {(double)s->done, (double)s->open, (double)s->overdue},
				    notes[i]};
	}
	pdf_bar_chart(pdf, bars, n, sep_series, 3);
}

static const char *unit_name_of(const tg_register *r, int32_t ix)
{
	return ix >= 0 ? REG_ROWS(r, ARR_UNITS, tg_unit)[ix].name : "未明确主管单位";
}

static const char *const zh_num[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

static void zh_index(char *out, size_t size, size_t i)
{
	/* 1..99 in Chinese numerals */
	if (i <= 10)
		snprintf(out, size, "%s", zh_num[i - 1]);
	else if (i < 20)
		snprintf(out, size, "十%s", zh_num[i - 11]);
	else if (i % 10 == 0)
		snprintf(out, size, "%s十", zh_num[i / 10 - 1]);
	else
		snprintf(out, size, "%s十%s", zh_num[i / 10 - 1], zh_num[i % 10 - 1]);
}

static void section_overdue(tg_pdf *pdf, const report_run *run)
{
	const tg_findings *fs = run->fs;
	const tg_finding **od = malloc((fs->count ? fs->count : 1) * sizeof *od);
	size_t n = 0;
	if (!od)
		abort();
	for (size_t i = 0; i < fs->count; i++)
		if (finding_overdue(fs, &fs->items[i]))
			od[n++] = &fs->items[i];
	sort_run = run;
	qsort(od, n, sizeof *od, cmp_overdue);
	char text[512];
	pdf_heading(pdf, "五、逾期事项（按主管单位）");
	if (!n) {
		pdf_paragraph(pdf, "截至本报告日期，未发现逾期事项。", true);
		free(od);
		return;
	}
	size_t units = 0;
	for (size_t i = 0; i < n; i++)
		units += i == 0 || od[i]->unit_ix != od[i - 1]->unit_ix;
	snprintf(text, sizeof text,
		 "截至%s，共有逾期事项%zu项，涉及%zu个主管单位，分列如下。各单位应对照所列条款抓紧整改，并将整改结果报%s。",
		 run->day_zh, n, units, run->office);
	pdf_paragraph(pdf, text, true);
	static const char *heads[] = {"序号", "协会", "逾期事项", "条款", "截止日期", "逾期天数"};
	static const double widths[] = {0.06, 0.18, 0.40, 0.08, 0.17, 0.11};
	pdf_table t = {6, heads, widths, "cllccr", 8.5};
	size_t group = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && od[j]->unit_ix == od[i]->unit_ix)
			j++;
		char num[16];
		zh_index(num, sizeof num, ++group);
		snprintf(text, sizeof text, "（%s）%s（%zu项）", num, unit_name_of(run->r, od[i]->unit_ix),
			 j - i);
		pdf_subheading(pdf, text);
		pdf_table_begin(pdf, &t);
		for (size_t k = i; k < j; k++) {
			const tg_finding *f = od[k];
			char no[24], due[24] = "—", days[24] = "—";
			snprintf(no, sizeof no, "%zu", k - i + 1);
			if (f->due_year_only)
				finding_due_text(f, due);
			else if (f->due != TG_DATE_NONE)
				date_format_zh(f->due, due);
			if (!f->due_year_only) /* a count of days would give the day */
				snprintf(days, sizeof days, "%d天", (int)(fs->as_of - f->due));
			strbuf message;
			sb_init(&message);
			date_text_zh(f->message, &message);
			const char *cells[] = {no, f->association ? assoc_name(run->r, f->association) : "—",
					       message.buf, cite_of(run->plan, f->clause), due, days};
			pdf_table_row(pdf, cells, 5);
			sb_release(&message);
		}
		pdf_table_end(pdf);
		i = j;
	}
	free(od);
}

static const tg_finding *finding_for(const tg_findings *fs, const char *rule, const char *subject)
{
	for (size_t i = 0; i < fs->count; i++)
		if (!strcmp(fs->items[i].rule, rule) && fs->items[i].subject &&
		    !strcmp(fs->items[i].subject, subject))
			return &fs->items[i];
	return NULL;
}

static void section_tasks(tg_pdf *pdf, const report_run *run)
{
	char text[512];
	const char *cite = cite_rule(run->plan, "task.supporting-rules-late");
	snprintf(text, sizeof text, *cite ? "六、牵头部门配套文件制定情况（%s）" : "六、牵头部门配套文件制定情况%s", cite);
	pdf_heading(pdf, text);
	size_t n = REG_COUNT(run->r, ARR_UNIT_TASKS);
	if (!n) {
		pdf_paragraph(pdf, "登记簿中尚无牵头部门配套文件任务。", true);
		return;
	}
	size_t issued = 0, published = 0;
	const tg_unit_task *ts = REG_ROWS(run->r, ARR_UNIT_TASKS, tg_unit_task);
	for (size_t i = 0; i < n; i++) {
		issued += date_happened(ts[i].issued_on, run->as_of);
		published += date_happened(ts[i].published_on, run->as_of);
	}
	snprintf(text, sizeof text,
		 "方案明确由各牵头部门制定的配套文件共%zu项，已印发%zu项，已向社会公开%zu项。具体情况如下：",
		 n, issued, published);
	pdf_paragraph(pdf, text, true);
	static const char *heads[] = {"序号", "牵头部门", "配套文件", "印发日期", "公开日期", "状态"};
	static const double widths[] = {0.06, 0.17, 0.26, 0.17, 0.17, 0.17};
	pdf_table t = {6, heads, widths, "cllccl", 8.5};
	pdf_table_begin(pdf, &t);
	for (size_t i = 0; i < n; i++) {
		const tg_unit_task *k = &ts[i];
		char no[24], iss[24] = "—", pub[24] = "—", state[96];
		snprintf(no, sizeof no, "%zu", i + 1);
		bool is_issued = date_happened(k->issued_on, run->as_of);
		bool is_pub = date_happened(k->published_on, run->as_of);
		if (is_issued)
			date_format_zh(k->issued_on, iss);
		if (is_pub)
			date_format_zh(k->published_on, pub);
		const tg_finding *late = finding_for(run->fs, "task.supporting-rules-late", k->id);
		const tg_finding *unpub = finding_for(run->fs, "task.not-published", k->id);
		const tg_finding *f = late ? late : unpub;
		bool red = f && finding_overdue(run->fs, f);
		if (is_issued && is_pub)
			snprintf(state, sizeof state, "已印发并公开");
		else if (is_issued)
			snprintf(state, sizeof state, "已印发，未公开");
		else if (f && f->due != TG_DATE_NONE) {
			char due[24];
			date_format_zh(f->due, due);
			snprintf(state, sizeof state, "%s（应于%s前印发）", red ? "逾期未印发" : "未印发", due);
		} else
			snprintf(state, sizeof state, "未印发");
		const char *cells[] = {no, unit_name_of(run->r, (int32_t)k->unit_ix),
				       k->task ? k->task : k->id, iss, pub, state};
		pdf_table_row(pdf, cells, red ? 5 : -1);
	}
	pdf_table_end(pdf);
}

/* The report's title, for one place (全市, 孟津县 ...). */
static void progress_title(const report_run *run, char *title, size_t size, bool lines)
{
	snprintf(title, size,
		 lines ? "关于%s行业协会商会与行政机关脱钩\n工作进展情况的报告"
		       : "关于%s行业协会商会与行政机关脱钩工作进展情况的报告",
		 run->place);
}

/* The progress report of run's place on the open document: from the red
** header to the closing note. */
static void draw_progress(tg_pdf *pdf, const report_run *run, const tg_dashboard *d)
{
	char text[1200], title_lines[160];
	/* the title broken where the sense allows, as official titles are */
	progress_title(run, title_lines, sizeof title_lines, true);
	pdf_red_header(pdf, run->office);
	pdf_title(pdf, title_lines);
	snprintf(text, sizeof text, "（截至%s）", run->day_zh);
	pdf_center(pdf, text, 13);
	pdf_space(pdf, 14);
	pdf_paragraph(pdf, "联合工作组各成员单位：", false);
	snprintf(text, sizeof text,
		 "按照《%s》（%s）要求，%s依据%s行业协会商会脱钩工作登记簿，"
		 "对截至%s%s行业协会商会与行政机关脱钩工作进展情况进行了统计核查。现将有关情况报告如下：",
		 run->plan->title ? run->plan->title : "", run->plan->number ? run->plan->number : "",
		 run->office, run->place, run->day_zh, run->place);
	pdf_paragraph(pdf, text, true);
	section_overview(pdf, run, d);
	section_batches(pdf, run, d);
	section_units(pdf, run, d);
	section_separations(pdf, run, d);
	section_overdue(pdf, run);
	section_tasks(pdf, run);
	pdf_heading(pdf, "七、下一步工作");
	snprintf(text, sizeof text,
		 "对上述逾期事项，%s将按照方案%s的要求，逐项督促有关主管单位和牵头部门限期整改；"
		 "对已完成脱钩的协会，督促其在规定时限内报送工作总结，并及时组织验收。",
		 run->office, cite_rule(run->plan, "decoupling.incomplete"));
	pdf_paragraph(pdf, text, true);
	pdf_space(pdf, 24);
	snprintf(text, sizeof text, "%s\n%s", run->office, run->day_zh);
	pdf_need(pdf, 60);
	pdf_right(pdf, text);
	pdf_space(pdf, 18);
	char day[11];
	date_format(run->as_of, day);
	snprintf(text, sizeof text,
		 "注：本报告由 tuogou 依据登记簿数据生成，统计口径与问题清单（tuogou check --as-of %s）一致；"
		 "条款编号引自%s。",
		 day, run->plan->number ? run->plan->number : "");
	pdf_note(pdf, text);
}

static int write_progress(const report_run *run, const char *path, tg_error *err)
{
	tg_dashboard d;
	dashboard_compute(run->r, run->plan, run->fs, TG_IX_NONE, run->jurisdiction, &d);
	tg_pdf *pdf;
	char title[160];
	progress_title(run, title, sizeof title, false);
	int rc = pdf_open(path, title, run->office, &pdf, err);
	if (rc == TG_OK) {
		draw_progress(pdf, run, &d);
		rc = pdf_close(pdf, err);
	}
	dashboard_release(&d);
	return rc;
}

/* ---- report summary ---- */

typedef struct evidence_list {
	const tg_report_evidence *items;
	size_t n;
} evidence_list;

/* Evidence names of one checklist item, joined by 、 ("" when none). */
static void evidence_names(const evidence_list *ev, const tg_check_item *it, strbuf *out)
{
	out->len = 0;
	for (size_t i = 0; i < ev->n; i++) {
		const tg_report_evidence *e = &ev->items[i];
		if (strcmp(e->rule, it->rule) || strcmp(e->subject ? e->subject : "", it->subject ? it->subject : ""))
			continue;
		if (out->len)
			sb_adds(out, "、");
		sb_adds(out, e->name);
	}
	sb_addc(out, '\0');
	out->len--;
}

static void summary_section(tg_pdf *pdf, const report_run *run, const tg_checklist_section *sec,
			    size_t number, const evidence_list *ev)
{
	char head[160], num[16];
	zh_index(num, sizeof num, number);
	snprintf(head, sizeof head, "%s、%s", num, sec->name);
	pdf_heading(pdf, head);
	if (!sec->n_items) {
		pdf_paragraph(pdf, "经对照方案核查，本项无需整改事项。", true);
		return;
	}
	size_t done = 0;
	for (size_t i = 0; i < sec->n_items; i++)
		done += !strcmp(sec->items[i].status, "done");
	char text[256];
	snprintf(text, sizeof text, "本项共%zu个事项，已完成%zu个，尚未完成%zu个。", sec->n_items, done,
		 sec->n_items - done);
	pdf_paragraph(pdf, text, true);
	static const char *heads[] = {"序号", "核查事项", "条款", "完成情况", "佐证材料"};
	static const double widths[] = {0.07, 0.36, 0.08, 0.29, 0.20};
	pdf_table t = {5, heads, widths, "clcll", 9};
	pdf_table_begin(pdf, &t);
	strbuf names;
	sb_init(&names);
	for (size_t i = 0; i < sec->n_items; i++) {
		const tg_check_item *it = &sec->items[i];
		char no[24], what[512], state[128], day[24];
		snprintf(no, sizeof no, "%zu", i + 1);
		if (it->subject_label)
			snprintf(what, sizeof what, "%s：%s", it->title, it->subject_label);
		else
			snprintf(what, sizeof what, "%s", it->title);
		bool red = false;
		if (!strcmp(it->status, "done")) {
			if (it->done_on != TG_DATE_NONE) {
				date_format_zh(it->done_on, day);
				snprintf(state, sizeof state, "已于%s完成", day);
			} else {
				snprintf(state, sizeof state, "已完成");
			}
		} else if (it->finding && it->finding->due_year_only) {
			/* the day withheld (rules.h): the year, no count of days */
			red = !strcmp(it->status, "overdue");
			snprintf(state, sizeof state, "尚未完成，%s于%d年内完成", red ? "应" : "须",
				 date_year(it->due));
		} else if (it->due != TG_DATE_NONE) {
			date_format_zh(it->due, day);
			red = !strcmp(it->status, "overdue");
			if (red)
				snprintf(state, sizeof state, "尚未完成，应于%s前完成，已逾期%d天", day,
					 (int)(run->as_of - it->due));
			else
				snprintf(state, sizeof state, "尚未完成，应于%s前完成", day);
		} else {
			snprintf(state, sizeof state, "尚未完成");
		}
		evidence_names(ev, it, &names);
		const char *cells[] = {no, what, it->cite, state, names.len ? names.buf : "—"};
		pdf_table_row(pdf, cells, red ? 3 : -1);
	}
	sb_release(&names);
	pdf_table_end(pdf);
}

static int write_summary(const report_run *run, tg_ix ai, const evidence_list *ev,
			 const char *path, tg_error *err)
{
	const tg_association *a = &REG_ROWS(run->r, ARR_ASSOCIATIONS, tg_association)[ai];
	tg_assoc_facts facts;
	progress_facts(run->r, run->plan, ai, run->as_of, &facts);
	tg_checklist cl;
	checklist_build(run->r, run->plan, calendar_default(), run->fs, ai, &cl);
	char title[512], text[2048], day[24];
	snprintf(title, sizeof title, "%s脱钩工作总结", a->name);
	tg_pdf *pdf;
	int rc = pdf_open(path, title, a->name, &pdf, err);
	if (rc) {
		checklist_release(&cl);
		return rc;
	}
	pdf_space(pdf, 20);
	pdf_title(pdf, title);
	snprintf(text, sizeof text, "（截至%s）", run->day_zh);
	pdf_center(pdf, text, 13);
	pdf_space(pdf, 14);
	snprintf(text, sizeof text, "%s：", run->office);
	pdf_paragraph(pdf, text, false);

	const char *unit = a->unit_ix != TG_IX_NONE
				   ? REG_ROWS(run->r, ARR_UNITS, tg_unit)[a->unit_ix].name
				   : NULL;
	const tg_field *link_f = schema_field(ARR_ASSOCIATIONS, "link");
	const char *link = schema_enum_zh(link_f, a->link);
	strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "根据《%s》（%s），%s（统一社会信用代码：%s）", run->plan->title,
		run->plan->number ? run->plan->number : "", a->name, a->uscc);
	if (unit)
		sb_addf(&sb, "原由%s%s", unit, link ? link : "主管");
	if (facts.in_scope) {
		sb_adds(&sb, "，纳入脱钩范围");
		if (facts.due != TG_DATE_NONE) {
			date_format_zh(facts.due, day);
			sb_addf(&sb, "，脱钩截止日期为%s", day);
		}
	} else {
		sb_addf(&sb, "，未纳入脱钩范围（%s）", facts.scope_reason ? facts.scope_reason : "");
	}
	sb_adds(&sb, "。");
	if (date_happened(a->plan_submitted_on, run->as_of)) {
		date_format_zh(a->plan_submitted_on, day);
		sb_addf(&sb, "%s于%s报送本会脱钩实施方案。", unit ? unit : "主管单位", day);
	}
	if (date_happened(a->decoupled_on, run->as_of)) {
		date_format_zh(a->decoupled_on, day);
		sb_addf(&sb, "本会于%s完成脱钩。", day);
	} else {
		sb_adds(&sb, "本会尚未完成脱钩。");
	}
	sb_adds(&sb, "现将脱钩工作情况总结如下：");
	sb_addc(&sb, '\0');
	pdf_paragraph(pdf, sb.buf, true);
	sb.len = 0;

	for (size_t s = 0; s < cl.n_sections; s++)
		summary_section(pdf, run, &cl.sections[s], s + 1, ev);

	char num[16];
	zh_index(num, sizeof num, cl.n_sections + 1);
	snprintf(text, sizeof text, "%s、报送说明", num);
	pdf_heading(pdf, text);
	int wd = run->plan->p.report_workdays;
	if (date_happened(a->report_submitted_on, run->as_of)) {
		date_format_zh(a->report_submitted_on, day);
		sb_addf(&sb, "本总结已于%s报送%s。", day, run->office);
	} else if (date_happened(a->decoupled_on, run->as_of)) {
		tg_date due = calendar_add_workdays(calendar_default(), a->decoupled_on, wd, NULL);
		date_format_zh(due, day);
		sb_addf(&sb, "按照方案%s的要求，脱钩完成后%d个工作日内向%s报送工作总结，即应于%s前报送%s。",
			cite_rule(run->plan, "report.summary-missing"), wd, run->office, day,
			run->as_of > due ? "（已逾期）" : "");
	} else {
		sb_addf(&sb, "按照方案%s的要求，本会完成脱钩后%d个工作日内向%s报送工作总结。",
			cite_rule(run->plan, "report.summary-missing"), wd, run->office);
	}
	sb_adds(&sb, "以上事项的完成日期取自登记簿，佐证材料名称为随附的附件。");
	sb_addc(&sb, '\0');
	pdf_paragraph(pdf, sb.buf, true);
	sb_release(&sb);

	pdf_space(pdf, 30);
	pdf_need(pdf, 90);
	snprintf(text, sizeof text, "%s（盖章）\n%s%s\n%s", a->name, unit ? "主管单位：" : "",
		 unit ? unit : "", run->day_zh);
	pdf_right(pdf, text);
	checklist_release(&cl);
	return pdf_close(pdf, err);
}

/* ---- entry points ---- */

int report_progress_pdf(const tg_register *r, const tg_plan *plan, const tg_findings *fs,
			const char *path, tg_error *err)
{
	report_run run;
	run_init(&run, r, plan, fs);
	return write_progress(&run, path, err);
}

/* The run of one jurisdiction (六(一)): the findings of its records (it
** and below it) in *mine (items malloc'd: free them), its name as the
** place, the office of the plan it is judged under. */
static void county_run(const tg_register *r, const tg_plan *plan, const tg_findings *fs,
		       tg_ix j, tg_findings *mine, report_run *run)
{
	const tg_jurisdiction *jr = &REG_ROWS(r, ARR_JURISDICTIONS, tg_jurisdiction)[j];
	*mine = *fs;
	mine->items = malloc((fs->count ? fs->count : 1) * sizeof *mine->items);
	if (!mine->items)
		abort();
	mine->count = 0;
	for (size_t i = 0; i < fs->count; i++)
		if (rules_within(r, finding_jurisdiction(r, &fs->items[i]), jr->id))
			mine->items[mine->count++] = fs->items[i];
	run_init(run, r, plan, mine);
	run->jurisdiction = jr->id;
	run->place = jr->name;
	run->office = rules_plan_for(plan, r, jr->id)->office;
}

int report_progress_jurisdiction_pdf(const tg_register *r, const tg_plan *plan,
				     const tg_findings *fs, const char *code, const char *path,
				     tg_error *err)
{
	tg_ix j = register_find(r, ARR_JURISDICTIONS, code);
	if (j == TG_IX_NONE)
		return tg_error_set(err, TG_ENOTFOUND, "not_found", "jurisdiction",
				    "登记簿中没有行政区划“%s”", code);
	tg_findings mine;
	report_run run;
	county_run(r, plan, fs, j, &mine, &run);
	int rc = write_progress(&run, path, err);
	free(mine.items);
	return rc;
}

/* One row of the counties' table: a place and its numbers. */
static void compare_row(tg_pdf *pdf, const char *name, const tg_dashboard *d)
{
	char c[5][24];
	snprintf(c[0], sizeof c[0], "%zu", d->in_scope);
	snprintf(c[1], sizeof c[1], "%zu", d->decoupled);
	snprintf(c[2], sizeof c[2], "%zu", d->not_decoupled);
	snprintf(c[3], sizeof c[3], "%zu", d->overdue_findings);
	snprintf(c[4], sizeof c[4], "%zu", d->open_findings);
	const char *cells[] = {name, c[0], c[1], c[2], c[3], c[4]};
	pdf_table_row(pdf, cells, d->overdue_findings ? 4 : -1);
}

/* What the city holds beyond its counties (本级): city minus the counties' sum. */
static void city_rest(const tg_dashboard *city, const tg_dashboard *counties, size_t n,
		      tg_dashboard *rest)
{
	memset(rest, 0, sizeof *rest);
	size_t in_scope = 0, decoupled = 0, not_decoupled = 0, overdue = 0, open = 0;
	for (size_t i = 0; i < n; i++) {
		in_scope += counties[i].in_scope;
		decoupled += counties[i].decoupled;
		not_decoupled += counties[i].not_decoupled;
		overdue += counties[i].overdue_findings;
		open += counties[i].open_findings;
	}
	/* counties are disjoint and within the city: never below zero */
	assert(in_scope <= city->in_scope && overdue <= city->overdue_findings &&
	       open <= city->open_findings);
	rest->in_scope = city->in_scope - in_scope;
	rest->decoupled = city->decoupled - decoupled;
	rest->not_decoupled = city->not_decoupled - not_decoupled;
	rest->overdue_findings = city->overdue_findings - overdue;
	rest->open_findings = city->open_findings - open;
}

int report_progress_by_jurisdiction_pdf(const tg_register *r, const tg_plan *plan,
					const tg_findings *fs, const char *path, tg_error *err)
{
	report_run city;
	run_init(&city, r, plan, fs);
	tg_dashboard d;
	dashboard_compute(r, plan, fs, TG_IX_NONE, NULL, &d);
	size_t n = d.n_jurisdiction;
	tg_dashboard *cd = calloc(n + 1, sizeof *cd);
	tg_findings *mine = calloc(n + 1, sizeof *mine);
	report_run *runs = calloc(n + 1, sizeof *runs);
	if (!cd || !mine || !runs)
		abort();
	for (size_t i = 0; i < n; i++) {
		tg_ix j = register_find(r, ARR_JURISDICTIONS, d.by_jurisdiction[i].id);
		assert(j != TG_IX_NONE);
		county_run(r, plan, fs, j, &mine[i], &runs[i]);
		dashboard_compute(r, plan, &mine[i], TG_IX_NONE, runs[i].jurisdiction, &cd[i]);
	}
	char title[160], text[600];
	progress_title(&city, title, sizeof title, false);
	tg_pdf *pdf;
	int rc = pdf_open(path, title, city.office, &pdf, err);
	if (rc == TG_OK) {
		draw_progress(pdf, &city, &d);
		/* the counties side by side; with the city's own records they
		** make up the city's numbers */
		pdf_new_page(pdf);
		pdf_heading(pdf, "附件：各县（市、区）脱钩工作进展对比");
		snprintf(text, sizeof text,
			 "截至%s，%s共%zu个县（市、区）。下表各县（市、区）的数字与其后各页的分县报告一致，"
			 "与本级（含未划分行政区划的记录）合计即为%s数字。",
			 city.day_zh, city.place, n, city.place);
		pdf_paragraph(pdf, text, true);
		static const char *heads[] = {"行政区划", "纳入范围", "已脱钩", "尚未脱钩",
					      "逾期问题", "待办问题"};
		static const double widths[] = {0.26, 0.148, 0.148, 0.148, 0.148, 0.148};
		pdf_table t = {6, heads, widths, "lrrrrr", 0};
		pdf_table_begin(pdf, &t);
		for (size_t i = 0; i < n; i++)
			compare_row(pdf, runs[i].place, &cd[i]);
		tg_dashboard rest;
		city_rest(&d, cd, n, &rest);
		compare_row(pdf, "本级", &rest);
		compare_row(pdf, "合计", &d);
		pdf_table_end(pdf);
		/* then each county's own report, from a new page */
		for (size_t i = 0; i < n; i++) {
			pdf_new_page(pdf);
			snprintf(text, sizeof text, "分县报告%zu：%s", i + 1, runs[i].place);
			pdf_note(pdf, text);
			draw_progress(pdf, &runs[i], &cd[i]);
		}
		rc = pdf_close(pdf, err);
	}
	for (size_t i = 0; i < n; i++) {
		dashboard_release(&cd[i]);
		free(mine[i].items);
	}
	free(cd);
	free(mine);
	free(runs);
	dashboard_release(&d);
	return rc;
}

int report_summary_pdf(const tg_register *r, const tg_plan *plan, const tg_findings *fs,
		       tg_ix ai, const tg_report_evidence *ev, size_t n_ev, const char *path,
		       tg_error *err)
{
	report_run run;
	run_init(&run, r, plan, fs);
	if (ai == TG_IX_NONE || ai >= REG_COUNT(r, ARR_ASSOCIATIONS))
		return tg_error_set(err, TG_ENOTFOUND, "not_found", "", "登记簿中没有该协会");
	evidence_list list = {ev, n_ev};
	return write_summary(&run, ai, &list, path, err);
}
