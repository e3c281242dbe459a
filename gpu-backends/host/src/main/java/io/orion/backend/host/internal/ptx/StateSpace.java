package io.orion.backend.host.internal.ptx;

/** Where a PTX variable or access lives. */
public enum StateSpace {
    REG, GLOBAL, CONST, SHARED, LOCAL, PARAM, GENERIC;

    /** The space a directive or opcode part names ({@code .global}, {@code shared::cta}); null if none. */
    public static StateSpace fromName(String name) {
        String s = name.startsWith(".") ? name.substring(1) : name;
        int colons = s.indexOf("::");
        if (colons >= 0) s = s.substring(0, colons);
        return switch (s) {
            case "reg" -> REG;
            case "global" -> GLOBAL;
            case "const" -> CONST;
            case "shared" -> SHARED;
            case "local" -> LOCAL;
            case "param" -> PARAM;
            default -> null;
        };
    }
}
