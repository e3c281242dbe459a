package io.orion.backend.host.internal.interp;

import java.util.List;

import io.orion.backend.host.internal.interp.Opcode.Unsupported;
import io.orion.backend.host.internal.ptx.Operand;
import io.orion.backend.host.internal.ptx.PtxType;
import io.orion.backend.host.internal.ptx.StateSpace;

/**
 * Decoding of the arithmetic instructions: moves, integer and bit operations, floating point,
 * conversions, comparisons and selection. Called by {@link InstructionSet} for the current
 * instruction of {@code o}.
 */
final class ArithmeticDecoder {
    private final Operands o;

    ArithmeticDecoder(Operands operands) {
        this.o = operands;
    }

    // ---- moves and integer arithmetic -------------------------------------------------------------

    void mov() throws Unsupported {
        PtxType t = o.op.type();
        Operand d = o.operand(0);
        Operand a = o.operand(1);
        if (d instanceof Operand.Vector v) {
            o.emit(new Pack(false, t.bits() / v.elements().size(), o.src(a, t), vectorDests(v)));
        } else if (a instanceof Operand.Vector v) {
            int[] parts = new int[v.elements().size()];
            for (int i = 0; i < parts.length; i++) parts[i] = o.src(v.elements().get(i), null);
            o.emit(new Pack(true, t.bits() / parts.length, o.dst(d), parts));
        } else if (a instanceof Operand.Register r && Operands.dynamicSpecial(r.name()) >= 0) {
            o.emit(new TimerRead(Operands.dynamicSpecial(r.name()), o.dst(d)));
        } else if (t == PtxType.PRED && a instanceof Operand.Not) {
            o.emit(new IntUnary(IntUnary.NOT_PRED, 1, false, o.dst(d), o.pred(a), 0));
        } else {
            o.emit(new IntUnary(IntUnary.MOV, t.bits(), false, o.dst(d), o.src(a, t), 0));
        }
    }

    int[] vectorDests(Operand.Vector v) {
        int[] out = new int[v.elements().size()];
        for (int i = 0; i < out.length; i++) out[i] = o.dst(v.elements().get(i));
        return out;
    }

    void intBinary(int code) throws Unsupported {
        PtxType t = o.op.type();
        if (t.isFloat() || t == PtxType.PRED) throw Operands.unsupportedType(t);
        o.emit(new IntBinary(code, t.bits(), t.isSigned(), o.dst(0), o.src(1, t), o.src(2, t)));
    }

    void intUnary(int code) throws Unsupported {
        PtxType t = o.op.type();
        if (t.isFloat()) throw Operands.unsupportedType(t);
        o.emit(new IntUnary(code, t.bits(), t.isSigned(), o.dst(0), o.src(1, t), 0));
    }

    void intTernary(int code, boolean signedB) throws Unsupported {
        PtxType t = o.op.type();
        if (t.isFloat()) throw Operands.unsupportedType(t);
        PtxType shiftType = code == IntTernary.BFE ? PtxType.U32 : t;
        o.emit(new IntTernary(code, t.bits(), t.isSigned(), signedB, o.dst(0), o.src(1, t), o.src(2, shiftType), o.src(3, shiftType), 0));
    }

    void addSub() throws Unsupported {
        PtxType t = o.op.type();
        boolean sub = o.op.base.equals("sub");
        if (t.isFloat()) {
            floatOp(sub ? F32Op.SUB : F32Op.ADD, 2);
            return;
        }
        if (o.op.has("cc")) {
            o.emit(new CarryArith(sub ? CarryArith.SUB : CarryArith.ADD, t.bits(), t.isSigned(), false, true,
                    o.dst(0), o.src(1, t), o.src(2, t), o.src(2, t), o.k.carry()));
            return;
        }
        int code = o.op.has("sat") ? (sub ? IntBinary.SUB_SAT : IntBinary.ADD_SAT) : (sub ? IntBinary.SUB : IntBinary.ADD);
        o.emit(new IntBinary(code, t.bits(), t.isSigned(), o.dst(0), o.src(1, t), o.src(2, t)));
    }

    void mul() throws Unsupported {
        PtxType t = o.op.type();
        if (t.isFloat()) {
            floatOp(F32Op.MUL, 2);
            return;
        }
        int code = o.op.has("hi") ? IntBinary.MUL_HI : o.op.has("wide") ? IntBinary.MUL_WIDE : IntBinary.MUL_LO;
        o.emit(new IntBinary(code, t.bits(), t.isSigned(), o.dst(0), o.src(1, t), o.src(2, t)));
    }

