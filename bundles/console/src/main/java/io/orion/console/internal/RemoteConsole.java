package io.orion.console.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain line console on a loopback TCP port: each connection gets its own Gogo session, reads
 * one command per line, prints the result and a prompt. {@code bin/orion console} attaches to it.
 */
@Component(immediate = true, configurationPid = RemoteConsole.PID, service = RemoteConsole.class)
@Designate(ocd = RemoteConsoleConfig.class)
public final class RemoteConsole {

    static final String PID = "io.orion.console.remote";
    static final String PROMPT = "orion> ";
    private static final Logger LOG = LoggerFactory.getLogger(RemoteConsole.class);

    private final CommandProcessor processor;
    private final ServerSocket server;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

    @Activate
    public RemoteConsole(@Reference CommandProcessor processor, RemoteConsoleConfig config,
                         org.osgi.framework.BundleContext context) {
        this.processor = processor;
        ServerSocket s = null;
        int port = config.port() >= 0 ? config.port() : launcherPort(context.getProperty("orion.console.port"));
        if (config.enabled()) {
            try {
                s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(config.host()), port));
                LOG.info("remote console on {}:{} (bin/orion console)", config.host(), s.getLocalPort());
                ServerSocket listening = s;
                Thread.ofPlatform().daemon().name("orion-console-accept").start(() -> acceptLoop(listening));
            } catch (IOException e) {
                LOG.error("remote console cannot listen on {}:{}: {}; set {} port to another value",
                        config.host(), port, e.getMessage(), PID);
                closeQuietly(s);
                s = null;
            }
        }
        this.server = s;
    }

    static int launcherPort(String property) {
        if (property == null || property.isBlank()) return 9124;
        try {
            return Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            LOG.warn("orion.console.port '{}' is not a port number; using 9124", property);
            return 9124;
        }
    }

    /** The bound port, or -1 when not listening. */
    public int port() {
        return server == null ? -1 : server.getLocalPort();
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                clients.add(client);
                Thread.ofPlatform().daemon().name("orion-console-" + client.getPort()).start(() -> serve(client));
            } catch (IOException e) {
                if (!listening.isClosed()) LOG.warn("remote console accept failed: {}", e.getMessage());
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream raw = client.getOutputStream()) {
            PrintStream out = new PrintStream(raw, true, StandardCharsets.UTF_8);
            CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
            // As in launcher/etc/gosh_profile: orion's commands first, so 'config' is orion:config, not scr:config.
            session.put("SCOPE", "orion:gogo:*");
            try {
                out.print("Orion vGPU console. Type orion:help for commands, exit to leave.\n" + PROMPT);
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = lines.readLine()) != null; ) {
                    String cmd = line.strip();
                    if (cmd.equals("exit") || cmd.equals("quit")) break;
                    if (!cmd.isEmpty()) run(session, cmd, out);
                    out.print(PROMPT);
                }
            } finally {
                session.close();
            }
        } catch (IOException e) {
            LOG.debug("console client {} left: {}", client.getRemoteSocketAddress(), e.getMessage());
        } finally {
            clients.remove(client);
        }
    }

    private static void run(CommandSession session, String cmd, PrintStream out) {
        try {
            Object result = session.execute(cmd);
            if (result != null) {
                CharSequence text = session.format(result, Converter.INSPECT);
                out.print(text);
                if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') out.print('\n');
            }
        } catch (Exception e) {
            out.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    @Deactivate
    void deactivate() {
        closeQuietly(server);
        for (Socket c : clients) closeQuietly(c);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // closing on the way out: nothing left to tell
        }
    }
}
