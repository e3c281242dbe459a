/*
 * The rdma transport's rendezvous (docs/protocol.md §6b), byte for byte as the Java side
 * (io.orion.protocol.rdma.RdmaHandshake): the client's request and the server's response.
 */
#ifndef ORION_RDMA_HANDSHAKE_H
#define ORION_RDMA_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#define RDMA_HS_MAGIC 0x314d44524756524fULL /* bytes "ORVGRDM1" read as a little-endian u64 */
#define RDMA_HS_VERSION 1
#define RDMA_HS_WANT_RMA 0x01u
#define RDMA_HS_RMA 0x01u
#define RDMA_HS_DEVICE 0x02u /* the server's node has an RDMA device */
#define RDMA_HS_MAX_BLOB (64u * 1024)
#define RDMA_HS_REQUEST_FIXED 28
#define RDMA_HS_RESPONSE_FIXED 14
#define RDMA_FRAME_TAG 0x4f52564746524d31ULL

/* The request into out (RDMA_HS_REQUEST_FIXED + address_len bytes); its length. */
size_t rdma_hs_request(uint8_t *out, uint32_t pid, uint32_t region_mib, uint32_t flags, const void *address,
                       uint32_t address_len);

typedef struct rdma_hs_response {
    int32_t status;
    char text[512];
    uint32_t flags, max_frame;
    uint64_t region_address, region_size;
    uint8_t *remote_key;     /* malloc'd (rdma_hs_response_free) */
    uint32_t remote_key_len;
    uint8_t *worker_address; /* malloc'd */
    uint32_t worker_address_len;
} rdma_hs_response;

/* Reads a response through read_fn (which must deliver exactly n bytes or fail); -1 with the reason. */
typedef int (*rdma_hs_read_fn)(void *ctx, void *buf, size_t n, char *err, size_t errlen);
int rdma_hs_read_response(rdma_hs_read_fn read_fn, void *ctx, rdma_hs_response *out, char *err, size_t errlen);
void rdma_hs_response_free(rdma_hs_response *r);

#endif
