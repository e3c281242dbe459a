package io.orion.transport.rdma.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import io.orion.protocol.rdma.RdmaHandshake;
import io.orion.ucx.UcxConfig;

import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpTagMessage;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * A client that does by hand what docs/protocol.md §6b says: the rendezvous over TCP, an endpoint
 * to the connection's worker, frames as tagged messages, and puts and gets on the server's
 * region with its remote key. Everything runs on the calling thread.
 */
final class HandMadeClient implements AutoCloseable {
    final SocketChannel socket;
    final UcpContext context;
    final UcpWorker worker;
    final UcpEndpoint ep;
    final RdmaHandshake.Response response;
    final UcpRemoteKey rkey;
    final Arena arena = Arena.ofShared();

    HandMadeClient(int port, int regionMiB, boolean wantRma, String... ucx) throws IOException {
        context = new UcpContext(UcxConfig.parse(ucx).contextParams());
        worker = context.newWorker(new UcpWorkerParams().requestThreadSafety());
        socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        RdmaHandshake.writeFully(socket, new RdmaHandshake.Request(ProcessHandle.current().pid(), regionMiB,
                wantRma ? RdmaHandshake.WANT_RMA : 0, bytes(worker.getAddress())).encode());
        response = RdmaHandshake.Response.read(socket);
        if (response.status() != 0) {
            close();
            throw new IOException("refused " + response.status() + ": " + response.text());
        }
        ep = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(direct(response.workerAddress())).setPeerErrorHandlingMode()
                .setErrorHandler((e, s, m) -> { }));
        rkey = response.rma() ? ep.unpackRemoteKey(direct(response.remoteKey())) : null;
    }

    static ByteBuffer direct(byte[] b) {
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    void await(UcpRequest r) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!r.isCompleted()) {
            worker.progress();
            if (System.nanoTime() > deadline) throw new IOException("a UCX request did not complete within 10 s");
        }
        if (r.getStatus() != 0) throw new IOException("UCX status " + r.getStatus());
    }

    void send(ByteBuffer frame) throws Exception {
        ByteBuffer d = ByteBuffer.allocateDirect(frame.remaining()).put(frame.duplicate()).flip();
        await(ep.sendTaggedNonBlocking(d, RdmaHandshake.FRAME_TAG, null));
    }

    /** The next frame, or null when none came within {@code millis}. */
    ByteBuffer receive(long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        UcpTagMessage m;
        while ((m = worker.tagProbeNonBlocking(RdmaHandshake.FRAME_TAG, -1L, true)) == null) {
            worker.progress();
            if (System.nanoTime() > deadline) return null;
        }
        ByteBuffer in = ByteBuffer.allocateDirect((int) m.getRecvLength());
        await(worker.recvTaggedMessageNonBlocking(in, m, null));
        return in;
    }

    ByteBuffer roundTrip(ByteBuffer frame) throws Exception {
        send(frame);
        ByteBuffer r = receive(10_000);
        if (r == null) throw new IOException("no reply within 10 s");
        return r;
    }

    /** Writes {@code src} into the server's region at {@code offset}, remotely complete on return. */
    void put(MemorySegment src, long offset) throws Exception {
        await(ep.putNonBlocking(src.address(), src.byteSize(), response.regionAddress() + offset, rkey, null));
        await(ep.flushNonBlocking(null));
    }

    void get(long offset, MemorySegment dst) throws Exception {
        await(ep.getNonBlocking(response.regionAddress() + offset, rkey, dst.address(), dst.byteSize(), null));
    }

    @Override
    public void close() throws IOException {
        socket.close();
        if (rkey != null) rkey.close();
        if (ep != null) {
            UcpRequest r = ep.closeNonBlockingForce();
            try {
                for (int i = 0; i < 100_000 && r != null && !r.isCompleted(); i++) worker.progress();
            } catch (Exception ignored) {
                // the server may be gone already
            }
        }
        worker.close();
        context.close();
        arena.close();
    }
}
