/*
** register.h: the in-memory register, the model every part of tuogou reads.
**
** One struct per array of the bundle (bundle.md), one tg_register holding
** them all.  Whether the register came from a bundle file, from SQLite or
** from PostgreSQL, the rules see exactly this, so `check --bundle` and
** `check --db` cannot drift apart.
**
** Invariants, once register_resolve() has succeeded:
**   - every string is UTF-8 in the register's arena, or NULL (empty strings
**     are stored as NULL: rules.md counts them as null);
**   - every date is a tg_date or TG_DATE_NONE;
**   - every reference field (unit, association, person, approver_unit) has
**     its *_ix set to the referenced record's position, or TG_IX_NONE when
**     the reference is null; a batch reference is kept by id only (batches
**     may come from the plan);
**   - enums hold one of their values, or -1 for null where null is allowed.
**
** The description of every array and field (key, Chinese label, type,
** required, enum values, reference target) is the schema table below; the
** bundle reader and writer, the stores and the sheet importers all walk it,
** so a field is added in one place.
*/
#ifndef TG_REGISTER_H
#define TG_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "date.h"
#include "error.h"
#include "idmap.h"

typedef uint32_t tg_ix;

/* Enumerations: values are indexes into the schema's value tables. */
enum unit_kind { UNIT_ORGAN, UNIT_ORGAN_AFFILIATE, UNIT_CIVIL_SERVICE_MANAGED, UNIT_OTHER };
/* Appended values keep the stored order: city and county came first. */
enum level { LEVEL_CITY, LEVEL_COUNTY, LEVEL_NATIONAL, LEVEL_PROVINCE };
enum member_basis { MB_INDUSTRY_UNITS, MB_TRADE_PERSONS, MB_REGIONAL_ORGS, MB_OTHER };
enum link { LINK_SPONSOR, LINK_SUPERVISOR, LINK_LIAISON, LINK_HOST };
enum role { ROLE_PRESIDENT, ROLE_VICE_PRESIDENT, ROLE_SECRETARY_GENERAL, ROLE_DIRECTOR,
	    ROLE_SUPERVISOR, ROLE_DISPATCHED_SUPERVISOR, ROLE_OTHER };
enum approval_kind { APPROVAL_APPROVAL, APPROVAL_FILING };
enum owner { OWNER_ADMINISTRATIVE, OWNER_OWN, OWNER_LEASED };
enum appropriation_kind { APPROP_DIRECT, APPROP_PURCHASE };
enum disposition { DISP_ADMINISTRATIVE, DISP_TRANSFER, DISP_ENTRUST, DISP_RETAIN_BY_LAW };
enum body { BODY_ASSEMBLY, BODY_BOARD, BODY_SUPERVISORS };
enum list_kind { LIST_ABNORMAL, LIST_SERIOUS };
/* supervision.md (五, 六) */
enum jurisdiction_level { JL_NATIONAL, JL_PROVINCE, JL_CITY, JL_COUNTY };
enum purchase_grade { GRADE_EXCELLENT, GRADE_QUALIFIED, GRADE_UNQUALIFIED };
enum rating_grade { RATING_1A, RATING_2A, RATING_3A, RATING_4A, RATING_5A };
enum evaluation_kind { EVAL_SOCIAL, EVAL_THIRD_PARTY };
enum exit_reason { EXIT_FUNCTIONS_UNCLEAR, EXIT_ABNORMAL_OPERATION, EXIT_UNFIT,
		   EXIT_MISSING_REPORTS, EXIT_OTHER };
enum exit_outcome { OUTCOME_DEREGISTERED, OUTCOME_REVOKED, OUTCOME_KEPT };

typedef struct tg_batch {
	const char *id, *name;
	tg_date due;
} tg_batch;

/* A jurisdiction (行政区划, 六(一)): id is a 6-digit GB/T 2260 code;
** parent another jurisdiction of the bundle, or null. */
typedef struct tg_jurisdiction {
	const char *id, *name;
	int8_t level;
	const char *parent;
	tg_ix parent_ix;
} tg_jurisdiction;

typedef struct tg_unit {
	const char *id, *name;
	int8_t kind;
	tg_date function_list_on;
	const char *jurisdiction; /* null: the register's own */
	tg_ix jurisdiction_ix;
} tg_unit;

