// Vector add: c = a + b on the device, checked element by element against the host.
#include "common.h"
#include "../kernels/vector_add.cu"

int main(int argc, char **argv) {
    int n = (int)size_arg(argc, argv, 20000);
    size_t bytes = (size_t)n * sizeof(float);
    float *a = (float *)std::malloc(bytes), *b = (float *)std::malloc(bytes), *c = (float *)std::malloc(bytes);
    for (int i = 0; i < n; i++) {
        a[i] = 0.5f * (float)i;
        b[i] = 1000.0f - (float)i;
    }
    float *da, *db, *dc;
    CHECK(cudaMalloc(&da, bytes));
    CHECK(cudaMalloc(&db, bytes));
    CHECK(cudaMalloc(&dc, bytes));
    CHECK(cudaMemcpy(da, a, bytes, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, b, bytes, cudaMemcpyHostToDevice));
    int threads = 256, blocks = (n + threads - 1) / threads;
    vector_add<<<blocks, threads>>>(da, db, dc, n);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(c, dc, bytes, cudaMemcpyDeviceToHost));
    double sum = 0;
    for (int i = 0; i < n; i++) {
        EXPECT(c[i] == a[i] + b[i], "c[%d] = %f, expected %f", i, c[i], a[i] + b[i]);
        sum += c[i];
    }
    std::printf("vector_add: %d elements, sum %.1f\n", n, sum);
    // a launch with an impossible block fails (at launch or at the next synchronization, as the
    // runtime chooses) and leaves the device usable
    vector_add<<<1, 4096>>>(da, db, dc, n);
    cudaError_t refused = cudaGetLastError();
    if (refused == cudaSuccess) refused = cudaDeviceSynchronize();
    EXPECT(refused != cudaSuccess, "a block of 4096 threads was not refused");
    cudaGetLastError();
    vector_add<<<blocks, threads>>>(da, db, dc, n);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    EXPECT(cudaFree((void *)0x10) != cudaSuccess, "freeing a pointer that was never allocated succeeded");
    cudaGetLastError();
    std::free(a);
    std::free(b);
    std::free(c);
    std::printf("vector_add: ok\n");
    return 0;
}
