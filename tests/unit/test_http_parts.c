/*
** test_http_parts.c: unit tests of the pieces of the web server that need
** no socket: the multipart parser and content sniffing (multipart.c), the
** route table's matching and its deny-by-default shape (routes.c), the
** password rules (auth.c), the field rights of departments (policy.c) and
** the client's address behind trusted proxies (client_addr.c).
*/
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "client_addr.h"
#include "api.h"
#include "app.h"
#include "http.h"
#include "multipart.h"
#include "policy.h"
#include "routes.h"

/* ---- multipart ---- */

static void test_boundary(void **state)
{
	char b[80];
	(void)state;
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=abc123", b, sizeof b), 0);
	assert_string_equal(b, "abc123");
	assert_int_equal(multipart_boundary("multipart/form-data; charset=utf-8; boundary=\"x y\"", b,
					    sizeof b), 0);
	assert_string_equal(b, "x y");
	assert_int_not_equal(multipart_boundary("application/json", b, sizeof b), 0);
	assert_int_not_equal(multipart_boundary("multipart/form-data", b, sizeof b), 0);
	assert_int_not_equal(multipart_boundary(NULL, b, sizeof b), 0);
}

static const char body[] =
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"rule\"\r\n"
	"\r\n"
	"decoupling.incomplete\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"file\"; filename=\"批复.pdf\"\r\n"
	"Content-Type: application/octet-stream\r\n"
	"\r\n"
	"%PDF-1.4\r\n--not the boundary\r\n"
	"\r\n--XyZ--\r\n";

static void test_parse(void **state)
{
	mp_form f;
	(void)state;
	assert_int_equal(multipart_parse(body, sizeof body - 1, "XyZ", &f), 0);
	assert_int_equal(f.n, 2);
	const mp_part *rule = multipart_get(&f, "rule");
	assert_non_null(rule);
	assert_int_equal(rule->len, strlen("decoupling.incomplete"));
	assert_memory_equal(rule->data, "decoupling.incomplete", rule->len);
	assert_null(rule->filename);
	const mp_part *file = multipart_get(&f, "file");
	assert_non_null(file);
	assert_string_equal(file->filename, "批复.pdf");
	assert_string_equal(file->content_type, "application/octet-stream");
	assert_int_equal(file->len, strlen("%PDF-1.4\r\n--not the boundary\r\n"));
	assert_null(multipart_get(&f, "subject"));
	multipart_free(&f);
}

static void test_parse_malformed(void **state)
{
	mp_form f;
	(void)state;
	static const char no_end[] = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx";
	assert_int_not_equal(multipart_parse(no_end, sizeof no_end - 1, "B", &f), 0);
	multipart_free(&f);
	static const char no_name[] = "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n";
	assert_int_not_equal(multipart_parse(no_name, sizeof no_name - 1, "B", &f), 0);
	multipart_free(&f);
	static const char no_headers[] = "--B\r\nxxxxxxxx";
	assert_int_not_equal(multipart_parse(no_headers, sizeof no_headers - 1, "B", &f), 0);
	multipart_free(&f);
	assert_int_not_equal(multipart_parse("", 0, "B", &f), 0);
	multipart_free(&f);
	static const char wrong[] = "--A\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--A--";
	assert_int_not_equal(multipart_parse(wrong, sizeof wrong - 1, "B", &f), 0);
	multipart_free(&f);
}

