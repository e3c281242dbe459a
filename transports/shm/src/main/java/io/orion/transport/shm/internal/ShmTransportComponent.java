package io.orion.transport.shm.internal;

import java.io.IOException;

import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.Transport;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-memory transport as a service ({@code orion.transport=shm}). Removing the bundle
 * closes the rendezvous socket and every connection, telling the server that the transport (not
 * the client) went away, so that sessions wait for their clients to reconnect.
 */
@Component(service = Transport.class, configurationPid = ShmTransportComponent.PID,
        property = Transport.NAME_PROPERTY + "=" + ShmTransport.NAME)
@Designate(ocd = ShmConfig.class)
public final class ShmTransportComponent implements Transport {
    static final String PID = "io.orion.transport.shm";
    private static final Logger LOG = LoggerFactory.getLogger(ShmTransportComponent.class);

    private final ShmTransport transport;

    @Activate
    public ShmTransportComponent(ShmConfig config) {
        transport = new ShmTransport(ShmSettings.from(config));
    }

    @Modified
    void modified(ShmConfig config) {
        try {
            transport.reconfigure(ShmSettings.from(config));
        } catch (IOException | RuntimeException e) {
            LOG.error("shm transport: the new configuration could not be applied: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        transport.close();
    }

    @Override public String name() { return transport.name(); }

    @Override public String open(ConnectionAcceptor acceptor) throws IOException { return transport.open(acceptor); }

    @Override public void close() { transport.close(); }

    @Override public String endpoint() { return transport.endpoint(); }
}
