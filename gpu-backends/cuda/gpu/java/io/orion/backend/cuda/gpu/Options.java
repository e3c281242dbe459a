package io.orion.backend.cuda.gpu;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options, refusing unknown ones with the list of known ones. */
final class Options {
    private Options() {}

    static Map<String, String> parse(String[] args, Map<String, String> known) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!known.containsKey(args[i]) || i + 1 == args.length)
                throw new IllegalArgumentException("bad option '" + args[i] + "'; options: " + known);
            values.put(args[i], args[++i]);
        }
        return values;
    }

    static String require(Map<String, String> values, String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("missing option " + name);
        return v;
    }
}
