package io.orion.backend.host.internal.interp;

import java.lang.foreign.MemorySegment;
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

    /** As Load's: a scalar store by all 32 lanes to global or shared memory, checks inline. */
    private void wholeWarp(Warp w) {
        long[] r = w.regs;
        int v = sources[0];
        if (space == Warp.SHARED) {
            MemorySegment s = w.block.shared;
            long limit = w.block.sharedSize - size;
            int mask = size - 1;
            for (int l = 0; l < Warp.SIZE; l++) {
                long a = offset + (narrowAddress ? r[addr + l] & 0xffff_ffffL : r[addr + l]);
                if (a >= 0 && a <= limit && (a & mask) == 0) Warp.write(s, a, size, r[v + l]);
                else w.store(space, a, size, r[v + l], l);
            }
        } else {
            GlobalView g = w.global;
            for (int l = 0; l < Warp.SIZE; l++) {
                long a = offset + (narrowAddress ? r[addr + l] & 0xffff_ffffL : r[addr + l]);
                MemorySegment s = g.resolve(a, size);
                Warp.write(s, a - g.base(), size, r[v + l]);
            }
        }
    }

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
        if (mask == Warp.FULL && sources.length == 1 && addr >= 0 && (space == Warp.GLOBAL || space == Warp.SHARED)) {
            wholeWarp(w);
            return;
        }
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