static void test_sniff(void **state)
{
	(void)state;
	assert_string_equal(app_sniff_content_type("%PDF-1.7\n", 9), "application/pdf");
	assert_string_equal(app_sniff_content_type("\x89PNG\r\n\x1a\n....", 12), "image/png");
	assert_string_equal(app_sniff_content_type("\xff\xd8\xff\xe0", 4), "image/jpeg");
	static const char xlsx[] = "PK\x03\x04....[Content_Types].xml....xl/workbook.xml";
	assert_string_equal(app_sniff_content_type(xlsx, sizeof xlsx - 1),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	static const char docx[] = "PK\x03\x04....[Content_Types].xml....word/document.xml";
	assert_string_equal(app_sniff_content_type(docx, sizeof docx - 1),
			    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_null(app_sniff_content_type("PK\x03\x04 some zip", 14));
	assert_string_equal(app_sniff_content_type("纪要\n", strlen("纪要\n")), "text/plain; charset=utf-8");
	assert_null(app_sniff_content_type("\x7f" "ELF", 4));
	assert_null(app_sniff_content_type("a\0b", 3));
	assert_null(app_sniff_content_type("\xc3\x28", 2)); /* invalid UTF-8 */
	assert_null(app_sniff_content_type("", 0));
}

/* ---- routes ---- */

static void test_route_match(void **state)
{
	route_params p = {{0}, 0};
	bool known;
	(void)state;
	const tg_route *r = route_match("GET", "/api/v1/associations/51410300MJ28509647", &p, &known);
	assert_non_null(r);
	assert_int_equal(r->array, ARR_ASSOCIATIONS);
	assert_int_equal(r->scope, SCOPE_RECORD);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.value[0], "51410300MJ28509647");
	route_params_free(&p);

	r = route_match("GET", "/api/v1/annual_reports/51410300MJ28509647/2017", &p, &known);
	assert_non_null(r);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.value[1], "2017");
	route_params_free(&p);

	r = route_match("GET", "/api/v1/associations/X/checklist", &p, &known);
	assert_non_null(r);
	assert_ptr_equal(r->fn, api_checklist_get);
	route_params_free(&p);

	assert_null(route_match("DELETE", "/api/v1/associations/X", &p, &known));
	assert_true(known); /* 405, not 404 */
	assert_null(route_match("GET", "/api/v1/associations/X/nothing", &p, &known));
	assert_false(known);
	assert_null(route_match("GET", "/api/v1/associations//checklist", &p, &known));
	assert_null(route_match("GET", "/api/v1/associations/", &p, &known));
	assert_non_null(route_match("HEAD", "/healthz", &p, &known));
	route_params_free(&p);
}

/* Deny by default: only /healthz, the login and the public page are open;
** the three administrators share no route with the business roles except
** the session, the working-day calendar (no business data) and the inbox
** (each its own kind's work), and each of
** their own routes belongs to one administrator only (三员分立). */
static void test_route_table_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < tg_routes_count; i++) {
		const tg_route *r = &tg_routes[i];
		if (r->roles & R_PUBLIC)
			assert_true(!strcmp(r->pattern, "/healthz") ||
				    !strcmp(r->pattern, "/api/v1/session") ||
				    !strncmp(r->pattern, "/api/v1/public/", 15));
		unsigned admins = r->roles & R_ADMINS;
		if (admins && (r->roles & R_BUSINESS))
			/* the inbox answers each caller with its own kind's work:
			** business items to business roles, account requests to
			** the administrators who approve them (api_inbox.c) */
			assert_true(!strcmp(r->pattern, "/api/v1/session") ||
				    !strcmp(r->pattern, "/api/v1/calendar/workdays") ||
				    !strcmp(r->pattern, "/api/v1/inbox"));
		else if (admins == (R_SYSADMIN | R_SECADMIN))
			/* the accounts: one proposes, the other kind approves (issue 14) */
			assert_true(!strncmp(r->pattern, "/api/v1/users", 13) ||
				    !strncmp(r->pattern, "/api/v1/user-requests", 21));
		else if (admins)
			assert_true(admins == R_SYSADMIN || admins == R_SECADMIN ||
				    admins == R_AUDITOR);
		assert_int_not_equal(r->roles, 0);
		assert_non_null(r->fn);
		/* route_body_cap looks up only the methods that take a body */
		if (r->body_cap)
			assert_true(!strcmp(r->method, "POST") || !strcmp(r->method, "PUT") ||
				    !strcmp(r->method, "PATCH"));
		/* Unique: one route per method and pattern. */
		for (size_t j = 0; j < i; j++)
			assert_false(!strcmp(tg_routes[j].method, r->method) &&
				     !strcmp(tg_routes[j].pattern, r->pattern));
	}
	assert_int_equal(route_body_cap("POST", "/api/v1/import"), HTTP_IMPORT_CAP);
	assert_int_equal(route_body_cap("POST", "/api/v1/associations/X/evidence"), HTTP_UPLOAD_CAP);
	assert_int_equal(route_body_cap("PUT", "/api/v1/persons/P1"), HTTP_JSON_CAP);
	assert_int_equal(route_body_cap("GET", "/api/v1/import"), HTTP_JSON_CAP);
}

