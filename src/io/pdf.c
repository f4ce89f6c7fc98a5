/*
** pdf.c: official-looking A4 PDF documents (see pdf.h).
**
** Measures in points.  The type area follows GB/T 9704 loosely: 28 mm left,
** 26 mm right, 30 mm top, 28 mm bottom (the page number sits in the bottom
** margin).  Every block is laid out with pango at the text width and drawn
** line by line (or row by row), so a page break can fall between any two
** lines.  Owns the cairo surface and context.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "pdf.h"

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MM (72.0 / 25.4)
#define LEFT (28 * MM)
#define RIGHT (26 * MM)
#define TOP (30 * MM)
#define BOTTOM (28 * MM)
#define TEXT_W (PAGE_W - LEFT - RIGHT)

#define SERIF "Noto Serif CJK SC"
#define SANS "Noto Sans CJK SC"

struct tg_pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	double y;       /* current position from the top of the page */
	int page;       /* 1-based */
	bool page_used; /* anything drawn on the current page */
	/* the open table */
	pdf_table table;
	bool in_table;
	bool table_row_odd;
};

/* ---- text ---- */

static PangoLayout *make_layout(tg_pdf *p, const char *family, double size, bool bold,
				double width)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double layout_width(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

static void footer(tg_pdf *p)
{
	char num[32];
	snprintf(num, sizeof num, "— %d —", p->page);
	PangoLayout *l = make_layout(p, SERIF, 11, false, TEXT_W);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	pango_layout_set_text(l, num, -1);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_move_to(p->cr, LEFT, PAGE_H - BOTTOM + 14 * MM - layout_height(l));
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
}

static void table_head(tg_pdf *p);

void pdf_new_page(tg_pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
	p->page_used = false;
	if (p->in_table)
		table_head(p);
}

void pdf_need(tg_pdf *p, double pt)
{
	if (p->y + pt > PAGE_H - BOTTOM && p->page_used)
		pdf_new_page(p);
}

void pdf_space(tg_pdf *p, double pt)
{
	p->y += pt;
	if (p->y > PAGE_H - BOTTOM)
		pdf_new_page(p);
}

/* Draw a layout line by line from p->y, breaking pages between lines. */
static void show_lines(tg_pdf *p, PangoLayout *l, double x, double r, double g, double b)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double shift = p->y; /* page y of the layout's top */
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double top = (double)logical.y / PANGO_SCALE, h = (double)logical.height / PANGO_SCALE;
		if (shift + top + h > PAGE_H - BOTTOM && p->page_used) {
			pdf_new_page(p);
			shift = p->y - top;
		}
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		cairo_set_source_rgb(p->cr, r, g, b);
		cairo_move_to(p->cr, x + (double)logical.x / PANGO_SCALE, shift + base);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->page_used = true;
		p->y = shift + top + h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void block(tg_pdf *p, const char *family, double size, bool bold, PangoAlignment align,
		  double first_indent, double spacing, const char *text, double r, double g,
		  double b)
{
	PangoLayout *l = make_layout(p, family, size, bold, TEXT_W);
	pango_layout_set_alignment(l, align);
	pango_layout_set_line_spacing(l, (float)spacing);
	if (first_indent > 0)
		pango_layout_set_indent(l, (int)(first_indent * PANGO_SCALE));
	if (align == PANGO_ALIGN_LEFT)
		pango_layout_set_justify(l, TRUE);
	pango_layout_set_text(l, text, -1);
	show_lines(p, l, LEFT, r, g, b);
	g_object_unref(l);
}

void pdf_red_header(tg_pdf *p, const char *office)
{
	/* the largest size up to 26 pt at which the office fits on one line */
	double size = 26;
	PangoLayout *l;
	for (;;) {
		l = make_layout(p, SERIF, size, true, 0);
		pango_layout_set_text(l, office, -1);
		if (layout_width(l) <= TEXT_W || size <= 12)
			break;
		g_object_unref(l);
		size -= 0.5;
	}
	double w = layout_width(l);
	cairo_set_source_rgb(p->cr, 0.86, 0.08, 0.08);
	cairo_move_to(p->cr, LEFT + (TEXT_W - w) / 2, p->y);
	pango_cairo_show_layout(p->cr, l);
	p->y += layout_height(l) + 10;
	g_object_unref(l);
	cairo_set_line_width(p->cr, 2.2);
	cairo_move_to(p->cr, LEFT, p->y);
	cairo_line_to(p->cr, PAGE_W - RIGHT, p->y);
	cairo_stroke(p->cr);
	p->y += 24;
	p->page_used = true;
}

void pdf_title(tg_pdf *p, const char *text)
{
	block(p, SERIF, 20, true, PANGO_ALIGN_CENTER, 0, 1.35, text, 0, 0, 0);
	p->y += 8;
}

void pdf_center(tg_pdf *p, const char *text, double size)
{
	block(p, SERIF, size, false, PANGO_ALIGN_CENTER, 0, 1.3, text, 0, 0, 0);
}

void pdf_heading(tg_pdf *p, const char *text)
{
	pdf_need(p, 110); /* never a heading alone at the foot of a page */
	p->y += 10;
	block(p, SANS, 13.5, true, PANGO_ALIGN_LEFT, 24, 1.4, text, 0, 0, 0);
	p->y += 6;
}

void pdf_subheading(tg_pdf *p, const char *text)
{
	pdf_need(p, 100); /* the sub-heading, a table header and a row */
	p->y += 4;
	block(p, SERIF, 12, true, PANGO_ALIGN_LEFT, 24, 1.4, text, 0, 0, 0);
	p->y += 3;
}

void pdf_paragraph(tg_pdf *p, const char *text, bool indent)
{
	block(p, SERIF, 12, false, PANGO_ALIGN_LEFT, indent ? 24 : 0, 1.65, text, 0, 0, 0);
	p->y += 4;
}

void pdf_note(tg_pdf *p, const char *text)
{
	block(p, SANS, 8.5, false, PANGO_ALIGN_LEFT, 0, 1.3, text, 0.35, 0.35, 0.35);
	p->y += 4;
}

void pdf_right(tg_pdf *p, const char *text)
{
	PangoLayout *l = make_layout(p, SERIF, 12, false, TEXT_W - 24);
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_line_spacing(l, 1.6f);
	pango_layout_set_text(l, text, -1);
	show_lines(p, l, LEFT, 0, 0, 0);
	g_object_unref(l);
}

/* ---- headline figures ---- */

void pdf_figures(tg_pdf *p, const pdf_figure *figs, size_t n)
{
	if (!n)
		return;
	double gap = 8, w = (TEXT_W - gap * (double)(n - 1)) / (double)n, h = 62;
	pdf_need(p, h + 10);
	for (size_t i = 0; i < n; i++) {
		double x = LEFT + (double)i * (w + gap);
		cairo_set_source_rgb(p->cr, 0.965, 0.965, 0.965);
		cairo_rectangle(p->cr, x, p->y, w, h);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, figs[i].alert ? 0.78 : 0.12, figs[i].alert ? 0.1 : 0.25,
				     figs[i].alert ? 0.1 : 0.5);
		cairo_rectangle(p->cr, x, p->y, w, 2.5);
		cairo_fill(p->cr);
		PangoLayout *l = make_layout(p, SANS, 22, true, w);
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		pango_layout_set_text(l, figs[i].value, -1);
		cairo_move_to(p->cr, x, p->y + 9);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		l = make_layout(p, SANS, 9, false, w);
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		pango_layout_set_text(l, figs[i].label, -1);
		cairo_set_source_rgb(p->cr, 0.25, 0.25, 0.25);
		cairo_move_to(p->cr, x, p->y + h - 18);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
	}
	p->y += h + 10;
	p->page_used = true;
}

