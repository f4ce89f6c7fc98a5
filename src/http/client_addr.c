/*
** client_addr.c: the client's address of a request (client_addr.h) and the
** trusted proxies of `tuogou serve --trusted-proxy`.
**
** Addresses are compared as bytes: an IPv4 address is 4, an IPv6 one 16,
** and an IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack
** socket reports for an IPv4 peer) is taken as the IPv4 address, so that
** one client is one address whichever way it is written.
*/
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_addr.h"
#include "request.h"
#include "strbuf.h"

typedef struct ip_addr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char b[16];
} ip_addr;

typedef struct proxy_net {
	ip_addr addr;
	unsigned prefix; /* bits of addr that must match */
} proxy_net;

struct http_proxies {
	size_t n;
	proxy_net net[];
};

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Parse len bytes of s as one IPv4 or IPv6 address (nothing around it). */
static bool parse_ip(const char *s, size_t len, ip_addr *out)
{
	char buf[INET6_ADDRSTRLEN];
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, buf, out->b) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out->b) != 1)
		return false;
	out->family = AF_INET6;
	if (!memcmp(out->b, v4_mapped, sizeof v4_mapped)) {
		memmove(out->b, out->b + 12, 4);
		memset(out->b + 4, 0, 12);
		out->family = AF_INET;
	}
	return true;
}

static unsigned addr_bits(const ip_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static bool in_net(const proxy_net *n, const ip_addr *a)
{
	if (n->addr.family != a->family)
		return false;
	unsigned full = n->prefix / 8, rest = n->prefix % 8;
	if (memcmp(n->addr.b, a->b, full))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xffu << (8 - rest));
	return (n->addr.b[full] & mask) == (a->b[full] & mask);
}

static bool trusted(const http_proxies *p, const ip_addr *a)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (in_net(&p->net[i], a))
			return true;
	return false;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* s[*from, *to) without the spaces and tabs around it. */
static void trim(const char *s, size_t *from, size_t *to)
{
	while (*from < *to && is_space(s[*from]))
		(*from)++;
	while (*to > *from && is_space(s[*to - 1]))
		(*to)--;
}

/* The error naming the element (its first 64 bytes, not cutting a UTF-8
** character). */
static int bad_entry(tg_error *err, const char *s, size_t len, const char *why)
{
	if (len > 64) {
		len = 64;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	return tg_error_set(err, TG_EINVAL, "bad_trusted_proxy", "--trusted-proxy", "“%.*s”%s",
			    (int)len, s, why);
}

/* One element of the list: ADDR or ADDR/PREFIX. */
static int parse_net(const char *s, size_t len, proxy_net *out, tg_error *err)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	if (!parse_ip(s, alen, &out->addr))
		return bad_entry(err, s, len,
				 "不是 IP 地址或网段（应如 127.0.0.1、::1 或 10.0.0.0/8）");
	unsigned bits = addr_bits(&out->addr);
	out->prefix = bits;
	if (!slash)
		return TG_OK;
	const char *d = slash + 1;
	size_t dl = len - alen - 1;
	unsigned prefix = 0;
	bool ok = dl >= 1 && dl <= 3;
	for (size_t i = 0; ok && i < dl; i++) {
		ok = d[i] >= '0' && d[i] <= '9';
		prefix = prefix * 10 + (unsigned)(d[i] - '0');
	}
	/* an IPv4-mapped network (::ffff:10.0.0.0/104) is the IPv4 one */
	if (ok && out->addr.family == AF_INET && memchr(s, ':', alen)) {
		if (prefix < 96)
			ok = false;
		else
			prefix -= 96;
	}
	if (!ok || prefix > bits)
		return bad_entry(err, s, len, "的前缀长度无效（IPv4 为 0–32，IPv6 为 0–128）");
	out->prefix = prefix;
	for (unsigned i = prefix; i < bits; i++) /* the network's own address */
		if (out->addr.b[i / 8] & (0x80u >> (i % 8)))
			return bad_entry(err, s, len,
					 "的主机位不为零（网段请写网络地址，如 10.0.0.0/8）");
	return TG_OK;
}

