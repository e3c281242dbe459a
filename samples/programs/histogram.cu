// Histogram of bytes with shared and global atomics, plus a __device__ counter and a __constant__
// table reached through cudaMemcpyToSymbol / cudaMemcpyFromSymbol; all checked against the host.
#include "common.h"
#include "../kernels/histogram.cu"

__constant__ unsigned char weights[BINS];
__device__ unsigned long long weighted;

// Adds every bin times its weight into the __device__ counter.
__global__ void weigh(const unsigned int *bins) {
    int b = blockIdx.x * blockDim.x + threadIdx.x;
    if (b < BINS) atomicAdd(&weighted, (unsigned long long)bins[b] * weights[b]);
}

int main(int argc, char **argv) {
    int n = (int)size_arg(argc, argv, 50000);
    unsigned char *data = (unsigned char *)std::malloc(n);
    unsigned expect[BINS] = {0};
    unsigned seed = 3;
    for (int i = 0; i < n; i++) {
        data[i] = (unsigned char)(next_random(&seed) % 251);
        expect[data[i]]++;
    }
    unsigned char *ddata;
    unsigned *dbins;
    CHECK(cudaMalloc(&ddata, n));
    CHECK(cudaMalloc(&dbins, sizeof(unsigned) * BINS));
    CHECK(cudaMemcpy(ddata, data, n, cudaMemcpyHostToDevice));
    CHECK(cudaMemset(dbins, 0, sizeof(unsigned) * BINS));
    histogram<<<8, 256>>>(ddata, dbins, n);
    CHECK(cudaGetLastError());
    unsigned bins[BINS];
    CHECK(cudaMemcpy(bins, dbins, sizeof bins, cudaMemcpyDeviceToHost));
    unsigned long long total = 0, wexpect = 0;
    unsigned char w[BINS];
    for (int b = 0; b < BINS; b++) {
        EXPECT(bins[b] == expect[b], "bin %d counts %u, expected %u", b, bins[b], expect[b]);
        total += bins[b];
        w[b] = (unsigned char)(b % 5);
        wexpect += (unsigned long long)bins[b] * w[b];
    }
    EXPECT(total == (unsigned long long)n, "%llu counted of %d", total, n);
    std::printf("histogram: %d bytes into %d bins, bin 0 = %u, bin 250 = %u\n", n, BINS, bins[0], bins[250]);

    unsigned long long zero = 0, got = 0;
    CHECK(cudaMemcpyToSymbol(weights, w, sizeof w));
    CHECK(cudaMemcpyToSymbol(weighted, &zero, sizeof zero));
    weigh<<<(BINS + 63) / 64, 64>>>(dbins);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpyFromSymbol(&got, weighted, sizeof got));
    EXPECT(got == wexpect, "weighted sum %llu, expected %llu", got, wexpect);
    unsigned char back[BINS];
    CHECK(cudaMemcpyFromSymbol(back, weights, sizeof back, 0, cudaMemcpyDeviceToHost));
    for (int b = 0; b < BINS; b++) EXPECT(back[b] == w[b], "weight %d reads %u", b, back[b]);
    size_t size = 0;
    CHECK(cudaGetSymbolSize(&size, weights));
    EXPECT(size == BINS, "symbol size %zu", size);
    // past the end of a symbol is refused
    EXPECT(cudaMemcpyToSymbol(weights, w, sizeof w, 1) == cudaErrorInvalidValue, "a copy past the symbol's end was accepted");
    cudaGetLastError();
    std::printf("histogram: weighted sum %llu\n", got);
    CHECK(cudaFree(ddata));
    CHECK(cudaFree(dbins));
    std::free(data);
    std::printf("histogram: ok\n");
    return 0;
}
