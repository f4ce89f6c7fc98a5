/*
** register_gen.c: the register generator (register_gen.h): the register of
** a seed and a scale, array by array, into a sink; and the sink that
** writes it as a bundle.
**
** Rows are built in the register's own structs (so the JSON is exactly what
** export would write) and streamed: nothing but a few small per-association
** and per-person facts is kept, so the national register (scale 1) needs
** about 30 MB.  Each array draws from its own stream (reseed), so that one
** array's draws do not shift the next array's.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "error.h"
#include "register_gen.h"
#include "ident.h"
#include "register.h"
#include "strbuf.h"

/* ---- deterministic randomness (splitmix64) ---- */

static uint64_t rng_state;

static uint64_t next64(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A fresh stream per array, so that one array's draws do not shift the
** next array's. */
static void reseed(uint64_t seed, int stream)
{
	rng_state = seed * 0x2545F4914F6CDD1DULL + (uint64_t)stream * 0x9E3779B97F4A7C15ULL + 1;
	next64();
}

static int pick(int n)
{
	return n <= 1 ? 0 : (int)(next64() % (uint64_t)n);
}

static int range(int lo, int hi) /* inclusive */
{
	return lo + pick(hi - lo + 1);
}

static bool chance(double p)
{
	return (double)(next64() >> 11) * (1.0 / 9007199254740992.0) < p;
}

static tg_date ymd(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static tg_date date_between(tg_date lo, tg_date hi)
{
	return hi <= lo ? lo : lo + pick(hi - lo + 1);
}

static tg_date year_date(int y0, int y1)
{
	return date_between(ymd(y0, 1, 1), ymd(y1, 12, 31));
}

static tg_date min_date(tg_date a, tg_date b)
{
	return a < b ? a : b;
}

static tg_date max_date(tg_date a, tg_date b)
{
	return a > b ? a : b;
}

/* ---- vocabulary ---- */

static const char *const provinces[] = {
	"北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
	"上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
	"湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省",
	"云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区"};
static const int province_codes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
				     42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65};
#define N_PROVINCES ((int)(sizeof provinces / sizeof provinces[0]))

static const char *const cities[] = {"洛阳", "郑州", "开封", "南阳", "苏州", "无锡", "温州", "宁波",
				     "佛山", "东莞", "泉州", "潍坊", "绵阳", "襄阳", "株洲", "赣州",
				     "柳州", "遵义", "曲靖", "宝鸡", "天水", "包头", "大同", "唐山"};
#define N_CITIES ((int)(sizeof cities / sizeof cities[0]))

static const char *const departments[] = {
	"发展和改革委员会", "工业和信息化局", "商务局", "民政局", "财政局", "人力资源和社会保障局",
	"自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "文化和旅游局",
	"卫生健康委员会", "市场监督管理局", "统计局", "科学技术局", "教育局", "体育局",
	"水利局", "林业局", "应急管理局", "机关事务管理局", "供销合作社", "工商业联合会"};
#define N_DEPARTMENTS ((int)(sizeof departments / sizeof departments[0]))

static const char *const trades[] = {
	"软件", "物流", "餐饮", "建材", "旅游", "轴承", "陶瓷", "钢结构", "汽车维修", "医药",
	"电子商务", "家具", "石油化工", "酒店", "纺织", "服装", "食品", "粮食", "种子", "茶叶",
	"果品", "畜牧", "水产", "印刷", "包装", "广告", "会展", "房地产", "物业管理", "建筑业",
	"装饰装修", "电力", "燃气", "供水", "环保产业", "再生资源", "机械工业", "机床", "模具", "有色金属",
	"钢铁", "煤炭", "新能源", "光伏", "半导体", "通信", "互联网", "信息服务", "人工智能", "大数据",
	"金融", "保险", "证券", "会计", "律师", "税务师", "资产评估", "拍卖", "典当", "融资担保",
	"养老服务", "家政服务", "美容美发", "摄影", "婚庆", "体育用品", "玩具", "珠宝", "黄金", "眼镜"};
#define N_TRADES ((int)(sizeof trades / sizeof trades[0]))

static const char *const suffixes_listed[] = {"行业协会", "协会", "商会", "同业公会", "联合会", "促进会"};
static const char *const suffixes_other[] = {"研究会", "学会", "联谊会"};

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
				       "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
				       "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
				       "欧阳", "司马", "诸葛"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
				    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
				    "刚", "桂英", "建国", "建华", "志强", "晓东", "海燕", "红梅", "国庆", "卫东",
				    "文", "华", "斌", "鹏", "辉", "玲", "婷", "宇", "浩", "凯"};
#define N_SURNAMES ((int)(sizeof surnames / sizeof surnames[0]))
#define N_GIVEN ((int)(sizeof given / sizeof given[0]))

static const char *const asset_names[] = {"办公设备", "办公家具", "公务车辆", "计算机及网络设备",
					  "档案资料", "检测仪器", "培训场地设施", "业务软件"};
static const char *const function_names[] = {"行业统计", "行业标准制定", "职业资格评价", "评比达标表彰",
					     "行业准入审核", "从业人员培训", "行业信用评价", "展会举办",
					     "行业规划编制", "技术鉴定"};
