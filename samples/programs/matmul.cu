// Tiled matrix multiply C = A * B with shared-memory tiles, inputs in page-locked host memory of
// each kind (cudaHostAlloc, cudaHostRegister, cudaMallocHost); launched with <<<>>> and again with
// cudaLaunchKernel, which must agree, and checked against a host computation that adds in the same
// order (so results agree exactly).
#include <cmath>

#include "common.h"
#include "../kernels/matmul_tiled.cu"

int main(int argc, char **argv) {
    int m = (int)size_arg(argc, argv, 48), n = m + 8, k = m + 16;
    float *A, *B, *C;
    // three kinds of page-locked host memory: cudaHostAlloc, ordinary memory registered with
    // cudaHostRegister, and cudaMallocHost
    CHECK(cudaHostAlloc(&A, sizeof(float) * m * k, cudaHostAllocPortable));
    unsigned flags = 0;
    CHECK(cudaHostGetFlags(&flags, A));
    EXPECT(flags & cudaHostAllocPortable, "cudaHostGetFlags says 0x%x for memory from cudaHostAlloc(cudaHostAllocPortable)", flags);
    B = (float *)std::malloc(sizeof(float) * k * n);
    EXPECT(B != nullptr, "no host memory for B");
    CHECK(cudaHostRegister(B, sizeof(float) * k * n, cudaHostRegisterDefault));
    CHECK(cudaMallocHost(&C, sizeof(float) * m * n));
    unsigned seed = 7;
    for (int i = 0; i < m * k; i++) A[i] = (float)(next_random(&seed) % 17) - 8.0f;
    for (int i = 0; i < k * n; i++) B[i] = (float)(next_random(&seed) % 13) - 6.0f;
    float *dA, *dB, *dC, *dC2;
    CHECK(cudaMalloc(&dA, sizeof(float) * m * k));
    CHECK(cudaMalloc(&dB, sizeof(float) * k * n));
    CHECK(cudaMalloc(&dC, sizeof(float) * m * n));
    CHECK(cudaMalloc(&dC2, sizeof(float) * m * n));
    CHECK(cudaMemcpy(dA, A, sizeof(float) * m * k, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dB, B, sizeof(float) * k * n, cudaMemcpyHostToDevice));
    dim3 block(TILE, TILE), grid((n + TILE - 1) / TILE, (m + TILE - 1) / TILE);
    matmul_tiled<<<grid, block>>>(dA, dB, dC, m, n, k);
    CHECK(cudaGetLastError());
    // the same product launched through cudaLaunchKernel, its arguments packed by hand
    void *args[] = {&dA, &dB, &dC2, &m, &n, &k};
    CHECK(cudaLaunchKernel((const void *)matmul_tiled, grid, block, args, 0, 0));
    CHECK(cudaMemcpy(C, dC, sizeof(float) * m * n, cudaMemcpyDeviceToHost));
    float *C2 = (float *)std::malloc(sizeof(float) * m * n);
    EXPECT(C2 != nullptr, "no host memory for C2");
    CHECK(cudaMemcpy(C2, dC2, sizeof(float) * m * n, cudaMemcpyDeviceToHost));
    for (int i = 0; i < m * n; i++) EXPECT(C2[i] == C[i], "C[%d] = %f by cudaLaunchKernel, %f by <<<>>>", i, C2[i], C[i]);
    std::free(C2);
    double checksum = 0;
    for (int r = 0; r < m; r++)
        for (int c = 0; c < n; c++) {
            float acc = 0; // small integers: every partial sum is exact in float
            for (int i = 0; i < k; i++) acc += A[r * k + i] * B[i * n + c];
            EXPECT(C[r * n + c] == acc, "C[%d][%d] = %f, expected %f", r, c, C[r * n + c], acc);
            checksum += C[r * n + c];
        }
    std::printf("matmul: %dx%d times %dx%d, checksum %.0f\n", m, k, k, n, checksum);
    cudaFuncAttributes attr;
    CHECK(cudaFuncGetAttributes(&attr, matmul_tiled));
    EXPECT(attr.maxThreadsPerBlock >= TILE * TILE, "kernel allows %d threads per block", attr.maxThreadsPerBlock);
    EXPECT(attr.sharedSizeBytes >= 2 * TILE * TILE * sizeof(float), "static shared memory %zu", attr.sharedSizeBytes);
    int blocksPerSm = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocksPerSm, matmul_tiled, TILE * TILE, 0));
    EXPECT(blocksPerSm >= 1, "occupancy %d", blocksPerSm);
    std::fprintf(stderr, "matmul: %d registers, %d blocks of %d threads per SM\n", attr.numRegs, blocksPerSm, TILE * TILE);
    CHECK(cudaFree(dA));
    CHECK(cudaFree(dB));
    CHECK(cudaFree(dC));
    CHECK(cudaFree(dC2));
    CHECK(cudaFreeHost(A));
    CHECK(cudaHostUnregister(B));
    std::free(B);
    CHECK(cudaFreeHost(C));
    std::printf("matmul: ok\n");
    return 0;
}
