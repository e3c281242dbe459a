package io.orion.client.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.orion.protocol.Wire;

/**
 * A TCP proxy between a client and the server that can lose frames on purpose: {@link #holdRequests}
 * swallows what the client sends from then on, {@link #holdReplies} what the server answers, and
 * {@link #cut} breaks every connection. New connections forward normally again. It delimits frames
 * by their headers, so whole frames are lost, as in a connection that dies between two writes.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int serverPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean holdRequests, holdReplies;
    private volatile int swallowed;

    CuttingProxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(this::acceptLoop);
    }

    String endpoint() { return "tcp://127.0.0.1:" + listener.getLocalPort(); }

    void holdRequests() { holdRequests = true; }

    void holdReplies() { holdReplies = true; }

    /** Frames swallowed since the proxy started. */
    int swallowed() { return swallowed; }

    /** Breaks every connection; later connections forward everything. */
    void cut() throws IOException {
        holdRequests = false;
        holdReplies = false;
        for (Socket s : open) s.close();
        open.clear();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress("127.0.0.1", serverPort));
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                Thread.ofPlatform().daemon().start(() -> pump(client, server, true));
                Thread.ofPlatform().daemon().start(() -> pump(server, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Copies frames from one socket to the other, dropping them while the direction is held. */
    private void pump(Socket from, Socket to, boolean requests) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] header = new byte[Wire.HEADER_SIZE];
            while (true) {
                if (in.readNBytes(header, 0, header.length) < header.length) break;
                int len = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
                byte[] payload = in.readNBytes(len);
                if (payload.length < len) break;
                if (requests ? holdRequests : holdReplies) {
                    swallowed++;
                    continue;
                }
                out.write(header);
                out.write(payload);
                out.flush();
            }
        } catch (IOException e) {
            // the connection was cut
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
