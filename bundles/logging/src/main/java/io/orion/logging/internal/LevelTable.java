package io.orion.logging.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Levels per logger-name prefix: the longest matching prefix wins, else the default. Immutable;
 * a new table replaces the old on reconfiguration.
 */
record LevelTable(Level defaultLevel, List<Rule> rules) {

    record Rule(String prefix, Level level) {}

    LevelTable {
        rules = rules.stream().sorted(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed()).toList();
    }

    Level levelOf(String logger) {
        for (Rule r : rules) {
            if (logger.equals(r.prefix()) || logger.startsWith(r.prefix() + ".")) return r.level();
        }
        return defaultLevel;
    }

    /** Parses {@code name=LEVEL} entries; errors name the bad entry. */
    static LevelTable parse(String defaultLevel, String[] entries) {
        List<Rule> rules = new ArrayList<>();
        for (String e : entries) {
            if (e == null || e.isBlank()) continue;
            int eq = e.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("levels entry '" + e + "' must look like logger.name=LEVEL");
            rules.add(new Rule(e.substring(0, eq).trim(), Level.parse(e.substring(eq + 1), "levels entry '" + e + "'")));
        }
        return new LevelTable(Level.parse(defaultLevel, "level"), rules);
    }
}
