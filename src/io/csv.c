/*
** csv.c: the CSV reader (see csv.h).
**
** Owns nothing beyond the converted text it frees before returning; the
** cells go into the caller's grid.  Strict on purpose: a row the reader
** would have to guess about is refused with its row and column, because a
** silently shifted column would store a date as a name.
*/
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "strbuf.h"

/* Convert with iconv; returns 0 or -1 (the text is not in that encoding). */
static int convert(const char *from, const char *buf, size_t len, char **out, size_t *out_len)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return -1;
	size_t cap = len * 2 + 16, left_out = cap, left_in = len;
	char *dst = malloc(cap + 1), *o = dst;
	char *in = (char *)buf;
	int rc = 0;
	if (!dst) {
		iconv_close(cd);
		return -1;
	}
	while (left_in > 0) {
		if (iconv(cd, &in, &left_in, &o, &left_out) == (size_t)-1) {
			if (errno == E2BIG) {
				size_t used = (size_t)(o - dst);
				cap *= 2;
				char *grown = realloc(dst, cap + 1);
				if (!grown) {
					rc = -1;
					break;
				}
				dst = grown;
				o = dst + used;
				left_out = cap - used;
				continue;
			}
			rc = -1; /* EILSEQ or EINVAL: not this encoding */
			break;
		}
	}
	iconv_close(cd);
	if (rc) {
		free(dst);
		return -1;
	}
	*o = '\0';
	*out = dst;
	*out_len = (size_t)(o - dst);
	return 0;
}

static int copy_plain(const char *buf, size_t len, char **out, size_t *out_len)
{
	char *dst = malloc(len + 1);
	if (!dst)
		return -1;
	memcpy(dst, buf, len);
	dst[len] = '\0';
	*out = dst;
	*out_len = len;
	return 0;
}

int csv_to_utf8(const char *buf, size_t len, char **out, size_t *out_len,
		const char **encoding, tg_error *err)
{
	const unsigned char *u = (const unsigned char *)buf;
	*out = NULL;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		*encoding = "UTF-8";
		if (!utf8_valid(buf + 3, len - 3))
			return tg_error_set(err, TG_EINVAL, "bad_encoding", "",
					    "文件以 UTF-8 标记开头，但内容不是有效的 UTF-8 文本");
		return copy_plain(buf + 3, len - 3, out, out_len) ? TG_ENOMEM : TG_OK;
	}
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		*encoding = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
		if (convert(*encoding, buf + 2, len - 2, out, out_len))
			return tg_error_set(err, TG_EINVAL, "bad_encoding", "",
					    "文件以 UTF-16 标记开头，但内容无法按 UTF-16 读取");
		return TG_OK;
	}
	if (utf8_valid(buf, len)) {
		*encoding = "UTF-8";
		return copy_plain(buf, len, out, out_len) ? TG_ENOMEM : TG_OK;
	}
	*encoding = "GB18030";
	if (convert("GB18030", buf, len, out, out_len))
		return tg_error_set(err, TG_EINVAL, "bad_encoding", "",
				    "无法识别文件编码（应为 UTF-8 或 GB18030）");
	return TG_OK;
}

static int malformed(tg_error *err, uint32_t row, uint32_t col, const char *what)
{
	char path[64], letters[4];
	sheet_col_letters(col, letters);
	snprintf(path, sizeof path, "第%u行%s列", row, letters);
	return tg_error_set(err, TG_EINVAL, "bad_csv", path, "CSV 格式错误：%s", what);
}

typedef struct csv_state {
	tg_grid *g;
	tg_grid_row *row; /* the current record's row, created on its first field */
	uint32_t row_no, col;
	strbuf field;
} csv_state;

static void end_field(csv_state *st)
{
	if (st->field.len) {
		if (!st->row)
			st->row = grid_row_add(st->g, st->row_no);
		grid_cell_add(st->g, st->row, st->col, st->field.buf, st->field.len);
	}
	st->field.len = 0;
	st->col++;
}

static void end_record(csv_state *st)
{
	end_field(st);
	st->row = NULL;
	st->row_no++;
	st->col = 0;
}

/* Parse UTF-8 text s[0..n). */
static int parse(const char *s, size_t n, tg_grid *g, tg_error *err)
{
	csv_state st = {g, NULL, 1, 0, {0}};
	sb_init(&st.field);
	size_t i = 0;
	int rc = TG_OK;
	while (i < n) {
		bool at_start = st.field.len == 0;
		char c = s[i];
		if (c == '"' && at_start) {
			/* quoted field */
			uint32_t open_row = st.row_no;
			i++;
			for (;;) {
				if (i >= n) {
					rc = malformed(err, open_row, st.col, "引号未闭合");
					goto out;
				}
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						sb_addc(&st.field, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				sb_addc(&st.field, s[i++]);
			}
			if (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
				rc = malformed(err, st.row_no, st.col, "右引号后还有字符（字段中的引号应写作两个引号）");
				goto out;
			}
			continue;
		}
		if (c == ',') {
			end_field(&st);
			i++;
		} else if (c == '\r' || c == '\n') {
			end_record(&st);
			i += (c == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
		} else if (c == '"') {
			rc = malformed(err, st.row_no, st.col, "未加引号的字段中含有引号");
			goto out;
		} else {
			sb_addc(&st.field, c);
			i++;
		}
	}
	if (st.field.len || st.col)
		end_record(&st);
out:
	sb_release(&st.field);
	return rc;
}

int csv_read_buffer(const char *buf, size_t len, tg_grid *g, tg_error *err)
{
	char *text = NULL;
	size_t n = 0;
	const char *enc;
	int rc = csv_to_utf8(buf, len, &text, &n, &enc, err);
	if (rc == TG_ENOMEM)
		return tg_error_set(err, rc, "nomem", "", "内存不足");
	if (rc)
		return rc;
	if (memchr(text, '\0', n))
		rc = tg_error_set(err, TG_EINVAL, "bad_csv", "", "CSV 文件中含有空字符，不是文本文件");
	else
		rc = parse(text, n, g, err);
	free(text);
	return rc;
}

int csv_read_file(const char *path, tg_grid *g, tg_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return tg_error_set(err, TG_EIO, "io", path, "无法打开文件");
	strbuf sb;
	sb_init(&sb);
	int rc = TG_OK, got = sb_add_stream(&sb, f, TG_CSV_MAX_BYTES);
	if (got > 0)
		rc = tg_error_set(err, TG_EINVAL, "too_large", path, "CSV 文件过大（最多 %zu MB）",
				  TG_CSV_MAX_BYTES >> 20);
	else if (got < 0)
		rc = tg_error_set(err, TG_EIO, "io", path, "读取文件失败");
	fclose(f);
	if (!rc)
		rc = csv_read_buffer(sb.buf ? sb.buf : "", sb.len, g, err);
	sb_release(&sb);
	return rc;
}
