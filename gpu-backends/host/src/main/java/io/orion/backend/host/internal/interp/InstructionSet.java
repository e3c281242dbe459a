package io.orion.backend.host.internal.interp;

import java.util.List;

import io.orion.backend.host.internal.interp.Opcode.Unsupported;
import io.orion.backend.host.internal.ptx.Operand;
import io.orion.backend.host.internal.ptx.PtxType;
import io.orion.backend.host.internal.ptx.Statement;
import io.orion.backend.host.internal.ptx.StateSpace;

/**
 * The PTX instructions the interpreter runs, and how each one is decoded. An opcode or modifier
 * combination not handled here raises {@link Unsupported}, which the decoder reports with the
 * kernel's name and the line: nothing is skipped silently. Pure hints with no effect on results
 * ({@code prefetch}, cache and eviction policies) decode to nothing.
 */
final class InstructionSet {
    private final KernelDecoder k;
    private Statement.Instruction ins;
    private Opcode op;

    InstructionSet(KernelDecoder decoder) {
        this.k = decoder;
    }

    void decode(Statement.Instruction instruction) throws Unsupported {
        this.ins = instruction;
        this.op = Opcode.parse(instruction.opcode());
        switch (op.base) {
            case "mov" -> mov();
            case "add", "sub" -> addSub();
            case "mul" -> mul();
            case "mad" -> mad();
            case "fma" -> floatOp(F32Op.FMA, 3);
            case "div" -> div();
            case "rem" -> intBinary(IntBinary.REM);
            case "min", "max" -> minMax();
            case "abs", "neg" -> absNeg();
            case "and", "or", "xor" -> logic();
            case "not" -> not();
            case "cnot" -> intUnary(IntUnary.CNOT);
            case "shl" -> intBinary(IntBinary.SHL);
            case "shr" -> intBinary(IntBinary.SHR);
            case "popc" -> intUnary(IntUnary.POPC);
            case "clz" -> intUnary(IntUnary.CLZ);
            case "brev" -> intUnary(IntUnary.BREV);
            case "bfind" -> intUnary(op.has("shiftamt") ? IntUnary.BFIND_SHIFT : IntUnary.BFIND);
            case "bfe" -> intTernary(IntTernary.BFE, false);
            case "bfi" -> bfi();
            case "prmt" -> prmt();
            case "shf" -> shf();
            case "sad" -> intTernary(IntTernary.SAD, false);
            case "lop3" -> lop3();
            case "dp4a" -> dp(IntTernary.DP4A);
            case "dp2a" -> dp(op.has("hi") ? IntTernary.DP2A_HI : IntTernary.DP2A_LO);
            case "mul24" -> mul24();
            case "mad24" -> mad24();
            case "addc", "subc", "madc" -> carry();
            case "copysign" -> floatOp(F32Op.COPYSIGN, 2);
            case "rcp" -> floatOp(F32Op.RCP, 1);
            case "sqrt" -> floatOp(F32Op.SQRT, 1);
            case "rsqrt" -> floatOp(F32Op.RSQRT, 1);
            case "sin" -> floatOp(F32Op.SIN, 1);
            case "cos" -> floatOp(F32Op.COS, 1);
            case "lg2" -> floatOp(F32Op.LG2, 1);
            case "ex2" -> floatOp(F32Op.EX2, 1);
            case "tanh" -> floatOp(F32Op.TANH, 1);
            case "testp" -> testp();
            case "cvt" -> cvt();
            case "cvta" -> cvta();
            case "isspacep" -> isspacep();
            case "setp", "set" -> setp();
            case "selp" -> selp();
            case "slct" -> slct();
            case "ld", "ldu" -> load();
            case "st" -> store();
            case "atom", "red" -> atom();
            case "cp" -> cp();
            case "prefetch", "prefetchu", "discard", "applypriority", "nanosleep", "pmevent", "brkpt" -> { }
            case "createpolicy" -> k.emit(new IntUnary(IntUnary.MOV, 64, false, dst(0), k.constant(0), 0), ins);
            case "bra" -> bra();
            case "call" -> call();
            case "ret" -> k.emit(k.current == null ? new Control.Exit() : new Control.Return(k.current.index), ins);
            case "exit" -> k.emit(new Control.Exit(), ins);
            case "trap" -> k.emit(new Control.Trap(), ins);
            case "bar", "barrier" -> barrier();
            case "membar", "fence" -> k.emit(new Fence(), ins);
            case "shfl" -> shfl();
            case "vote" -> vote();
            case "activemask" -> k.emit(new ActiveMask(dst(0)), ins);
            case "match" -> match();
            case "redux" -> redux();
            case "elect" -> elect();
            default -> throw new Unsupported(null);
        }
    }

