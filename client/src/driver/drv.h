/* The CUDA driver API over the client core: what the driver's files share. */
#ifndef ORION_DRV_H
#define ORION_DRV_H

#include <cuda.h>

#include "core/orion.h"

#define DRV_API __attribute__((visibility("default")))

/* CUDA_ERROR_NOT_INITIALIZED until cuInit (or the runtime) has initialized the client. */
CUresult drv_ready(void);
/* The current context's device into *dev; CUDA_ERROR_INVALID_CONTEXT when the thread has none. */
CUresult drv_device(int *dev);
/* A CUdevice from the program, checked. */
CUresult drv_check_device(CUdevice dev);
/* A CUstream from the program: NULL for a default stream. */
CUresult drv_stream(CUstream h, orion_stream **out);

#endif
