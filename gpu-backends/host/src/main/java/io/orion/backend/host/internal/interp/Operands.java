package io.orion.backend.host.internal.interp;

import java.util.List;

import io.orion.backend.host.internal.interp.Opcode.Unsupported;
import io.orion.backend.host.internal.ptx.Operand;
import io.orion.backend.host.internal.ptx.PtxType;
import io.orion.backend.host.internal.ptx.Statement;
import io.orion.backend.host.internal.ptx.StateSpace;

/**
 * The operands of the instruction being decoded, resolved to what the interpreter uses: register
 * slots (immediates and special registers included), addresses in a state space, predicates.
 */
final class Operands {
    final KernelDecoder k;
    Statement.Instruction ins;
    Opcode op;

    Operands(KernelDecoder decoder) {
        this.k = decoder;
    }

    /** Starts on the next instruction. */
    void next(Statement.Instruction instruction) {
        this.ins = instruction;
        this.op = Opcode.parse(instruction.opcode());
    }

    List<Operand> operands() {
        return ins.operands();
    }

    Operand operand(int i) {
        if (i >= operands().size())
            throw new IllegalArgumentException(op + " needs at least " + (i + 1) + " operands");
        return operands().get(i);
    }

    /**
     * A register operand: {@code %r1}, or a plain name declared with {@code .reg} (inline assembly
     * in CUDA's headers declares {@code .reg .f16 low, high;}).
     */
    Operand register(Operand o) {
        if (o instanceof Operand.Symbol s && s.offset() == 0 && k.binding(s.name()) instanceof KernelDecoder.Binding.Reg)
            return new Operand.Register(s.name());
        return o;
    }

    /** A source operand as a slot: a register, an immediate of type {@code t}, or a symbol's address. */
    int src(Operand o, PtxType t) {
        return switch (register(o)) {
            case Operand.Register r -> {
                if (dynamicSpecial(r.name()) >= 0)
                    throw new IllegalArgumentException(r.name() + " can only be read with mov");
                yield k.registerSlot(r.name());
            }
            case Operand.IntLiteral i -> k.constant(intLiteral(i.value(), t));
            case Operand.FloatLiteral f -> k.constant(floatLiteral(f, t));
            case Operand.Symbol s -> k.constant(symbolValue(s));
            default -> throw new IllegalArgumentException("operand " + o + " cannot be a source of " + op);
        };
    }

    int src(int i, PtxType t) {
        return src(operand(i), t);
    }

    int dst(Operand o) {
        return switch (register(o)) {
            case Operand.Register r -> {
                if (Special.of(r.name()) != null || dynamicSpecial(r.name()) >= 0)
                    throw new IllegalArgumentException("special register " + r.name() + " cannot be written");
                yield k.registerSlot(r.name());
            }
            case Operand.Sink s -> k.sink();
            default -> throw new IllegalArgumentException("operand " + o + " cannot be a destination of " + op);
        };
    }

    int dst(int i) {
        return dst(operand(i));
    }

    static long intLiteral(long v, PtxType t) {
        if (t == null || !t.isFloat()) return v;
        return switch (t) {
            case F64 -> Bits.bits((double) v);
            case F16 -> Float.floatToFloat16((float) v) & 0xffffL;
            case BF16 -> Convert.toBf16((float) v);
            default -> Bits.bits((float) v);
        };
    }

    static long floatLiteral(Operand.FloatLiteral f, PtxType t) {
        double value = f.value();
        if (t == PtxType.F32 || t == PtxType.TF32) return f.single() ? f.bits() : Bits.bits((float) value);
        if (t == PtxType.F64) return f.single() ? Bits.bits(value) : f.bits();
        if (t == PtxType.F16) return Float.floatToFloat16((float) value) & 0xffffL;
        if (t == PtxType.BF16) return Convert.toBf16((float) value);
        if (f.single()) return f.bits();
        return t != null && t.bits() <= 32 ? Bits.bits((float) value) : f.bits();
    }

    long symbolValue(Operand.Symbol s) {
        if (s.name().equals("WARP_SZ")) return Warp.SIZE + s.offset();
        return switch (k.binding(s.name())) {
            case KernelDecoder.Binding.Local l -> l.offset() + s.offset();
            case KernelDecoder.Binding.KernelParameter p -> p.offset() + s.offset();
            case KernelDecoder.Binding.Shared sh -> sh.offset() + s.offset();
            case KernelDecoder.Binding.Global g -> g.address() + s.offset();
            case null, default -> throw new IllegalArgumentException("unknown symbol '" + s.name() + "'");
        };
    }

    static int dynamicSpecial(String name) {
        return switch (name) {
            case "%clock" -> TimerRead.CLOCK;
            case "%clock64" -> TimerRead.CLOCK64;
            case "%globaltimer" -> TimerRead.GLOBALTIMER;
            case "%globaltimer_lo" -> TimerRead.GLOBALTIMER_LO;
            case "%globaltimer_hi" -> TimerRead.GLOBALTIMER_HI;
            default -> -1;
        };
    }

    int pred(Operand o) {
        Operand inner = register(o instanceof Operand.Not n ? n.operand() : o);
        if (inner instanceof Operand.IntLiteral i) return k.constant(i.value() != 0 ? 1 : 0);
        if (!(inner instanceof Operand.Register r))
            throw new IllegalArgumentException("expected a predicate, found " + o);
        return k.registerSlot(r.name());
    }

    static boolean negated(Operand o) {
        return o instanceof Operand.Not;
    }

    record Address(int space, int slot, boolean narrow, long offset) {}

    Address address(Operand o, StateSpace declared) {
        if (!(o instanceof Operand.Address a)) throw new IllegalArgumentException("expected an address, found " + o);
        int space = spaceCode(declared);
        if (a.base() == null) return new Address(space, -1, false, a.offset());
        if (register(a.base()) instanceof Operand.Register r) {
            PtxType t = k.registerType(r.name());
            return new Address(space, k.registerSlot(r.name()), t != null && t.bits() <= 32, a.offset());
        }
        Operand.Symbol s = (Operand.Symbol) a.base();
        long off = s.offset() + a.offset();
        return switch (k.binding(s.name())) {
            case KernelDecoder.Binding.Local l -> new Address(Warp.LOCAL, -1, false, l.offset() + off);
            case KernelDecoder.Binding.KernelParameter p -> new Address(Warp.PARAM, -1, false, p.offset() + off);
            case KernelDecoder.Binding.Shared sh -> new Address(Warp.SHARED, -1, false, sh.offset() + off);
            case KernelDecoder.Binding.Global g -> new Address(Warp.GLOBAL, -1, false, g.address() + off);
            case null, default -> throw new IllegalArgumentException("unknown symbol '" + s.name() + "' in an address");
        };
    }

    /** The interpreter's space for a PTX state space; parameters of device functions live in local memory. */
    int spaceCode(StateSpace s) {
        if (s == null) return Warp.GENERIC;
        return switch (s) {
            case GLOBAL, CONST -> Warp.GLOBAL;
            case SHARED -> Warp.SHARED;
            case LOCAL -> Warp.LOCAL;
            case PARAM -> k.current == null ? Warp.PARAM : Warp.LOCAL;
            default -> Warp.GENERIC;
        };
    }

    void emit(Insn insn) {
        k.emit(insn, ins);
    }

    static boolean isHalf(PtxType t) {
        return t == PtxType.F16 || t == PtxType.F16X2 || t == PtxType.BF16 || t == PtxType.BF16X2;
    }

    static Unsupported unsupportedType(PtxType t) {
        return new Unsupported("type " + t);
    }
}
