package io.orion.backend.host.internal.module;

import java.util.ArrayList;
import java.util.List;

import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.KernelParam;
import io.orion.backend.host.internal.interp.Program;
import io.orion.backend.host.internal.ptx.Function;
import io.orion.backend.host.internal.ptx.Variable;

/**
 * A kernel of a loaded module. Its parameter layout follows the PTX declaration (each parameter at
 * the next multiple of its alignment), which is the layout {@code cuFuncGetParamInfo} reports and
 * the packed argument buffer of a launch uses.
 */
public final class HostFunction implements GpuFunction {
    private final HostModule module;
    private final Function declaration;
    private final List<KernelParam> params;

    HostFunction(HostModule module, Function declaration) {
        this.module = module;
        this.declaration = declaration;
        List<KernelParam> out = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < declaration.params().size(); i++) {
            Variable p = declaration.params().get(i);
            offset = (offset + p.align() - 1) / p.align() * p.align();
            out.add(new KernelParam(i, offset, p.size()));
            offset += p.size();
        }
        this.params = List.copyOf(out);
    }

    @Override
    public String name() {
        return declaration.name();
    }

    @Override
    public List<KernelParam> params() {
        return params;
    }

    public HostModule module() {
        return module;
    }

    /** The decoded program; the GpuException says why when the interpreter cannot run this kernel. */
    public Program program() {
        return module.program(declaration.name());
    }

    /** Why this kernel cannot run, or null. */
    public String problem() {
        return module.problem(declaration.name());
    }

    @Override
    public String toString() {
        return "kernel " + name();
    }
}
