package io.orion.backend.host.internal.interp;

/**
 * {@code selp}: d = c ? a : b for a predicate c; {@code slct}: d = c >= 0 ? a : b for a signed or
 * float c.
 */
final class Select extends Insn {
    static final int SELP = 0, SLCT_INT = 1, SLCT_F32 = 2;

    private final int kind;
    private final boolean ftz;
    private final int d, a, b, c;

    Select(int kind, boolean ftz, int d, int a, int b, int c) {
        super(false);
        this.kind = kind;
        this.ftz = ftz;
        this.d = d;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            boolean take;
            switch (kind) {
                case SELP -> take = r[c + l] != 0;
                case SLCT_INT -> take = (int) r[c + l] >= 0;
                default -> {
                    float f = Bits.f32(r[c + l]);
                    if (ftz) f = Bits.ftz(f);
                    take = f >= 0f; // NaN selects b
                }
            }
            r[d + l] = take ? r[a + l] : r[b + l];
        }
    }
}
