package io.orion.backend.host.internal.interp;

import java.util.Locale;

/**
 * Formats a device {@code printf}: the format string and an argument buffer in device memory, laid
 * out as CUDA's {@code vprintf} expects (each argument aligned to its size; integers narrower than
 * int are passed as int, floats as double). Conversions follow C: {@code d i u x X o c s f F e E g G
 * a A p %} with flags, width, precision and the length modifiers {@code hh h l ll z j t}.
 */
final class DevicePrintf {
    private DevicePrintf() {}

    private static final int MAX_STRING = 1 << 16;

    record Result(String text, int arguments) {}

    static Result format(Warp w, int lane, long formatAddress, long argsAddress) {
        String fmt = string(w, lane, formatAddress);
        StringBuilder out = new StringBuilder();
        long cursor = argsAddress;
        int count = 0;
        int i = 0;
        while (i < fmt.length()) {
            char ch = fmt.charAt(i++);
            if (ch != '%') {
                out.append(ch);
                continue;
            }
            int start = i - 1;
            StringBuilder flags = new StringBuilder();
            while (i < fmt.length() && "-+ #0".indexOf(fmt.charAt(i)) >= 0) flags.append(fmt.charAt(i++));
            String width = digits(fmt, i);
            i += width.length();
            String precision = null;
            if (i < fmt.length() && fmt.charAt(i) == '.') {
                precision = digits(fmt, ++i);
                i += precision.length();
            }
            int length = 4;
            while (i < fmt.length() && "hlzjtL".indexOf(fmt.charAt(i)) >= 0) {
                char lm = fmt.charAt(i++);
                if (lm == 'l' || lm == 'z' || lm == 'j' || lm == 't' || lm == 'L') length = 8;
            }
            if (i >= fmt.length()) {
                out.append(fmt, start, fmt.length());
                break;
            }
            char conv = fmt.charAt(i++);
            if (conv == '%') {
                out.append('%');
                continue;
            }
            int size = switch (conv) {
                case 'f', 'F', 'e', 'E', 'g', 'G', 'a', 'A', 's', 'p' -> 8;
                default -> length;
            };
            cursor = (cursor + size - 1) & -size;
            long raw = w.load(Warp.GENERIC, cursor, size, false, lane);
            cursor += size;
            count++;
            out.append(convert(w, lane, conv, flags.toString(), width, precision, raw, size));
        }
        return new Result(out.toString(), count);
    }

    private static String convert(Warp w, int lane, char conv, String flags, String width, String precision, long raw,
                                  int size) {
        String spec = "%" + flags + width + (precision == null ? "" : "." + (precision.isEmpty() ? "0" : precision));
        return switch (conv) {
            case 'd', 'i' -> pad(Long.toString(size == 8 ? raw : (int) raw), flags, width, precision);
            case 'u' -> pad(Long.toUnsignedString(size == 8 ? raw : raw & 0xffff_ffffL), flags, width, precision);
            case 'x', 'X', 'o' -> {
                long v = size == 8 ? raw : raw & 0xffff_ffffL;
                String digits = conv == 'o' ? Long.toOctalString(v) : Long.toHexString(v);
                if (conv == 'X') digits = digits.toUpperCase(Locale.ROOT);
                if (flags.contains("#") && v != 0) digits = (conv == 'o' ? "0" : conv == 'x' ? "0x" : "0X") + digits;
                yield pad(digits, flags.replace("+", "").replace(" ", ""), width, precision);
            }
            case 'c' -> pad(String.valueOf((char) (raw & 0xff)), flags.replace("0", ""), width, null);
            case 's' -> {
                String s = string(w, lane, raw);
                if (precision != null && !precision.isEmpty()) s = s.substring(0, Math.min(s.length(), Integer.parseInt(precision)));
                yield pad(s, flags.replace("0", ""), width, null);
            }
            case 'p' -> pad("0x" + Long.toHexString(raw), flags.replace("0", ""), width, null);
            case 'g', 'G' -> general(Double.longBitsToDouble(raw), conv, flags, width, precision);
            case 'a', 'A' -> {
                String s = Double.toHexString(Double.longBitsToDouble(raw));
                yield pad(conv == 'A' ? s.toUpperCase(Locale.ROOT) : s, flags, width, null);
            }
            default -> {
                double v = Double.longBitsToDouble(raw);
                if (Double.isNaN(v) || Double.isInfinite(v)) yield pad(nonFinite(v, conv, flags), flags.replace("0", ""), width, null);
                yield String.format(Locale.ROOT, spec + (conv == 'F' ? 'f' : conv), v);
            }
        };
    }

    /** C's %g: the shorter of %e and %f for the precision, trailing zeros removed unless '#'. */
    private static String general(double v, char conv, String flags, String width, String precision) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return pad(nonFinite(v, conv, flags), flags.replace("0", ""), width, null);
        int p = precision == null ? 6 : precision.isEmpty() ? 0 : Integer.parseInt(precision);
        if (p == 0) p = 1;
        String e = String.format(Locale.ROOT, "%." + (p - 1) + "e", v);
        int exponent = Integer.parseInt(e.substring(e.indexOf('e') + 1)); // after rounding to p digits, as C does
        String body;
        if (exponent < p && exponent >= -4) body = String.format(Locale.ROOT, "%." + (p - 1 - exponent) + "f", v);
        else body = e;
        if (!flags.contains("#")) body = stripZeros(body);
        if (conv == 'G') body = body.toUpperCase(Locale.ROOT);
        if (v >= 0 && flags.contains("+")) body = "+" + body;
        else if (v >= 0 && flags.contains(" ")) body = " " + body;
        return pad(body, flags.replace("+", "").replace(" ", ""), width, null);
    }

    private static String stripZeros(String s) {
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String rest = e < 0 ? "" : s.substring(e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) mantissa = mantissa.substring(0, mantissa.length() - 1);
        }
        return mantissa + rest;
    }

    private static String nonFinite(double v, char conv, String flags) {
        String s = Double.isNaN(v) ? "nan" : v > 0 ? (flags.contains("+") ? "+inf" : "inf") : "-inf";
        return Character.isUpperCase(conv) ? s.toUpperCase(Locale.ROOT) : s;
    }

    /** Integer precision (minimum digits), sign flags, then width with '-' or '0' padding. */
    private static String pad(String body, String flags, String width, String precision) {
        String sign = "";
        if (body.startsWith("-")) {
            sign = "-";
            body = body.substring(1);
        } else if (flags.contains("+") && !body.isEmpty() && Character.isDigit(body.charAt(0))) {
            sign = "+";
        } else if (flags.contains(" ") && !body.isEmpty() && Character.isDigit(body.charAt(0))) {
            sign = " ";
        }
        if (precision != null && !precision.isEmpty()) {
            int p = Integer.parseInt(precision);
            while (body.length() < p) body = "0" + body;
        }
        int w = width.isEmpty() ? 0 : Integer.parseInt(width);
        int fill = w - sign.length() - body.length();
        if (fill <= 0) return sign + body;
        if (flags.contains("-")) return sign + body + " ".repeat(fill);
        if (flags.contains("0") && precision == null) return sign + "0".repeat(fill) + body;
        return " ".repeat(fill) + sign + body;
    }

    private static String digits(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        return s.substring(from, i);
    }

    /** A NUL-terminated string at a generic address. */
    static String string(Warp w, int lane, long address) {
        if (address == 0) return "(null)";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int n = 0; n < MAX_STRING; n++) {
            int c = (int) w.load(Warp.GENERIC, address + n, 1, false, lane);
            if (c == 0) break;
            bytes.write(c);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
