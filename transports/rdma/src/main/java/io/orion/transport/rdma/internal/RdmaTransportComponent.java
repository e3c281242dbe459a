package io.orion.transport.rdma.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;

import io.orion.api.platform.BindReady;
import io.orion.api.transport.Transport;
import io.orion.ucx.Ucx;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers the rdma transport ({@code orion.transport=rdma}) where UCX can be loaded; on a machine
 * without UCX it logs one line saying why and registers nothing, so the platform runs on as if
 * the bundle were not there. Removing the bundle closes the listener and every connection,
 * telling the server that the transport (not the client) went away, so that sessions wait for
 * their clients to reconnect over another transport or this one when it comes back. Like the TCP
 * transport it starts only once the node's bind address is known ({@link BindReady}) and binds
 * its rendezvous to the address that condition carries, when it carries one.
 */
@Component(configurationPid = RdmaTransportComponent.PID, immediate = true)
@Designate(ocd = RdmaConfig.class)
public final class RdmaTransportComponent {
    static final String PID = "io.orion.transport.rdma";
    private static final Logger LOG = LoggerFactory.getLogger(RdmaTransportComponent.class);

    private final RdmaTransport transport;
    private final ServiceRegistration<Transport> registration;
    private final String boundTo;

    @Activate
    public RdmaTransportComponent(BundleContext context, RdmaConfig config,
                                  @Reference(service = Condition.class, target = BindReady.FILTER) Map<String, Object> bindReady) {
        boundTo = BindReady.address(bindReady);
        RdmaSettings settings = settings(config, boundTo);
        Optional<String> why = Ucx.load(context.getProperty(Ucx.LIBRARY_PATH_PROPERTY));
        if (why.isPresent()) {
            // INFO, not WARN: most machines have no RDMA device and no UCX, and clients then use
            // shm or tcp as they would anyway; the line says what to install where RDMA is wanted.
            LOG.info("rdma transport not offered: {}", why.get());
            transport = null;
            registration = null;
            return;
        }
        transport = new RdmaTransport(settings);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Transport.NAME_PROPERTY, RdmaTransport.NAME);
        registration = context.registerService(Transport.class, transport, props);
    }

    /** The configuration, with the bind condition's address (when it has one) as rendezvous address and advertised host. */
    static RdmaSettings settings(RdmaConfig config, String boundTo) {
        RdmaSettings s = RdmaSettings.from(config);
        return boundTo == null ? s : s.withBindAddress(boundTo);
    }

    @Modified
    void modified(RdmaConfig config) {
        if (transport == null) return;
        try {
            transport.reconfigure(settings(config, boundTo));
        } catch (IOException | RuntimeException e) {
            LOG.error("rdma transport: the new configuration could not be applied: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        if (registration == null) return;
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregistered it with the bundle
        }
        transport.close();
    }
}
