package io.orion.launcher.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller is killed with SIGKILL in the middle of a stream of allocations. After a
 * restart from the same folder, every allocation a client was told about is there exactly once,
 * and the pool's usage adds up to what the allocations hold.
 */
class ControllerCrashTest {

    private static final Pattern ID = Pattern.compile("\"id\" : \"(alloc-[0-9a-f]+)\"");

    @Test
    void noAllocationIsLostOrDuplicatedBySigkill(@TempDir Path home) throws Exception {
        List<String> told = new ArrayList<>();
        try (RoleProcess controller = new RoleProcess("controller", home)) {
            controller.start(Duration.ofSeconds(60));
            HttpResponse<String> node = controller.send("POST", "api/v1/nodes", """
                    {"name":"n1","address":"10.0.0.1","transports":{"tcp":"tcp://10.0.0.1:9960"},
                     "gpus":[{"uuid":"GPU-1","model":"NVIDIA H200","memoryMiB":143771,"smCount":132,"ccMajor":9,"ccMinor":0,"vgpuSlots":100},
                             {"uuid":"GPU-2","model":"NVIDIA H200","memoryMiB":143771,"smCount":132,"ccMajor":9,"ccMinor":0,"vgpuSlots":100}]}""");
            assertEquals(201, node.statusCode(), node.body());

            ConcurrentLinkedQueue<String> granted = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            clients.add(heartbeats(controller, stop));
            for (int t = 0; t < 3; t++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> r = controller.send("POST", "api/v1/allocations",
                                    "{\"count\":1,\"memoryMiB\":64,\"ratio\":1,\"owner\":\"crash-test\"}");
                            if (r.statusCode() == 201) {
                                Matcher m = ID.matcher(r.body());
                                if (m.find()) granted.add(m.group(1));
                            }
                        } catch (Exception killed) {
                            return; // the controller is gone: this client's stream ends
                        }
                    }
                }));
            }
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (granted.size() < 60 && System.nanoTime() < until) Thread.sleep(20);
            controller.kill(); // mid-stream
            stop.set(true);
            for (Thread c : clients) c.join();
            told.addAll(granted);
            assertTrue(told.size() >= 20, "allocations granted before the kill: " + told.size() + "\n" + controller.log());
        }

        try (RoleProcess restarted = new RoleProcess("controller", home)) {
            restarted.start(Duration.ofSeconds(60));
            AtomicBoolean stop = new AtomicBoolean();
            Thread beats = heartbeats(restarted, stop); // the node's server is still there
            String body = restarted.get("api/v1/allocations").body();
            List<String> after = new ArrayList<>();
            Matcher m = ID.matcher(body);
            while (m.find()) after.add(m.group(1));
            Set<String> unique = new HashSet<>(after);
            assertEquals(after.size(), unique.size(), "an allocation appears twice after the restart");
            List<String> lost = told.stream().filter(id -> !unique.contains(id)).toList();
            assertTrue(lost.isEmpty(), lost.size() + " of " + told.size() + " allocations lost: " + lost);
            // anything more was committed but its answer died with the process: its lease will lapse
            assertTrue(unique.size() - told.size() <= 3, "more than one unanswered allocation per client: " + (unique.size() - told.size()));
            String gpus = restarted.get("api/v1/gpus").body();
            long allocated = 0;
            Matcher mem = Pattern.compile("\"allocatedMemoryMiB\" : (\\d+)").matcher(gpus);
            while (mem.find()) allocated += Long.parseLong(mem.group(1));
            assertEquals(64L * unique.size(), allocated, "the GPUs' usage adds up to the allocations");
            assertTrue(restarted.log().contains("pool restored: 1 node(s), " + unique.size() + " allocation(s)"), restarted.log());
            stop.set(true);
            beats.join();
        }
    }

    /** The node's server, as far as the controller can tell: a heartbeat every second. */
    private static Thread heartbeats(RoleProcess controller, AtomicBoolean stop) {
        return Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    controller.send("PUT", "api/v1/nodes/n1/heartbeat", "{}");
                    Thread.sleep(1000);
                } catch (Exception gone) {
                    return;
                }
            }
        });
    }
}
