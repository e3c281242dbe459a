/*
 * Copies, taking the shortest way the connection offers:
 *   - host memory in the vGPU's shared region (pinned buffers): the device copies straight from
 *     or into it (COPY_*_REGION), nothing travels;
 *   - other host memory over shared memory: staged through two pieces of the region in turn, this
 *     process filling (or emptying) one while the server copies the other;
 *   - over TCP: the data travels in frames of at most CHUNK bytes, every frame but the last sent
 *     without waiting, so the network and the server's copies overlap.
 * A synchronous copy returns when the data is in place and raises a latched asynchronous error,
 * as cudaMemcpy does. Copies between two vGPUs are staged through this process.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "core/internal.h"

#define CHUNK (1u << 20)
/* Staging through the region: two pieces of PIECE bytes (what peer copies stage at once, too). */
#define PIECE (4u << 20)
#define STAGE (2 * PIECE)

static uint64_t sh(const orion_stream *s) { return s ? s->handle : 0; }

/* A synchronous call's outcome: its own status, else the latched asynchronous error. */
static int finish_sync(orion_session *s, int rc, const orv_reply *r) {
    if (rc && rc != ORION_ERR_LOST) core_note(r->message);
    if (rc == 0) rc = sess_take_pending(s);
    return rc;
}

/* ---- host to device --------------------------------------------------------------------------- */

/* The largest data chunk a COPY_HTOD frame carries on the session's connection now (a resume may
 * have moved it to one with smaller frames). */
static size_t htod_chunk(const orion_session *s) { return s->max_payload > 64 + CHUNK ? CHUNK : s->max_payload - 64; }

static int htod_inline(orion_device *d, uint64_t dst, const uint8_t *src, size_t n, orion_stream *st, int async) {
    orion_session *s = d->session;
    int rc = 0;
    size_t off = 0;
    do {
        orv_req_copy_htod(sess_begin(s), d->local, dst + off, sh(st));
        size_t chunk = htod_chunk(s);
        size_t k = n - off < chunk ? n - off : chunk;
        int last = off + k >= n;
        if (async) {
            rc = sess_post(s, ORV_COPY_HTOD, src + off, k); /* kept: the program may reuse its buffer at once */
        } else if (!last) {
            /* the source stays unchanged until the last chunk's reply, which acknowledges this one:
             * the replay log refers to it instead of copying it */
            rc = sess_post_borrowed(s, ORV_COPY_HTOD, src + off, k);
        } else {
            orv_reply r;
            rc = finish_sync(s, sess_call(s, ORV_COPY_HTOD, src + off, k, &r, NULL, NULL), &r);
        }
        if (rc && !async) sess_unborrow(s); /* the copy ends here: the log must not refer to src any longer */
        sess_end(s);
        off += k;
    } while (rc == 0 && off < n);
    return rc;
}

static int region_copy(orion_device *d, uint16_t type, uint64_t dev_ptr, uint64_t off, size_t n, orion_stream *st, int async) {
    orion_session *s = d->session;
    orv_writer *w = sess_begin(s);
    if (type == ORV_COPY_HTOD_REGION) orv_req_copy_htod_region(w, d->local, dev_ptr, off, n, sh(st));
    else orv_req_copy_dtoh_region(w, d->local, dev_ptr, off, n, sh(st));
    int rc;
    if (async) {
        rc = sess_post(s, type, NULL, 0);
    } else {
        orv_reply r;
        rc = finish_sync(s, sess_call(s, type, NULL, 0, &r, NULL, NULL), &r);
    }
    sess_end(s);
    return rc;
}

/*
 * Staged copies of pageable memory through the region, in pieces that alternate between the two
 * halves of stage: the host side of one piece (a memcpy, as slow as the device's DMA or slower)
 * runs while the server copies the other, instead of one after the other. Each piece is a
 * synchronous request of its own, started before and finished after the memcpy; one is in flight
 * at a time, under the session's lock.
 */
