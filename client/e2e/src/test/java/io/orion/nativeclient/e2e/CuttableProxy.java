package io.orion.nativeclient.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between clients and a server whose connections can be cut at once, as a network
 * fault would. It can also lose what clients send ({@link #swallow}): the bytes seem sent but never
 * reach the server, as frames in flight in a connection that is about to die.
 */
final class CuttableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    /** Bytes from clients that never reached the server, since {@link #swallow}. */
    final AtomicLong swallowed = new AtomicLong();
    private volatile boolean swallowing;

    CuttableProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
    }

    int port() { return listener.getLocalPort(); }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                connections.incrementAndGet();
                pipe(client, server, true);
                pipe(server, client, false);
            } catch (IOException e) {
                // listener closed, or the server refused: the client sees a closed connection
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean fromClient) {
        Thread.ofPlatform().daemon().name("proxy-pipe").start(() -> {
            byte[] buf = new byte[1 << 16];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (fromClient && swallowing) {
                        swallowed.addAndGet(n);
                        continue;
                    }
                    out.write(buf, 0, n);
                    bytes.addAndGet(n);
                }
            } catch (IOException e) {
                // cut, or the peer went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    /**
     * From now on what clients send is read and dropped; what the server sends still arrives. Call
     * it while the connections are idle (between two calls of the program), so that the server
     * sees whole frames only.
     */
    void swallow() {
        swallowing = true;
    }

    /** Closes every connection through the proxy; new ones are still accepted. */
    void cut() {
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
