/* The controller's HTTP: answers parsed (lengths, chunks, truncation) and a live exchange with a
 * small server in a thread, which also sees what the client sent. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../src/core/http.h"
#include "check.h"

static int parse(const char *raw, http_response *r, char *err) { return http_parse_response(raw, strlen(raw), r, err, 200); }

static void content_length(void) {
    http_response r;
    char err[200];
    CHECK(!parse("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}trailing", &r, err), "%s", err);
    CHECK(r.status == 201 && r.body_len == 7 && !strcmp(r.body, "{\"a\":1}"), "status %d body '%s'", r.status, r.body);
    http_response_free(&r);
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", &r, err) != 0 && strstr(err, "5 of 10"), "%s", err);
}

static void chunked(void) {
    http_response r;
    char err[200];
    CHECK(!parse("HTTP/1.1 409 Conflict\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"st\r\nA;ext=1\r\natus\":409}\r\n0\r\n\r\n", &r, err),
          "%s", err);
    CHECK(r.status == 409 && !strcmp(r.body, "{\"status\":409}"), "body '%s'", r.body);
    http_response_free(&r);
    CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFF\r\nabc\r\n", &r, err) != 0, "a chunk longer than the body");
    CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", &r, err) != 0, "a chunk size that is no number");
}

static void malformed(void) {
    http_response r;
    char err[200];
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n", &r, err) != 0 && strstr(err, "header"), "%s", err);
    CHECK(parse("SSH-2.0-OpenSSH\r\n\r\n", &r, err) != 0 && strstr(err, "status line"), "%s", err);
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", &r, err) != 0, "a negative length");
    CHECK(parse("HTTP/1.0 204 No Content\r\n\r\n", &r, err) == 0 && r.status == 204 && r.body_len == 0, "an empty answer");
    http_response_free(&r);
}

typedef struct {
    int listener;
    char request[4096];
    const char *answer;
} server;

static void *serve(void *arg) {
    server *s = arg;
    int c = accept(s->listener, NULL, NULL);
    size_t n = 0;
    /* read the header, then as much body as Content-Length says */
    while (n < sizeof s->request - 1) {
        ssize_t r = read(c, s->request + n, sizeof s->request - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        s->request[n] = 0;
        char *end = strstr(s->request, "\r\n\r\n");
        const char *cl = strstr(s->request, "Content-Length: ");
        if (end && cl && (size_t)(s->request + n - (end + 4)) >= (size_t)atoi(cl + 16)) break;
    }
    write(c, s->answer, strlen(s->answer));
    close(c);
    return NULL;
}

static void live_exchange(void) {
    server s = {0};
    s.answer = "HTTP/1.1 201 Created\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{\"id\":\"a-1\"}\n";
    s.listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    CHECK(bind(s.listener, (struct sockaddr *)&a, sizeof a) == 0 && listen(s.listener, 1) == 0, "cannot listen");
    getsockname(s.listener, (struct sockaddr *)&a, &len);
    pthread_t t;
    pthread_create(&t, NULL, serve, &s);
    http_response r;
    char err[300];
    int rc = http_request("127.0.0.1", ntohs(a.sin_port), "POST", "/api/v1/allocations", "{\"count\":1}", 5000, &r, err, sizeof err);
    pthread_join(t, NULL);
    close(s.listener);
    CHECK(rc == 0, "%s", err);
    CHECK(r.status == 201 && !strcmp(r.body, "{\"id\":\"a-1\"}\n"), "status %d body '%s'", r.status, r.body);
    http_response_free(&r);
    CHECK(!strncmp(s.request, "POST /api/v1/allocations HTTP/1.1\r\n", 35), "request line: %.60s", s.request);
    CHECK(strstr(s.request, "Content-Type: application/json\r\n") && strstr(s.request, "Content-Length: 11\r\n")
          && strstr(s.request, "\r\n\r\n{\"count\":1}"), "request: %s", s.request);
}

static void nobody_listening(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(s, (struct sockaddr *)&a, sizeof a);
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s); /* a port that was free a moment ago */
    http_response r;
    char err[300];
    CHECK(http_request("127.0.0.1", ntohs(a.sin_port), "GET", "/", NULL, 2000, &r, err, sizeof err) != 0, "connected to nothing");
    CHECK(strstr(err, "cannot connect") && strstr(err, "refused"), "%s", err);
    CHECK(http_request("no-such-host.invalid", 9123, "GET", "/", NULL, 2000, &r, err, sizeof err) != 0 && strstr(err, "resolve"),
          "%s", err);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(content_length), CASE(chunked), CASE(malformed), CASE(live_exchange),
                                       CASE(nobody_listening)};
    return check_main("http", cases, sizeof cases / sizeof cases[0], argc, argv);
}
