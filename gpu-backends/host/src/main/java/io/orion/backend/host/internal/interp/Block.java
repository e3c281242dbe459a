package io.orion.backend.host.internal.interp;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;

/**
 * Runs thread blocks of one kernel, one at a time, on one worker thread. Its warps take turns: each
 * runs until all its lanes wait at a barrier, exit, or use up a time slice. Barriers are counted
 * per thread, as on GPUs with independent thread scheduling; a barrier completes when every live
 * thread (or the count it names) has arrived.
 *
 * <p>A block is reused for later blocks and launches of the same kernel and shape, so registers,
 * shared and local memory are allocated once per worker, not once per block.
 */
final class Block {
    static final int BARRIERS = 16;
    static final int REDUCE_NONE = 0;
    static final int REDUCE_POPC = 1;
    static final int REDUCE_AND = 2;
    static final int REDUCE_OR = 3;

    final Program program;
    final Warp[] warps;
    final int threads;
    final MemorySegment shared;
    final int sharedSize;
    Launch launch;
    int worker;
    int ctaX, ctaY, ctaZ;

    private int liveThreads;
    private final int[] arrived = new int[BARRIERS];
    private final int[] expected = new int[BARRIERS];
    private final int[] reduceKind = new int[BARRIERS];
    private final long[] reduceValue = new long[BARRIERS];

    Block(Program program, int threads, int sharedSize) {
        this.program = program;
        this.threads = threads;
        this.sharedSize = sharedSize;
        this.shared = MemorySegment.ofArray(new long[(sharedSize + 7) / 8]);
        this.warps = new Warp[(threads + Warp.SIZE - 1) / Warp.SIZE];
        for (int i = 0; i < warps.length; i++) warps[i] = new Warp(this, i, program);
    }

    /** Whether this block can run a launch with the given shape. */
    boolean fits(int threads, int sharedSize) {
        return this.threads == threads && this.sharedSize == sharedSize;
    }

    /** Attaches the block to a launch: writes the special registers that are fixed for the launch. */
    void bind(Launch launch, int worker) {
        this.launch = launch;
        this.worker = worker;
        for (Warp w : warps) {
            w.global = launch.globalView();
            w.executed = 0;
        }
        writeSpecials(false);
    }

    long executed() {
        long sum = 0;
        for (Warp w : warps) sum += w.executed;
        return sum;
    }

    /** Runs the block with index (x, y, z) to completion. */
    void run(int x, int y, int z) {
        ctaX = x;
        ctaY = y;
        ctaZ = z;
        writeSpecials(true);
        liveThreads = threads;
        java.util.Arrays.fill(arrived, 0);
        for (int i = 0; i < warps.length; i++) {
            int lanes = Math.min(Warp.SIZE, threads - i * Warp.SIZE);
            warps[i].start(lanes == Warp.SIZE ? Warp.FULL : (1 << lanes) - 1);
        }
        Warp current = null;
        try {
            while (liveThreads > 0) {
                boolean ran = false;
                for (Warp w : warps) {
                    if (w.runnable()) {
                        current = w;
                        w.resume();
                        ran = true;
                    }
                }
                if (!ran && liveThreads > 0) {
                    current = null;
                    throw new KernelFault(CudaError.LAUNCH_FAILED, "deadlock: " + liveThreads
                            + " threads wait at a barrier that the other threads of the block never reach");
                }
            }
        } catch (KernelFault f) {
            throw f.at(where(current));
        }
    }

    private String where(Warp w) {
        StringBuilder b = new StringBuilder("in kernel '").append(program.name).append("', block (")
                .append(ctaX).append(',').append(ctaY).append(',').append(ctaZ).append(')');
        if (w != null) {
            int lane = Integer.numberOfTrailingZeros(w.active == 0 ? 1 : w.active);
            b.append(", thread ").append(w.thread(lane));
            if (w.pc >= 0 && w.pc < program.code.length) b.append(", at ").append(program.code[w.pc].source);
        }
        return b.toString();
    }

    private void writeSpecials(boolean perBlock) {
        Special[] kinds = program.specialKinds;
        int[] slots = program.specialSlots;
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i].perBlock() != perBlock) continue;
            for (Warp w : warps) {
                int base = slots[i] * Warp.SIZE;
                for (int lane = 0; lane < Warp.SIZE; lane++) w.regs[base + lane] = kinds[i].value(w.index, lane, this);
            }
        }
    }

    // ---- barriers -------------------------------------------------------------------------------

    /**
     * Lanes of a warp arrive at barrier {@code id}. {@code count} is the number of threads the
     * barrier waits for (0: all live threads). Waiting lanes must already have their resume pc.
     */
    void arrive(Warp w, int lanes, int id, int count, boolean wait, int reduce, long contribution, int dest) {
        if (id < 0 || id >= BARRIERS)
            throw new KernelFault(CudaError.ILLEGAL_INSTRUCTION, "barrier id " + id + " is outside 0.." + (BARRIERS - 1));
        if (arrived[id] == 0) {
            expected[id] = count;
            reduceKind[id] = reduce;
            reduceValue[id] = reduce == REDUCE_AND ? 1 : 0;
        }
        arrived[id] += Integer.bitCount(lanes);
        switch (reduceKind[id]) {
            case REDUCE_POPC -> reduceValue[id] += contribution;
            case REDUCE_AND -> reduceValue[id] &= contribution;
            case REDUCE_OR -> reduceValue[id] |= contribution;
            default -> { }
        }
        if (wait) {
            w.barrierWait |= lanes;
            for (int bits = lanes; bits != 0; bits &= bits - 1) {
                int l = Integer.numberOfTrailingZeros(bits);
                w.laneBarrier[l] = id;
                w.laneReduceDest[l] = dest;
            }
        }
        check(id);
    }

    void threadsExited(int n) {
        liveThreads -= n;
        for (int id = 0; id < BARRIERS; id++) if (arrived[id] > 0) check(id);
    }

    private void check(int id) {
        int need = expected[id] == 0 ? liveThreads : expected[id];
        if (arrived[id] < need) return;
        arrived[id] = 0;
        long result = reduceValue[id];
        for (Warp w : warps) {
            int released = 0;
            for (int bits = w.barrierWait; bits != 0; bits &= bits - 1) {
                int l = Integer.numberOfTrailingZeros(bits);
                if (w.laneBarrier[l] != id) continue;
                released |= 1 << l;
                if (w.laneReduceDest[l] >= 0) w.regs[w.laneReduceDest[l] + l] = result;
            }
            if (released != 0) w.release(released);
        }
    }
}
