/* A TCP connection with a deadline: what the tcp transport and the rdma rendezvous both open. */
#ifndef ORION_NET_DIAL_H
#define ORION_NET_DIAL_H

#include <stddef.h>

/*
 * Connects to host:port (every address it resolves to, in turn) within timeout_ms each, with
 * TCP_NODELAY set. Returns a non-blocking, close-on-exec socket, or -1 with why (the resolver's
 * or the last connect's reason, without the host) in why.
 */
int orion_dial_tcp(const char *host, int port, int timeout_ms, char *why, size_t whylen);

#endif
