package io.orion.backend.host.internal.interp;

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
    private final Operands o;
    private final ArithmeticDecoder arith;

    InstructionSet(KernelDecoder decoder) {
        this.o = new Operands(decoder);
        this.arith = new ArithmeticDecoder(o);
    }

    void decode(Statement.Instruction instruction) throws Unsupported {
        o.next(instruction);
        Opcode op = o.op;
        Modifiers.check(op);
        switch (op.base) {
            case "mov" -> arith.mov();
            case "add", "sub" -> arith.addSub();
            case "mul" -> arith.mul();
            case "mad" -> arith.mad();
            case "fma" -> arith.floatOp(F32Op.FMA, 3);
            case "div" -> arith.div();
            case "rem" -> arith.intBinary(IntBinary.REM);
            case "min", "max" -> arith.minMax();
            case "abs", "neg" -> arith.absNeg();
            case "and", "or", "xor" -> arith.logic();
            case "not" -> arith.not();
            case "cnot" -> arith.intUnary(IntUnary.CNOT);
            case "shl" -> arith.intBinary(IntBinary.SHL);
            case "shr" -> arith.intBinary(IntBinary.SHR);
            case "popc" -> arith.intUnary(IntUnary.POPC);
            case "clz" -> arith.intUnary(IntUnary.CLZ);
            case "brev" -> arith.intUnary(IntUnary.BREV);
            case "bfind" -> arith.intUnary(op.has("shiftamt") ? IntUnary.BFIND_SHIFT : IntUnary.BFIND);
            case "bfe" -> arith.intTernary(IntTernary.BFE, false);
            case "bfi" -> arith.bfi();
            case "prmt" -> arith.prmt();
            case "shf" -> arith.shf();
            case "sad" -> arith.intTernary(IntTernary.SAD, false);
            case "lop3" -> arith.lop3();
            case "dp4a" -> arith.dp(IntTernary.DP4A);
            case "dp2a" -> arith.dp(op.has("hi") ? IntTernary.DP2A_HI : IntTernary.DP2A_LO);
            case "mul24" -> arith.mul24();
            case "mad24" -> arith.mad24();
            case "addc", "subc", "madc" -> arith.carry();
            case "copysign" -> arith.floatOp(F32Op.COPYSIGN, 2);
            case "rcp" -> arith.floatOp(F32Op.RCP, 1);
            case "sqrt" -> arith.floatOp(F32Op.SQRT, 1);
            case "rsqrt" -> arith.floatOp(F32Op.RSQRT, 1);
            case "sin" -> arith.floatOp(F32Op.SIN, 1);
            case "cos" -> arith.floatOp(F32Op.COS, 1);
            case "lg2" -> arith.floatOp(F32Op.LG2, 1);
            case "ex2" -> arith.floatOp(F32Op.EX2, 1);
            case "tanh" -> arith.floatOp(F32Op.TANH, 1);
            case "testp" -> arith.testp();
            case "cvt" -> arith.cvt();
            case "cvta" -> arith.cvta();
            case "isspacep" -> arith.isspacep();
            case "setp", "set" -> arith.setp();
            case "selp" -> arith.selp();
            case "slct" -> arith.slct();
            case "ld", "ldu" -> load();
            case "st" -> store();
            case "atom", "red" -> atom();
            case "cp" -> cp();
            case "prefetch", "prefetchu", "discard", "applypriority", "nanosleep", "pmevent", "brkpt" -> { }
            case "createpolicy" -> o.emit(new IntUnary(IntUnary.MOV, 64, false, o.dst(0), o.k.constant(0), 0));
            case "bra" -> bra();
            case "call" -> call();
            case "ret" -> o.emit(o.k.current == null ? new Control.Exit() : new Control.Return(o.k.current.index));
            case "exit" -> o.emit(new Control.Exit());
            case "trap" -> o.emit(new Control.Trap());
            case "bar", "barrier" -> barrier();
            case "membar", "fence" -> o.emit(new Fence());
            case "shfl" -> shfl();
            case "vote" -> vote();
            case "activemask" -> o.emit(new ActiveMask(o.dst(0)));
            case "match" -> match();
            case "redux" -> redux();
            case "elect" -> elect();
            default -> throw new Unsupported(null);
        }
    }

    // ---- memory -----------------------------------------------------------------------------------------

    private void load() throws Unsupported {
        PtxType t = o.op.type();
        if (t == PtxType.B128 || t == PtxType.PRED) throw Operands.unsupportedType(t);
        int vector = o.op.vector();
        if (vector > 4) throw new Unsupported(".v8");
        Operands.Address a = o.address(o.operand(1), o.op.space());
        int[] dests = o.operand(0) instanceof Operand.Vector v ? arith.vectorDests(v) : new int[] {o.dst(0)};
        if (dests.length != vector) throw new IllegalArgumentException("vector of " + dests.length + " for ." + "v" + vector);
        boolean acquire = o.op.has("volatile") || o.op.has("acquire");
        o.emit(new Load(a.space(), t.bytes(), t.isSigned(), dests, a.slot(), a.narrow(), a.offset(), acquire));
    }

    private void store() throws Unsupported {
        PtxType t = o.op.type();
        if (t == PtxType.B128 || t == PtxType.PRED) throw Operands.unsupportedType(t);
        int vector = o.op.vector();
        if (vector > 4) throw new Unsupported(".v8");
        Operands.Address a = o.address(o.operand(0), o.op.space());
        if (a.space() == Warp.PARAM) throw new Unsupported("stores to kernel parameters");
        int[] sources;
        if (o.operand(1) instanceof Operand.Vector v) {
            sources = new int[v.elements().size()];
            for (int i = 0; i < sources.length; i++) sources[i] = o.src(v.elements().get(i), t);
        } else {
            sources = new int[] {o.src(1, t)};
        }
        if (sources.length != vector) throw new IllegalArgumentException("vector of " + sources.length + " for .v" + vector);
        boolean release = o.op.has("volatile") || o.op.has("release");
        o.emit(new Store(a.space(), t.bytes(), sources, a.slot(), a.narrow(), a.offset(), release));
    }

    private void atom() throws Unsupported {
        boolean red = o.op.base.equals("red");
        PtxType t = o.op.type();
        if (o.op.vector() > 1 || Operands.isHalf(t) || t.bits() < 32 || t.bits() > 64) throw Operands.unsupportedType(t);
        int code = -1;
        for (String p : o.op.parts) if (code < 0) code = AtomicOp.of(p);
        if (code < 0) throw new Unsupported("atomic operation");
        if (o.op.has("noftz")) throw new Unsupported(".noftz");
        int kind = t.isFloat() ? AtomicOp.KIND_F : t.isSigned() ? AtomicOp.KIND_S : AtomicOp.KIND_U;
        if (kind == AtomicOp.KIND_F && code != AtomicOp.ADD && code != AtomicOp.EXCH) throw new Unsupported("float " + o.op);
        int first = red ? 0 : 1;
        Operands.Address a = o.address(o.operand(first), o.op.space());
        if (a.space() == Warp.LOCAL && o.op.space() != StateSpace.LOCAL) throw new Unsupported("atomics on parameters");
        int b = o.src(first + 1, t);
        int c = code == AtomicOp.CAS ? o.src(first + 2, t) : b;
        int d = red ? o.k.sink() : o.dst(0);
        o.emit(new AtomicOp(a.space(), code, kind, t.bits(), d, a.slot(), a.narrow(), a.offset(), b, c));
    }

    private void cp() throws Unsupported {
        if (!o.op.has("async") || o.op.has("bulk") || o.op.has("mbarrier")) throw new Unsupported(null);
        if (o.op.has("commit_group") || o.op.has("wait_group") || o.op.has("wait_all")) return; // copies complete at once
        Operands.Address to = o.address(o.operand(0), StateSpace.SHARED);
        Operands.Address from = o.address(o.operand(1), StateSpace.GLOBAL);
        if (!(o.operand(2) instanceof Operand.IntLiteral size)) throw new Unsupported("copy size in a register");
        int srcSize = o.operands().size() > 3 && !(o.operand(3) instanceof Operand.Symbol) ? o.src(3, PtxType.U32) : -1;
        o.emit(new AsyncCopy(to.slot(), to.narrow(), to.offset(), from.slot(), from.offset(), (int) size.value(), srcSize));
    }

    // ---- control ------------------------------------------------------------------------------------------

    private void bra() throws Unsupported {
        if (!(o.operand(0) instanceof Operand.Symbol s)) throw new Unsupported("indirect branch");
        o.k.branch(new Control.Branch(-1), s.name(), o.ins);
    }

    private void call() throws Unsupported {
        String name = null;
        for (Operand each : o.operands()) {
            if (each instanceof Operand.Symbol s) {
                name = s.name();
                break;
            }
        }
        KernelDecoder.Frame f = o.k.frame(name);
        if (f == null) throw new IllegalArgumentException("call of unknown function " + name);
        if (f.builtin >= 0) {
            int[] params = new int[f.paramOffsets.length];
            for (int i = 0; i < params.length; i++) params[i] = (int) f.paramOffsets[i];
            o.emit(new Builtin(f.builtin, params, f.returnOffsets.length > 0 ? (int) f.returnOffsets[0] : -1));
            return;
        }
        o.k.call(new Control.Call(f.index, -1), f, o.ins);
    }

    private void barrier() throws Unsupported {
        if (o.op.has("warp")) {
            o.emit(new WarpSync.Barrier(o.src(0, PtxType.B32)));
            return;
        }
        boolean arrive = o.op.has("arrive");
        boolean red = o.op.has("red");
        if (!arrive && !red && !o.op.has("sync")) throw new Unsupported(null);
        if (red) {
            int reduce = o.op.has("popc") ? Block.REDUCE_POPC : o.op.has("and") ? Block.REDUCE_AND : o.op.has("or") ? Block.REDUCE_OR : -1;
            if (reduce < 0) throw new Unsupported("reduction");
            int n = o.operands().size();
            int count = n == 4 ? o.src(2, PtxType.U32) : -1;
            Operand c = o.operand(n - 1);
            o.emit(new Control.Barrier(true, reduce, o.src(1, PtxType.U32), count, o.pred(c), Operands.negated(c), o.dst(0)));
            return;
        }
        int id = o.operands().isEmpty() ? o.k.constant(0) : o.src(0, PtxType.U32);
        int count = o.operands().size() > 1 ? o.src(1, PtxType.U32) : -1;
        o.emit(new Control.Barrier(!arrive, Block.REDUCE_NONE, id, count, -1, false, -1));
    }

    // ---- warp-level ---------------------------------------------------------------------------------------

    private void shfl() throws Unsupported {
        int mode;
        if (o.op.has("up")) mode = WarpSync.Shuffle.UP;
        else if (o.op.has("down")) mode = WarpSync.Shuffle.DOWN;
        else if (o.op.has("bfly")) mode = WarpSync.Shuffle.BFLY;
        else if (o.op.has("idx")) mode = WarpSync.Shuffle.IDX;
        else throw new Unsupported("shuffle mode");
        int d;
        int p;
        if (o.operand(0) instanceof Operand.Pair pair) {
            d = o.dst(pair.first());
            p = o.dst(pair.second());
        } else {
            d = o.dst(0);
            p = o.k.sink();
        }
        int members = o.op.has("sync") ? o.src(4, PtxType.B32) : -1;
        o.emit(new WarpSync.Shuffle(mode, d, p, o.src(1, PtxType.B32), o.src(2, PtxType.B32), o.src(3, PtxType.B32), members));
    }

    private void vote() throws Unsupported {
        int mode;
        if (o.op.has("all")) mode = WarpSync.Vote.ALL;
        else if (o.op.has("any")) mode = WarpSync.Vote.ANY;
        else if (o.op.has("uni")) mode = WarpSync.Vote.UNI;
        else if (o.op.has("ballot")) mode = WarpSync.Vote.BALLOT;
        else throw new Unsupported("vote mode");
        int members = o.op.has("sync") ? o.src(2, PtxType.B32) : -1;
        o.emit(new WarpSync.Vote(mode, o.dst(0), o.pred(o.operand(1)), Operands.negated(o.operand(1)), members));
    }

    private void match() throws Unsupported {
        boolean all = o.op.has("all");
        if (!all && !o.op.has("any")) throw new Unsupported("match mode");
        PtxType t = o.op.type();
        int d;
        int p;
        if (o.operand(0) instanceof Operand.Pair pair) {
            d = o.dst(pair.first());
            p = o.dst(pair.second());
        } else {
            d = o.dst(0);
            p = o.k.sink();
        }
        o.emit(new WarpSync.Match(all, t.bits(), d, p, o.src(1, t), o.src(2, PtxType.B32)));
    }

    private void redux() throws Unsupported {
        PtxType t = o.op.type();
        if (t.isFloat() || t.bits() != 32) throw Operands.unsupportedType(t);
        int code;
        if (o.op.has("add")) code = WarpSync.Reduce.ADD;
        else if (o.op.has("min")) code = WarpSync.Reduce.MIN;
        else if (o.op.has("max")) code = WarpSync.Reduce.MAX;
        else if (o.op.has("and")) code = WarpSync.Reduce.AND;
        else if (o.op.has("or")) code = WarpSync.Reduce.OR;
        else if (o.op.has("xor")) code = WarpSync.Reduce.XOR;
        else throw new Unsupported("reduction");
        o.emit(new WarpSync.Reduce(code, t.isSigned(), o.dst(0), o.src(1, t), o.src(2, PtxType.B32)));
    }

    private void elect() throws Unsupported {
        if (!(o.operand(0) instanceof Operand.Pair pair)) throw new IllegalArgumentException("elect.sync needs d|p");
        o.emit(new WarpSync.Elect(o.dst(pair.first()), o.dst(pair.second()), o.src(1, PtxType.B32)));
    }
}