static const char *const task_names[] = {"行业协会商会资产清查和国有资产管理办法",
					 "行业协会商会综合监管办法", "脱钩后行业协会商会党建工作管理办法"};

/* ---- identifiers ---- */

static void division_code(int p, int c, int d, char out[7])
{
	char six[40]; /* room for any int, so that no compiler sees a truncation */
	snprintf(six, sizeof six, "%02d%02d%02d", province_codes[p % N_PROVINCES], 1 + c % 20, d % 16);
	memcpy(out, six, 6);
	out[6] = '\0';
}

/* The USCC of association i: 5 (民政) 1 (社会团体), the division code of
** its province, city and county, then "MJ" + 6 digits + the GB 11714
** check, then the GB 32100 check. */
void tg_gen_uscc(uint32_t i, char out[19])
{
	char div[7];
	/* the place is a function of i alone so references can rebuild it */
	uint32_t h = i * 2654435761u;
	division_code((int)(h % 31), (int)((h >> 8) % 20), (int)((h >> 16) % 16), div);
	char c[19];
	snprintf(c, sizeof c, "51%s%.2s%06u", div, "MJ", i % 1000000u);
	c[16] = ident_orgcode_check_char(c + 8);
	c[17] = ident_uscc_check_char(c);
	c[18] = '\0';
	memcpy(out, c, 19);
}

static void id_number(int p, tg_date birth, char out[19])
{
	int y, m, d;
	date_to_ymd(birth, &y, &m, &d);
	char div[7];
	division_code(p, pick(20), pick(16), div);
	char c[19];
	snprintf(c, sizeof c, "%s%04d%02d%02d%03d", div, y, m, d, pick(1000));
	c[17] = ident_id_check_char(c);
	c[18] = '\0';
	memcpy(out, c, 19);
}

static void person_name(char *out, size_t size)
{
	if (chance(0.35))
		snprintf(out, size, "%s%s", surnames[pick(N_SURNAMES)], given[pick(N_GIVEN)]);
	else
		snprintf(out, size, "%s%s%s", surnames[pick(N_SURNAMES)], given[pick(N_GIVEN)],
			 given[pick(N_GIVEN)]);
}

/* ---- counts ---- */

enum { N_BASE_UNITS = 2000, N_BASE_ASSOC = 70000, N_BASE_PERSONS = 1000000,
       N_BASE_POSTS = 1500000, N_BASE_STAFF = 700000, N_BASE_PREMISES = 90000,
       N_BASE_ASSETS = 150000, N_BASE_APPROP = 60000, N_BASE_FUNCTIONS = 40000,
       N_BASE_TASKS = 6000, N_BASE_ELECTIONS = 200000, N_BASE_FOREIGN = 5000,
       N_BASE_CREDIT = 8000, N_BASE_STEPS = 23000 };

static size_t scaled(double scale, size_t base)
{
	double n = floor((double)base * scale + 0.5);
	return n < 1 ? 1 : (size_t)n;
}

/* What later arrays need to know of earlier ones. */
typedef struct assoc_fact {
	tg_date registered_on, deregistered_on, decoupled_on, end; /* end: dereg or 2021-01-01 */
	uint32_t unit;     /* UINT32_MAX: none */
	uint8_t province;
} assoc_fact;

#define NO_UNIT UINT32_MAX

typedef struct person_fact {
	uint8_t kind; /* 0 private, 1 serving official, 2 retired official */
	uint8_t cadre;
	tg_date retired_on;
} person_fact;

/* ---- the sink ---- */

typedef tg_gen_sink writer;

static void begin_array(const writer *o, int a)
{
	o->begin(o->ctx, a);
}

static void emit_row(const writer *o, int a, const void *row)
{
	o->row(o->ctx, a, row);
}

static void end_array(const writer *o, int a)
{
	o->end(o->ctx, a);
}

/* A row of array a with the register's defaults. */
static void *fresh(int a)
{
	static union {
		tg_batch b; tg_unit u; tg_association as; tg_person p; tg_post t; tg_staff s;
		tg_premises f; tg_asset x; tg_appropriation m; tg_function n; tg_unit_task k;
		tg_election e; tg_annual_report r; tg_foreign_approval w; tg_credit_listing l;
		tg_step st;
	} row;
	register_row_defaults(a, &row);
	return &row;
}

/* ---- the register ---- */

typedef struct gen {
	double scale;
	uint64_t seed;
	size_t n_units, n_assoc, n_persons, n_posts, n_staff, n_premises, n_assets, n_approp,
		n_functions, n_tasks, n_elections, n_foreign, n_credit, n_steps;
	assoc_fact *af;
	person_fact *pf;
	uint32_t *person_posts; /* how many posts a person holds (retired cadres: at most 1 mostly) */
} gen;

static const tg_date END = 18628; /* 2021-01-01, checked in tg_gen_register */

static void gen_batches(gen *g, const writer *o)
{
	(void)g;
	static const struct { const char *id, *name; int y, m, d; } bs[] = {
		{"pilot", "第一批（试点）", 2016, 12, 31},
		{"second", "第二批", 2017, 12, 31},
		{"third", "第三批（全面推开）", 2019, 12, 31},
	};
	begin_array(o, ARR_BATCHES);
	for (int i = 0; i < 3; i++) {
		tg_batch *b = fresh(ARR_BATCHES);
		b->id = bs[i].id;
		b->name = bs[i].name;
		b->due = ymd(bs[i].y, bs[i].m, bs[i].d);
		emit_row(o, ARR_BATCHES, b);
	}
	end_array(o, ARR_BATCHES);
}

