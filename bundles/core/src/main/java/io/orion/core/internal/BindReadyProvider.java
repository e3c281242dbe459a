package io.orion.core.internal;

import java.util.Hashtable;
import java.util.Map;

import io.orion.api.platform.BindReady;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.condition.Condition;

/**
 * Registers the {@link BindReady} condition, without properties, in every role whose bind
 * address is known at start: the transports and the node agent then bind as configured. A role
 * that sets {@value BindReady#WAIT_PROPERTY}{@code =true} gets it from the bundle that finds the
 * address instead (io.orion.k8s.netwait). Registered by hand, as it depends on a framework
 * property; a component of its own so that no other component is activated from inside the core's.
 */
// The resolver must know that this bundle offers the condition the transports require.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.osgi.service.condition.Condition")
@Component(immediate = true, service = {})
public final class BindReadyProvider {
    private final ServiceRegistration<Condition> registration;

    @Activate
    public BindReadyProvider(BundleContext context) {
        registration = Boolean.parseBoolean(context.getProperty(BindReady.WAIT_PROPERTY)) ? null
                : context.registerService(Condition.class, Condition.INSTANCE,
                        new Hashtable<>(Map.of(Condition.CONDITION_ID, BindReady.CONDITION_ID)));
    }

    @Deactivate
    void deactivate() {
        if (registration == null) return;
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered with the bundle
        }
    }
}
