package io.orion.backend.host.internal.interp;

/**
 * One decoded instruction. Operands are register slots already multiplied by the warp width, so
 * {@code regs[slot + lane]} is a lane's value: no names, maps or allocation at run time.
 *
 * <p>Plain instructions ({@link #exec}) work on the lanes of {@code mask} and leave control to the
 * warp, which steps to the next instruction. Control instructions ({@link #control}) move the warp
 * themselves: branches, calls, barriers, exits, and warp-synchronous operations that may wait for
 * the rest of their warp.
 */
abstract class Insn {
    /** Slot base of the guard predicate, or -1 when the instruction is unguarded. */
    int guard = -1;
    boolean guardNegated;
    /** Where it came from, for error messages: {@code line 57: ld.global.f32 %f1, [%rd4]}. */
    String source = "";

    final boolean isControl;

    Insn(boolean isControl) {
        this.isControl = isControl;
    }

    /** Runs a plain instruction for the lanes in {@code mask} (never empty). */
    void exec(Warp w, int mask) {
        throw new IllegalStateException("control instruction run as plain: " + source);
    }

    /**
     * Runs a control instruction for the current group of the warp; {@code mask} is the group
     * after the guard (possibly empty). Sets the warp's next pc and group; returns false when the
     * warp must stop running (no runnable lanes left, or its time slice is used up).
     */
    boolean control(Warp w, int mask) {
        throw new IllegalStateException("plain instruction run as control: " + source);
    }
}
