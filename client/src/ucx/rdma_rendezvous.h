/*
 * The rendezvous socket of the rdma transport (protocol.md §6b.1), the client's side: a TCP
 * connection with a time limit, and reading and writing the handshake within a deadline. The
 * socket then stays open for the connection's life: its end is the server's end.
 */
#ifndef ORION_RDMA_RENDEZVOUS_H
#define ORION_RDMA_RENDEZVOUS_H

#include <stddef.h>
#include <stdint.h>

#include "net/channel.h"

/* CLOCK_MONOTONIC in ns. */
long long rdv_now_ns(void);

/* A connected, non-blocking socket to e's host and port within timeout_ms; -1 with the reason. */
int rdv_connect(const orion_endpoint *e, int timeout_ms, char *err, size_t errlen);

/* What rdv_read_exact reads from: the socket, and when the handshake must be done by. */
typedef struct {
    int fd;
    long long deadline_ns;
} rdv_reader;

/* Reads n bytes (ctx: an rdv_reader), as rdma_hs_read_response wants them; -1 with the reason. */
int rdv_read_exact(void *ctx, void *buf, size_t n, char *err, size_t errlen);

/* Writes n bytes; -1 with the reason. */
int rdv_write_all(int fd, const uint8_t *b, size_t n, char *err, size_t errlen);

#endif
