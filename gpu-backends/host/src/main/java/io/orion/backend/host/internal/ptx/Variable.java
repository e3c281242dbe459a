package io.orion.backend.host.internal.ptx;

import java.util.List;

/**
 * A variable: module scope ({@code .global}, {@code .const}, {@code .shared}), a function's
 * {@code .local}/{@code .shared}, or a parameter.
 *
 * @param name        its name
 * @param space       its state space
 * @param type        element type
 * @param vectorWidth 1, or 2/4 for {@code .v2}/{@code .v4} elements
 * @param align       alignment in bytes (the element size when none is written)
 * @param count       number of elements (product of the array dimensions); -1 for {@code []}
 * @param init        initial values, or empty
 * @param extern      declared {@code .extern}
 * @param line        source line
 */
public record Variable(String name, StateSpace space, PtxType type, int vectorWidth, int align, long count,
                       List<Init> init, boolean extern, int line) {
    public Variable {
        init = List.copyOf(init);
    }

    /** Size in bytes; 0 for an unsized {@code extern} array. */
    public long size() {
        return count < 0 ? 0 : (long) type.bytes() * vectorWidth * count;
    }

    /** One initializer element: a number, or the address of a symbol ({@code generic(sym)} or {@code sym+off}). */
    public sealed interface Init {
        record Int(long value) implements Init {}
        record Float(long bits, boolean single) implements Init {}
        record Address(String symbol, long offset, boolean generic) implements Init {}
    }
}
