package io.orion.backend.host.internal.interp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.KernelParam;
import io.orion.backend.host.internal.ptx.Function;
import io.orion.backend.host.internal.ptx.Module;
import io.orion.backend.host.internal.ptx.Operand;
import io.orion.backend.host.internal.ptx.PtxType;
import io.orion.backend.host.internal.ptx.Statement;
import io.orion.backend.host.internal.ptx.StateSpace;
import io.orion.backend.host.internal.ptx.Variable;

/**
 * Turns one kernel of a parsed module into a {@link Program}: lays out its parameters, shared and
 * local memory and the frames of the device functions it calls (appended after the kernel's code;
 * no recursion, so every frame has a fixed place), resolves every name to a register slot or an
 * address, and decodes each instruction through {@link InstructionSet}. Anything it cannot run is
 * reported here, before the kernel ever starts.
 */
public final class KernelDecoder {
    private final Module module;
    private final Function kernel;
    private final Map<String, Long> globals;

    final List<Insn> code = new ArrayList<>();
    private int slots;
    private int declaredRegisters;
    private final Map<Long, Integer> constants = new LinkedHashMap<>();
    private final Map<Special, Integer> specials = new EnumMap<>(Special.class);
    private int sinkSlot = -1;
    private int carrySlot = -1;

    private final Map<Variable, Integer> sharedOffsets = new IdentityHashMap<>();
    private final Map<String, Integer> moduleShared = new HashMap<>();
    private int staticShared;
    private int dynamicSharedOffset;
    private int localEnd;

    private final Map<String, Frame> frames = new LinkedHashMap<>();
    private final List<KernelParam> kernelParams = new ArrayList<>();
    private final Map<String, Integer> kernelParamOffsets = new HashMap<>();
    private long paramBytes;

    /** The function being emitted; null while emitting the kernel. */
    Frame current;
    private final Deque<Map<String, Binding>> scopes = new ArrayDeque<>();
    private Map<String, Integer> labels;
    private List<BranchFix> branchFixes;
    private final List<Control.Call> calls = new ArrayList<>();
    private final List<Frame> callTargets = new ArrayList<>();

    /** What a name means inside a function body. */
    sealed interface Binding {
        record Reg(int slot, PtxType type) implements Binding {}
        /** Local memory: {@code .local} variables, device-function parameters, call-site parameters. */
        record Local(long offset) implements Binding {}
        record KernelParameter(long offset) implements Binding {}
        record Shared(long offset) implements Binding {}
        /** Module {@code .global}/{@code .const} variables: a device address. */
        record Global(long address) implements Binding {}
    }

    /** A device function (or runtime builtin) the kernel calls, with its parameter frame in local memory. */
    static final class Frame {
        final Function function;
        final int index;
        final int builtin;
        final long[] paramOffsets;
        final long[] returnOffsets;
        int entry = -1;

        Frame(Function function, int index, int builtin, long[] paramOffsets, long[] returnOffsets) {
            this.function = function;
            this.index = index;
            this.builtin = builtin;
            this.paramOffsets = paramOffsets;
            this.returnOffsets = returnOffsets;
        }
    }

    private record BranchFix(Control.Branch branch, String label, int line) {}

    private KernelDecoder(Module module, Function kernel, Map<String, Long> globals) {
        this.module = module;
        this.kernel = kernel;
        this.globals = globals;
    }

    /**
     * Decodes kernel {@code name}.
     *
     * @param globals device addresses of the module's {@code .global} and {@code .const} variables
     */
    public static Program decode(Module module, String name, Map<String, Long> globals) throws DecodeException {
        Function kernel = module.function(name);
        if (kernel == null || !kernel.entry() || kernel.isPrototype())
            throw new DecodeException(CudaError.NOT_FOUND, "no kernel named '" + name + "' in the module");
        return new KernelDecoder(module, kernel, globals).run();
    }

