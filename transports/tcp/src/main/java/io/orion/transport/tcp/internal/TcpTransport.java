package io.orion.transport.tcp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.Transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport without OSGi: a listening socket with an accept thread, one reader thread per
 * connection. {@link TcpTransportComponent} registers it as a service; tests and the benchmark use
 * it directly.
 */
public final class TcpTransport implements Transport {
    public static final String NAME = "tcp";
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);

    private final Set<TcpConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile TcpSettings settings;
    private ServerSocketChannel listener;
    private ConnectionAcceptor acceptor;
    private volatile String endpoint = "";

    public TcpTransport(TcpSettings settings) {
        this.settings = settings;
    }

    @Override public String name() { return NAME; }

    @Override
    public synchronized String open(ConnectionAcceptor acceptor) throws IOException {
        if (listener != null) throw new IOException("tcp transport is already open at " + endpoint);
        TcpSettings s = settings;
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, s.socketBufferBytes());
            ch.bind(new InetSocketAddress(s.bindAddress(), s.port()), 128);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + s.bindAddress() + ":" + s.port() + ": " + e.getMessage(), e);
        }
        int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        String host = !s.advertisedHost().isEmpty() ? s.advertisedHost()
                : s.bindAddress().equals("0.0.0.0") ? InetAddress.getLocalHost().getHostName() : s.bindAddress();
        this.listener = ch;
        this.acceptor = acceptor;
        this.endpoint = "tcp://" + host + ":" + port;
        Thread.ofPlatform().name("orion-tcp-accept-" + port).daemon().start(() -> acceptLoop(ch, acceptor));
        return endpoint;
    }

    private void acceptLoop(ServerSocketChannel ch, ConnectionAcceptor acceptor) {
        while (ch.isOpen()) {
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("tcp accept failed: {}", e.getMessage());
                continue;
            }
            try {
                TcpConnection conn = new TcpConnection(this, c, settings);
                connections.add(conn);
                if (!ch.isOpen()) { // closed while accepting: do not hand out a connection of a closed transport
                    conn.closeByTransport();
                    connections.remove(conn);
                    try { c.close(); } catch (IOException ignored) { /* closing anyway */ }
                    return;
                }
                conn.start(acceptor);
            } catch (IOException | RuntimeException e) {
                LOG.warn("tcp: could not set up a connection from {}: {}", c.socket().getRemoteSocketAddress(), e.toString());
                try {
                    c.close();
                } catch (IOException ignored) {
                    // nothing more to do for a socket that failed to set up
                }
            }
        }
    }

    void forget(TcpConnection c) {
        connections.remove(c);
    }

    /** Connections open now. */
    public int connectionCount() { return connections.size(); }

    @Override
    public synchronized void close() {
        if (listener == null) return;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("tcp: closing the listener: {}", e.getMessage());
        }
        listener = null;
        endpoint = "";
        for (TcpConnection c : List.copyOf(connections)) c.closeByTransport();
    }

    /** New settings; if the address changed while open, the listener moves (connections are closed, clients resume). */
    public synchronized void reconfigure(TcpSettings s) throws IOException {
        TcpSettings old = settings;
        settings = s;
        if (listener != null && (old.port() != s.port() || !old.bindAddress().equals(s.bindAddress())
                || !old.advertisedHost().equals(s.advertisedHost()))) {
            ConnectionAcceptor a = acceptor;
            close();
            open(a);
        }
    }

    @Override public String endpoint() { return endpoint; }
}