typedef struct tg_association {
	const char *uscc, *name;
	int8_t level, member_basis, link; /* member_basis, link: -1 null */
	tg_date registered_on, deregistered_on;
	const char *unit;
	tg_ix unit_ix;
	tg_date link_cancelled_on;
	int8_t override_in_scope; /* scope_override.in_scope: -1 no override, 0, 1 */
	const char *override_reason;
	const char *batch;
	tg_date plan_submitted_on, decoupled_on, audit_report_on, report_submitted_on,
		accepted_on, independent_account_on, asset_inventory_on;
	bool party_org;
	tg_date party_transferred_on, charter_filed_on;
	int64_t staffing_quota;
	tg_date staffing_quota_cancelled_on;
	const char *jurisdiction; /* null: the register's own */
	tg_ix jurisdiction_ix;
} tg_association;

typedef struct tg_person {
	const char *id, *name, *id_number;
	bool civil_servant, leading_cadre;
	const char *unit;
	tg_ix unit_ix;
	tg_date retired_on, left_public_service_on;
	tg_date birth; /* from id_number, TG_DATE_NONE without one */
} tg_person;

/* Whether a rule reads the person's birth date: only the age rule
** (personnel.retired-cadre-over-age) does, for retired leading cadres.  A
** store opens a sealed birth date (issue 14) for these persons alone; the
** others read back with TG_DATE_NONE. */
static inline bool person_birth_needed(const tg_person *p)
{
	return p->leading_cadre && p->retired_on != TG_DATE_NONE;
}

typedef struct tg_post {
	const char *id;
	const char *person;
	tg_ix person_ix;
	const char *association;
	tg_ix association_ix;
	int8_t role;
	bool legal_representative;
	tg_date from, to;
	bool recommended_by_unit, paid;
	int8_t approval_kind; /* -1: no approval */
	const char *approval_ref;
	tg_date approval_on;
	tg_date departure_audit_on;
	tg_date public_notice_on; /* 任职前公示, for a president or secretary general */
} tg_post;

typedef struct tg_staff {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *name;
	tg_date from, to, labor_contract_on, social_insurance_on;
} tg_staff;

typedef struct tg_premises {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *address;
	int8_t owner;
	double area, approved_area; /* square metres; approved_area < 0: null */
	bool co_located_with_unit;
	tg_date from, to;
} tg_premises;

typedef struct tg_asset {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *name;
	bool state_owned;
	int64_t value; /* fen (0.01 yuan) */
	tg_date from, to, registered_on;
} tg_asset;

typedef struct tg_appropriation {
	const char *id;
	const char *association;
	tg_ix association_ix;
	int64_t year;
	int8_t kind;
	int64_t amount; /* fen */
	tg_date on;
	const char *purchase_item;
} tg_appropriation;

typedef struct tg_function {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *unit;
	tg_ix unit_ix;
	const char *name;
	int8_t disposition;
	tg_date stripped_on;
	const char *legal_basis, *purchase_ref;
} tg_function;

typedef struct tg_unit_task {
	const char *id;
	const char *unit;
	tg_ix unit_ix;
	const char *task, *clause;
	tg_date higher_level_doc_on, issued_on, published_on;
} tg_unit_task;

typedef struct tg_election {
	const char *id;
	const char *association;
	tg_ix association_ix;
	int8_t body;
	tg_date on;
	int64_t term_years;
	bool contested, secret_ballot;
} tg_election;

typedef struct tg_annual_report {
	const char *key; /* "uscc/year": the record's identity */
	const char *association;
	tg_ix association_ix;
	int64_t year;
	tg_date submitted_on;
} tg_annual_report;

typedef struct tg_foreign_approval {
	const char *id;
	const char *association;
	tg_ix association_ix;
	tg_date on;
	const char *approver_unit;
	tg_ix approver_unit_ix;
} tg_foreign_approval;

typedef struct tg_credit_listing {
	const char *id;
	const char *association;
	tg_ix association_ix;
	int8_t list;
	tg_date on;
	const char *reason;
	tg_date removed_on;
	tg_date objection_on, objection_decided_on, rectified_on;
} tg_credit_listing;

/* ---- the arrays of supervision.md (五, after decoupling) ---- */

typedef struct tg_service_purchase {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *unit; /* the buyer */
	tg_ix unit_ix;
	const char *item, *catalogue_ref;
	int64_t amount; /* fen */
	tg_date signed_on, starts_on, ends_on, evaluated_on;
	int8_t grade; /* -1: not graded */
	tg_date published_on;
} tg_service_purchase;

