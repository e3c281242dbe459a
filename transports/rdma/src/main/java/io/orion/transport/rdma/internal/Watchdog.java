package io.orion.transport.rdma.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the rendezvous sockets of a transport's connections, all on one thread: a connection's
 * own thread sleeps in UCX (no socket to wait on there), so this is what notices at once that a
 * client process is gone, however it died, and wakes that thread.
 */
final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final Selector selector;
    private final Queue<RdmaConnection> added = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    Watchdog() throws IOException {
        selector = Selector.open();
        thread = Thread.ofPlatform().name("orion-rdma-watchdog").daemon().start(this::loop);
    }

    void watch(RdmaConnection c) {
        added.add(c);
        selector.wakeup();
    }

    private void loop() {
        ByteBuffer probe = ByteBuffer.allocate(1);
        while (!closed) {
            try {
                selector.select();
            } catch (IOException e) {
                LOG.warn("rdma watchdog: select failed: {}", e.getMessage());
                return;
            }
            for (RdmaConnection c; (c = added.poll()) != null; ) {
                try {
                    SocketChannel s = c.rendezvous();
                    s.configureBlocking(false);
                    s.register(selector, SelectionKey.OP_READ, c);
                } catch (ClosedChannelException e) {
                    c.peerGone("the connection closed before it was watched");
                } catch (IOException e) {
                    c.peerGone("its rendezvous socket cannot be watched: " + e.getMessage());
                }
            }
            for (SelectionKey k : selector.selectedKeys()) {
                RdmaConnection c = (RdmaConnection) k.attachment();
                try {
                    probe.clear();
                    int n = ((SocketChannel) k.channel()).read(probe);
                    if (n < 0) c.peerGone("the client process is gone (rendezvous socket closed)");
                    else if (n > 0) c.peerGone("the client wrote to the rendezvous socket after the handshake");
                    else continue;
                } catch (IOException | CancelledKeyException e) {
                    c.peerGone("its rendezvous socket failed: " + e.getMessage());
                }
                k.cancel();
            }
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2000);
            selector.close();
        } catch (IOException e) {
            LOG.debug("rdma watchdog: closing: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
