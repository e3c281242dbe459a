package io.orion.backend.host.internal.interp;

/**
 * {@code mov} between a wide register and a vector of narrow ones: packing
 * ({@code mov.b64 %rd, {%r1, %r2}}) and unpacking ({@code mov.b64 {%r1, %r2}, %rd}); element 0 is
 * the least significant.
 */
final class Pack extends Insn {
    private final boolean pack;
    private final int elementBits;
    private final int wide;
    private final int[] parts;

    Pack(boolean pack, int elementBits, int wide, int[] parts) {
        super(false);
        this.pack = pack;
        this.elementBits = elementBits;
        this.wide = wide;
        this.parts = parts;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        long elementMask = elementBits == 64 ? -1L : (1L << elementBits) - 1;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            if (pack) {
                long v = 0;
                for (int i = 0; i < parts.length; i++) v |= (r[parts[i] + l] & elementMask) << (i * elementBits);
                r[wide + l] = v;
            } else {
                long v = r[wide + l];
                for (int i = 0; i < parts.length; i++) r[parts[i] + l] = (v >>> (i * elementBits)) & elementMask;
            }
        }
    }
}
