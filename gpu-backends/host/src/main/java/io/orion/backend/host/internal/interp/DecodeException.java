package io.orion.backend.host.internal.interp;

import java.io.Serial;

import io.orion.api.backend.CudaError;

/**
 * A kernel the interpreter cannot run: an instruction or feature it does not support
 * ({@link CudaError#NOT_SUPPORTED}) or PTX that does not make sense ({@link CudaError#INVALID_PTX}).
 * The message names the kernel, the PTX line and the instruction.
 */
public final class DecodeException extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    private final transient CudaError error;

    public DecodeException(CudaError error, String message) {
        super(message);
        this.error = error;
    }

    public CudaError error() { return error; }
}