    private Program run() throws DecodeException {
        layoutKernelParams();
        collectFrames(kernel, new LinkedHashSet<>());
        layoutShared();
        layoutFrames();

        emitBody(kernel, null);
        for (Frame f : frames.values()) {
            if (f.builtin >= 0) continue;
            f.entry = code.size();
            emitBody(f.function, f);
        }
        for (int i = 0; i < calls.size(); i++) calls.get(i).entry = callTargets.get(i).entry;

        int[] constSlots = new int[constants.size()];
        long[] constValues = new long[constants.size()];
        int i = 0;
        for (Map.Entry<Long, Integer> e : constants.entrySet()) {
            constValues[i] = e.getKey();
            constSlots[i++] = e.getValue();
        }
        int[] specialSlots = new int[specials.size()];
        Special[] specialKinds = new Special[specials.size()];
        i = 0;
        for (Map.Entry<Special, Integer> e : specials.entrySet()) {
            specialKinds[i] = e.getKey();
            specialSlots[i++] = e.getValue();
        }
        int local = (int) align(localEnd, 16);
        return new Program(kernel.name(), code.toArray(new Insn[0]), slots, constSlots, constValues, specialSlots,
                specialKinds, staticShared, dynamicSharedOffset, local, frames.size(), kernelParams, paramBytes,
                kernel.reqntid(), kernel.maxntid(), declaredRegisters);
    }

    // ---- layout -------------------------------------------------------------------------------

    private void layoutKernelParams() {
        long offset = 0;
        List<Variable> params = kernel.params();
        for (int i = 0; i < params.size(); i++) {
            Variable p = params.get(i);
            offset = align(offset, p.align());
            kernelParams.add(new KernelParam(i, offset, p.size()));
            kernelParamOffsets.put(p.name(), (int) offset);
            offset += p.size();
        }
        paramBytes = offset;
    }

    /** Finds the device functions reachable from {@code f}; recursion is refused. */
    private void collectFrames(Function f, Set<String> path) throws DecodeException {
        path.add(f.name());
        for (Statement s : f.body()) {
            if (!(s instanceof Statement.Instruction ins) || !ins.opcode().startsWith("call")) continue;
            String callee = calleeName(ins);
            if (path.contains(callee))
                throw new DecodeException(CudaError.NOT_SUPPORTED, "kernel '" + kernel.name() + "': device function '"
                        + callee + "' is called recursively (line " + ins.line() + "); the interpreter has no call stack for recursion");
            if (frames.containsKey(callee)) continue;
            Function target = module.function(callee);
            if (target == null)
                throw new DecodeException(CudaError.INVALID_PTX, "kernel '" + kernel.name() + "' calls '" + callee
                        + "' (line " + ins.line() + "), which the module does not declare");
            int builtin = target.isPrototype() ? Builtin.of(callee) : -1;
            if (target.isPrototype() && builtin < 0)
                throw new DecodeException(CudaError.NOT_SUPPORTED, "kernel '" + kernel.name() + "' calls the external device function '"
                        + callee + "' (line " + ins.line() + "); the host backend does not link separately compiled device code"
                        + " (only vprintf and __assertfail are provided)");
            frames.put(callee, new Frame(target, frames.size(), builtin, new long[target.params().size()],
                    new long[target.returns().size()]));
            if (builtin < 0) collectFrames(target, path);
        }
        path.remove(f.name());
    }

    private String calleeName(Statement.Instruction ins) throws DecodeException {
        for (Operand o : ins.operands()) {
            if (o instanceof Operand.Symbol s) return s.name();
            if (o instanceof Operand.Register)
                throw new DecodeException(CudaError.NOT_SUPPORTED, "kernel '" + kernel.name() + "': indirect call through a register (line "
                        + ins.line() + ") is not supported");
        }
        throw new DecodeException(CudaError.INVALID_PTX, "kernel '" + kernel.name() + "': call without a target (line " + ins.line() + ")");
    }

    private void layoutShared() {
        long offset = 0;
        int dynamicAlign = 16;
        List<Variable> dynamic = new ArrayList<>();
        List<Variable> all = new ArrayList<>();
        for (Variable v : module.variables()) if (v.space() == StateSpace.SHARED) all.add(v);
        List<Function> bodies = new ArrayList<>();
        bodies.add(kernel);
        for (Frame f : frames.values()) if (f.builtin < 0) bodies.add(f.function);
        for (Function f : bodies) {
            for (Statement s : f.body()) {
                if (s instanceof Statement.Declaration d && d.variable().space() == StateSpace.SHARED) all.add(d.variable());
            }
        }
        for (Variable v : all) {
            if (v.count() < 0 || (v.extern() && v.size() == 0)) {
                dynamic.add(v);
                dynamicAlign = Math.max(dynamicAlign, v.align());
                continue;
            }
            offset = align(offset, v.align());
            sharedOffsets.put(v, (int) offset);
            offset += v.size();
        }
        staticShared = (int) offset;
        dynamicSharedOffset = (int) align(offset, dynamicAlign);
        for (Variable v : dynamic) sharedOffsets.put(v, dynamicSharedOffset);
        for (Variable v : module.variables()) if (v.space() == StateSpace.SHARED) moduleShared.put(v.name(), sharedOffsets.get(v));
    }

