package io.orion.core.internal;

import java.util.Map;

import io.orion.api.platform.PluginKind;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** One tracked plugin service, with what operators want to know about it. */
record PluginEntry<T>(PluginKind kind, String name, T service, long serviceId, int ranking, String bundle,
                      String version) {

    static <T> PluginEntry<T> of(PluginKind kind, String nameProperty, T service, Map<String, Object> props,
                                 ServiceReference<?> ref) {
        Object name = props.get(nameProperty);
        Object ranking = props.get(Constants.SERVICE_RANKING);
        Bundle b = ref == null ? null : ref.getBundle();
        return new PluginEntry<>(kind,
                name == null ? "(unnamed " + service.getClass().getName() + ")" : name.toString(),
                service,
                ((Number) props.getOrDefault(Constants.SERVICE_ID, -1L)).longValue(),
                ranking instanceof Integer i ? i : 0,
                b == null ? "?" : b.getSymbolicName(),
                b == null ? "?" : b.getVersion().toString());
    }

    /** Higher ranking wins; for equal ranking the older service (lower id) wins, as OSGi does. */
    boolean betterThan(PluginEntry<?> other) {
        if (ranking != other.ranking) return ranking > other.ranking;
        return serviceId < other.serviceId;
    }
}
