package io.orion.console.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Suggestions for a misspelt name: the known names a few edits away, closest first. */
final class NearNames {

    private NearNames() {}

    /** Known names within a third of the name's length in edits (at least 2), closest first, at most 3. */
    static List<String> near(String name, Collection<String> known) {
        String n = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, n.length() / 3);
        List<String> out = new ArrayList<>();
        for (String k : known) if (!k.equals(name) && distance(n, k.toLowerCase(Locale.ROOT)) <= limit) out.add(k);
        out.sort(Comparator.comparingInt((String k) -> distance(n, k.toLowerCase(Locale.ROOT))).thenComparing(k -> k));
        return out.size() > 3 ? out.subList(0, 3) : out;
    }

    /** "; did you mean a or b?" or nothing. */
    static String didYouMean(String name, Collection<String> known) {
        List<String> near = near(name, known);
        return near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?";
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int same = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + same);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
