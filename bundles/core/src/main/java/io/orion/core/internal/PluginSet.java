package io.orion.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The installed plugins of one kind. Several services may carry the same name (a newer bundle
 * arriving before the old one leaves); lookups by name take the best ranked one.
 */
final class PluginSet<T> {
    private final List<PluginEntry<T>> entries = new CopyOnWriteArrayList<>();

    void add(PluginEntry<T> entry) { entries.add(entry); }

    /** Removes the entry of this service instance; true if it was there. */
    boolean remove(T service) {
        return entries.removeIf(e -> e.service() == service);
    }

    Optional<PluginEntry<T>> byName(String name) {
        PluginEntry<T> best = null;
        for (PluginEntry<T> e : entries) {
            if (e.name().equals(name) && (best == null || e.betterThan(best))) best = e;
        }
        return Optional.ofNullable(best);
    }

    /** One entry per name (the best), sorted by name. */
    List<PluginEntry<T>> distinct() {
        List<PluginEntry<T>> out = new ArrayList<>();
        for (PluginEntry<T> e : entries) {
            if (byName(e.name()).orElseThrow() == e) out.add(e);
        }
        out.sort(Comparator.comparing(PluginEntry::name));
        return out;
    }

    List<String> names() {
        return distinct().stream().map(PluginEntry::name).toList();
    }
}
