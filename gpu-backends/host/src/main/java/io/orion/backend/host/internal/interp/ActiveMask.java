package io.orion.backend.host.internal.interp;

/** {@code activemask.b32 d}: the lanes running this instruction together. */
final class ActiveMask extends Insn {
    private final int d;

    ActiveMask(int d) {
        super(false);
        this.d = d;
    }

    @Override
    void exec(Warp w, int mask) {
        long value = w.active & 0xffff_ffffL;
        for (int m = mask; m != 0; m &= m - 1) w.regs[d + Integer.numberOfTrailingZeros(m)] = value;
    }
}
