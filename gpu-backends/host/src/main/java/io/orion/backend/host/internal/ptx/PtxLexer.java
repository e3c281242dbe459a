package io.orion.backend.host.internal.ptx;

import java.util.ArrayList;
import java.util.List;

/** Splits PTX text into {@link Token}s; comments are dropped, line numbers kept. */
final class PtxLexer {
    private final String src;
    private int pos;
    private int line = 1;

    private PtxLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new PtxLexer(src).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>(src.length() / 4);
        while (true) {
            skipSpaceAndComments();
            if (pos >= src.length()) {
                out.add(new Token(Token.Kind.END, "", line));
                return out;
            }
            char c = src.charAt(pos);
            if (c == '"') {
                out.add(string());
            } else if (c == '.' && pos + 1 < src.length() && isNameStart(src.charAt(pos + 1))) {
                int start = pos++;
                while (pos < src.length() && isNamePart(src.charAt(pos)) && src.charAt(pos) != '.') pos++;
                out.add(new Token(Token.Kind.DIRECTIVE, src.substring(start, pos), line));
            } else if (Character.isDigit(c)) {
                out.add(number());
            } else if (isNameStart(c)) {
                int start = pos++;
                while (pos < src.length()) {
                    if (isNamePart(src.charAt(pos))) pos++;
                    else if (src.startsWith("::", pos)) pos += 2; // ld.shared::cta, .L2::128B
                    else break;
                }
                out.add(new Token(Token.Kind.NAME, src.substring(start, pos), line));
            } else if (",;:[]{}()+-!|@<>=".indexOf(c) >= 0) {
                out.add(new Token(Token.Kind.PUNCT, String.valueOf(c), line));
                pos++;
            } else {
                throw new PtxSyntaxException(line, "unexpected character '" + c + "'");
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c) || c == 0) {
                pos++; // a fat binary's PTX ends with a NUL
            } else if (src.startsWith("//", pos)) {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (src.startsWith("/*", pos)) {
                int end = src.indexOf("*/", pos + 2);
                if (end < 0) throw new PtxSyntaxException(line, "unterminated /* comment");
                for (int i = pos; i < end; i++) if (src.charAt(i) == '\n') line++;
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private Token string() {
        int start = ++pos;
        while (pos < src.length() && src.charAt(pos) != '"') {
            if (src.charAt(pos) == '\n') throw new PtxSyntaxException(line, "unterminated string");
            pos++;
        }
        if (pos >= src.length()) throw new PtxSyntaxException(line, "unterminated string");
        return new Token(Token.Kind.STRING, src.substring(start, pos++), line);
    }

    /** Digits, hex and float literals ({@code 0f...}, {@code 0d...}), decimals with exponent, a {@code U} suffix. */
    private Token number() {
        int start = pos;
        if (src.startsWith("0f", pos) || src.startsWith("0F", pos) || src.startsWith("0d", pos)
                || src.startsWith("0D", pos) || src.startsWith("0x", pos) || src.startsWith("0X", pos)
                || src.startsWith("0b", pos) || src.startsWith("0B", pos)) {
            pos += 2;
            while (pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) pos++;
        } else {
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
            if (pos < src.length() && src.charAt(pos) == '.') {
                pos++;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
            }
            if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
                pos++;
                if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'U' || src.charAt(pos) == 'u')) pos++;
        return new Token(Token.Kind.NUMBER, src.substring(start, pos), line);
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$' || c == '%';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.';
    }
}
