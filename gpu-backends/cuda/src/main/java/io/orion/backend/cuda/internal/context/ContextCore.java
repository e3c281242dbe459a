package io.orion.backend.cuda.internal.context;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.driver.Driver;
import io.orion.backend.cuda.internal.driver.ProcessFault;
import io.orion.backend.cuda.internal.driver.Scratch;

/**
 * What every operation of one context needs: its CUDA context handle, the driver, and the way in
 * ({@link #enter}: refuse after a process-fatal fault, count the call, make the context current on
 * this thread) and out ({@link #exit}).
 */
final class ContextCore {
    final Driver driver;
    final GpuDevice device;
    final MemorySegment handle;
    /** The context's number within its backend, for people. */
    final long serial;
    /** Its token for the per-thread note of the current context ({@link Driver#makeCurrent}). */
    final long token;
    private final UseGuard guard;

    ContextCore(Driver driver, GpuDevice device, MemorySegment handle, long serial) {
        this.driver = driver;
        this.device = device;
        this.handle = handle;
        this.serial = serial;
        this.token = Driver.newContextToken();
        this.guard = new UseGuard(() -> new GpuException(CudaError.INVALID_CONTEXT,
                "the context " + describe() + " is closed"));
    }

    /**
     * Starts a call: the context is current on this thread until {@link #exit}. After a
     * process-fatal fault, anywhere in the process, it fails at once with that fault's error: the
     * driver would fail the call anyway, and a call that waits on the GPU might not come back.
     */
    Scratch enter() {
        ProcessFault fault = driver.fault();
        if (fault != null) throw unusable(fault);
        guard.enter();
        Scratch s = driver.scratch();
        if (!s.isCurrent(token)) {
            try {
                driver.makeCurrent(s, token, handle);
            } catch (RuntimeException e) {
                guard.exit();
                throw e;
            }
        }
        return s;
    }

    void exit() {
        guard.exit();
    }

    UseGuard guard() {
        return guard;
    }

    /** Throws CUDA's error for a non-zero result, naming the operation and this context. */
    void check(int rc, String what) {
        if (rc != 0) throw fail(rc, what);
    }

    GpuException fail(int rc, String what) {
        return driver.error(rc, what + " in " + describe());
    }

    private GpuException unusable(ProcessFault fault) {
        return new GpuException(fault.error(), describe() + " cannot be used: the cuda backend is faulted: " + fault.describe());
    }

    String describe() {
        return "context #" + serial + " on " + device.uuid();
    }
}
