package io.orion.backend.host.internal.ptx;

/**
 * One lexical token of PTX text.
 *
 * @param kind  what it is
 * @param text  its characters as written
 * @param line  1-based source line, for error messages and for {@code .loc}, which ends at the line end
 */
record Token(Kind kind, String text, int line) {

    enum Kind {
        /** An identifier, opcode or register: {@code ld.global.f32}, {@code %r12}, {@code $L__BB0_2}. */
        NAME,
        /** A directive: {@code .reg}, {@code .b32}, {@code .entry}. */
        DIRECTIVE,
        /** A number as written: {@code 12}, {@code -0x1f}, {@code 0f3F800000}, {@code 1.5}. */
        NUMBER,
        /** A quoted string, quotes removed. */
        STRING,
        /** One punctuation character: {@code , ; : [ ] { } ( ) + - ! | @ < > =}. */
        PUNCT,
        END
    }

    boolean is(String punct) {
        return kind == Kind.PUNCT && text.equals(punct);
    }

    boolean isDirective(String name) {
        return kind == Kind.DIRECTIVE && text.equals(name);
    }

    @Override
    public String toString() {
        return kind == Kind.END ? "end of input" : "'" + text + "'";
    }
}