int proxies_parse(const char *list, http_proxies **out, tg_error *err)
{
	*out = NULL;
	size_t n = 1;
	for (const char *c = list; *c; c++)
		n += *c == ',';
	http_proxies *p = calloc(1, sizeof *p + n * sizeof p->net[0]);
	if (!p)
		return TG_ENOMEM;
	const char *s = list;
	for (;;) {
		size_t from = 0, to = strcspn(s, ",");
		trim(s, &from, &to);
		if (from == to) {
			proxies_free(p);
			return tg_error_set(err, TG_EINVAL, "bad_trusted_proxy", "--trusted-proxy",
					    "缺少地址（多个地址用逗号分隔，如 127.0.0.1,::1）");
		}
		int rc = parse_net(s + from, to - from, &p->net[p->n], err);
		if (rc) {
			proxies_free(p);
			return rc;
		}
		p->n++;
		s += strcspn(s, ",");
		if (!*s)
			break;
		s++;
	}
	*out = p;
	return TG_OK;
}

void proxies_free(http_proxies *p)
{
	free(p);
}

bool proxies_trust(const http_proxies *p, const char *addr)
{
	ip_addr a;
	return addr && parse_ip(addr, strlen(addr), &a) && trusted(p, &a);
}

static http_proxies *installed;

void proxies_install(http_proxies *p)
{
	proxies_free(installed);
	installed = p;
}

void ipv4_text(const unsigned char b[4], char out[16])
{
	char *o = out;
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (i)
			*o++ = '.';
		if (v >= 100)
			*o++ = (char)('0' + v / 100);
		if (v >= 10)
			*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
	}
	*o = '\0';
}

static void format_ip(const ip_addr *a, char out[CLIENT_ADDR_MAX])
{
	if (a->family == AF_INET)
		ipv4_text(a->b, out);
	else if (!inet_ntop(a->family, a->b, out, CLIENT_ADDR_MAX))
		snprintf(out, CLIENT_ADDR_MAX, "?");
}

/* The client among the X-Forwarded-For values, right to left through the
** headers and their elements, past the trusted proxies: 1 found (or all
** were trusted: the left-most), 0 no element, -1 malformed on the way. */
static int forwarded_client(const http_proxies *p, const char *const *xff, size_t n_xff,
			    ip_addr *client)
{
	int found = 0;
	for (size_t h = n_xff; h-- > 0;) {
		const char *v = xff[h] ? xff[h] : "";
		size_t end = strlen(v);
		for (;;) {
			size_t start = end;
			while (start > 0 && v[start - 1] != ',')
				start--;
			size_t from = start, to = end;
			trim(v, &from, &to);
			if (!parse_ip(v + from, to - from, client))
				return -1;
			found = 1;
			if (!trusted(p, client))
				return 1;
			if (start == 0)
				break;
			end = start - 1;
		}
	}
	return found;
}

const char *client_address(const http_proxies *p, const char *peer, const char *const *xff,
			   size_t n_xff, char out[CLIENT_ADDR_MAX])
{
	ip_addr a, client;
	if (!peer || !parse_ip(peer, strlen(peer), &a)) {
		str_copy(out, CLIENT_ADDR_MAX, peer ? peer : "?");
		return out;
	}
	if (trusted(p, &a) && forwarded_client(p, xff, n_xff, &client) == 1)
		a = client;
	format_ip(&a, out);
	return out;
}

void rq_client_address(http_request *rq)
{
	char peer[CLIENT_ADDR_MAX];
	const char *xff[XFF_MAX_HEADERS] = {0};
	size_t n_xff = 0;
	/* no proxy trusted and an IPv4 peer: rq->ip is already the canonical
	** client address (the common case, and every request pays for it) */
	if (!installed && !strchr(rq->ip, ':'))
		return;
	str_copy(peer, sizeof peer, rq->ip);
	if (installed) { /* without trusted proxies the header is never read */
		n_xff = rq_header_all(rq, "X-Forwarded-For", xff, XFF_MAX_HEADERS);
		if (n_xff > XFF_MAX_HEADERS)
			n_xff = 0; /* malformed: the peer */
	}
	client_address(installed, peer, xff, n_xff, rq->ip);
}
