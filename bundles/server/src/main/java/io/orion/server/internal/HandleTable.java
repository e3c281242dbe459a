package io.orion.server.internal;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * Handles a session gives its client for backend objects (modules, functions, streams, events).
 * Handles count up from 1 and are never reused within a session, so a stale handle is refused
 * rather than silently meaning something else. A handle from the wire is only a key: an unknown
 * one is CUDA_ERROR_INVALID_HANDLE.
 */
final class HandleTable<T> {
    private final String kind;
    private final ConcurrentHashMap<Long, T> byHandle = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    HandleTable(String kind) {
        this.kind = kind;
    }

    long add(T value) {
        long h = next.getAndIncrement();
        byHandle.put(h, value);
        return h;
    }

    /** Adds a value that needs to know its own handle. */
    long add(LongFunction<T> make) {
        long h = next.getAndIncrement();
        byHandle.put(h, make.apply(h));
        return h;
    }

    T get(long handle) {
        T v = byHandle.get(handle);
        if (v == null) throw new GpuException(CudaError.INVALID_HANDLE, "unknown " + kind + " handle " + handle);
        return v;
    }

    T remove(long handle) {
        T v = byHandle.remove(handle);
        if (v == null) throw new GpuException(CudaError.INVALID_HANDLE, "unknown " + kind + " handle " + handle);
        return v;
    }

    Collection<T> values() { return byHandle.values(); }

    int size() { return byHandle.size(); }
}
