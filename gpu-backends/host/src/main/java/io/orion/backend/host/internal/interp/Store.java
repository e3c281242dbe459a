package io.orion.backend.host.internal.interp;

import java.lang.invoke.VarHandle;

/** {@code st} of scalars and vectors to global, shared, local or generic memory. */
final class Store extends Insn {
    private final int space;
    private final int size;
    private final int[] sources;
    private final int addr;
    private final boolean narrowAddress;
    private final long offset;
    private final boolean release;

    Store(int space, int size, int[] sources, int addr, boolean narrowAddress, long offset, boolean release) {
        super(false);
        this.space = space;
        this.size = size;
        this.sources = sources;
        this.addr = addr;
        this.narrowAddress = narrowAddress;
        this.offset = offset;
        this.release = release;
    }

    @Override
    void exec(Warp w, int mask) {
        if (release) VarHandle.releaseFence();
        long[] r = w.regs;
        int vectorBytes = size * sources.length;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            long a = offset;
            if (addr >= 0) a += narrowAddress ? r[addr + l] & 0xffff_ffffL : r[addr + l];
            if (sources.length == 1) {
                w.store(space, a, size, r[sources[0] + l], l);
            } else {
                if ((a & (vectorBytes - 1)) != 0) throw Warp.misaligned("vector", a, vectorBytes);
                for (int i = 0; i < sources.length; i++) w.store(space, a + (long) i * size, size, r[sources[i] + l], l);
            }
        }
    }
}
