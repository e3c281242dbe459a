/*
 * Keeps the client's local copy of the payload region and the server's region in step, over a
 * transport that moves bytes by one-sided RDMA (docs/rdma.md §4); the same rules as the Java
 * client's RegionSync:
 *   - before a frame that makes the server read region bytes (COPY_HTOD_REGION, any INDIRECT
 *     frame) goes out, those bytes are put into the server's region;
 *   - bytes a COPY_DTOH_REGION makes the device write are got back once a reply proves it wrote
 *     them: the copy's own reply when it was synchronous on stream 0; else a DEVICE_SYNC, a
 *     STREAM_SYNC or successful STREAM_QUERY of its stream (stream 0: all streams), an EVENT_SYNC
 *     or successful EVENT_QUERY of an event recorded on its stream after it.
 * Never before such a proof, never twice. Used by one thread at a time (the session's lock).
 */
#ifndef ORION_REGION_SYNC_H
#define ORION_REGION_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct rsync_range {
    uint64_t off, len;
} rsync_range;

typedef struct rsync_pending {
    uint32_t seq;
    uint16_t device;
    uint64_t stream;
    rsync_range range;
} rsync_pending;

typedef struct rsync_wait {
    uint32_t seq;
    uint16_t type, device;
    uint64_t stream, event;
} rsync_wait;

typedef struct rsync_record {
    uint16_t device;
    uint64_t event, stream;
    uint32_t seq;
} rsync_record;

typedef struct rsync {
    rsync_pending *pending;
    size_t npending, cap_pending;
    rsync_wait *waits;
    size_t nwaits, cap_waits;
    rsync_record *records;
    size_t nrecords, cap_records;
    rsync_range *out;
    size_t cap_out;
} rsync;

/*
 * For a request about to be sent as the pieces iov[0..n): the range to put first into *put
 * (returns 1), or 0 when there is none; -1 when out of memory.
 */
int rsync_before_send(rsync *s, const struct iovec *iov, int n, rsync_range *put);

/* For a frame just received: the ranges to get before it is handed on, in *ranges (valid until
 * the next call); their number, or -1 when out of memory. */
long rsync_after_recv(rsync *s, const uint8_t *frame, size_t len, const rsync_range **ranges);

/* Copies still waiting for a proof (tests, logs). */
size_t rsync_pending_count(const rsync *s);

void rsync_free(rsync *s);

#endif
