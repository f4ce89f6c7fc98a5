/*
** sheet.h: spreadsheets (CSV files, XLSX workbooks) as bundle arrays.
**
** A grid is what a sheet holds: rows of cells, each cell knowing its row as
** a spreadsheet shows it (header = row 1) and its column (A = 0).  The CSV
** and XLSX readers fill grids; this module maps a grid onto one array of the
** register through the schema table (register.h): the sheet is named by the
** array key or its Chinese name, the header row by field keys or Chinese
** labels, enum cells by value key or Chinese name.  Each row becomes a JSON
** object that bundle_read_record() validates, so a sheet gets exactly the
** bundle's checks; the JSON paths of the errors ("posts[3].from") are then
** rewritten as 工作表“任职”第5行F列（起始日期）.
**
** The mapping of nested objects (docs/sheets.md): scope_override is the two
** columns 范围认定 (scope_override.in_scope) and 范围认定原因
** (scope_override.reason); approval is 审批备案类型, 审批备案文号 and
** 审批备案日期 (approval.kind, approval.ref, approval.on).
**
** This module owns the grids and the origin tables it allocates; it does no
** file I/O itself except in sheet_read_file, which dispatches on the name.
*/
#ifndef TG_SHEET_H
#define TG_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "register.h"

enum tg_cell_kind { CELL_TEXT, CELL_NUMBER, CELL_BOOL };

typedef struct tg_cell {
	uint32_t col;     /* 0-based: A = 0 */
	uint8_t kind;     /* enum tg_cell_kind */
	bool is_date;     /* XLSX: a number shown with a date format */
	double num;       /* CELL_NUMBER, CELL_BOOL (0 or 1) */
	const char *text; /* UTF-8 in the grid's arena; never NULL */
} tg_cell;

typedef struct tg_grid_row {
	uint32_t row; /* 1-based, as the spreadsheet shows it */
	tg_cell *cells;
	size_t n, alloc;
} tg_grid_row;

typedef struct tg_grid {
	const char *name; /* sheet name (XLSX), or the file's base name without .csv */
	tg_grid_row *rows;
	size_t n_rows, alloc;
	tg_arena arena;
} tg_grid;

typedef struct tg_workbook {
	tg_grid *sheets;
	size_t n;
} tg_workbook;

void grid_init(tg_grid *g, const char *name);
void grid_release(tg_grid *g);
/* A new row at the end (rows are added in increasing order). */
tg_grid_row *grid_row_add(tg_grid *g, uint32_t row);
/* A new text cell in the row; text is copied into the grid's arena. */
tg_cell *grid_cell_add(tg_grid *g, tg_grid_row *row, uint32_t col, const char *text, size_t n);
void workbook_release(tg_workbook *wb);

/* Column letters: 0 -> "A", 27 -> "AB" (out has 4 bytes; XFD is the last). */
void sheet_col_letters(uint32_t col, char out[4]);

/* An Excel date serial (1900 system, or 1904 when the workbook says so) as
** YYYY-MM-DD; TG_EINVAL for a serial that is no day (0, 60 = 1900-02-29). */
int sheet_serial_date(double serial, bool date1904, char out[11]);

/* The header a sheet written for people carries for a field (sub is the
** sub-field of an object field, else NULL): the glossary's label, or the
** labels above for nested objects. */
const char *sheet_column_label(const tg_field *f, const tg_field *sub);

/* Where each record read from sheets came from, to name cells in errors. */
typedef struct tg_sheet_origin tg_sheet_origin;
void sheet_origin_free(tg_sheet_origin *o);

/* Map one grid onto array a (or, with a < 0, onto the array its name says),
** appending records to r.  Every problem goes to errs in sheet terms.  o
** (created when *o is NULL) remembers rows and columns for
** sheet_translate_errors.  Returns TG_OK when errs got nothing new. */
int sheet_read_grid(const tg_grid *g, int a, tg_register *r, tg_sheet_origin **o,
		    tg_errors *errs);
/* Every sheet of a workbook; a sheet name that is no array is an error. */
int sheet_read_workbook(const tg_workbook *wb, tg_register *r, tg_sheet_origin **o,
			tg_errors *errs);
/* A .csv (the base name is the array: posts.csv, 任职.csv) or .xlsx file. */
int sheet_read_file(const char *path, tg_register *r, tg_sheet_origin **o, tg_errors *errs);
/* The array a CSV file's name says, or -1. */
int sheet_array_of_path(const char *path);

/* Rewrite the JSON paths of errs->items[from..] (e.g. from register_resolve
** on r) into sheet, row and column. */
void sheet_translate_errors(const tg_sheet_origin *o, tg_errors *errs, size_t from);

#endif
