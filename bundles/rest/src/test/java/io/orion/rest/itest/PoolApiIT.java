package io.orion.rest.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.orion.api.pool.PoolService;
import io.orion.testing.Await;
import io.orion.testing.Bundles;
import io.orion.testing.Controller;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** The pool over HTTP: register a node, allocate, resize, release, heartbeat; metrics; bad bodies named. */
@ExtendWith(ServiceExtension.class)
class PoolApiIT {

    private static final String BASE = "http://127.0.0.1:18123/";
    private final HttpClient http = HttpClient.newHttpClient();

    @InjectService ConfigurationAdmin cm;
    private PoolService pool;

    @BeforeEach
    void ready() throws Exception {
        pool = Controller.inMemory(Bundles.framework(getClass()), cm);
        Await.until("the pool API to answer", Duration.ofSeconds(30), () -> {
            try {
                return send("GET", "api/v1/pool", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> node = send("POST", "api/v1/nodes", """
                {"name":"gpu-node-1","address":"10.0.0.7","transports":{"tcp":"tcp://10.0.0.7:9960"},
                 "gpus":[{"uuid":"GPU-1111","model":"NVIDIA H200","memoryMiB":143771,"smCount":132,"ccMajor":9,"ccMinor":0,"vgpuSlots":16},
                         {"uuid":"GPU-2222","model":"NVIDIA H200","memoryMiB":143771,"smCount":132,"ccMajor":9,"ccMinor":0,"vgpuSlots":16}]}""");
        assertEquals(201, node.statusCode(), node.body());
    }

    @AfterEach
    void clean() {
        pool.allocations().forEach(a -> pool.release(a.id()));
        pool.removeNode("gpu-node-1");
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path));
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\" : \"([^\"]*)\"").matcher(json);
        if (!m.find()) throw new AssertionError("no " + name + " in " + json);
        return m.group(1);
    }

    @Test
    void allocateResizeRelease() throws Exception {
        HttpResponse<String> granted = send("POST", "api/v1/allocations",
                "{\"count\":2,\"memoryMiB\":8192,\"ratio\":30,\"groupId\":\"pod-1\",\"owner\":\"4711@worker\"}");
        assertEquals(201, granted.statusCode(), granted.body());
        String allocation = field(granted.body(), "id");
        assertTrue(granted.headers().firstValue("Location").orElse("").endsWith("/api/v1/allocations/" + allocation));
        assertTrue(granted.body().contains("\"tcp\" : \"tcp://10.0.0.7:9960\"") && granted.body().contains("GPU-2222"), granted.body());
        assertTrue(granted.body().contains("\"leaseUntil\""), granted.body());
        String vgpu = field(granted.body().substring(granted.body().indexOf("\"vgpus\"")), "id");

        HttpResponse<String> resized = send("PUT", "api/v1/vgpus/" + vgpu, "{\"memoryMiB\":16384}");
        assertEquals(200, resized.statusCode(), resized.body());
        assertTrue(resized.body().contains("\"memoryMiB\" : 16384") && resized.body().contains("\"ratio\" : 30"), resized.body());

        HttpResponse<String> tooBig = send("PUT", "api/v1/vgpus/" + vgpu, "{\"memoryMiB\":900000}");
        assertEquals(400, tooBig.statusCode());
        assertTrue(tooBig.body().contains("memoryMiB 900000"), tooBig.body());

        String gpus = send("GET", "api/v1/gpus", null).body();
        assertTrue(gpus.contains("\"allocatedMemoryMiB\" : 16384") || gpus.contains("\"allocatedMemoryMiB\" : 8192"), gpus);

        HttpResponse<String> beat = send("PUT", "api/v1/nodes/gpu-node-1/heartbeat",
                "{\"gpus\":[{\"gpuUuid\":\"GPU-1111\",\"utilPercent\":57,\"memoryUtilPercent\":10,\"memoryUsedMiB\":9000,\"temperatureC\":55,\"powerWatts\":300.5}],"
                        + "\"vgpus\":[],\"liveAllocations\":[\"" + allocation + "\"]}");
        assertEquals(200, beat.statusCode(), beat.body());
        assertTrue(beat.body().contains(vgpu) && beat.body().contains("\"heartbeatSeconds\" : 5"), beat.body());

        String metrics = send("GET", "metrics", null).body();
        assertTrue(metrics.contains("orion_gpu_utilization_percent{node=\"gpu-node-1\",gpu=\"GPU-1111\"} 57")
                || metrics.contains("orion_gpu_utilization_percent{gpu=\"GPU-1111\",node=\"gpu-node-1\"} 57"), metrics);
        assertTrue(metrics.contains("# TYPE orion_placement_latency_seconds histogram")
                && metrics.contains("orion_placement_latency_seconds_bucket{le=\"0.005\"} ")
                && metrics.contains("orion_placement_latency_seconds_bucket{le=\"+Inf\"} "), metrics);

        assertEquals(204, send("DELETE", "api/v1/allocations/" + allocation, null).statusCode());
        assertEquals(404, send("DELETE", "api/v1/allocations/" + allocation, null).statusCode());
        String events = send("GET", "api/v1/events?max=20", null).body();
        assertTrue(events.contains("ALLOCATED") && events.contains("RESIZED") && events.contains("RELEASED"), events);
    }

    @Test
    void refusalsCarryTheReasonAndBadBodiesNameTheField() throws Exception {
        HttpResponse<String> tooLarge = send("POST", "api/v1/allocations", "{\"count\":1,\"memoryMiB\":500000}");
        assertEquals(409, tooLarge.statusCode(), tooLarge.body());
        assertTrue(tooLarge.body().contains("Fail to get resource from controller") && tooLarge.body().contains("MEMORY_LARGER_THAN_ANY_GPU"), tooLarge.body());

        for (String[] c : new String[][] {
                {"{\"memoryMiB\":1}", "field 'count' is required"},
                {"{\"count\":0,\"memoryMiB\":1}", "field 'count' must be 1..64, was 0"},
                {"{\"count\":1,\"memoryMiB\":-5}", "field 'memoryMiB' must be > 0, was -5"},
                {"{\"count\":1,\"memoryMiB\":1,\"ratio\":101}", "field 'ratio' must be 1..100, was 101"},
                {"{\"count\":\"two\",\"memoryMiB\":1}", "count"},
                {"{\"count\":1,\"memoryMiB\":1,\"gpuCount\":3}", "gpuCount"}}) {
            HttpResponse<String> r = send("POST", "api/v1/allocations", c[0]);
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            assertTrue(r.body().contains(c[1]), c[0] + " -> " + r.body());
        }
        assertTrue(pool.allocations().isEmpty(), "nothing was applied");

        HttpResponse<String> badNode = send("POST", "api/v1/nodes", "{\"name\":\"n2\",\"gpus\":[{\"uuid\":\"GPU-x\",\"model\":\"m\",\"memoryMiB\":0,\"smCount\":1,\"ccMajor\":9,\"ccMinor\":0,\"vgpuSlots\":1}]}");
        assertEquals(400, badNode.statusCode(), badNode.body());
        assertTrue(badNode.body().contains("gpus[0]") && badNode.body().contains("memoryMiB must be > 0"), badNode.body());
        assertTrue(pool.snapshot().node("n2").isEmpty());

        assertEquals(404, send("PUT", "api/v1/nodes/ghost/heartbeat", "{}").statusCode());
        HttpResponse<String> drain = send("PUT", "api/v1/nodes/gpu-node-1/drain", "{}");
        assertEquals(400, drain.statusCode());
        assertTrue(drain.body().contains("field 'draining'"), drain.body());
        assertEquals(200, send("PUT", "api/v1/nodes/gpu-node-1/drain", "{\"draining\":true}").statusCode());
        assertTrue(send("GET", "api/v1/nodes/gpu-node-1", null).body().contains("\"state\" : \"draining\""));
    }
}
