// Reductions: an int sum with a shared-memory tree (dynamic shared memory), a float sum with warp
// shuffles and an atomic, and an inclusive prefix scan in two passes; each against the host.
#include "common.h"
#include "../kernels/reduce_sum.cu"
#include "../kernels/warp_reduce.cu"
#include "../kernels/prefix_scan.cu"

int main(int argc, char **argv) {
    int n = (int)size_arg(argc, argv, 10000);
    int *in = (int *)std::malloc(sizeof(int) * n);
    float *fin = (float *)std::malloc(sizeof(float) * n);
    unsigned seed = 42;
    long long expect = 0;
    for (int i = 0; i < n; i++) {
        in[i] = (int)(next_random(&seed) % 100) - 30;
        fin[i] = (float)(in[i] % 8); // small integers: the float sum is exact in any order
        expect += in[i];
    }
    int *din, *dpartial;
    const int threads = 256, blocks = 16;
    CHECK(cudaMalloc(&din, sizeof(int) * n));
    CHECK(cudaMalloc(&dpartial, sizeof(int) * blocks));
    CHECK(cudaMemcpy(din, in, sizeof(int) * n, cudaMemcpyHostToDevice));
    reduce_sum<<<blocks, threads, threads * sizeof(int)>>>(din, dpartial, n);
    CHECK(cudaGetLastError());
    int partial[blocks];
    CHECK(cudaMemcpy(partial, dpartial, sizeof partial, cudaMemcpyDeviceToHost));
    long long got = 0;
    for (int b = 0; b < blocks; b++) got += partial[b];
    EXPECT(got == expect, "tree sum %lld, expected %lld", got, expect);
    std::printf("reduction: tree sum of %d ints = %lld\n", n, got);

    float *dfin, *dfout, fexpect = 0, fgot = -1;
    for (int i = 0; i < n; i++) fexpect += fin[i];
    CHECK(cudaMalloc(&dfin, sizeof(float) * n));
    CHECK(cudaMalloc(&dfout, sizeof(float)));
    CHECK(cudaMemcpy(dfin, fin, sizeof(float) * n, cudaMemcpyHostToDevice));
    CHECK(cudaMemset(dfout, 0, sizeof(float)));
    warp_reduce<<<blocks, threads>>>(dfin, dfout, n);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(&fgot, dfout, sizeof(float), cudaMemcpyDeviceToHost));
    EXPECT(fgot == fexpect, "warp sum %f, expected %f", fgot, fexpect);
    std::printf("reduction: warp-shuffle sum of %d floats = %.0f\n", n, fgot);

    int scanBlocks = (n + threads - 1) / threads;
    int *dout, *dsums, *dscanned, *dunused;
    CHECK(cudaMalloc(&dout, sizeof(int) * n));
    CHECK(cudaMalloc(&dsums, sizeof(int) * scanBlocks));
    CHECK(cudaMalloc(&dscanned, sizeof(int) * scanBlocks));
    CHECK(cudaMalloc(&dunused, sizeof(int)));
    prefix_scan<<<scanBlocks, threads, 2 * threads * sizeof(int)>>>(din, dout, dsums, n);
    // the block sums are few: scan them with one block (scanBlocks <= threads for these sizes)
    EXPECT(scanBlocks <= threads, "%d blocks: use a size of at most %d", scanBlocks, threads * threads);
    prefix_scan<<<1, threads, 2 * threads * sizeof(int)>>>(dsums, dscanned, dunused, scanBlocks);
    add_block_offsets<<<scanBlocks, threads>>>(dout, dscanned, n);
    CHECK(cudaGetLastError());
    int *out = (int *)std::malloc(sizeof(int) * n);
    CHECK(cudaMemcpy(out, dout, sizeof(int) * n, cudaMemcpyDeviceToHost));
    long long running = 0;
    for (int i = 0; i < n; i++) {
        running += in[i];
        EXPECT(out[i] == running, "scan[%d] = %d, expected %lld", i, out[i], running);
    }
    std::printf("reduction: prefix scan of %d ints ends at %d\n", n, out[n - 1]);
    CHECK(cudaFree(din));
    CHECK(cudaFree(dpartial));
    CHECK(cudaFree(dfin));
    CHECK(cudaFree(dfout));
    CHECK(cudaFree(dout));
    CHECK(cudaFree(dsums));
    CHECK(cudaFree(dscanned));
    CHECK(cudaFree(dunused));
    std::free(in);
    std::free(fin);
    std::free(out);
    std::printf("reduction: ok\n");
    return 0;
}
