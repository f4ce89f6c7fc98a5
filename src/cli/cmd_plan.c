/*
** cmd_plan.c: tuogou plan show [--plan FILE] [--db PATH]
**             tuogou plan use FILE [--jurisdiction CODE] [--db PATH]
**             tuogou explain ID [--plan FILE] [--db PATH] [--set NAME=VALUE]...
**
** Traceability from the plan to the code: each clause with the rules and
** obligations that check it, and for one rule its clause text, its basis
** and the values of the parameters it reads; for one obligation (plan
** data, obligation.c) its subject, filters, due date and what makes it
** done.
*/
#include <string.h>

#include "cli.h"
#include "obligation.h"
#include "rules.h"

/* The plan for a read-only command: --plan, else the register's (when the
** database exists, with the plans its jurisdictions adopted, and into
** *names those jurisdictions' names when names is not NULL), else the
** built-in one. */
static int load_plan_readonly(const char *plan_file, const char *db, tg_plan **plan,
			      tg_register *names)
{
	tg_store *store = NULL;
	if (!plan_file && cli_db_exists(db)) {
		int rc = cli_open_store(db, true, &store);
		if (rc)
			return rc;
	}
	int rc = cli_load_plan(plan_file, store, plan);
	tg_error err = {0};
	if (!rc && names && store && (*plan)->n_places && store_load_register(store, names, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	}
	store_close(store);
	return rc;
}

/* Where each plan held applies (六(一)): the register's plan everywhere
** no jurisdiction's own plan holds, each jurisdiction's plan there and
** below it. */
static void plan_places(const tg_plan *plan, const tg_register *r)
{
	printf("适用范围：\n  %s（%s）：登记簿方案，适用于未采用本级方案的各行政区划\n", plan->id,
	       plan->title);
	for (size_t i = 0; i < plan->n_places; i++) {
		const tg_plan_place *p = &plan->places[i];
		tg_ix j = register_find(r, ARR_JURISDICTIONS, p->jurisdiction);
		const char *name =
			j == TG_IX_NONE ? "" : REG_ROWS(r, ARR_JURISDICTIONS, tg_jurisdiction)[j].name;
		printf("  %s（%s）：%s%s及其下级行政区划\n", p->plan->id, p->plan->title,
		       p->jurisdiction, name);
	}
}

static void print_header(const tg_plan *plan)
{
	printf("%s（%s）\n", plan->title, plan->number ? plan->number : plan->id);
	printf("方案编号：%s；层级：%s；工作机构：%s\n", plan->id, plan_place(plan), plan->office);
	if (plan->n_issuers) {
		printf("印发：");
		for (size_t i = 0; i < plan->n_issuers; i++)
			printf("%s%s", i ? "、" : "", plan->issuers[i]);
		printf("，%s\n", plan->issued_on ? plan->issued_on : "");
	}
}

static int plan_show(const tg_plan *plan, const tg_register *reg)
{
	print_header(plan);
	plan_places(plan, reg);
	printf("共 %zu 个条款、%zu 条规则、%zu 项义务\n", plan->n_clauses, plan->n_rules,
	       plan->n_obligations);
	for (size_t i = 0; i < plan->n_clauses; i++) {
		const tg_clause *cl = &plan->clauses[i];
		printf("\n%s  %s  [%s]\n", cl->cite, cl->heading, cl->id);
		int any = 0;
		for (size_t k = 0; k < plan->n_rules; k++) {
			const tg_plan_rule *r = &plan->rules[k];
			if (!r->clause || strcmp(r->clause, cl->id))
				continue;
			printf("    %-44s %s\n", r->id, r->title ? r->title : "");
			any = 1;
		}
		for (size_t k = 0; k < plan->n_obligations; k++) {
			const tg_obligation *o = &plan->obligations[k];
			if (strcmp(o->clause, cl->id))
				continue;
			printf("    %-44s %s（义务）\n", o->id, o->title ? o->title : "");
			any = 1;
		}
		if (!any)
			printf("    （本条无对应的检查规则或义务）\n");
	}
	return EXIT_OK;
}

/* The register's records that the plan would leave dangling: an
** association's batch the plan and the register do not define, a step of
** an obligation the plan does not hold.  Printed; returns the count. */
static size_t plan_fits(const tg_register *r, const tg_plan *plan, const char *code)
{
	tg_errors errs;
	tg_errors_init(&errs);
	const tg_association *as = REG_ROWS(r, ARR_ASSOCIATIONS, tg_association);
	for (size_t i = 0; i < REG_COUNT(r, ARR_ASSOCIATIONS); i++)
		if ((!code || rules_within(r, as[i].jurisdiction, code)) && as[i].batch &&
		    !plan_batch(plan, as[i].batch) &&
		    register_find(r, ARR_BATCHES, as[i].batch) == TG_IX_NONE) {
			char path[64];
			snprintf(path, sizeof path, "associations[%s].batch", as[i].uscc);
			tg_errors_add(&errs, "dangling_ref", path, "批次“%s”不在该方案或登记簿中",
				      as[i].batch);
		}
	obligation_check_steps(r, plan, NULL, &errs);
	size_t n = errs.total;
	if (n)
		cli_print_errors(&errs, NULL);
	tg_errors_free(&errs);
	return n;
}

/* tuogou plan use FILE [--jurisdiction CODE]: the plan becomes the
** register's, or that jurisdiction's (audited "plan_set" by the store);
** refused when the register's records (of that jurisdiction) name a batch
** or an obligation it does not hold, or when the register holds no such
** jurisdiction. */
static int plan_use(const char *file, const char *code, const char *db)
{
	tg_plan *plan = NULL;
	tg_store *store = NULL;
	tg_register r;
	tg_error err = {0};
	register_init(&r);
	int rc = cli_load_plan(file, NULL, &plan);
	if (!rc)
		rc = cli_open_store(db, false, &store);
	if (!rc && store_load_register(store, &r, &err)) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	}
	if (!rc && code && register_find(&r, ARR_JURISDICTIONS, code) == TG_IX_NONE) {
		fprintf(stderr, "tuogou: --jurisdiction: 登记簿中没有行政区划“%s”，未采用该方案\n",
			code);
		rc = EXIT_BADINPUT;
	}
	size_t bad = rc ? 0 : plan_fits(&r, plan, code);
	if (bad) {
		fprintf(stderr, "tuogou: 登记簿中有 %zu 处记录与方案“%s”不符，未采用该方案\n", bad,
			plan->id);
		rc = EXIT_BADINPUT;
	}
	if (!rc && (code ? store_set_jurisdiction_plan(store, code, plan->id, plan->json,
						       plan->json_len, &err)
			 : store_set_plan(store, plan->id, plan->json, plan->json_len, &err))) {
		cli_print_error(&err);
		rc = EXIT_INTERNAL;
	}
	if (!rc && code)
		printf("行政区划%s已采用方案“%s”（%s）\n", code, plan->title, plan->id);
	else if (!rc)
		printf("登记簿已采用方案“%s”（%s）\n", plan->title, plan->id);
	register_release(&r);
	store_close(store);
	plan_free(plan);
	return rc;
}

