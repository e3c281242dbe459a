#include "ucx/region_sync.h"

#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

/* Room for one more element in a growing array. */
static int grow(void **a, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*a, c * size);
    if (!p) return -1;
    *a = p;
    *cap = c;
    return 0;
}

/* Serial-number order of sequence numbers (protocol.md §2.2). */
static int before(uint32_t a, uint32_t b) { return (int32_t)(b - a) > 0; }

int rsync_before_send(rsync *s, const struct iovec *iov, int n, rsync_range *put) {
    uint8_t f[ORV_HEADER_SIZE + 40];
    size_t have = 0;
    for (int i = 0; i < n && have < sizeof f; i++) {
        size_t k = iov[i].iov_len < sizeof f - have ? iov[i].iov_len : sizeof f - have;
        memcpy(f + have, iov[i].iov_base, k);
        have += k;
    }
    if (have < ORV_HEADER_SIZE) return 0;
    uint8_t flags = f[5];
    uint16_t type = le16(f + 6);
    uint32_t seq = le32(f + 8);
    const uint8_t *p = f + ORV_HEADER_SIZE;
    size_t plen = have - ORV_HEADER_SIZE;
    if (flags & ORV_INDIRECT) {
        if (plen < 16) return 0;
        put->off = le64(p);
        put->len = le64(p + 8);
        return 1;
    }
    if (plen < 2) return 0;
    uint16_t device = le16(p);
    if (type == ORV_COPY_HTOD_REGION && plen >= 34) {
        put->off = le64(p + 10);
        put->len = le64(p + 18);
        return 1;
    }
    rsync_wait w = {seq, type, device, 0, 0};
    int wait = 0;
    if (type == ORV_COPY_DTOH_REGION && plen >= 34) {
        if (grow((void **)&s->pending, &s->cap_pending, s->npending, sizeof *s->pending)) return -1;
        rsync_pending *d = &s->pending[s->npending++];
        d->seq = seq;
        d->device = device;
        d->stream = le64(p + 26);
        d->range.off = le64(p + 10);
        d->range.len = le64(p + 18);
        w.stream = d->stream;
        wait = !(flags & ORV_ASYNC);
    } else if (type == ORV_DEVICE_SYNC) {
        wait = 1;
    } else if ((type == ORV_STREAM_SYNC || type == ORV_STREAM_QUERY) && plen >= 10) {
        w.stream = le64(p + 2);
        wait = 1;
    } else if ((type == ORV_EVENT_SYNC || type == ORV_EVENT_QUERY) && plen >= 10) {
        w.event = le64(p + 2);
        wait = 1;
    } else if (type == ORV_EVENT_RECORD && plen >= 18) {
        uint64_t event = le64(p + 2);
        size_t i = 0;
        while (i < s->nrecords && !(s->records[i].device == device && s->records[i].event == event)) i++;
        if (i == s->nrecords) {
            if (grow((void **)&s->records, &s->cap_records, s->nrecords, sizeof *s->records)) return -1;
            s->nrecords++;
        }
        s->records[i] = (rsync_record){device, event, le64(p + 10), seq};
    }
    if (wait) {
        if (grow((void **)&s->waits, &s->cap_waits, s->nwaits, sizeof *s->waits)) return -1;
        s->waits[s->nwaits++] = w;
    }
    return 0;
}

static int covers(const rsync *s, const rsync_wait *w, const rsync_pending *d) {
    if (d->device != w->device) return 0;
    /* the server copies a synchronous COPY_DTOH_REGION on stream 0 before it replies; on a stream it only queues it */
    if (w->type == ORV_COPY_DTOH_REGION) return d->seq == w->seq && d->stream == 0;
    if (!before(d->seq, w->seq)) return 0;
    if (w->type == ORV_DEVICE_SYNC) return 1;
    if (w->type == ORV_STREAM_SYNC || w->type == ORV_STREAM_QUERY) return w->stream == 0 || w->stream == d->stream;
    if (w->type == ORV_EVENT_SYNC || w->type == ORV_EVENT_QUERY) {
        for (size_t i = 0; i < s->nrecords; i++) {
            const rsync_record *r = &s->records[i];
            if (r->device == w->device && r->event == w->event)
                return r->stream == d->stream && before(d->seq, r->seq) && before(r->seq, w->seq);
        }
    }
    return 0;
}

long rsync_after_recv(rsync *s, const uint8_t *frame, size_t len, const rsync_range **ranges) {
    *ranges = s->out;
    if (len < ORV_HEADER_SIZE + 4) return 0;
    uint8_t flags = frame[5];
    if (!(flags & ORV_REPLY) || (flags & ORV_MORE)) return 0;
    uint32_t seq = le32(frame + 8);
    size_t i = 0;
    while (i < s->nwaits && s->waits[i].seq != seq) i++;
    if (i == s->nwaits) return 0;
    rsync_wait w = s->waits[i];
    s->waits[i] = s->waits[--s->nwaits];
    if (le32(frame + ORV_HEADER_SIZE) != 0) return 0; /* refused, or still running (600) */
    long n = 0;
    size_t keep = 0;
    for (size_t k = 0; k < s->npending; k++) {
        if (covers(s, &w, &s->pending[k])) {
            if (grow((void **)&s->out, &s->cap_out, (size_t)n, sizeof *s->out)) return -1;
            s->out[n++] = s->pending[k].range;
        } else {
            s->pending[keep++] = s->pending[k];
        }
    }
    s->npending = keep;
    *ranges = s->out;
    return n;
}

size_t rsync_pending_count(const rsync *s) { return s->npending; }

void rsync_free(rsync *s) {
    free(s->pending);
    free(s->waits);
    free(s->records);
    free(s->out);
    memset(s, 0, sizeof *s);
}
