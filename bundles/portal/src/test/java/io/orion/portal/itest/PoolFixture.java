package io.orion.portal.itest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuUsage;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.pool.VgpuUsage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A pool for the portal's tests: one node with two GPUs, an allocation of two vGPUs, and a
 * stand-in server that heartbeats like a real one. Only the first GPU reports usage, so the
 * second one's graphs must stay empty: the screenshot check has something that must not pass.
 * Utilization follows {@link #RAMP} (one value per beat) and then stays at {@link #STEADY_UTIL}.
 */
final class PoolFixture implements AutoCloseable {

    static final String BASE = "http://127.0.0.1:18191/";
    static final String NODE = "portal-node-1";
    static final String BUSY = "GPU-PORTAL-AAAA", IDLE = "GPU-PORTAL-BBBB";
    static final long GPU_MIB = 81920;
    static final long VGPU_MIB = 8192;
    static final int[] RAMP = {10, 25, 45, 70, 90, 85, 60, 35, 20, 50, 80, 95, 75, 55};
    static final int STEADY_UTIL = 64;
    static final String PROCESS = "4711@trainer-0";

    private final PoolService pool;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("portal-test-server").unstarted(r));
    private final AtomicInteger beats = new AtomicInteger();
    final Allocation allocation;

    PoolFixture(PoolService pool) {
        this.pool = pool;
        pool.registerNode(NODE, "10.9.0.7", Map.of("tcp", "tcp://10.9.0.7:9960"), List.of(
                new GpuSpec(BUSY, "Orion Test GPU", GPU_MIB, 108, 8, 0, 8),
                new GpuSpec(IDLE, "Orion Test GPU", GPU_MIB, 108, 8, 0, 8)));
        AllocationResult r = pool.allocate(new VgpuRequest(2, VGPU_MIB, 25, "team-a", false, null), "portal-test");
        if (!(r instanceof AllocationResult.Granted g)) throw new AssertionError("the test allocation was refused: " + r);
        allocation = g.allocation();
    }

    /** Starts the stand-in server's heartbeats. */
    PoolFixture beating() {
        // Fast beats while ramping (the sampler is set to 100 ms), then a steady one a second,
        // which keeps the node up and the allocation's lease renewed for as long as the test runs.
        server.scheduleWithFixedDelay(this::beat, 0, 150, TimeUnit.MILLISECONDS);
        return this;
    }

    /** True once every ramp value has been reported. */
    boolean ramped() {
        return beats.get() > RAMP.length;
    }

    private void beat() {
        int n = beats.getAndIncrement();
        if (n > RAMP.length && n % 7 != 0) return; // after the ramp: about one beat a second
        int util = n < RAMP.length ? RAMP[n] : STEADY_UTIL;
        List<VgpuUsage> vgpus = new ArrayList<>();
        for (Vgpu v : pool.allocation(allocation.id()).map(Allocation::vgpus).orElse(List.of()))
            vgpus.add(new VgpuUsage(v.id(), PROCESS, 3000 + v.index(), 1000L * n, 4L * 1024 * 1024 * n, util / 2.0, 5L * n));
        try {
            pool.heartbeat(NODE, new NodeReport(
                    List.of(new GpuUsage(BUSY, util, util / 3, 20_000 + 300L * util, 50 + util / 5, 100 + 2.5 * util)),
                    vgpus, pool.allocation(allocation.id()).isPresent() ? List.of(allocation.id()) : List.of()));
        } catch (RuntimeException e) {
            // the node is removed at the end of a test while a beat may be on its way
        }
    }

    Vgpu vgpu(int index) {
        return allocation.vgpus().get(index);
    }

    HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(10));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + method + " " + path, e);
        }
    }

    /** GET of a REST path that must answer 200 with JSON. */
    JsonNode get(String path) {
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        return parse(r.body());
    }

    JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.allocations().forEach(a -> pool.release(a.id(), "test finished"));
        if (pool.snapshot().node(NODE).isPresent()) pool.removeNode(NODE);
    }
}
