package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.FunctionAttributes;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.KernelParam;
import io.orion.backend.cuda.internal.driver.Scratch;
import io.orion.backend.cuda.internal.ffi.CudaConstants;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/** Modules, their kernels and globals, and launches, for one context. */
final class Kernels {
    /** Room for the JIT's error log of a PTX that does not compile. */
    private static final int JIT_LOG_BYTES = 8192;
    /** CUDA allows at most 32764 bytes of kernel parameters, so no kernel has more parameters than that. */
    private static final int MAX_PARAMS = 32764;

    private final ContextCore core;
    private final DeviceRanges ranges;
    private final Streams streams;

    Kernels(ContextCore core, DeviceRanges ranges, Streams streams) {
        this.core = core;
        this.ranges = ranges;
        this.streams = streams;
    }

    private CudaModule module(GpuModule module) {
        return Handles.resolve(module, CudaModule.class, core, "module");
    }

    private CudaFunction function(GpuFunction function) {
        if (!(function instanceof CudaFunction f))
            throw new GpuException(CudaError.INVALID_HANDLE, "function " + function + " was not made by the cuda backend");
        if (f.module.owner != core)
            throw new GpuException(CudaError.INVALID_HANDLE, f + " belongs to another context (" + f.module.owner.describe() + ")");
        if (f.module.retired())
            throw new GpuException(CudaError.INVALID_HANDLE, f + " belongs to a module that was unloaded");
        return f;
    }