int cmd_plan(int argc, char **argv)
{
	static const char usage[] =
		"tuogou plan show [--plan FILE] [--db PATH] | "
		"plan use FILE [--jurisdiction CODE] [--db PATH]";
	const char *db = cli_default_db(), *plan_file = NULL, *code = NULL;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("plan", &plan_file),
				   OPT_STRING("jurisdiction", &code), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest + 2 == argc && !strcmp(argv[rest], "use") && !plan_file)
		return plan_use(argv[rest + 1], code, db);
	if (rest + 1 != argc || strcmp(argv[rest], "show") || code)
		return cli_usage(usage);
	tg_plan *plan = NULL;
	tg_register r;
	register_init(&r);
	int rc = load_plan_readonly(plan_file, db, &plan, &r);
	if (!rc)
		rc = plan_show(plan, &r);
	register_release(&r);
	plan_free(plan);
	return rc;
}

static void print_wrapped(const char *text, const char *indent)
{
	printf("%s", indent);
	for (const char *p = text; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("%s", indent);
	}
	putchar('\n');
}

static void print_clause_text(const tg_clause *cl)
{
	printf("条款原文（%s %s）：\n", cl->cite, cl->heading);
	print_wrapped(cl->text, "  ");
	if (cl->uncertain)
		printf("存疑说明：%s\n", cl->uncertain);
}

