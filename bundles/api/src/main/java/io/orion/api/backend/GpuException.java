package io.orion.api.backend;

import java.io.Serial;

/** A CUDA error raised by a backend, with CUDA's own code and name. */
public class GpuException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final transient CudaError error;

    public GpuException(CudaError error, String detail) {
        super(error.name() + ": " + (detail == null || detail.isEmpty() ? error.message() : detail));
        this.error = error;
    }

    public GpuException(CudaError error) {
        this(error, null);
    }

    public CudaError error() { return error; }

    public int code() { return error.code(); }
}