static void unit_id(uint32_t u, char out[16])
{
	snprintf(out, 16, "U%05u", u);
}

static void gen_units(gen *g, const writer *o)
{
	reseed(g->seed, ARR_UNITS);
	begin_array(o, ARR_UNITS);
	for (uint32_t u = 0; u < g->n_units; u++) {
		tg_unit *x = fresh(ARR_UNITS);
		char id[16], name[128];
		unit_id(u, id);
		int p = (int)(u % N_PROVINCES);
		if (u < (uint32_t)N_PROVINCES * 10 || chance(0.3))
			snprintf(name, sizeof name, "%s%s", provinces[p], departments[pick(N_DEPARTMENTS)]);
		else
			snprintf(name, sizeof name, "%s%s市%s", provinces[p], cities[pick(N_CITIES)],
				 departments[pick(N_DEPARTMENTS)]);
		x->id = id;
		x->name = name;
		double k = next64() % 1000 / 1000.0;
		x->kind = k < 0.70 ? UNIT_ORGAN : k < 0.85 ? UNIT_ORGAN_AFFILIATE
			  : k < 0.95 ? UNIT_CIVIL_SERVICE_MANAGED : UNIT_OTHER;
		if (chance(0.93))
			x->function_list_on = date_between(ymd(2016, 6, 1), ymd(2018, 6, 30));
		emit_row(o, ARR_UNITS, x);
	}
	end_array(o, ARR_UNITS);
}

static void gen_associations(gen *g, const writer *o)
{
	reseed(g->seed, ARR_ASSOCIATIONS);
	begin_array(o, ARR_ASSOCIATIONS);
	static const char *const batch_ids[] = {"pilot", "second", "third"};
	static const tg_date batch_due[] = {17166, 17531, 18261}; /* 2016-12-31, 2017-12-31, 2019-12-31 */
	for (uint32_t i = 0; i < g->n_assoc; i++) {
		tg_association *a = fresh(ARR_ASSOCIATIONS);
		assoc_fact *f = &g->af[i];
		char uscc[19], name[160];
		tg_gen_uscc(i, uscc);
		a->uscc = uscc;
		uint32_t h = i * 2654435761u;
		f->province = (uint8_t)(h % 31);
		a->level = chance(0.35) ? LEVEL_CITY : LEVEL_COUNTY;
		const char *place = a->level == LEVEL_CITY && chance(0.4) ? provinces[f->province]
									    : cities[pick(N_CITIES)];
		double s = next64() % 1000 / 1000.0;
		const char *suffix = s < 0.95 ? suffixes_listed[pick(6)] : suffixes_other[pick(3)];
		snprintf(name, sizeof name, "%s%s%s", place, trades[pick(N_TRADES)], suffix);
		a->name = name;
		double mb = next64() % 1000 / 1000.0;
		a->member_basis = mb < 0.75 ? MB_INDUSTRY_UNITS : mb < 0.87 ? MB_TRADE_PERSONS
				  : mb < 0.92 ? MB_REGIONAL_ORGS : mb < 0.96 ? MB_OTHER : -1;
		/* registrations grew over the years: weight later years more */
		int y = 1988 + (int)(32.0 * sqrt((double)(next64() % 1000000) / 1000000.0));
		if (y > 2019)
			y = 2019;
		a->registered_on = year_date(y, y);
		f->registered_on = a->registered_on;
		if (chance(0.02)) {
			a->deregistered_on = min_date(a->registered_on + range(400, 6000), END - 1);
			if (a->deregistered_on <= a->registered_on)
				a->deregistered_on = TG_DATE_NONE;
		}
		f->deregistered_on = a->deregistered_on;
		f->end = a->deregistered_on != TG_DATE_NONE ? a->deregistered_on : END;

		char unit[16];
		f->unit = NO_UNIT;
		if (chance(0.97)) {
			f->unit = (uint32_t)pick((int)g->n_units);
			unit_id(f->unit, unit);
			a->unit = unit;
			double l = next64() % 1000 / 1000.0;
			a->link = l < 0.55 ? LINK_SUPERVISOR : l < 0.75 ? LINK_SPONSOR
				  : l < 0.90 ? LINK_LIAISON : LINK_HOST;
		}
		if (chance(0.02)) {
			a->override_in_scope = chance(0.5);
			a->override_reason = a->override_in_scope ? "经联合工作组认定属于行业协会商会"
								  : "经联合工作组认定不属于脱钩范围";
		}
		double b = next64() % 1000 / 1000.0;
		int bi = b < 0.10 ? 0 : b < 0.40 ? 1 : b < 0.95 ? 2 : -1;
		a->batch = bi >= 0 ? batch_ids[bi] : NULL;
		tg_date due = bi >= 0 ? batch_due[bi] : 17531;
		tg_date start = max_date(ymd(2016, 7, 1), a->registered_on + 30);
		f->decoupled_on = TG_DATE_NONE;
		if (a->unit && chance(0.96)) {
			/* most on time, some late */
			tg_date lo = max_date(start, due - 300);
			tg_date d = chance(0.9) ? date_between(lo, due) : date_between(due, END - 1);
			if (d < start)
				d = start;
			if (d < END)
				a->decoupled_on = d;
		}
		f->decoupled_on = a->decoupled_on;
		tg_date dc = a->decoupled_on;
		if (dc != TG_DATE_NONE) {
			if (chance(0.98))
				a->plan_submitted_on = max_date(a->registered_on, dc - range(30, 180));
			if (chance(0.97))
				a->link_cancelled_on = dc;
			if (chance(0.92))
				a->audit_report_on = min_date(dc + range(0, 60), END - 1);
			if (chance(0.93))
				a->report_submitted_on = min_date(dc + range(0, 14), END - 1);
			if (a->report_submitted_on != TG_DATE_NONE && chance(0.88))
				a->accepted_on = min_date(a->report_submitted_on + range(10, 120), END - 1);
			if (chance(0.96))
				a->independent_account_on = max_date(a->registered_on, dc - range(0, 200));
			if (chance(0.94))
				a->charter_filed_on = min_date(dc + range(10, 200), END - 1);
		} else if (chance(0.5)) {
			a->plan_submitted_on = date_between(start, END - 1);
		}
		if (chance(0.94))
			a->asset_inventory_on = max_date(a->registered_on,
							 date_between(ymd(2016, 10, 1), ymd(2017, 4, 30)) +
								 (chance(0.9) ? 0 : range(1, 600)));
		a->party_org = chance(0.6);
		if (a->party_org && dc != TG_DATE_NONE && chance(0.93))
			a->party_transferred_on = min_date(dc + range(0, 90), END - 1);
		if (chance(0.08)) {
			a->staffing_quota = range(1, 12);
			if (dc != TG_DATE_NONE && chance(0.9))
				a->staffing_quota_cancelled_on = min_date(dc + range(0, 60), END - 1);
		}
		emit_row(o, ARR_ASSOCIATIONS, a);
	}
	end_array(o, ARR_ASSOCIATIONS);
}

