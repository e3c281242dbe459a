package io.orion.k8s.scheduler.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;

import io.orion.testing.Await;
import io.orion.testing.Configs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** The extender over real HTTP in a real framework, as kube-scheduler calls it. */
@ExtendWith(ServiceExtension.class)
class ExtenderIT {
    private static final String BASE = "http://127.0.0.1:18288/orion-scheduler";
    private final HttpClient http = HttpClient.newHttpClient();

    @InjectService ConfigurationAdmin cm;

    private HttpResponse<String> post(String verb, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(BASE + verb)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Test
    void filterPrioritizeAndHealthOverHttp() throws Exception {
        HttpServer pool = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pool.createContext("/api/v1/nodes", ex -> answer(ex, "[{\"name\":\"gpu-1\",\"state\":\"up\"}]"));
        pool.createContext("/api/v1/gpus", ex -> answer(ex, """
                [{"uuid":"GPU-a","node":"gpu-1","memoryMiB":81920,"allocatedMemoryMiB":0,"allocatedRatio":0,"vgpus":0,"vgpuSlots":4}]"""));
        pool.start();
        try {
            // one update: the extender starts once, with both settings
            cm.getConfiguration("io.orion.k8s.scheduler", "?").update(new java.util.Hashtable<>(java.util.Map.of(
                    "controllerAddress", "127.0.0.1:" + pool.getAddress().getPort(), "placement", "local")));
            Await.until("the extender's health", Duration.ofSeconds(20), () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(BASE + "/healthz")).build(),
                            HttpResponse.BodyHandlers.ofString()).body().equals("ok");
                } catch (Exception notYet) {
                    return false;
                }
            });
            String args = """
                    {"Pod":{"metadata":{"name":"p","namespace":"default","uid":"u"},"spec":{"schedulerName":"orion-scheduler",
                     "containers":[{"name":"c","env":[{"name":"ORION_GMEM","value":"4096"},{"name":"ORION_RATIO","value":"50"}],
                     "resources":{"limits":{"virtaitech.com/gpu":"1"}}}]}},"Nodes":null,"NodeNames":["gpu-1","cpu-1"]}""";
            HttpResponse<String> filter = post("/filter", args);
            assertEquals(200, filter.statusCode());
            assertTrue(filter.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), filter.headers().toString());
            assertTrue(filter.body().contains("\"NodeNames\":[\"gpu-1\"]"), filter.body());
            assertTrue(filter.body().contains("\"FailedNodes\":{\"cpu-1\":\"no GPU of this node has room for 1 vGPU(s) of 4096 MiB and 50%\"}"),
                    filter.body());
            assertTrue(filter.body().endsWith("\"Error\":\"\"}"), filter.body());

            HttpResponse<String> prioritize = post("/prioritize", args);
            assertEquals("[{\"Host\":\"gpu-1\",\"Score\":10},{\"Host\":\"cpu-1\",\"Score\":0}]", prioritize.body());

            assertEquals(404, post("/preempt", args).statusCode());
            assertEquals(400, post("/filter", "{not json").statusCode());
        } finally {
            Configs.reset(cm, "io.orion.k8s.scheduler");
            pool.stop(0);
        }
    }
}