/* ---- passwords and rights ---- */

static void test_password_rules(void **state)
{
	tg_error e;
	(void)state;
	assert_int_equal(http_password_check("boss", "Zz-test-Pass-2017", &e), 0);
	assert_int_not_equal(http_password_check("boss", "Short-1a", &e), 0);
	assert_string_equal(e.code, "weak_password");
	assert_int_not_equal(http_password_check("boss", "alllowercaseletters", &e), 0);
	assert_int_equal(http_password_check("boss", "lowercase-and-123", &e), 0);
	assert_int_not_equal(http_password_check("zhangsan", "My-ZhangSan-2017", &e), 0);
	assert_int_not_equal(http_password_check("boss", "Tab\there-Pass-1", &e), 0);
	/* common passwords, though long enough and of three kinds (zxcvbn) */
	static const char *const common[][2] = {
		{"Password123", "常见单词或常用密码"}, {"Qwerty123!", "常见单词"},
		{"P@ssw0rd2017", "字母换成数字或符号"},
		{"Zxcvbnm,./12", "键盘上相邻的按键"}};
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
		memset(&e, 0, sizeof e);
		assert_int_equal(http_password_check("boss", common[i][0], &e), TG_EINVAL);
		assert_string_equal(e.code, "weak_password");
		assert_string_equal(e.path, "password");
		assert_non_null(strstr(e.message, "密码太容易被猜中"));
		if (!strstr(e.message, common[i][1]))
			fail_msg("%s: %s", common[i][0], e.message);
	}
	/* the test suite's passwords pass */
	assert_int_equal(http_password_check("office1", "Tuogou-Test-2017", &e), 0);
	assert_int_equal(http_password_check("gxw2", "Other-Pass-2018", &e), 0);
}

static void test_rights(void **state)
{
	tg_user fin = {0}, unit = {0}, office = {0}, sys = {0};
	(void)state;
	strcpy(fin.role, "department");
	strcpy(fin.department, "finance");
	strcpy(unit.role, "unit");
	strcpy(unit.unit, "U01");
	strcpy(office.role, "office");
	strcpy(sys.role, "sysadmin");
	assert_true(policy_can_write_field(&fin, ARR_ASSOCIATIONS, "independent_account_on"));
	assert_false(policy_can_write_field(&fin, ARR_ASSOCIATIONS, "decoupled_on"));
	assert_true(policy_can_create(&fin, ARR_APPROPRIATIONS));
	assert_false(policy_can_create(&fin, ARR_ASSOCIATIONS));
	assert_true(policy_can_write_field(&unit, ARR_ASSOCIATIONS, "decoupled_on"));
	assert_false(policy_can_write_field(&unit, ARR_ASSOCIATIONS, "accepted_on"));
	assert_false(policy_can_create(&unit, ARR_ASSOCIATIONS));
	assert_true(policy_can_write_field(&office, ARR_BATCHES, "due"));
	assert_false(policy_can_write_field(&sys, ARR_ASSOCIATIONS, "name"));
	assert_false(policy_can_create(&sys, ARR_STAFF));
	tg_record_filter f = policy_scope(&unit);
	assert_string_equal(f.unit, "U01");
	assert_null(f.association);
	assert_false(policy_sees_all(&unit));
	assert_true(policy_sees_all(&fin));
}

/* ---- trusted proxies and the client's address ---- */

