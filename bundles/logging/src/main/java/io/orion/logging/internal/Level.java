package io.orion.logging.internal;

import java.util.Locale;

/** Log levels, most severe first; a logger set to a level writes that level and the ones above. */
enum Level {
    OFF, ERROR, WARN, INFO, DEBUG, TRACE;

    boolean allows(Level record) {
        return this != OFF && record.ordinal() <= ordinal();
    }

    static Level parse(String text, String what) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a log level; use OFF, ERROR, WARN, INFO, DEBUG or TRACE");
        }
    }
}