static int explain_obligation(const tg_plan *plan, const tg_obligation *o)
{
	const tg_clause *cl = plan_clause(plan, o->clause);
	printf("义务：%s（%s）\n", o->id, o->title ? o->title : "");
	printf("条款：%s %s\n", cl ? cl->cite : o->clause, cl ? cl->heading : "");
	printf("依据：%s\n", o->basis ? o->basis : "（方案本身）");
	strbuf sb;
	sb_init(&sb);
	obligation_explain(plan, o, &sb);
	fputs(sb.buf ? sb.buf : "", stdout);
	sb_release(&sb);
	if (cl)
		print_clause_text(cl);
	return EXIT_OK;
}

static int explain(const tg_plan *plan, const char *id)
{
	const tg_rule_def *def = rules_find(id);
	const tg_plan_rule *pr = plan_rule(plan, id);
	if (!def) {
		const tg_obligation *o = plan_obligation(plan, id);
		if (o)
			return explain_obligation(plan, o);
		fprintf(stderr, "tuogou: 没有规则或义务“%s”（tuogou plan show 列出全部）\n", id);
		return EXIT_BADINPUT;
	}
	const char *clause = pr ? pr->clause : def->clause;
	const tg_clause *cl = plan_clause(plan, clause);
	printf("规则：%s%s%s%s\n", def->id, pr && pr->title ? "（" : "",
	       pr && pr->title ? pr->title : "", pr && pr->title ? "）" : "");
	if (!pr)
		printf("注意：方案 %s 未列入此规则，检查时不运行\n", plan->id);
	printf("条款：%s %s\n", cl ? cl->cite : clause, cl ? cl->heading : "");
	printf("依据：%s\n", pr && pr->basis ? pr->basis : "（方案本身）");
	printf("触发条件：%s\n", def->summary);
	printf("参数：");
	if (!*def->params) {
		printf("无\n");
	} else {
		printf("\n");
		char names[256];
		snprintf(names, sizeof names, "%s", def->params);
		for (char *save = NULL, *name = strtok_r(names, ",", &save); name;
		     name = strtok_r(NULL, ",", &save)) {
			const tg_param_info *info = plan_param(plan, name);
			char value[512];
			plan_param_value(plan, name, value, sizeof value);
			printf("  %s = %s", name, value);
			if (info)
				printf("（%s；条款 %s%s）", info->label ? info->label : "",
				       info->clause ? info->clause : "",
				       info->overridden ? "；本次已用 --set 调整" : "");
			printf("\n");
		}
	}
	if (cl)
		print_clause_text(cl);
	return EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
	static const char usage[] =
		"tuogou explain RULE|OBLIGATION [--plan FILE] [--db PATH] [--set NAME=VALUE]...";
	const char *db = cli_default_db(), *plan_file = NULL;
	const char *sets[32];
	size_t n_sets = 0;
	const cli_option opts[] = {OPT_STRING("db", &db), OPT_STRING("plan", &plan_file),
				   OPT_LIST("set", sets, &n_sets), CLI_OPTIONS_END};
	int rest;
	if (cli_options(argc, argv, opts, usage, &rest))
		return EXIT_BADINPUT;
	if (rest + 1 != argc)
		return cli_usage(usage);
	tg_plan *plan = NULL;
	int rc = load_plan_readonly(plan_file, db, &plan, NULL);
	for (size_t i = 0; !rc && i < n_sets; i++) {
		tg_error err = {0};
		if (plan_set(plan, sets[i], &err)) {
			cli_print_error(&err);
			rc = EXIT_BADINPUT;
		}
	}
	if (!rc)
		rc = explain(plan, argv[rest]);
	plan_free(plan);
	return rc;
}
