package io.orion.server.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.FunctionAttributes;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.KernelParam;
import io.orion.protocol.ModuleCalls;
import io.orion.protocol.Result;
import io.orion.protocol.Results;
import io.orion.protocol.Wire;

/**
 * Modules, kernels, globals: handles for the client, parameter layouts from the backend. A
 * module's globals become ranges the session may copy to; they go away with the module.
 */
final class ModuleOps {
    private ModuleOps() {}

    static Result load(SessionDevice d, ModuleCalls.ModuleLoad m) {
        GpuModule module = d.context.loadModule(MemorySegment.ofBuffer(m.image()));
        long h = d.modules.add(new SessionDevice.ModuleEntry(module, new ArrayList<>(), new ArrayList<>()));
        return new Results.Handle(h);
    }

    static Result unload(SessionDevice d, ModuleCalls.ModuleUnload m) {
        SessionDevice.ModuleEntry e = d.modules.remove(m.module());
        e.globalBases().forEach(d.allocations::removeGlobal);
        for (long f : e.functionHandles()) {
            SessionDevice.FunctionEntry fe = d.functions.remove(f);
            d.functionByName.remove(m.module() + "/" + fe.function().name());
        }
        d.context.unloadModule(e.module());
        return Results.Empty.INSTANCE;
    }

    /** A kernel's handle and parameter layout; the same handle when it is looked up again. */
    static Result function(SessionDevice d, ModuleCalls.FunctionGet m) {
        SessionDevice.ModuleEntry e = d.modules.get(m.module());
        String key = m.module() + "/" + m.name();
        Long known = d.functionByName.get(key);
        if (known != null) return d.functions.get(known).info();
        GpuFunction f = d.context.function(e.module(), m.name());
        List<ModuleCalls.Param> params = new ArrayList<>();
        for (KernelParam p : f.params()) {
            if (p.offset() < 0 || p.size() <= 0 || p.offset() + p.size() > Wire.MAX_PARAMS)
                throw new GpuException(CudaError.INVALID_IMAGE, "kernel " + m.name() + " has parameter " + p.index()
                        + " at [" + p.offset() + ", +" + p.size() + "), outside the parameter space");
            params.add(new ModuleCalls.Param((int) p.offset(), (int) p.size()));
        }
        long h = d.functions.add(handle -> new SessionDevice.FunctionEntry(f, m.module(),
                new ModuleCalls.FunctionInfo(handle, params)));
        e.functionHandles().add(h);
        d.functionByName.put(key, h);
        return d.functions.get(h).info();
    }

    static Result global(SessionDevice d, ModuleCalls.GlobalGet m) {
        SessionDevice.ModuleEntry e = d.modules.get(m.module());
        DeviceSymbol s = d.context.global(e.module(), m.name());
        d.allocations.addGlobal(s.address(), s.size());
        e.globalBases().add(s.address());
        return new ModuleCalls.SymbolInfo(s.address(), s.size());
    }

    static Result attributes(SessionDevice d, ModuleCalls.FunctionAttrs m) {
        FunctionAttributes a = d.context.attributes(d.functions.get(m.function()).function());
        return new ModuleCalls.Attributes(a.maxThreadsPerBlock(), a.sharedSizeBytes(), a.constSizeBytes(),
                a.localSizeBytes(), a.numRegs(), a.ptxVersion(), a.binaryVersion(), a.maxDynamicSharedSizeBytes());
    }

    static Result occupancy(SessionDevice d, ModuleCalls.Occupancy m) {
        GpuFunction f = d.functions.get(m.function()).function();
        return new Results.Count(d.context.maxActiveBlocksPerMultiprocessor(f, m.blockSize(), m.dynamicSharedBytes()));
    }
}
