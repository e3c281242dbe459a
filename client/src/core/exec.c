/*
 * Streams, events and synchronization. Creating, querying and synchronizing wait for the server;
 * recording, waiting on events and destroying are queued without waiting, as CUDA queues them.
 * A synchronizing call raises the first asynchronous error latched since the last one.
 */
#include <stdlib.h>

#include "core/internal.h"

static int handle_call(orion_device *d, uint16_t type, uint64_t handle, uint64_t *out) {
    orion_session *s = d->session;
    orv_writer *w = sess_begin(s);
    if (type == ORV_DEVICE_SYNC) orv_req_device(w, d->local);
    else orv_req_handle(w, d->local, handle);
    orv_reply r;
    int rc = sess_call(s, type, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && out && orv_res_handle(&r.result, out)) rc = core_fail(OR_UNKNOWN, "malformed reply: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    /* a query's "not ready" is not a failure and does not consume the latched error */
    if (rc == 0 && type != ORV_STREAM_QUERY && type != ORV_EVENT_QUERY) rc = sess_take_pending(s);
    sess_end(s);
    return rc;
}

static int post(orion_device *d, uint16_t type, uint64_t a, uint64_t b, int pair) {
    orion_session *s = d->session;
    orv_writer *w = sess_begin(s);
    if (pair) orv_req_handle_pair(w, d->local, a, b);
    else orv_req_handle(w, d->local, a);
    int rc = sess_post(s, type, NULL, 0);
    sess_end(s);
    return rc;
}

ORION_API int orion_device_sync(int dev) {
    orion_device *d = dev_at(dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    return handle_call(d, ORV_DEVICE_SYNC, 0, NULL);
}

/* ---- streams ----------------------------------------------------------------------------------- */

ORION_API int orion_stream_create(int dev, unsigned flags, int priority, orion_stream **out) {
    orion_device *d = dev_at(dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    orion_session *s = d->session;
    orv_req_stream_create(sess_begin(s), d->local, (uint8_t)(flags & 1), priority);
    orv_reply r;
    uint64_t h = 0;
    int rc = sess_call(s, ORV_STREAM_CREATE, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_handle(&r.result, &h)) rc = core_fail(OR_UNKNOWN, "malformed STREAM_CREATE: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(s);
    if (rc) return rc;
    orion_stream *st = calloc(1, sizeof *st);
    if (!st) return OR_OUT_OF_MEMORY;
    st->dev = dev;
    st->handle = h;
    st->flags = flags;
    st->priority = priority;
    handle_add(st, H_STREAM);
    *out = st;
    return OR_SUCCESS;
}

ORION_API int orion_stream_lookup(const void *handle, orion_stream **out) {
    if (ORION_STREAM_IS_DEFAULT(handle)) {
        *out = NULL;
        return OR_SUCCESS;
    }
    if (!handle_is(handle, H_STREAM)) return core_fail(OR_INVALID_HANDLE, "%p is not a stream of this process", handle);
    *out = (orion_stream *)handle;
    return OR_SUCCESS;
}

ORION_API int orion_stream_destroy(orion_stream *st) {
    if (!st || !handle_is(st, H_STREAM)) return OR_INVALID_HANDLE;
    handle_del(st);
    orion_device *d = dev_at(st->dev);
    int rc = d ? post(d, ORV_STREAM_DESTROY, st->handle, 0, 0) : OR_INVALID_DEVICE;
    free(st);
    return rc;
}

ORION_API int orion_stream_device(const orion_stream *s) { return s->dev; }
ORION_API unsigned orion_stream_flags(const orion_stream *s) { return s ? s->flags : 0; }
ORION_API int orion_stream_priority(const orion_stream *s) { return s ? s->priority : 0; }

ORION_API int orion_stream_sync(int dev, orion_stream *st) {
    orion_device *d = dev_at(st ? st->dev : dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    return handle_call(d, ORV_STREAM_SYNC, st ? st->handle : 0, NULL);
}

ORION_API int orion_stream_query(int dev, orion_stream *st) {
    orion_device *d = dev_at(st ? st->dev : dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    return handle_call(d, ORV_STREAM_QUERY, st ? st->handle : 0, NULL);
}

ORION_API int orion_stream_wait_event(int dev, orion_stream *st, orion_event *e) {
    int sdev = st ? st->dev : dev;
    if (e->dev != sdev)
        return core_fail(OR_INVALID_HANDLE, "an event of vGPU %d cannot be waited for on a stream of vGPU %d (different servers)",
                         e->dev, sdev);
    orion_device *d = dev_at(sdev);
    if (!d) return OR_INVALID_DEVICE;
    return post(d, ORV_STREAM_WAIT_EVENT, st ? st->handle : 0, e->handle, 1);
}

/* ---- events ------------------------------------------------------------------------------------ */

ORION_API int orion_event_create(int dev, unsigned flags, orion_event **out) {
    orion_device *d = dev_at(dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    orion_session *s = d->session;
    /* wire flags: 0x01 disable timing, 0x02 blocking sync (CUDA's values are the other way round) */
    uint8_t wire = (uint8_t)(((flags & 0x2) ? 0x01 : 0) | ((flags & 0x1) ? 0x02 : 0));
    orv_req_event_create(sess_begin(s), d->local, wire);
    orv_reply r;
    uint64_t h = 0;
    int rc = sess_call(s, ORV_EVENT_CREATE, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_handle(&r.result, &h)) rc = core_fail(OR_UNKNOWN, "malformed EVENT_CREATE: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(s);
    if (rc) return rc;
    orion_event *e = calloc(1, sizeof *e);
    if (!e) return OR_OUT_OF_MEMORY;
    e->dev = dev;
    e->handle = h;
    e->flags = flags;
    handle_add(e, H_EVENT);
    *out = e;
    return OR_SUCCESS;
}

ORION_API int orion_event_lookup(const void *handle, orion_event **out) {
    if (!handle || !handle_is(handle, H_EVENT)) return core_fail(OR_INVALID_HANDLE, "%p is not an event of this process", handle);
    *out = (orion_event *)handle;
    return OR_SUCCESS;
}

ORION_API int orion_event_destroy(orion_event *e) {
    if (!e || !handle_is(e, H_EVENT)) return OR_INVALID_HANDLE;
    handle_del(e);
    orion_device *d = dev_at(e->dev);
    int rc = d ? post(d, ORV_EVENT_DESTROY, e->handle, 0, 0) : OR_INVALID_DEVICE;
    free(e);
    return rc;
}

ORION_API int orion_event_record(orion_event *e, int dev, orion_stream *st) {
    int sdev = st ? st->dev : dev;
    if (e->dev != sdev)
        return core_fail(OR_INVALID_HANDLE, "an event of vGPU %d cannot be recorded on a stream of vGPU %d", e->dev, sdev);
    orion_device *d = dev_at(sdev);
    if (!d) return OR_INVALID_DEVICE;
    return post(d, ORV_EVENT_RECORD, e->handle, st ? st->handle : 0, 1);
}

ORION_API int orion_event_query(orion_event *e) {
    orion_device *d = dev_at(e->dev);
    return d ? handle_call(d, ORV_EVENT_QUERY, e->handle, NULL) : OR_INVALID_DEVICE;
}

ORION_API int orion_event_sync(orion_event *e) {
    orion_device *d = dev_at(e->dev);
    return d ? handle_call(d, ORV_EVENT_SYNC, e->handle, NULL) : OR_INVALID_DEVICE;
}

ORION_API int orion_event_elapsed(float *ms, orion_event *start, orion_event *end) {
    if (start->dev != end->dev) return core_fail(OR_INVALID_HANDLE, "events of two vGPUs (%d, %d)", start->dev, end->dev);
    orion_device *d = dev_at(start->dev);
    if (!d) return OR_INVALID_DEVICE;
    orion_session *s = d->session;
    orv_req_handle_pair(sess_begin(s), d->local, start->handle, end->handle);
    orv_reply r;
    int rc = sess_call(s, ORV_EVENT_ELAPSED, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_f32(&r.result, "millis", ms)) rc = core_fail(OR_UNKNOWN, "malformed EVENT_ELAPSED: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(s);
    return rc;
}
