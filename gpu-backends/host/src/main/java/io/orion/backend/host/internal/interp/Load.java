package io.orion.backend.host.internal.interp;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/** {@code ld} (and {@code ldu}) of scalars and vectors from any state space. */
final class Load extends Insn {
    private final int space;
    private final int size;
    private final boolean signed;
    private final int[] dests;
    private final int addr;
    private final boolean narrowAddress;
    private final long offset;
    private final boolean acquire;

    /**
     * @param addr          slot of the address register, or -1 for an absolute address ({@code offset})
     * @param narrowAddress the address register is 32 bits wide (zero-extended)
     * @param acquire       a {@code .volatile}/{@code .acquire} load: later accesses may not move before it
     */
    Load(int space, int size, boolean signed, int[] dests, int addr, boolean narrowAddress, long offset, boolean acquire) {
        super(false);
        this.space = space;
        this.size = size;
        this.signed = signed;
        this.dests = dests;
        this.addr = addr;
        this.narrowAddress = narrowAddress;
        this.offset = offset;
        this.acquire = acquire;
    }

    @Override
    void exec(Warp w, int mask) {
        if (mask == Warp.FULL && dests.length == 1 && addr >= 0 && (space == Warp.GLOBAL || space == Warp.SHARED)) {
            wholeWarp(w);
        } else {
            lanes(w, mask);
        }
        if (acquire) VarHandle.acquireFence();
    }

    /**
     * A scalar load by all 32 lanes from global or shared memory: the bounds and alignment checks
     * inline; any lane that fails them takes the general path, which reports the fault.
     */
    private void wholeWarp(Warp w) {
        long[] r = w.regs;
        int d = dests[0];
        int mask = size - 1;
        if (space == Warp.SHARED) {
            MemorySegment s = w.block.shared;
            long limit = w.block.sharedSize - size;
            for (int l = 0; l < Warp.SIZE; l++) {
                long a = offset + (narrowAddress ? r[addr + l] & 0xffff_ffffL : r[addr + l]);
                r[d + l] = a >= 0 && a <= limit && (a & mask) == 0 ? Warp.read(s, a, size, signed) : w.load(space, a, size, signed, l);
            }
        } else {
            GlobalView g = w.global;
            for (int l = 0; l < Warp.SIZE; l++) {
                long a = offset + (narrowAddress ? r[addr + l] & 0xffff_ffffL : r[addr + l]);
                MemorySegment s = g.resolve(a, size);
                r[d + l] = Warp.read(s, a - g.base(), size, signed);
            }
        }
    }

    private void lanes(Warp w, int mask) {
        long[] r = w.regs;
        int vectorBytes = size * dests.length;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            long a = offset;
            if (addr >= 0) a += narrowAddress ? r[addr + l] & 0xffff_ffffL : r[addr + l];
            if (dests.length == 1) {
                r[dests[0] + l] = w.load(space, a, size, signed, l);
            } else {
                if ((a & (vectorBytes - 1)) != 0) throw Warp.misaligned("vector", a, vectorBytes);
                for (int i = 0; i < dests.length; i++) r[dests[i] + l] = w.load(space, a + (long) i * size, size, signed, l);
            }
        }
    }
}