typedef struct staging {
    orion_device *d;
    uint8_t *stage;            /* two halves of PIECE bytes (or one, for a copy that fits) */
    uint64_t stage_off;        /* its offset in the region */
} staging;

static int piece_start(const staging *g, uint16_t type, uint64_t dev_ptr, int half, size_t k) {
    orion_session *s = g->d->session;
    uint64_t off = g->stage_off + (uint64_t)half * PIECE;
    if (type == ORV_COPY_HTOD_REGION) orv_req_copy_htod_region(sess_next(s), g->d->local, dev_ptr, off, k, 0);
    else orv_req_copy_dtoh_region(sess_next(s), g->d->local, dev_ptr, off, k, 0);
    return sess_call_start(s, type);
}

static int piece_finish(const staging *g) {
    orv_reply r;
    int rc = sess_call_finish(g->d->session, &r);
    if (rc && rc != ORION_ERR_LOST && rc != ORION_ERR_REDO) core_note(r.message);
    return rc;
}

static int htod_staged(const staging *g, uint64_t dst, const uint8_t *src, size_t n) {
    orion_session *s = g->d->session;
    sess_begin(s);
    int rc = 0, in_flight = 0;
    for (size_t done = 0, i = 0; rc == 0 && done < n; i++) {
        size_t k = n - done < PIECE ? n - done : PIECE;
        memcpy(g->stage + (i & 1) * PIECE, src + done, k); /* while the server copies the previous piece */
        if (in_flight) rc = piece_finish(g);
        if (rc == 0) rc = piece_start(g, ORV_COPY_HTOD_REGION, dst + done, (int)(i & 1), k);
        in_flight = rc == 0;
        done += k;
    }
    if (in_flight) rc = piece_finish(g);
    if (rc == 0) rc = sess_take_pending(s);
    sess_end(s);
    return rc;
}

static int dtoh_staged(const staging *g, uint8_t *dst, uint64_t src, size_t n) {
    orion_session *s = g->d->session;
    sess_begin(s);
    size_t k = n < PIECE ? n : PIECE;
    int rc = piece_start(g, ORV_COPY_DTOH_REGION, src, 0, k);
    for (size_t done = 0, i = 0; rc == 0 && done < n; i++) {
        rc = piece_finish(g);
        if (rc) break;
        size_t next = done + k, k_next = n - next < PIECE ? n - next : PIECE;
        if (next < n) rc = piece_start(g, ORV_COPY_DTOH_REGION, src + next, (int)((i + 1) & 1), k_next);
        memcpy(dst + done, g->stage + (i & 1) * PIECE, k); /* while the server copies the next piece */
        done = next;
        k = k_next;
    }
    if (rc == 0) rc = sess_take_pending(s);
    sess_end(s);
    return rc;
}

/* Staging room in the region for an n-byte copy: two pieces, or one when the copy fits in it. */
static size_t stage_bytes(size_t n) { return n <= PIECE ? n : STAGE; }

static int htod_once(orion_device *d, uint64_t dst, const void *src, size_t n, orion_stream *st, int async) {
    orion_region *region = d->session->region;
    uint64_t off;
    if (region_contains(region, src, n, &off)) return region_copy(d, ORV_COPY_HTOD_REGION, dst, off, n, st, async);
    if (region && !async) {
        /* a synchronous copy on the default stream: each piece is done when its reply comes, so
         * its half of the staging room can be filled again at once */
        staging g = {d, region_alloc(region, stage_bytes(n)), 0};
        if (g.stage) {
            region_contains(region, g.stage, 1, &g.stage_off);
            int rc = htod_staged(&g, dst, src, n);
            region_free(region, g.stage, stage_bytes(n)); /* to the region it came from, even after a resume */
            return rc;
        }
    }
    /* queued copies of pageable memory travel in frames: the server owns the bytes once sent */
    return htod_inline(d, dst, src, n, st, async);
}

