// Vector add through the driver API, as a program that manages its own context and module does:
// cuInit, a context, the kernel loaded from a fat binary file (cuModuleLoad), cuLaunchKernel with
// argument pointers and again with a packed argument buffer, copies, and cuGetProcAddress for one
// of the calls. No CUDA runtime is involved.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <cuda.h>
#include <unistd.h>

#define DRV(call)                                                                                 \
    do {                                                                                          \
        CUresult r_ = (call);                                                                     \
        if (r_ != CUDA_SUCCESS) {                                                                 \
            const char *name_ = "?";                                                              \
            cuGetErrorName(r_, &name_);                                                           \
            std::fprintf(stderr, "%s:%d: %s failed: %s (%d)\n", __FILE__, __LINE__, #call, name_, r_); \
            std::exit(1);                                                                         \
        }                                                                                         \
    } while (0)

#define EXPECT(cond, ...)                                                                         \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::fprintf(stderr, "%s:%d: expected %s: ", __FILE__, __LINE__, #cond);              \
            std::fprintf(stderr, __VA_ARGS__);                                                    \
            std::fputc('\n', stderr);                                                             \
            std::exit(1);                                                                         \
        }                                                                                         \
    } while (0)

// The kernel image: argv[1], else ../kernels/vector_add.fatbin next to this program.
static std::string image_path(int argc, char **argv) {
    if (argc > 1) return argv[1];
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return "vector_add.fatbin";
    self[n] = 0;
    std::string dir(self);
    return dir.substr(0, dir.rfind('/')) + "/../kernels/vector_add.fatbin";
}

int main(int argc, char **argv) {
    const int n = 5000;
    DRV(cuInit(0));
    int count = 0;
    DRV(cuDeviceGetCount(&count));
    EXPECT(count >= 1, "%d devices", count);
    CUdevice dev;
    DRV(cuDeviceGet(&dev, 0));
    char name[256];
    DRV(cuDeviceGetName(name, sizeof name, dev));
    int major = 0, minor = 0;
    DRV(cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev));
    DRV(cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev));
    size_t total = 0;
    DRV(cuDeviceTotalMem(&total, dev));
    std::fprintf(stderr, "driver_vector_add: %s, %zu MiB\n", name, total >> 20);
    std::printf("driver_vector_add: compute capability %d.%d\n", major, minor);

    CUcontext ctx;
    DRV(cuCtxCreate(&ctx, nullptr, 0, dev));
    CUmodule mod;
    std::string path = image_path(argc, argv);
    DRV(cuModuleLoad(&mod, path.c_str()));
    CUfunction fn;
    DRV(cuModuleGetFunction(&fn, mod, "vector_add"));
    CUfunction missing;
    EXPECT(cuModuleGetFunction(&missing, mod, "no_such_kernel") == CUDA_ERROR_NOT_FOUND, "an unknown kernel was found");
    size_t offset = 99, size = 0;
    DRV(cuFuncGetParamInfo(fn, 3, &offset, &size));
    EXPECT(offset == 24 && size == 4, "parameter 3 at %zu, %zu bytes", offset, size);

    // one call through the entry-point table, as frameworks resolve the driver
    void *entry = nullptr;
    CUdriverProcAddressQueryResult found;
    DRV(cuGetProcAddress("cuMemcpyHtoD", &entry, CUDA_VERSION, CU_GET_PROC_ADDRESS_DEFAULT, &found));
    EXPECT(entry && found == CU_GET_PROC_ADDRESS_SUCCESS, "cuMemcpyHtoD has no entry point");
    auto memcpy_htod = (CUresult (*)(CUdeviceptr, const void *, size_t))entry;

    float *a = new float[n], *b = new float[n], *c = new float[n];
    for (int i = 0; i < n; i++) {
        a[i] = (float)i;
        b[i] = 2.0f * (float)(n - i);
    }
    CUdeviceptr da, db, dc;
    DRV(cuMemAlloc(&da, n * sizeof(float)));
    DRV(cuMemAlloc(&db, n * sizeof(float)));
    DRV(cuMemAlloc(&dc, n * sizeof(float)));
    DRV(memcpy_htod(da, a, n * sizeof(float)));
    DRV(cuMemcpyHtoD(db, b, n * sizeof(float)));
    int count_arg = n;
    void *args[] = {&da, &db, &dc, &count_arg};
    DRV(cuLaunchKernel(fn, (n + 127) / 128, 1, 1, 128, 1, 1, 0, nullptr, args, nullptr));
    DRV(cuCtxSynchronize());
    DRV(cuMemcpyDtoH(c, dc, n * sizeof(float)));
    double sum = 0;
    for (int i = 0; i < n; i++) {
        EXPECT(c[i] == a[i] + b[i], "c[%d] = %f, expected %f", i, c[i], a[i] + b[i]);
        sum += c[i];
    }
    std::printf("driver_vector_add: %d elements, sum %.1f\n", n, sum);

    // the same launch with a packed buffer (cuLaunchKernel's "extra"), into cleared memory, on a stream
    CUstream stream;
    DRV(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
    DRV(cuMemsetD32Async(dc, 0, n, stream));
    unsigned char packed[28];
    std::memcpy(packed, &da, 8);
    std::memcpy(packed + 8, &db, 8);
    std::memcpy(packed + 16, &dc, 8);
    std::memcpy(packed + 24, &count_arg, 4);
    size_t packed_size = sizeof packed;
    void *extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, packed, CU_LAUNCH_PARAM_BUFFER_SIZE, &packed_size, CU_LAUNCH_PARAM_END};
    DRV(cuLaunchKernel(fn, 8, 1, 1, 256, 1, 1, 0, stream, nullptr, extra));
    DRV(cuMemcpyDtoHAsync(c, dc, n * sizeof(float), stream));
    DRV(cuStreamSynchronize(stream));
    for (int i = 0; i < n; i++) EXPECT(c[i] == a[i] + b[i], "packed launch: c[%d] = %f", i, c[i]);
    std::printf("driver_vector_add: packed arguments: ok\n");

    CUdeviceptr base = 0;
    size_t extent = 0;
    DRV(cuMemGetAddressRange(&base, &extent, db + 100));
    EXPECT(base == db && extent >= n * sizeof(float), "address range %llx +%zu", (unsigned long long)base, extent);
    DRV(cuStreamDestroy(stream));
    DRV(cuMemFree(da));
    DRV(cuMemFree(db));
    DRV(cuMemFree(dc));
    DRV(cuModuleUnload(mod));
    DRV(cuCtxDestroy(ctx));
    delete[] a;
    delete[] b;
    delete[] c;
    std::printf("driver_vector_add: ok\n");
    return 0;
}