static void test_proxies_parse(void **state)
{
	static const char *good[] = {"127.0.0.1", "::1", "127.0.0.1,::1", " 10.0.0.1 , 10.0.0.2 ",
				     "10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "fd00::/8",
				     "2001:db8::/32", "::ffff:10.0.0.0/104", "10.1.2.3/32"};
	static const struct {
		const char *list, *names;
	} bad[] = {{"", ""},
		   {",", ""},
		   {"127.0.0.1,", ""},
		   {"127.0.0.1,,::1", ""},
		   {"localhost", "“localhost”"},
		   {"127.1", "“127.1”"},
		   {"127.0.0.1:80", "“127.0.0.1:80”"},
		   {"[::1]", "“[::1]”"},
		   {"10.0.0.1/8", "主机位"},
		   {"10.0.0.0/33", "前缀"},
		   {"::/129", "前缀"},
		   {"10.0.0.0/", "前缀"},
		   {"10.0.0.0/+8", "前缀"},
		   {"10.0.0.0/0008", "前缀"},
		   {"::ffff:10.0.0.0/8", "前缀"},
		   {"127.0.0.1, 999.0.0.1", "“999.0.0.1”"}};
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		http_proxies *p = NULL;
		tg_error err = {0};
		if (proxies_parse(good[i], &p, &err))
			fail_msg("%s: %s", good[i], err.message);
		assert_non_null(p);
		proxies_free(p);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		http_proxies *p = (http_proxies *)&p;
		tg_error err = {0};
		if (proxies_parse(bad[i].list, &p, &err) != TG_EINVAL)
			fail_msg("accepted: %s", bad[i].list);
		assert_null(p);
		assert_string_equal(err.code, "bad_trusted_proxy");
		assert_string_equal(err.path, "--trusted-proxy");
		if (!strstr(err.message, bad[i].names))
			fail_msg("%s: %s", bad[i].list, err.message);
	}
}

static void test_proxies_trust(void **state)
{
	http_proxies *p = NULL;
	tg_error err = {0};
	(void)state;
	assert_int_equal(proxies_parse("127.0.0.1,10.0.0.0/8,172.16.0.0/12,fd00::/8,::1", &p, &err), 0);
	assert_true(proxies_trust(p, "127.0.0.1"));
	assert_false(proxies_trust(p, "127.0.0.2"));
	assert_true(proxies_trust(p, "10.255.1.2"));
	assert_false(proxies_trust(p, "11.0.0.1"));
	assert_true(proxies_trust(p, "172.31.255.255"));
	assert_false(proxies_trust(p, "172.32.0.0"));
	assert_true(proxies_trust(p, "fdab::1"));
	assert_false(proxies_trust(p, "fe80::1"));
	assert_true(proxies_trust(p, "::1"));
	assert_true(proxies_trust(p, "::ffff:127.0.0.1")); /* a dual-stack socket's IPv4 peer */
	assert_true(proxies_trust(p, "::FFFF:10.0.0.9"));
	assert_false(proxies_trust(p, "::127.0.0.1"));
	assert_false(proxies_trust(p, "x"));
	assert_false(proxies_trust(p, ""));
	assert_false(proxies_trust(NULL, "127.0.0.1"));
	proxies_free(p);
}

/* client_address with the X-Forwarded-For values a, b (NULL: fewer). */
static const char *client(const http_proxies *p, const char *peer, const char *a, const char *b)
{
	static char out[CLIENT_ADDR_MAX];
	const char *xff[2] = {a, b};
	return client_address(p, peer, xff, b ? 2 : a ? 1 : 0, out);
}

