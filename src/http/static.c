/*
** static.c: the files of the web UI.
**
** Serves regular files below the UI folder (web/dist, else web/) and
** nothing else: the requested path is resolved with realpath() and must lie
** inside the folder's own realpath, so "..", encoded dots and symbolic links
** pointing out all end in 404.  "/" is index.html; a path outside /api whose
** last segment has no dot and matches no file is a page of the single-page
** application and gets index.html too, except below /public, the public
** page without login, which gets public.html.  Only GET and HEAD.
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "respond.h"

static const struct {
	const char *ext, *type;
} mime_types[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"map", "application/json; charset=utf-8"},
	{"txt", "text/plain; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"webp", "image/webp"},
	{"ico", "image/x-icon"},
	{"woff", "font/woff"},
	{"woff2", "font/woff2"},
	{"ttf", "font/ttf"},
	{"otf", "font/otf"},
	{"wasm", "application/wasm"},
	{"pdf", "application/pdf"},
	{"webmanifest", "application/manifest+json"},
};

static const char *mime_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	if (dot)
		for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
			if (!strcasecmp(dot + 1, mime_types[i].ext))
				return mime_types[i].type;
	return "application/octet-stream";
}

static int not_found(http_request *rq)
{
	return reply_error(rq, HTTP_NOT_FOUND, "not_found", NULL, "页面不存在");
}

/* A page of the application: no dot in the last segment. */
static bool is_app_path(const char *path)
{
	const char *last = strrchr(path, '/');
	return !strchr(last ? last : path, '.');
}

static int send_file(http_request *rq, const char *real)
{
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return not_found(rq);
	}
	rq->fd = fd;
	rq->fd_size = (uint64_t)st.st_size;
	return reply(rq, HTTP_OK, mime_of(real));
}

/* Resolve path below root; NULL when it is not a file inside. */
static char *resolve(const char *root, const char *path)
{
	char joined[PATH_MAX];
	if ((size_t)snprintf(joined, sizeof joined, "%s/%s", root, path) >= sizeof joined)
		return NULL;
	char *real = realpath(joined, NULL);
	size_t n = strlen(root);
	if (!real)
		return NULL;
	if (strncmp(real, root, n) || real[n] != '/') {
		free(real);
		return NULL;
	}
	struct stat st;
	if (stat(real, &st) || !S_ISREG(st.st_mode)) {
		free(real);
		return NULL;
	}
	return real;
}

int static_serve(http_request *rq)
{
	const char *root = rq->srv->web_root;
	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
		reply_header(rq, "Allow", "GET, HEAD");
		return reply_error(rq, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
				   "不支持的请求方法 %s", rq->method);
	}
	if (!root || rq->path[0] != '/')
		return not_found(rq);
	/* Refuse any ".." segment outright, before the file system sees it. */
	for (const char *p = rq->path; (p = strstr(p, "..")); p += 2)
		if ((p == rq->path || p[-1] == '/' || p[-1] == '\\') &&
		    (p[2] == '\0' || p[2] == '/' || p[2] == '\\'))
			return not_found(rq);
	if (strchr(rq->path, '\\'))
		return not_found(rq);
	const char *rel = rq->path + 1;
	char *real = *rel ? resolve(root, rel) : NULL;
	/* The public page (公示) is its own small document, public.html. */
	if (!real && (!strcmp(rq->path, "/public") || !strncmp(rq->path, "/public/", 8)) &&
	    is_app_path(rq->path))
		real = resolve(root, "public.html");
	if (!real && (!*rel || is_app_path(rq->path)))
		real = resolve(root, "index.html");
	if (!real)
		return not_found(rq);
	int rc = send_file(rq, real);
	free(real);
	return rc;
}
