/*
** bench/gen.c: a national-size register for the benchmarks (issue 7).
**
**   bench-gen [--seed N] [--scale X] [--csv DIR] [--sql DIR] -o FILE.json
**
** Writes one tuogou-bundle/1 document with every field of every record
** (as `tuogou export` writes them), streaming: nothing but a few small
** per-association and per-person facts is kept in memory.  At --scale 1
** (national) that is about 2,000 supervising units, 70,000 associations,
** 1,000,000 persons, 1,500,000 posts, 700,000 staff, 90,000 premises,
** 150,000 assets, 60,000 appropriations, 40,000 functions, 6,000 unit tasks,
** 200,000 elections, ~400,000 annual reports, 5,000 foreign approvals and
** 8,000 credit listings; --scale 0.1 is one tenth of every array.
**
** The same seed and scale always give the same bytes.  USCCs pass GB 32100
** (department 5 民政, category 1 社会团体, a real-looking division code, an
** "MJ" organisation code with its GB 11714 check character) and ID numbers
** GB 11643 (division, birth date 1940-2000, check character); dates are
** real and ordered, every reference resolves.  The distributions follow the
** reform as it stood at the end of 2020 (about 96% decoupled, most stages
** done, a few per cent of every kind of shortcoming), so that `tuogou check
** --as-of 2020-12-31` reports a realistic number of findings, not millions.
**
** --csv DIR also writes the same rows as DIR/<array>.csv (no header; the
** columns of the SQLite tables in order; NULL as an empty field) for the
** sqlite3 shell's .import.  --sql DIR writes DIR/import.sql (views with
** INSTEAD OF triggers turning empty fields into NULL, then one .import per
** array) and DIR/scan.sql (the baseline read of check_vs_scan), both
** derived from the schema table so they cannot drift from the store.
**
** The register is tools/gen's (tg_gen_register, the generator the unit
** tests and the fuzz seeds share); this file is its command line and the
** benchmarks' extra outputs, the CSV files and the SQL scripts.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "error.h"
#include "register_gen.h"
#include "register.h"
#include "strbuf.h"

/* ---- output: the bundle (tg_gen_json) and, with --csv, one CSV per array ---- */

typedef struct writer {
	tg_gen_json json;
	tg_gen_sink json_sink;
	FILE *csv; /* current array's CSV, or NULL */
	strbuf csvb;
	const char *csv_dir;
} writer;

static void csv_value(strbuf *sb, const tg_field *f, const void *row)
{
	const char *p = (const char *)row + f->off;
	char tmp[40];
	switch (f->type) {
	case FT_KEY:
	case FT_STR:
	case FT_REF:
		sb_add_csv_field(sb, *(const char *const *)p);
		break;
	case FT_DATE:
		if (*(const tg_date *)p != TG_DATE_NONE) {
			date_format(*(const tg_date *)p, tmp);
			sb_add(sb, tmp, 10);
		}
		break;
	case FT_BOOL:
		if (*(const int8_t *)p >= 0)
			sb_addc(sb, *(const int8_t *)p ? '1' : '0');
		break;
	case FT_INT:
	case FT_MONEY:
		sb_addf(sb, "%lld", (long long)*(const int64_t *)p);
		break;
	case FT_AREA:
		if (*(const double *)p >= 0) {
			bundle_real_str(*(const double *)p, tmp);
			sb_adds(sb, tmp);
		}
		break;
	case FT_ENUM: {
		const char *k = schema_enum_key(f, *(const int8_t *)p);
		if (k)
			sb_adds(sb, k);
		break;
	}
	case FT_OBJECT:
		break;
	}
}

static void csv_row(strbuf *sb, int a, const void *row)
{
	int n = 0;
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type == FT_OBJECT) {
			for (const tg_field *s = f->sub; s->key; s++) {
				if (n++)
					sb_addc(sb, ',');
				csv_value(sb, s, row);
			}
			continue;
		}
		if (n++)
			sb_addc(sb, ',');
		csv_value(sb, f, row);
	}
	sb_addc(sb, '\n');
}

static void begin_array(void *ctx, int a)
{
	writer *o = ctx;
	o->json_sink.begin(o->json_sink.ctx, a);
	if (o->csv_dir) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.csv", o->csv_dir, tg_schema[a].key);
		o->csv = fopen(path, "wb");
		if (!o->csv) {
			fprintf(stderr, "bench-gen: %s: %s\n", path, strerror(errno));
			exit(3);
		}
		sb_init_sink(&o->csvb, o->csv);
	}
}