static void person_id(uint32_t p, char out[16])
{
	snprintf(out, 16, "P%07u", p);
}

static void gen_persons(gen *g, const writer *o)
{
	reseed(g->seed, ARR_PERSONS);
	begin_array(o, ARR_PERSONS);
	for (uint32_t p = 0; p < g->n_persons; p++) {
		tg_person *x = fresh(ARR_PERSONS);
		person_fact *f = &g->pf[p];
		char id[16], name[32], idn[19], unit[16];
		person_id(p, id);
		person_name(name, sizeof name);
		x->id = id;
		x->name = name;
		int prov = pick(N_PROVINCES);
		tg_date birth = date_between(ymd(1940, 1, 1), ymd(2000, 12, 31));
		double k = next64() % 1000 / 1000.0;
		f->kind = k < 0.90 ? 0 : k < 0.93 ? 1 : 2;
		if (f->kind == 2) /* retired: born earlier */
			birth = date_between(ymd(1940, 1, 1), ymd(1962, 12, 31));
		if (chance(0.95)) {
			id_number(prov, birth, idn);
			x->id_number = idn;
		}
		f->retired_on = TG_DATE_NONE;
		if (f->kind) {
			x->civil_servant = true;
			f->cadre = f->kind == 2 ? chance(0.6) : chance(0.2);
			x->leading_cadre = f->cadre;
			char u[16];
			unit_id((uint32_t)pick((int)g->n_units), u);
			memcpy(unit, u, sizeof unit);
			x->unit = unit;
			if (f->kind == 2) {
				int by, bm, bd;
				date_to_ymd(birth, &by, &bm, &bd);
				int ry = by + range(55, 63);
				if (ry > 2020)
					ry = 2020;
				x->retired_on = year_date(ry, ry);
				f->retired_on = x->retired_on;
			} else if (chance(0.7)) {
				/* serving officials who held posts mostly resigned them */
				x->left_public_service_on = date_between(ymd(2016, 1, 1), ymd(2019, 12, 31));
			}
		}
		emit_row(o, ARR_PERSONS, x);
	}
	end_array(o, ARR_PERSONS);
}

/* Association of row k of an array of n rows spread in blocks. */
static uint32_t block_assoc(const gen *g, size_t k, size_t n)
{
	return (uint32_t)((uint64_t)k * g->n_assoc / n);
}