/* ---- tables ---- */

static double t_size(const tg_pdf *p)
{
	return p->table.font_size > 0 ? p->table.font_size : 9.5;
}

static PangoAlignment col_align(const pdf_table *t, size_t c)
{
	char a = t->align ? t->align[c] : 'l';
	return a == 'c' ? PANGO_ALIGN_CENTER : a == 'r' ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
}

#define PAD_X 3.5
#define PAD_Y 3.0

/* Lay out one row; returns its height.  With draw, draws it at p->y. */
static double row_layout(tg_pdf *p, const char *const *cells, bool bold, bool draw, int red)
{
	const pdf_table *t = &p->table;
	PangoLayout *ls[32];
	double h = 0;
	size_t n = t->n_cols < 32 ? t->n_cols : 32;
	for (size_t c = 0; c < n; c++) {
		double w = t->widths[c] * TEXT_W - 2 * PAD_X;
		ls[c] = make_layout(p, SANS, t_size(p), bold, w);
		pango_layout_set_alignment(ls[c], bold ? PANGO_ALIGN_CENTER : col_align(t, c));
		pango_layout_set_line_spacing(ls[c], 1.15f);
		pango_layout_set_text(ls[c], cells[c] ? cells[c] : "", -1);
		double lh = layout_height(ls[c]);
		if (lh > h)
			h = lh;
	}
	h += 2 * PAD_Y;
	if (draw) {
		double x = LEFT;
		for (size_t c = 0; c < n; c++) {
			bool is_red = red >= 0 && c == (size_t)red;
			cairo_set_source_rgb(p->cr, is_red ? 0.78 : 0, is_red ? 0.1 : 0, is_red ? 0.1 : 0);
			cairo_move_to(p->cr, x + PAD_X, p->y + PAD_Y);
			pango_cairo_show_layout(p->cr, ls[c]);
			x += t->widths[c] * TEXT_W;
		}
	}
	for (size_t c = 0; c < n; c++)
		g_object_unref(ls[c]);
	return h;
}

