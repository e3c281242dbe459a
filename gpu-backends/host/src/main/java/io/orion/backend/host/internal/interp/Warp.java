package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Layouts.I16;
import static io.orion.backend.host.internal.interp.Layouts.I32;
import static io.orion.backend.host.internal.interp.Layouts.I64;
import static io.orion.backend.host.internal.interp.Layouts.I8;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;

/**
 * Thirty-two threads run together. Registers are laid out slot-major ({@code regs[slot * 32 + lane]})
 * so one instruction loops over adjacent values.
 *
 * <p>Divergence: the warp runs one group of lanes at a time, the lanes that share a pc. Lanes that
 * branch elsewhere are parked with their own pc; the warp always runs the group with the lowest pc
 * and merges parked lanes back in when the running group reaches their pc. Since compilers lay out
 * code so that reconvergence points follow the divergent paths, lanes meet again where the program
 * reconverges. Warp-synchronous instructions (shuffles, votes) additionally wait until every other
 * runnable lane of their member mask has arrived, which covers code laid out out of order.
 */
final class Warp {
    static final int SIZE = 32;
    static final int FULL = -1;

    static final int GLOBAL = 0;
    static final int SHARED = 1;
    static final int LOCAL = 2;
    static final int PARAM = 3;
    static final int GENERIC = 4;

    /** Back edges a warp takes before it lets the other warps of its block run. */
    private static final int SLICE = 4096;

    final Block block;
    final int index;
    final long[] regs;
    final long[] scratch = new long[SIZE];
    final int[] lanePc = new int[SIZE];
    final int[] laneBarrier = new int[SIZE];
    /** For a lane waiting at {@code bar.red}: the slot its result goes to, else -1. */
    final int[] laneReduceDest = new int[SIZE];
    /** Return pcs of device-function calls, per function and lane (no recursion, so one each). */
    final int[] returnPc;
    final MemorySegment local;
    final int localSize;
    GlobalView global;

    int pc;
    /** The group running now. */
    int active;
    /** Runnable lanes waiting for their turn, at {@code lanePc}. */
    int parked;
    /** Parked lanes that wait at a warp-synchronous instruction for the rest of their warp. */
    int syncWait;
    /** Lanes waiting at a block barrier. */
    int barrierWait;
    int exited;
    int minParkedPc = Integer.MAX_VALUE;
    long executed;
    int slice = SLICE;

    Warp(Block block, int index, Program program) {
        this.block = block;
        this.index = index;
        this.regs = new long[program.slots * SIZE];
        this.returnPc = new int[Math.max(1, program.functionCount) * SIZE];
        this.localSize = program.localBytes;
        this.local = MemorySegment.ofArray(new byte[program.localBytes * SIZE]);
        for (int i = 0; i < program.constSlots.length; i++) {
            java.util.Arrays.fill(regs, program.constSlots[i] * SIZE, program.constSlots[i] * SIZE + SIZE, program.constValues[i]);
        }
    }

    /** Prepares the warp for a new block: lanes in {@code live} start at pc 0, the others do not exist. */
    void start(int live) {
        pc = 0;
        active = live;
        parked = 0;
        syncWait = 0;
        barrierWait = 0;
        exited = ~live;
        minParkedPc = Integer.MAX_VALUE;
        slice = SLICE;
        global.forget();
    }

    boolean runnable() {
        return active != 0 || parked != 0;
    }

    boolean finished() {
        return exited == FULL;
    }

    /** Runs until no lane of this warp can go on, or its time slice ends. */
    void resume() {
        if (active == 0 && !reschedule()) return;
        final Insn[] code = block.launch.program.code;
        final long[] r = regs;
        while (true) {
            if (pc == minParkedPc) mergeAt(pc);
            Insn in = code[pc];
            int mask = active;
            if (in.guard >= 0) {
                int g = in.guard;
                int m = 0;
                for (int bits = mask; bits != 0; bits &= bits - 1) {
                    int l = Integer.numberOfTrailingZeros(bits);
                    if ((r[g + l] != 0) != in.guardNegated) m |= 1 << l;
                }
                mask = m;
            }
            executed += Integer.bitCount(mask);
            if (!in.isControl) {
                if (mask != 0) in.exec(this, mask);
                pc++;
            } else if (!in.control(this, mask)) {
                return;
            }
        }
    }

    // ---- scheduling, used by control instructions ---------------------------------------------

    /**
     * Sends the lanes of {@code taken} to {@code target} and the rest of the group to the next
     * instruction. Returns false if the warp has to stop (time slice used up on a back edge).
     */
    boolean jump(int taken, int target) {
        if (taken == 0) {
            pc++;
            return true;
        }
        boolean backEdge = target <= pc;
        int rest = active & ~taken;
        boolean running;
        if (rest == 0) {
            pc = target;
            running = pc <= minParkedPc || reschedule();
        } else {
            park(rest, pc + 1);
            park(taken, target);
            active = 0;
            running = reschedule();
        }
        if (backEdge && --slice <= 0) {
            // Give the other warps of the block a turn now and then, so that a warp spinning on a
            // flag that another warp sets sees it set; and notice an aborted launch.
            slice = SLICE;
            block.launch.checkAborted();
            if (active != 0) {
                park(active, pc);
                active = 0;
            }
            return false;
        }
        return running;
    }

