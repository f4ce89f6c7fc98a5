/*
** grid.h: what a sheet holds, read from a CSV file or an XLSX workbook:
** rows of cells, each cell knowing its row as a spreadsheet shows it
** (header = row 1) and its column (A = 0); a workbook is its grids in
** order.  Also the small conversions every reader and writer of sheets
** shares: column letters, Excel date serials, the header of a field.
**
** The readers (csv.h, xlsx.h) fill grids; sheet.h maps them onto the
** register.  This header depends on nothing of src/io.
*/
#ifndef TG_GRID_H
#define TG_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
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

/* realloc p to room for need elements of size (doubling from 16) and set
** *alloc; aborts when memory runs out. */
void *grid_grow(void *p, size_t *alloc, size_t need, size_t size);

#endif
