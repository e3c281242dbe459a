package io.orion.backend.host.internal.interp;

/** {@code testp.{finite,infinite,number,notanumber,normal,subnormal}.{f32,f64} p, a}. */
final class TestProperty extends Insn {
    static final int FINITE = 0, INFINITE = 1, NUMBER = 2, NOT_A_NUMBER = 3, NORMAL = 4, SUBNORMAL = 5;

    private final int property;
    private final boolean f64;
    private final int p, a;

    TestProperty(int property, boolean f64, int p, int a) {
        super(false);
        this.property = property;
        this.f64 = f64;
        this.p = p;
        this.a = a;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            double v = f64 ? Bits.f64(r[a + l]) : Bits.f32(r[a + l]);
            double minNormal = f64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
            boolean t = switch (property) {
                case FINITE -> Double.isFinite(v);
                case INFINITE -> Double.isInfinite(v);
                case NUMBER -> !Double.isNaN(v);
                case NOT_A_NUMBER -> Double.isNaN(v);
                case NORMAL -> Double.isFinite(v) && Math.abs(v) >= minNormal;
                default -> v != 0 && Math.abs(v) < minNormal;
            };
            r[p + l] = t ? 1 : 0;
        }
    }
}
