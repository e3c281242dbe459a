/* Streams and events. */
#include "runtime/rt.h"

RT_API cudaError_t cudaStreamCreateWithPriority(cudaStream_t *pStream, unsigned int flags, int priority) {
    if (!pStream || (flags & ~1u)) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    int rc = orion_stream_create(rt_device(), flags, priority, &s);
    if (rc) return rt_status(rc);
    *pStream = (cudaStream_t)s;
    return cudaSuccess;
}

RT_API cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags) {
    return cudaStreamCreateWithPriority(pStream, flags, 0);
}

RT_API cudaError_t cudaStreamCreate(cudaStream_t *pStream) { return cudaStreamCreateWithPriority(pStream, 0, 0); }

RT_API cudaError_t cudaStreamDestroy(cudaStream_t stream) {
    cudaError_t e = rt_init();
    if (e) return e;
    if (ORION_STREAM_IS_DEFAULT(stream)) return rt_error(cudaErrorInvalidResourceHandle);
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    return rt_status(orion_stream_destroy(s));
}

RT_API cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    return rt_status(orion_stream_sync(rt_device(), s));
}

RT_API cudaError_t cudaStreamQuery(cudaStream_t stream) {
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    int rc = orion_stream_query(rt_device(), s);
    return rc == OR_NOT_READY ? cudaErrorNotReady : rt_status(rc); /* not ready is no error */
}

RT_API cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags) {
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    orion_event *ev;
    if ((e = rt_stream(stream, &s))) return e;
    if (orion_event_lookup(event, &ev)) return rt_error(cudaErrorInvalidResourceHandle);
    return rt_status(orion_stream_wait_event(rt_device(), s, ev));
}

RT_API cudaError_t cudaStreamGetPriority(cudaStream_t hStream, int *priority) {
    if (!priority) return rt_error(cudaErrorInvalidValue);
    orion_stream *s;
    cudaError_t e = rt_stream(hStream, &s);
    if (!e) *priority = orion_stream_priority(s);
    return e;
}

RT_API cudaError_t cudaStreamGetFlags(cudaStream_t hStream, unsigned int *flags) {
    if (!flags) return rt_error(cudaErrorInvalidValue);
    orion_stream *s;
    cudaError_t e = rt_stream(hStream, &s);
    if (!e) *flags = orion_stream_flags(s);
    return e;
}

RT_API cudaError_t cudaStreamGetDevice(cudaStream_t hStream, int *device) {
    if (!device) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    if ((e = rt_stream(hStream, &s))) return e;
    *device = s ? orion_stream_device(s) : rt_device();
    return cudaSuccess;
}

RT_API cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags) {
    if (!event || (flags & ~(unsigned)(cudaEventBlockingSync | cudaEventDisableTiming))) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    orion_event *ev;
    int rc = orion_event_create(rt_device(), flags, &ev);
    if (rc) return rt_status(rc);
    *event = (cudaEvent_t)ev;
    return cudaSuccess;
}

RT_API cudaError_t cudaEventCreate(cudaEvent_t *event) { return cudaEventCreateWithFlags(event, 0); }

RT_API cudaError_t cudaEventDestroy(cudaEvent_t event) {
    orion_event *ev;
    if (orion_event_lookup(event, &ev)) return rt_error(cudaErrorInvalidResourceHandle);
    return rt_status(orion_event_destroy(ev));
}

RT_API cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
    cudaError_t e = rt_init();
    if (e) return e;
    orion_event *ev;
    orion_stream *s;
    if (orion_event_lookup(event, &ev)) return rt_error(cudaErrorInvalidResourceHandle);
    if ((e = rt_stream(stream, &s))) return e;
    return rt_status(orion_event_record(ev, rt_device(), s));
}

RT_API cudaError_t cudaEventRecordWithFlags(cudaEvent_t event, cudaStream_t stream, unsigned int flags) {
    if (flags & ~(unsigned)cudaEventRecordExternal) return rt_error(cudaErrorInvalidValue);
    if (flags) return rt_error((cudaError_t)orion_unsupported("cudaEventRecordWithFlags with cudaEventRecordExternal"));
    return cudaEventRecord(event, stream);
}

RT_API cudaError_t cudaEventQuery(cudaEvent_t event) {
    orion_event *ev;
    if (orion_event_lookup(event, &ev)) return rt_error(cudaErrorInvalidResourceHandle);
    int rc = orion_event_query(ev);
    return rc == OR_NOT_READY ? cudaErrorNotReady : rt_status(rc);
}

RT_API cudaError_t cudaEventSynchronize(cudaEvent_t event) {
    orion_event *ev;
    if (orion_event_lookup(event, &ev)) return rt_error(cudaErrorInvalidResourceHandle);
    return rt_status(orion_event_sync(ev));
}

RT_API cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end) {
    if (!ms) return rt_error(cudaErrorInvalidValue);
    orion_event *a, *b;
    if (orion_event_lookup(start, &a) || orion_event_lookup(end, &b)) return rt_error(cudaErrorInvalidResourceHandle);
    return rt_status(orion_event_elapsed(ms, a, b));
}
