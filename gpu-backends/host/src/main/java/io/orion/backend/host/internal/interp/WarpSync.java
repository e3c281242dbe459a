package io.orion.backend.host.internal.interp;

/**
 * Warp-synchronous instructions with a member mask: {@code shfl.sync}, {@code vote.sync},
 * {@code match.sync}, {@code redux.sync}, {@code elect.sync} and {@code bar.warp.sync}. Before
 * running, the group waits until every other lane of the member mask that can still arrive has
 * arrived (see {@link Warp#waitForPartners}); then the operation sees all of them at once.
 */
abstract class WarpSync extends Insn {
    /** Slot of the member mask operand, or -1 for the non-sync forms (the current group). */
    private final int members;

    WarpSync(int members) {
        super(true);
        this.members = members;
    }

    @Override
    final boolean control(Warp w, int mask) {
        int group = w.active;
        int memberMask = members < 0 ? group
                : (int) w.regs[members + Integer.numberOfTrailingZeros(group)];
        if (w.waitForPartners(memberMask)) return w.reschedule();
        if (mask != 0) run(w, mask);
        w.pc++;
        return true;
    }

    /** The operation itself, over the lanes of {@code mask}. */
    abstract void run(Warp w, int mask);

    /** {@code shfl.sync.{up,down,bfly,idx}.b32 d[|p], a, b, c, membermask}. */
    static final class Shuffle extends WarpSync {
        static final int UP = 0, DOWN = 1, BFLY = 2, IDX = 3;
        private final int mode, d, p, a, b, c;

        Shuffle(int mode, int d, int p, int a, int b, int c, int members) {
            super(members);
            this.mode = mode;
            this.d = d;
            this.p = p;
            this.a = a;
            this.b = b;
            this.c = c;
        }

        @Override
        void run(Warp w, int mask) {
            long[] r = w.regs;
            long[] value = w.scratch;
            int valid = 0;
            for (int m = mask; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                int bval = (int) r[b + lane] & 0x1f;
                int cval = (int) r[c + lane];
                int clamp = cval & 0x1f;
                int segmask = (cval >>> 8) & 0x1f;
                int maxLane = (lane & segmask) | (clamp & ~segmask);
                int minLane = lane & segmask;
                int j;
                boolean inRange;
                switch (mode) {
                    case UP -> {
                        j = lane - bval;
                        inRange = j >= maxLane;
                    }
                    case DOWN -> {
                        j = lane + bval;
                        inRange = j <= maxLane;
                    }
                    case BFLY -> {
                        j = lane ^ bval;
                        inRange = j <= maxLane;
                    }
                    default -> {
                        j = minLane | (bval & ~segmask);
                        inRange = j <= maxLane;
                    }
                }
                if (!inRange) j = lane;
                value[lane] = r[a + j];
                if (inRange) valid |= 1 << lane;
            }
            for (int m = mask; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                r[d + lane] = value[lane];
                r[p + lane] = (valid >>> lane) & 1;
            }
        }
    }

    /** {@code vote[.sync].{all,any,uni}.pred d, {!}a[, membermask]} and {@code vote[.sync].ballot.b32}. */
    static final class Vote extends WarpSync {
        static final int ALL = 0, ANY = 1, UNI = 2, BALLOT = 3;
        private final int mode, d, a;
        private final boolean negated;

        Vote(int mode, int d, int a, boolean negated, int members) {
            super(members);
            this.mode = mode;
            this.d = d;
            this.a = a;
            this.negated = negated;
        }

        @Override
        void run(Warp w, int mask) {
            long[] r = w.regs;
            int set = 0;
            for (int m = mask; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                if ((r[a + lane] != 0) != negated) set |= 1 << lane;
            }
            long result = switch (mode) {
                case ALL -> set == mask ? 1 : 0;
                case ANY -> set != 0 ? 1 : 0;
                case UNI -> set == mask || set == 0 ? 1 : 0;
                default -> set & 0xffff_ffffL;
            };
            for (int m = mask; m != 0; m &= m - 1) r[d + Integer.numberOfTrailingZeros(m)] = result;
        }
    }

