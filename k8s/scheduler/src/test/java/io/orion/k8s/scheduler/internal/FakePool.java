package io.orion.k8s.scheduler.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/** The controller's GET /api/v1/nodes and /api/v1/gpus with a fixed pool (JSON as the REST API writes it). */
final class FakePool implements AutoCloseable {
    private final HttpServer http;
    volatile String nodes;
    volatile String gpus;

    FakePool(String nodes, String gpus) throws IOException {
        this.nodes = nodes;
        this.gpus = gpus;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/nodes", ex -> answer(ex, this.nodes));
        http.createContext("/api/v1/gpus", ex -> answer(ex, this.gpus));
        http.start();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    String address() { return "127.0.0.1:" + http.getAddress().getPort(); }

    @Override
    public void close() { http.stop(0); }
}