static void gen_posts(gen *g, const writer *o)
{
	reseed(g->seed, ARR_POSTS);
	begin_array(o, ARR_POSTS);
	uint32_t prev = UINT32_MAX;
	int pos = 0;
	for (size_t k = 0; k < g->n_posts; k++) {
		tg_post *t = fresh(ARR_POSTS);
		uint32_t ai = block_assoc(g, k, g->n_posts);
		const assoc_fact *af = &g->af[ai];
		pos = ai == prev ? pos + 1 : 0;
		prev = ai;
		char id[24], person[16], uscc[19], ref[64];
		snprintf(id, sizeof id, "T%07zu", k);
		uint32_t p;
		/* retired cadres hold one post each, mostly */
		do
			p = (uint32_t)pick((int)g->n_persons);
		while (g->pf[p].kind == 2 && g->pf[p].cadre && g->person_posts[p] && chance(0.95));
		g->person_posts[p]++;
		const person_fact *pf = &g->pf[p];
		person_id(p, person);
		tg_gen_uscc(ai, uscc);
		t->id = id;
		t->person = person;
		t->association = uscc;
		t->role = pos == 0 ? ROLE_PRESIDENT : pos <= 3 ? ROLE_VICE_PRESIDENT
			  : pos == 4 ? ROLE_SECRETARY_GENERAL : pos <= 6 ? ROLE_SUPERVISOR
			  : chance(0.005) ? ROLE_DISPATCHED_SUPERVISOR : chance(0.1) ? ROLE_OTHER
			  : ROLE_DIRECTOR;
		t->legal_representative = pos == 0;
		t->from = date_between(af->registered_on, af->end - 1);
		if (chance(0.25) && t->from + 365 < af->end)
			t->to = date_between(t->from + 365, min_date(t->from + 365 * 6, af->end));
		if (t->to == TG_DATE_NONE && pf->kind == 1 && !chance(0.05))
			/* serving officials' posts ended with the decoupling */
			t->to = max_date(t->from + 1, min_date(af->decoupled_on != TG_DATE_NONE
								      ? af->decoupled_on : END,
							      t->from + 900));
		t->recommended_by_unit = chance(0.03);
		t->paid = t->role == ROLE_SECRETARY_GENERAL ? chance(0.6) : chance(0.02);
		if (pf->kind == 2 && pf->cadre) {
			if (chance(0.9)) {
				t->approval_kind = chance(0.6) ? APPROVAL_APPROVAL : APPROVAL_FILING;
				snprintf(ref, sizeof ref, "%s组干〔%d〕%d号", provinces[pick(N_PROVINCES)],
					 2016 + pick(5), 1 + pick(300));
				t->approval_ref = ref;
				t->approval_on = max_date(ymd(2000, 1, 1), t->from - range(10, 60));
			}
			if (t->paid && chance(0.9))
				t->paid = false;
		}
		if (t->legal_representative && t->to != TG_DATE_NONE && chance(0.9))
			t->departure_audit_on = t->to + range(10, 180);
		emit_row(o, ARR_POSTS, t);
	}
	end_array(o, ARR_POSTS);
}

static void gen_staff(gen *g, const writer *o)
{
	reseed(g->seed, ARR_STAFF);
	begin_array(o, ARR_STAFF);
	for (size_t k = 0; k < g->n_staff; k++) {
		tg_staff *s = fresh(ARR_STAFF);
		uint32_t ai = block_assoc(g, k, g->n_staff);
		const assoc_fact *af = &g->af[ai];
		char id[24], uscc[19], name[32];
		snprintf(id, sizeof id, "S%07zu", k);
		tg_gen_uscc(ai, uscc);
		s->id = id;
		s->association = uscc;
		if (chance(0.97)) {
			person_name(name, sizeof name);
			s->name = name;
		}
		s->from = date_between(max_date(af->registered_on, ymd(2005, 1, 1)), af->end - 1);
		if (chance(0.15) && s->from + 60 < af->end)
			s->to = date_between(s->from + 60, af->end);
		if (chance(0.96))
			s->labor_contract_on = s->from + range(0, 30);
		if (chance(0.95))
			s->social_insurance_on = s->from + range(0, 60);
		emit_row(o, ARR_STAFF, s);
	}
	end_array(o, ARR_STAFF);
}

static void gen_premises(gen *g, const writer *o)
{
	reseed(g->seed, ARR_PREMISES);
	begin_array(o, ARR_PREMISES);
	for (size_t k = 0; k < g->n_premises; k++) {
		tg_premises *f = fresh(ARR_PREMISES);
		uint32_t ai = k < g->n_assoc ? (uint32_t)k : (uint32_t)pick((int)g->n_assoc);
		const assoc_fact *af = &g->af[ai];
		char id[24], uscc[19], addr[160];
		snprintf(id, sizeof id, "F%07zu", k);
		tg_gen_uscc(ai, uscc);
		f->id = id;
		f->association = uscc;
		if (chance(0.97)) {
			snprintf(addr, sizeof addr, "%s%s市%s路%d号%d室", provinces[af->province],
				 cities[pick(N_CITIES)], trades[pick(N_TRADES)], range(1, 999),
				 range(101, 2399));
			f->address = addr;
		}
		double w = next64() % 1000 / 1000.0;
		f->owner = w < 0.65 ? OWNER_LEASED : w < 0.92 ? OWNER_OWN : OWNER_ADMINISTRATIVE;
		f->area = range(30, 800) + (chance(0.5) ? 0.5 : 0.0);
		if (f->owner == OWNER_ADMINISTRATIVE)
			f->approved_area = chance(0.8) ? f->area : floor(f->area * 0.8);
		f->co_located_with_unit = f->owner == OWNER_ADMINISTRATIVE && chance(0.2);
		f->from = date_between(max_date(af->registered_on, ymd(2000, 1, 1)), af->end - 1);
		if ((f->owner == OWNER_ADMINISTRATIVE ? chance(0.85) : chance(0.15)) &&
		    f->from + 30 < af->end)
			f->to = date_between(f->from + 30, af->end);
		emit_row(o, ARR_PREMISES, f);
	}
	end_array(o, ARR_PREMISES);
}

