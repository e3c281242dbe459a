package io.orion.backend.cuda.internal.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/**
 * The initialised CUDA driver: error naming, per-thread scratch memory and the current context,
 * and the process-fatal fault once one happened. Only {@link #open} creates one, after
 * {@link LibraryCheck} found the library complete, so the generated {@link CudaDriver} class is
 * never initialised where it would fail.
 */
public final class Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Driver.class);

    /**
     * Per thread, shared by every Driver of this bundle: the note of which context is current must
     * be one per thread, or two backends in one JVM (tests, a re-activated component) would each
     * trust a note the other made stale.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** CUDA_ERROR_CONTEXT_IS_DESTROYED, which the generated constants do not carry. */
    private static final int CONTEXT_IS_DESTROYED = 709;
    /** Context tokens, unique in this JVM across Driver instances, never 0. */
    private static final AtomicLong TOKENS = new AtomicLong();

    private final int version;
    private final Map<Integer, CudaError> errors = new ConcurrentHashMap<>();
    private final AtomicReference<ProcessFault> fault = new AtomicReference<>();

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

    /** A new context's token for {@link #makeCurrent}: unique in this JVM, never 0. */
    public static long newContextToken() {
        return TOKENS.incrementAndGet();
    }

    /** The driver's CUDA version, e.g. 13000. */
    public int version() {
        return version;
    }

    /** This thread's scratch memory. */
    public Scratch scratch() {
        return SCRATCH.get();
    }

    /** The process-fatal fault, or null while there was none. One volatile read: every call asks. */
    public ProcessFault fault() {
        return fault.get();
    }

    /** Throws the typed error for a non-zero {@code CUresult}. */
    public void check(int rc, String what) {
        if (rc != 0) throw error(rc, what);
    }

    /** The typed error for {@code rc}: CUDA's name and message, and what was being done. */
    public GpuException error(int rc, String what) {
        return error(rc, what, "");
    }

    /**
     * As {@link #error(int, String)}, with {@code detail} after CUDA's message. A process-fatal error
     * is recorded as the backend's fault the first time, and its message says what it means. A
     * context error resets this thread's note of the current context, in case anything switched it
     * behind the backend's back: the next call then sets it again.
     */
    public GpuException error(int rc, String what, String detail) {
        CudaError e = describe(rc);
        if (rc == CudaError.INVALID_CONTEXT.code() || rc == CONTEXT_IS_DESTROYED) forgetCurrent(scratch());
        if (!ProcessFatalErrors.isProcessFatal(rc)) return new GpuException(e, what + ": " + e.message() + detail);
        ProcessFault f = new ProcessFault(e, what, Instant.now());
        if (fault.compareAndSet(null, f)) LOG.error("cuda backend faulted: {}", f.describe());
        return new GpuException(e, what + ": " + e.message() + detail + "; " + ProcessFault.CONSEQUENCE);
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
     * Makes {@code ctx} current on the calling thread unless this thread's note says it already is.
     * The note is kept by every Driver of this bundle, so it is right unless code outside the
     * backend switches contexts on the backend's threads, which nothing in the server does; a
     * context error clears it anyway ({@link #error}). Asking the driver instead (cuCtxGetCurrent)
     * cost a second driver call on every operation.
     */
    public void makeCurrent(Scratch s, long token, MemorySegment ctx) {
        if (s.current == token) return;
        int rc = CudaDriver.cuCtxSetCurrent(ctx);
        if (rc != 0) {
            s.current = 0;
            throw error(rc, "cuCtxSetCurrent");
        }
        s.current = token;
    }

    /** Forgets what this thread made current (after a context was destroyed here, say). */
    public void forgetCurrent(Scratch s) {
        s.current = 0;
    }
}
