package io.orion.transport.tcp.internal;

import java.io.IOException;
import java.util.Map;

import io.orion.api.platform.BindReady;

import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.Transport;

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
 * The TCP transport as a service ({@code orion.transport=tcp}). The server opens it; removing the
 * bundle closes its listener and connections, telling the server that the transport (not the
 * client) went away, so that sessions wait for their clients to reconnect. It exists only once the
 * node's bind address is known ({@link BindReady}); an address that condition carries (the
 * interface of {@code ORION_BIND_NET} on Kubernetes) is listened on and advertised, whatever the
 * configuration says.
 */
@Component(service = Transport.class, configurationPid = TcpTransportComponent.PID,
        property = Transport.NAME_PROPERTY + "=" + TcpTransport.NAME)
@Designate(ocd = TcpConfig.class)
public final class TcpTransportComponent implements Transport {
    static final String PID = "io.orion.transport.tcp";
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransportComponent.class);

    private final TcpTransport transport;
    private final String boundTo;

    @Activate
    public TcpTransportComponent(TcpConfig config,
                                 @Reference(service = Condition.class, target = BindReady.FILTER) Map<String, Object> bindReady) {
        boundTo = BindReady.address(bindReady);
        transport = new TcpTransport(settings(config, boundTo));
    }

    /** The configuration, with the bind condition's address (when it has one) as bind address and advertised host. */
    static TcpSettings settings(TcpConfig config, String boundTo) {
        TcpSettings s = TcpSettings.from(config);
        return boundTo == null ? s : s.withBindAddress(boundTo).withAdvertisedHost(boundTo);
    }

    @Modified
    void modified(TcpConfig config) {
        try {
            transport.reconfigure(settings(config, boundTo));
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