typedef struct tg_fee {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *name, *basis, *standard, *approved_ref;
	tg_date published_on, from, to;
} tg_fee;

typedef struct tg_award {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *name, *approved_ref;
	tg_date approved_on, held_on;
} tg_award;

typedef struct tg_tax_exemption {
	const char *id;
	const char *association;
	tg_ix association_ix;
	const char *ref;
	tg_date valid_from, valid_to, renewal_applied_on;
} tg_tax_exemption;

typedef struct tg_rating {
	const char *id;
	const char *association;
	tg_ix association_ix;
	int8_t grade;
	tg_date rated_on, valid_to, published_on;
} tg_rating;

typedef struct tg_credit_commitment {
	const char *id;
	const char *association;
	tg_ix association_ix;
	tg_date signed_on, published_on;
} tg_credit_commitment;

typedef struct tg_evaluation {
	const char *id;
	const char *association;
	tg_ix association_ix;
	int8_t kind;
	const char *evaluator;
	tg_date on;
	const char *result;
	tg_date published_on;
} tg_evaluation;

typedef struct tg_exit_case {
	const char *id;
	const char *association;
	tg_ix association_ix;
	int8_t reason;
	tg_date opened_on, notified_on, decided_on;
	int8_t outcome; /* -1: not decided */
} tg_exit_case;

/* A step: an obligation of the plan done for one record (obligations.md,
** "In the bundle: steps[]").  obligation and subject are checked against
** the plan in force (obligation_check_steps), not resolved here. */
typedef struct tg_step {
	const char *id;
	const char *obligation; /* an obligation id of the plan */
	const char *subject;    /* key of a record of the obligation's subject array */
	int64_t period;         /* the year of a yearly obligation; 0: null */
	tg_date done_on;
	const char *note;
} tg_step;

/* The arrays, in bundle order.  The order is also the order of import
** (referenced arrays before the arrays that reference them). */
enum tg_array {
	ARR_BATCHES, ARR_JURISDICTIONS, ARR_UNITS, ARR_ASSOCIATIONS, ARR_PERSONS, ARR_POSTS, ARR_STAFF,
	ARR_PREMISES, ARR_ASSETS, ARR_APPROPRIATIONS, ARR_FUNCTIONS, ARR_UNIT_TASKS,
	ARR_ELECTIONS, ARR_ANNUAL_REPORTS, ARR_FOREIGN_APPROVALS, ARR_CREDIT_LISTINGS,
	ARR_SERVICE_PURCHASES, ARR_FEES, ARR_AWARDS, ARR_TAX_EXEMPTIONS, ARR_RATINGS,
	ARR_CREDIT_COMMITMENTS, ARR_EVALUATIONS, ARR_EXIT_CASES,
	ARR_STEPS, ARR_COUNT
};

/* A growable array of records of one type, with its index by id. */
typedef struct tg_table {
	void *rows;
	size_t count, alloc;
	tg_idmap index;
} tg_table;

typedef struct tg_register {
	const char *plan;         /* the bundle's "plan", may be NULL */
	tg_table t[ARR_COUNT];
	tg_arena arena;
} tg_register;

/* ---- the schema: every array and field, described once ---- */

enum tg_field_type {
	FT_KEY,    /* the record's id (string, required, unique) */
	FT_STR,
	FT_DATE,
	FT_BOOL,
	FT_INT,    /* whole number >= 0, int64_t */
	FT_MONEY,  /* yuan with at most 2 decimals, stored as int64_t fen */
	FT_AREA,   /* finite >= 0, double; FT_AREA_NULL: -1 means null */
	FT_ENUM,   /* int8_t, -1 for null */
	FT_REF,    /* string id of another array, plus its tg_ix */
	FT_OBJECT  /* nested object of sub-fields (scope_override, approval) */
};

typedef struct tg_enum_value {
	const char *key; /* "supervisor" */
	const char *zh;  /* "主管" */
} tg_enum_value;

