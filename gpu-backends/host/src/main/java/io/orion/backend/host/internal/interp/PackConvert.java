package io.orion.backend.host.internal.interp;

/**
 * {@code cvt.rn.f16x2.f32 d, a, b} and {@code cvt.rn.bf16x2.f32 d, a, b}: two floats rounded to
 * half precision and packed, a in the upper half and b in the lower.
 */
final class PackConvert extends Insn {
    private final boolean brain;
    private final int d, a, b;

    PackConvert(boolean brain, int d, int a, int b) {
        super(false);
        this.brain = brain;
        this.d = d;
        this.a = a;
        this.b = b;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            long high = half(Bits.f32(r[a + l]));
            long low = half(Bits.f32(r[b + l]));
            r[d + l] = (high << 16) | low;
        }
    }

    private long half(float f) {
        return (brain ? Convert.toBf16(f) : Float.floatToFloat16(f)) & 0xffffL;
    }
}
