package io.orion.backend.host.internal.ptx;

import java.util.List;

/**
 * A parsed PTX module.
 *
 * @param version     {@code .version} as major*10+minor, e.g. 90 for 9.0
 * @param target      {@code .target}, e.g. {@code sm_90}
 * @param addressSize {@code .address_size} (64 unless written)
 * @param variables   module-scope variables in order
 * @param functions   kernels and device functions in order
 */
public record Module(int version, String target, int addressSize, List<Variable> variables, List<Function> functions) {
    public Module {
        variables = List.copyOf(variables);
        functions = List.copyOf(functions);
    }

    public Function function(String name) {
        for (Function f : functions) if (f.name().equals(name) && !f.isPrototype()) return f;
        for (Function f : functions) if (f.name().equals(name)) return f;
        return null;
    }
}
