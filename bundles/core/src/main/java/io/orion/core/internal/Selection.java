package io.orion.core.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.orion.api.backend.GpuBackend;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.transport.Transport;

/**
 * Which plugins are in use, worked out from the configuration and what is installed. Pure: the
 * same inputs give the same choice, so the rules are unit-tested without a framework.
 */
record Selection(Optional<PluginEntry<SchedulingPolicy>> policy, boolean policyIsFallback,
                 Optional<PluginEntry<GpuBackend>> backend, List<PluginEntry<Transport>> transports) {

    static Selection of(Settings settings, PluginSet<SchedulingPolicy> policies, PluginSet<GpuBackend> backends,
                        PluginSet<Transport> transports) {
        Optional<PluginEntry<SchedulingPolicy>> policy = policies.byName(settings.policy());
        boolean fallback = false;
        if (policy.isEmpty()) {
            policy = policies.byName(settings.fallbackPolicy());
            fallback = policy.isPresent();
        }
        return new Selection(policy, fallback, chooseBackend(settings, backends), chooseTransports(settings, transports));
    }

    private static Optional<PluginEntry<GpuBackend>> chooseBackend(Settings settings, PluginSet<GpuBackend> backends) {
        if (!settings.backend().equals("auto")) return backends.byName(settings.backend());
        // auto: the first preferred backend that has devices, else the first preferred installed one,
        // else any installed backend with devices.
        for (String name : settings.backendPreference()) {
            Optional<PluginEntry<GpuBackend>> b = backends.byName(name);
            if (b.isPresent() && hasDevices(b.get().service())) return b;
        }
        for (String name : settings.backendPreference()) {
            Optional<PluginEntry<GpuBackend>> b = backends.byName(name);
            if (b.isPresent()) return b;
        }
        return backends.distinct().stream().filter(b -> hasDevices(b.service())).findFirst()
                .or(() -> backends.distinct().stream().findFirst());
    }

    private static boolean hasDevices(GpuBackend backend) {
        try {
            return !backend.devices().isEmpty();
        } catch (RuntimeException e) {
            return false; // a backend that cannot even list devices is not one to pick
        }
    }

    private static List<PluginEntry<Transport>> chooseTransports(Settings settings, PluginSet<Transport> transports) {
        List<String> wanted = Arrays.asList(settings.transports());
        if (wanted.contains("*")) return transports.distinct();
        return transports.distinct().stream().filter(t -> wanted.contains(t.name())).toList();
    }

    /** The configuration, as a plain value (the annotation type cannot be built in tests). */
    record Settings(String policy, String fallbackPolicy, String backend, String[] backendPreference,
                    String[] transports) {
        static Settings from(CoreConfig c) {
            return new Settings(c.policy().trim(), c.fallbackPolicy().trim(), c.backend().trim(),
                    trimAll(c.backendPreference()), trimAll(c.transports()));
        }

        Settings withPolicy(String name) {
            return new Settings(name, fallbackPolicy, backend, backendPreference, transports);
        }

        /** A .cfg file gives a list as one text, "tcp,shm": each element is split on commas too. */
        static String[] trimAll(String[] values) {
            return Arrays.stream(values).flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                    .filter(s -> !s.isEmpty()).toArray(String[]::new);
        }
    }
}
