#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* An answer larger than this is not the controller's: refuse rather than exhaust memory. */
#define MAX_RESPONSE (16u << 20)

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int wait_fd(int fd, short events, long long deadline) {
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) return 0;
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        return r;
    }
}

static int connect_to(const char *host, int port, long long deadline, char *err, size_t errlen) {
    char ports[16];
    snprintf(ports, sizeof ports, "%d", port);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    int g = getaddrinfo(host, ports, &hints, &res);
    if (g) {
        snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(g));
        return -1;
    }
    int fd = -1;
    char last[160] = "no address";
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) continue;
        int rc = connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            if (wait_fd(fd, POLLOUT, deadline) <= 0) {
                snprintf(last, sizeof last, "timed out");
                close(fd);
                fd = -1;
                continue;
            }
            int soerr = 0;
            socklen_t len = sizeof soerr;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
            if (soerr) {
                errno = soerr;
                rc = -1;
            } else {
                rc = 0;
            }
        }
        if (rc == 0) break;
        snprintf(last, sizeof last, "%s", strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) snprintf(err, errlen, "cannot connect to %s:%d: %s", host, port, last);
    return fd;
}

static int send_all(int fd, const char *p, size_t n, long long deadline) {
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_fd(fd, POLLOUT, deadline) <= 0) return -1;
            continue;
        }
        return -1;
    }
    return 0;
}

/* Decodes a chunked body in place; returns its length or -1. */
static long dechunk(char *b, size_t n) {
    size_t in = 0, out = 0;
    for (;;) {
        char *end;
        if (in >= n) return -1;
        errno = 0;
        unsigned long size = strtoul(b + in, &end, 16);
        if (end == b + in || errno) return -1;
        char *crlf = strstr(end, "\r\n"); /* chunk extensions are skipped */
        if (!crlf || (size_t)(crlf - b) >= n) return -1;
        in = (size_t)(crlf - b) + 2;
        if (size == 0) return (long)out;
        if (size > n - in || n - in - size < 2 || b[in + size] != '\r' || b[in + size + 1] != '\n') return -1;
        memmove(b + out, b + in, size);
        out += size;
        in += size + 2;
    }
}

/* raw must be NUL-terminated at n (http_request makes it so). */
int http_parse_response(const char *raw, size_t n, http_response *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    const char *hend = NULL;
    for (size_t i = 0; i + 3 < n; i++)
        if (!memcmp(raw + i, "\r\n\r\n", 4)) {
            hend = raw + i;
            break;
        }
    if (!hend) {
        snprintf(err, errlen, "the answer has no complete header (%zu bytes received)", n);
        return -1;
    }
    int major, minor, status;
    if (sscanf(raw, "HTTP/%d.%d %d", &major, &minor, &status) != 3 || status < 100 || status > 599) {
        snprintf(err, errlen, "the answer does not start with an HTTP status line");
        return -1;
    }
    long content_length = -1;
    int chunked = 0;
    const char *line = strstr(raw, "\r\n") + 2;
    while (line < hend) {
        const char *eol = strstr(line, "\r\n");
        size_t len = (size_t)(eol - line);
        if (len > 15 && !strncasecmp(line, "Content-Length:", 15)) {
            char *e;
            errno = 0;
            content_length = strtol(line + 15, &e, 10);
            while (e < eol && isspace((unsigned char)*e)) e++;
            if (errno || content_length < 0 || e != eol) {
                snprintf(err, errlen, "malformed Content-Length header");
                return -1;
            }
        } else if (len > 18 && !strncasecmp(line, "Transfer-Encoding:", 18)) {
            const char *v = line + 18;
            while (v < eol && isspace((unsigned char)*v)) v++;
            chunked = (size_t)(eol - v) >= 7 && !strncasecmp(v, "chunked", 7);
        }
        line = eol + 2;
    }
    const char *body = hend + 4;
    size_t avail = n - (size_t)(body - raw);
    out->body = malloc(avail + 1);
    if (!out->body) {
        snprintf(err, errlen, "out of memory for a %zu-byte answer", avail);
        return -1;
    }
    memcpy(out->body, body, avail);
    out->body[avail] = 0; /* dechunk scans for line ends */
    if (chunked) {
        long len = dechunk(out->body, avail);
        if (len < 0) {
            snprintf(err, errlen, "malformed chunked body");
            http_response_free(out);
            return -1;
        }
        avail = (size_t)len;
    } else if (content_length >= 0) {
        if ((size_t)content_length > avail) {
            snprintf(err, errlen, "the body ended after %zu of %ld bytes", avail, content_length);
            http_response_free(out);
            return -1;
        }
        avail = (size_t)content_length;
    }
    out->body[avail] = 0;
    out->body_len = avail;
    out->status = status;
    return 0;
}

void http_response_free(http_response *r) {
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

int http_request(const char *host, int port, const char *method, const char *path, const char *json_body,
                 int timeout_ms, http_response *out, char *err, size_t errlen) {
    long long deadline = now_ms() + timeout_ms;
    int fd = connect_to(host, port, deadline, err, errlen);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    size_t blen = json_body ? strlen(json_body) : 0;
    char head[1024];
    int hn = snprintf(head, sizeof head,
                      "%s %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: orion-client\r\nAccept: application/json\r\n"
                      "Connection: close\r\n%sContent-Length: %zu\r\n\r\n",
                      method, path, host, port, json_body ? "Content-Type: application/json\r\n" : "", blen);
    if (hn < 0 || (size_t)hn >= sizeof head) {
        snprintf(err, errlen, "request line too long for %s", path);
        close(fd);
        return -1;
    }
    if (send_all(fd, head, (size_t)hn, deadline) || (blen && send_all(fd, json_body, blen, deadline))) {
        snprintf(err, errlen, "sending to %s:%d failed: %s", host, port, errno ? strerror(errno) : "timed out");
        close(fd);
        return -1;
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    int rc = -1;
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= MAX_RESPONSE) {
                snprintf(err, errlen, "the answer from %s:%d exceeds %u bytes", host, port, MAX_RESPONSE);
                goto out;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
        ssize_t r = recv(fd, buf + n, cap - n - 1, 0);
        if (r > 0) {
            n += (size_t)r;
            continue;
        }
        if (r == 0) break;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_fd(fd, POLLIN, deadline) <= 0) {
                snprintf(err, errlen, "no complete answer from %s:%d within %d ms", host, port, timeout_ms);
                goto out;
            }
            continue;
        }
        snprintf(err, errlen, "reading from %s:%d failed: %s", host, port, strerror(errno));
        goto out;
    }
    if (!buf) {
        snprintf(err, errlen, "out of memory reading the answer");
        goto out;
    }
    buf[n] = 0;
    rc = http_parse_response(buf, n, out, err, errlen);
out:
    free(buf);
    close(fd);
    return rc;
}
