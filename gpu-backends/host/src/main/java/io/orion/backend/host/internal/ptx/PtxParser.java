package io.orion.backend.host.internal.ptx;

import java.util.ArrayList;
import java.util.List;

import io.orion.backend.host.internal.ptx.Token.Kind;

/**
 * Reads PTX text as nvcc writes it (ISA 7.x to 9.x) into a {@link Module}. It understands the module
 * directives, variables with initializers, kernels and device functions with their parameters and
 * performance directives, and function bodies; debug sections and line information are skipped.
 * It does not judge instructions: the interpreter's decoder does, so that an unknown instruction is
 * reported with its kernel.
 */
public final class PtxParser {
    private final List<Token> tokens;
    private int pos;

    private PtxParser(String text) {
        this.tokens = PtxLexer.tokenize(text);
    }

    /** Parses a whole module; {@link PtxSyntaxException} names the line of the first problem. */
    public static Module parse(String text) {
        return new PtxParser(text).module();
    }

    // ---- module level ---------------------------------------------------------------------

    private Module module() {
        int version = -1;
        String target = null;
        int addressSize = 64;
        List<Variable> variables = new ArrayList<>();
        List<Function> functions = new ArrayList<>();
        while (peek().kind() != Kind.END) {
            Token t = next();
            if (t.kind() != Kind.DIRECTIVE) throw error(t, "expected a directive at module scope, found " + t);
            switch (t.text()) {
                case ".version" -> version = version(next());
                case ".target" -> {
                    target = expect(Kind.NAME, "target name").text();
                    while (peek().is(",")) { next(); next(); } // texmode_independent, debug
                }
                case ".address_size" -> addressSize = (int) integer(next());
                case ".file", ".loc" -> skipLine(t.line());
                case ".section" -> skipSection();
                case ".pragma" -> skipPast(";");
                case ".alias" -> skipPast(";");
                default -> {
                    boolean extern = false;
                    Token d = t;
                    while (d.text().equals(".visible") || d.text().equals(".extern") || d.text().equals(".weak")
                            || d.text().equals(".common")) {
                        extern |= d.text().equals(".extern");
                        d = next();
                    }
                    switch (d.text()) {
                        case ".entry" -> functions.add(function(true, d.line()));
                        case ".func" -> functions.add(function(false, d.line()));
                        default -> {
                            StateSpace space = StateSpace.fromName(d.text());
                            if (space == null || space == StateSpace.REG || space == StateSpace.PARAM)
                                throw error(d, "unexpected directive " + d + " at module scope");
                            variables.addAll(variables(space, extern, d.line()));
                        }
                    }
                }
            }
        }
        if (version < 0) throw new PtxSyntaxException(1, "no .version directive: not PTX");
        if (target == null) throw new PtxSyntaxException(1, "no .target directive");
        return new Module(version, target, addressSize, variables, functions);
    }

    private static int version(Token t) {
        String[] parts = t.text().split("\\.");
        if (t.kind() != Kind.NUMBER || parts.length != 2)
            throw new PtxSyntaxException(t.line(), "bad .version " + t);
        return Integer.parseInt(parts[0]) * 10 + Integer.parseInt(parts[1]);
    }

    private void skipLine(int line) {
        while (peek().kind() != Kind.END && peek().line() == line) next();
    }

    private void skipSection() {
        while (!peek().is("{")) {
            if (peek().kind() == Kind.END) throw error(peek(), "unterminated .section");
            next();
        }
        int depth = 0;
        do {
            Token t = next();
            if (t.is("{")) depth++;
            else if (t.is("}")) depth--;
            else if (t.kind() == Kind.END) throw error(t, "unterminated .section");
        } while (depth > 0);
    }

    private void skipPast(String punct) {
        while (!next().is(punct)) {
            if (peek().kind() == Kind.END) throw error(peek(), "expected '" + punct + "'");
        }
    }

    // ---- variables ------------------------------------------------------------------------

