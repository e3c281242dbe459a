// Streams and events: work split over several streams (copy in, kernel, copy out, all queued),
// one stream waiting for another's event, timing with events, queries that say "not ready" or
// "done". Results are checked; times go to stderr.
#include "common.h"
#include "../kernels/vector_add.cu"

#define STREAMS 4

int main(int argc, char **argv) {
    int n = (int)size_arg(argc, argv, 8192);
    size_t bytes = (size_t)n * sizeof(float);
    float *a, *b, *c;
    CHECK(cudaMallocHost(&a, bytes * STREAMS));
    CHECK(cudaMallocHost(&b, bytes * STREAMS));
    CHECK(cudaMallocHost(&c, bytes * STREAMS));
    for (int i = 0; i < n * STREAMS; i++) {
        a[i] = (float)(i % 1000);
        b[i] = (float)(i / 1000);
    }
    float *da, *db, *dc;
    CHECK(cudaMalloc(&da, bytes * STREAMS));
    CHECK(cudaMalloc(&db, bytes * STREAMS));
    CHECK(cudaMalloc(&dc, bytes * STREAMS));
    cudaStream_t s[STREAMS];
    for (int i = 0; i < STREAMS; i++) CHECK(cudaStreamCreateWithFlags(&s[i], i % 2 ? cudaStreamNonBlocking : cudaStreamDefault));
    int least, greatest;
    CHECK(cudaDeviceGetStreamPriorityRange(&least, &greatest));
    cudaStream_t urgent;
    CHECK(cudaStreamCreateWithPriority(&urgent, cudaStreamNonBlocking, greatest));
    int prio = 0;
    CHECK(cudaStreamGetPriority(urgent, &prio));
    EXPECT(prio == greatest, "priority %d, asked %d", prio, greatest);

    cudaEvent_t start, stop, done[STREAMS];
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    for (int i = 0; i < STREAMS; i++) CHECK(cudaEventCreateWithFlags(&done[i], cudaEventDisableTiming));
    CHECK(cudaEventRecord(start, 0));
    for (int i = 0; i < STREAMS; i++) {
        size_t off = (size_t)i * n;
        CHECK(cudaMemcpyAsync(da + off, a + off, bytes, cudaMemcpyHostToDevice, s[i]));
        CHECK(cudaMemcpyAsync(db + off, b + off, bytes, cudaMemcpyHostToDevice, s[i]));
        vector_add<<<(n + 255) / 256, 256, 0, s[i]>>>(da + off, db + off, dc + off, n);
        CHECK(cudaGetLastError());
        CHECK(cudaEventRecord(done[i], s[i]));
    }
    // the urgent stream sums everything up once every stream is done with its part
    for (int i = 0; i < STREAMS; i++) CHECK(cudaStreamWaitEvent(urgent, done[i], 0));
    vector_add<<<(n + 255) / 256, 256, 0, urgent>>>(dc, dc + n, dc, n);
    CHECK(cudaMemcpyAsync(c, dc, bytes * STREAMS, cudaMemcpyDeviceToHost, urgent));
    CHECK(cudaEventRecord(stop, urgent));
    CHECK(cudaEventSynchronize(stop));
    EXPECT(cudaEventQuery(stop) == cudaSuccess, "a synchronized event is not complete");
    EXPECT(cudaStreamQuery(urgent) == cudaSuccess, "a finished stream is busy");
    float ms = -1;
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    EXPECT(ms >= 0, "elapsed %f ms", ms);
    std::fprintf(stderr, "streams_events: %d streams of %d elements in %.3f ms\n", STREAMS, n, ms);
    EXPECT(cudaEventElapsedTime(&ms, done[0], stop) == cudaErrorInvalidResourceHandle,
           "timing with an event created without timing was not refused");
    for (int i = 0; i < n * STREAMS; i++) {
        float expect = a[i] + b[i];
        if (i < n) expect += a[i + n] + b[i + n];
        EXPECT(c[i] == expect, "c[%d] = %f, expected %f", i, c[i], expect);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) sum += c[i];
    std::printf("streams_events: %d streams, %d elements each, sum of the first %.1f\n", STREAMS, n, sum);
    cudaGetLastError();
    for (int i = 0; i < STREAMS; i++) {
        CHECK(cudaStreamDestroy(s[i]));
        CHECK(cudaEventDestroy(done[i]));
    }
    CHECK(cudaStreamDestroy(urgent));
    CHECK(cudaEventDestroy(start));
    CHECK(cudaEventDestroy(stop));
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    CHECK(cudaFreeHost(a));
    CHECK(cudaFreeHost(b));
    CHECK(cudaFreeHost(c));
    std::printf("streams_events: ok\n");
    return 0;
}