    /** {@code match.{any,all}.sync.b32/b64 d[|p], a, membermask}. */
    static final class Match extends WarpSync {
        private final boolean all;
        private final int bits, d, p, a;

        Match(boolean all, int bits, int d, int p, int a, int members) {
            super(members);
            this.all = all;
            this.bits = bits;
            this.d = d;
            this.p = p;
            this.a = a;
        }

        @Override
        void run(Warp w, int mask) {
            long[] r = w.regs;
            boolean allEqual = true;
            long first = Bits.zx(r[a + Integer.numberOfTrailingZeros(mask)], bits);
            for (int m = mask; m != 0; m &= m - 1) {
                if (Bits.zx(r[a + Integer.numberOfTrailingZeros(m)], bits) != first) allEqual = false;
            }
            long[] out = w.scratch;
            for (int m = mask; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                if (all) {
                    out[lane] = allEqual ? mask & 0xffff_ffffL : 0;
                } else {
                    long v = Bits.zx(r[a + lane], bits);
                    int same = 0;
                    for (int n = mask; n != 0; n &= n - 1) {
                        int other = Integer.numberOfTrailingZeros(n);
                        if (Bits.zx(r[a + other], bits) == v) same |= 1 << other;
                    }
                    out[lane] = same & 0xffff_ffffL;
                }
            }
            for (int m = mask; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                r[d + lane] = out[lane];
                r[p + lane] = allEqual ? 1 : 0;
            }
        }
    }

    /** {@code redux.sync.{add,min,max}.{u32,s32}} and {@code redux.sync.{and,or,xor}.b32}. */
    static final class Reduce extends WarpSync {
        static final int ADD = 0, MIN = 1, MAX = 2, AND = 3, OR = 4, XOR = 5;
        private final int op, d, a;
        private final boolean signed;

        Reduce(int op, boolean signed, int d, int a, int members) {
            super(members);
            this.op = op;
            this.signed = signed;
            this.d = d;
            this.a = a;
        }

        @Override
        void run(Warp w, int mask) {
            long[] r = w.regs;
            long acc = 0;
            boolean first = true;
            for (int m = mask; m != 0; m &= m - 1) {
                long v = Bits.widen(r[a + Integer.numberOfTrailingZeros(m)], 32, signed);
                if (first) {
                    acc = v;
                    first = false;
                    continue;
                }
                acc = switch (op) {
                    case ADD -> acc + v;
                    case MIN -> Math.min(acc, v);
                    case MAX -> Math.max(acc, v);
                    case AND -> acc & v;
                    case OR -> acc | v;
                    default -> acc ^ v;
                };
            }
            for (int m = mask; m != 0; m &= m - 1) r[d + Integer.numberOfTrailingZeros(m)] = acc;
        }
    }

    /** {@code elect.sync d|p, membermask}: one lane (the lowest) is elected. */
    static final class Elect extends WarpSync {
        private final int d, p;

        Elect(int d, int p, int members) {
            super(members);
            this.d = d;
            this.p = p;
        }

        @Override
        void run(Warp w, int mask) {
            int leader = Integer.numberOfTrailingZeros(mask);
            for (int m = mask; m != 0; m &= m - 1) {
                int lane = Integer.numberOfTrailingZeros(m);
                w.regs[d + lane] = leader;
                w.regs[p + lane] = lane == leader ? 1 : 0;
            }
        }
    }

    /** {@code bar.warp.sync membermask} ({@code __syncwarp}): a reconvergence point, nothing more here. */
    static final class Barrier extends WarpSync {
        Barrier(int members) {
            super(members);
        }

        @Override
        void run(Warp w, int mask) {
            // Memory is ordered already: the lanes of a warp run on one thread.
        }
    }
}
