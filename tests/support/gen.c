/*
** gen.c: see gen.h.  A small xorshift generator keeps runs reproducible.
*/
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "ident.h"

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int pick(int n)
{
	return (int)(next() % (uint64_t)n);
}

static int chance(int percent)
{
	return pick(100) < percent;
}

static tg_date some_date(int from_year, int to_year)
{
	int y = from_year + pick(to_year - from_year + 1);
	int m = 1 + pick(12);
	int d = 1 + pick(date_days_in_month(y, m));
	return date_from_ymd(y, m, d);
}

static tg_date maybe_date(int percent, int from_year, int to_year)
{
	return chance(percent) ? some_date(from_year, to_year) : TG_DATE_NONE;
}

void gen_uscc(uint64_t k, char out[19])
{
	char code[32];
	/* positions 9-16 are "MJ" + 6 digits; 17 the org-code check, 18 the USCC check */
	snprintf(code, sizeof code, "51410300MJ%06llu", (unsigned long long)(k % 1000000));
	code[16] = ident_orgcode_check_char(code + 8);
	code[17] = ident_uscc_check_char(code);
	code[18] = '\0';
	memcpy(out, code, 19);
}

void gen_id_number(int y, int m, int d, unsigned k, char out[19])
{
	char code[32];
	snprintf(code, sizeof code, "410302%04d%02d%02d%03u", (y % 10000 + 10000) % 10000,
		 (m % 100 + 100) % 100, (d % 100 + 100) % 100, k % 1000);
	code[17] = ident_id_check_char(code);
	code[18] = '\0';
	memcpy(out, code, 19);
}

static const char *names[] = {"软件", "物流", "餐饮", "建材", "旅游", "轴承", "陶瓷", "牡丹", "钢结构",
			      "汽车", "医药", "电子商务", "家具", "石化", "酒店"};
static const char *suffixes[] = {"行业协会", "协会", "商会", "同业公会", "联合会", "促进会", "研究会"};

static const char *str(tg_register *r, const char *fmt, uint64_t k)
{
	return arena_printf(&r->arena, fmt, (unsigned long long)k);
}

