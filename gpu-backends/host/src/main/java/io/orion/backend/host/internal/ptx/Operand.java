package io.orion.backend.host.internal.ptx;

import java.util.List;

/** An instruction operand as written in PTX. */
public sealed interface Operand {

    /** A register, {@code %r12}, or a special register, {@code %tid.x}. */
    record Register(String name) implements Operand {
        @Override public String toString() { return name; }
    }

    /** An integer literal (its 64-bit value). */
    record IntLiteral(long value) implements Operand {
        @Override public String toString() { return Long.toString(value); }
    }

    /**
     * A floating-point literal, its bits kept exactly (NaN payloads included): {@code 0f...} is single
     * precision ({@code bits} holds the 32 bits), {@code 0d...} and decimals are double precision.
     */
    record FloatLiteral(long bits, boolean single) implements Operand {
        public double value() {
            return single ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
        }

        @Override public String toString() { return single ? value() + "f" : Double.toString(value()); }
    }

    /** A variable, function or label name, with a byte offset: {@code gtable}, {@code $str+4}. */
    record Symbol(String name, long offset) implements Operand {
        @Override public String toString() { return offset == 0 ? name : name + "+" + offset; }
    }

    /** A memory address {@code [base+offset]}; base is a {@link Register}, a {@link Symbol} or null (absolute). */
    record Address(Operand base, long offset) implements Operand {
        @Override public String toString() {
            if (base == null) return "[" + offset + "]";
            return "[" + base + (offset == 0 ? "" : offset > 0 ? "+" + offset : Long.toString(offset)) + "]";
        }
    }

    /** A vector of operands, {@code {%f1, %f2}}. */
    record Vector(List<Operand> elements) implements Operand {
        public Vector { elements = List.copyOf(elements); }

        @Override public String toString() { return "{" + join(elements) + "}"; }
    }

    /** Two destinations, {@code %r1|%p2} (shfl, setp). */
    record Pair(Operand first, Operand second) implements Operand {
        @Override public String toString() { return first + "|" + second; }
    }

    /** A negated predicate, {@code !%p1}. */
    record Not(Operand operand) implements Operand {
        @Override public String toString() { return "!" + operand; }
    }

    /** The sink {@code _}: a destination whose value is dropped. */
    record Sink() implements Operand {
        @Override public String toString() { return "_"; }
    }

    /** A parenthesised list, as {@code call} writes its return values and arguments. */
    record Group(List<Operand> elements) implements Operand {
        public Group { elements = List.copyOf(elements); }

        @Override public String toString() { return "(" + join(elements) + ")"; }
    }

    private static String join(List<Operand> elements) {
        return String.join(", ", elements.stream().map(Object::toString).toList());
    }
}
