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

typedef struct tg_param_info {
	const char *name;
	enum tg_param_type type;
	const char *clause, *label, *note; /* from the plan file */
	bool overridden;                   /* changed by --set for this run */
} tg_param_info;

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
	tg_plan_rule *rules;
	size_t n_rules;
	tg_params p;
	tg_param_info *params;
	size_t n_params;
	char *json;   /* the document as loaded (stored with the register) */
	size_t json_len;
	tg_arena arena;
} tg_plan;

/* Load and validate a plan document.  Every problem goes to errs with its
** key path ("parameters[3].value"). */
int plan_load_buffer(const char *buf, size_t len, tg_plan **out, tg_errors *errs);
int plan_load_file(const char *path, tg_plan **out, tg_errors *errs);
/* The built-in Luoyang plan (a fresh copy the caller frees). */
int plan_load_default(tg_plan **out, tg_errors *errs);
void plan_free(tg_plan *plan);

/* --set NAME=VALUE: override one parameter for this run. */
int plan_set(tg_plan *plan, const char *assignment, tg_error *err);

const tg_clause *plan_clause(const tg_plan *plan, const char *id);
const tg_plan_rule *plan_rule(const tg_plan *plan, const char *rule_id);
const tg_plan_batch *plan_batch(const tg_plan *plan, const char *id);
const tg_param_info *plan_param(const tg_plan *plan, const char *name);
/* The parameter's current value as text ("2017-12-31", "10", "05-31",
** "行业协会,协会"); out has size bytes. */
void plan_param_value(const tg_plan *plan, const char *name, char *out, size_t size);
/* The names of all parameters, in plan order, NULL-terminated. */
const char *const *plan_param_names(void);

#endif