void gen_register(tg_register *r, uint64_t seed, size_t n)
{
	rng = seed * 2654435761u + 88172645463325252ULL;
	size_t nu = n / 6 + 1;
	tg_batch *b = register_append(r, ARR_BATCHES);
	b->id = "pilot", b->name = "试点", b->due = date_from_ymd(2017, 6, 30);
	b = register_append(r, ARR_BATCHES);
	b->id = "second", b->name = "第二批";
	for (size_t u = 0; u < nu; u++) {
		tg_unit *x = register_append(r, ARR_UNITS);
		x->id = str(r, "U%03llu", u);
		x->name = str(r, "洛阳市第%llu局", u);
		x->kind = (int8_t)pick(4);
		x->function_list_on = maybe_date(50, 2017, 2018);
	}
	for (size_t i = 0; i < n; i++) {
		tg_association *a = register_append(r, ARR_ASSOCIATIONS);
		char uscc[19];
		gen_uscc(i, uscc);
		a->uscc = arena_strdup(&r->arena, uscc);
		a->name = arena_printf(&r->arena, "洛阳市%s%s%zu", names[pick(15)], "", i);
		a->name = arena_printf(&r->arena, "%s%s", a->name, suffixes[pick(7)]);
		a->level = (int8_t)pick(2);
		a->member_basis = (int8_t)(pick(5) - 1);
		a->registered_on = some_date(1995, 2018);
		a->deregistered_on = chance(5) ? date_add_years(a->registered_on, 3) : TG_DATE_NONE;
		a->unit = chance(90) ? ((tg_unit *)register_row(r, ARR_UNITS, (size_t)pick((int)nu)))->id : NULL;
		a->link = (int8_t)(a->unit ? pick(4) : -1);
		a->link_cancelled_on = maybe_date(40, 2017, 2018);
		if (chance(10)) {
			a->override_in_scope = (int8_t)pick(2);
			a->override_reason = "经联合工作组认定";
		}
		a->batch = chance(30) ? "pilot" : chance(50) ? "second" : NULL;
		a->plan_submitted_on = maybe_date(80, 2017, 2017);
		a->decoupled_on = maybe_date(70, 2017, 2018);
		a->audit_report_on = maybe_date(50, 2017, 2018);
		a->report_submitted_on = maybe_date(50, 2017, 2018);
		a->accepted_on = maybe_date(40, 2018, 2018);
		a->independent_account_on = maybe_date(70, 2016, 2018);
		a->asset_inventory_on = maybe_date(70, 2017, 2017);
		a->party_org = chance(60);
		a->party_transferred_on = maybe_date(50, 2017, 2018);
		a->charter_filed_on = maybe_date(50, 2017, 2019);
		a->staffing_quota = chance(20) ? pick(5) : 0;
		a->staffing_quota_cancelled_on = maybe_date(30, 2017, 2018);
	}
	size_t np = n * 2 + 1;
	for (size_t p = 0; p < np; p++) {
		tg_person *x = register_append(r, ARR_PERSONS);
		x->id = str(r, "P%05llu", p);
		x->name = str(r, "张%llu", p);
		if (chance(80)) {
			char id[19];
			int y = 1940 + pick(50), m = 1 + pick(12), d = 1 + pick(28);
			gen_id_number(y, m, d, (unsigned)p, id);
			x->id_number = arena_strdup(&r->arena, id);
			x->birth = date_from_ymd(y, m, d);
		}
		x->civil_servant = chance(30);
		x->leading_cadre = chance(30);
		x->unit = chance(50) ? ((tg_unit *)register_row(r, ARR_UNITS, (size_t)pick((int)nu)))->id : NULL;
		x->retired_on = maybe_date(40, 2012, 2019);
		x->left_public_service_on = maybe_date(10, 2015, 2018);
	}
	for (size_t k = 0; k < n * 3; k++) {
		tg_post *t = register_append(r, ARR_POSTS);
		t->id = str(r, "T%05llu", k);
		t->person = ((tg_person *)register_row(r, ARR_PERSONS, (size_t)pick((int)np)))->id;
		t->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		t->role = (int8_t)pick(7);
		t->legal_representative = chance(20);
		t->from = some_date(2005, 2018);
		t->to = chance(30) ? t->from + 1 + pick(2000) : TG_DATE_NONE;
		t->recommended_by_unit = chance(10);
		t->paid = chance(15);
		if (chance(20)) {
			t->approval_kind = (int8_t)pick(2);
			t->approval_ref = chance(50) ? "洛组干〔2017〕3号" : NULL;
			t->approval_on = some_date(2016, 2019);
		}
		t->departure_audit_on = maybe_date(20, 2017, 2019);
	}
	for (size_t k = 0; k < n * 2; k++) {
		tg_staff *s = register_append(r, ARR_STAFF);
		s->id = str(r, "S%05llu", k);
		s->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		s->name = chance(90) ? str(r, "李%llu", k) : NULL;
		s->from = some_date(2005, 2018);
		s->to = chance(20) ? s->from + 30 + pick(900) : TG_DATE_NONE;
		s->labor_contract_on = maybe_date(60, 2005, 2018);
		s->social_insurance_on = maybe_date(60, 2005, 2018);
	}
	for (size_t k = 0; k < n; k++) {
		tg_premises *f = register_append(r, ARR_PREMISES);
		f->id = str(r, "F%04llu", k);
		f->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, k))->uscc;
		f->address = chance(80) ? "洛阳市涧西区中州西路1号" : NULL;
		f->owner = (int8_t)pick(3);
		f->area = (double)(20 + pick(300)) + (chance(50) ? 0.5 : 0.25);
		f->approved_area = f->owner == OWNER_ADMINISTRATIVE || chance(30) ? (double)(20 + pick(200)) : -1.0;
		f->co_located_with_unit = chance(15);
		f->from = some_date(2000, 2017);
		f->to = chance(20) ? f->from + 100 + pick(3000) : TG_DATE_NONE;
	}
	for (size_t k = 0; k < n; k++) {
		tg_asset *s = register_append(r, ARR_ASSETS);
		s->id = str(r, "A%04llu", k);
		s->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		s->name = "办公设备";
		s->state_owned = chance(50);
		s->value = (int64_t)pick(10000000);
		s->from = some_date(2005, 2017);
		s->to = maybe_date(0, 2018, 2018);
		s->registered_on = maybe_date(50, 2017, 2018);
	}
	for (size_t k = 0; k < n; k++) {
		tg_appropriation *m = register_append(r, ARR_APPROPRIATIONS);
		m->id = str(r, "M%04llu", k);
		m->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		m->year = 2015 + pick(5);
		m->kind = (int8_t)pick(2);
		m->amount = (int64_t)pick(100000000);
		m->on = date_from_ymd((int)m->year, 1 + pick(12), 1 + pick(28));
		m->purchase_item = m->kind == APPROP_PURCHASE ? "行业统计服务" : NULL;
	}
	for (size_t k = 0; k < n; k++) {
		tg_function *x = register_append(r, ARR_FUNCTIONS);
		x->id = str(r, "N%04llu", k);
		x->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		x->unit = chance(50) ? ((tg_unit *)register_row(r, ARR_UNITS, (size_t)pick((int)nu)))->id : NULL;
		x->name = "行业统计";
		x->disposition = (int8_t)pick(4);
		x->stripped_on = maybe_date(40, 2017, 2018);
		x->legal_basis = chance(20) ? "《统计法》" : NULL;
		x->purchase_ref = chance(40) ? "洛财购〔2017〕8号" : NULL;
	}
	for (size_t k = 0; k < nu; k++) {
		tg_unit_task *t = register_append(r, ARR_UNIT_TASKS);
		t->id = str(r, "K%03llu", k);
		t->unit = ((tg_unit *)register_row(r, ARR_UNITS, k))->id;
		t->task = "行业协会商会资产清查和国有资产管理办法";
		t->clause = "6.2";
		t->higher_level_doc_on = maybe_date(80, 2016, 2017);
		t->issued_on = maybe_date(60, 2017, 2018);
		t->published_on = maybe_date(50, 2017, 2018);
	}
	for (size_t k = 0; k < n; k++) {
		tg_election *e = register_append(r, ARR_ELECTIONS);
		e->id = str(r, "E%04llu", k);
		e->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		e->body = (int8_t)pick(3);
		e->on = some_date(2010, 2019);
		e->term_years = 3 + pick(3);
		e->contested = chance(70);
		e->secret_ballot = chance(80);
	}
	for (size_t k = 0; k < n; k++) {
		for (int y = 2017; y <= 2019; y++) {
			if (!chance(70))
				continue;
			tg_annual_report *ar = register_append(r, ARR_ANNUAL_REPORTS);
			ar->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, k))->uscc;
			ar->year = y;
			ar->submitted_on = maybe_date(90, y + 1, y + 1);
		}
	}
	for (size_t k = 0; k < n / 3 + 1; k++) {
		tg_foreign_approval *w = register_append(r, ARR_FOREIGN_APPROVALS);
		w->id = str(r, "W%03llu", k);
		w->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		w->on = some_date(2017, 2019);
		w->approver_unit = chance(50) ? ((tg_unit *)register_row(r, ARR_UNITS, (size_t)pick((int)nu)))->id : NULL;
	}
	for (size_t k = 0; k < n / 3 + 1; k++) {
		tg_credit_listing *l = register_append(r, ARR_CREDIT_LISTINGS);
		l->id = str(r, "L%03llu", k);
		l->association = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		l->list = (int8_t)pick(2);
		l->on = some_date(2018, 2020);
		l->reason = "未按时报送年度工作报告";
		l->removed_on = chance(30) ? l->on + 1 + pick(700) : TG_DATE_NONE;
	}
	/* steps (obligations.md): checked against a plan only by the commands,
	** so any obligation id does here; period 0 is null. */
	for (size_t k = 0; k < n / 3 + 1; k++) {
		tg_step *st = register_append(r, ARR_STEPS);
		st->id = str(r, "ST%03llu", k);
		st->obligation = chance(50) ? "services.evaluation-missing" : "disclosure.yearly";
		st->subject = ((tg_association *)register_row(r, ARR_ASSOCIATIONS, (size_t)pick((int)n)))->uscc;
		st->period = chance(50) ? 2017 + pick(4) : 0;
		st->done_on = maybe_date(70, 2017, 2020);
		st->note = chance(30) ? "已评价" : NULL;
	}
	register_resolve(r, NULL, 0, NULL, NULL);
}
