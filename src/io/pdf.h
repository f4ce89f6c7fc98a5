/*
** pdf.h: A4 documents in the form of Chinese official papers, with cairo's
** PDF surface and pango (Noto Serif CJK SC for text, Noto Sans CJK SC for
** headings and tables).  Text is real text: it can be selected, searched
** and extracted (pdftotext).
**
** The document is written top to bottom: blocks (title, headings,
** paragraphs, tables, bar charts) are laid out at the current position and
** move on to a new page when they do not fit; paragraphs break between
** lines, tables between rows (repeating their header row).  Every page gets
** its number, "— 1 —", at the foot, as GB/T 9704 sets them.
**
** Owns the cairo surface and context while open; pdf_close frees them.
*/
#ifndef TG_PDF_H
#define TG_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct tg_pdf tg_pdf;

/* Create the file; title and author go into the PDF's metadata. */
int pdf_open(const char *path, const char *title, const char *author, tg_pdf **out,
	     tg_error *err);
/* Finish the last page, write the file, free p (also on error). */
int pdf_close(tg_pdf *p, tg_error *err);

/* Drop the font caches of fontconfig, pango and cairo (for a process that
** is about to exit, so that leak checkers see a clean heap).  No PDF may be
** made afterwards. */
void pdf_library_shutdown(void);

/* 红头: the issuing office in red, centred, above a red rule. */
void pdf_red_header(tg_pdf *p, const char *office);
/* The document's title (large serif bold, centred, wrapping). */
void pdf_title(tg_pdf *p, const char *text);
/* A centred line (e.g. （截至2017年12月31日）). */
void pdf_center(tg_pdf *p, const char *text, double size);
/* 一、 headings (sans bold) and （一） sub-headings (serif bold). */
void pdf_heading(tg_pdf *p, const char *text);
void pdf_subheading(tg_pdf *p, const char *text);
/* A body paragraph with a first-line indent of two characters; indent
** false for a line such as the addressee (主送机关). */
void pdf_paragraph(tg_pdf *p, const char *text, bool indent);
/* A small note (sans, grey), e.g. under a chart. */
void pdf_note(tg_pdf *p, const char *text);
/* A right-aligned line (落款: office and date). */
void pdf_right(tg_pdf *p, const char *text);
void pdf_space(tg_pdf *p, double pt);
/* Start a new page unless at least pt points are left on this one. */
void pdf_need(tg_pdf *p, double pt);
void pdf_new_page(tg_pdf *p);

/* Headline figures: a row of boxes, each a large number over its label. */
typedef struct pdf_figure {
	const char *value, *label;
	bool alert; /* drawn in red */
} pdf_figure;
void pdf_figures(tg_pdf *p, const pdf_figure *figs, size_t n);

/* A table with rules (三线表 with hairlines between rows).  widths are
** fractions of the text width; align: 'l', 'c' or 'r' per column. */
typedef struct pdf_table {
	size_t n_cols;
	const char *const *heads;
	const double *widths;
	const char *align;
	double font_size; /* 0: 9.5 */
} pdf_table;
void pdf_table_begin(tg_pdf *p, const pdf_table *t);
/* A row; cells may be NULL (empty).  red_col: a column drawn in red (an
** overdue state), or -1. */
void pdf_table_row(tg_pdf *p, const char *const *cells, int red_col);
void pdf_table_end(tg_pdf *p);

/* A horizontal bar chart: one bar per row, stacked segments of the series'
** colours (RGB 0..1), the note written at the bar's end, a legend on top. */
typedef struct pdf_bar {
	const char *label;
	double v[4];
	const char *note;
} pdf_bar;
typedef struct pdf_series {
	const char *name;
	double rgb[3];
} pdf_series;
void pdf_bar_chart(tg_pdf *p, const pdf_bar *bars, size_t n, const pdf_series *series,
		   size_t n_series);

#endif