static void emit_row(void *ctx, int a, const void *row)
{
	writer *o = ctx;
	o->json_sink.row(o->json_sink.ctx, a, row);
	if (o->csv)
		csv_row(&o->csvb, a, row);
}

static void end_array(void *ctx, int a)
{
	writer *o = ctx;
	o->json_sink.end(o->json_sink.ctx, a);
	if (o->csv) {
		if (sb_flush(&o->csvb) || fclose(o->csv)) {
			fprintf(stderr, "bench-gen: writing %s.csv failed\n", tg_schema[a].key);
			exit(3);
		}
		sb_release(&o->csvb);
		o->csv = NULL;
	}
}

/* The arrays the generator makes no row of (jurisdictions, the records of
** 五) still get their CSV file, empty: import.sql reads one per array. */
static void csv_empty_arrays(const char *csv_dir)
{
	for (int a = 0; a < ARR_COUNT; a++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.csv", csv_dir, tg_schema[a].key);
		if (access(path, F_OK) == 0)
			continue;
		FILE *f = fopen(path, "wb");
		if (!f || fclose(f)) {
			fprintf(stderr, "bench-gen: %s: %s\n", path, strerror(errno));
			exit(3);
		}
	}
}

/* ---- SQL for the baselines ---- */

static bool is_text(const tg_field *f)
{
	return f->type == FT_KEY || f->type == FT_STR || f->type == FT_REF || f->type == FT_DATE ||
	       f->type == FT_ENUM;
}

typedef void (*col_fn)(const tg_field *f, const char *column, void *ctx);

static void each_column(int a, col_fn fn, void *ctx)
{
	for (const tg_field *f = tg_schema[a].fields; f->key; f++) {
		if (f->type == FT_OBJECT) {
			for (const tg_field *s = f->sub; s->key; s++)
				fn(s, s->column ? s->column : s->key, ctx);
		} else {
			fn(f, f->column ? f->column : f->key, ctx);
		}
	}
}

struct sqlc {
	FILE *f;
	int n;
	const char *fmt_first, *fmt_next;
	int a;
};

static void col_list(const tg_field *f, const char *column, void *vc)
{
	struct sqlc *c = vc;
	(void)f;
	fprintf(c->f, c->n++ ? c->fmt_next : c->fmt_first, column, column);
}

/* Columns no rule reads (their values only travel through import/export):
** left out of the scan baseline so that the baseline is the least a check
** must read. */
static bool column_unread(int a, const char *column)
{
	static const struct { int a; const char *c; } unread[] = {
		{ARR_ASSOCIATIONS, "scope_override_reason"},
		{ARR_POSTS, "approval_ref"},
		{ARR_ASSETS, "value"},
		{ARR_APPROPRIATIONS, "purchase_item"},
		{ARR_CREDIT_LISTINGS, "reason"},
		{ARR_PREMISES, "address"},
	};
	for (size_t i = 0; i < sizeof unread / sizeof unread[0]; i++)
		if (unread[i].a == a && !strcmp(unread[i].c, column))
			return true;
	return false;
}

static void scan_col(const tg_field *f, const char *column, void *vc)
{
	struct sqlc *c = vc;
	if (column_unread(c->a, column))
		return;
	/* text: its length (the bytes are read); numbers: their sum */
	if (is_text(f))
		fprintf(c->f, ", sum(length(\"%s\"))", column);
	else
		fprintf(c->f, ", total(\"%s\")", column);
}