    void mad() throws Unsupported {
        PtxType t = o.op.type();
        if (t.isFloat()) {
            floatOp(F32Op.FMA, 3); // mad.rn.f32/f64 is fma
            return;
        }
        if (o.op.has("cc")) {
            o.emit(new CarryArith(o.op.has("hi") ? CarryArith.MAD_HI : CarryArith.MAD_LO, t.bits(), t.isSigned(), false, true,
                    o.dst(0), o.src(1, t), o.src(2, t), o.src(3, t), o.k.carry()));
            return;
        }
        int code;
        PtxType addend = t;
        if (o.op.has("hi")) code = o.op.has("sat") ? IntTernary.MAD_HI_SAT : IntTernary.MAD_HI;
        else if (o.op.has("wide")) {
            code = IntTernary.MAD_WIDE;
            addend = t.bits() == 16 ? PtxType.U32 : PtxType.U64;
        } else code = IntTernary.MAD_LO;
        o.emit(new IntTernary(code, t.bits(), t.isSigned(), false, o.dst(0), o.src(1, t), o.src(2, t), o.src(3, addend), 0));
    }

    void mul24() throws Unsupported {
        PtxType t = o.op.type();
        o.emit(new IntBinary(o.op.has("hi") ? IntBinary.MUL24_HI : IntBinary.MUL24_LO, 32, t.isSigned(), o.dst(0), o.src(1, t), o.src(2, t)));
    }

    void mad24() throws Unsupported {
        PtxType t = o.op.type();
        if (o.op.has("hi")) throw new Unsupported("mad24.hi");
        o.emit(new IntTernary(IntTernary.MAD24_LO, 32, t.isSigned(), false, o.dst(0), o.src(1, t), o.src(2, t), o.src(3, t), 0));
    }

    void carry() throws Unsupported {
        PtxType t = o.op.type();
        int code = switch (o.op.base) {
            case "addc" -> CarryArith.ADD;
            case "subc" -> CarryArith.SUB;
            default -> o.op.has("hi") ? CarryArith.MAD_HI : CarryArith.MAD_LO;
        };
        int c = o.op.base.equals("madc") ? o.src(3, t) : o.src(2, t);
        o.emit(new CarryArith(code, t.bits(), t.isSigned(), true, o.op.has("cc"), o.dst(0), o.src(1, t), o.src(2, t), c, o.k.carry()));
    }

    void div() throws Unsupported {
        PtxType t = o.op.type();
        if (t.isFloat()) floatOp(F32Op.DIV, 2);
        else intBinary(IntBinary.DIV);
    }

    void minMax() throws Unsupported {
        PtxType t = o.op.type();
        boolean max = o.op.base.equals("max");
        if (o.op.has("relu")) throw new Unsupported(".relu");
        if (t.isFloat()) {
            floatOp(o.op.has("NaN") ? (max ? F32Op.MAX_NAN : F32Op.MIN_NAN) : (max ? F32Op.MAX : F32Op.MIN), 2);
            return;
        }
        intBinary(max ? IntBinary.MAX : IntBinary.MIN);
    }

    void absNeg() throws Unsupported {
        PtxType t = o.op.type();
        boolean neg = o.op.base.equals("neg");
        if (t.isFloat()) floatOp(neg ? F32Op.NEG : F32Op.ABS, 1);
        else intUnary(neg ? IntUnary.NEG : IntUnary.ABS);
    }

    void logic() throws Unsupported {
        PtxType t = o.op.type();
        int code = switch (o.op.base) {
            case "and" -> IntBinary.AND;
            case "or" -> IntBinary.OR;
            default -> IntBinary.XOR;
        };
        if (t == PtxType.PRED && (Operands.negated(o.operand(1)) || Operands.negated(o.operand(2)))) throw new Unsupported("negated operand");
        o.emit(new IntBinary(code, t == PtxType.PRED ? 64 : t.bits(), false, o.dst(0), o.src(1, t), o.src(2, t)));
    }

    void not() throws Unsupported {
        PtxType t = o.op.type();
        if (t == PtxType.PRED) o.emit(new IntUnary(IntUnary.NOT_PRED, 1, false, o.dst(0), o.pred(o.operand(1)), 0));
        else intUnary(IntUnary.NOT);
    }

    void bfi() throws Unsupported {
        PtxType t = o.op.type();
        o.emit(new BitFieldInsert(t.bits(), o.dst(0), o.src(1, t), o.src(2, t), o.src(3, PtxType.U32), o.src(4, PtxType.U32)));
    }

    void prmt() throws Unsupported {
        if (o.op.parts.size() != 1) throw new Unsupported("only the default prmt mode is supported");
        o.emit(new IntTernary(IntTernary.PRMT, 32, false, false, o.dst(0), o.src(1, PtxType.B32), o.src(2, PtxType.B32),
                o.src(3, PtxType.B32), 0));
    }

