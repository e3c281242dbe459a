import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The client of 'bin/orion console': connects to a platform's remote console, sends what is
 * typed (or piped) and prints what comes back. At the end of input it half-closes, so piped
 * commands still get all their answers. Run as a source file: java OrionConsole.java HOST PORT
 */
public class OrionConsole {
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9124;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 3000);
        } catch (ConnectException e) {
            System.err.println("orion console: nothing listens on " + host + ":" + port
                    + ". Start the platform (bin/orion standalone) or give HOST:PORT.");
            System.exit(1);
        }
        Thread reader = Thread.ofPlatform().start(() -> copy(socket));
        try (OutputStream out = socket.getOutputStream()) {
            InputStream in = System.in;
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            socket.shutdownOutput(); // the console ends the session; the reader drains the answers
            reader.join();
        } catch (IOException e) {
            reader.join(); // the platform closed first (e.g. 'exit'): print what it sent
        }
    }

    private static void copy(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                System.out.write(buf, 0, n);
                System.out.flush();
            }
        } catch (IOException e) {
            // connection gone: nothing more to print
        }
        if (!socket.isClosed()) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closing
            }
        }
        System.out.println();
        System.exit(0);
    }
}
