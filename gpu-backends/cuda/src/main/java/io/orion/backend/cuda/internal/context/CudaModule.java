package io.orion.backend.cuda.internal.context;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.orion.api.backend.GpuModule;

/** A {@code CUmodule} of one context, with the functions and globals looked up in it. */
final class CudaModule extends Handles.Owned implements GpuModule {
    final ModuleImage.Kind kind;
    final Map<String, CudaFunction> functions = new ConcurrentHashMap<>();
    /** Bases of the globals registered in the context's device ranges, removed again at unload. */
    final Set<Long> globals = ConcurrentHashMap.newKeySet();

    CudaModule(ContextCore owner, MemorySegment handle, ModuleImage.Kind kind) {
        super(owner, handle);
        this.kind = kind;
    }

    @Override
    public String toString() {
        return kind + " module 0x" + Long.toHexString(handle.address());
    }
}
