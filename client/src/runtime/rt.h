/*
 * The CUDA runtime API over the client core. What the runtime adds to the core: the per-thread
 * current device and last error, CUDA's runtime error codes, the registration of the program's
 * fat binaries, kernels and variables, and the call configuration of <<<...>>> launches.
 */
#ifndef ORION_RT_H
#define ORION_RT_H

#include <cuda_runtime_api.h>

#include "core/orion.h"

#ifndef ORION_CUDART_MAJOR
#define ORION_CUDART_MAJOR 13
#endif

/* The runtime version this library reports: the major it replaces, as CUDA encodes it. */
#define ORION_CUDART_VERSION (ORION_CUDART_MAJOR * 1000)

#define RT_API __attribute__((visibility("default")))

/* Records err as this thread's last error when it is one, and returns it. */
cudaError_t rt_error(cudaError_t err);
/* A core status (CUresult) as the runtime's error code, recorded as the last error. */
cudaError_t rt_status(int cu_status);
/* Initializes the client if needed; cudaSuccess or the runtime error that init failed with. */
cudaError_t rt_init(void);
/* The calling thread's current device (device 0 until cudaSetDevice says otherwise). */
int rt_device(void);
/* A stream handle from the program: *out NULL for the default stream. Errors recorded. */
cudaError_t rt_stream(cudaStream_t handle, orion_stream **out);

/* nvcc's registration and launch entry points (declared by CUDA only for C++ host code). */
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void __cudaUnregisterFatBinary(void **fatCubinHandle);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun, const char *deviceName,
                            int thread_limit, uint3 *tid, uint3 *bid, dim3 *bDim, dim3 *gDim, int *wSize);
void __cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress, const char *deviceName, int ext,
                       size_t size, int constant, int global);
void __cudaRegisterManagedVar(void **fatCubinHandle, void **hostVarPtrAddress, char *deviceAddress,
                              const char *deviceName, int ext, size_t size, int constant, int global);
char __cudaInitModule(void **fatCubinHandle);
unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem, struct CUstream_st *stream);
cudaError_t __cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem, void *stream);
cudaError_t __cudaGetKernel(cudaKernel_t *kernel, const void *hostFun);
cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args, size_t sharedMem,
                               cudaStream_t stream);

/* The kernel registered for a host function (the <<<>>> stub's address), or NULL. */
orion_function *rt_kernel(const void *host_fun);
/* A registered __device__/__constant__ variable: its module, name and size; 0 when unknown. */
int rt_variable(const void *host_var, orion_module **module, const char **name, size_t *size);

#endif