    // ---- operands -----------------------------------------------------------------------------------

    private List<Operand> operands() {
        return ins.operands();
    }

    private Operand operand(int i) {
        if (i >= operands().size())
            throw new IllegalArgumentException(op + " needs at least " + (i + 1) + " operands");
        return operands().get(i);
    }

    /**
     * A register operand: {@code %r1}, or a plain name declared with {@code .reg} (inline assembly
     * in CUDA's headers declares {@code .reg .f16 low, high;}).
     */
    private Operand register(Operand o) {
        if (o instanceof Operand.Symbol s && s.offset() == 0 && k.binding(s.name()) instanceof KernelDecoder.Binding.Reg)
            return new Operand.Register(s.name());
        return o;
    }

    /** A source operand as a slot: a register, an immediate of type {@code t}, or a symbol's address. */
    private int src(Operand o, PtxType t) {
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

    private int src(int i, PtxType t) {
        return src(operand(i), t);
    }

    private int dst(Operand o) {
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

    private int dst(int i) {
        return dst(operand(i));
    }

    private static long intLiteral(long v, PtxType t) {
        if (t == null || !t.isFloat()) return v;
        return switch (t) {
            case F64 -> Bits.bits((double) v);
            case F16 -> Float.floatToFloat16((float) v) & 0xffffL;
            case BF16 -> Convert.toBf16((float) v);
            default -> Bits.bits((float) v);
        };
    }

    private static long floatLiteral(Operand.FloatLiteral f, PtxType t) {
        double value = f.value();
        if (t == PtxType.F32 || t == PtxType.TF32) return f.single() ? f.bits() : Bits.bits((float) value);
        if (t == PtxType.F64) return f.single() ? Bits.bits(value) : f.bits();
        if (t == PtxType.F16) return Float.floatToFloat16((float) value) & 0xffffL;
        if (t == PtxType.BF16) return Convert.toBf16((float) value);
        if (f.single()) return f.bits();
        return t != null && t.bits() <= 32 ? Bits.bits((float) value) : f.bits();
    }

    private long symbolValue(Operand.Symbol s) {
        if (s.name().equals("WARP_SZ")) return Warp.SIZE + s.offset();
        return switch (k.binding(s.name())) {
            case KernelDecoder.Binding.Local l -> l.offset() + s.offset();
            case KernelDecoder.Binding.KernelParameter p -> p.offset() + s.offset();
            case KernelDecoder.Binding.Shared sh -> sh.offset() + s.offset();
            case KernelDecoder.Binding.Global g -> g.address() + s.offset();
            case null, default -> throw new IllegalArgumentException("unknown symbol '" + s.name() + "'");
        };
    }

    private static int dynamicSpecial(String name) {
        return switch (name) {
            case "%clock" -> TimerRead.CLOCK;
            case "%clock64" -> TimerRead.CLOCK64;
            case "%globaltimer" -> TimerRead.GLOBALTIMER;
            case "%globaltimer_lo" -> TimerRead.GLOBALTIMER_LO;
            case "%globaltimer_hi" -> TimerRead.GLOBALTIMER_HI;
            default -> -1;
        };
    }

    private int pred(Operand o) {
        Operand inner = register(o instanceof Operand.Not n ? n.operand() : o);
        if (inner instanceof Operand.IntLiteral i) return k.constant(i.value() != 0 ? 1 : 0);
        if (!(inner instanceof Operand.Register r))
            throw new IllegalArgumentException("expected a predicate, found " + o);
        return k.registerSlot(r.name());
    }

    private static boolean negated(Operand o) {
        return o instanceof Operand.Not;
    }

    private record Address(int space, int slot, boolean narrow, long offset) {}

    private Address address(Operand o, StateSpace declared) {
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
    private int spaceCode(StateSpace s) {
        if (s == null) return Warp.GENERIC;
        return switch (s) {
            case GLOBAL, CONST -> Warp.GLOBAL;
            case SHARED -> Warp.SHARED;
            case LOCAL -> Warp.LOCAL;
            case PARAM -> k.current == null ? Warp.PARAM : Warp.LOCAL;
            default -> Warp.GENERIC;
        };
    }

    private void emit(Insn insn) {
        k.emit(insn, ins);
    }

    private static boolean isHalf(PtxType t) {
        return t == PtxType.F16 || t == PtxType.F16X2 || t == PtxType.BF16 || t == PtxType.BF16X2;
    }

    private static Unsupported unsupportedType(PtxType t) {
        return new Unsupported("type " + t);
    }

    // ---- moves and integer arithmetic -------------------------------------------------------------

    private void mov() throws Unsupported {
        PtxType t = op.type();
        Operand d = operand(0);
        Operand a = operand(1);
        if (d instanceof Operand.Vector v) {
            emit(new Pack(false, t.bits() / v.elements().size(), src(a, t), vectorDests(v)));
        } else if (a instanceof Operand.Vector v) {
            int[] parts = new int[v.elements().size()];
            for (int i = 0; i < parts.length; i++) parts[i] = src(v.elements().get(i), null);
            emit(new Pack(true, t.bits() / parts.length, dst(d), parts));
        } else if (a instanceof Operand.Register r && dynamicSpecial(r.name()) >= 0) {
            emit(new TimerRead(dynamicSpecial(r.name()), dst(d)));
        } else if (t == PtxType.PRED && a instanceof Operand.Not) {
            emit(new IntUnary(IntUnary.NOT_PRED, 1, false, dst(d), pred(a), 0));
        } else {
            emit(new IntUnary(IntUnary.MOV, t.bits(), false, dst(d), src(a, t), 0));
        }
    }

    private int[] vectorDests(Operand.Vector v) {
        int[] out = new int[v.elements().size()];
        for (int i = 0; i < out.length; i++) out[i] = dst(v.elements().get(i));
        return out;
    }

    private void intBinary(int code) throws Unsupported {
        PtxType t = op.type();
        if (t.isFloat() || t == PtxType.PRED) throw unsupportedType(t);
        emit(new IntBinary(code, t.bits(), t.isSigned(), dst(0), src(1, t), src(2, t)));
    }

    private void intUnary(int code) throws Unsupported {
        PtxType t = op.type();
        if (t.isFloat()) throw unsupportedType(t);
        emit(new IntUnary(code, t.bits(), t.isSigned(), dst(0), src(1, t), 0));
    }

    private void intTernary(int code, boolean signedB) throws Unsupported {
        PtxType t = op.type();
        if (t.isFloat()) throw unsupportedType(t);
        PtxType shiftType = code == IntTernary.BFE ? PtxType.U32 : t;
        emit(new IntTernary(code, t.bits(), t.isSigned(), signedB, dst(0), src(1, t), src(2, shiftType), src(3, shiftType), 0));
    }

    private void addSub() throws Unsupported {
        PtxType t = op.type();
        boolean sub = op.base.equals("sub");
        if (t.isFloat()) {
            floatOp(sub ? F32Op.SUB : F32Op.ADD, 2);
            return;
        }
        if (op.has("cc")) {
            emit(new CarryArith(sub ? CarryArith.SUB : CarryArith.ADD, t.bits(), t.isSigned(), false, true,
                    dst(0), src(1, t), src(2, t), src(2, t), k.carry()));
            return;
        }
        int code = op.has("sat") ? (sub ? IntBinary.SUB_SAT : IntBinary.ADD_SAT) : (sub ? IntBinary.SUB : IntBinary.ADD);
        emit(new IntBinary(code, t.bits(), t.isSigned(), dst(0), src(1, t), src(2, t)));
    }

    private void mul() throws Unsupported {
        PtxType t = op.type();
        if (t.isFloat()) {
            floatOp(F32Op.MUL, 2);
            return;
        }
        int code = op.has("hi") ? IntBinary.MUL_HI : op.has("wide") ? IntBinary.MUL_WIDE : IntBinary.MUL_LO;
        emit(new IntBinary(code, t.bits(), t.isSigned(), dst(0), src(1, t), src(2, t)));
    }

    private void mad() throws Unsupported {
        PtxType t = op.type();
        if (t.isFloat()) {
            floatOp(F32Op.FMA, 3); // mad.rn.f32/f64 is fma
            return;
        }
        if (op.has("cc")) {
            emit(new CarryArith(op.has("hi") ? CarryArith.MAD_HI : CarryArith.MAD_LO, t.bits(), t.isSigned(), false, true,
                    dst(0), src(1, t), src(2, t), src(3, t), k.carry()));
            return;
        }
        int code;
        PtxType addend = t;
        if (op.has("hi")) code = op.has("sat") ? IntTernary.MAD_HI_SAT : IntTernary.MAD_HI;
        else if (op.has("wide")) {
            code = IntTernary.MAD_WIDE;
            addend = t.bits() == 16 ? PtxType.U32 : PtxType.U64;
        } else code = IntTernary.MAD_LO;
        emit(new IntTernary(code, t.bits(), t.isSigned(), false, dst(0), src(1, t), src(2, t), src(3, addend), 0));
    }

    private void mul24() throws Unsupported {
        PtxType t = op.type();
        emit(new IntBinary(op.has("hi") ? IntBinary.MUL24_HI : IntBinary.MUL24_LO, 32, t.isSigned(), dst(0), src(1, t), src(2, t)));
    }

    private void mad24() throws Unsupported {
        PtxType t = op.type();
        if (op.has("hi")) throw new Unsupported("mad24.hi");
        emit(new IntTernary(IntTernary.MAD24_LO, 32, t.isSigned(), false, dst(0), src(1, t), src(2, t), src(3, t), 0));
    }

    private void carry() throws Unsupported {
        PtxType t = op.type();
        int code = switch (op.base) {
            case "addc" -> CarryArith.ADD;
            case "subc" -> CarryArith.SUB;
            default -> op.has("hi") ? CarryArith.MAD_HI : CarryArith.MAD_LO;
        };
        int c = op.base.equals("madc") ? src(3, t) : src(2, t);
        emit(new CarryArith(code, t.bits(), t.isSigned(), true, op.has("cc"), dst(0), src(1, t), src(2, t), c, k.carry()));
    }

    private void div() throws Unsupported {
        PtxType t = op.type();
        if (t.isFloat()) floatOp(F32Op.DIV, 2);
        else intBinary(IntBinary.DIV);
    }

    private void minMax() throws Unsupported {
        PtxType t = op.type();
        boolean max = op.base.equals("max");
        if (op.has("relu")) throw new Unsupported(".relu");
        if (t.isFloat()) {
            floatOp(op.has("NaN") ? (max ? F32Op.MAX_NAN : F32Op.MIN_NAN) : (max ? F32Op.MAX : F32Op.MIN), 2);
            return;
        }
        intBinary(max ? IntBinary.MAX : IntBinary.MIN);
    }

    private void absNeg() throws Unsupported {
        PtxType t = op.type();
        boolean neg = op.base.equals("neg");
        if (t.isFloat()) floatOp(neg ? F32Op.NEG : F32Op.ABS, 1);
        else intUnary(neg ? IntUnary.NEG : IntUnary.ABS);
    }

    private void logic() throws Unsupported {
        PtxType t = op.type();
        int code = switch (op.base) {
            case "and" -> IntBinary.AND;
            case "or" -> IntBinary.OR;
            default -> IntBinary.XOR;
        };
        if (t == PtxType.PRED && (negated(operand(1)) || negated(operand(2)))) throw new Unsupported("negated operand");
        emit(new IntBinary(code, t == PtxType.PRED ? 64 : t.bits(), false, dst(0), src(1, t), src(2, t)));
    }

    private void not() throws Unsupported {
        PtxType t = op.type();
        if (t == PtxType.PRED) emit(new IntUnary(IntUnary.NOT_PRED, 1, false, dst(0), pred(operand(1)), 0));
        else intUnary(IntUnary.NOT);
    }

    private void bfi() throws Unsupported {
        PtxType t = op.type();
        emit(new BitFieldInsert(t.bits(), dst(0), src(1, t), src(2, t), src(3, PtxType.U32), src(4, PtxType.U32)));
    }

    private void prmt() throws Unsupported {
        if (op.parts.size() != 1) throw new Unsupported("only the default prmt mode is supported");
        emit(new IntTernary(IntTernary.PRMT, 32, false, false, dst(0), src(1, PtxType.B32), src(2, PtxType.B32),
                src(3, PtxType.B32), 0));
    }

    private void shf() throws Unsupported {
        boolean left = op.has("l");
        boolean wrap = op.has("wrap");
        int code = left ? (wrap ? IntTernary.SHF_L_WRAP : IntTernary.SHF_L_CLAMP) : (wrap ? IntTernary.SHF_R_WRAP : IntTernary.SHF_R_CLAMP);
        emit(new IntTernary(code, 32, false, false, dst(0), src(1, PtxType.B32), src(2, PtxType.B32), src(3, PtxType.U32), 0));
    }

    private void lop3() throws Unsupported {
        if (!(operand(4) instanceof Operand.IntLiteral lut)) throw new Unsupported("lop3 with a non-constant table");
        PtxType t = op.type();
        emit(new IntTernary(IntTernary.LOP3, t.bits(), false, false, dst(0), src(1, t), src(2, t), src(3, t), (int) lut.value()));
    }

    private void dp(int code) throws Unsupported {
        List<PtxType> types = op.types();
        if (types.size() != 2) throw new Unsupported("operand types");
        emit(new IntTernary(code, 32, types.get(0).isSigned(), types.get(1).isSigned(), dst(0), src(1, PtxType.B32),
                src(2, PtxType.B32), src(3, PtxType.B32), 0));
    }

    // ---- floating point -----------------------------------------------------------------------------

    /** A float instruction with {@code arity} sources; the F32Op code numbering is shared with F64Op and HalfOp. */
    private void floatOp(int code, int arity) throws Unsupported {
        PtxType t = op.type();
        int a = src(1, t);
        int b = arity >= 2 ? src(2, t) : a;
        int c = arity >= 3 ? src(3, t) : a;
        int d = dst(0);
        boolean approx = op.has("approx") || op.has("full");
        int mode = approx ? Rounding.RN : op.rounding(Rounding.RN);
        if (isHalf(t)) {
            int half = switch (code) {
                case F32Op.ADD -> HalfOp.ADD;
                case F32Op.SUB -> HalfOp.SUB;
                case F32Op.MUL -> HalfOp.MUL;
                case F32Op.FMA -> HalfOp.FMA;
                case F32Op.NEG -> HalfOp.NEG;
                case F32Op.ABS -> HalfOp.ABS;
                case F32Op.MIN -> HalfOp.MIN;
                case F32Op.MAX -> HalfOp.MAX;
                default -> throw unsupportedType(t);
            };
            boolean brain = t == PtxType.BF16 || t == PtxType.BF16X2;
            emit(new HalfOp(half, brain, t == PtxType.F16X2 || t == PtxType.BF16X2, d, a, b, c));
            return;
        }
        if (t == PtxType.F32) {
            emit(new F32Op(code, mode, op.has("ftz"), op.has("sat"), d, a, b, c));
        } else if (t == PtxType.F64) {
            if (code == F32Op.TANH) throw unsupportedType(t);
            emit(new F64Op(code, mode, op.has("sat"), d, a, b, c));
        } else {
            throw unsupportedType(t);
        }
    }

    private void testp() throws Unsupported {
        PtxType t = op.type();
        int property;
        if (op.has("finite")) property = TestProperty.FINITE;
        else if (op.has("infinite")) property = TestProperty.INFINITE;
        else if (op.has("number")) property = TestProperty.NUMBER;
        else if (op.has("notanumber")) property = TestProperty.NOT_A_NUMBER;
        else if (op.has("normal")) property = TestProperty.NORMAL;
        else if (op.has("subnormal")) property = TestProperty.SUBNORMAL;
        else throw new Unsupported("testp property");
        emit(new TestProperty(property, t == PtxType.F64, dst(0), src(1, t)));
    }

    // ---- conversions ----------------------------------------------------------------------------------

    private void cvt() throws Unsupported {
        List<PtxType> types = op.types();
        if (types.size() == 2 && (types.get(0) == PtxType.F16X2 || types.get(0) == PtxType.BF16X2) && types.get(1) == PtxType.F32
                && operands().size() == 3 && op.rounding(-1) == Rounding.RN && !op.has("relu") && !op.has("satfinite")) {
            emit(new PackConvert(types.get(0) == PtxType.BF16X2, dst(0), src(1, PtxType.F32), src(2, PtxType.F32)));
            return;
        }
        if (types.size() != 2 || operands().size() != 2 || op.has("pack") || op.has("relu") || op.has("rna"))
            throw new Unsupported("this form of cvt");
        PtxType to = types.get(0);
        PtxType from = types.get(1);
        int integralMode = -1;
        for (String p : op.parts) if (p.endsWith("i") && Rounding.of(p) >= 0) integralMode = Rounding.of(p);
        int mode = op.rounding(-1);
        boolean fromFloat = from.isFloat();
        boolean toFloat = to.isFloat();
        if (fromFloat && !toFloat && mode < 0) mode = Rounding.RZ; // PTX requires one; be lenient
        boolean integral = fromFloat && toFloat && integralMode >= 0;
        emit(new Convert(convertKind(to), to.bits(), convertKind(from), from.bits(), mode, integral, op.has("sat"),
                op.has("ftz"), dst(0), src(1, from)));
    }

    private static int convertKind(PtxType t) throws Unsupported {
        if (t == PtxType.BF16) return Convert.BF16;
        if (t == PtxType.F16 || t == PtxType.F32 || t == PtxType.F64) return Convert.FLOAT;
        if (t.isFloat() || t == PtxType.PRED || t == PtxType.B128) throw unsupportedType(t);
        return t.isSigned() ? Convert.SIGNED : Convert.UNSIGNED;
    }

    private void cvta() throws Unsupported {
        PtxType t = op.type();
        StateSpace s = op.space();
        boolean to = op.has("to");
        int d = dst(0);
        int a = src(1, t);
        long window = switch (s == null ? StateSpace.GLOBAL : s) {
            case SHARED -> AddressWindows.SHARED;
            case LOCAL -> AddressWindows.LOCAL;
            case PARAM -> k.current == null ? AddressWindows.PARAM : AddressWindows.LOCAL;
            case GLOBAL, CONST -> 0;
            default -> throw new Unsupported("space " + s);
        };
        if (window == 0) emit(new IntUnary(IntUnary.MOV, t.bits(), false, d, a, 0));
        else if (to) emit(new IntUnary(IntUnary.TO_WINDOW, t.bits(), false, d, a, window));
        else if (t.bits() == 32) throw new Unsupported("32-bit generic addresses");
        else emit(new IntUnary(IntUnary.ADD_CONST, 64, false, d, a, window));
    }

    private void isspacep() throws Unsupported {
        StateSpace s = op.space();
        int kind = switch (s) {
            case SHARED -> AddressWindows.KIND_SHARED;
            case LOCAL -> AddressWindows.KIND_LOCAL;
            case PARAM -> AddressWindows.KIND_PARAM;
            case GLOBAL, CONST -> AddressWindows.KIND_GLOBAL;
            case null, default -> throw new Unsupported("space " + s);
        };
        emit(new IntUnary(IntUnary.IS_SPACE, 64, false, dst(0), src(1, PtxType.U64), kind));
    }

    // ---- comparisons and selection ----------------------------------------------------------------------

    private void setp() throws Unsupported {
        boolean set = op.base.equals("set");
        List<PtxType> types = op.types();
        PtxType t = types.get(types.size() - 1);
        int cmp = -1;
        int bool = Compare.BOOL_NONE;
        for (String p : op.parts) {
            if (cmp < 0 && Compare.of(p) >= 0) cmp = Compare.of(p);
            switch (p) {
                case "and" -> bool = Compare.BOOL_AND;
                case "or" -> bool = Compare.BOOL_OR;
                case "xor" -> bool = Compare.BOOL_XOR;
                default -> { }
            }
        }
        if (cmp < 0) throw new Unsupported("comparison");
        int type;
        if (t == PtxType.F32) type = Compare.TYPE_F32;
        else if (t == PtxType.F64) type = Compare.TYPE_F64;
        else if (t == PtxType.F16) type = Compare.TYPE_F16;
        else if (t.isFloat()) throw unsupportedType(t);
        else type = t.isSigned() ? Compare.TYPE_SIGNED : Compare.TYPE_UNSIGNED;
        if (type < Compare.TYPE_F32 && cmp >= Compare.EQU) throw new Unsupported("float comparison on an integer type");
        int p;
        int q = -1;
        if (operand(0) instanceof Operand.Pair pair) {
            p = dst(pair.first());
            q = dst(pair.second());
        } else {
            p = dst(0);
        }
        int c = -1;
        boolean cNegated = false;
        if (bool != Compare.BOOL_NONE) {
            c = pred(operand(3));
            cNegated = negated(operand(3));
        }
        int out = Compare.OUT_PRED;
        if (set) out = types.get(0) == PtxType.F32 ? Compare.OUT_FLOAT : Compare.OUT_INT;
        emit(new Compare(cmp, type, t.bits(), op.has("ftz"), bool, out, p, q, src(1, t), src(2, t), c, cNegated));
    }

    private void selp() throws Unsupported {
        PtxType t = op.type();
        emit(new Select(Select.SELP, false, dst(0), src(1, t), src(2, t), pred(operand(3))));
    }

    private void slct() throws Unsupported {
        List<PtxType> types = op.types();
        PtxType d = types.get(0);
        PtxType c = types.get(1);
        emit(new Select(c == PtxType.F32 ? Select.SLCT_F32 : Select.SLCT_INT, op.has("ftz"), dst(0), src(1, d), src(2, d), src(3, c)));
    }

    // ---- memory -----------------------------------------------------------------------------------------

    private void load() throws Unsupported {
        PtxType t = op.type();
        if (t == PtxType.B128 || t == PtxType.PRED) throw unsupportedType(t);
        int vector = op.vector();
        if (vector > 4) throw new Unsupported(".v8");
        Address a = address(operand(1), op.space());
        int[] dests = operand(0) instanceof Operand.Vector v ? vectorDests(v) : new int[] {dst(0)};
        if (dests.length != vector) throw new IllegalArgumentException("vector of " + dests.length + " for ." + "v" + vector);
        boolean acquire = op.has("volatile") || op.has("acquire");
        emit(new Load(a.space(), t.bytes(), t.isSigned(), dests, a.slot(), a.narrow(), a.offset(), acquire));
    }

    private void store() throws Unsupported {
        PtxType t = op.type();
        if (t == PtxType.B128 || t == PtxType.PRED) throw unsupportedType(t);
        int vector = op.vector();
        if (vector > 4) throw new Unsupported(".v8");
        Address a = address(operand(0), op.space());
        if (a.space() == Warp.PARAM) throw new Unsupported("stores to kernel parameters");
        int[] sources;
        if (operand(1) instanceof Operand.Vector v) {
            sources = new int[v.elements().size()];
            for (int i = 0; i < sources.length; i++) sources[i] = src(v.elements().get(i), t);
        } else {
            sources = new int[] {src(1, t)};
        }
        if (sources.length != vector) throw new IllegalArgumentException("vector of " + sources.length + " for .v" + vector);
        boolean release = op.has("volatile") || op.has("release");
        emit(new Store(a.space(), t.bytes(), sources, a.slot(), a.narrow(), a.offset(), release));
    }

    private void atom() throws Unsupported {
        boolean red = op.base.equals("red");
        PtxType t = op.type();
        if (op.vector() > 1 || isHalf(t) || t.bits() < 32 || t.bits() > 64) throw unsupportedType(t);
        int code = -1;
        for (String p : op.parts) if (code < 0) code = AtomicOp.of(p);
        if (code < 0) throw new Unsupported("atomic operation");
        if (op.has("noftz")) throw new Unsupported(".noftz");
        int kind = t.isFloat() ? AtomicOp.KIND_F : t.isSigned() ? AtomicOp.KIND_S : AtomicOp.KIND_U;
        if (kind == AtomicOp.KIND_F && code != AtomicOp.ADD && code != AtomicOp.EXCH) throw new Unsupported("float " + op);
        int first = red ? 0 : 1;
        Address a = address(operand(first), op.space());
        if (a.space() == Warp.LOCAL && op.space() != StateSpace.LOCAL) throw new Unsupported("atomics on parameters");
        int b = src(first + 1, t);
        int c = code == AtomicOp.CAS ? src(first + 2, t) : b;
        int d = red ? k.sink() : dst(0);
        emit(new AtomicOp(a.space(), code, kind, t.bits(), d, a.slot(), a.narrow(), a.offset(), b, c));
    }

    private void cp() throws Unsupported {
        if (!op.has("async") || op.has("bulk") || op.has("mbarrier")) throw new Unsupported(null);
        if (op.has("commit_group") || op.has("wait_group") || op.has("wait_all")) return; // copies complete at once
        Address to = address(operand(0), StateSpace.SHARED);
        Address from = address(operand(1), StateSpace.GLOBAL);
        if (!(operand(2) instanceof Operand.IntLiteral size)) throw new Unsupported("copy size in a register");
        int srcSize = operands().size() > 3 && !(operand(3) instanceof Operand.Symbol) ? src(3, PtxType.U32) : -1;
        emit(new AsyncCopy(to.slot(), to.narrow(), to.offset(), from.slot(), from.offset(), (int) size.value(), srcSize));
    }

    // ---- control ------------------------------------------------------------------------------------------

    private void bra() throws Unsupported {
        if (!(operand(0) instanceof Operand.Symbol s)) throw new Unsupported("indirect branch");
        k.branch(new Control.Branch(-1), s.name(), ins);
    }

    private void call() throws Unsupported {
        String name = null;
        for (Operand o : operands()) {
            if (o instanceof Operand.Symbol s) {
                name = s.name();
                break;
            }
        }
        KernelDecoder.Frame f = k.frame(name);
        if (f == null) throw new IllegalArgumentException("call of unknown function " + name);
        if (f.builtin >= 0) {
            int[] params = new int[f.paramOffsets.length];
            for (int i = 0; i < params.length; i++) params[i] = (int) f.paramOffsets[i];
            emit(new Builtin(f.builtin, params, f.returnOffsets.length > 0 ? (int) f.returnOffsets[0] : -1));
            return;
        }
        k.call(new Control.Call(f.index, -1), f, ins);
    }

    private void barrier() throws Unsupported {
        if (op.has("warp")) {
            emit(new WarpSync.Barrier(src(0, PtxType.B32)));
            return;
        }
        boolean arrive = op.has("arrive");
        boolean red = op.has("red");
        if (!arrive && !red && !op.has("sync")) throw new Unsupported(null);
        if (red) {
            int reduce = op.has("popc") ? Block.REDUCE_POPC : op.has("and") ? Block.REDUCE_AND : op.has("or") ? Block.REDUCE_OR : -1;
            if (reduce < 0) throw new Unsupported("reduction");
            int n = operands().size();
            int count = n == 4 ? src(2, PtxType.U32) : -1;
            Operand c = operand(n - 1);
            emit(new Control.Barrier(true, reduce, src(1, PtxType.U32), count, pred(c), negated(c), dst(0)));
            return;
        }
        int id = operands().isEmpty() ? k.constant(0) : src(0, PtxType.U32);
        int count = operands().size() > 1 ? src(1, PtxType.U32) : -1;
        emit(new Control.Barrier(!arrive, Block.REDUCE_NONE, id, count, -1, false, -1));
    }

    // ---- warp-level ---------------------------------------------------------------------------------------

    private void shfl() throws Unsupported {
        int mode;
        if (op.has("up")) mode = WarpSync.Shuffle.UP;
        else if (op.has("down")) mode = WarpSync.Shuffle.DOWN;
        else if (op.has("bfly")) mode = WarpSync.Shuffle.BFLY;
        else if (op.has("idx")) mode = WarpSync.Shuffle.IDX;
        else throw new Unsupported("shuffle mode");
        int d;
        int p;
        if (operand(0) instanceof Operand.Pair pair) {
            d = dst(pair.first());
            p = dst(pair.second());
        } else {
            d = dst(0);
            p = k.sink();
        }
        int members = op.has("sync") ? src(4, PtxType.B32) : -1;
        emit(new WarpSync.Shuffle(mode, d, p, src(1, PtxType.B32), src(2, PtxType.B32), src(3, PtxType.B32), members));
    }

    private void vote() throws Unsupported {
        int mode;
        if (op.has("all")) mode = WarpSync.Vote.ALL;
        else if (op.has("any")) mode = WarpSync.Vote.ANY;
        else if (op.has("uni")) mode = WarpSync.Vote.UNI;
        else if (op.has("ballot")) mode = WarpSync.Vote.BALLOT;
        else throw new Unsupported("vote mode");
        int members = op.has("sync") ? src(2, PtxType.B32) : -1;
        emit(new WarpSync.Vote(mode, dst(0), pred(operand(1)), negated(operand(1)), members));
    }

    private void match() throws Unsupported {
        boolean all = op.has("all");
        if (!all && !op.has("any")) throw new Unsupported("match mode");
        PtxType t = op.type();
        int d;
        int p;
        if (operand(0) instanceof Operand.Pair pair) {
            d = dst(pair.first());
            p = dst(pair.second());
        } else {
            d = dst(0);
            p = k.sink();
        }
        emit(new WarpSync.Match(all, t.bits(), d, p, src(1, t), src(2, PtxType.B32)));
    }

    private void redux() throws Unsupported {
        PtxType t = op.type();
        if (t.isFloat() || t.bits() != 32) throw unsupportedType(t);
        int code;
        if (op.has("add")) code = WarpSync.Reduce.ADD;
        else if (op.has("min")) code = WarpSync.Reduce.MIN;
        else if (op.has("max")) code = WarpSync.Reduce.MAX;
        else if (op.has("and")) code = WarpSync.Reduce.AND;
        else if (op.has("or")) code = WarpSync.Reduce.OR;
        else if (op.has("xor")) code = WarpSync.Reduce.XOR;
        else throw new Unsupported("reduction");
        emit(new WarpSync.Reduce(code, t.isSigned(), dst(0), src(1, t), src(2, PtxType.B32)));
    }

    private void elect() throws Unsupported {
        if (!(operand(0) instanceof Operand.Pair pair)) throw new IllegalArgumentException("elect.sync needs d|p");
        emit(new WarpSync.Elect(dst(pair.first()), dst(pair.second()), src(1, PtxType.B32)));
    }
}