static void write_sql(const char *dir, const char *csv_dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/import.sql", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench-gen: %s: %s\n", path, strerror(errno));
		exit(3);
	}
	fprintf(f, "-- generated by bench-gen: .import of the CSV files into the store's schema\n"
		   "PRAGMA foreign_keys = ON;\n.mode csv\n");
	for (int a = 0; a < ARR_COUNT; a++) {
		const char *t = tg_schema[a].key;
		struct sqlc c = {f, 0, "\"%s\"", ", \"%s\"", a};
		fprintf(f, "CREATE TEMP VIEW \"csv_%s\" AS SELECT ", t);
		each_column(a, col_list, &c);
		fprintf(f, " FROM main.\"%s\";\n", t);
		fprintf(f, "CREATE TEMP TRIGGER \"csv_%s_insert\" INSTEAD OF INSERT ON \"csv_%s\" BEGIN "
			   "INSERT INTO \"%s\" (", t, t, t);
		c.n = 0;
		each_column(a, col_list, &c);
		fprintf(f, ") VALUES (");
		c.n = 0;
		c.fmt_first = "NULLIF(new.\"%s\", '')";
		c.fmt_next = ", NULLIF(new.\"%s\", '')";
		each_column(a, col_list, &c);
		fprintf(f, "); END;\n");
	}
	for (int a = 0; a < ARR_COUNT; a++)
		fprintf(f, ".import %s/%s.csv csv_%s\n", csv_dir ? csv_dir : "csv", tg_schema[a].key,
			tg_schema[a].key);
	fclose(f);

	snprintf(path, sizeof path, "%s/scan.sql", dir);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench-gen: %s: %s\n", path, strerror(errno));
		exit(3);
	}
	fprintf(f, "-- generated by bench-gen: one full read of the columns the rules read\n");
	fprintf(f, "BEGIN;\n");
	for (int a = 0; a < ARR_COUNT; a++) {
		struct sqlc c = {f, 0, NULL, NULL, a};
		fprintf(f, "SELECT '%s', count(*)", tg_schema[a].key);
		each_column(a, scan_col, &c);
		fprintf(f, " FROM \"%s\";\n", tg_schema[a].key);
	}
	fprintf(f, "COMMIT;\n");
	fclose(f);
}

/* ---- main ---- */

static const char usage[] =
	"usage: bench-gen [--seed N] [--scale X] [--csv DIR] [--sql DIR] -o FILE.json\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
					      {"scale", required_argument, NULL, 'x'},
					      {"csv", required_argument, NULL, 'c'},
					      {"sql", required_argument, NULL, 'q'},
					      {"output", required_argument, NULL, 'o'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	double scale = 1.0;
	uint64_t seed = 7;
	const char *output = NULL, *csv_dir = NULL, *sql_dir = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'x': scale = strtod(optarg, NULL); break;
		case 'c': csv_dir = optarg; break;
		case 'q': sql_dir = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if ((!output && !sql_dir) || optind != argc || !(scale > 0) || scale > 20) {
		fputs(usage, stderr);
		return 2;
	}
	if (sql_dir) {
		write_sql(sql_dir, csv_dir);
		if (!output)
			return 0;
	}
	if (csv_dir)
		mkdir(csv_dir, 0777);

	FILE *f = fopen(output, "wb");
	if (!f) {
		fprintf(stderr, "bench-gen: %s: %s\n", output, strerror(errno));
		return 3;
	}
	static char iobuf[1 << 20];
	setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
	static writer o;
	strbuf json;
	o.csv_dir = csv_dir;
	sb_init_sink(&json, f);
	tg_gen_json_begin(&o.json, &json);
	o.json_sink = tg_gen_json_sink(&o.json);
	tg_gen_sink sink = {begin_array, emit_row, end_array, &o};
	tg_gen_options opt = {.seed = seed, .scale = scale};
	int rc = tg_gen_register(&opt, &sink);
	if (rc == TG_EINVAL) {
		fputs("bench-gen: at most 1,000,000 associations (--scale <= 14)\n", stderr);
		return 2;
	}
	if (rc) {
		fputs("bench-gen: out of memory\n", stderr);
		return 3;
	}
	if (csv_dir)
		csv_empty_arrays(csv_dir);
	tg_gen_json_end(&o.json);
	if (sb_flush(&json) || fclose(f)) {
		fprintf(stderr, "bench-gen: writing %s failed\n", output);
		return 3;
	}
	sb_release(&json);
	size_t total = 0;
	for (int a = 0; a < ARR_COUNT; a++)
		total += o.json.count[a];
	fprintf(stderr, "bench-gen: %zu rows (seed %llu, scale %g):", total,
		(unsigned long long)seed, scale);
	for (int a = 0; a < ARR_COUNT; a++)
		fprintf(stderr, " %s=%zu", tg_schema[a].key, o.json.count[a]);
	fputc('\n', stderr);
	/* rows.txt-style summary on stdout for scripts: total */
	printf("%zu\n", total);
	return 0;
}
