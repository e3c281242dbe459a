/* When the rdma transport puts and gets region bytes (src/ucx/region_sync.c); the same cases as
 * the Java client's RegionSyncTest. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ucx/region_sync.h"
#include "wire/wire.h"

static rsync s;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* A request frame: header, device, then the u64 fields given. */
static int send_req(uint16_t type, int async, uint32_t seq, uint16_t device, int n, const uint64_t *fields, rsync_range *put) {
    uint8_t f[ORV_HEADER_SIZE + 2 + 8 * 4] = {0};
    f[0] = 'O', f[1] = 'R', f[2] = 'V', f[3] = 'G', f[4] = 1;
    f[5] = async ? ORV_ASYNC : 0;
    put16(f + 6, type);
    put32(f + 8, seq);
    put32(f + 12, (uint32_t)(2 + 8 * n));
    put16(f + ORV_HEADER_SIZE, device);
    for (int i = 0; i < n; i++) put64(f + ORV_HEADER_SIZE + 2 + 8 * i, fields[i]);
    /* in two pieces, as the session sends a request and its tail */
    struct iovec iov[2] = {{f, 20}, {f + 20, ORV_HEADER_SIZE + 2 + 8 * (size_t)n - 20}};
    return rsync_before_send(&s, iov, 2, put);
}

static long reply(uint16_t type, uint32_t seq, int32_t status, const rsync_range **r) {
    uint8_t f[ORV_HEADER_SIZE + 12] = {0};
    f[4] = 1;
    f[5] = ORV_REPLY;
    put16(f + 6, type);
    put32(f + 8, seq);
    put32(f + 12, 12);
    put32(f + ORV_HEADER_SIZE, (uint32_t)status);
    return rsync_after_recv(&s, f, sizeof f, r);
}

static void dtoh(uint32_t seq, uint16_t device, uint64_t off, uint64_t len, uint64_t stream, int async) {
    rsync_range p;
    uint64_t f[4] = {0xd00, off, len, stream};
    CHECK(send_req(ORV_COPY_DTOH_REGION, async, seq, device, 4, f, &p) == 0, "a device-to-host copy puts nothing");
}

static void bytes_the_server_reads_are_put_first(void) {
    rsync_range p;
    uint64_t f[4] = {0xd00, 4096, 100, 0};
    CHECK(send_req(ORV_COPY_HTOD_REGION, 0, 1, 0, 4, f, &p) == 1 && p.off == 4096 && p.len == 100, "HTOD range");
    uint8_t ind[ORV_HEADER_SIZE + 16] = {0};
    ind[5] = ORV_INDIRECT;
    put16(ind + 6, ORV_MODULE_LOAD);
    put64(ind + ORV_HEADER_SIZE, 8192);
    put64(ind + ORV_HEADER_SIZE + 8, 77);
    struct iovec iov = {ind, sizeof ind};
    CHECK(rsync_before_send(&s, &iov, 1, &p) == 1 && p.off == 8192 && p.len == 77, "INDIRECT range");
    uint64_t m[1] = {10};
    CHECK(send_req(ORV_MEM_ALLOC, 0, 3, 0, 1, m, &p) == 0, "nothing for MEM_ALLOC");
    rsync_free(&s);
}

static void a_synchronous_copy_on_stream_zero_is_got_with_its_reply(void) {
    const rsync_range *r;
    dtoh(1, 0, 0, 4096, 0, 0);
    CHECK(reply(ORV_COPY_DTOH_REGION, 1, 0, &r) == 1 && r[0].off == 0 && r[0].len == 4096, "got with the reply");
    CHECK(rsync_pending_count(&s) == 0, "nothing pending");
    dtoh(2, 0, 0, 4096, 0, 0);
    CHECK(reply(ORV_COPY_DTOH_REGION, 2, 1, &r) == 0, "a refused copy is not got");
    rsync_free(&s);
}

static void a_queued_copy_waits_for_a_synchronization_of_its_stream(void) {
    const rsync_range *r;
    uint64_t f[1];
    rsync_range p;
    dtoh(1, 0, 0, 100, 5, 1);
    dtoh(2, 0, 200, 100, 6, 1);
    dtoh(3, 1, 400, 100, 5, 1);
    f[0] = 6;
    send_req(ORV_STREAM_SYNC, 0, 4, 0, 1, f, &p);
    CHECK(reply(ORV_STREAM_SYNC, 4, 0, &r) == 1 && r[0].off == 200, "only stream 6 of device 0");
    f[0] = 5;
    send_req(ORV_STREAM_QUERY, 0, 5, 0, 1, f, &p);
    CHECK(reply(ORV_STREAM_QUERY, 5, 600, &r) == 0, "still running: nothing yet");
    send_req(ORV_DEVICE_SYNC, 0, 6, 1, 0, f, &p);
    CHECK(reply(ORV_DEVICE_SYNC, 6, 0, &r) == 1 && r[0].off == 400, "device 1");
    f[0] = 0;
    send_req(ORV_STREAM_SYNC, 0, 7, 0, 1, f, &p);
    CHECK(reply(ORV_STREAM_SYNC, 7, 0, &r) == 1 && r[0].off == 0, "stream 0 waits for every stream");
    send_req(ORV_DEVICE_SYNC, 0, 8, 0, 0, f, &p);
    CHECK(reply(ORV_DEVICE_SYNC, 8, 0, &r) == 0, "nothing is got twice");
    rsync_free(&s);
}

static void an_event_covers_copies_queued_before_its_record_on_its_stream(void) {
    const rsync_range *r;
    rsync_range p;
    uint64_t rec[2] = {9, 5}, ev[1] = {9};
    dtoh(1, 0, 0, 100, 5, 1);
    send_req(ORV_EVENT_RECORD, 1, 2, 0, 2, rec, &p);
    dtoh(3, 0, 200, 100, 5, 1);
    dtoh(4, 0, 400, 100, 6, 1);
    send_req(ORV_EVENT_SYNC, 0, 5, 0, 1, ev, &p);
    CHECK(reply(ORV_EVENT_SYNC, 5, 0, &r) == 1 && r[0].off == 0, "the copy before the record");
    send_req(ORV_EVENT_RECORD, 1, 6, 0, 2, rec, &p);
    send_req(ORV_EVENT_QUERY, 0, 7, 0, 1, ev, &p);
    CHECK(reply(ORV_EVENT_QUERY, 7, 0, &r) == 1 && r[0].off == 200, "the copy before the new record");
    CHECK(rsync_pending_count(&s) == 1, "stream 6's copy is not covered by an event of stream 5");
    rsync_free(&s);
}

static void sequence_numbers_wrap(void) {
    const rsync_range *r;
    rsync_range p;
    uint64_t f[1] = {0};
    dtoh(0xffffffffu, 0, 0, 100, 5, 1);
    send_req(ORV_DEVICE_SYNC, 0, 1, 0, 0, f, &p);
    CHECK(reply(ORV_DEVICE_SYNC, 1, 0, &r) == 1, "seq 1 comes after 2^32-1");
    rsync_free(&s);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {
        CASE(bytes_the_server_reads_are_put_first),
        CASE(a_synchronous_copy_on_stream_zero_is_got_with_its_reply),
        CASE(a_queued_copy_waits_for_a_synchronization_of_its_stream),
        CASE(an_event_covers_copies_queued_before_its_record_on_its_stream),
        CASE(sequence_numbers_wrap),
    };
    return check_main("ucx.region_sync", cases, sizeof cases / sizeof *cases, argc, argv);
}
