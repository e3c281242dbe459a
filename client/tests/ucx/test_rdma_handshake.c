/* The rdma rendezvous bytes (src/ucx/rdma_handshake.c) against docs/protocol.md §6b and the Java
 * encoder's layout (RdmaHandshakeTest checks the same bytes). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ucx/rdma_handshake.h"

typedef struct {
    const uint8_t *p;
    size_t len, pos;
} src;

static int from(void *ctx, void *buf, size_t n, char *err, size_t errlen) {
    src *s = ctx;
    if (s->len - s->pos < n) {
        snprintf(err, errlen, "short read");
        return -1;
    }
    memcpy(buf, s->p + s->pos, n);
    s->pos += n;
    return 0;
}

static void a_request_is_laid_out_as_specified(void) {
    uint8_t b[64];
    size_t n = rdma_hs_request(b, 4242, 16, RDMA_HS_WANT_RMA, "\x01\x02\x03", 3);
    static const uint8_t want[] = {'O', 'R', 'V', 'G', 'R', 'D', 'M', '1', 1, 0, 0, 0, 0x92, 0x10, 0, 0, 16, 0, 0, 0,
                                   1,   0,   0,   0,   3,   0,   0,   0,   1, 2, 3};
    CHECK(n == sizeof want && !memcmp(b, want, n), "request bytes (%zu)", n);
}

static size_t response(uint8_t *b, int32_t status, const char *text, uint32_t flags, uint64_t addr, uint64_t size, uint32_t keylen,
                       uint32_t addrlen) {
    size_t n = 0, tl = strlen(text);
    memcpy(b, "ORVGRDM1", 8), n = 8;
    for (int i = 0; i < 4; i++) b[n++] = (uint8_t)((uint32_t)status >> (8 * i));
    b[n++] = (uint8_t)tl, b[n++] = (uint8_t)(tl >> 8);
    memcpy(b + n, text, tl), n += tl;
    if (status) return n;
    uint32_t f32[2] = {flags, 1u << 20};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 4; i++) b[n++] = (uint8_t)(f32[k] >> (8 * i));
    for (int i = 0; i < 8; i++) b[n++] = (uint8_t)(addr >> (8 * i));
    for (int i = 0; i < 8; i++) b[n++] = (uint8_t)(size >> (8 * i));
    for (int i = 0; i < 4; i++) b[n++] = (uint8_t)(keylen >> (8 * i));
    memset(b + n, 0x77, keylen < 64 ? keylen : 64), n += keylen < 64 ? keylen : 64;
    for (int i = 0; i < 4; i++) b[n++] = (uint8_t)(addrlen >> (8 * i));
    memset(b + n, 0x55, addrlen < 64 ? addrlen : 64), n += addrlen < 64 ? addrlen : 64;
    return n;
}

static void responses_are_read_with_and_without_a_region(void) {
    uint8_t b[512];
    char err[256];
    rdma_hs_response r;
    src s = {b, response(b, 0, "", RDMA_HS_RMA, 0x7f0000001000ULL, 8 << 20, 4, 30), 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == 0, "%s", err);
    CHECK(r.flags == RDMA_HS_RMA && r.region_address == 0x7f0000001000ULL && r.region_size == 8u << 20, "region");
    CHECK(r.remote_key_len == 4 && r.remote_key[3] == 0x77 && r.worker_address_len == 30 && r.max_frame == 1u << 20, "blobs");
    CHECK(!(r.flags & RDMA_HS_DEVICE), "no device flag");
    rdma_hs_response_free(&r);
    s = (src){b, response(b, 0, "", RDMA_HS_DEVICE, 0, 0, 0, 30), 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == 0 && r.flags == RDMA_HS_DEVICE && r.region_size == 0, "%s", err);
    rdma_hs_response_free(&r);
    s = (src){b, response(b, 2, "a region of 9999 MiB exceeds the limit", 0, 0, 0, 0, 0), 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == 0 && r.status == 2, "refusal");
    CHECK(strstr(r.text, "9999 MiB") != NULL, "%s", r.text);
}

static void a_decoder_refuses_what_it_cannot_trust(void) {
    uint8_t b[512];
    char err[256];
    rdma_hs_response r;
    src s = {b, response(b, 0, "", RDMA_HS_RMA, 0, 0, 4, 30), 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == -1 && strstr(err, "region of 0 bytes"), "%s", err);
    s = (src){b, response(b, 0, "", 0, 0, 0, 0, RDMA_HS_MAX_BLOB + 1), 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == -1 && strstr(err, "worker address of 65537 bytes"), "%s", err);
    s = (src){b, response(b, 0, "", 0x80, 0, 0, 0, 3), 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == -1 && strstr(err, "unknown flags"), "%s", err);
    size_t n = response(b, 0, "", 0, 0, 0, 0, 3);
    b[0] = 'X';
    s = (src){b, n, 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == -1 && strstr(err, "bad magic"), "%s", err);
    b[0] = 'O';
    s = (src){b, n - 1, 0};
    CHECK(rdma_hs_read_response(from, &s, &r, err, sizeof err) == -1, "a cut response");
}

int main(int argc, char **argv) {
    static const check_case cases[] = {
        CASE(a_request_is_laid_out_as_specified),
        CASE(responses_are_read_with_and_without_a_region),
        CASE(a_decoder_refuses_what_it_cannot_trust),
    };
    return check_main("ucx.rdma_handshake", cases, sizeof cases / sizeof *cases, argc, argv);
}
