/*
 * The TCP channel: TCP_NODELAY, large socket buffers, frames written with one writev, replies
 * read into a buffer that is only compacted when a frame would not fit. Waiting for a reply
 * spins on a non-blocking recv for spin_us (cheap when replies come quickly: no wake-up cost),
 * then sleeps in poll().
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/channel.h"
#include "net/dial.h"
#include "wire/wire.h"

typedef struct {
    orion_channel base;
    int fd;
    int spin_us;
    uint8_t *buf;
    size_t cap, start, end;
    size_t consumed;   /* bytes of the frame handed out by the last recv */
} tcp_channel;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int tcp_send(orion_channel *c, const struct iovec *iov_in, int n, char *err, size_t errlen) {
    tcp_channel *t = (tcp_channel *)c;
    struct iovec iov[8];
    if (n > 8) n = 8;
    memcpy(iov, iov_in, (size_t)n * sizeof *iov);
    int i = 0;
    while (i < n) {
        if (iov[i].iov_len == 0) {
            i++;
            continue;
        }
        struct msghdr m = {0};
        m.msg_iov = iov + i;
        m.msg_iovlen = (size_t)(n - i);
        ssize_t w = sendmsg(t->fd, &m, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd p = {t->fd, POLLOUT, 0};
                poll(&p, 1, 1000);
                continue;
            }
            snprintf(err, errlen, "sending to %s failed: %s", c->endpoint, strerror(errno));
            return -1;
        }
        size_t left = (size_t)w;
        while (i < n && left >= iov[i].iov_len) {
            left -= iov[i].iov_len;
            i++;
        }
        if (i < n) {
            iov[i].iov_base = (char *)iov[i].iov_base + left;
            iov[i].iov_len -= left;
        }
    }
    return 0;
}

/* Reads what is there (or waits for something); 0, or -1 when the peer is gone or reading failed. */
static int fill(tcp_channel *t, char *err, size_t errlen) {
    if (t->end == t->cap) {
        snprintf(err, errlen, "internal: receive buffer full");
        return -1;
    }
    long long spin_until = now_ns() + (long long)t->spin_us * 1000;
    for (;;) {
        ssize_t r = recv(t->fd, t->buf + t->end, t->cap - t->end, MSG_DONTWAIT);
        if (r > 0) {
            t->end += (size_t)r;
            return 0;
        }
        if (r == 0) {
            snprintf(err, errlen, "the server at %s closed the connection", t->base.endpoint);
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            snprintf(err, errlen, "reading from %s failed: %s", t->base.endpoint, strerror(errno));
            return -1;
        }
        if (t->spin_us < 0 || now_ns() < spin_until) continue; /* spin_us < 0: busy poll */
        struct pollfd p = {t->fd, POLLIN, 0};
        if (poll(&p, 1, -1) < 0 && errno != EINTR) {
            snprintf(err, errlen, "waiting for %s failed: %s", t->base.endpoint, strerror(errno));
            return -1;
        }
    }
}

static int ensure_room(tcp_channel *t, size_t need, char *err, size_t errlen) {
    if (t->cap - t->start >= need) return 0;
    if (t->start > 0) { /* compact first: the common case */
        memmove(t->buf, t->buf + t->start, t->end - t->start);
        t->end -= t->start;
        t->start = 0;
        if (t->cap >= need) return 0;
    }
    size_t cap = t->cap;
    while (cap < need) cap *= 2;
    uint8_t *b = realloc(t->buf, cap);
    if (!b) {
        snprintf(err, errlen, "out of memory for a frame of %zu bytes", need);
        return -1;
    }
    t->buf = b;
    t->cap = cap;
    return 0;
}

static int tcp_recv(orion_channel *c, uint32_t max_payload, const uint8_t **frame, size_t *len, char *err, size_t errlen) {
    tcp_channel *t = (tcp_channel *)c;
    t->start += t->consumed;
    t->consumed = 0;
    if (t->start == t->end) t->start = t->end = 0;
    while (t->end - t->start < ORV_HEADER_SIZE) {
        if (ensure_room(t, ORV_HEADER_SIZE, err, errlen) || fill(t, err, errlen)) return -1;
    }
    orv_header h;
    if (orv_header_read(t->buf + t->start, t->end - t->start, max_payload, &h, err, errlen)) return -1;
    size_t total = ORV_HEADER_SIZE + (size_t)h.length;
    if (ensure_room(t, total, err, errlen)) return -1;
    while (t->end - t->start < total)
        if (fill(t, err, errlen)) return -1;
    *frame = t->buf + t->start;
    *len = total;
    t->consumed = total;
    return 0;
}

/* Closes the socket but keeps the channel: a thread still inside a call then fails cleanly
 * (EBADF) instead of touching freed memory. */
static void tcp_close(orion_channel *c) {
    tcp_channel *t = (tcp_channel *)c;
    int fd = t->fd;
    t->fd = -1;
    if (fd >= 0) close(fd);
}

orion_channel *orion_tcp_connect(const orion_endpoint *e, int timeout_ms, int spin_us, char *err, size_t errlen) {
    char last[200];
    int fd = orion_dial_tcp(e->host, e->port, timeout_ms, last, sizeof last);
    if (fd < 0) {
        snprintf(err, errlen, "cannot connect to %s:%d: %s", e->host, e->port, last);
        return NULL;
    }
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    tcp_channel *t = calloc(1, sizeof *t);
    if (!t || !(t->buf = malloc(1 << 20))) {
        free(t);
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->cap = 1 << 20;
    t->fd = fd;
    t->spin_us = spin_us;
    t->base.name = "tcp";
    snprintf(t->base.endpoint, sizeof t->base.endpoint, "tcp://%s:%d", e->host, e->port);
    t->base.max_frame = ORV_HEADER_SIZE + (size_t)ORV_ABSOLUTE_MAX_PAYLOAD;
    t->base.send = tcp_send;
    t->base.recv = tcp_recv;
    t->base.close = tcp_close;
    return &t->base;
}
