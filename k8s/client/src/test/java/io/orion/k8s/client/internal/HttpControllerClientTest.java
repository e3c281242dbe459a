package io.orion.k8s.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;

import io.orion.k8s.client.ControllerClient;
import io.orion.k8s.client.ControllerException;

import org.junit.jupiter.api.Test;

class HttpControllerClientTest {

    @Test
    void addressForms() {
        assertEquals("http://ctl:9123/", HttpControllerClient.base("ctl").toString());
        assertEquals("http://ctl:80/", HttpControllerClient.base("ctl:80").toString());
        assertEquals("https://ctl/", HttpControllerClient.base("https://ctl").toString());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> HttpControllerClient.base("ftp://x"));
        assertTrue(bad.getMessage().contains("'ftp://x'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HttpControllerClient.base(""));
    }

    @Test
    void answersAndErrors() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/gpus", ex -> {
            byte[] b = "[{\"uuid\":\"GPU-1\",\"vgpuSlots\":4}]".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        http.createContext("/api/v1/nope", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        http.start();
        try {
            String addr = "127.0.0.1:" + http.getAddress().getPort();
            ControllerClient c = ControllerClient.of(addr, Duration.ofSeconds(2));
            assertEquals(4, c.get("/api/v1/gpus").get(0).path("vgpuSlots").asInt());
            ControllerException e = assertThrows(ControllerException.class, () -> c.get("/api/v1/nope"));
            assertEquals(404, e.status());
        } finally {
            http.stop(0);
        }
        ControllerClient dead = ControllerClient.of("127.0.0.1:1", Duration.ofSeconds(1));
        ControllerException e = assertThrows(ControllerException.class, () -> dead.get("/api/v1/gpus"));
        assertTrue(e.unreachable());
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    }
}