    /** After the state-space directive: {@code [.align N] [.vN] .type name[dims] [= init] {, name...};} */
    private List<Variable> variables(StateSpace space, boolean extern, int line) {
        int align = 0;
        int vector = 1;
        PtxType type = null;
        while (peek().kind() == Kind.DIRECTIVE) {
            Token d = next();
            switch (d.text()) {
                case ".align" -> align = (int) integer(next());
                case ".v2" -> vector = 2;
                case ".v4" -> vector = 4;
                case ".v8" -> vector = 8;
                case ".ptr" -> { }
                case ".attribute" -> { expect("("); skipPast(")"); }
                case ".texref", ".samplerref", ".surfref" ->
                        throw error(d, "textures and surfaces (" + d.text() + ") are not supported");
                default -> {
                    type = PtxType.fromSuffix(d.text());
                    if (type == null) throw error(d, "unknown type " + d);
                }
            }
        }
        if (type == null) throw error(peek(), "variable without a type");
        List<Variable> out = new ArrayList<>();
        do {
            if (!out.isEmpty()) next(); // the comma
            Token name = expect(Kind.NAME, "variable name");
            long count = 1;
            while (peek().is("[")) {
                next();
                if (peek().is("]")) {
                    next();
                    count = -1;
                } else {
                    long dim = integer(next());
                    expect("]");
                    if (count >= 0) count *= dim;
                }
            }
            List<Variable.Init> init = new ArrayList<>();
            if (peek().is("=")) {
                next();
                initializer(init);
            }
            int a = align > 0 ? align : type.bytes() * vector;
            out.add(new Variable(name.text(), space, type, vector, a, count, init, extern, line));
        } while (peek().is(","));
        expect(";");
        return out;
    }

    private void initializer(List<Variable.Init> out) {
        if (peek().is("{")) {
            next();
            while (!peek().is("}")) {
                initializer(out);
                if (peek().is(",")) next();
                else if (!peek().is("}")) throw error(peek(), "expected ',' or '}' in an initializer, found " + peek());
            }
            next();
            return;
        }
        Token t = next();
        if (t.kind() == Kind.NAME && t.text().equals("generic") && peek().is("(")) {
            next();
            String sym = expect(Kind.NAME, "symbol").text();
            expect(")");
            out.add(new Variable.Init.Address(sym, offset(), true));
        } else if (t.kind() == Kind.NAME) {
            out.add(new Variable.Init.Address(t.text(), offset(), false));
        } else {
            Operand lit = literal(t);
            if (lit instanceof Operand.FloatLiteral f) out.add(new Variable.Init.Float(f.bits(), f.single()));
            else out.add(new Variable.Init.Int(((Operand.IntLiteral) lit).value()));
        }
    }

    /** An optional {@code +N} or {@code -N} (also {@code +-N}). */
    private long offset() {
        if (peek().is("+")) {
            next();
            if (peek().is("-")) {
                next();
                return -integer(next());
            }
            return integer(next());
        }
        if (peek().is("-") && peekAt(1).kind() == Kind.NUMBER) {
            next();
            return -integer(next());
        }
        return 0;
    }

    // ---- functions ------------------------------------------------------------------------

    private Function function(boolean entry, int line) {
        List<Variable> returns = List.of();
        if (!entry && peek().is("(")) returns = paramList();
        String name = expect(Kind.NAME, "function name").text();
        List<Variable> params = peek().is("(") ? paramList() : List.of();
        int[] reqntid = null;
        int[] maxntid = null;
        while (peek().kind() == Kind.DIRECTIVE) {
            Token d = next();
            switch (d.text()) {
                case ".reqntid" -> reqntid = dims(numbers());
                case ".maxntid" -> maxntid = dims(numbers());
                case ".noreturn", ".explicitcluster" -> { }
                case ".pragma" -> skipPast(";");
                default -> numbers(); // .minnctapersm, .maxnreg, .reqnctapercluster, .maxclusterrank ...
            }
        }
        if (peek().is(";")) {
            next();
            return new Function(name, entry, returns, params, null, reqntid, maxntid, line);
        }
        expect("{");
        List<Statement> body = body();
        return new Function(name, entry, returns, params, body, reqntid, maxntid, line);
    }

    private static int[] dims(List<Long> values) {
        int[] d = {1, 1, 1};
        for (int i = 0; i < Math.min(3, values.size()); i++) d[i] = values.get(i).intValue();
        return d;
    }

    private List<Long> numbers() {
        List<Long> out = new ArrayList<>();
        if (peek().kind() != Kind.NUMBER) return out;
        out.add(integer(next()));
        while (peek().is(",") && peekAt(1).kind() == Kind.NUMBER) {
            next();
            out.add(integer(next()));
        }
        return out;
    }

    private List<Variable> paramList() {
        expect("(");
        List<Variable> out = new ArrayList<>();
        while (!peek().is(")")) {
            if (!out.isEmpty()) expect(",");
            Token d = next();
            if (!d.isDirective(".param")) throw error(d, "expected .param, found " + d + " (only .param parameters are supported)");
            out.add(param(d.line()));
        }
        next();
        return out;
    }

