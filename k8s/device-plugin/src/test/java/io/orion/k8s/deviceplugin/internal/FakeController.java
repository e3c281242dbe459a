package io.orion.k8s.deviceplugin.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/** The controller's GET /api/v1/gpus, with GPUs of a settable number of vGPU slots each. */
final class FakeController implements AutoCloseable {
    private final HttpServer http;
    volatile int gpus = 2;
    volatile int slotsPerGpu = 4;

    FakeController(int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        http.createContext("/api/v1/gpus", ex -> {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < gpus; i++)
                b.append(i == 0 ? "" : ",").append("{\"uuid\":\"GPU-").append(i).append("\",\"vgpuSlots\":").append(slotsPerGpu).append('}');
            byte[] body = b.append(']').toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
    }

    int port() { return http.getAddress().getPort(); }

    @Override
    public void close() { http.stop(0); }
}