static void rule(tg_pdf *p, double y, double width, double grey)
{
	cairo_set_source_rgb(p->cr, grey, grey, grey);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, LEFT, y);
	cairo_line_to(p->cr, LEFT + TEXT_W, y);
	cairo_stroke(p->cr);
}

static void table_head(tg_pdf *p)
{
	double h = row_layout(p, p->table.heads, true, false, -1);
	cairo_set_source_rgb(p->cr, 0.93, 0.93, 0.93);
	cairo_rectangle(p->cr, LEFT, p->y, TEXT_W, h);
	cairo_fill(p->cr);
	rule(p, p->y, 1.2, 0);
	row_layout(p, p->table.heads, true, true, -1);
	p->y += h;
	rule(p, p->y, 0.6, 0);
	p->page_used = true;
	p->table_row_odd = false;
}

void pdf_table_begin(tg_pdf *p, const pdf_table *t)
{
	p->table = *t;
	p->in_table = false;
	pdf_need(p, 70);
	p->in_table = true;
	table_head(p);
}

void pdf_table_row(tg_pdf *p, const char *const *cells, int red_col)
{
	double h = row_layout(p, cells, false, false, red_col);
	if (p->y + h > PAGE_H - BOTTOM) {
		rule(p, p->y, 1.2, 0);
		pdf_new_page(p); /* draws the header again */
	}
	if (p->table_row_odd) {
		cairo_set_source_rgb(p->cr, 0.975, 0.975, 0.975);
		cairo_rectangle(p->cr, LEFT, p->y, TEXT_W, h);
		cairo_fill(p->cr);
	}
	row_layout(p, cells, false, true, red_col);
	p->y += h;
	rule(p, p->y, 0.25, 0.7);
	p->table_row_odd = !p->table_row_odd;
}

void pdf_table_end(tg_pdf *p)
{
	rule(p, p->y, 1.2, 0);
	p->in_table = false;
	p->y += 10;
}

/* ---- bar charts ---- */

