// Device query: what the runtime says about each device, checked for consistency (properties
// against attributes, memory info against the total, the driver's functions reached through
// cudaGetDriverEntryPoint against the runtime's answers). Facts of the device go to stderr, so stdout
// is the same on any device of the same compute capability and SM count.
#include <cuda.h>

#include "common.h"

// cudaGetDriverEntryPoint is deprecated in CUDA 13 (for cudaGetDriverEntryPointByVersion), but
// programs built against CUDA 12 call it, so it is exercised as well (the host compiler warns)
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

// cuDriverGetVersion and cuDeviceGetAttribute through the runtime's driver entry points must answer
// what the runtime answers; an unknown symbol is reported as not found, with success.
static void driver_entry_points(int driver) {
    typedef CUresult (*driver_version_fn)(int *);
    typedef CUresult (*attribute_fn)(int *, CUdevice_attribute, CUdevice);
    void *fn = nullptr;
    cudaDriverEntryPointQueryResult status = cudaDriverEntryPointSymbolNotFound;
    CHECK(cudaGetDriverEntryPoint("cuDriverGetVersion", &fn, cudaEnableDefault, &status));
    EXPECT(status == cudaDriverEntryPointSuccess && fn != nullptr, "cuDriverGetVersion: status %d", (int)status);
    int version = 0;
    EXPECT(((driver_version_fn)fn)(&version) == CUDA_SUCCESS && version == driver, "cuDriverGetVersion says %d, the runtime %d",
           version, driver);
    fn = nullptr;
    CHECK(cudaGetDriverEntryPointByVersion("cuDeviceGetAttribute", &fn, 12000, cudaEnableDefault, &status));
    EXPECT(status == cudaDriverEntryPointSuccess && fn != nullptr, "cuDeviceGetAttribute: status %d", (int)status);
    int sms = 0, want = 0;
    CHECK(cudaDeviceGetAttribute(&want, cudaDevAttrMultiProcessorCount, 0));
    EXPECT(((attribute_fn)fn)(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, 0) == CUDA_SUCCESS && sms == want,
           "cuDeviceGetAttribute says %d multiprocessors, the runtime %d", sms, want);
    fn = &version;
    CHECK(cudaGetDriverEntryPoint("cuNoSuchFunction", &fn, cudaEnableDefault, &status));
    EXPECT(status == cudaDriverEntryPointSymbolNotFound && fn == nullptr, "an unknown symbol: status %d, %p", (int)status, fn);
}

int main() {
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    EXPECT(count >= 1, "%d devices", count);
    int runtime = 0, driver = 0;
    CHECK(cudaRuntimeGetVersion(&runtime));
    CHECK(cudaDriverGetVersion(&driver));
    EXPECT(runtime >= 13000 && driver >= runtime, "runtime %d, driver %d", runtime, driver);
    // the major version is what a program is built for; the minor one depends on the installation
    std::printf("runtime major version %d\n", runtime / 1000);
    std::fprintf(stderr, "runtime version %d.%d, driver version %d.%d, %d device(s)\n", runtime / 1000, runtime % 1000 / 10,
                 driver / 1000, driver % 1000 / 10, count);
    for (int d = 0; d < count; d++) {
        CHECK(cudaSetDevice(d));
        int current = -1;
        CHECK(cudaGetDevice(&current));
        EXPECT(current == d, "cudaGetDevice says %d after cudaSetDevice(%d)", current, d);
        cudaDeviceProp p;
        CHECK(cudaGetDeviceProperties(&p, d));
        std::fprintf(stderr, "device %d: %s, %zu MiB, PCI %04x:%02x:%02x\n", d, p.name, p.totalGlobalMem >> 20, p.pciDomainID,
                     p.pciBusID, p.pciDeviceID);
        EXPECT(p.name[0] != 0, "an empty name");
        EXPECT(p.totalGlobalMem > 0, "no memory");
        std::printf("device %d: compute capability %d.%d, %d multiprocessors, warp %d\n", d, p.major, p.minor,
                    p.multiProcessorCount, p.warpSize);
        std::printf("device %d: max threads per block %d, block (%d, %d, %d), grid (%d, %d, %d)\n", d, p.maxThreadsPerBlock,
                    p.maxThreadsDim[0], p.maxThreadsDim[1], p.maxThreadsDim[2], p.maxGridSize[0], p.maxGridSize[1],
                    p.maxGridSize[2]);
        int v = 0;
        CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMultiProcessorCount, d));
        EXPECT(v == p.multiProcessorCount, "attribute %d, property %d", v, p.multiProcessorCount);
        CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrComputeCapabilityMajor, d));
        EXPECT(v == p.major, "attribute %d, property %d", v, p.major);
        CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxThreadsPerBlock, d));
        EXPECT(v == p.maxThreadsPerBlock, "attribute %d, property %d", v, p.maxThreadsPerBlock);
        CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlock, d));
        EXPECT((size_t)v == p.sharedMemPerBlock, "attribute %d, property %zu", v, p.sharedMemPerBlock);
        size_t free_bytes = 0, total = 0;
        CHECK(cudaMemGetInfo(&free_bytes, &total));
        EXPECT(total == p.totalGlobalMem, "cudaMemGetInfo total %zu, property %zu", total, p.totalGlobalMem);
        EXPECT(free_bytes <= total, "free %zu above total %zu", free_bytes, total);
        std::fprintf(stderr, "device %d: %zu MiB free of %zu MiB\n", d, free_bytes >> 20, total >> 20);
    }
    // the driver's own functions, reached through the runtime without linking the driver
    driver_entry_points(driver);
    // the errors the runtime reports for a bad device are CUDA's own
    EXPECT(cudaSetDevice(count) == cudaErrorInvalidDevice, "cudaSetDevice(%d) of %d devices", count, count);
    EXPECT(cudaGetLastError() == cudaErrorInvalidDevice, "the last error is not the invalid device");
    EXPECT(cudaGetLastError() == cudaSuccess, "cudaGetLastError did not reset");
    std::printf("device_query: ok\n");
    return 0;
}
