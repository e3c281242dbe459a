/*
 * The rdma transport for the client core (docs/rdma.md): what libcuda.so.1 calls. Nothing here
 * needs UCX: the transport itself lives in a plugin, liborion-ucx.so (built by client/ucx.mk,
 * linked against UCX), which rdma_loader.c opens the first time RDMA is considered. A machine
 * without UCX, or without the plugin, simply never chooses RDMA and says why once in the log.
 *
 * How the core uses it (the order of transports for one server):
 *   1. shm, when the server is on this node;
 *   2. rdma, when the server offers an rdma:// endpoint and orion_rdma_usable() says yes (both
 *      ends have an RDMA device: the server offers rdma:// only where UCX runs, this node asks
 *      UCX which devices it has);
 *   3. tcp.
 * orion_rdma_connect() failing is not fatal: it logs a warning and the core tries TCP next.
 *
 * Settings: ORION_RDMA=auto (default: rdma where UCX sees an RDMA device), on (use rdma:// even
 * over UCX's shared-memory or TCP transports, e.g. for tests), off. ORION_UCX_PLUGIN names the
 * plugin's path (default: liborion-ucx.so next to libcuda.so.1). UCX itself reads its UCX_*
 * variables (UCX_TLS, UCX_NET_DEVICES, ...).
 */
#ifndef ORION_RDMA_H
#define ORION_RDMA_H

#include <stddef.h>

#include "net/channel.h"

#define ORION_RDMA_DEFAULT_PORT 9961

/* "rdma://HOST:PORT" (port 9961 when left out); -1 with the reason when malformed. */
int orion_rdma_endpoint_parse(const char *s, orion_endpoint *out, char *err, size_t errlen);

/*
 * Whether rdma:// endpoints may be used from this process; the reason (devices found, or why
 * not) in why. Decided once per process and logged once.
 */
int orion_rdma_usable(char *why, size_t whylen);

/*
 * Connects to an rdma:// endpoint: NULL with the reason in err (and a warning logged: the caller
 * falls back to TCP). The channel's name is "rdma"; with one-sided RDMA it has a region (a local
 * copy of the server's payload region that the transport keeps in step), as over shm.
 */
orion_channel *orion_rdma_connect(const orion_endpoint *e, int region_mib, int timeout_ms, int spin_us, char *err,
                                  size_t errlen);

#endif
