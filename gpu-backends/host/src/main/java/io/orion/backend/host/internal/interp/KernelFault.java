package io.orion.backend.host.internal.interp;

import java.io.Serial;

import io.orion.api.backend.CudaError;

/**
 * An error raised while a kernel runs (illegal or misaligned address, trap, assert, deadlock). It
 * stops the launch; the context latches it and reports it at the next synchronising call, as
 * CUDA reports its asynchronous errors. No stack trace: it is an outcome, not a bug.
 */
public final class KernelFault extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final transient CudaError error;

    public KernelFault(CudaError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public CudaError error() { return error; }

    /** The same fault with where it happened added to the message. */
    KernelFault at(String where) {
        return new KernelFault(error, getMessage() + " " + where);
    }
}