void pdf_bar_chart(tg_pdf *p, const pdf_bar *bars, size_t n, const pdf_series *series,
		   size_t n_series)
{
	double label_w = 150, note_w = 92, bar_h = n > 12 ? 9 : 13, gap = n > 12 ? 4.5 : 7;
	double bar_x = LEFT + label_w + 6, bar_w = TEXT_W - label_w - 6 - note_w;
	double max = 0;
	for (size_t i = 0; i < n; i++) {
		double s = 0;
		for (size_t k = 0; k < n_series; k++)
			s += bars[i].v[k];
		if (s > max)
			max = s;
	}
	if (max <= 0)
		max = 1;
	/* legend */
	pdf_need(p, 20 + (bar_h + gap) * (double)(n < 6 ? n : 6));
	double x = bar_x;
	for (size_t k = 0; k < n_series; k++) {
		cairo_set_source_rgb(p->cr, series[k].rgb[0], series[k].rgb[1], series[k].rgb[2]);
		cairo_rectangle(p->cr, x, p->y + 2, 9, 9);
		cairo_fill(p->cr);
		PangoLayout *l = make_layout(p, SANS, 8.5, false, 0);
		pango_layout_set_text(l, series[k].name, -1);
		cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
		cairo_move_to(p->cr, x + 12, p->y);
		pango_cairo_show_layout(p->cr, l);
		x += 12 + layout_width(l) + 14;
		g_object_unref(l);
	}
	p->y += 18;
	double axis_top = p->y;
	for (size_t i = 0; i < n; i++) {
		if (p->y + bar_h + gap > PAGE_H - BOTTOM) {
			pdf_new_page(p);
			axis_top = p->y;
		}
		PangoLayout *l = make_layout(p, SANS, n > 12 ? 7.5 : 8.5, false, label_w);
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_START);
		pango_layout_set_text(l, bars[i].label, -1);
		cairo_set_source_rgb(p->cr, 0.15, 0.15, 0.15);
		cairo_move_to(p->cr, LEFT, p->y + (bar_h - layout_height(l)) / 2);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		/* the track, then the segments */
		cairo_set_source_rgb(p->cr, 0.95, 0.95, 0.95);
		cairo_rectangle(p->cr, bar_x, p->y, bar_w, bar_h);
		cairo_fill(p->cr);
		double at = bar_x;
		for (size_t k = 0; k < n_series; k++) {
			double w = bars[i].v[k] / max * bar_w;
			if (w <= 0)
				continue;
			cairo_set_source_rgb(p->cr, series[k].rgb[0], series[k].rgb[1],
					     series[k].rgb[2]);
			cairo_rectangle(p->cr, at, p->y, w, bar_h);
			cairo_fill(p->cr);
			at += w;
		}
		if (bars[i].note) {
			l = make_layout(p, SANS, n > 12 ? 7.5 : 8.5, false, note_w - 4);
			pango_layout_set_text(l, bars[i].note, -1);
			cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
			cairo_move_to(p->cr, bar_x + bar_w + 5, p->y + (bar_h - layout_height(l)) / 2);
			pango_cairo_show_layout(p->cr, l);
			g_object_unref(l);
		}
		p->y += bar_h + gap;
		p->page_used = true;
	}
	/* the axis line */
	cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, bar_x, axis_top - 3);
	cairo_line_to(p->cr, bar_x, p->y - gap + 3);
	cairo_stroke(p->cr);
	p->y += 6;
}

/* ---- the document ---- */

int pdf_open(const char *path, const char *title, const char *author, tg_pdf **out,
	     tg_error *err)
{
	*out = NULL;
	cairo_surface_t *s = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return tg_error_set(err, TG_EIO, "io", path, "无法创建 PDF 文件");
	}
	if (title)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	if (author)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, author);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "tuogou");
	tg_pdf *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->surface = s;
	p->cr = cairo_create(s);
	p->page = 1;
	p->y = TOP;
	*out = p;
	return TG_OK;
}

int pdf_close(tg_pdf *p, tg_error *err)
{
	if (!p)
		return TG_OK;
	footer(p);
	cairo_show_page(p->cr);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	cairo_status_t st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	free(p);
	if (st != CAIRO_STATUS_SUCCESS)
		return tg_error_set(err, TG_EIO, "io", "", "写入 PDF 文件失败：%s",
				    cairo_status_to_string(st));
	return TG_OK;
}

void pdf_library_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}

#if defined(__SANITIZE_ADDRESS__)
/* cairo 1.16 keeps one small array per font face it ever subset for a PDF,
** even after cairo_debug_reset_static_data (reproduced without tuogou: one
** pango layout on a PDF surface leaks 768 bytes).  Tell LeakSanitizer so
** that the sanitizer build checks our own frees and not Debian's cairo. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libcairo.so\n";
}
#endif
