package io.orion.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.orion.api.backend.GpuBackend;
import io.orion.api.platform.PluginKind;

/**
 * What the core says once the framework has started: plugins arrive one by one during start-up,
 * so the selection passes through states (the fallback policy before the configured one has
 * registered, the first backend before the preferred one) that are no news to an operator. The
 * settled selection is reported in one line, with a warning only for what is still missing of
 * what the role needs (a device plugin runs no server: no backend or transport is missing there).
 * Pure, so its wording is unit-tested.
 */
record StartupReport(List<String> warnings, String summary) {

    static StartupReport of(Selection.Settings settings, Selection selection, PluginSet<GpuBackend> backends) {
        return of(settings, selection, backends, Set.of(PluginKind.values()));
    }

    static StartupReport of(Selection.Settings settings, Selection selection, PluginSet<GpuBackend> backends, Set<PluginKind> expected) {
        List<String> warnings = new ArrayList<>();
        String policy;
        if (selection.policy().isEmpty()) {
            if (expected.contains(PluginKind.POLICY)) warnings.add("no scheduling policy available: neither '" + settings.policy() + "' nor the fallback '"
                    + settings.fallbackPolicy() + "' is installed; placements fail until one is");
            policy = "none";
        } else {
            policy = describe(selection.policy());
            if (selection.policyIsFallback() && expected.contains(PluginKind.POLICY))
                warnings.add("policy '" + settings.policy() + "' is not installed; using the fallback '"
                        + selection.policy().get().name() + "'");
        }

        String backend;
        if (selection.backend().isEmpty()) {
            if (expected.contains(PluginKind.BACKEND)) warnings.add(settings.backend().equals("auto")
                    ? "no GPU backend is installed: this node's server can take no vGPUs until one is"
                    : "GPU backend '" + settings.backend() + "' is not installed (configured by name); installed: "
                            + String.join(", ", backends.names()));
            backend = "none";
        } else {
            backend = describe(selection.backend()) + passedOver(settings, selection.backend().get(), backends);
        }

        String transports = selection.transports().isEmpty() ? "none"
                : String.join(", ", selection.transports().stream().map(PluginEntry::name).toList());
        if (selection.transports().isEmpty() && expected.contains(PluginKind.TRANSPORT))
            warnings.add("no transport in use (configured: " + String.join(",", settings.transports())
                    + "): clients cannot reach this node's server");
        return new StartupReport(warnings, "started: policy " + policy + "; GPU backend " + backend + "; transports " + transports);
    }

    /** With backend=auto, why preferred backends that are installed were not taken. */
    private static String passedOver(Selection.Settings settings, PluginEntry<GpuBackend> chosen, PluginSet<GpuBackend> backends) {
        if (!settings.backend().equals("auto")) return "";
        List<String> why = new ArrayList<>();
        for (String name : settings.backendPreference()) {
            if (name.equals(chosen.name())) break;
            backends.byName(name).ifPresent(b -> why.add(name + ": " + status(b.service())));
        }
        return why.isEmpty() ? "" : " (auto; " + String.join("; ", why) + ")";
    }

    private static String status(GpuBackend b) {
        try {
            return b.status();
        } catch (RuntimeException e) {
            return "status failed: " + e;
        }
    }

    private static String describe(Optional<? extends PluginEntry<?>> entry) {
        return entry.map(e -> e.name() + " from " + e.bundle() + " " + e.version()).orElse("none");
    }
}
