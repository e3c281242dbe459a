package io.orion.server.internal;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.MemoryInfo;
import io.orion.protocol.DeviceCalls;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.Result;
import io.orion.protocol.Results;

/**
 * Memory calls: every pointer is checked against the session's own allocations before the backend
 * sees it, and every allocation against the vGPU's quota before the device is asked.
 */
final class MemoryOps {
    private MemoryOps() {}

    static Result alloc(SessionDevice d, MemoryCalls.MemAlloc m) {
        if (m.bytes() == 0) throw new GpuException(CudaError.INVALID_VALUE, "allocation of 0 bytes");
        d.grant.reserve(m.bytes());
        long ptr;
        try {
            ptr = d.context.memAlloc(m.bytes());
        } catch (RuntimeException e) {
            d.grant.release(m.bytes());
            throw e;
        }
        d.allocations.add(ptr, m.bytes());
        return new Results.Pointer(ptr);
    }

    static Result free(SessionDevice d, MemoryCalls.MemFree m) {
        long size = d.allocations.remove(m.address());
        try {
            d.context.memFree(m.address());
        } finally {
            d.grant.release(size);
        }
        return Results.Empty.INSTANCE;
    }

    static Result memset(SessionDevice d, MemoryCalls.Memset m) {
        d.allocations.check(m.address(), m.bytes(), "memset range");
        if (m.bytes() > 0) d.context.memsetD8(m.address(), m.value(), m.bytes(), d.stream(m.stream()));
        d.bytesOnDevice.add(m.bytes());
        return Results.Empty.INSTANCE;
    }

    static Result toDevice(SessionDevice d, MemoryCalls.CopyHtoD m) {
        long n = m.data().remaining();
        d.allocations.check(m.dst(), n, "destination");
        if (n > 0) d.context.copyHtoD(m.dst(), MemorySegment.ofBuffer(m.data()), n, d.stream(m.stream()));
        d.bytesToDevice.add(n);
        return Results.Empty.INSTANCE;
    }

    /** Device to host in chunks, the next copied while the one before is sent: {@link ChunkedCopyOut}. */
    static Result fromDevice(SessionDevice d, MemoryCalls.CopyDtoH m, int chunkBytes, ChunkSink sink) {
        return ChunkedCopyOut.run(d, m, chunkBytes, sink);
    }

    static Result onDevice(SessionDevice d, MemoryCalls.CopyDtoD m) {
        d.allocations.check(m.src(), m.bytes(), "source");
        d.allocations.check(m.dst(), m.bytes(), "destination");
        if (m.bytes() > 0) d.context.copyDtoD(m.dst(), m.src(), m.bytes(), d.stream(m.stream()));
        d.bytesOnDevice.add(m.bytes());
        return Results.Empty.INSTANCE;
    }

    static Result toDeviceFromRegion(SessionDevice d, MemoryCalls.CopyHtoDRegion m) {
        MemorySegment src = d.region(m.regionOffset(), m.bytes());
        d.allocations.check(m.dst(), m.bytes(), "destination");
        if (m.bytes() > 0) d.context.copyHtoD(m.dst(), src, m.bytes(), d.stream(m.stream()));
        d.bytesToDevice.add(m.bytes());
        return Results.Empty.INSTANCE;
    }

    static Result fromDeviceToRegion(SessionDevice d, MemoryCalls.CopyDtoHRegion m) {
        MemorySegment dst = d.region(m.regionOffset(), m.bytes());
        d.allocations.check(m.src(), m.bytes(), "source");
        if (m.bytes() > 0) d.context.copyDtoH(dst, m.src(), m.bytes(), d.stream(m.stream()));
        d.bytesFromDevice.add(m.bytes());
        return Results.Empty.INSTANCE;
    }

    /** The quota as the program's total memory; free is what is left of it (never more than the card has free). */
    static Result memInfo(SessionDevice d) {
        long quota = d.grant.quotaBytes();
        long left = Math.max(0, quota - d.grant.usedBytes());
        MemoryInfo physical = d.context.memInfo();
        return new DeviceCalls.MemoryStatus(Math.min(left, physical.freeBytes()), quota);
    }

    static Result info(SessionDevice d) {
        var g = d.grant.spec();
        return DeviceCalls.DeviceDescription.of(g.id(), d.gpu.uuid(), d.gpu.name(), g.memoryBytes(),
                d.gpu.totalMemoryBytes(), d.gpu.multiprocessors(), d.gpu.ccMajor(), d.gpu.ccMinor(), d.gpu.pciBusId(),
                g.ratio(), d.gpu.attributes());
    }
}
