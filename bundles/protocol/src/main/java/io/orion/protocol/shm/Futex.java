package io.orion.protocol.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The Linux futex through FFM: {@code syscall(SYS_futex, addr, FUTEX_WAIT|FUTEX_WAKE, ...)}.
 * Without {@code FUTEX_PRIVATE_FLAG}, so that it works across processes on a shared file mapping
 * (docs/protocol.md §6.4). Wake-ups cost 25–40 µs on a VM (docs/benchmarks.md), which is why the
 * rings spin first.
 */
public final class Futex implements Parker {
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;

    private final MethodHandle syscall;
    private final long sysFutex;

    private Futex(MethodHandle syscall, long sysFutex) {
        this.syscall = syscall;
        this.sysFutex = sysFutex;
    }

    /** The futex, or null on a platform without one (not Linux, unknown architecture, no native access). */
    static Futex load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
        long nr = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> 202;
            case "aarch64" -> 98;
            default -> -1;
        };
        if (nr < 0) return null;
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment sym = linker.defaultLookup().find("syscall").orElse(null);
            if (sym == null) return null;
            MethodHandle h = linker.downcallHandle(sym,
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                    Linker.Option.firstVariadicArg(1));
            return new Futex(h, nr);
        } catch (RuntimeException | LinkageError e) {
            // IllegalCallerException when native access is not enabled: poll instead.
            return null;
        }
    }

    @Override
    public void await(MemorySegment word, int expected, long timeoutNanos) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ts = a.allocate(16, 8);
            ts.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            ts.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            long unused = (long) syscall.invokeExact(sysFutex, word, FUTEX_WAIT, expected, ts);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
    }

    @Override
    public void wake(MemorySegment word) {
        try {
            long unused = (long) syscall.invokeExact(sysFutex, word, FUTEX_WAKE, Integer.MAX_VALUE, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }

    @Override
    public String name() { return "futex"; }
}