    void shf() throws Unsupported {
        boolean left = o.op.has("l");
        boolean wrap = o.op.has("wrap");
        int code = left ? (wrap ? IntTernary.SHF_L_WRAP : IntTernary.SHF_L_CLAMP) : (wrap ? IntTernary.SHF_R_WRAP : IntTernary.SHF_R_CLAMP);
        o.emit(new IntTernary(code, 32, false, false, o.dst(0), o.src(1, PtxType.B32), o.src(2, PtxType.B32), o.src(3, PtxType.U32), 0));
    }

    void lop3() throws Unsupported {
        if (!(o.operand(4) instanceof Operand.IntLiteral lut)) throw new Unsupported("lop3 with a non-constant table");
        PtxType t = o.op.type();
        o.emit(new IntTernary(IntTernary.LOP3, t.bits(), false, false, o.dst(0), o.src(1, t), o.src(2, t), o.src(3, t), (int) lut.value()));
    }

    void dp(int code) throws Unsupported {
        List<PtxType> types = o.op.types();
        if (types.size() != 2) throw new Unsupported("operand types");
        o.emit(new IntTernary(code, 32, types.get(0).isSigned(), types.get(1).isSigned(), o.dst(0), o.src(1, PtxType.B32),
                o.src(2, PtxType.B32), o.src(3, PtxType.B32), 0));
    }

    // ---- floating point -----------------------------------------------------------------------------

    /** A float instruction with {@code arity} sources; the F32Op code numbering is shared with F64Op and HalfOp. */
    void floatOp(int code, int arity) throws Unsupported {
        PtxType t = o.op.type();
        int a = o.src(1, t);
        int b = arity >= 2 ? o.src(2, t) : a;
        int c = arity >= 3 ? o.src(3, t) : a;
        int d = o.dst(0);
        boolean approx = o.op.has("approx") || o.op.has("full");
        int mode = approx ? Rounding.RN : o.op.rounding(Rounding.RN);
        if (Operands.isHalf(t)) {
            int half = switch (code) {
                case F32Op.ADD -> HalfOp.ADD;
                case F32Op.SUB -> HalfOp.SUB;
                case F32Op.MUL -> HalfOp.MUL;
                case F32Op.FMA -> HalfOp.FMA;
                case F32Op.NEG -> HalfOp.NEG;
                case F32Op.ABS -> HalfOp.ABS;
                case F32Op.MIN -> HalfOp.MIN;
                case F32Op.MAX -> HalfOp.MAX;
                default -> throw Operands.unsupportedType(t);
            };
            boolean brain = t == PtxType.BF16 || t == PtxType.BF16X2;
            o.emit(new HalfOp(half, brain, t == PtxType.F16X2 || t == PtxType.BF16X2, d, a, b, c));
            return;
        }
        if (t == PtxType.F32) {
            o.emit(new F32Op(code, mode, o.op.has("ftz"), o.op.has("sat"), d, a, b, c));
        } else if (t == PtxType.F64) {
            if (code == F32Op.TANH) throw Operands.unsupportedType(t);
            o.emit(new F64Op(code, mode, o.op.has("sat"), d, a, b, c));
        } else {
            throw Operands.unsupportedType(t);
        }
    }

    void testp() throws Unsupported {
        PtxType t = o.op.type();
        int property;
        if (o.op.has("finite")) property = TestProperty.FINITE;
        else if (o.op.has("infinite")) property = TestProperty.INFINITE;
        else if (o.op.has("number")) property = TestProperty.NUMBER;
        else if (o.op.has("notanumber")) property = TestProperty.NOT_A_NUMBER;
        else if (o.op.has("normal")) property = TestProperty.NORMAL;
        else if (o.op.has("subnormal")) property = TestProperty.SUBNORMAL;
        else throw new Unsupported("testp property");
        o.emit(new TestProperty(property, t == PtxType.F64, o.dst(0), o.src(1, t)));
    }

    // ---- conversions ----------------------------------------------------------------------------------

    void cvt() throws Unsupported {
        List<PtxType> types = o.op.types();
        if (types.size() == 2 && (types.get(0) == PtxType.F16X2 || types.get(0) == PtxType.BF16X2) && types.get(1) == PtxType.F32
                && o.operands().size() == 3 && o.op.rounding(-1) == Rounding.RN && !o.op.has("relu") && !o.op.has("satfinite")) {
            o.emit(new PackConvert(types.get(0) == PtxType.BF16X2, o.dst(0), o.src(1, PtxType.F32), o.src(2, PtxType.F32)));
            return;
        }
        if (types.size() != 2 || o.operands().size() != 2 || o.op.has("pack") || o.op.has("relu") || o.op.has("rna"))
            throw new Unsupported("this form of cvt");
        PtxType to = types.get(0);
        PtxType from = types.get(1);
        int integralMode = -1;
        for (String p : o.op.parts) if (p.endsWith("i") && Rounding.of(p) >= 0) integralMode = Rounding.of(p);
        int mode = o.op.rounding(-1);
        boolean fromFloat = from.isFloat();
        boolean toFloat = to.isFloat();
        if (fromFloat && !toFloat && mode < 0) mode = Rounding.RZ; // PTX requires one; be lenient
        boolean integral = fromFloat && toFloat && integralMode >= 0;
        o.emit(new Convert(convertKind(to), to.bits(), convertKind(from), from.bits(), mode, integral, o.op.has("sat"),
                o.op.has("ftz"), o.dst(0), o.src(1, from)));
    }

