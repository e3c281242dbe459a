package io.orion.backend.host.internal.interp;

/** {@code bfi.bN d, a, b, pos, len}: b with the field [pos, pos+len) replaced by the low bits of a. */
final class BitFieldInsert extends Insn {
    private final int bits;
    private final int d, a, b, pos, len;

    BitFieldInsert(int bits, int d, int a, int b, int pos, int len) {
        super(false);
        this.bits = bits;
        this.d = d;
        this.a = a;
        this.b = b;
        this.pos = pos;
        this.len = len;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            int p = (int) (r[pos + l] & 0xff);
            int n = (int) (r[len + l] & 0xff);
            long out = r[b + l];
            for (int i = 0; i < n && p + i < bits; i++) {
                long bit = 1L << (p + i);
                out = ((r[a + l] >>> i) & 1) != 0 ? out | bit : out & ~bit;
            }
            r[d + l] = out;
        }
    }
}
