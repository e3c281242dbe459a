package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Layouts.ATOMIC_I32;
import static io.orion.backend.host.internal.interp.Layouts.ATOMIC_I64;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;

/**
 * {@code atom} and {@code red}: read-modify-write on global, shared or generic memory, returning
 * the old value ({@code red} drops it). Global memory is shared with blocks running on other
 * workers, so those use real atomic operations; a block's shared memory is only touched by the
 * worker running the block, so plain read-modify-write is atomic there.
 */
final class AtomicOp extends Insn {
    static final int ADD = 0, MIN = 1, MAX = 2, EXCH = 3, CAS = 4, AND = 5, OR = 6, XOR = 7, INC = 8, DEC = 9;
    static final int KIND_U = 0, KIND_S = 1, KIND_F = 2;

    private final int space;
    private final int op;
    private final int kind;
    private final int bits;
    private final int d, addr;
    private final boolean narrowAddress;
    private final long offset;
    private final int b, c;

    AtomicOp(int space, int op, int kind, int bits, int d, int addr, boolean narrowAddress, long offset, int b, int c) {
        super(false);
        this.space = space;
        this.op = op;
        this.kind = kind;
        this.bits = bits;
        this.d = d;
        this.addr = addr;
        this.narrowAddress = narrowAddress;
        this.offset = offset;
        this.b = b;
        this.c = c;
    }

    static int of(String name) {
        return switch (name) {
            case "add" -> ADD; case "min" -> MIN; case "max" -> MAX; case "exch" -> EXCH; case "cas" -> CAS;
            case "and" -> AND; case "or" -> OR; case "xor" -> XOR; case "inc" -> INC; case "dec" -> DEC;
            default -> -1;
        };
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        int size = bits / 8;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            long a = offset;
            if (addr >= 0) a += narrowAddress ? r[addr + l] & 0xffff_ffffL : r[addr + l];
            int where = space;
            if (where == Warp.GENERIC) {
                where = AddressWindows.kind(a);
                a = Warp.windowOffset(a);
            }
            long old;
            if (where == Warp.GLOBAL) {
                MemorySegment s = w.global.resolve(a, size);
                old = global(s, a - w.global.base(), r[b + l], r[c + l]);
            } else if (where == Warp.SHARED || where == Warp.LOCAL) {
                old = w.load(where, a, size, false, l);
                w.store(where, a, size, apply(old, r[b + l], r[c + l]), l);
            } else {
                throw new KernelFault(CudaError.ILLEGAL_ADDRESS, "atomic operation on kernel parameter memory");
            }
            r[d + l] = kind == KIND_S ? Bits.sx(old, bits) : Bits.zx(old, bits);
        }
    }

    private long global(MemorySegment s, long off, long operand, long swap) {
        if (bits == 32) {
            if (op == ADD && kind != KIND_F) return (int) ATOMIC_I32.getAndAdd(s, off, (int) operand);
            if (op == EXCH) return (int) ATOMIC_I32.getAndSet(s, off, (int) operand);
            while (true) {
                int old = (int) ATOMIC_I32.getVolatile(s, off);
                int next = (int) apply(old, operand, swap);
                if (op == CAS && old != (int) operand) return old;
                if (ATOMIC_I32.compareAndSet(s, off, old, next)) return old;
            }
        }
        if (op == ADD && kind != KIND_F) return (long) ATOMIC_I64.getAndAdd(s, off, operand);
        if (op == EXCH) return (long) ATOMIC_I64.getAndSet(s, off, operand);
        while (true) {
            long old = (long) ATOMIC_I64.getVolatile(s, off);
            long next = apply(old, operand, swap);
            if (op == CAS && old != operand) return old;
            if (ATOMIC_I64.compareAndSet(s, off, old, next)) return old;
        }
    }

    /** The new value stored over {@code old}. */
    private long apply(long old, long v, long swap) {
        switch (op) {
            case ADD:
                if (kind == KIND_F) {
                    if (bits == 32) return Bits.bits(Bits.ftz(Bits.f32(old) + Bits.f32(v)));
                    return Bits.bits(Bits.f64(old) + Bits.f64(v));
                }
                return old + v;
            case MIN: case MAX: {
                long p = kind == KIND_S ? Bits.sx(old, bits) : Bits.zx(old, bits);
                long q = kind == KIND_S ? Bits.sx(v, bits) : Bits.zx(v, bits);
                int cmp = kind == KIND_S || bits < 64 ? Long.compare(p, q) : Long.compareUnsigned(p, q);
                return (op == MIN) == (cmp <= 0) ? p : q;
            }
            case EXCH: return v;
            case CAS: return Bits.zx(old, bits) == Bits.zx(v, bits) ? swap : old;
            case AND: return old & v;
            case OR: return old | v;
            case XOR: return old ^ v;
            case INC: {
                long o = Bits.zx(old, 32);
                return o >= Bits.zx(v, 32) ? 0 : o + 1;
            }
            case DEC: {
                long o = Bits.zx(old, 32);
                return o == 0 || o > Bits.zx(v, 32) ? v : o - 1;
            }
            default: throw new IllegalStateException("atomic op " + op);
        }
    }
}
