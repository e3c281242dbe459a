package io.orion.backend.host.internal.ptx;

import java.util.List;

/** One element of a function body. */
public sealed interface Statement {
    int line();

    /** {@code name:} */
    record Label(String name, int line) implements Statement {}

    /**
     * An instruction: {@code [@[!]guard] opcode operands;}.
     *
     * @param guard        the guard predicate register, or null
     * @param guardNegated whether the guard is {@code @!p}
     * @param opcode       the full opcode with its modifiers, {@code ld.global.nc.v4.f32}
     */
    record Instruction(String guard, boolean guardNegated, String opcode, List<Operand> operands, int line)
            implements Statement {
        public Instruction { operands = List.copyOf(operands); }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            if (guard != null) b.append('@').append(guardNegated ? "!" : "").append(guard).append(' ');
            b.append(opcode);
            for (int i = 0; i < operands.size(); i++) b.append(i == 0 ? " " : ", ").append(operands.get(i));
            return b.toString();
        }
    }

    /** {@code .reg .b32 %r<12>;} or {@code .reg .f32 %f1, %f2;}: register names in order, with their type. */
    record Registers(PtxType type, List<String> names, int line) implements Statement {
        public Registers { names = List.copyOf(names); }
    }

    /** A variable declared in a body: {@code .local}, {@code .shared}, or a call's {@code .param}. */
    record Declaration(Variable variable) implements Statement {
        @Override public int line() { return variable.line(); }
    }

    /** {@code {} opens a scope (a call sequence, say); names declared in it end with it. */
    record OpenScope(int line) implements Statement {}

    /** {@code }} */
    record CloseScope(int line) implements Statement {}
}