typedef struct tg_field {
	const char *key;        /* bundle key: "registered_on" */
	const char *zh;         /* glossary label: "登记日期" */
	enum tg_field_type type;
	bool required;          /* required and not null */
	size_t off;             /* offset of the value in the record */
	size_t off_ix;          /* FT_REF: offset of the tg_ix */
	int target;             /* FT_REF: enum tg_array */
	const tg_enum_value *values; /* FT_ENUM: NULL-terminated */
	const struct tg_field *sub;  /* FT_OBJECT: sub-fields, key NULL ends */
	const char *column;     /* storage column (defaults to key) */
} tg_field;

typedef struct tg_array_def {
	const char *key;       /* "associations" */
	const char *zh;        /* "行业协会商会" */
	size_t size;           /* sizeof the record struct */
	const tg_field *fields; /* key NULL ends */
} tg_array_def;

extern const tg_array_def tg_schema[ARR_COUNT];

/* Name of an enum value, or NULL for -1. */
const char *schema_enum_key(const tg_field *f, int v);
const char *schema_enum_zh(const tg_field *f, int v);
/* Position of key (English or Chinese) among f's values, or -1. */
int schema_enum_find(const tg_field *f, const char *key);
/* The field def by key, or NULL. */
const tg_field *schema_field(int array, const char *key);
/* The top-level field of array stored at offset off (not a reference's
** index), or NULL: a field inside an object, or none. */
const tg_field *schema_field_at(int array, size_t off);
/* Whether a whole-number field writes 0 as null (steps[].period: a year,
** never 0, null for an obligation that is not yearly). */
bool schema_int_zero_is_null(const tg_field *f);
/* Arrays by English or Chinese name; -1 if unknown. */
int schema_array_find(const char *name);

/* ---- lifecycle ---- */

void register_init(tg_register *r);
void register_release(tg_register *r);

/* A zeroed new row at the end of array `a` with its defaults set (dates
** TG_DATE_NONE, enums -1, refs TG_IX_NONE).  The pointer is valid until the
** next append to the same array. */
void *register_append(tg_register *r, int a);
/* Room for n rows of array a (a hint: appending past it still works). */
void register_reserve(tg_register *r, int a, size_t n);
static inline void *register_row(const tg_register *r, int a, size_t i)
{
	return (char *)r->t[a].rows + i * tg_schema[a].size;
}
#define REG_ROWS(r, a, type) ((type *)(r)->t[a].rows)
#define REG_COUNT(r, a) ((r)->t[a].count)

/* The key of row i ("id", "uscc" or the annual report's key). */
const char *register_key(const tg_register *r, int a, size_t i);
/* Build the indexes by id; duplicates go to errs with the JSON path of the
** second occurrence.  Then resolve every reference; dangling ones go to
** errs.  extra_batches (may be NULL) lists batch ids known elsewhere (the
** plan's); a key missing from r but present in fallback (may be NULL: the
** register a bundle is merged into) is not dangling, though its *_ix stays
** TG_IX_NONE in r. */
int register_resolve(tg_register *r, const char *const *extra_batches, size_t n_extra,
		     const tg_register *fallback, tg_errors *errs);
/* The rows of array a in the order of their keys (strcmp; a row without a
** key first): malloc'd, r->t[a].count positions (room for one at least). */
size_t *register_key_order(const tg_register *r, int a);
/* Position of the record with this key, or TG_IX_NONE. */
tg_ix register_find(const tg_register *r, int a, const char *key);

/* Resolve the references of row i of array a alone against r's indexes
** (built): after register_merge of a few records into a resolved register,
** instead of register_resolve's pass over every row.  Dangling references
** stay TG_IX_NONE; the annual report's key is set when missing. */
void register_resolve_row(tg_register *r, int a, size_t i);
/* register_resolve(r, NULL, 0, from, NULL) for a register whose arrays
** marked in copied hold from's rows, row for row, from a resolved from:
** their indexes are copied (or, when r's table is from's itself, shared:
** r then must not be released with it) and their references, all naming
** arrays marked too, kept; the other arrays indexed and resolved as
** register_resolve does (the incremental run's sub-register, rules.c). */
void register_resolve_copied(tg_register *r, const tg_register *from,
			     const bool copied[ARR_COUNT]);

/* Reset every field of a freshly appended row to its default. */
void register_row_defaults(int a, void *row);

/* Merge src into dst by key: a record of src replaces the record of dst with
** the same key, other records are appended.  Strings are copied into dst's
** arena.  dst must be resolved again afterwards. */
void register_merge(tg_register *dst, const tg_register *src);

#endif
