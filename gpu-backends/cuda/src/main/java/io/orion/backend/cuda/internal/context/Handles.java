package io.orion.backend.cuda.internal.context;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * Resolves the opaque handles callers pass back (streams, events, modules, functions) to driver
 * handles, refusing those of another context or backend and those already destroyed, so a
 * tenant can never make the driver act on something that is not its own.
 */
final class Handles {
    private Handles() {}

    /** A driver object owned by one context; {@link #retire} marks it destroyed. */
    abstract static class Owned {
        final ContextCore owner;
        final MemorySegment handle;
        private volatile boolean retired;

        Owned(ContextCore owner, MemorySegment handle) {
            this.owner = owner;
            this.handle = handle;
        }

        /** True the first time: the caller then destroys the driver object. */
        synchronized boolean retire() {
            if (retired) return false;
            retired = true;
            return true;
        }

        boolean retired() {
            return retired;
        }
    }

    /** The driver handle of {@code obj}, which must be a live {@code type} made by {@code core}. */
    static <T extends Owned> T resolve(Object obj, Class<T> type, ContextCore core, String what) {
        if (!type.isInstance(obj))
            throw new GpuException(CudaError.INVALID_HANDLE, what + " " + obj + " was not made by the cuda backend");
        T owned = type.cast(obj);
        if (owned.owner != core)
            throw new GpuException(CudaError.INVALID_HANDLE, what + " belongs to another context ("
                    + owned.owner.describe() + "), not " + core.describe());
        if (owned.retired())
            throw new GpuException(CudaError.INVALID_HANDLE, what + " was already destroyed");
        return owned;
    }
}