    private void layoutFrames() {
        for (Frame f : frames.values()) {
            for (int i = 0; i < f.paramOffsets.length; i++) f.paramOffsets[i] = allocateLocal(f.function.params().get(i));
            for (int i = 0; i < f.returnOffsets.length; i++) f.returnOffsets[i] = allocateLocal(f.function.returns().get(i));
        }
    }

    private long allocateLocal(Variable v) {
        long at = align(localEnd, Math.max(1, v.align()));
        localEnd = (int) (at + Math.max(v.size(), 1));
        return at;
    }

    private static long align(long v, long a) {
        return a <= 1 ? v : (v + a - 1) / a * a;
    }

    // ---- emission ------------------------------------------------------------------------------

    private void emitBody(Function f, Frame frame) throws DecodeException {
        current = frame;
        scopes.clear();
        Map<String, Binding> top = new HashMap<>();
        if (frame != null) {
            for (int i = 0; i < frame.paramOffsets.length; i++)
                top.put(f.params().get(i).name(), new Binding.Local(frame.paramOffsets[i]));
            for (int i = 0; i < frame.returnOffsets.length; i++)
                top.put(f.returns().get(i).name(), new Binding.Local(frame.returnOffsets[i]));
        }
        scopes.push(top);
        labels = new HashMap<>();
        branchFixes = new ArrayList<>();
        List<Statement> body = f.body();
        InstructionSet decoder = new InstructionSet(this);
        for (int i = 0; i < body.size(); i++) {
            Statement s = body.get(i);
            switch (s) {
                case Statement.Label l -> labels.put(l.name(), code.size());
                case Statement.Registers r -> {
                    for (String name : r.names()) {
                        scopes.peek().put(name, new Binding.Reg(slots++, r.type()));
                        declaredRegisters++;
                    }
                }
                case Statement.Declaration d -> declare(d.variable());
                case Statement.OpenScope o -> scopes.push(callSiteBindings(body, i));
                case Statement.CloseScope c -> {
                    if (scopes.size() > 1) scopes.pop();
                }
                case Statement.Instruction ins -> {
                    try {
                        decoder.decode(ins);
                    } catch (Opcode.Unsupported u) {
                        throw new DecodeException(CudaError.NOT_SUPPORTED, "kernel '" + kernel.name() + "' uses the PTX instruction '"
                                + ins.opcode() + "' (line " + ins.line() + (u.getMessage() == null ? "" : ", " + u.getMessage())
                                + "), which the host backend's PTX interpreter does not support");
                    } catch (IllegalArgumentException e) {
                        throw new DecodeException(CudaError.INVALID_PTX, "kernel '" + kernel.name() + "', line " + ins.line()
                                + " (" + ins + "): " + e.getMessage());
                    }
                }
            }
        }
        // Falling off the end returns (PTX ends every body with ret; this only guards the interpreter).
        Insn end = frame == null ? new Control.Exit() : new Control.Return(frame.index);
        end.source = "end of " + f.name();
        code.add(end);
        for (BranchFix fix : branchFixes) {
            Integer target = labels.get(fix.label());
            if (target == null)
                throw new DecodeException(CudaError.INVALID_PTX, "kernel '" + kernel.name() + "': branch to unknown label '"
                        + fix.label() + "' (line " + fix.line() + ")");
            fix.branch().target = target;
        }
    }

    private void declare(Variable v) throws DecodeException {
        switch (v.space()) {
            case LOCAL -> scopes.peek().put(v.name(), new Binding.Local(allocateLocal(v)));
            case SHARED -> scopes.peek().put(v.name(), new Binding.Shared(sharedOffsets.get(v)));
            case PARAM -> {
                // A call site's parameter: bound to the callee's frame when the scope opened; one the
                // call does not use still gets a place of its own.
                if (!scopes.peek().containsKey(v.name())) scopes.peek().put(v.name(), new Binding.Local(allocateLocal(v)));
            }
            default -> throw new DecodeException(CudaError.INVALID_PTX, "kernel '" + kernel.name() + "': a " + v.space()
                    + " variable cannot be declared in a function body (line " + v.line() + ")");
        }
    }

