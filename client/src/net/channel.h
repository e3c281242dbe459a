/*
 * A connection to one server: frames out, frames in. Three kinds: TCP (anywhere), shared
 * memory (a server on this node: rings in a file both processes map, plus a payload region the
 * server registered with the GPU, so copies from it need no pass through the wire), and RDMA
 * (src/ucx: UCX messages, and a local copy of the server's region kept in step by one-sided RDMA).
 */
#ifndef ORION_CHANNEL_H
#define ORION_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct orion_channel orion_channel;

struct orion_channel {
    const char *name;        /* "tcp", "shm" or "rdma" */
    char endpoint[512];      /* as the user or the controller wrote it */
    size_t max_frame;        /* largest frame (header included) this channel carries */
    uint8_t *region;         /* shm, rdma: the payload region (NULL over TCP) */
    size_t region_size;
    /* Sends one frame made of the pieces. 0, or -1 with the reason. */
    int (*send)(orion_channel *c, const struct iovec *iov, int n, char *err, size_t errlen);
    /* The next frame (header checked against max_payload); valid until the next recv. */
    int (*recv)(orion_channel *c, uint32_t max_payload, const uint8_t **frame, size_t *len, char *err, size_t errlen);
    /* Tells the peer and releases the connection (a shm region stays mapped: the program may
     * still hold host buffers in it). */
    void (*close)(orion_channel *c);
};

typedef struct orion_endpoint {
    char scheme[8];          /* "tcp", "shm" or "rdma" */
    char host[256];          /* tcp, rdma */
    int port;                /* tcp, rdma */
    char path[512];          /* shm: the rendezvous socket */
} orion_endpoint;

/* "tcp://HOST:PORT", "shm:///PATH/TO/SOCKET" or "rdma://HOST[:PORT]"; -1 with the reason when malformed. */
int orion_endpoint_parse(const char *s, orion_endpoint *out, char *err, size_t errlen);

orion_channel *orion_tcp_connect(const orion_endpoint *e, int timeout_ms, int spin_us, char *err, size_t errlen);
orion_channel *orion_shm_connect(const orion_endpoint *e, int region_mib, int timeout_ms, int spin_us, char *err,
                                 size_t errlen);

#endif