static void gen_assets(gen *g, const writer *o)
{
	reseed(g->seed, ARR_ASSETS);
	begin_array(o, ARR_ASSETS);
	for (size_t k = 0; k < g->n_assets; k++) {
		tg_asset *s = fresh(ARR_ASSETS);
		uint32_t ai = (uint32_t)pick((int)g->n_assoc);
		const assoc_fact *af = &g->af[ai];
		char id[24], uscc[19];
		snprintf(id, sizeof id, "A%07zu", k);
		tg_gen_uscc(ai, uscc);
		s->id = id;
		s->association = uscc;
		s->name = asset_names[pick(8)];
		s->state_owned = chance(0.2);
		s->value = (int64_t)range(1000, 2000000) * 100 + (chance(0.3) ? pick(100) : 0);
		s->from = date_between(max_date(af->registered_on, ymd(2000, 1, 1)), af->end - 1);
		if (chance(0.05) && s->from + 30 < af->end)
			s->to = date_between(s->from + 30, af->end);
		if (s->state_owned && chance(0.93))
			s->registered_on = date_between(max_date(s->from, ymd(2016, 6, 1)),
							max_date(s->from, ymd(2019, 12, 31)));
		emit_row(o, ARR_ASSETS, s);
	}
	end_array(o, ARR_ASSETS);
}

static void gen_appropriations(gen *g, const writer *o)
{
	reseed(g->seed, ARR_APPROPRIATIONS);
	begin_array(o, ARR_APPROPRIATIONS);
	for (size_t k = 0; k < g->n_approp; k++) {
		tg_appropriation *m = fresh(ARR_APPROPRIATIONS);
		uint32_t ai = (uint32_t)pick((int)g->n_assoc);
		char id[24], uscc[19];
		snprintf(id, sizeof id, "M%07zu", k);
		tg_gen_uscc(ai, uscc);
		m->id = id;
		m->association = uscc;
		m->year = range(2014, 2020);
		m->kind = chance(m->year < 2018 ? 0.4 : 0.03) ? APPROP_DIRECT : APPROP_PURCHASE;
		m->amount = (int64_t)range(10, 5000) * 10000;
		m->on = year_date((int)m->year, (int)m->year);
		if (m->kind == APPROP_PURCHASE)
			m->purchase_item = function_names[pick(10)];
		emit_row(o, ARR_APPROPRIATIONS, m);
	}
	end_array(o, ARR_APPROPRIATIONS);
}

static void gen_functions(gen *g, const writer *o)
{
	reseed(g->seed, ARR_FUNCTIONS);
	begin_array(o, ARR_FUNCTIONS);
	for (size_t k = 0; k < g->n_functions; k++) {
		tg_function *x = fresh(ARR_FUNCTIONS);
		uint32_t ai = (uint32_t)pick((int)g->n_assoc);
		const assoc_fact *af = &g->af[ai];
		char id[24], uscc[19], unit[16], ref[64];
		snprintf(id, sizeof id, "N%07zu", k);
		tg_gen_uscc(ai, uscc);
		x->id = id;
		x->association = uscc;
		if (af->unit != NO_UNIT && chance(0.85)) {
			unit_id(af->unit, unit);
			x->unit = unit;
		}
		x->name = function_names[pick(10)];
		double d = next64() % 1000 / 1000.0;
		x->disposition = d < 0.25 ? DISP_ADMINISTRATIVE : d < 0.5 ? DISP_TRANSFER
				 : d < 0.8 ? DISP_ENTRUST : DISP_RETAIN_BY_LAW;
		if (x->disposition == DISP_ADMINISTRATIVE && chance(0.95))
			x->stripped_on = date_between(ymd(2016, 9, 1), ymd(2019, 12, 31));
		if (x->disposition == DISP_RETAIN_BY_LAW && chance(0.92))
			x->legal_basis = chance(0.5) ? "《中华人民共和国统计法》" : "《社会团体登记管理条例》";
		if (x->disposition == DISP_ENTRUST && chance(0.92)) {
			snprintf(ref, sizeof ref, "财购〔%d〕%d号", 2017 + pick(4), 1 + pick(500));
			x->purchase_ref = ref;
		}
		emit_row(o, ARR_FUNCTIONS, x);
	}
	end_array(o, ARR_FUNCTIONS);
}

static void gen_unit_tasks(gen *g, const writer *o)
{
	reseed(g->seed, ARR_UNIT_TASKS);
	begin_array(o, ARR_UNIT_TASKS);
	for (size_t k = 0; k < g->n_tasks; k++) {
		tg_unit_task *t = fresh(ARR_UNIT_TASKS);
		char id[24], unit[16];
		snprintf(id, sizeof id, "K%06zu", k);
		unit_id((uint32_t)(k * g->n_units / g->n_tasks), unit);
		t->id = id;
		t->unit = unit;
		t->task = task_names[k % 3];
		t->clause = "6.2";
		t->higher_level_doc_on = date_between(ymd(2016, 1, 1), ymd(2017, 6, 30));
		if (chance(0.94))
			t->issued_on = t->higher_level_doc_on + range(20, 80);
		if (t->issued_on != TG_DATE_NONE && chance(0.92))
			t->published_on = t->issued_on + range(0, 30);
		emit_row(o, ARR_UNIT_TASKS, t);
	}
	end_array(o, ARR_UNIT_TASKS);
}