static void test_client_address(void **state)
{
	http_proxies *lo = NULL, *chain = NULL;
	tg_error err = {0};
	(void)state;
	assert_int_equal(proxies_parse("127.0.0.1,::1", &lo, &err), 0);
	assert_int_equal(proxies_parse("127.0.0.1,10.0.0.0/8", &chain, &err), 0);

	/* no trusted proxies: the header is ignored */
	assert_string_equal(client(NULL, "127.0.0.1", "203.0.113.7", NULL), "127.0.0.1");
	assert_string_equal(client(NULL, "::ffff:198.51.100.2", "203.0.113.7", NULL),
			    "198.51.100.2");
	/* a peer that is not trusted: ignored too */
	assert_string_equal(client(lo, "198.51.100.2", "203.0.113.7", NULL), "198.51.100.2");
	/* from a trusted proxy: the right-most address */
	assert_string_equal(client(lo, "127.0.0.1", "203.0.113.7", NULL), "203.0.113.7");
	assert_string_equal(client(lo, "::ffff:127.0.0.1", "203.0.113.7", NULL), "203.0.113.7");
	assert_string_equal(client(lo, "127.0.0.1", "198.51.100.1, 203.0.113.7", NULL),
			    "203.0.113.7");
	assert_string_equal(client(lo, "127.0.0.1", " 198.51.100.1 ,\t203.0.113.7\t", NULL),
			    "203.0.113.7");
	assert_string_equal(client(lo, "::1", "2001:DB8:0:0::1", NULL), "2001:db8::1");
	assert_string_equal(client(lo, "127.0.0.1", "::ffff:203.0.113.7", NULL), "203.0.113.7");
	/* what the client put left of it is never read */
	assert_string_equal(client(lo, "127.0.0.1", "forged, 203.0.113.7", NULL), "203.0.113.7");
	assert_string_equal(client(lo, "127.0.0.1", ", 203.0.113.7", NULL), "203.0.113.7");
	/* past trusted proxies, right to left, through several headers */
	assert_string_equal(client(chain, "127.0.0.1", "198.51.100.1, 203.0.113.7, 10.1.1.1", NULL),
			    "203.0.113.7");
	assert_string_equal(client(chain, "127.0.0.1", "198.51.100.1", "203.0.113.7"),
			    "203.0.113.7");
	assert_string_equal(client(chain, "127.0.0.1", "203.0.113.7", "10.1.1.1, 10.2.2.2"),
			    "203.0.113.7");
	assert_string_equal(client(chain, "10.3.3.3", "203.0.113.7, 127.0.0.1", NULL),
			    "203.0.113.7");
	/* all of them trusted: the left-most */
	assert_string_equal(client(chain, "127.0.0.1", "10.1.1.1, 10.2.2.2", NULL), "10.1.1.1");
	/* missing or malformed: the peer */
	assert_string_equal(client(lo, "127.0.0.1", NULL, NULL), "127.0.0.1");
	static const char *malformed[] = {"",
					  " ",
					  "unknown",
					  "203.0.113.7, ",
					  "203.0.113.7,",
					  "198.51.100.1, bogus",
					  "203.0.113.7:4711",
					  "[2001:db8::1]",
					  "2001:db8::1%eth0",
					  "203.0.113.007",
					  "203.0.113.7 198.51.100.1",
					  "1111:2222:3333:4444:5555:6666:7777:8888:9999"};
	for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
		const char *got = client(lo, "127.0.0.1", malformed[i], NULL);
		if (strcmp(got, "127.0.0.1"))
			fail_msg("\"%s\" gave %s", malformed[i], got);
	}
	assert_string_equal(client(chain, "127.0.0.1", "203.0.113.7, 10.1.1.1, x", NULL),
			    "127.0.0.1");
	assert_string_equal(client(lo, "127.0.0.1", "198.51.100.1", "bogus"), "127.0.0.1");
	/* a peer that is no address (an in-process request's "?") stays */
	assert_string_equal(client(lo, "?", "203.0.113.7", NULL), "?");
	proxies_free(lo);
	proxies_free(chain);
}

/* ipv4_text writes what inet_ntop writes, for every value of each byte. */
static void test_ipv4_text(void **state)
{
	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		unsigned char b[4] = {(unsigned char)v, (unsigned char)(255 - v),
				      (unsigned char)(v * 7), (unsigned char)(v / 3)};
		char mine[16], libc[INET_ADDRSTRLEN];
		ipv4_text(b, mine);
		assert_non_null(inet_ntop(AF_INET, b, libc, sizeof libc));
		assert_string_equal(mine, libc);
	}
	char out[16];
	ipv4_text((const unsigned char[4]){255, 255, 255, 255}, out);
	assert_string_equal(out, "255.255.255.255");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_route_match),
		cmocka_unit_test(test_route_table_shape),
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_rights),
		cmocka_unit_test(test_proxies_parse),
		cmocka_unit_test(test_proxies_trust),
		cmocka_unit_test(test_client_address),
		cmocka_unit_test(test_ipv4_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
