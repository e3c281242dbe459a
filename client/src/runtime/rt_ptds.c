/*
 * The per-thread-default-stream entry points (what programs built with --default-stream
 * per-thread call). Their default stream is served by the vGPU's legacy default stream, which
 * orders at least as strictly: results are the same, only concurrency between host threads that
 * each use "their" default stream is lost.
 */
#include "runtime/rt.h"

#define PT(ret, name, base, params, args) \
    RT_API ret name params;               \
    RT_API ret name params { return base args; }

PT(cudaError_t, cudaMemcpy_ptds, cudaMemcpy, (void *d, const void *s, size_t n, enum cudaMemcpyKind k), (d, s, n, k))
PT(cudaError_t, cudaMemcpyAsync_ptsz, cudaMemcpyAsync, (void *d, const void *s, size_t n, enum cudaMemcpyKind k, cudaStream_t st),
   (d, s, n, k, st))
PT(cudaError_t, cudaMemset_ptds, cudaMemset, (void *d, int v, size_t n), (d, v, n))
PT(cudaError_t, cudaMemsetAsync_ptsz, cudaMemsetAsync, (void *d, int v, size_t n, cudaStream_t st), (d, v, n, st))
PT(cudaError_t, cudaMemcpy2D_ptds, cudaMemcpy2D,
   (void *d, size_t dp, const void *s, size_t sp, size_t w, size_t h, enum cudaMemcpyKind k), (d, dp, s, sp, w, h, k))
PT(cudaError_t, cudaMemcpy2DAsync_ptsz, cudaMemcpy2DAsync,
   (void *d, size_t dp, const void *s, size_t sp, size_t w, size_t h, enum cudaMemcpyKind k, cudaStream_t st),
   (d, dp, s, sp, w, h, k, st))
PT(cudaError_t, cudaMemset2D_ptds, cudaMemset2D, (void *d, size_t p, int v, size_t w, size_t h), (d, p, v, w, h))
PT(cudaError_t, cudaMemset2DAsync_ptsz, cudaMemset2DAsync, (void *d, size_t p, int v, size_t w, size_t h, cudaStream_t st),
   (d, p, v, w, h, st))
PT(cudaError_t, cudaMemcpyToSymbol_ptds, cudaMemcpyToSymbol,
   (const void *sym, const void *s, size_t n, size_t o, enum cudaMemcpyKind k), (sym, s, n, o, k))
PT(cudaError_t, cudaMemcpyFromSymbol_ptds, cudaMemcpyFromSymbol,
   (void *d, const void *sym, size_t n, size_t o, enum cudaMemcpyKind k), (d, sym, n, o, k))
PT(cudaError_t, cudaMemcpyToSymbolAsync_ptsz, cudaMemcpyToSymbolAsync,
   (const void *sym, const void *s, size_t n, size_t o, enum cudaMemcpyKind k, cudaStream_t st), (sym, s, n, o, k, st))
PT(cudaError_t, cudaMemcpyFromSymbolAsync_ptsz, cudaMemcpyFromSymbolAsync,
   (void *d, const void *sym, size_t n, size_t o, enum cudaMemcpyKind k, cudaStream_t st), (d, sym, n, o, k, st))
PT(cudaError_t, cudaLaunchKernel_ptsz, cudaLaunchKernel, (const void *f, dim3 g, dim3 b, void **a, size_t sm, cudaStream_t st),
   (f, g, b, a, sm, st))
PT(cudaError_t, cudaLaunchKernelExC_ptsz, cudaLaunchKernelExC, (const cudaLaunchConfig_t *c, const void *f, void **a), (c, f, a))
PT(cudaError_t, cudaStreamSynchronize_ptsz, cudaStreamSynchronize, (cudaStream_t st), (st))
PT(cudaError_t, cudaStreamQuery_ptsz, cudaStreamQuery, (cudaStream_t st), (st))
PT(cudaError_t, cudaStreamWaitEvent_ptsz, cudaStreamWaitEvent, (cudaStream_t st, cudaEvent_t e, unsigned f), (st, e, f))
PT(cudaError_t, cudaEventRecord_ptsz, cudaEventRecord, (cudaEvent_t e, cudaStream_t st), (e, st))
PT(cudaError_t, cudaEventRecordWithFlags_ptsz, cudaEventRecordWithFlags, (cudaEvent_t e, cudaStream_t st, unsigned f), (e, st, f))
PT(cudaError_t, cudaStreamGetPriority_ptsz, cudaStreamGetPriority, (cudaStream_t st, int *p), (st, p))
PT(cudaError_t, cudaStreamGetFlags_ptsz, cudaStreamGetFlags, (cudaStream_t st, unsigned *f), (st, f))
PT(cudaError_t, cudaStreamGetDevice_ptsz, cudaStreamGetDevice, (cudaStream_t st, int *d), (st, d))
PT(cudaError_t, cudaGetDriverEntryPoint_ptsz, cudaGetDriverEntryPoint,
   (const char *s, void **f, unsigned long long fl, enum cudaDriverEntryPointQueryResult *r), (s, f, fl, r))
PT(cudaError_t, cudaGetDriverEntryPointByVersion_ptsz, cudaGetDriverEntryPointByVersion,
   (const char *s, void **f, unsigned v, unsigned long long fl, enum cudaDriverEntryPointQueryResult *r), (s, f, v, fl, r))

RT_API cudaError_t __cudaLaunchKernel_ptsz(cudaKernel_t k, dim3 g, dim3 b, void **a, size_t sm, cudaStream_t st);
RT_API cudaError_t __cudaLaunchKernel_ptsz(cudaKernel_t k, dim3 g, dim3 b, void **a, size_t sm, cudaStream_t st) {
    return __cudaLaunchKernel(k, g, b, a, sm, st);
}