    /**
     * {@code cuModuleLoadDataEx} with the JIT's error log attached, so that a PTX which does not
     * compile is reported with the compiler's reason.
     */
    GpuModule load(MemorySegment image) {
        ModuleImage.Kind kind = ModuleImage.kind(image);
        Scratch s = core.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = ModuleImage.toNative(image, kind, arena);
            MemorySegment log = arena.allocate(JIT_LOG_BYTES);
            MemorySegment options = arena.allocate(JAVA_INT, 2);
            options.setAtIndex(JAVA_INT, 0, CudaConstants.CU_JIT_ERROR_LOG_BUFFER());
            options.setAtIndex(JAVA_INT, 1, CudaConstants.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES());
            MemorySegment values = arena.allocate(ADDRESS, 2);
            values.setAtIndex(ADDRESS, 0, log);
            values.setAtIndex(JAVA_LONG, 1, JIT_LOG_BYTES); // an unsigned int carried in the pointer slot
            int rc = CudaDriver.cuModuleLoadDataEx(s.out(0), data, 2, options, values);
            if (rc != 0) {
                String jit = log.getString(0).strip();
                throw core.driver.error(rc, "cuModuleLoadData(" + kind + ", " + image.byteSize() + " bytes) in " + core.describe(),
                        jit.isEmpty() ? "" : "; JIT log: " + jit);
            }
            return new CudaModule(core, s.out(0).get(ADDRESS, 0), kind);
        } finally {
            core.exit();
        }
    }

    void unload(GpuModule module) {
        core.enter();
        try {
            CudaModule m = module(module);
            if (!m.retire()) return;
            m.globals.forEach(ranges::removeGlobal);
            core.check(CudaDriver.cuModuleUnload(m.handle), "cuModuleUnload(" + m + ")");
        } finally {
            core.exit();
        }
    }

    /** The kernel, loaded, and its parameter layout, asked of {@code cuFuncGetParamInfo} once per module and name. */
    GpuFunction function(GpuModule module, String name) {
        requireName(name, "kernel");
        core.enter();
        try {
            CudaModule m = module(module);
            CudaFunction known = m.functions.get(name);
            if (known != null) return known;
            Scratch s = core.driver.scratch();
            try (Arena arena = Arena.ofConfined()) {
                core.check(CudaDriver.cuModuleGetFunction(s.out(0), m.handle, arena.allocateFrom(name)),
                        "cuModuleGetFunction(" + name + ")");
            }
            MemorySegment handle = s.out(0).get(ADDRESS, 0);
            // CUDA loads modules lazily by default: load the kernel now, so that its metadata is there
            // for cuFuncGetParamInfo and its first launch does not pay for the load
            core.check(CudaDriver.cuFuncLoad(handle), "cuFuncLoad(" + name + ")");
            CudaFunction f = new CudaFunction(m, handle, name, params(handle, name, s));
            CudaFunction raced = m.functions.putIfAbsent(name, f);
            return raced != null ? raced : f;
        } finally {
            core.exit();
        }
    }

    /** Asks for parameter 0, 1, ... until the driver says the index is out of range. */
    private List<KernelParam> params(MemorySegment handle, String name, Scratch s) {
        List<KernelParam> params = new ArrayList<>();
        for (int i = 0; i < MAX_PARAMS; i++) {
            int rc = CudaDriver.cuFuncGetParamInfo(handle, i, s.out(1), s.out(2));
            if (rc == CudaConstants.CUDA_ERROR_INVALID_VALUE()) break;
            core.check(rc, "cuFuncGetParamInfo(" + name + ", " + i + ")");
            params.add(new KernelParam(i, s.out(1).get(JAVA_LONG, 0), s.out(2).get(JAVA_LONG, 0)));
        }
        return params;
    }

    DeviceSymbol global(GpuModule module, String name) {
        requireName(name, "global");
        Scratch s = core.enter();
        try (Arena arena = Arena.ofConfined()) {
            CudaModule m = module(module);
            core.check(CudaDriver.cuModuleGetGlobal_v2(s.out(0), s.out(1), m.handle, arena.allocateFrom(name)),
                    "cuModuleGetGlobal(" + name + ")");
            DeviceSymbol symbol = new DeviceSymbol(s.out(0).get(JAVA_LONG, 0), s.out(1).get(JAVA_LONG, 0));
            if (m.globals.add(symbol.address())) ranges.add(symbol.address(), symbol.size(), DeviceRanges.Kind.GLOBAL);
            return symbol;
        } finally {
            core.exit();
        }
    }

    FunctionAttributes attributes(GpuFunction function) {
        Scratch s = core.enter();
        try {
            CudaFunction f = function(function);
            return new FunctionAttributes(
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK()),
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES()),
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES()),
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES()),
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_NUM_REGS()),
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_PTX_VERSION()),
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_BINARY_VERSION()),
                    attribute(s, f, CudaConstants.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES()));
        } finally {
            core.exit();
        }
    }

    private int attribute(Scratch s, CudaFunction f, int code) {
        core.check(CudaDriver.cuFuncGetAttribute(s.out(0), code, f.handle), "cuFuncGetAttribute(" + code + ", " + f.name() + ")");
        return s.out(0).get(JAVA_INT, 0);
    }

    int maxActiveBlocks(GpuFunction function, int blockSize, long dynamicSharedBytes) {
        if (blockSize <= 0) throw new GpuException(CudaError.INVALID_VALUE, "block size must be > 0, was " + blockSize);
        if (dynamicSharedBytes < 0)
            throw new GpuException(CudaError.INVALID_VALUE, "dynamic shared memory must be >= 0, was " + dynamicSharedBytes);
        Scratch s = core.enter();
        try {
            CudaFunction f = function(function);
            core.check(CudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(s.out(0), f.handle, blockSize, dynamicSharedBytes),
                    "cuOccupancyMaxActiveBlocksPerMultiprocessor(" + f.name() + ", " + blockSize + ")");
            return s.out(0).get(JAVA_INT, 0);
        } finally {
            core.exit();
        }
    }

    /**
     * Copies the packed arguments into this thread's scratch buffer and points one
     * {@code kernelParams} entry at each parameter's offset in it; the driver copies the values
     * during the call, so the buffer is free again when it returns.
     */
    void launch(GpuFunction function, Dim3 grid, Dim3 block, int dynamicSharedBytes, GpuStream stream, MemorySegment args) {
        if (grid == null || block == null) throw new GpuException(CudaError.INVALID_VALUE, "grid and block must be given");
        if (dynamicSharedBytes < 0)
            throw new GpuException(CudaError.INVALID_VALUE, "dynamic shared memory must be >= 0, was " + dynamicSharedBytes);
        Scratch s = core.enter();
        try {
            CudaFunction f = function(function);
            MemorySegment st = streams.handleOf(stream);
            MemorySegment kernelParams = MemorySegment.NULL;
            long[] offsets = f.offsets;
            if (offsets.length > 0) {
                long need = f.bufferSize;
                if (args == null || args.byteSize() < need)
                    throw new GpuException(CudaError.INVALID_VALUE, "the argument buffer of " + f.name() + " needs "
                            + need + " bytes, was " + (args == null ? "null" : args.byteSize() + " bytes"));
                MemorySegment copy = s.args(need);
                MemorySegment.copy(args, 0, copy, 0, need);
                kernelParams = s.pointers(offsets.length);
                long base = copy.address();
                for (int i = 0; i < offsets.length; i++) kernelParams.setAtIndex(JAVA_LONG, i, base + offsets[i]);
            }
            int rc = CudaDriver.cuLaunchKernel(f.handle, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                    dynamicSharedBytes, st, kernelParams, MemorySegment.NULL);
            if (rc != 0) throw core.fail(rc, "cuLaunchKernel(" + f.name() + ", grid " + dim(grid) + ", block " + dim(block)
                    + ", " + dynamicSharedBytes + " B shared)");
        } finally {
            core.exit();
        }
    }

    private static String dim(Dim3 d) {
        return d.x() + "x" + d.y() + "x" + d.z();
    }

    private static void requireName(String name, String what) {
        if (name == null || name.isEmpty()) throw new GpuException(CudaError.INVALID_VALUE, what + " name must not be empty");
        if (name.indexOf('\0') >= 0) throw new GpuException(CudaError.INVALID_VALUE, what + " name contains a NUL: " + name);
    }
}
