package io.orion.backend.cuda.internal.context;

import java.lang.foreign.MemorySegment;
import java.util.List;

import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.KernelParam;

/** A {@code CUfunction} with its parameter layout, precomputed for the launch path. */
final class CudaFunction implements GpuFunction {
    final CudaModule module;
    final MemorySegment handle;
    private final String name;
    private final List<KernelParam> params;
    /** Offsets of the parameters in the packed buffer, in order. */
    final long[] offsets;
    /** Bytes of the packed buffer a launch must provide. */
    final long bufferSize;

    CudaFunction(CudaModule module, MemorySegment handle, String name, List<KernelParam> params) {
        this.module = module;
        this.handle = handle;
        this.name = name;
        this.params = List.copyOf(params);
        this.offsets = params.stream().mapToLong(KernelParam::offset).toArray();
        this.bufferSize = params.stream().mapToLong(p -> p.offset() + p.size()).max().orElse(0);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<KernelParam> params() {
        return params;
    }

    @Override
    public long paramBufferSize() {
        return bufferSize;
    }

    @Override
    public String toString() {
        return "kernel " + name + params;
    }
}