/* A copy through the region that a resumed session's new connection interrupted is done again
 * from the start: the new connection has another region (or none), so the path may change. */
static int htod(orion_device *d, uint64_t dst, const void *src, size_t n, orion_stream *st, int async) {
    int rc;
    do rc = htod_once(d, dst, src, n, st, async); while (rc == ORION_ERR_REDO);
    return rc;
}

/* ---- device to host --------------------------------------------------------------------------- */

typedef struct {
    uint8_t *dst;
    size_t n;
} chunk_sink;

static int place_chunk(void *ctx, orv_reader *rd) {
    chunk_sink *c = ctx;
    uint64_t off;
    const uint8_t *data;
    size_t k;
    if (orv_res_chunk(rd, &off, &data, &k)) return -1;
    if (off > c->n || k > c->n - off) {
        orv_reader_fail(rd, "the server sent bytes [%llu, +%zu) of a %zu-byte copy", (unsigned long long)off, k, c->n);
        return -1;
    }
    memcpy(c->dst + off, data, k);
    return 0;
}

static int dtoh_frames(orion_device *d, void *dst, uint64_t src, size_t n, orion_stream *st) {
    orion_session *s = d->session;
    chunk_sink sink = {dst, n};
    orv_req_copy_dtoh(sess_begin(s), d->local, src, n, sh(st));
    orv_reply r;
    int rc = sess_call(s, ORV_COPY_DTOH, NULL, 0, &r, place_chunk, &sink);
    if (rc == 0 && place_chunk(&sink, &r.result)) rc = core_fail(OR_UNKNOWN, "bad COPY_DTOH data: %s", r.result.err);
    rc = finish_sync(s, rc, &r);
    sess_end(s);
    return rc;
}

static int dtoh_once(orion_device *d, void *dst, uint64_t src, size_t n, orion_stream *st, int async) {
    orion_region *region = d->session->region;
    uint64_t off;
    if (region_contains(region, dst, n, &off)) return region_copy(d, ORV_COPY_DTOH_REGION, src, off, n, st, async);
    if (region && !async) {
        staging g = {d, region_alloc(region, stage_bytes(n)), 0};
        if (g.stage) {
            region_contains(region, g.stage, 1, &g.stage_off);
            int rc = dtoh_staged(&g, dst, src, n);
            region_free(region, g.stage, stage_bytes(n));
            return rc;
        }
    }
    /* into pageable memory even when queued: the server waits for the stream, then sends the data,
     * so the bytes are in place when this returns (CUDA treats pageable copies the same way) */
    return dtoh_frames(d, dst, src, n, st);
}

static int dtoh(orion_device *d, void *dst, uint64_t src, size_t n, orion_stream *st, int async) {
    int rc;
    do rc = dtoh_once(d, dst, src, n, st, async); while (rc == ORION_ERR_REDO);
    return rc;
}

/* ---- device to device ------------------------------------------------------------------------- */

static int dtod(orion_device *d, uint64_t dst, uint64_t src, size_t n, orion_stream *st) {
    orion_session *s = d->session;
    orv_req_copy_dtod(sess_begin(s), d->local, dst, src, n, sh(st));
    int rc = sess_post(s, ORV_COPY_DTOD, NULL, 0);
    sess_end(s);
    return rc;
}

