// Several devices (ORION_VGPU=2 gives two vGPUs, possibly on different GPUs or servers): each
// device works on its own memory, data moves between them with cudaMemcpyPeer and with plain
// cudaMemcpy of two device pointers (unified addressing), and a kernel on the second device uses
// what came from the first. Needs two devices; with one it says so and exits with status 77.
#include "common.h"
#include "../kernels/vector_add.cu"

int main(int argc, char **argv) {
    int n = (int)size_arg(argc, argv, 4096);
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    if (count < 2) {
        std::fprintf(stderr, "peer_copy: needs 2 devices, has %d\n", count);
        return 77;
    }
    size_t bytes = (size_t)n * sizeof(float);
    float *host = (float *)std::malloc(bytes), *back = (float *)std::malloc(bytes);
    for (int i = 0; i < n; i++) host[i] = (float)(i % 97);
    float *x0, *y0, *x1, *y1, *z1;
    CHECK(cudaSetDevice(0));
    CHECK(cudaMalloc(&x0, bytes));
    CHECK(cudaMalloc(&y0, bytes));
    CHECK(cudaMemcpy(x0, host, bytes, cudaMemcpyHostToDevice));
    vector_add<<<(n + 255) / 256, 256>>>(x0, x0, y0, n); // y0 = 2x
    CHECK(cudaGetLastError());
    CHECK(cudaSetDevice(1));
    CHECK(cudaMalloc(&x1, bytes));
    CHECK(cudaMalloc(&y1, bytes));
    CHECK(cudaMalloc(&z1, bytes));
    int canAccess = -1;
    CHECK(cudaDeviceCanAccessPeer(&canAccess, 1, 0));
    std::fprintf(stderr, "peer_copy: device 1 %s access device 0's memory directly\n", canAccess ? "can" : "cannot");
    CHECK(cudaMemcpyPeer(x1, 1, x0, 0, bytes));                 // x1 = x
    CHECK(cudaMemcpy(y1, y0, bytes, cudaMemcpyDefault));        // y1 = 2x, found by unified addressing
    vector_add<<<(n + 255) / 256, 256>>>(x1, y1, z1, n);        // z1 = 3x, on device 1
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(back, z1, bytes, cudaMemcpyDeviceToHost));
    double sum = 0;
    for (int i = 0; i < n; i++) {
        EXPECT(back[i] == 3 * host[i], "z1[%d] = %f, expected %f", i, back[i], 3 * host[i]);
        sum += back[i];
    }
    CHECK(cudaMemcpyPeerAsync(y0, 0, z1, 1, bytes, 0));         // back to device 0
    CHECK(cudaSetDevice(0));
    CHECK(cudaMemcpy(back, y0, bytes, cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++) EXPECT(back[i] == 3 * host[i], "y0[%d] = %f after the copy back", i, back[i]);
    cudaPointerAttributes attr;
    CHECK(cudaPointerGetAttributes(&attr, z1));
    EXPECT(attr.type == cudaMemoryTypeDevice && attr.device == 1, "z1 is memory of type %d on device %d", attr.type, attr.device);
    std::printf("peer_copy: %d devices, %d elements, sum %.0f\n", count, n, sum);
    CHECK(cudaFree(x0));
    CHECK(cudaFree(y0));
    CHECK(cudaSetDevice(1));
    CHECK(cudaFree(x1));
    CHECK(cudaFree(y1));
    CHECK(cudaFree(z1));
    std::free(host);
    std::free(back);
    std::printf("peer_copy: ok\n");
    return 0;
}
