package io.orion.backend.cuda.internal.context;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.GpuStream;

/** A {@code CUstream} of one context. */
final class CudaStream extends Handles.Owned implements GpuStream {
    final boolean nonBlocking;
    final int priority;

    CudaStream(ContextCore owner, MemorySegment handle, boolean nonBlocking, int priority) {
        super(owner, handle);
        this.nonBlocking = nonBlocking;
        this.priority = priority;
    }

    @Override
    public String toString() {
        return "stream 0x" + Long.toHexString(handle.address()) + (nonBlocking ? " (non-blocking" : " (blocking")
                + ", priority " + priority + ")";
    }
}