ORION_API int orion_memcpy_peer(uint64_t dst, int dst_dev, uint64_t src, int src_dev, size_t n, orion_stream *st, int async) {
    orion_device *dd = dev_at(dst_dev), *sd = dev_at(src_dev);
    if (!dd || !sd) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    if (n == 0) return OR_SUCCESS;
    int rc = mem_check_device_range(src_dev, src, n, "peer copy source");
    if (!rc) rc = mem_check_device_range(dst_dev, dst, n, "peer copy destination");
    if (rc) return rc;
    if (dst_dev == src_dev) return dtod(dd, dst, src, n, st);
    /* work queued on the stream before this copy may still be writing the source */
    if (st && (rc = orion_stream_sync(st->dev, st))) return rc;
    orion_region *region = sd->session == dd->session ? sd->session->region : NULL;
    void *stage = region ? region_alloc(region, n < STAGE ? n : STAGE) : NULL;
    int in_region = stage != NULL;
    if (!stage) stage = malloc(n < STAGE ? n : STAGE);
    if (!stage) return core_fail(OR_OUT_OF_MEMORY, "no host memory to stage a %zu-byte peer copy", n);
    for (size_t done = 0; rc == 0 && done < n;) {
        size_t k = n - done < STAGE ? n - done : STAGE;
        /* both vGPUs on one connection with a region: the bytes never leave the shared file */
        rc = dtoh(sd, stage, src + done, k, NULL, 0);
        if (rc == 0) rc = htod(dd, dst + done, stage, k, NULL, 0);
        done += k;
    }
    if (in_region) region_free(region, stage, n < STAGE ? n : STAGE);
    else free(stage);
    (void)async;
    return rc;
}

/* ---- the entry point ---------------------------------------------------------------------------- */

/* The allocation holding a pointer: its vGPU and range. */
typedef struct {
    int dev;
    uint64_t base;
    size_t size;
} span;

/* Whether ptr is device memory, trying the stream's and the current device first; *out says where. */
static int owner(uint64_t ptr, const orion_stream *st, span *out) {
    int prefer = st ? st->dev : orion_current_device();
    out->dev = -1;
    return orion_device_pointer(ptr, prefer, &out->dev, &out->base, &out->size);
}

/* [ptr, ptr + n) inside the allocation owner found (what mem_check_device_range checks, without
 * looking it up again). */
static int check_span(const span *a, uint64_t ptr, size_t n, const char *what) {
    if (n <= a->size - (ptr - a->base)) return OR_SUCCESS;
    return core_fail(OR_INVALID_VALUE, "%s [0x%llx, +%zu) is not inside an allocation of vGPU %d", what, (unsigned long long)ptr,
                     n, a->dev);
}

ORION_API int orion_memcpy(void *dst, const void *src, size_t n, int kind, orion_stream *st, int async) {
    int rc = orion_init();
    if (rc) return rc;
    if (n == 0) return OR_SUCCESS;
    if (!dst || !src) return core_fail(OR_INVALID_VALUE, "a copy of %zu bytes with a null pointer", n);
    uint64_t d = (uint64_t)(uintptr_t)dst, s = (uint64_t)(uintptr_t)src;
    span da, sa;
    int dst_dev = owner(d, st, &da), src_dev = owner(s, st, &sa);
    if (kind == ORION_DEFAULT)
        kind = dst_dev ? (src_dev ? ORION_D2D : ORION_H2D) : (src_dev ? ORION_D2H : ORION_H2H);
    switch (kind) {
    case ORION_H2H:
        if (st && async && (rc = orion_stream_sync(st->dev, st))) return rc;
        memmove(dst, src, n);
        return OR_SUCCESS;
    case ORION_H2D:
        if (!dst_dev) return core_fail(OR_INVALID_VALUE, "host-to-device copy: destination %p is not device memory", dst);
        if ((rc = check_span(&da, d, n, "copy destination"))) return rc;
        if (st && st->dev != da.dev) return core_fail(OR_INVALID_VALUE, "the stream is on vGPU %d, the destination on %d", st->dev, da.dev);
        return htod(&orion_g.devices[da.dev], d, src, n, st, async);
    case ORION_D2H:
        if (!src_dev) return core_fail(OR_INVALID_VALUE, "device-to-host copy: source %p is not device memory", src);
        if ((rc = check_span(&sa, s, n, "copy source"))) return rc;
        if (st && st->dev != sa.dev) return core_fail(OR_INVALID_VALUE, "the stream is on vGPU %d, the source on %d", st->dev, sa.dev);
        return dtoh(&orion_g.devices[sa.dev], dst, s, n, st, async);
    case ORION_D2D:
        if (!dst_dev || !src_dev)
            return core_fail(OR_INVALID_VALUE, "device-to-device copy: %p is not device memory", dst_dev ? src : dst);
        if (da.dev != sa.dev) return orion_memcpy_peer(d, da.dev, s, sa.dev, n, st, async);
        if ((rc = check_span(&sa, s, n, "copy source")) || (rc = check_span(&da, d, n, "copy destination"))) return rc;
        return dtod(&orion_g.devices[da.dev], d, s, n, st);
    default:
        return core_fail(OR_INVALID_VALUE, "copy kind %d", kind);
    }
}

