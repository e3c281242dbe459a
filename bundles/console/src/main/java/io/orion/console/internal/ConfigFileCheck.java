package io.orion.console.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds configuration files in the deploy folder that FileInstall did not turn into a
 * configuration (it says nothing when it cannot read one), and says where such a file goes wrong
 * when that can be seen: a {@code .config} line that is not {@code key=value} in the typed format,
 * or a list left open.
 */
final class ConfigFileCheck {

    /** A file younger than this may simply not have been polled yet (FileInstall polls every second). */
    static final long SETTLE_MILLIS = 3000;
    /**
     * How long the watch must itself have seen a file unread before it says so: at start-up under
     * load FileInstall may take seconds to reach files that are old already (a Kubernetes
     * ConfigMap's are older than the pod).
     */
    static final long WATCHED_MILLIS = 10_000;

    private ConfigFileCheck() {}

    /**
     * @param applied the {@code felix.fileinstall.filename} values of the configurations that exist
     * @param now     the current time in milliseconds
     */
    static List<ConfigProblem> check(Path deploy, Collection<String> applied, long now) throws IOException {
        return check(deploy, applied, now, null);
    }

    /**
     * @param unreadSince when each file was first seen unread by a watch that looks repeatedly
     *                    (updated here); a file is named only once it has stayed unread for
     *                    {@link #WATCHED_MILLIS}. Null for a one-off check.
     */
    static List<ConfigProblem> check(Path deploy, Collection<String> applied, long now, java.util.Map<Path, Long> unreadSince)
            throws IOException {
        List<ConfigProblem> problems = new ArrayList<>();
        if (!Files.isDirectory(deploy)) return problems;
        Set<Path> appliedFiles = new HashSet<>();
        for (String a : applied) {
            Path p = asPath(a);
            if (p != null) appliedFiles.add(p.toAbsolutePath().normalize());
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(deploy)) {
            files = s.filter(p -> p.toString().endsWith(".cfg") || p.toString().endsWith(".config")).sorted().toList();
        }
        if (unreadSince != null) unreadSince.keySet().retainAll(files.stream().filter(f -> !appliedFiles.contains(
                f.toAbsolutePath().normalize())).toList());
        for (Path f : files) {
            if (appliedFiles.contains(f.toAbsolutePath().normalize())) continue;
            if (now - Files.getLastModifiedTime(f).toMillis() < SETTLE_MILLIS) continue;
            if (unreadSince != null && now - unreadSince.computeIfAbsent(f, k -> now) < WATCHED_MILLIS) continue;
            String why = f.toString().endsWith(".config") ? configSyntax(Files.readAllLines(f)) : null;
            problems.add(new ConfigProblem(f.toString(), null, null, null, "not applied: FileInstall could not read it"
                    + (why != null ? "; " + why : "; see its error in the log")));
        }
        return problems;
    }

    private static Path asPath(String filename) {
        try {
            return filename.startsWith("file:") ? Paths.get(URI.create(filename)) : Paths.get(filename);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Felix's type letters in a {@code .config} file, upper and lower case alike. */
    private static final String TYPES = "TIiLlFfDdXxSsCcBbZz";
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * The first typed value in a {@code .config} file that is not of its type ({@code port=I"abc"}):
     * the one thing that makes FileInstall give a file up. A plain value is taken as a string, and a
     * value spread over several lines is not looked into. Null when none is found.
     */
    static String configSyntax(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) continue;
            String value = line.substring(eq + 1).strip();
            if (value.length() < 3 || TYPES.indexOf(value.charAt(0)) < 0 || "\"[(".indexOf(value.charAt(1)) < 0) continue;
            char type = Character.toUpperCase(value.charAt(0));
            Matcher m = QUOTED.matcher(value.substring(1));
            while (m.find()) {
                String element = m.group(1);
                if (!fits(type, element))
                    return "line " + (i + 1) + ": '" + element + "' is not " + typeName(type) + " (type " + value.charAt(0) + "): " + line;
            }
        }
        return null;
    }

    private static boolean fits(char type, String v) {
        try {
            switch (type) {
                case 'I' -> Integer.valueOf(v);
                case 'L' -> Long.valueOf(v);
                case 'F' -> Float.valueOf(v);
                case 'D' -> Double.valueOf(v);
                case 'X' -> Byte.valueOf(v);
                case 'S' -> Short.valueOf(v);
                case 'C' -> { return v.length() == 1; }
                default -> { } // T (text), B and Z (booleans take any text) always fit
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String typeName(char type) {
        return switch (type) {
            case 'I', 'L', 'X', 'S' -> "a whole number";
            case 'F', 'D' -> "a number";
            case 'C' -> "one character";
            default -> "text";
        };
    }
}
