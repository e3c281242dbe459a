#include "ucx/rdma_handshake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

size_t rdma_hs_request(uint8_t *out, uint32_t pid, uint32_t region_mib, uint32_t flags, const void *address,
                       uint32_t address_len) {
    put64(out, RDMA_HS_MAGIC);
    put32(out + 8, RDMA_HS_VERSION);
    put32(out + 12, pid);
    put32(out + 16, region_mib);
    put32(out + 20, flags);
    put32(out + 24, address_len);
    memcpy(out + RDMA_HS_REQUEST_FIXED, address, address_len);
    return RDMA_HS_REQUEST_FIXED + (size_t)address_len;
}

/* A length the peer sent for an address or a key, checked before anything is allocated for it. */
static int blob(rdma_hs_read_fn rd, void *ctx, uint32_t n, int may_be_empty, const char *what, uint8_t **out,
                char *err, size_t errlen) {
    if (n > RDMA_HS_MAX_BLOB || (!may_be_empty && n == 0)) {
        snprintf(err, errlen, "rdma handshake response: %s of %u bytes", what, n);
        return -1;
    }
    *out = malloc(n ? n : 1);
    if (!*out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return n ? rd(ctx, *out, n, err, errlen) : 0;
}

int rdma_hs_read_response(rdma_hs_read_fn rd, void *ctx, rdma_hs_response *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    uint8_t h[RDMA_HS_RESPONSE_FIXED], f[28], n4[4];
    if (rd(ctx, h, sizeof h, err, errlen)) return -1;
    if (get64(h) != RDMA_HS_MAGIC) {
        snprintf(err, errlen, "rdma handshake response: bad magic (is this an Orion rdma endpoint?)");
        return -1;
    }
    out->status = (int32_t)get32(h + 8);
    size_t tl = (size_t)h[12] | (size_t)h[13] << 8;
    if (tl > ORV_MAX_STRING) {
        snprintf(err, errlen, "rdma handshake response: text of %zu bytes", tl);
        return -1;
    }
    char *text = malloc(tl + 1);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (tl && rd(ctx, text, tl, err, errlen)) {
        free(text);
        return -1;
    }
    text[tl] = 0;
    snprintf(out->text, sizeof out->text, "%s", text);
    free(text);
    if (out->status != 0) return 0;
    if (rd(ctx, f, sizeof f, err, errlen)) return -1;
    out->flags = get32(f);
    out->max_frame = get32(f + 4);
    out->region_address = get64(f + 8);
    out->region_size = get64(f + 16);
    if (out->flags & ~(RDMA_HS_RMA | RDMA_HS_DEVICE)) {
        snprintf(err, errlen, "rdma handshake response: unknown flags 0x%x", out->flags);
        return -1;
    }
    if (out->max_frame < ORV_HEADER_SIZE + ORV_HELLO_MAX_PAYLOAD) {
        snprintf(err, errlen, "rdma handshake response: frame limit of %u bytes", out->max_frame);
        return -1;
    }
    int rma = (out->flags & RDMA_HS_RMA) != 0;
    if (rma && (out->region_size == 0 || out->region_size >= (1ULL << 63) || out->region_address == 0)) {
        snprintf(err, errlen, "rdma handshake response: region of %llu bytes at 0x%llx", (unsigned long long)out->region_size,
                 (unsigned long long)out->region_address);
        return -1;
    }
    if (!rma) out->region_address = out->region_size = 0;
    out->remote_key_len = get32(f + 24);
    if (blob(rd, ctx, out->remote_key_len, !rma, "remote key", &out->remote_key, err, errlen)) goto fail;
    if (rd(ctx, n4, 4, err, errlen)) goto fail;
    out->worker_address_len = get32(n4);
    if (blob(rd, ctx, out->worker_address_len, 0, "worker address", &out->worker_address, err, errlen)) goto fail;
    return 0;
fail:
    rdma_hs_response_free(out);
    return -1;
}

void rdma_hs_response_free(rdma_hs_response *r) {
    free(r->remote_key);
    free(r->worker_address);
    r->remote_key = r->worker_address = NULL;
}
