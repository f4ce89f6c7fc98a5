/*
** grid.c: grids and workbooks (grid.h): rows and cells in malloc'd arrays,
** text in the grid's arena; column letters, Excel date serials and the
** headers sheets carry for fields.
**
** Owns the grid storage.  The CSV and XLSX readers fill grids through it
** and sheet.c maps them onto the register.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "grid.h"

/* ---- grids ---- */

void grid_init(tg_grid *g, const char *name)
{
	memset(g, 0, sizeof *g);
	arena_init(&g->arena);
	g->name = arena_strdup(&g->arena, name ? name : "");
}

void grid_release(tg_grid *g)
{
	for (size_t i = 0; i < g->n_rows; i++)
		free(g->rows[i].cells);
	free(g->rows);
	arena_free(&g->arena);
	memset(g, 0, sizeof *g);
}

void *grid_grow(void *p, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return p;
	size_t n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (!q) {
		fputs("tuogou: 内存不足\n", stderr);
		abort();
	}
	*alloc = n;
	return q;
}

tg_grid_row *grid_row_add(tg_grid *g, uint32_t row)
{
	g->rows = grid_grow(g->rows, &g->alloc, g->n_rows + 1, sizeof *g->rows);
	tg_grid_row *r = &g->rows[g->n_rows++];
	memset(r, 0, sizeof *r);
	r->row = row;
	return r;
}

tg_cell *grid_cell_add(tg_grid *g, tg_grid_row *row, uint32_t col, const char *text, size_t n)
{
	row->cells = grid_grow(row->cells, &row->alloc, row->n + 1, sizeof *row->cells);
	tg_cell *c = &row->cells[row->n++];
	memset(c, 0, sizeof *c);
	c->col = col;
	c->kind = CELL_TEXT;
	c->text = arena_strndup(&g->arena, text ? text : "", text ? n : 0);
	return c;
}

void workbook_release(tg_workbook *wb)
{
	for (size_t i = 0; i < wb->n; i++)
		grid_release(&wb->sheets[i]);
	free(wb->sheets);
	memset(wb, 0, sizeof *wb);
}

void sheet_col_letters(uint32_t col, char out[4])
{
	char tmp[4];
	size_t n = 0;
	uint32_t c = col + 1;
	if (col > 16383) {
		snprintf(out, 4, "?");
		return;
	}
	while (c && n < 3) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* ---- labels ---- */

static const struct sub_label {
	const char *parent, *sub, *label;
} sub_labels[] = {
	{"scope_override", "in_scope", "范围认定"},
	{"scope_override", "reason", "范围认定原因"},
	{"approval", "kind", "审批备案类型"},
	{"approval", "ref", "审批备案文号"},
	{"approval", "on", "审批备案日期"},
};

const char *sheet_column_label(const tg_field *f, const tg_field *sub)
{
	if (!sub)
		return f->zh;
	for (size_t i = 0; i < sizeof sub_labels / sizeof sub_labels[0]; i++)
		if (!strcmp(sub_labels[i].parent, f->key) && !strcmp(sub_labels[i].sub, sub->key))
			return sub_labels[i].label;
	return sub->zh;
}

/* ---- dates ---- */

int sheet_serial_date(double serial, bool date1904, char out[11])
{
	if (!isfinite(serial) || serial < 1 || serial >= 2958466)
		return TG_EINVAL;
	long days = (long)floor(serial);
	tg_date d;
	if (date1904) {
		d = date_from_ymd(1904, 1, 1) + (tg_date)days;
	} else {
		if (days == 60)
			return TG_EINVAL; /* Excel's 1900-02-29, a day that never was */
		/* serial 1 is 1900-01-01; Excel counts 1900 as a leap year */
		d = date_from_ymd(1899, 12, 31) + (tg_date)days - (days > 60 ? 1 : 0);
	}
	date_format(d, out);
	return TG_OK;
}
