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
** The grids themselves (cells, rows, workbooks) are grid.h's.  This module
** owns the origin tables it allocates; it does no file I/O itself except in
** sheet_read_file, which dispatches on the name (csv.h, xlsx.h).
*/
#ifndef TG_SHEET_H
#define TG_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "grid.h"
#include "register.h"

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