/* ---- 2D copies ---------------------------------------------------------------------------------- */

/* The bytes height rows of width bytes, pitch apart, cover: (height - 1) * pitch + width; 1 when
 * that does not fit in a size_t (a made-up height or pitch). */
static int span_2d(size_t pitch, size_t width, size_t height, size_t *out) {
    if (height - 1 > 0 && pitch > (SIZE_MAX - width) / (height - 1)) return 1;
    *out = (height - 1) * pitch + width;
    return 0;
}

ORION_API int orion_memcpy_2d(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                              int kind, orion_stream *st, int async) {
    if (width == 0 || height == 0) return OR_SUCCESS;
    if (width > dpitch || width > spitch)
        return core_fail(OR_INVALID_VALUE, "2D copy: width %zu exceeds a pitch (%zu, %zu)", width, dpitch, spitch);
    if (dpitch == width && spitch == width) return orion_memcpy(dst, src, width * height, kind, st, async);
    int rc = orion_init();
    if (rc) return rc;
    uint64_t d = (uint64_t)(uintptr_t)dst, s = (uint64_t)(uintptr_t)src;
    span da, sa;
    int dst_dev = owner(d, st, &da), src_dev = owner(s, st, &sa);
    if (kind == ORION_DEFAULT)
        kind = dst_dev ? (src_dev ? ORION_D2D : ORION_H2D) : (src_dev ? ORION_D2H : ORION_H2H);
    /* the device sides are checked whole before anything moves: CUDA refuses a 2D copy that runs
     * off an allocation, it does not copy the rows that fit and fail on the first that does not */
    size_t sspan, dspan;
    if (span_2d(spitch, width, height, &sspan) || span_2d(dpitch, width, height, &dspan))
        return core_fail(OR_INVALID_VALUE, "2D copy of %zu rows of %zu bytes (pitches %zu, %zu): the span overflows", height,
                         width, spitch, dpitch);
    if (dst_dev && (kind == ORION_H2D || kind == ORION_D2D) && (rc = check_span(&da, d, dspan, "2D copy destination"))) return rc;
    if (src_dev && (kind == ORION_D2H || kind == ORION_D2D) && (rc = check_span(&sa, s, sspan, "2D copy source"))) return rc;
    if (kind == ORION_D2H && src_dev && check_span(&sa, s, sspan, "2D copy source") == OR_SUCCESS) {
        /* one transfer of the whole span, then the rows are put in place here */
        uint8_t *tmp = malloc(sspan);
        if (!tmp) return core_fail(OR_OUT_OF_MEMORY, "no host memory to stage a %zu-byte 2D copy", sspan);
        rc = orion_memcpy(tmp, src, sspan, ORION_D2H, st, 0);
        for (size_t row = 0; rc == 0 && row < height; row++)
            memcpy((uint8_t *)dst + row * dpitch, tmp + row * spitch, width);
        free(tmp);
        return rc;
    }
    /* row by row; every row but the last queued without waiting */
    for (size_t row = 0; rc == 0 && row < height; row++) {
        int last = row + 1 == height;
        rc = orion_memcpy((uint8_t *)dst + row * dpitch, (const uint8_t *)src + row * spitch, width, kind, st,
                          last ? async : (kind == ORION_D2H ? 0 : 1));
    }
    return rc;
}

