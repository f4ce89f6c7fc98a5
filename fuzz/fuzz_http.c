/*
** fuzz_http.c: libFuzzer harness for the server's request handling, in
** process and without sockets (http_handle, src/http/dispatch.c): routing,
** headers, cookies, CSRF and origin checks, query strings, JSON bodies,
** multipart uploads, static paths, X-Forwarded-For (the server trusts its
** in-process peer, 127.0.0.1, as a proxy), and every handler behind them,
** on a register (tests/data/http-bundle.json) in a scratch SQLite database.
**
** An input is a request as it goes over the wire:
**
**   PUT /api/v1/associations/51410300MJY0000017?as_of=2017-12-31 HTTP/1.1
**   Content-Type: application/json
**   Cookie: tuogou_session=@SESSION@
**   X-CSRF-Token: @CSRF@
**
**   {"version": 1, ...}
**
** In header values @SESSION@ and @CSRF@ become the session token and CSRF
** token of a logged-in office account (all of the register), @USESSION@
** and @UCSRF@ those of a supervising unit's account, so that inputs reach
** past the login.  Any request must get a status between 200 and 599 with
** a body, never a crash, a leak or undefined behaviour; a 500 is a finding
** too (the harness aborts on it), and so is a JSON answer that is not
** valid JSON in UTF-8 (an error message echoing the request's bytes).
*/
#include <dirent.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "http.h"
#include "plan.h"
#include "store.h"

#ifndef TG_SOURCE_DIR
#define TG_SOURCE_DIR "."
#endif
#define PASSWORD "Fuzz-Pass-2017x"
#define MAX_HEADERS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static tg_http_server *srv;
static struct account {
	const char *name;
	char token[128], csrf[128];
} office = {"fz-office", "", ""}, unit = {"fz-unit", "", ""};

static void remove_tree(const char *path, bool keep_top)
{
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(sub, false);
		else
			unlink(sub);
	}
	if (d)
		closedir(d);
	if (!keep_top)
		rmdir(path);
}

static void teardown(void)
{
	http_stop(srv);
	srv = NULL;
	remove_tree(dir, false);
}

static void die(const char *what, const tg_error *err)
{
	fprintf(stderr, "fuzz_http setup: %s: %s [%s]\n", what, err ? err->message : "",
		err ? err->code : "");
	abort();
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		die(path, NULL);
}

static void add_user(tg_store *s, const char *name, const char *role, const char *unit_id)
{
	tg_user u;
	tg_error err = {0};
	memset(&u, 0, sizeof u);
	snprintf(u.username, sizeof u.username, "%s", name);
	snprintf(u.role, sizeof u.role, "%s", role);
	snprintf(u.unit, sizeof u.unit, "%s", unit_id);
	if (http_password_hash(PASSWORD, u.password_hash, &err) || store_user_add(s, &u, &err))
		die("user add", &err);
}

/* Log in through the server itself; keeps the token and CSRF token. */
static void login(struct account *a)
{
	char body[256];
	snprintf(body, sizeof body, "{\"username\": \"%s\", \"password\": \"%s\"}", a->name, PASSWORD);
	tg_http_header h[] = {{"Content-Type", "application/json"}};
	tg_http_answer ans;
	http_handle(srv, "POST", "/api/v1/session", h, 1, body, strlen(body), &ans);
	if (ans.status == 200) {
		for (int i = 0; i < ans.n_headers; i++)
			if (!strcasecmp(ans.headers[i].name, "Set-Cookie") &&
			    !strncmp(ans.headers[i].value, "tuogou_session=", 15))
				snprintf(a->token, sizeof a->token, "%.*s",
					 (int)strcspn(ans.headers[i].value + 15, ";"),
					 ans.headers[i].value + 15);
		json_t *j = json_loads(ans.body, 0, NULL);
		const char *csrf = json_string_value(json_object_get(j, "csrf_token"));
		snprintf(a->csrf, sizeof a->csrf, "%s", csrf ? csrf : "");
		json_decref(j);
	}
	/* a locked account (the fuzzer guessed wrong passwords) keeps the old session */
	http_answer_free(&ans);
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tg-fuzz-http-XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	atexit(teardown);
	char db[128], web[128], path[192], evidence[128];
	snprintf(db, sizeof db, "%s/tuogou.db", dir);
	snprintf(web, sizeof web, "%s/web", dir);
	snprintf(evidence, sizeof evidence, "%s/evidence", dir);
	mkdir(web, 0700);
	snprintf(path, sizeof path, "%s/assets", web);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/index.html", web);
	write_file(path, "<!doctype html><title>脱钩</title>\n");
	snprintf(path, sizeof path, "%s/assets/app.js", web);
	write_file(path, "console.log('ok');\n");
	snprintf(path, sizeof path, "%s/secret.txt", dir);
	write_file(path, "outside the web root\n");

	tg_store *s = NULL;
	tg_plan *plan = NULL;
	tg_register r;
	tg_errors errs;
	tg_error err = {0};
	register_init(&r);
	tg_errors_init(&errs);
	if (store_open(db, &s, &err))
		die("store_open", &err);
	if (plan_load_default(&plan, &errs))
		die("plan", NULL);
	const char **ids = calloc(plan->n_batches + 1, sizeof *ids);
	for (size_t i = 0; ids && i < plan->n_batches; i++)
		ids[i] = plan->batches[i].id;
	if (bundle_read_file(TG_SOURCE_DIR "/tests/data/http-bundle.json", &r, &errs) ||
	    register_resolve(&r, ids, plan->n_batches, NULL, &errs))
		die("bundle " TG_SOURCE_DIR "/tests/data/http-bundle.json", errs.count ? &errs.items[0] : NULL);
	if (store_import(s, &r, &err) || store_set_plan(s, plan->id, plan->json, plan->json_len, &err))
		die("import", &err);
	add_user(s, office.name, "office", "");
	add_user(s, unit.name, "unit",
		 r.t[ARR_UNITS].count ? REG_ROWS(&r, ARR_UNITS, const tg_unit)[0].id : "U06");
	free(ids);
	register_release(&r);
	tg_errors_free(&errs);
	plan_free(plan);
	store_close(s);

	tg_http_config cfg = {0};
	cfg.db = db;
	cfg.web = web;
	cfg.evidence = evidence;
	cfg.in_process = true;
	cfg.trusted_proxies = "127.0.0.1"; /* the in-process peer: X-Forwarded-For is read */
	if (http_start(&cfg, &srv, NULL, &err))
		die("http_start", &err);
	login(&office);
	login(&unit);
}

