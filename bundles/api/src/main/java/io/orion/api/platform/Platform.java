package io.orion.api.platform;

import java.util.List;
import java.util.Optional;

import io.orion.api.backend.GpuBackend;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.transport.Transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The platform core: tracks the installed policies, backends and transports as they come and
 * go, and picks the ones its configuration names.
 */
@ProviderType
public interface Platform {

    /** Framework property naming this runtime's role: {@code standalone}, {@code controller} or {@code server}. */
    String ROLE_PROPERTY = "orion.role";

    /**
     * Framework property: the plugin kinds this role needs, by {@link PluginKind#label()}
     * ({@code policy,backend,transport}), or {@code none}. The core warns at start only about a
     * missing kind listed here; unset, it expects all three (the standalone role).
     */
    String EXPECTS_PROPERTY = "orion.role.expects";

    /** This runtime's role. */
    String role();

    /** Every installed plugin of a kind, sorted by name. */
    List<PluginInfo> plugins(PluginKind kind);

    /** The policy placements use now: the configured one, else the fallback; empty if neither is installed. */
    Optional<SchedulingPolicy> activePolicy();

    /**
     * Makes {@code name} the configured policy (persisted in Configuration Admin).
     *
     * @throws IllegalArgumentException naming the policy and the installed ones, if it is not installed
     */
    void selectPolicy(String name);

    /** The backend new sessions open on now; empty if none is installed. */
    Optional<GpuBackend> activeBackend();

    /** The transports the server should listen on now: installed and named in the configuration. */
    List<Transport> activeTransports();
}