static void gen_elections(gen *g, const writer *o)
{
	reseed(g->seed, ARR_ELECTIONS);
	begin_array(o, ARR_ELECTIONS);
	uint32_t prev = UINT32_MAX;
	int pos = 0;
	for (size_t k = 0; k < g->n_elections; k++) {
		tg_election *e = fresh(ARR_ELECTIONS);
		uint32_t ai = block_assoc(g, k, g->n_elections);
		const assoc_fact *af = &g->af[ai];
		pos = ai == prev ? pos + 1 : 0;
		prev = ai;
		char id[24], uscc[19];
		snprintf(id, sizeof id, "E%07zu", k);
		tg_gen_uscc(ai, uscc);
		e->id = id;
		e->association = uscc;
		e->body = pos % 3 == 0 ? BODY_BOARD : pos % 3 == 1 ? BODY_ASSEMBLY : BODY_SUPERVISORS;
		e->term_years = chance(0.85) ? 5 : chance(0.5) ? 4 : 3;
		/* the latest board election is recent for most */
		tg_date lo = max_date(af->registered_on, ymd(2016, 1, 1));
		e->on = pos < 3 ? date_between(lo, af->end - 1)
				: date_between(af->registered_on, max_date(af->registered_on, lo - 1));
		e->contested = chance(0.9);
		e->secret_ballot = chance(0.96);
		emit_row(o, ARR_ELECTIONS, e);
	}
	end_array(o, ARR_ELECTIONS);
}

static void gen_annual_reports(gen *g, const writer *o)
{
	reseed(g->seed, ARR_ANNUAL_REPORTS);
	begin_array(o, ARR_ANNUAL_REPORTS);
	for (uint32_t ai = 0; ai < g->n_assoc; ai++) {
		const assoc_fact *af = &g->af[ai];
		char uscc[19];
		tg_gen_uscc(ai, uscc);
		int y0 = date_year(af->registered_on), y1 = date_year(af->end) - 1;
		if (y0 < 2013)
			y0 = 2013;
		if (y1 > 2019)
			y1 = 2019;
		for (int y = y0; y <= y1; y++) {
			tg_annual_report *r = fresh(ARR_ANNUAL_REPORTS);
			r->association = uscc;
			r->year = y;
			if (chance(0.96))
				r->submitted_on = date_between(ymd(y + 1, 3, 1), ymd(y + 1, 6, 30));
			else if (chance(0.3))
				continue; /* not even a record */
			emit_row(o, ARR_ANNUAL_REPORTS, r);
		}
	}
	end_array(o, ARR_ANNUAL_REPORTS);
}

static void gen_foreign(gen *g, const writer *o)
{
	reseed(g->seed, ARR_FOREIGN_APPROVALS);
	begin_array(o, ARR_FOREIGN_APPROVALS);
	for (size_t k = 0; k < g->n_foreign; k++) {
		tg_foreign_approval *w = fresh(ARR_FOREIGN_APPROVALS);
		uint32_t ai = (uint32_t)pick((int)g->n_assoc);
		const assoc_fact *af = &g->af[ai];
		char id[24], uscc[19], unit[16];
		snprintf(id, sizeof id, "W%06zu", k);
		tg_gen_uscc(ai, uscc);
		w->id = id;
		w->association = uscc;
		w->on = date_between(max_date(af->registered_on, ymd(2016, 1, 1)),
				     max_date(af->registered_on, af->end - 1));
		if (af->unit != NO_UNIT && chance(0.3)) {
			unit_id(af->unit, unit);
			w->approver_unit = unit;
		} else if (chance(0.5)) {
			unit_id((uint32_t)pick((int)g->n_units), unit);
			w->approver_unit = unit;
		}
		emit_row(o, ARR_FOREIGN_APPROVALS, w);
	}
	end_array(o, ARR_FOREIGN_APPROVALS);
}

static void gen_credit(gen *g, const writer *o)
{
	reseed(g->seed, ARR_CREDIT_LISTINGS);
	begin_array(o, ARR_CREDIT_LISTINGS);
	for (size_t k = 0; k < g->n_credit; k++) {
		tg_credit_listing *l = fresh(ARR_CREDIT_LISTINGS);
		uint32_t ai = (uint32_t)pick((int)g->n_assoc);
		char id[24], uscc[19];
		snprintf(id, sizeof id, "L%06zu", k);
		tg_gen_uscc(ai, uscc);
		l->id = id;
		l->association = uscc;
		l->list = chance(0.85) ? LIST_ABNORMAL : LIST_SERIOUS;
		l->on = date_between(ymd(2018, 1, 1), ymd(2020, 12, 31));
		l->reason = l->list == LIST_ABNORMAL
				    ? (chance(0.7) ? "未按规定报送年度工作报告" : "通过登记的住所无法取得联系")
				    : "被列入活动异常名录满2年";
		if (chance(0.4))
			l->removed_on = l->on + range(30, 500);
		emit_row(o, ARR_CREDIT_LISTINGS, l);
	}
	end_array(o, ARR_CREDIT_LISTINGS);
}