    static int convertKind(PtxType t) throws Unsupported {
        if (t == PtxType.BF16) return Convert.BF16;
        if (t == PtxType.F16 || t == PtxType.F32 || t == PtxType.F64) return Convert.FLOAT;
        if (t.isFloat() || t == PtxType.PRED || t == PtxType.B128) throw Operands.unsupportedType(t);
        return t.isSigned() ? Convert.SIGNED : Convert.UNSIGNED;
    }

    void cvta() throws Unsupported {
        PtxType t = o.op.type();
        StateSpace s = o.op.space();
        boolean to = o.op.has("to");
        int d = o.dst(0);
        int a = o.src(1, t);
        long window = switch (s == null ? StateSpace.GLOBAL : s) {
            case SHARED -> AddressWindows.SHARED;
            case LOCAL -> AddressWindows.LOCAL;
            case PARAM -> o.k.current == null ? AddressWindows.PARAM : AddressWindows.LOCAL;
            case GLOBAL, CONST -> 0;
            default -> throw new Unsupported("space " + s);
        };
        if (window == 0) o.emit(new IntUnary(IntUnary.MOV, t.bits(), false, d, a, 0));
        else if (to) o.emit(new IntUnary(IntUnary.TO_WINDOW, t.bits(), false, d, a, window));
        else if (t.bits() == 32) throw new Unsupported("32-bit generic addresses");
        else o.emit(new IntUnary(IntUnary.ADD_CONST, 64, false, d, a, window));
    }

    void isspacep() throws Unsupported {
        StateSpace s = o.op.space();
        int kind = switch (s) {
            case SHARED -> AddressWindows.KIND_SHARED;
            case LOCAL -> AddressWindows.KIND_LOCAL;
            case PARAM -> AddressWindows.KIND_PARAM;
            case GLOBAL, CONST -> AddressWindows.KIND_GLOBAL;
            case null, default -> throw new Unsupported("space " + s);
        };
        o.emit(new IntUnary(IntUnary.IS_SPACE, 64, false, o.dst(0), o.src(1, PtxType.U64), kind));
    }

    // ---- comparisons and selection ----------------------------------------------------------------------

    void setp() throws Unsupported {
        boolean set = o.op.base.equals("set");
        List<PtxType> types = o.op.types();
        PtxType t = types.get(types.size() - 1);
        int cmp = -1;
        int bool = Compare.BOOL_NONE;
        for (String p : o.op.parts) {
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
        else if (t.isFloat()) throw Operands.unsupportedType(t);
        else type = t.isSigned() ? Compare.TYPE_SIGNED : Compare.TYPE_UNSIGNED;
        if (type < Compare.TYPE_F32 && cmp >= Compare.EQU) throw new Unsupported("float comparison on an integer type");
        int p;
        int q = -1;
        if (o.operand(0) instanceof Operand.Pair pair) {
            p = o.dst(pair.first());
            q = o.dst(pair.second());
        } else {
            p = o.dst(0);
        }
        int c = -1;
        boolean cNegated = false;
        if (bool != Compare.BOOL_NONE) {
            c = o.pred(o.operand(3));
            cNegated = Operands.negated(o.operand(3));
        }
        int out = Compare.OUT_PRED;
        if (set) out = types.get(0) == PtxType.F32 ? Compare.OUT_FLOAT : Compare.OUT_INT;
        o.emit(new Compare(cmp, type, t.bits(), o.op.has("ftz"), bool, out, p, q, o.src(1, t), o.src(2, t), c, cNegated));
    }

    void selp() throws Unsupported {
        PtxType t = o.op.type();
        o.emit(new Select(Select.SELP, false, o.dst(0), o.src(1, t), o.src(2, t), o.pred(o.operand(3))));
    }

    void slct() throws Unsupported {
        List<PtxType> types = o.op.types();
        PtxType d = types.get(0);
        PtxType c = types.get(1);
        o.emit(new Select(c == PtxType.F32 ? Select.SLCT_F32 : Select.SLCT_INT, o.op.has("ftz"), o.dst(0), o.src(1, d), o.src(2, d), o.src(3, c)));
    }
}
