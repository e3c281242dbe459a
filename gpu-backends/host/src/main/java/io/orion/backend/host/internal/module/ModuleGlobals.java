package io.orion.backend.host.internal.module;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.GpuException;
import io.orion.backend.host.internal.memory.Allocation;
import io.orion.backend.host.internal.memory.DeviceMemory;
import io.orion.backend.host.internal.ptx.Module;
import io.orion.backend.host.internal.ptx.PtxType;
import io.orion.backend.host.internal.ptx.StateSpace;
import io.orion.backend.host.internal.ptx.Variable;

/**
 * The module's {@code __device__} and {@code __constant__} variables: one device allocation holds
 * them all (so the host can read and write them with ordinary copies, as {@code cudaMemcpyToSymbol}
 * does), initialised from the PTX initializers, pointer initializers included.
 */
final class ModuleGlobals {
    private final Allocation allocation;
    private final Map<String, DeviceSymbol> symbols;
    private final long constBytes;

    private ModuleGlobals(Allocation allocation, Map<String, DeviceSymbol> symbols, long constBytes) {
        this.allocation = allocation;
        this.symbols = symbols;
        this.constBytes = constBytes;
    }

    static ModuleGlobals allocate(Module module, DeviceMemory memory) {
        Map<Variable, Long> offsets = new LinkedHashMap<>();
        long size = 0;
        long constBytes = 0;
        for (Variable v : module.variables()) {
            if (v.space() != StateSpace.GLOBAL && v.space() != StateSpace.CONST) continue;
            if (v.extern())
                throw new GpuException(CudaError.NOT_SUPPORTED, "module declares .extern variable '" + v.name() + "' (line " + v.line()
                        + "); the host backend does not link separately compiled device code");
            size = (size + v.align() - 1) / v.align() * v.align();
            offsets.put(v, size);
            size += Math.max(1, v.size());
            if (v.space() == StateSpace.CONST) constBytes += v.size();
        }
        if (offsets.isEmpty()) return new ModuleGlobals(null, Map.of(), 0);
        Allocation a = memory.allocate(size);
        Map<String, DeviceSymbol> symbols = new HashMap<>();
        for (Map.Entry<Variable, Long> e : offsets.entrySet())
            symbols.put(e.getKey().name(), new DeviceSymbol(a.base() + e.getValue(), e.getKey().size()));
        try {
            for (Map.Entry<Variable, Long> e : offsets.entrySet()) initialise(e.getKey(), a.segment(), e.getValue(), symbols);
        } catch (RuntimeException ex) {
            memory.free(a.base());
            throw ex;
        }
        return new ModuleGlobals(a, Map.copyOf(symbols), constBytes);
    }

    private static void initialise(Variable v, MemorySegment s, long offset, Map<String, DeviceSymbol> symbols) {
        int element = v.type().bytes();
        long at = offset;
        long limit = offset + v.size();
        for (Variable.Init init : v.init()) {
            if (at + element > limit)
                throw new GpuException(CudaError.INVALID_PTX, "initializer of '" + v.name() + "' (line " + v.line() + ") has too many elements");
            long bits = switch (init) {
                case Variable.Init.Int i -> v.type().isFloat() ? floatBits(v.type(), i.value()) : i.value();
                case Variable.Init.Float f -> floatInit(v.type(), f);
                case Variable.Init.Address ad -> {
                    DeviceSymbol target = symbols.get(ad.symbol());
                    if (target == null)
                        throw new GpuException(CudaError.NOT_SUPPORTED, "initializer of '" + v.name() + "' (line " + v.line()
                                + ") takes the address of '" + ad.symbol() + "', which is not a global or constant variable");
                    yield target.address() + ad.offset();
                }
            };
            for (int b = 0; b < element; b++) s.set(ValueLayout.JAVA_BYTE, at + b, (byte) (bits >>> (8 * b)));
            at += element;
        }
    }

    private static long floatBits(PtxType t, long value) {
        return t == PtxType.F64 ? Double.doubleToRawLongBits(value) : Float.floatToRawIntBits((float) value) & 0xffff_ffffL;
    }

    private static long floatInit(PtxType t, Variable.Init.Float f) {
        double value = f.single() ? Float.intBitsToFloat((int) f.bits()) : Double.longBitsToDouble(f.bits());
        if (t == PtxType.F64) return f.single() ? Double.doubleToRawLongBits(value) : f.bits();
        if (t == PtxType.F32) return f.single() ? f.bits() : Float.floatToRawIntBits((float) value) & 0xffff_ffffL;
        return f.bits();
    }

    Map<String, DeviceSymbol> symbols() {
        return symbols;
    }

    /** Device addresses by name, for the decoder. */
    Map<String, Long> addresses() {
        Map<String, Long> out = new HashMap<>();
        symbols.forEach((name, s) -> out.put(name, s.address()));
        return out;
    }

    long constBytes() {
        return constBytes;
    }

    void free(DeviceMemory memory) {
        if (allocation != null) memory.free(allocation.base());
    }
}