    /**
     * For a scope that holds a call sequence ({@code { .param .b32 param0; st.param...; call ...; }}),
     * binds the call's argument and return names to the callee's parameter frame.
     */
    private Map<String, Binding> callSiteBindings(List<Statement> body, int open) throws DecodeException {
        Map<String, Binding> out = new HashMap<>();
        int depth = 0;
        for (int i = open + 1; i < body.size(); i++) {
            Statement s = body.get(i);
            if (s instanceof Statement.OpenScope) depth++;
            if (s instanceof Statement.CloseScope && depth-- == 0) break;
            if (depth != 0 || !(s instanceof Statement.Instruction ins) || !ins.opcode().startsWith("call")) continue;
            Frame f = frames.get(calleeName(ins));
            boolean beforeTarget = true;
            Operand.Group returns = null;
            Operand.Group args = null;
            for (Operand o : ins.operands()) {
                if (o instanceof Operand.Symbol) beforeTarget = false;
                else if (o instanceof Operand.Group g) {
                    if (beforeTarget) returns = g;
                    else if (args == null) args = g;
                }
            }
            bind(out, returns, f.returnOffsets, ins, "return values");
            bind(out, args, f.paramOffsets, ins, "arguments");
        }
        return out;
    }

    private void bind(Map<String, Binding> out, Operand.Group group, long[] offsets, Statement.Instruction ins, String what)
            throws DecodeException {
        if (group == null) return;
        if (group.elements().size() > offsets.length)
            throw new DecodeException(CudaError.INVALID_PTX, "kernel '" + kernel.name() + "': call at line " + ins.line()
                    + " passes " + group.elements().size() + " " + what + ", the callee takes " + offsets.length);
        for (int k = 0; k < group.elements().size(); k++) {
            if (!(group.elements().get(k) instanceof Operand.Symbol s))
                throw new DecodeException(CudaError.NOT_SUPPORTED, "kernel '" + kernel.name() + "': call at line " + ins.line()
                        + " passes " + what + " in registers; only .param arguments are supported");
            out.put(s.name(), new Binding.Local(offsets[k]));
        }
    }

    // ---- used by InstructionSet -----------------------------------------------------------------

    void emit(Insn insn, Statement.Instruction ins) {
        if (ins.guard() != null) {
            insn.guard = registerSlot(ins.guard());
            insn.guardNegated = ins.guardNegated();
        }
        insn.source = "PTX line " + ins.line() + ": " + ins;
        code.add(insn);
    }

    void branch(Control.Branch b, String label, Statement.Instruction ins) {
        emit(b, ins);
        branchFixes.add(new BranchFix(b, label, ins.line()));
    }

    Frame frame(String function) {
        return frames.get(function);
    }

    void call(Control.Call c, Frame target, Statement.Instruction ins) {
        emit(c, ins);
        calls.add(c);
        callTargets.add(target);
    }

    String kernelName() {
        return kernel.name();
    }

    Binding binding(String name) {
        for (Map<String, Binding> scope : scopes) {
            Binding b = scope.get(name);
            if (b != null) return b;
        }
        if (current == null) {
            Integer p = kernelParamOffsets.get(name);
            if (p != null) return new Binding.KernelParameter(p);
        }
        Integer shared = moduleShared.get(name);
        if (shared != null) return new Binding.Shared(shared);
        Long address = globals.get(name);
        if (address != null) return new Binding.Global(address);
        return null;
    }

    /** The slot base of a register (declared or special). */
    int registerSlot(String name) {
        Special special = Special.of(name);
        if (special != null) return specials.computeIfAbsent(special, k -> slots++) * Warp.SIZE;
        Binding b = binding(name);
        if (b instanceof Binding.Reg r) return r.slot() * Warp.SIZE;
        throw new IllegalArgumentException("register " + name + " is not declared");
    }

    /** The declared type of a register, or null for a special register. */
    PtxType registerType(String name) {
        return binding(name) instanceof Binding.Reg r ? r.type() : null;
    }

    int constant(long value) {
        return constants.computeIfAbsent(value, k -> slots++) * Warp.SIZE;
    }

    int sink() {
        if (sinkSlot < 0) sinkSlot = slots++;
        return sinkSlot * Warp.SIZE;
    }

    int carry() {
        if (carrySlot < 0) carrySlot = slots++;
        return carrySlot * Warp.SIZE;
    }
}
