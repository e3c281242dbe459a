package io.orion.backend.cuda.internal.context;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.GpuEvent;

/** A {@code CUevent} of one context. */
final class CudaEvent extends Handles.Owned implements GpuEvent {
    final boolean timing;

    CudaEvent(ContextCore owner, MemorySegment handle, boolean timing) {
        super(owner, handle);
        this.timing = timing;
    }

    @Override
    public String toString() {
        return "event 0x" + Long.toHexString(handle.address()) + (timing ? "" : " (no timing)");
    }
}
