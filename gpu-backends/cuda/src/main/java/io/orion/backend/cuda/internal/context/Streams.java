package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;
import io.orion.backend.cuda.internal.driver.Scratch;
import io.orion.backend.cuda.internal.ffi.CudaConstants;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/** Streams, events and their synchronisation, for one context. */
final class Streams {
    private final ContextCore core;

    Streams(ContextCore core) {
        this.core = core;
    }

    /** The driver handle of a stream of this context; NULL (the default stream) for {@code null}. */
    MemorySegment handleOf(GpuStream stream) {
        return stream == null ? MemorySegment.NULL : Handles.resolve(stream, CudaStream.class, core, "stream").handle;
    }

    private CudaEvent event(GpuEvent event) {
        return Handles.resolve(event, CudaEvent.class, core, "event");
    }

    GpuStream createStream(boolean nonBlocking, int priority) {
        int flags = nonBlocking ? CudaConstants.CU_STREAM_NON_BLOCKING() : CudaConstants.CU_STREAM_DEFAULT();
        Scratch s = core.enter();
        try {
            core.check(CudaDriver.cuStreamCreateWithPriority(s.out(0), flags, priority),
                    "cuStreamCreateWithPriority(flags " + flags + ", priority " + priority + ")");
            return new CudaStream(core, s.out(0).get(ADDRESS, 0), nonBlocking, priority);
        } finally {
            core.exit();
        }
    }

    void destroyStream(GpuStream stream) {
        core.enter();
        try {
            CudaStream st = Handles.resolve(stream, CudaStream.class, core, "stream");
            if (st.retire()) core.check(CudaDriver.cuStreamDestroy_v2(st.handle), "cuStreamDestroy(" + st + ")");
        } finally {
            core.exit();
        }
    }

    void synchronize(GpuStream stream) {
        core.enter();
        try {
            core.check(CudaDriver.cuStreamSynchronize(handleOf(stream)), "cuStreamSynchronize");
        } finally {
            core.exit();
        }
    }

    boolean isIdle(GpuStream stream) {
        core.enter();
        try {
            return ready(CudaDriver.cuStreamQuery(handleOf(stream)), "cuStreamQuery");
        } finally {
            core.exit();
        }
    }

    void waitEvent(GpuStream stream, GpuEvent event) {
        core.enter();
        try {
            core.check(CudaDriver.cuStreamWaitEvent(handleOf(stream), event(event).handle, 0), "cuStreamWaitEvent");
        } finally {
            core.exit();
        }
    }

    GpuEvent createEvent(boolean timing, boolean blockingSync) {
        int flags = (timing ? CudaConstants.CU_EVENT_DEFAULT() : CudaConstants.CU_EVENT_DISABLE_TIMING())
                | (blockingSync ? CudaConstants.CU_EVENT_BLOCKING_SYNC() : 0);
        Scratch s = core.enter();
        try {
            core.check(CudaDriver.cuEventCreate(s.out(0), flags), "cuEventCreate(flags " + flags + ")");
            return new CudaEvent(core, s.out(0).get(ADDRESS, 0), timing);
        } finally {
            core.exit();
        }
    }

    void destroyEvent(GpuEvent event) {
        core.enter();
        try {
            CudaEvent ev = event(event);
            if (ev.retire()) core.check(CudaDriver.cuEventDestroy_v2(ev.handle), "cuEventDestroy(" + ev + ")");
        } finally {
            core.exit();
        }
    }

    void record(GpuEvent event, GpuStream stream) {
        core.enter();
        try {
            core.check(CudaDriver.cuEventRecord(event(event).handle, handleOf(stream)), "cuEventRecord");
        } finally {
            core.exit();
        }
    }

    void synchronize(GpuEvent event) {
        core.enter();
        try {
            core.check(CudaDriver.cuEventSynchronize(event(event).handle), "cuEventSynchronize");
        } finally {
            core.exit();
        }
    }

    boolean isComplete(GpuEvent event) {
        core.enter();
        try {
            return ready(CudaDriver.cuEventQuery(event(event).handle), "cuEventQuery");
        } finally {
            core.exit();
        }
    }

    float elapsedMillis(GpuEvent start, GpuEvent end) {
        Scratch s = core.enter();
        try {
            CudaEvent a = event(start), b = event(end);
            for (CudaEvent e : new CudaEvent[] {a, b})
                if (!e.timing) throw new GpuException(CudaError.INVALID_HANDLE, e + " was created without timing");
            core.check(CudaDriver.cuEventElapsedTime_v2(s.out(0), a.handle, b.handle), "cuEventElapsedTime");
            return s.out(0).get(JAVA_FLOAT, 0);
        } finally {
            core.exit();
        }
    }

    /** CUDA_SUCCESS: done; CUDA_ERROR_NOT_READY: not yet; anything else is an error. */
    private boolean ready(int rc, String what) {
        if (rc == 0) return true;
        if (rc == CudaConstants.CUDA_ERROR_NOT_READY()) return false;
        throw core.fail(rc, what);
    }
}
