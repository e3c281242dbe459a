package io.orion.transport.rdma.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.orion.protocol.rdma.RdmaHandshake;
import io.orion.ucx.UcxConfig;

import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpMemMapParams;
import org.openucx.jucx.ucp.UcpMemory;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * A rendezvous that works in front of a UCX path that does not (docs/rdma.md §3, "A broken path"):
 * it answers the handshake as the rdma transport does, region and remote key included, with the
 * address of a UCX worker that either never makes progress ({@link Mode#SILENT}: UCX's lanes never
 * finish connecting where that takes the server's side, and nothing is ever answered) or is gone
 * ({@link Mode#GONE}: closed before the client uses it, so UCX finds no one there). Each rendezvous
 * socket stays open, as the real server keeps it, so the client sees a live server all along.
 */
final class BrokenPathServer implements AutoCloseable {
    enum Mode { SILENT, GONE }

    private final Mode mode;
    private final UcpContext context;
    private final ServerSocketChannel listener;
    private final List<AutoCloseable> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    BrokenPathServer(Mode mode, String... ucx) throws IOException {
        this.mode = mode;
        context = new UcpContext(UcxConfig.parse(ucx).contextParams());
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = Thread.ofPlatform().daemon().name("broken-path-rendezvous").start(this::acceptLoop);
    }

    String endpoint() throws IOException {
        return "rdma://127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel c = listener.accept();
                held.add(c);
                answer(c);
            } catch (IOException | RuntimeException e) {
                if (!listener.isOpen()) return;
            }
        }
    }

    /** The rdma transport's answer, with a worker of the mode's kind behind it. */
    private void answer(SocketChannel c) throws IOException {
        RdmaHandshake.Request req = RdmaHandshake.Request.read(c);
        UcpWorker w = context.newWorker(new UcpWorkerParams().requestThreadSafety());
        UcpMemory region = context.memoryMap(new UcpMemMapParams().allocate().setLength(1 << 20));
        byte[] address = bytes(w.getAddress());
        byte[] key = bytes(region.getRemoteKeyBuffer());
        int flags = RdmaHandshake.DEVICE | (req.wantsRma() ? RdmaHandshake.RMA : 0);
        RdmaHandshake.Response ok = req.wantsRma()
                ? RdmaHandshake.Response.ok(flags, 24 + (1 << 20), region.getAddress(), region.getLength(), key, address)
                : RdmaHandshake.Response.ok(flags, 24 + (1 << 20), 0, 0, new byte[0], address);
        if (mode == Mode.GONE) {
            region.deregister();
            w.close();
        } else {
            held.add(region::deregister);
            held.add(w); // never progressed
        }
        RdmaHandshake.writeFully(c, ok.encode());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Override
    public void close() throws Exception {
        listener.close();
        acceptor.join(5000);
        for (AutoCloseable c : held.reversed()) c.close();
        context.close();
    }
}
