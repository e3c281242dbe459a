/*
 * A small HTTP/1.1 client for the controller's REST API: one request per connection
 * (Connection: close), JSON bodies, Content-Length or chunked answers, a deadline for the
 * whole exchange. Enough for allocate / renew / release and orion-smi; nothing more.
 */
#ifndef ORION_HTTP_H
#define ORION_HTTP_H

#include <stddef.h>

typedef struct http_response {
    int status;
    char *body;            /* NUL-terminated; may be empty */
    size_t body_len;
} http_response;

/* Sends method path to host:port with an optional JSON body. 0 with *out filled (any status),
 * or -1 with why the exchange failed (cannot connect, timeout, malformed answer) in err. */
int http_request(const char *host, int port, const char *method, const char *path, const char *json_body,
                 int timeout_ms, http_response *out, char *err, size_t errlen);
/* Parses a complete raw answer (status line, headers, body); exposed for the tests. */
int http_parse_response(const char *raw, size_t n, http_response *out, char *err, size_t errlen);
void http_response_free(http_response *r);

#endif