    /** {@code .param [.ptr .space .align N] .type name[N]} in any order of the attributes. */
    private Variable param(int line) {
        PtxType type = null;
        int align = 0;
        while (peek().kind() == Kind.DIRECTIVE) {
            Token d = next();
            if (d.text().equals(".align")) align = (int) integer(next());
            else if (d.text().equals(".ptr") || StateSpace.fromName(d.text()) != null) continue;
            else if ((type = PtxType.fromSuffix(d.text())) == null) throw error(d, "unknown parameter attribute " + d);
        }
        if (type == null) throw error(peek(), "parameter without a type");
        String name = expect(Kind.NAME, "parameter name").text();
        long count = 1;
        if (peek().is("[")) {
            next();
            count = integer(next());
            expect("]");
        }
        return new Variable(name, StateSpace.PARAM, type, 1, align > 0 ? align : type.bytes(), count, List.of(), false, line);
    }

    // ---- bodies -----------------------------------------------------------------------------

    private List<Statement> body() {
        List<Statement> out = new ArrayList<>();
        int depth = 1;
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.END) throw error(t, "function body not closed");
            if (t.is("{")) {
                next();
                depth++;
                out.add(new Statement.OpenScope(t.line()));
            } else if (t.is("}")) {
                next();
                if (--depth == 0) return out;
                out.add(new Statement.CloseScope(t.line()));
            } else if (t.kind() == Kind.DIRECTIVE) {
                directiveInBody(out);
            } else if (t.kind() == Kind.NAME && peekAt(1).is(":")) {
                next();
                next();
                out.add(new Statement.Label(t.text(), t.line()));
            } else {
                out.add(instruction());
            }
        }
    }

    private void directiveInBody(List<Statement> out) {
        Token d = next();
        switch (d.text()) {
            case ".reg" -> out.add(registers(d.line()));
            case ".loc", ".file" -> skipLine(d.line());
            case ".pragma" -> skipPast(";");
            default -> {
                StateSpace space = StateSpace.fromName(d.text());
                if (space == null || space == StateSpace.REG || space == StateSpace.GLOBAL)
                    throw error(d, "unexpected directive " + d + " in a function body");
                for (Variable v : variables(space, false, d.line())) out.add(new Statement.Declaration(v));
            }
        }
    }

    /** {@code .reg .type %r<N>;} declares %r0..%r(N-1); {@code .reg .type %a, %b;} declares names. */
    private Statement registers(int line) {
        Token td = next();
        if (td.isDirective(".v2") || td.isDirective(".v4"))
            throw error(td, "vector registers (.reg " + td.text() + ") are not supported");
        PtxType type = PtxType.fromSuffix(td.text());
        if (type == null || td.kind() != Kind.DIRECTIVE) throw error(td, "expected a register type, found " + td);
        List<String> names = new ArrayList<>();
        do {
            if (!names.isEmpty()) next();
            String name = expect(Kind.NAME, "register name").text();
            if (peek().is("<")) {
                next();
                long n = integer(next());
                expect(">");
                for (long i = 0; i < n; i++) names.add(name + i);
            } else {
                names.add(name);
            }
        } while (peek().is(","));
        expect(";");
        return new Statement.Registers(type, names, line);
    }

    private Statement.Instruction instruction() {
        Token first = peek();
        String guard = null;
        boolean negated = false;
        if (first.is("@")) {
            next();
            if (peek().is("!")) {
                next();
                negated = true;
            }
            guard = expect(Kind.NAME, "guard predicate").text();
        }
        Token op = expect(Kind.NAME, "an instruction");
        List<Operand> operands = new ArrayList<>();
        if (peek().is("}") || peek().kind() == Kind.END) throw error(peek(), "expected ';' after " + op.text() + ", found " + peek());
        if (!peek().is(";")) {
            do {
                if (!operands.isEmpty()) next();
                operands.add(operand());
            } while (peek().is(","));
        }
        if (!peek().is(";")) throw error(peek(), "expected ';' after " + op.text() + ", found " + peek());
        next();
        return new Statement.Instruction(guard, negated, op.text(), operands, op.line());
    }

    private Operand operand() {
        Operand o = single();
        if (peek().is("|")) {
            next();
            return new Operand.Pair(o, single());
        }
        return o;
    }

    private Operand single() {
        Token t = next();
        if (t.is("!")) return new Operand.Not(single());
        if (t.is("[")) return address();
        if (t.is("{")) return new Operand.Vector(list("}"));
        if (t.is("(")) return new Operand.Group(list(")"));
        if (t.is("-")) {
            Operand lit = literal(next());
            if (lit instanceof Operand.IntLiteral i) return new Operand.IntLiteral(-i.value());
            Operand.FloatLiteral f = (Operand.FloatLiteral) lit;
            long sign = f.single() ? 0x8000_0000L : Long.MIN_VALUE;
            return new Operand.FloatLiteral(f.bits() ^ sign, f.single());
        }
        if (t.kind() == Kind.NUMBER) return literal(t);
        if (t.kind() == Kind.NAME) {
            if (t.text().equals("_")) return new Operand.Sink();
            if (t.text().startsWith("%")) return new Operand.Register(t.text());
            return new Operand.Symbol(t.text(), offset());
        }
        throw error(t, "unexpected " + t + " in an operand");
    }

    private List<Operand> list(String close) {
        List<Operand> out = new ArrayList<>();
        while (!peek().is(close)) {
            if (!out.isEmpty()) expect(",");
            out.add(operand());
        }
        next();
        return out;
    }

    private Operand address() {
        Token t = next();
        Operand base;
        long offset;
        if (t.kind() == Kind.NUMBER) {
            base = null;
            offset = integer(t);
        } else if (t.kind() == Kind.NAME) {
            base = t.text().startsWith("%") ? new Operand.Register(t.text()) : new Operand.Symbol(t.text(), 0);
            offset = offset();
        } else {
            throw error(t, "unexpected " + t + " in an address");
        }
        expect("]");
        return new Operand.Address(base, offset);
    }

    // ---- literals -------------------------------------------------------------------------------

    private long integer(Token t) {
        Operand o = literal(t);
        if (o instanceof Operand.IntLiteral i) return i.value();
        throw error(t, "expected an integer, found " + t);
    }

    private static Operand literal(Token t) {
        if (t.kind() != Kind.NUMBER) throw new PtxSyntaxException(t.line(), "expected a number, found " + t);
        String s = t.text();
        if (s.endsWith("U") || s.endsWith("u")) s = s.substring(0, s.length() - 1);
        try {
            if (s.length() > 2 && s.charAt(0) == '0') {
                char k = Character.toLowerCase(s.charAt(1));
                String digits = s.substring(2);
                switch (k) {
                    case 'f': {
                        if (digits.length() != 8) throw new NumberFormatException("0f needs 8 hex digits");
                        return new Operand.FloatLiteral(Long.parseLong(digits, 16), true);
                    }
                    case 'd': {
                        if (digits.length() != 16) throw new NumberFormatException("0d needs 16 hex digits");
                        return new Operand.FloatLiteral(Long.parseUnsignedLong(digits, 16), false);
                    }
                    case 'x': return new Operand.IntLiteral(Long.parseUnsignedLong(digits, 16));
                    case 'b': return new Operand.IntLiteral(Long.parseUnsignedLong(digits, 2));
                    default: break;
                }
            }
            if (s.indexOf('.') >= 0 || s.indexOf('e') >= 0 || s.indexOf('E') >= 0)
                return new Operand.FloatLiteral(Double.doubleToRawLongBits(Double.parseDouble(s)), false);
            if (s.length() > 1 && s.charAt(0) == '0') return new Operand.IntLiteral(Long.parseUnsignedLong(s.substring(1), 8));
            return new Operand.IntLiteral(Long.parseUnsignedLong(s));
        } catch (NumberFormatException e) {
            throw new PtxSyntaxException(t.line(), "bad number " + t + ": " + e.getMessage());
        }
    }

    // ---- tokens -----------------------------------------------------------------------------

    private Token peek() { return tokens.get(pos); }

    private Token peekAt(int ahead) { return tokens.get(Math.min(pos + ahead, tokens.size() - 1)); }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.END) pos++;
        return t;
    }

    private Token expect(String punct) {
        Token t = next();
        if (!t.is(punct)) throw error(t, "expected '" + punct + "', found " + t);
        return t;
    }

    private Token expect(Kind kind, String what) {
        Token t = next();
        if (t.kind() != kind) throw error(t, "expected " + what + ", found " + t);
        return t;
    }

    private static PtxSyntaxException error(Token t, String message) {
        return new PtxSyntaxException(t.line(), message);
    }
}
