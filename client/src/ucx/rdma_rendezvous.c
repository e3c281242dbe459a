/* The rendezvous socket of the rdma transport, the client's side (rdma_rendezvous.h). */
#include "ucx/rdma_rendezvous.h"
#include "net/dial.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long long rdv_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int rdv_read_exact(void *ctx, void *buf, size_t n, char *err, size_t errlen) {
    rdv_reader *r = ctx;
    size_t got = 0;
    while (got < n) {
        int left = (int)((r->deadline_ns - rdv_now_ns()) / 1000000);
        if (left <= 0) {
            snprintf(err, errlen, "the server did not answer the rdma handshake in time");
            return -1;
        }
        struct pollfd p = {r->fd, POLLIN, 0};
        if (poll(&p, 1, left) < 0 && errno != EINTR) {
            snprintf(err, errlen, "waiting for the rdma handshake: %s", strerror(errno));
            return -1;
        }
        ssize_t k = recv(r->fd, (char *)buf + got, n - got, MSG_DONTWAIT);
        if (k == 0) {
            snprintf(err, errlen, "the server closed the connection during the rdma handshake");
            return -1;
        }
        if (k < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            snprintf(err, errlen, "reading the rdma handshake: %s", strerror(errno));
            return -1;
        }
        got += (size_t)k;
    }
    return 0;
}

int rdv_write_all(int fd, const uint8_t *b, size_t n, char *err, size_t errlen) {
    while (n) {
        ssize_t k = send(fd, b, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd p = {fd, POLLOUT, 0};
                poll(&p, 1, 1000);
                continue;
            }
            snprintf(err, errlen, "sending the rdma handshake: %s", strerror(errno));
            return -1;
        }
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

int rdv_connect(const orion_endpoint *e, int timeout_ms, char *err, size_t errlen) {
    char last[200];
    int fd = orion_dial_tcp(e->host, e->port, timeout_ms, last, sizeof last);
    if (fd < 0) snprintf(err, errlen, "cannot reach the rdma rendezvous at %s:%d: %s", e->host, e->port, last);
    return fd;
}
