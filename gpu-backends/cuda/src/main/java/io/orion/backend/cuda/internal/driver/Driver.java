package io.orion.backend.cuda.internal.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/**
 * The initialised CUDA driver: error naming, per-thread scratch memory and the current-context
 * check. Only {@link #open} creates one, after {@link LibraryCheck} found the library complete,
 * so the generated {@link CudaDriver} class is never initialised where it would fail.
 */
public final class Driver {
    private final int version;
    private final Map<Integer, CudaError> errors = new ConcurrentHashMap<>();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private Driver(int version) {
        this.version = version;
    }

    /**
     * Calls {@code cuInit(0)} on a library that {@link LibraryCheck} found complete.
     *
     * @throws GpuException when cuInit fails (no device, stub library, driver/kernel-module mismatch...)
     */
    public static Driver open(LibraryCheck check) {
        if (!check.usable()) throw new IllegalArgumentException("library not usable: " + check);
        Driver driver = new Driver(queryVersion());
        int rc = CudaDriver.cuInit(0);
        if (rc != 0) throw driver.error(rc, "cuInit");
        return driver;
    }

    /** {@code cuDriverGetVersion}, which works before cuInit and in every driver. */
    public static int queryVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            return CudaDriver.cuDriverGetVersion(out) == 0 ? out.get(JAVA_INT, 0) : -1;
        }
    }

    /** The driver's CUDA version, e.g. 13000. */
    public int version() {
        return version;
    }

    /** This thread's scratch memory. */
    public Scratch scratch() {
        return scratch.get();
    }

    /** Throws the typed error for a non-zero {@code CUresult}. */
    public void check(int rc, String what) {
        if (rc != 0) throw error(rc, what);
    }

    /** The typed error for {@code rc}: CUDA's name and message, and what was being done. */
    public GpuException error(int rc, String what) {
        CudaError e = describe(rc);
        return new GpuException(e, what + ": " + e.message());
    }

    /** CUDA's name and message for a code, from cuGetErrorName/cuGetErrorString (cached). */
    public CudaError describe(int rc) {
        return errors.computeIfAbsent(rc, Driver::askDriver);
    }

    private static CudaError askDriver(int rc) {
        CudaError known = CudaError.of(rc);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            String name = CudaDriver.cuGetErrorName(rc, out) == 0 ? cString(out) : null;
            String message = CudaDriver.cuGetErrorString(rc, out) == 0 ? cString(out) : null;
            return new CudaError(rc, name != null ? name : known.name(), message != null ? message : known.message());
        }
    }

    /** The NUL-terminated string an out-parameter points to, or null for a null pointer. */
    private static String cString(MemorySegment pointerSlot) {
        MemorySegment p = pointerSlot.get(ADDRESS, 0);
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(4096).getString(0);
    }

    /**
     * Makes {@code ctx} current on the calling thread unless it already is. The per-thread serial
     * (which context this driver object last made current here) catches a handle value reused by a
     * new context after the old one was destroyed while current elsewhere; asking the driver catches
     * anyone else (another backend instance, say) having switched this thread since.
     */
    public void makeCurrent(Scratch s, long serial, MemorySegment ctx) {
        if (s.currentSerial == serial) {
            MemorySegment slot = s.out(0);
            if (CudaDriver.cuCtxGetCurrent(slot) == 0 && slot.get(JAVA_LONG, 0) == ctx.address()) return;
        }
        int rc = CudaDriver.cuCtxSetCurrent(ctx);
        if (rc != 0) {
            s.currentSerial = 0;
            throw error(rc, "cuCtxSetCurrent");
        }
        s.currentSerial = serial;
    }

    /** Forgets what this thread made current (after a context was destroyed here, say). */
    public void forgetCurrent(Scratch s) {
        s.currentSerial = 0;
    }
}
