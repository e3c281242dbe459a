package io.orion.backend.host.internal.interp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.orion.backend.host.internal.ptx.PtxType;
import io.orion.backend.host.internal.ptx.StateSpace;

/** An opcode split into its base and modifiers: {@code ld.global.nc.v4.f32} is {@code ld} + [global, nc, v4, f32]. */
final class Opcode {
    final String text;
    final String base;
    final List<String> parts;

    private Opcode(String text, String base, List<String> parts) {
        this.text = text;
        this.base = base;
        this.parts = parts;
    }

    static Opcode parse(String text) {
        String[] split = text.split("\\.");
        return new Opcode(text, split[0], List.copyOf(Arrays.asList(split).subList(1, split.length)));
    }

    boolean has(String part) {
        for (String p : parts) if (p.equals(part) || p.startsWith(part + "::")) return true;
        return false;
    }

    /** The types among the modifiers, in order. */
    List<PtxType> types() {
        List<PtxType> out = new ArrayList<>();
        for (String p : parts) {
            PtxType t = PtxType.fromSuffix(p);
            if (t != null) out.add(t);
        }
        return out;
    }

    /** The last type modifier (the instruction type); throws if there is none. */
    PtxType type() throws Unsupported {
        List<PtxType> t = types();
        if (t.isEmpty()) throw new Unsupported("no type");
        return t.get(t.size() - 1);
    }

    /** The state space named among the modifiers; null for generic addressing. */
    StateSpace space() {
        for (String p : parts) {
            StateSpace s = StateSpace.fromName(p);
            if (s != null) return s;
        }
        return null;
    }

    /** The rounding modifier, or {@code dflt}. */
    int rounding(int dflt) {
        for (String p : parts) {
            int r = Rounding.of(p);
            if (r >= 0) return r;
        }
        return dflt;
    }

    /** 2, 4 or 8 for a vector modifier, else 1. */
    int vector() {
        for (String p : parts) {
            switch (p) {
                case "v2": return 2;
                case "v4": return 4;
                case "v8": return 8;
                default: break;
            }
        }
        return 1;
    }

    @Override
    public String toString() { return text; }

    /** This opcode (or modifier combination) is not one the interpreter runs. */
    static final class Unsupported extends Exception {
        @java.io.Serial private static final long serialVersionUID = 1L;

        Unsupported(String detail) {
            super(detail, null, false, false);
        }
    }
}