static bool json_loadb_ok(const char *body, size_t len)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	json_decref(j);
	return j != NULL;
}

/* Header value with the placeholders replaced (malloc'd). */
static char *expand(const char *v)
{
	static const struct {
		const char *mark;
		size_t off; /* which account field */
	} marks[] = {{"@SESSION@", 0}, {"@CSRF@", 1}, {"@USESSION@", 2}, {"@UCSRF@", 3}};
	const char *vals[4] = {office.token, office.csrf, unit.token, unit.csrf};
	size_t cap = strlen(v) * 2 + 256, n = 0;
	char *out = malloc(cap);
	if (!out)
		abort();
	while (*v) {
		size_t k = 0;
		for (; k < sizeof marks / sizeof marks[0]; k++)
			if (!strncmp(v, marks[k].mark, strlen(marks[k].mark)))
				break;
		if (k < sizeof marks / sizeof marks[0]) {
			size_t l = strlen(vals[marks[k].off]);
			if (n + l + 1 >= cap) {
				cap = (n + l + 1) * 2;
				out = realloc(out, cap);
				if (!out)
					abort();
			}
			memcpy(out + n, vals[marks[k].off], l);
			n += l;
			v += strlen(marks[k].mark);
			continue;
		}
		if (n + 2 >= cap) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
		out[n++] = *v++;
	}
	out[n] = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!srv)
		setup();
	/* the request as one string; NUL bytes end a line's text, as for a server */
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	char *p = text, *end = text + size;

	char *line_end = memchr(p, '\n', (size_t)(end - p));
	if (!line_end) {
		free(text);
		return 0;
	}
	*line_end = '\0';
	if (line_end > p && line_end[-1] == '\r')
		line_end[-1] = '\0';
	char *method = p, *url = strchr(p, ' ');
	if (!url || url == method) {
		free(text);
		return 0;
	}
	*url++ = '\0';
	char *version = strchr(url, ' ');
	if (version)
		*version = '\0';
	p = line_end + 1;

	tg_http_header headers[MAX_HEADERS];
	char *owned[MAX_HEADERS];
	size_t nh = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl ? nl : end;
		bool blank = stop == p || (stop == p + 1 && *p == '\r');
		if (blank) {
			p = nl ? nl + 1 : end;
			break;
		}
		*stop = '\0';
		if (stop > p && stop[-1] == '\r')
			stop[-1] = '\0';
		char *colon = strchr(p, ':');
		if (colon && nh < MAX_HEADERS) {
			*colon = '\0';
			char *v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			owned[nh] = expand(v);
			headers[nh].name = p;
			headers[nh].value = owned[nh];
			nh++;
		}
		p = nl ? nl + 1 : end;
	}
	size_t body_len = p < end ? (size_t)(end - p) : 0;

	tg_http_answer ans;
	http_handle(srv, method, url, headers, nh, p < end ? p : "", body_len, &ans);
	if (getenv("TG_FUZZ_VERBOSE")) /* what each input got, to review seeds */
		fprintf(stderr, "%u %s %s %.120s\n", ans.status, method, url, ans.body);
	if (ans.status < 200 || ans.status > 599 || !ans.body)
		abort();
	/* every JSON answer is JSON: valid UTF-8 whatever the request echoed */
	if (ans.content_type && !strncmp(ans.content_type, "application/json", 16) &&
	    (!utf8_valid(ans.body, ans.body_len) || !json_loadb_ok(ans.body, ans.body_len))) {
		fprintf(stderr, "fuzz_http: invalid JSON for %s %s: %s\n", method, url, ans.body);
		abort();
	}
	if (ans.status == 500) {
		fprintf(stderr, "fuzz_http: 500 for %s %s: %s\n", method, url, ans.body);
		abort();
	}
	/* the fuzzer logged the harness's account out: log in again */
	if (ans.status == 204 && !strcmp(method, "DELETE")) {
		login(&office);
		login(&unit);
	}
	http_answer_free(&ans);
	for (size_t i = 0; i < nh; i++)
		free(owned[i]);
	free(text);
	return 0;
}
