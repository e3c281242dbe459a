package io.orion.transport.rdma.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.Transport;

import org.openucx.jucx.UcxException;
import org.openucx.jucx.ucp.UcpContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rdma transport without OSGi. A client connects to the rendezvous socket (TCP), the two
 * exchange UCX worker addresses and, when the client can use one-sided RDMA, the address and
 * remote key of a payload region this side registered with UCX; frames then travel as UCX tagged
 * messages on a worker of the connection's own. The socket stays open: its end is how a dead
 * client is noticed. One UCX context per open transport, shared by its connections.
 * Docs: docs/rdma.md, docs/protocol.md §6b.
 */
public final class RdmaTransport implements Transport {
    public static final String NAME = "rdma";
    private static final Logger LOG = LoggerFactory.getLogger(RdmaTransport.class);
    /** How long close() waits for connection threads (a handler may be waiting on the device). */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final Set<RdmaConnection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock contextInUse = new ReentrantReadWriteLock();
    private final Set<SocketChannel> handshaking = ConcurrentHashMap.newKeySet();
    private volatile RdmaSettings settings;
    private ServerSocketChannel listener;
    private UcpContext context;
    private Watchdog watchdog;
    private ConnectionAcceptor acceptor;
    private volatile String endpoint = "";
    private volatile List<String> devices = List.of();

    public RdmaTransport(RdmaSettings settings) {
        this.settings = settings;
    }

    @Override public String name() { return NAME; }

    @Override
    public synchronized String open(ConnectionAcceptor acceptor) throws IOException {
        if (listener != null) throw new IOException("rdma transport is already open at " + endpoint);
        RdmaSettings s = settings;
        UcpContext ctx;
        try {
            ctx = new UcpContext(s.ucx().contextParams());
        } catch (UcxException | UnsatisfiedLinkError e) {
            throw new IOException("UCX could not start a context with " + s.ucx() + ": " + e.getMessage(), e);
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        Watchdog dog = null;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(s.bindAddress(), s.port()), 128);
            dog = new Watchdog();
        } catch (IOException e) {
            ch.close();
            ctx.close();
            throw new IOException("cannot listen on " + s.bindAddress() + ":" + s.port() + ": " + e.getMessage(), e);
        }
        int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        String host = !s.advertisedHost().isEmpty() ? s.advertisedHost()
                : s.bindAddress().equals("0.0.0.0") ? InetAddress.getLocalHost().getHostName() : s.bindAddress();
        this.context = ctx;
        this.listener = ch;
        this.acceptor = acceptor;
        this.watchdog = dog;
        this.endpoint = "rdma://" + host + ":" + port;
        this.devices = RdmaDevices.in(RdmaDevices.SYS);
        Watchdog d = dog;
        Thread.ofPlatform().name("orion-rdma-accept-" + port).daemon().start(() -> acceptLoop(ch, ctx, d, acceptor));
        LOG.info("rdma transport listening at {} (UCX {}, RMA {}, {})", endpoint, s.ucx(), s.rma() ? "offered" : "off",
                devices.isEmpty() ? "no RDMA device on this node: UCX's other transports only" : "RDMA devices " + devices);
        return endpoint;
    }

    private void acceptLoop(ServerSocketChannel ch, UcpContext ctx, Watchdog dog, ConnectionAcceptor acceptor) {
        while (ch.isOpen()) {
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("rdma accept failed: {}", e.getMessage());
                continue;
            }
            // the handshake waits for the client: never on the accept thread
            Thread.ofPlatform().name("orion-rdma-handshake").daemon().start(() -> handshake(c, ctx, dog, acceptor));
        }
    }

    private void handshake(SocketChannel c, UcpContext ctx, Watchdog dog, ConnectionAcceptor acceptor) {
        contextInUse.readLock().lock(); // close() must not release the context while this makes a worker of it
        handshaking.add(c);
        try {
            RdmaConnection conn = RdmaConnection.accept(this, c, ctx, settings, !devices.isEmpty());
            if (conn == null) return;
            synchronized (this) {
                if (context != ctx) { // the transport closed (or moved) during the handshake
                    conn.closeByTransport();
                    conn.startClosed();
                    return;
                }
                connections.add(conn);
            }
            dog.watch(conn);
            conn.start(acceptor);
        } finally {
            handshaking.remove(c);
            contextInUse.readLock().unlock();
        }
    }

    void forget(RdmaConnection c) {
        connections.remove(c);
    }

    public int connectionCount() { return connections.size(); }

    @Override
    public void close() {
        UcpContext ctx;
        Watchdog dog;
        List<RdmaConnection> open;
        synchronized (this) {
            if (listener == null) return;
            try {
                listener.close();
            } catch (IOException e) {
                LOG.debug("rdma: closing the listener: {}", e.getMessage());
            }
            listener = null;
            endpoint = "";
            ctx = context;
            context = null;
            dog = watchdog;
            watchdog = null;
            open = List.copyOf(connections);
        }
        for (RdmaConnection c : open) c.closeByTransport();
        for (SocketChannel c : List.copyOf(handshaking)) {
            try {
                c.close(); // a client still in its handshake gets no connection of a closed transport
            } catch (IOException e) {
                LOG.debug("rdma: closing a handshake: {}", e.getMessage());
            }
        }
        // UCX aborts the process when a context goes while a worker or registration of it lives:
        // wait for handshakes in flight (at most their 5 s timeout; they see the transport closed
        // and undo themselves), then release it once every connection has torn down its own.
        contextInUse.writeLock().lock();
        try {
            boolean drained = true;
            for (RdmaConnection c : open) drained &= c.awaitTeardown(DRAIN);
            dog.close();
            if (drained) ctx.close();
            else LOG.error("rdma: a connection did not finish within {} s (its handler is busy); its UCX context is left open", DRAIN.toSeconds());
        } finally {
            contextInUse.writeLock().unlock();
        }
    }

    /** New settings apply to new connections; an address, port or UCX change moves the listener (clients resume). */
    public void reconfigure(RdmaSettings s) throws IOException {
        ConnectionAcceptor a;
        synchronized (this) {
            RdmaSettings old = settings;
            settings = s;
            if (listener == null || !old.relisten(s)) return;
            a = acceptor;
        }
        close();
        open(a);
    }

    @Override public String endpoint() { return endpoint; }
}
