/*
** mail.c: the SMTP settings file and one message sent with libcurl (see
** mail.h).  Owns the settings it reads; a message is built in memory and
** handed to curl through a read callback.  libcurl's global state is set
** up on the first message and released at exit.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mail.h"
#include "strbuf.h"

/* ---- settings ---- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static int set_str(char **slot, const char *v)
{
	char *copy = strdup(v);
	if (!copy)
		return TG_ENOMEM;
	free(*slot);
	*slot = copy;
	return TG_OK;
}

static int add_route(tg_mail_config *c, const char *key, const char *to)
{
	for (size_t i = 0; i < c->n_routes; i++)
		if (!strcmp(c->routes[i].key, key))
			return set_str(&c->routes[i].to, to);
	tg_mail_route *p = realloc(c->routes, (c->n_routes + 1) * sizeof *p);
	if (!p)
		return TG_ENOMEM;
	c->routes = p;
	p[c->n_routes].key = strdup(key);
	p[c->n_routes].to = strdup(to);
	if (!p[c->n_routes].key || !p[c->n_routes].to) {
		free(p[c->n_routes].key);
		free(p[c->n_routes].to);
		return TG_ENOMEM;
	}
	c->n_routes++;
	return TG_OK;
}

static int read_file(const char *path, tg_mail_config *c, tg_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return tg_error_set(err, TG_EIO, "io", path, "无法读取邮件配置文件");
	char line[1024], where[64];
	int lineno = 0, rc = TG_OK;
	bool has_password = false;
	while (rc == TG_OK && fgets(line, sizeof line, f)) {
		lineno++;
		snprintf(where, sizeof where, "第%d行", lineno);
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = tg_error_set(err, TG_EINVAL, "bad_mail_config", path,
					  "邮件配置文件%s应为“键 = 值”", where);
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (!strcmp(key, "smtp_url"))
			rc = set_str(&c->url, value);
		else if (!strcmp(key, "smtp_from"))
			rc = set_str(&c->from, value);
		else if (!strcmp(key, "smtp_user"))
			rc = set_str(&c->user, value);
		else if (!strcmp(key, "smtp_password"))
			rc = set_str(&c->password, value), has_password = true;
		else if (!strcmp(key, "tls"))
			rc = set_str(&c->tls, value);
		else if (!strncmp(key, "to.", 3) && key[3])
			rc = add_route(c, key + 3, value);
		else
			rc = tg_error_set(err, TG_EINVAL, "bad_mail_config", path,
					  "邮件配置文件%s：未知的设置“%s”", where, key);
	}
	struct stat st;
	if (rc == TG_OK && has_password && fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
		rc = tg_error_set(err, TG_EINVAL, "mail_config_mode", path,
				  "邮件配置文件含有密码，其权限应为 0600（仅所有者可读写）");
	fclose(f);
	return rc;
}

int mail_config_load(const char *path, bool must_exist, tg_mail_config *out, tg_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = TG_OK;
	if (path && (must_exist || access(path, F_OK) == 0))
		rc = read_file(path, out, err);
	const char *env_url = getenv("TUOGOU_SMTP_URL"), *env_from = getenv("TUOGOU_SMTP_FROM");
	if (rc == TG_OK && env_url && *env_url)
		rc = set_str(&out->url, env_url);
	if (rc == TG_OK && env_from && *env_from)
		rc = set_str(&out->from, env_from);
	if (rc == TG_OK && (!out->url || !out->from))
		rc = tg_error_set(err, TG_EINVAL, "mail_not_configured", path ? path : "",
				  "未配置邮件发送：请在邮件配置文件中写明 smtp_url 和 smtp_from，"
				  "或设置环境变量 TUOGOU_SMTP_URL、TUOGOU_SMTP_FROM");
	if (rc == TG_OK && strncmp(out->url, "smtp://", 7) && strncmp(out->url, "smtps://", 8))
		rc = tg_error_set(err, TG_EINVAL, "bad_mail_config", "smtp_url",
				  "smtp_url 应以 smtp:// 或 smtps:// 开头");
	if (rc == TG_OK && out->tls && strcmp(out->tls, "try") && strcmp(out->tls, "require") &&
	    strcmp(out->tls, "none"))
		rc = tg_error_set(err, TG_EINVAL, "bad_mail_config", "tls",
				  "tls 应为 try、require 或 none");
	if (rc == TG_ENOMEM)
		tg_error_set(err, rc, "no_memory", "", "内存不足");
	if (rc)
		mail_config_free(out);
	return rc;
}

void mail_config_free(tg_mail_config *c)
{
	free(c->url);
	free(c->from);
	free(c->user);
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->password);
	free(c->tls);
	for (size_t i = 0; i < c->n_routes; i++) {
		free(c->routes[i].key);
		free(c->routes[i].to);
	}
	free(c->routes);
	memset(c, 0, sizeof *c);
}

const char *mail_config_recipients(const tg_mail_config *c, const char *key)
{
	for (size_t i = 0; key && i < c->n_routes; i++)
		if (!strcmp(c->routes[i].key, key) && c->routes[i].to[0])
			return c->routes[i].to;
	return NULL;
}

/* ---- one message ---- */

