/*
** http_status.h: the status codes and header names the handlers answer
** with, as numbers and strings of their own, so that no handler names the
** HTTP library (the front end, server.c, maps a response onto it).
*/
#ifndef TG_HTTP_STATUS_H
#define TG_HTTP_STATUS_H

enum http_status {
	HTTP_OK = 200,
	HTTP_CREATED = 201,
	HTTP_ACCEPTED = 202,
	HTTP_NO_CONTENT = 204,
	HTTP_NOT_MODIFIED = 304,
	HTTP_BAD_REQUEST = 400,
	HTTP_UNAUTHORIZED = 401,
	HTTP_FORBIDDEN = 403,
	HTTP_NOT_FOUND = 404,
	HTTP_METHOD_NOT_ALLOWED = 405,
	HTTP_CONFLICT = 409,
	HTTP_CONTENT_TOO_LARGE = 413,
	HTTP_UNSUPPORTED_MEDIA_TYPE = 415,
	HTTP_LOCKED = 423,
	HTTP_TOO_MANY_REQUESTS = 429,
	HTTP_INTERNAL_SERVER_ERROR = 500,
	HTTP_SERVICE_UNAVAILABLE = 503
};

#define HTTP_HEADER_CONTENT_LENGTH "Content-Length"
#define HTTP_HEADER_CONTENT_TYPE "Content-Type"
#define HTTP_HEADER_COOKIE "Cookie"
#define HTTP_HEADER_HOST "Host"
#define HTTP_HEADER_REFERER "Referer"
#define HTTP_HEADER_SET_COOKIE "Set-Cookie"

#endif
