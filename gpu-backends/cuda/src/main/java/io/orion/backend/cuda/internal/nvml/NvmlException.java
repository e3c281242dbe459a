package io.orion.backend.cuda.internal.nvml;

import java.io.Serial;

import io.orion.backend.cuda.internal.ffi.Nvml;

/** An NVML call failed; the message has NVML's own text for the code. */
final class NvmlException extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    NvmlException(String message) {
        super(message);
    }

    static void check(int rc, String what) throws NvmlException {
        if (rc != Nvml.NVML_SUCCESS())
            throw new NvmlException(what + " failed with NVML error " + rc + ": " + Nvml.nvmlErrorString(rc).reinterpret(1024).getString(0));
    }
}
