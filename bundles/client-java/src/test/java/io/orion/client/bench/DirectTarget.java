package io.orion.client.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.HostMemory;

/** The backend called in process: the baseline every remote figure is compared with. */
final class DirectTarget implements Target {
    private final GpuContext ctx;
    private final GpuFunction empty;
    private final MemorySegment noArgs = MemorySegment.NULL;
    private final long device;
    private final HostMemory pinned;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pageable;
    private final boolean usePinned;
    private final String name;

    DirectTarget(GpuBackend backend, byte[] image, long maxBytes, boolean usePinned, DirectTarget share) {
        this.usePinned = usePinned;
        this.name = usePinned ? "direct (pinned)" : "direct (pageable)";
        if (share != null) {
            ctx = share.ctx;
            empty = share.empty;
            device = share.device;
            pinned = share.pinned;
        } else {
            ctx = backend.openContext(backend.devices().get(0).uuid());
            empty = ctx.function(ctx.loadModule(MemorySegment.ofArray(image)), Kernels.EMPTY);
            device = ctx.memAlloc(maxBytes);
            pinned = ctx.allocHost(maxBytes);
        }
        pageable = usePinned ? null : arena.allocate(maxBytes, 4096);
    }

    @Override public String name() { return name; }

    @Override public void launch() { ctx.launch(empty, Dim3.of(1), Dim3.of(1), 0, null, noArgs); }

    @Override public void synchronize() { ctx.synchronize(); }

    private MemorySegment host() { return usePinned ? pinned.segment() : pageable; }

    @Override public void toDevice(long bytes) { ctx.copyHtoD(device, host(), bytes, null); }

    @Override public void fromDevice(long bytes) { ctx.copyDtoH(host(), device, bytes, null); }

    @Override public void close() {
        arena.close();
    }

    /** Frees the shared context (after every direct target is done). */
    void closeContext() {
        pinned.close();
        ctx.close();
    }
}
