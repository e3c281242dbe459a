package io.orion.backend.host.internal.interp;

import io.orion.api.backend.CudaError;

/** Branches, calls, returns, exits, traps and block barriers. */
final class Control {
    private Control() {}

    /** {@code bra target}; a guarded branch may split the group. */
    static final class Branch extends Insn {
        int target;

        Branch(int target) {
            super(true);
            this.target = target;
        }

        @Override
        boolean control(Warp w, int mask) {
            return w.jump(mask, target);
        }
    }

    /** {@code exit}, and {@code ret} in a kernel. */
    static final class Exit extends Insn {
        Exit() {
            super(true);
        }

        @Override
        boolean control(Warp w, int mask) {
            if (mask != 0) w.exit(mask);
            if (w.active == 0) return w.reschedule();
            w.pc++;
            return true;
        }
    }

    /** {@code call} of a device function: the return pc is kept per lane. */
    static final class Call extends Insn {
        final int function;
        int entry;

        Call(int function, int entry) {
            super(true);
            this.function = function;
            this.entry = entry;
        }

        @Override
        boolean control(Warp w, int mask) {
            int base = function * Warp.SIZE;
            for (int m = mask; m != 0; m &= m - 1) w.returnPc[base + Integer.numberOfTrailingZeros(m)] = w.pc + 1;
            return w.jump(mask, entry);
        }
    }

    /** {@code ret} in a device function: each lane goes back where it was called from. */
    static final class Return extends Insn {
        private final int function;

        Return(int function) {
            super(true);
            this.function = function;
        }

        @Override
        boolean control(Warp w, int mask) {
            if (mask == 0) {
                w.pc++;
                return true;
            }
            int base = function * Warp.SIZE;
            int target = w.returnPc[base + Integer.numberOfTrailingZeros(mask)];
            boolean uniform = true;
            for (int m = mask; m != 0; m &= m - 1) {
                if (w.returnPc[base + Integer.numberOfTrailingZeros(m)] != target) uniform = false;
            }
            if (uniform) return w.jump(mask, target);
            int rest = w.active & ~mask;
            for (int m = mask; m != 0; m &= m - 1) {
                int l = Integer.numberOfTrailingZeros(m);
                w.park(1 << l, w.returnPc[base + l]);
            }
            w.active = rest;
            if (rest != 0) w.pc++;
            return w.reschedule();
        }
    }

    /** {@code trap}: the launch fails, as CUDA reports a trap. */
    static final class Trap extends Insn {
        Trap() {
            super(true);
        }

        @Override
        boolean control(Warp w, int mask) {
            if (mask != 0) throw new KernelFault(CudaError.LAUNCH_FAILED, "trap instruction executed");
            w.pc++;
            return true;
        }
    }

    /**
     * {@code bar.sync}/{@code barrier.sync} a{, b}, {@code bar.arrive} a, b and
     * {@code bar.red.{popc.u32,and.pred,or.pred}} d, a{, b}, {!}c.
     */
    static final class Barrier extends Insn {
        private final boolean wait;
        private final int reduce;
        private final int id, count, pred;
        private final boolean predNegated;
        private final int dest;

        /**
         * @param count slot of the thread count, or -1 for all threads of the block
         * @param pred  slot of the reduction predicate, or -1
         * @param dest  slot of the reduction result, or -1
         */
        Barrier(boolean wait, int reduce, int id, int count, int pred, boolean predNegated, int dest) {
            super(true);
            this.wait = wait;
            this.reduce = reduce;
            this.id = id;
            this.count = count;
            this.pred = pred;
            this.predNegated = predNegated;
            this.dest = dest;
        }

        @Override
        boolean control(Warp w, int mask) {
            if (mask == 0) {
                w.pc++;
                return true;
            }
            long[] r = w.regs;
            int first = Integer.numberOfTrailingZeros(mask);
            int barrier = (int) r[id + first];
            int threads = count < 0 ? 0 : (int) r[count + first];
            long contribution = 0;
            if (reduce != Block.REDUCE_NONE) {
                int set = 0;
                for (int m = mask; m != 0; m &= m - 1) {
                    int l = Integer.numberOfTrailingZeros(m);
                    if ((r[pred + l] != 0) != predNegated) set |= 1 << l;
                }
                contribution = switch (reduce) {
                    case Block.REDUCE_POPC -> Integer.bitCount(set);
                    case Block.REDUCE_AND -> set == mask ? 1 : 0;
                    default -> set != 0 ? 1 : 0;
                };
            }
            if (!wait) {
                w.block.arrive(w, mask, barrier, threads, false, reduce, contribution, -1);
                w.pc++;
                return true;
            }
            for (int m = mask; m != 0; m &= m - 1) w.lanePc[Integer.numberOfTrailingZeros(m)] = w.pc + 1;
            w.active &= ~mask;
            w.block.arrive(w, mask, barrier, threads, true, reduce, contribution, dest);
            if (w.active != 0) {
                w.pc++;
                return true;
            }
            return w.reschedule();
        }
    }
}
