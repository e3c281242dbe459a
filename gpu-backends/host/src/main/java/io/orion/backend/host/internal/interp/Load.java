package io.orion.backend.host.internal.interp;

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
        if (acquire) VarHandle.acquireFence();
    }
}
