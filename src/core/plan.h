/*
** plan.h: a decoupling plan as data (docs/plan-format.md).
**
** The plan carries everything a rule may not hard-code: the clause texts
** and their official citations, every parameter of rules.md under its name
** there, the default batches, the five separations, and which clause and
** regulation (basis) each rule cites.  The Luoyang plan is compiled in; any
** other plan file can be loaded and is validated like a bundle, each error
** naming its key.
*/
#ifndef TG_PLAN_H
#define TG_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "date.h"
#include "error.h"

#define TG_PLAN_FORMAT "tuogou-plan/1"
#define TG_PLAN_DEFAULT_ID "luoyang-2017"

typedef struct tg_clause {
	const char *id, *cite, *heading, *text, *uncertain;
} tg_clause;

typedef struct tg_plan_batch {
	const char *id, *name;
	tg_date due;
} tg_plan_batch;

typedef struct tg_separation {
	const char *id, *name;
	const char **clauses;
	size_t n_clauses;
} tg_separation;

/* A group of clauses outside the separations (the plan's "groups"): a
** section of the dashboard and of the progress report, e.g. 脱钩进程. */
typedef tg_separation tg_plan_group;

typedef struct tg_plan_rule {
	const char *id, *clause, *basis, *title;
} tg_plan_rule;

enum tg_param_type { PT_DATE, PT_INT, PT_MONTH_DAY, PT_STRINGS };

/* The parameters of rules.md, typed.  Their names and types are listed in
** plan.c's parameter table; nothing else in tuogou names them. */
typedef struct tg_params {
	tg_date issued, decoupling_due, asset_inventory_due, office_due;
	int direct_appropriation_banned_from_year, cooling_off_years, report_workdays,
	    supporting_rules_months, annual_report_from_year, retired_cadre_max_age,
	    retired_cadre_max_posts, abnormal_to_serious_years, exit_missing_report_years;
	int annual_report_due; /* month * 100 + day of the following year: 531 */
	const char **name_suffixes;
	size_t n_name_suffixes;
} tg_params;

/* A declared parameter.  Any name may be declared (obligations.md,
** "Parameters are open"); the names of rules.md also fill tg_params, which
** the rules read.  A value may be null unless a listed rule or obligation
** reads it (rules_check_plan, obligations_load). */
typedef struct tg_param_info {
	const char *name;
	enum tg_param_type type;
	const char *clause, *label, *note; /* from the plan file */
	bool overridden;                   /* changed by --set for this run */
	bool null;                         /* the value is null */
	tg_date date;                      /* PT_DATE */
	int ival;                          /* PT_INT; PT_MONTH_DAY as month * 100 + day */
	const char **strings;              /* PT_STRINGS */
	size_t n_strings;
} tg_param_info;

/* ---- obligations (obligations.md, "In the plan"; src/core/obligation.c) ---- */

enum tg_source_kind { SRC_NONE, SRC_FIELD, SRC_ASSOCIATION_FIELD, SRC_PARAM, SRC_DATE, SRC_STEP };

typedef struct tg_source {
	enum tg_source_kind kind;
	size_t off;          /* SRC_FIELD, SRC_ASSOCIATION_FIELD: the date's offset */
	const char *param;   /* SRC_PARAM: its name (read at evaluation: --set) */
	tg_date date;        /* SRC_DATE */
	size_t step;         /* SRC_STEP: index of the obligation in plan->obligations */
} tg_source;

enum tg_offset_kind { OFFSET_DAYS, OFFSET_WORKDAYS, OFFSET_MONTHS, OFFSET_YEARS, OFFSET_NULL };
enum tg_done_kind { DONE_STEP, DONE_FIELD, DONE_RECORD };

/* One field of `when`: the record's value must be one of values, each a
** canonical token ("n" null, "s:text", "b:1", "d:2018"). */
typedef struct tg_when {
	const void *field; /* const tg_field * of the subject array */
	const char **values;
	size_t n_values;
} tg_when;

