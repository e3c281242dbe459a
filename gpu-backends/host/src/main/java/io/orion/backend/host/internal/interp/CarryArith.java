package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Bits.zx;

/**
 * Extended-precision arithmetic through the carry flag: {@code add.cc}, {@code addc[.cc]},
 * {@code sub.cc}, {@code subc[.cc]}, {@code mad.lo.cc}, {@code madc.{lo,hi}[.cc]}. The flag lives
 * in a register slot of its own, per lane.
 */
final class CarryArith extends Insn {
    static final int ADD = 0, SUB = 1, MAD_LO = 2, MAD_HI = 3;

    private final int op;
    private final int bits;
    private final boolean signed;
    private final boolean useCarry;
    private final boolean setCarry;
    private final int d, a, b, c, cc;

    CarryArith(int op, int bits, boolean signed, boolean useCarry, boolean setCarry, int d, int a, int b, int c, int cc) {
        super(false);
        this.op = op;
        this.bits = bits;
        this.signed = signed;
        this.useCarry = useCarry;
        this.setCarry = setCarry;
        this.d = d;
        this.a = a;
        this.b = b;
        this.c = c;
        this.cc = cc;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            long carryIn = useCarry ? r[cc + l] & 1 : 0;
            long x = zx(r[a + l], bits);
            long y = zx(r[b + l], bits);
            long addend;
            long borrowSub = 0;
            switch (op) {
                case ADD -> addend = y;
                case SUB -> {
                    // a - b - borrow, computed as a + ~b + (1 - borrow); the flag is the carry out
                    addend = zx(~y, bits);
                    borrowSub = 1;
                    carryIn = useCarry ? 1 - carryIn : 1;
                }
                case MAD_LO -> {
                    x = zx(x * y, bits);
                    addend = zx(r[c + l], bits);
                }
                default -> {
                    long hi = bits == 64
                            ? (signed ? Math.multiplyHigh(x, y) : Math.unsignedMultiplyHigh(x, y))
                            : signed ? (Bits.sx(x, 32) * Bits.sx(y, 32)) >> 32 : (x * y) >>> 32;
                    x = zx(hi, bits);
                    addend = zx(r[c + l], bits);
                }
            }
            long sum = x + addend + carryIn;
            boolean carryOut = bits == 64
                    ? Long.compareUnsigned(sum, x) < 0 || (Long.compareUnsigned(sum, x) == 0 && (addend | carryIn) != 0)
                    : (sum >>> bits) != 0;
            r[d + l] = zx(sum, bits);
            if (setCarry) {
                boolean flag = borrowSub == 1 ? !carryOut : carryOut;
                r[cc + l] = flag ? 1 : 0;
            }
        }
    }
}
