package io.orion.backend.host.internal.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * The device memory of one context: its own address space (so contexts are isolated as processes
 * on a GPU are) drawing on the device's shared {@link MemoryBudget}. Every address used by a copy,
 * a memset or a kernel is checked against the live allocations; one outside them is an error, never
 * an access to memory the context does not own.
 *
 * <p>Lookups are lock-free: kernels search an immutable sorted snapshot that is replaced on every
 * allocation and free.
 */
public final class DeviceMemory implements AutoCloseable {
    /** CUDA aligns allocations to at least 256 bytes; code relies on it for vector loads. */
    public static final long ALIGNMENT = 256;

    private final MemoryBudget budget;
    private final AddressRanges addresses;
    private volatile Allocation[] sorted = new Allocation[0];
    private boolean closed;

    /**
     * @param budget     the device's capacity
     * @param base       first device address of this context's window
     * @param windowSize size of the window
     */
    public DeviceMemory(MemoryBudget budget, long base, long windowSize) {
        this.budget = budget;
        this.addresses = new AddressRanges(base, windowSize);
    }

    /** A new zeroed allocation; OUT_OF_MEMORY when the device budget is exhausted. */
    public synchronized Allocation allocate(long bytes) {
        if (closed) throw new GpuException(CudaError.INVALID_CONTEXT, "the context is closed");
        if (bytes <= 0) throw new GpuException(CudaError.INVALID_VALUE, "allocation size must be positive, was " + bytes);
        long accounted = roundUp(bytes);
        budget.reserve(accounted);
        try {
            long base = addresses.take(accounted, ALIGNMENT);
            if (base < 0)
                throw new GpuException(CudaError.OUT_OF_MEMORY, "no device address range of " + bytes + " bytes left");
            Arena arena = Arena.ofShared();
            MemorySegment segment;
            try {
                segment = arena.allocate(bytes, 16);
            } catch (OutOfMemoryError | IllegalArgumentException e) {
                arena.close();
                addresses.give(base, accounted);
                throw new GpuException(CudaError.OUT_OF_MEMORY, "the host could not back " + bytes + " bytes: " + e.getMessage());
            }
            Allocation a = new Allocation(base, bytes, segment, arena);
            insert(a);
            return a;
        } catch (RuntimeException e) {
            budget.release(accounted);
            throw e;
        }
    }

    /** Frees the allocation that starts at {@code base}; INVALID_VALUE for any other address. */
    public void free(long base) {
        Allocation a;
        synchronized (this) {
            int i = indexOfBase(base);
            if (i < 0)
                throw new GpuException(CudaError.INVALID_VALUE, "0x" + Long.toHexString(base) + " is not the start of a device allocation of this context");
            a = sorted[i];
            Allocation[] next = new Allocation[sorted.length - 1];
            System.arraycopy(sorted, 0, next, 0, i);
            System.arraycopy(sorted, i + 1, next, i, sorted.length - i - 1);
            sorted = next;
            addresses.give(a.base(), roundUp(a.size()));
        }
        a.arena().close();
        budget.release(roundUp(a.size()));
    }

    /** The allocation holding {@code [address, address + length)}, or null. */
    public Allocation find(long address, long length) {
        Allocation[] s = sorted;
        int lo = 0;
        int hi = s.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Allocation a = s[mid];
            if (address < a.base()) hi = mid - 1;
            else if (address >= a.end()) lo = mid + 1;
            else return a.contains(address, length) ? a : null;
        }
        return null;
    }

    /**
     * The allocation holding a range an API call names, or INVALID_VALUE naming the call's argument:
     * the check CUDA's copy and memset calls make.
     */
    public Allocation require(long address, long length, String what) {
        if (length < 0) throw new GpuException(CudaError.INVALID_VALUE, what + ": negative size " + length);
        Allocation a = find(address, Math.max(length, 1));
        if (a == null)
            throw new GpuException(CudaError.INVALID_VALUE, what + ": [0x" + Long.toHexString(address) + ", +" + length
                    + ") is not inside one device allocation of this context");
        return a;
    }

    /** Frees every allocation. */
    @Override
    public void close() {
        Allocation[] all;
        synchronized (this) {
            closed = true;
            all = sorted;
            sorted = new Allocation[0];
            for (Allocation a : all) addresses.give(a.base(), roundUp(a.size()));
        }
        for (Allocation a : all) {
            a.arena().close();
            budget.release(roundUp(a.size()));
        }
    }

    private void insert(Allocation a) {
        Allocation[] s = sorted;
        int i = 0;
        while (i < s.length && s[i].base() < a.base()) i++;
        Allocation[] next = Arrays.copyOf(s, s.length + 1);
        System.arraycopy(s, i, next, i + 1, s.length - i);
        next[i] = a;
        sorted = next;
    }

    private int indexOfBase(long base) {
        Allocation[] s = sorted;
        int lo = 0;
        int hi = s.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long b = s[mid].base();
            if (b == base) return mid;
            if (base < b) hi = mid - 1;
            else lo = mid + 1;
        }
        return -1;
    }

    private static long roundUp(long bytes) {
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
