// Memsets and 2D copies: a pitched allocation filled with cudaMemset2D, rows copied in and out
// with cudaMemcpy2D (host to device, device to device, device to host), and cudaMemset on a slice;
// then the same copies queued on a stream with cudaMemcpy2DAsync, from and into pinned memory.
#include "common.h"

int main(int argc, char **argv) {
    int width = (int)size_arg(argc, argv, 100), height = 37; // bytes per row, rows
    unsigned char *dev, *dev2;
    size_t pitch, pitch2;
    CHECK(cudaMallocPitch((void **)&dev, &pitch, width, height));
    CHECK(cudaMallocPitch((void **)&dev2, &pitch2, width, height));
    EXPECT(pitch >= (size_t)width && pitch2 >= (size_t)width, "pitch %zu for rows of %d bytes", pitch, width);
    std::fprintf(stderr, "memset_2d: pitch %zu for rows of %d bytes\n", pitch, width);
    CHECK(cudaMemset2D(dev, pitch, 0xAB, width, height));
    unsigned char *host = (unsigned char *)std::malloc((size_t)width * height);
    CHECK(cudaMemcpy2D(host, width, dev, pitch, width, height, cudaMemcpyDeviceToHost));
    for (int i = 0; i < width * height; i++) EXPECT(host[i] == 0xAB, "byte %d is 0x%02x after cudaMemset2D", i, host[i]);
    // a pattern in, across on the device, and back
    for (int r = 0; r < height; r++)
        for (int x = 0; x < width; x++) host[r * width + x] = (unsigned char)(r * 7 + x);
    CHECK(cudaMemcpy2D(dev, pitch, host, width, width, height, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy2D(dev2, pitch2, dev, pitch, width, height, cudaMemcpyDeviceToDevice));
    // clear one row of the copy, then the first 10 bytes of another, with plain memsets
    CHECK(cudaMemset(dev2 + 3 * pitch2, 0, width));
    CHECK(cudaMemsetAsync(dev2 + 5 * pitch2, 0x11, 10, 0));
    unsigned char *back = (unsigned char *)std::calloc((size_t)width, height);
    CHECK(cudaMemcpy2D(back, width, dev2, pitch2, width, height, cudaMemcpyDefault));
    long sum = 0;
    for (int r = 0; r < height; r++)
        for (int x = 0; x < width; x++) {
            unsigned char want = r == 3 ? 0 : (r == 5 && x < 10) ? 0x11 : (unsigned char)(r * 7 + x);
            EXPECT(back[r * width + x] == want, "row %d byte %d is 0x%02x, expected 0x%02x", r, x, back[r * width + x], want);
            sum += back[r * width + x];
        }
    std::printf("memset_2d: %d rows of %d bytes, sum %ld\n", height, width, sum);
    // the same three ways queued on a stream, between pinned host rows and the pitched rows
    cudaStream_t stream;
    unsigned char *pinned, *pinnedBack;
    CHECK(cudaStreamCreate(&stream));
    CHECK(cudaMallocHost(&pinned, (size_t)width * height));
    CHECK(cudaMallocHost(&pinnedBack, (size_t)width * height));
    for (int r = 0; r < height; r++)
        for (int x = 0; x < width; x++) pinned[r * width + x] = (unsigned char)(r * 3 + x * 5 + 1);
    CHECK(cudaMemcpy2DAsync(dev, pitch, pinned, width, width, height, cudaMemcpyHostToDevice, stream));
    CHECK(cudaMemcpy2DAsync(dev2, pitch2, dev, pitch, width, height, cudaMemcpyDeviceToDevice, stream));
    CHECK(cudaMemcpy2DAsync(pinnedBack, width, dev2, pitch2, width, height, cudaMemcpyDeviceToHost, stream));
    CHECK(cudaStreamSynchronize(stream));
    long asyncSum = 0;
    for (int i = 0; i < width * height; i++) {
        EXPECT(pinnedBack[i] == pinned[i], "byte %d is 0x%02x after the queued 2D copies, expected 0x%02x", i, pinnedBack[i], pinned[i]);
        asyncSum += pinnedBack[i];
    }
    std::printf("memset_2d: queued 2D copies on a stream, sum %ld\n", asyncSum);
    CHECK(cudaStreamDestroy(stream));
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaFreeHost(pinnedBack));
    // a row wider than the pitch is refused
    EXPECT(cudaMemcpy2D(back, width, dev2, width - 1, width, height, cudaMemcpyDeviceToHost) == cudaErrorInvalidPitchValue,
           "a pitch below the width was accepted");
    cudaGetLastError();
    CHECK(cudaFree(dev));
    CHECK(cudaFree(dev2));
    std::free(host);
    std::free(back);
    std::printf("memset_2d: ok\n");
    return 0;
}
