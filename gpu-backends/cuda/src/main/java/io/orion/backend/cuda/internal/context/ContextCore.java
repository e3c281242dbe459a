package io.orion.backend.cuda.internal.context;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.driver.Driver;
import io.orion.backend.cuda.internal.driver.Scratch;

/**
 * What every operation of one context needs: its CUDA context handle, the driver, and the way in
 * ({@link #enter}: count the call, make the context current on this thread) and out ({@link #exit}).
 */
final class ContextCore {
    final Driver driver;
    final GpuDevice device;
    final MemorySegment handle;
    final long serial;
    private final UseGuard guard;

    ContextCore(Driver driver, GpuDevice device, MemorySegment handle, long serial) {
        this.driver = driver;
        this.device = device;
        this.handle = handle;
        this.serial = serial;
        this.guard = new UseGuard(() -> new GpuException(CudaError.INVALID_CONTEXT,
                "the context " + describe() + " is closed"));
    }

    /** Starts a call: the context is current on this thread until {@link #exit}. */
    Scratch enter() {
        guard.enter();
        try {
            Scratch s = driver.scratch();
            driver.makeCurrent(s, serial, handle);
            return s;
        } catch (RuntimeException e) {
            guard.exit();
            throw e;
        }
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

    String describe() {
        return "context #" + serial + " on " + device.uuid();
    }
}