/* ---- memset -------------------------------------------------------------------------------------- */

static int memset_bytes(orion_device *d, uint64_t dst, uint8_t v, size_t n, orion_stream *st) {
    orion_session *s = d->session;
    orv_req_memset(sess_begin(s), d->local, dst, v, n, sh(st));
    int rc = sess_post(s, ORV_MEMSET, NULL, 0);
    sess_end(s);
    return rc;
}

ORION_API int orion_memset(uint64_t dst, const void *pattern, size_t elem, size_t count, orion_stream *st, int async) {
    int rc = orion_init();
    if (rc) return rc;
    if (elem != 1 && elem != 2 && elem != 4) return core_fail(OR_INVALID_VALUE, "memset element of %zu bytes", elem);
    if (count == 0) return OR_SUCCESS;
    span a;
    if (!owner(dst, st, &a)) return core_fail(OR_INVALID_VALUE, "memset of %p: not device memory", (void *)(uintptr_t)dst);
    if (dst % elem) return core_fail(OR_INVALID_VALUE, "memset of %zu-byte elements at unaligned 0x%llx", elem, (unsigned long long)dst);
    size_t n = elem * count;
    if ((rc = check_span(&a, dst, n, "memset range"))) return rc;
    int dev = a.dev;
    if (st && st->dev != dev) return core_fail(OR_INVALID_VALUE, "the stream is on vGPU %d, the memory on %d", st->dev, dev);
    orion_device *d = &orion_g.devices[dev];
    const uint8_t *p = pattern;
    int uniform = 1;
    for (size_t i = 1; i < elem; i++) uniform &= p[i] == p[0];
    if (uniform) return memset_bytes(d, dst, p[0], n, st);
    /* a 16- or 32-bit pattern whose bytes differ: the server sets bytes only, so the pattern is
     * written as data, a chunk at a time */
    size_t chunk = n < CHUNK ? n : CHUNK;
    uint8_t *buf = malloc(chunk);
    if (!buf) return core_fail(OR_OUT_OF_MEMORY, "no host memory for a %zu-byte pattern", chunk);
    for (size_t i = 0; i < chunk; i += elem) memcpy(buf + i, p, elem);
    for (size_t done = 0; rc == 0 && done < n;) {
        size_t k = n - done < chunk ? n - done : chunk;
        rc = htod_inline(d, dst + done, buf, k, st, 1);
        done += k;
    }
    free(buf);
    (void)async;
    return rc;
}

ORION_API int orion_memset_2d(uint64_t dst, size_t pitch, const void *pattern, size_t elem, size_t width_elems,
                              size_t height, orion_stream *st, int async) {
    if (width_elems * elem > pitch && height > 1)
        return core_fail(OR_INVALID_VALUE, "2D memset: %zu bytes per row exceed the pitch %zu", width_elems * elem, pitch);
    if (pitch == width_elems * elem) return orion_memset(dst, pattern, elem, width_elems * height, st, async);
    int rc = orion_init();
    if (rc) return rc;
    if (width_elems == 0 || height == 0) return OR_SUCCESS;
    /* all rows inside the allocation before the first is set: a refused memset sets nothing */
    span a;
    size_t n;
    if (!owner(dst, st, &a)) return core_fail(OR_INVALID_VALUE, "2D memset of %p: not device memory", (void *)(uintptr_t)dst);
    if (span_2d(pitch, width_elems * elem, height, &n))
        return core_fail(OR_INVALID_VALUE, "2D memset of %zu rows %zu bytes apart: the span overflows", height, pitch);
    if ((rc = check_span(&a, dst, n, "2D memset range"))) return rc;
    for (size_t row = 0; rc == 0 && row < height; row++) rc = orion_memset(dst + row * pitch, pattern, elem, width_elems, st, async);
    return rc;
}

int exec_sync_for(int dev, orion_stream *s) { return orion_stream_sync(dev, s); }
