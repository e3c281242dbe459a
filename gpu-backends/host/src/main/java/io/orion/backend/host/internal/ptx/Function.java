package io.orion.backend.host.internal.ptx;

import java.util.List;

/**
 * A kernel ({@code .entry}) or device function ({@code .func}).
 *
 * @param name       its name
 * @param entry      a kernel
 * @param returns    return parameters of a {@code .func}
 * @param params     parameters in order
 * @param body       statements, or null for a prototype ({@code .extern .func ...;})
 * @param reqntid    {@code .reqntid} x,y,z, or null
 * @param maxntid    {@code .maxntid} x,y,z, or null
 * @param line       source line of the declaration
 */
public record Function(String name, boolean entry, List<Variable> returns, List<Variable> params,
                       List<Statement> body, int[] reqntid, int[] maxntid, int line) {
    public Function {
        returns = List.copyOf(returns);
        params = List.copyOf(params);
        body = body == null ? null : List.copyOf(body);
    }

    public boolean isPrototype() { return body == null; }
}