/* Steps (obligations.md): done steps of the plan's obligations, one per
** association for a third of them.  Only with steps_wanted: the benchmarks'
** registers predate steps and keep their bytes. */
static void gen_steps(gen *g, const writer *o)
{
	static const char *const obligations[] = {"services.evaluation-missing", "disclosure.yearly"};
	static const char *const notes[] = {"已评价", "已在门户网站公开"};
	reseed(g->seed, ARR_STEPS);
	begin_array(o, ARR_STEPS);
	for (size_t k = 0; k < g->n_steps; k++) {
		tg_step *st = fresh(ARR_STEPS);
		char id[24], uscc[19];
		snprintf(id, sizeof id, "ST%06zu", k);
		tg_gen_uscc((uint32_t)pick((int)g->n_assoc), uscc);
		int ob = pick(2);
		st->id = id;
		st->obligation = obligations[ob];
		st->subject = uscc;
		if (ob == 1 || chance(0.5))
			st->period = range(2017, 2020);
		if (chance(0.7))
			st->done_on = date_between(ymd(2017, 1, 1), END - 1);
		if (chance(0.3))
			st->note = notes[ob];
		emit_row(o, ARR_STEPS, st);
	}
	end_array(o, ARR_STEPS);
}

/* ---- the register ---- */

int tg_gen_register(const tg_gen_options *opt, const tg_gen_sink *sink)
{
	if (!(opt->scale > 0) || END != ymd(2021, 1, 1))
		return TG_EINVAL;
	gen g = {.scale = opt->scale, .seed = opt->seed};
	g.n_units = scaled(g.scale, N_BASE_UNITS);
	g.n_assoc = scaled(g.scale, N_BASE_ASSOC);
	g.n_persons = scaled(g.scale, N_BASE_PERSONS);
	g.n_posts = scaled(g.scale, N_BASE_POSTS);
	g.n_staff = scaled(g.scale, N_BASE_STAFF);
	g.n_premises = scaled(g.scale, N_BASE_PREMISES);
	g.n_assets = scaled(g.scale, N_BASE_ASSETS);
	g.n_approp = scaled(g.scale, N_BASE_APPROP);
	g.n_functions = scaled(g.scale, N_BASE_FUNCTIONS);
	g.n_tasks = scaled(g.scale, N_BASE_TASKS);
	g.n_elections = scaled(g.scale, N_BASE_ELECTIONS);
	g.n_foreign = scaled(g.scale, N_BASE_FOREIGN);
	g.n_credit = scaled(g.scale, N_BASE_CREDIT);
	g.n_steps = opt->steps ? scaled(g.scale, N_BASE_STEPS) : 0;
	if (g.n_assoc > 1000000) /* uscc_of's six digits */
		return TG_EINVAL;
	g.af = calloc(g.n_assoc, sizeof *g.af);
	g.pf = calloc(g.n_persons, sizeof *g.pf);
	g.person_posts = calloc(g.n_persons, sizeof *g.person_posts);
	int rc = TG_ENOMEM;
	if (g.af && g.pf && g.person_posts) {
		gen_batches(&g, sink);
		gen_units(&g, sink);
		gen_associations(&g, sink);
		gen_persons(&g, sink);
		gen_posts(&g, sink);
		gen_staff(&g, sink);
		gen_premises(&g, sink);
		gen_assets(&g, sink);
		gen_appropriations(&g, sink);
		gen_functions(&g, sink);
		gen_unit_tasks(&g, sink);
		gen_elections(&g, sink);
		gen_annual_reports(&g, sink);
		gen_foreign(&g, sink);
		gen_credit(&g, sink);
		if (opt->steps)
			gen_steps(&g, sink);
		rc = TG_OK;
	}
	free(g.af);
	free(g.pf);
	free(g.person_posts);
	return rc;
}

/* ---- the bundle writer ---- */

static void json_begin(void *ctx, int a)
{
	tg_gen_json *j = ctx;
	sb_addf(j->sb, ",\n  \"%s\": [", tg_schema[a].key);
}

static void json_row(void *ctx, int a, const void *row)
{
	tg_gen_json *j = ctx;
	sb_adds(j->sb, j->count[a]++ ? ",\n    " : "\n    ");
	bundle_write_record(&j->scratch, a, row, j->sb);
}

static void json_end(void *ctx, int a)
{
	tg_gen_json *j = ctx;
	sb_adds(j->sb, j->count[a] ? "\n  ]" : "]");
}

void tg_gen_json_begin(tg_gen_json *j, strbuf *sb)
{
	memset(j->count, 0, sizeof j->count);
	j->sb = sb;
	register_init(&j->scratch);
	sb_adds(sb, "{\n  \"format\": \"" TG_BUNDLE_FORMAT "\",\n  \"plan\": \"luoyang-2017\"");
}

tg_gen_sink tg_gen_json_sink(tg_gen_json *j)
{
	return (tg_gen_sink){json_begin, json_row, json_end, j};
}

void tg_gen_json_end(tg_gen_json *j)
{
	sb_adds(j->sb, "\n}\n");
	register_release(&j->scratch);
}