typedef struct tg_obligation {
	const char *id, *clause, *basis, *title;
	int subject;                   /* enum tg_array */
	tg_when *when;
	size_t n_when;
	bool in_scope;
	bool yearly;
	tg_source anchor, opens;       /* opens SRC_NONE: the anchor */
	enum tg_offset_kind offset;
	int offset_n;
	enum tg_done_kind done;
	int done_array;                /* DONE_RECORD */
	size_t done_off;               /* DONE_FIELD, DONE_RECORD: the date's offset */
	int from_year;                 /* yearly, unless from_year_param */
	const char *from_year_param;
	int due_md;                    /* yearly: month * 100 + day */
} tg_obligation;

typedef struct tg_plan {
	const char *id, *title, *number, *issued_on, *in_force_on, *source;
	const char **issuers;
	size_t n_issuers;
	tg_clause *clauses;
	size_t n_clauses;
	tg_plan_batch *batches;
	size_t n_batches;
	tg_separation *separations;
	size_t n_separations;
	tg_plan_group *groups;
	size_t n_groups;
	int level;          /* enum level: the government that issued it ("level") */
	const char *office; /* the office that reports and accepts ("office") */
	tg_plan_rule *rules;
	size_t n_rules;
	tg_obligation *obligations;
	size_t n_obligations;
	tg_params p;
	tg_param_info *params;
	size_t n_params;
	char *json;   /* the document as loaded (stored with the register) */
	size_t json_len;
	/* The plans jurisdictions adopted (plan use --jurisdiction), owned:
	** a record is judged under its jurisdiction's or its nearest
	** parent's (rules_plan_for), else this one. */
	struct tg_plan_place *places;
	size_t n_places;
	tg_arena arena;
} tg_plan;

typedef struct tg_plan_place {
	const char *jurisdiction; /* GB/T 2260 code */
	tg_plan *plan;
} tg_plan_place;

/* Give plan the plan a jurisdiction adopted (sub is plan's from now on). */
void plan_add_place(tg_plan *plan, const char *jurisdiction, tg_plan *sub);

/* Load and validate a plan document.  Every problem goes to errs with its
** key path ("parameters[3].value"). */
int plan_load_buffer(const char *buf, size_t len, tg_plan **out, tg_errors *errs);
int plan_load_file(const char *path, tg_plan **out, tg_errors *errs);
/* The built-in Luoyang plan (a fresh copy the caller frees). */
int plan_load_default(tg_plan **out, tg_errors *errs);
void plan_free(tg_plan *plan);

/* The plan's level as the plan file spells it: national, province, city,
** county. */
const char *plan_level_name(const tg_plan *plan);
/* The place word of the plan's level, as a report says it: 全国, 全省,
** 全市, 全县. */
const char *plan_place(const tg_plan *plan);
/* The clause of rule_id in the plan, or NULL when the plan does not list
** the rule: what a report cites for the duty that rule checks. */
const char *plan_rule_clause(const tg_plan *plan, const char *rule_id);
/* The section a clause belongs to: the id of its separation or group
** (*name its name), else "supervision" (综合监管). */
const char *plan_section_of(const tg_plan *plan, const char *clause, const char **name);

/* The sections of the dashboard, the checklists and the progress report,
** in order: the separations, the groups, then "supervision" (综合监管)
** for every clause in neither; ids[i] and names[i] for each, at most
** TG_PLAN_SECTIONS_MAX (the loader refuses more).  Returns the count. */
#define TG_PLAN_SECTIONS_MAX 32
size_t plan_sections(const tg_plan *plan, const char **ids, const char **names);

/* --set NAME=VALUE: override one parameter for this run. */
int plan_set(tg_plan *plan, const char *assignment, tg_error *err);

const tg_clause *plan_clause(const tg_plan *plan, const char *id);
const tg_plan_rule *plan_rule(const tg_plan *plan, const char *rule_id);
const tg_plan_batch *plan_batch(const tg_plan *plan, const char *id);
const tg_param_info *plan_param(const tg_plan *plan, const char *name);
const tg_obligation *plan_obligation(const tg_plan *plan, const char *id);
/* "MM-DD" as month * 100 + day (02-29 allowed); -1 when malformed. */
int plan_parse_month_day(const char *s);
/* The parameter's current value as text ("2017-12-31", "10", "05-31",
** "行业协会,协会"); out has size bytes. */
void plan_param_value(const tg_plan *plan, const char *name, char *out, size_t size);
/* The names of the parameters rules.md defines (the rules read them
** typed), NULL-terminated. */
const char *const *plan_param_names(void);

#endif