    /** Parks the current group at {@code pc} and picks the group with the lowest pc; false if none can run. */
    boolean reschedule() {
        if (active != 0) {
            park(active, pc);
            active = 0;
        }
        int candidates = parked & ~syncWait;
        if (candidates == 0) candidates = parked;
        if (candidates == 0) return false;
        int best = Integer.MAX_VALUE;
        for (int bits = candidates; bits != 0; bits &= bits - 1) {
            int at = lanePc[Integer.numberOfTrailingZeros(bits)];
            if (at < best) best = at;
        }
        pc = best;
        mergeAt(best);
        return true;
    }

    void park(int mask, int at) {
        for (int bits = mask; bits != 0; bits &= bits - 1) lanePc[Integer.numberOfTrailingZeros(bits)] = at;
        parked |= mask;
        if (at < minParkedPc) minParkedPc = at;
    }

    /** Lanes parked at {@code at} join the running group. */
    private void mergeAt(int at) {
        int join = 0;
        int min = Integer.MAX_VALUE;
        for (int bits = parked; bits != 0; bits &= bits - 1) {
            int l = Integer.numberOfTrailingZeros(bits);
            int p = lanePc[l];
            if (p == at) join |= 1 << l;
            else if (p < min) min = p;
        }
        parked &= ~join;
        syncWait &= ~join;
        active |= join;
        minParkedPc = min;
    }

    /** Lanes that left the program. */
    void exit(int mask) {
        exited |= mask;
        active &= ~mask;
        block.threadsExited(Integer.bitCount(mask));
    }

    /** Called by the block when a barrier these lanes wait at completes. */
    void release(int mask) {
        barrierWait &= ~mask;
        int min = minParkedPc;
        for (int bits = mask; bits != 0; bits &= bits - 1) {
            int p = lanePc[Integer.numberOfTrailingZeros(bits)];
            if (p < min) min = p;
        }
        parked |= mask;
        minParkedPc = min;
    }

    /**
     * For a warp-synchronous instruction: whether the group must wait for other lanes of
     * {@code members} that can still arrive. If so, the group is parked as waiting.
     */
    boolean waitForPartners(int members) {
        int missing = members & ~exited & ~active & parked & ~syncWait;
        if (missing == 0) return false;
        syncWait |= active;
        return true;
    }

    // ---- memory ---------------------------------------------------------------------------------

    long load(int space, long address, int size, boolean signed, int lane) {
        MemorySegment s;
        long off;
        switch (space) {
            case GLOBAL -> {
                s = global.resolve(address, size);
                off = address - global.base();
            }
            case SHARED -> {
                s = block.shared;
                off = check(address, size, block.sharedSize, "shared");
            }
            case LOCAL -> {
                s = local;
                off = check(address, size, localSize, "local") + (long) lane * localSize;
            }
            case PARAM -> {
                s = block.launch.params;
                off = check(address, size, s.byteSize(), "kernel parameter");
            }
            default -> {
                // The window kinds are numbered as the spaces: global 0, shared 1, local 2, param 3.
                return load(AddressWindows.kind(address), windowOffset(address), size, signed, lane);
            }
        }
        return read(s, off, size, signed);
    }

    /** A value of {@code size} bytes at {@code off}, sign- or zero-extended. */
    static long read(MemorySegment s, long off, int size, boolean signed) {
        return switch (size) {
            case 1 -> signed ? s.get(I8, off) : s.get(I8, off) & 0xffL;
            case 2 -> signed ? s.get(I16, off) : s.get(I16, off) & 0xffffL;
            case 4 -> signed ? s.get(I32, off) : s.get(I32, off) & 0xffff_ffffL;
            default -> s.get(I64, off);
        };
    }

    static void write(MemorySegment s, long off, int size, long value) {
        switch (size) {
            case 1 -> s.set(I8, off, (byte) value);
            case 2 -> s.set(I16, off, (short) value);
            case 4 -> s.set(I32, off, (int) value);
            default -> s.set(I64, off, value);
        }
    }

    void store(int space, long address, int size, long value, int lane) {
        MemorySegment s;
        long off;
        switch (space) {
            case GLOBAL -> {
                s = global.resolve(address, size);
                off = address - global.base();
            }
            case SHARED -> {
                s = block.shared;
                off = check(address, size, block.sharedSize, "shared");
            }
            case LOCAL -> {
                s = local;
                off = check(address, size, localSize, "local") + (long) lane * localSize;
            }
            case PARAM -> throw new KernelFault(CudaError.ILLEGAL_ADDRESS, "store to kernel parameter memory at offset " + address);
            default -> {
                store(AddressWindows.kind(address), windowOffset(address), size, value, lane);
                return;
            }
        }
        write(s, off, size, value);
    }

    /** A generic address as an address in its own state space (global addresses are unchanged). */
    static long windowOffset(long generic) {
        return AddressWindows.kind(generic) == AddressWindows.KIND_GLOBAL ? generic : AddressWindows.offset(generic);
    }

    private static long check(long address, int size, long limit, String space) {
        if (address < 0 || address > limit - size)
            throw new KernelFault(CudaError.ILLEGAL_ADDRESS, "illegal address: " + size + "-byte " + space
                    + " access at offset " + address + " outside the " + limit + " bytes of " + space + " memory");
        if ((address & (size - 1)) != 0) throw misaligned(space, address, size);
        return address;
    }

    static KernelFault misaligned(String space, long address, int size) {
        return new KernelFault(CudaError.MISALIGNED_ADDRESS, "misaligned address: " + size + "-byte " + space
                + " access at 0x" + Long.toHexString(address));
    }

    /** {@code (x,y,z)} of a lane's thread, for messages. */
    String thread(int lane) {
        return "(" + Special.TID_X.value(index, lane, block) + "," + Special.TID_Y.value(index, lane, block) + ","
                + Special.TID_Z.value(index, lane, block) + ")";
    }
}
