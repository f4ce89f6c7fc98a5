/*
** client_addr.h: the client's address of a request, and the proxies
** trusted to tell it (`tuogou serve --trusted-proxy ADDR[,ADDR...]`).
**
** The client of a request is its TCP peer, unless the peer is a trusted
** proxy: then it is the right-most address of X-Forwarded-For that is not
** itself a trusted proxy (nginx's $proxy_add_x_forwarded_for appends the
** peer it saw to what the client sent, so everything left of that may be
** forged).  A missing header, or a malformed one (the element chosen is not
** an IP address), leaves the peer.  Without trusted proxies X-Forwarded-For
** is never read.  rq_client_address sets it once, when a request starts;
** from then on rq->ip is what the per-IP login limit counts, the audit log
** records and the request log prints.
*/
#ifndef TG_HTTP_CLIENT_ADDR_H
#define TG_HTTP_CLIENT_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Room for any address client_address writes (the size of rq->ip). */
#define CLIENT_ADDR_MAX 64
/* More X-Forwarded-For headers than this in one request: malformed. */
#define XFF_MAX_HEADERS 8

typedef struct http_proxies http_proxies;

/* Parse ADDR[,ADDR...]: IPv4 or IPv6 addresses, or networks ADDR/PREFIX
** (host bits zero), spaces around each allowed.  err "bad_trusted_proxy"
** on path "--trusted-proxy" naming the bad element. */
int proxies_parse(const char *list, http_proxies **out, tg_error *err);
void proxies_free(http_proxies *p);
/* Whether addr (text) is one of p's addresses or inside one of its networks;
** an IPv4-mapped IPv6 address counts as its IPv4 address. */
bool proxies_trust(const http_proxies *p, const char *addr);

/* The proxies of the server running in this process (one per process:
** `tuogou serve`, the fuzz harness): http_start installs them before the
** server's threads start, http_stop removes them (NULL: trust none); the
** previous list is freed. */
void proxies_install(http_proxies *p);

/* The client's address from the peer (text, as inet_ntop wrote it) and the
** values of the request's X-Forwarded-For headers in order, by the rule
** above, written to out in canonical form (inet_ntop; IPv4-mapped IPv6 as
** IPv4).  A peer that is not an address is copied as it is.  Returns out. */
const char *client_address(const http_proxies *p, const char *peer, const char *const *xff,
			   size_t n_xff, char out[CLIENT_ADDR_MAX]);

/* An IPv4 address (4 bytes, network order) as dotted text, what inet_ntop
** writes, without the printf machinery inet_ntop runs for every request. */
void ipv4_text(const unsigned char b[4], char out[16]);

/* rq->ip holds the peer: replace it by the client's address, with the
** installed proxies and the request's headers (see above). */
struct http_request;
void rq_client_address(struct http_request *rq);

#endif
