package io.orion.backend.host.internal.interp;

import java.util.Map;
import java.util.Set;

import io.orion.backend.host.internal.interp.Opcode.Unsupported;
import io.orion.backend.host.internal.ptx.PtxType;

/**
 * The modifiers each opcode may carry here. A modifier the interpreter does not know would change
 * what an instruction does without the interpreter noticing (say {@code min.xorsign.abs}), so an
 * instruction with one is refused, naming it. Types are always allowed (each decoder checks the
 * types it accepts); {@code L1::...}, {@code L2::...} and {@code shared::cta} count by their prefix.
 */
final class Modifiers {
    private Modifiers() {}

    private static final Set<String> ROUNDING = Set.of("rn", "rz", "rm", "rp");
    private static final Set<String> SCOPES = Set.of("cta", "gpu", "sys", "cluster");
    private static final Set<String> CACHE = Set.of("L1", "L2", "ca", "cg", "cs", "lu", "cv", "wb", "wt", "nc", "weak",
            "volatile", "relaxed", "acquire", "release", "acq_rel", "v2", "v4", "global", "const", "shared", "local", "param");

    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("add", union(ROUNDING, Set.of("ftz", "sat", "cc"))),
            Map.entry("sub", union(ROUNDING, Set.of("ftz", "sat", "cc"))),
            Map.entry("mul", union(ROUNDING, Set.of("lo", "hi", "wide", "ftz", "sat"))),
            Map.entry("mad", union(ROUNDING, Set.of("lo", "hi", "wide", "ftz", "sat", "cc"))),
            Map.entry("fma", union(ROUNDING, Set.of("ftz", "sat"))),
            Map.entry("div", union(ROUNDING, Set.of("approx", "full", "ftz"))),
            Map.entry("rem", Set.of()),
            Map.entry("min", Set.of("NaN", "ftz")),
            Map.entry("max", Set.of("NaN", "ftz")),
            Map.entry("abs", Set.of("ftz")),
            Map.entry("neg", Set.of("ftz")),
            Map.entry("and", Set.of()), Map.entry("or", Set.of()), Map.entry("xor", Set.of()), Map.entry("not", Set.of()),
            Map.entry("cnot", Set.of()), Map.entry("shl", Set.of()), Map.entry("shr", Set.of()), Map.entry("popc", Set.of()),
            Map.entry("clz", Set.of()), Map.entry("brev", Set.of()), Map.entry("bfe", Set.of()), Map.entry("bfi", Set.of()),
            Map.entry("prmt", Set.of()), Map.entry("sad", Set.of()), Map.entry("lop3", Set.of()), Map.entry("mov", Set.of()),
            Map.entry("copysign", Set.of()), Map.entry("activemask", Set.of()), Map.entry("exit", Set.of()),
            Map.entry("trap", Set.of()), Map.entry("brkpt", Set.of()),
            Map.entry("bfind", Set.of("shiftamt")),
            Map.entry("shf", Set.of("l", "r", "wrap", "clamp")),
            Map.entry("dp4a", Set.of()),
            Map.entry("dp2a", Set.of("lo", "hi")),
            Map.entry("mul24", Set.of("lo", "hi")),
            Map.entry("mad24", Set.of("lo", "hi")),
            Map.entry("addc", Set.of("cc")), Map.entry("subc", Set.of("cc")), Map.entry("madc", Set.of("lo", "hi", "cc")),
            Map.entry("rcp", union(ROUNDING, Set.of("approx", "ftz"))),
            Map.entry("sqrt", union(ROUNDING, Set.of("approx", "ftz"))),
            Map.entry("rsqrt", Set.of("approx", "ftz")), Map.entry("sin", Set.of("approx", "ftz")),
            Map.entry("cos", Set.of("approx", "ftz")), Map.entry("lg2", Set.of("approx", "ftz")),
            Map.entry("ex2", Set.of("approx", "ftz")), Map.entry("tanh", Set.of("approx")),
            Map.entry("testp", Set.of("finite", "infinite", "number", "notanumber", "normal", "subnormal")),
            Map.entry("cvt", union(ROUNDING, Set.of("rni", "rzi", "rmi", "rpi", "ftz", "sat"))),
            Map.entry("cvta", Set.of("to", "global", "const", "shared", "local", "param")),
            Map.entry("isspacep", Set.of("global", "const", "shared", "local", "param")),
            Map.entry("setp", Set.of("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs", "equ", "neu", "ltu", "leu",
                    "gtu", "geu", "num", "nan", "and", "or", "xor", "ftz")),
            Map.entry("set", Set.of("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs", "equ", "neu", "ltu", "leu",
                    "gtu", "geu", "num", "nan", "and", "or", "xor", "ftz")),
            Map.entry("selp", Set.of()),
            Map.entry("slct", Set.of("ftz")),
            Map.entry("ld", union(CACHE, SCOPES)),
            Map.entry("ldu", union(CACHE, SCOPES)),
            Map.entry("st", union(CACHE, SCOPES)),
            Map.entry("atom", union(union(SCOPES, Set.of("global", "shared", "relaxed", "acquire", "release", "acq_rel", "L2")),
                    Set.of("add", "min", "max", "exch", "cas", "and", "or", "xor", "inc", "dec"))),
            Map.entry("red", union(union(SCOPES, Set.of("global", "shared", "relaxed", "release", "L2")),
                    Set.of("add", "min", "max", "and", "or", "xor", "inc", "dec"))),
            Map.entry("cp", Set.of("async", "ca", "cg", "shared", "global", "L2", "commit_group", "wait_group", "wait_all")),
            Map.entry("bra", Set.of("uni")),
            Map.entry("call", Set.of("uni")),
            Map.entry("ret", Set.of("uni")),
            Map.entry("bar", Set.of("sync", "arrive", "red", "popc", "and", "or", "cta", "aligned", "warp")),
            Map.entry("barrier", Set.of("sync", "arrive", "red", "popc", "and", "or", "cta", "aligned")),
            Map.entry("membar", Set.of("cta", "gl", "sys")),
            Map.entry("shfl", Set.of("sync", "up", "down", "bfly", "idx")),
            Map.entry("vote", Set.of("sync", "all", "any", "uni", "ballot")),
            Map.entry("match", Set.of("sync", "any", "all")),
            Map.entry("redux", Set.of("sync", "add", "min", "max", "and", "or", "xor")),
            Map.entry("elect", Set.of("sync")));

    /** Opcodes whose modifiers are hints only (or that have none that matter): never refused for them. */
    private static final Set<String> ANY = Set.of("prefetch", "prefetchu", "discard", "applypriority", "createpolicy",
            "nanosleep", "pmevent", "fence");

    /** Throws Unsupported naming the first modifier {@code op} may not carry. */
    static void check(Opcode op) throws Unsupported {
        if (ANY.contains(op.base)) return;
        Set<String> allowed = ALLOWED.get(op.base);
        if (allowed == null) return; // the dispatch refuses the opcode itself
        for (String part : op.parts) {
            int colons = part.indexOf("::");
            String name = colons >= 0 ? part.substring(0, colons) : part;
            if (allowed.contains(name) || PtxType.fromSuffix(name) != null) continue;
            throw new Unsupported("modifier ." + part);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