/* A plain address: local@domain, nothing that could end a header or an
** SMTP command. */
static bool address_ok(const char *a, size_t n)
{
	size_t at = 0;
	if (n == 0 || n > 254)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)a[i];
		if (ch <= ' ' || ch >= 0x7f || strchr("<>()[]\\,;:\"", ch))
			return false;
		at += ch == '@';
	}
	return at == 1 && a[0] != '@' && a[n - 1] != '@';
}

static void base64(strbuf *out, const unsigned char *s, size_t n, size_t line)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63],
			     i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '='};
		sb_add(out, q, 4);
		col += 4;
		if (line && col >= line && i + 3 < n) {
			sb_adds(out, "\r\n");
			col = 0;
		}
	}
}

typedef struct payload {
	const char *data;
	size_t len, pos;
} payload;

static size_t read_payload(char *buf, size_t size, size_t nitems, void *userp)
{
	payload *p = userp;
	size_t room = size * nitems, left = p->len - p->pos;
	size_t n = left < room ? left : room;
	memcpy(buf, p->data + p->pos, n);
	p->pos += n;
	return n;
}

static void once_global(void)
{
	static bool done;
	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		atexit(curl_global_cleanup);
		done = true;
	}
}

int mail_send(const tg_mail_config *c, const char *to, const char *subject, const char *body,
	      tg_error *err)
{
	struct curl_slist *rcpt = NULL;
	strbuf msg, addr;
	sb_init(&msg);
	sb_init(&addr);
	CURL *curl = NULL;
	int rc = TG_OK;
	if (strpbrk(subject, "\r\n") || !address_ok(c->from, strlen(c->from))) {
		rc = tg_error_set(err, TG_EINVAL, "bad_mail", "smtp_from", "发件人地址或主题无效");
		goto out;
	}
	/* the recipients */
	size_t n_rcpt = 0;
	for (const char *p = to; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		size_t n = (size_t)(e - p);
		while (n && p[n - 1] == ' ')
			n--;
		if (!n) {
			p = e;
			continue;
		}
		if (!address_ok(p, n)) {
			rc = tg_error_set(err, TG_EINVAL, "bad_mail", "to", "收件人地址“%.*s”无效",
					  (int)(n > 80 ? 80 : n), p);
			goto out;
		}
		addr.len = 0;
		sb_addf(&addr, "<%.*s>", (int)n, p);
		struct curl_slist *l = curl_slist_append(rcpt, addr.buf);
		if (!l) {
			rc = tg_error_set(err, TG_ENOMEM, "no_memory", "", "内存不足");
			goto out;
		}
		rcpt = l;
		n_rcpt++;
		p = e;
	}
	if (!n_rcpt) {
		rc = tg_error_set(err, TG_EINVAL, "bad_mail", "to", "没有收件人");
		goto out;
	}
	/* the message */
	char date[64], from_angle[300];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	static unsigned counter;
	sb_addf(&msg, "Date: %s\r\nFrom: %s\r\nTo: ", date, c->from);
	for (struct curl_slist *l = rcpt; l; l = l->next) {
		size_t n = strlen(l->data);
		sb_addf(&msg, "%s%.*s", l == rcpt ? "" : ", ", (int)(n - 2), l->data + 1);
	}
	sb_adds(&msg, "\r\nSubject: =?UTF-8?B?");
	base64(&msg, (const unsigned char *)subject, strlen(subject), 0);
	sb_addf(&msg, "?=\r\nMessage-ID: <%lld.%d.%u@tuogou>\r\nMIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n",
		(long long)now, (int)getpid(), ++counter);
	base64(&msg, (const unsigned char *)body, strlen(body), 76);
	sb_adds(&msg, "\r\n");
	snprintf(from_angle, sizeof from_angle, "<%s>", c->from);

	once_global();
	curl = curl_easy_init();
	if (!curl) {
		rc = tg_error_set(err, TG_EIO, "mail_failed", "", "无法初始化邮件发送");
		goto out;
	}
	payload pl = {msg.buf, msg.len, 0};
	curl_easy_setopt(curl, CURLOPT_URL, c->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_angle);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(curl, CURLOPT_READDATA, &pl);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	long tls = !c->tls || !strcmp(c->tls, "try")	? (long)CURLUSESSL_TRY
		   : !strcmp(c->tls, "require")	? (long)CURLUSESSL_ALL
							: (long)CURLUSESSL_NONE;
	curl_easy_setopt(curl, CURLOPT_USE_SSL, tls);
	if (c->user)
		curl_easy_setopt(curl, CURLOPT_USERNAME, c->user);
	if (c->password)
		curl_easy_setopt(curl, CURLOPT_PASSWORD, c->password);
	CURLcode res = curl_easy_perform(curl);
	if (res != CURLE_OK)
		rc = tg_error_set(err, TG_EIO, "mail_failed", c->url, "邮件发送失败：%s",
				  curl_easy_strerror(res));
out:
	if (curl)
		curl_easy_cleanup(curl);
	curl_slist_free_all(rcpt);
	sb_release(&msg);
	sb_release(&addr);
	return rc;
}
