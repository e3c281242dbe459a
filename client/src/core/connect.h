/*
 * How one server is reached (docs/client.md, docs/rdma.md §3): shared memory when the server is
 * on this node, then RDMA when the server offers an rdma:// endpoint and RDMA may be used from
 * here, then TCP. The first transport that connects and opens the session wins; the session keeps
 * the others as its ways back when its connection breaks (it resumes through them, the one in use
 * first), so a session that loses its rdma or shm connection goes on over TCP with its memory.
 *
 * Connecting and the RDMA decision come in as functions: client.c passes the real ones, the unit
 * tests a scripted server (tests/test_transports.c).
 */
#ifndef ORION_CONNECT_H
#define ORION_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/session.h"

/* A server's endpoints (NULL or "" for a transport it does not offer), and whether it is on this node. */
typedef struct server_offer {
    const char *shm, *rdma, *tcp;
    int local;
} server_offer;

typedef struct connect_ops {
    /* A fresh channel to an endpoint; the session also resumes with it. */
    sess_connect_fn connect;
    /* Whether rdma:// may be used from this process (orion_rdma_usable), why in why. Asked only
     * when rdma is next in line: the first answer loads UCX, which a session over shm never needs. */
    int (*rdma_usable)(char *why, size_t whylen);
} connect_ops;

/*
 * Opens a session with the server over the first transport that works, in the order above, as
 * far as cfg->transport (auto, or one forced) and cfg->enable_net allow. NULL when none works:
 * each attempt's failure, and why an offered transport was left out, in err; *status is the
 * server's refusal, or OR_NO_DEVICE.
 */
orion_session *connect_server(const orion_config *cfg, const server_offer *o, const connect_ops *ops, const orv_hello *hello,
                              int32_t *status, char *err, size_t errlen);

#endif
