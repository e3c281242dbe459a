package io.orion.transport.tcp.internal;

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
 * The TCP transport as a service ({@code orion.transport=tcp}). The server opens it; removing the
 * bundle closes its listener and connections, telling the server that the transport (not the
 * client) went away, so that sessions wait for their clients to reconnect.
 */
@Component(service = Transport.class, configurationPid = TcpTransportComponent.PID,
        property = Transport.NAME_PROPERTY + "=" + TcpTransport.NAME)
@Designate(ocd = TcpConfig.class)
public final class TcpTransportComponent implements Transport {
    static final String PID = "io.orion.transport.tcp";
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransportComponent.class);

    private final TcpTransport transport;

    @Activate
    public TcpTransportComponent(TcpConfig config) {
        transport = new TcpTransport(TcpSettings.from(config));
    }

    @Modified
    void modified(TcpConfig config) {
        try {
            transport.reconfigure(TcpSettings.from(config));
        } catch (IOException | RuntimeException e) {
            LOG.error("tcp transport: the new configuration could not be applied: {}", e.getMessage());
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
