package io.orion.k8s.rolestests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The controller's node API as a server's node agent uses it (POST /api/v1/nodes, PUT
 * …/heartbeat), recording every registration: the test asks when, and with what, a node joined.
 */
final class RecordingController implements AutoCloseable {
    private final HttpServer http;
    final List<String> registrations = new CopyOnWriteArrayList<>();

    RecordingController() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/nodes", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (ex.getRequestMethod().equals("POST") && ex.getRequestURI().getPath().equals("/api/v1/nodes")) {
                registrations.add(body);
                answer(ex, 201, body);
            } else if (ex.getRequestMethod().equals("PUT") && ex.getRequestURI().getPath().endsWith("/heartbeat")) {
                answer(ex, 200, "{\"heartbeatSeconds\":1,\"vgpus\":[]}");
            } else {
                answer(ex, 404, "{\"error\":\"not here\"}");
            }
        });
        http.start();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    String url() { return "http://127.0.0.1:" + http.getAddress().getPort(); }

    @Override
    public void close() { http.stop(0); }
}
