package io.orion.core.internal;

import java.util.EnumSet;
import java.util.Set;

import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginKind;

/**
 * The plugin kinds a role needs ({@link Platform#EXPECTS_PROPERTY}): a device plugin or a
 * monitor has no server and places nothing, so a missing policy, backend or transport is no
 * news there, while on a server it is.
 */
final class ExpectedKinds {
    private ExpectedKinds() {}

    /** {@code policy,backend,transport} (any order, any subset), {@code none}, or unset/blank for all three. */
    static Set<PluginKind> parse(String value) {
        if (value == null || value.isBlank()) return EnumSet.allOf(PluginKind.class);
        EnumSet<PluginKind> kinds = EnumSet.noneOf(PluginKind.class);
        if (value.strip().equals("none")) return kinds;
        for (String part : value.split(",")) {
            String label = part.strip();
            kinds.add(EnumSet.allOf(PluginKind.class).stream().filter(k -> k.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("framework property " + Platform.EXPECTS_PROPERTY + "='" + value
                            + "': '" + label + "' is not a plugin kind; use policy, backend, transport (comma-separated) or none")));
        }
        return kinds;
    }
}
