package io.orion.k8s.rolestests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes role jars as processes, set up the way the chart sets them up. */
class KubernetesRolesTest {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir Path homes;

    private static Map<String, String> storeConfig(String apiServer, String identity) {
        return Map.of("io.orion.controller", "store.target=(orion.store=kubernetes)\n",
                "io.orion.k8s.store", "apiServer=" + apiServer + "\nnamespace=orion\nidentity=" + identity
                        + "\nleaseDurationSeconds=3\nrenewDeadlineSeconds=2\nretryPeriodSeconds=1\n");
    }

    @Test
    void aControllerReplicaTakesOverWhenTheLeaderIsKilledAndKeepsTheAllocation() throws Exception {
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init();
        String url = api.url("/").replaceAll("/$", "");
        try (Role a = new Role("controller-k8s", homes.resolve("a"), storeConfig(url, "replica-a"));
             Role b = new Role("controller-k8s", homes.resolve("b"), storeConfig(url, "replica-b"))) {
            a.start(Map.of("POD_NAME", "replica-a"));
            b.start(Map.of("POD_NAME", "replica-b"));
            a.await("a leader", START, () -> a.status("/api/v1/pool") == 200 || b.status("/api/v1/pool") == 200);
            Role leader = a.status("/api/v1/pool") == 200 ? a : b, follower = leader == a ? b : a;
            follower.await("the follower's REST API", START, () -> follower.status("/api/v1/pool") == 404);
            Thread.sleep(1500);
            assertEquals(404, follower.status("/api/v1/pool"), () -> "a follower runs no pool (and is not Ready in the chart):\n"
                    + follower.log().lines().filter(l -> l.matches(".*(Lease|lead|store|Store|ERROR|WARN).*")).limit(40).reduce("", (x, y) -> x + y + "\n"));

            assertEquals(201, leader.send("POST", "/api/v1/nodes", """
                    {"name":"gpu-1","address":"10.0.0.1","transports":{"tcp":"10.0.0.1:9960"},
                     "gpus":[{"uuid":"GPU-1","model":"NVIDIA H200","memoryMiB":143771,"smCount":132,"ccMajor":9,"ccMinor":0,"vgpuSlots":8}]}""")
                    .statusCode());
            var made = leader.send("POST", "/api/v1/allocations", "{\"count\":1,\"memoryMiB\":4096,\"ratio\":50,\"owner\":\"pod default/train\"}");
            assertEquals(201, made.statusCode(), made.body());
            Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"(alloc-[^\"]+)\"").matcher(made.body());
            assertTrue(id.find(), made.body());

            leader.kill();
            follower.await("the follower to lead", Duration.ofSeconds(30), () -> follower.status("/api/v1/pool") == 200);
            var kept = follower.send("GET", "/api/v1/allocations/" + id.group(1), null);
            assertEquals(200, kept.statusCode(), "the allocation survived the leader's death: " + kept.body());
            assertTrue(follower.log().contains("takes over Lease orion/orion-controller from " + (leader == a ? "replica-a" : "replica-b")
                    + " (expired)"), follower.log());
        } finally {
            api.destroy();
        }
    }

    @Test
    void theTroubleshootingLinesComeFromTheRoleRuntimes() throws Exception {
        int nobody = Role.freePort();
        try (Role plugin = new Role("deviceplugin", homes.resolve("dp"), Map.of("io.orion.k8s.deviceplugin",
                     "pluginDirectory=" + homes.resolve("dp/plugins") + "\nclientLibraryHostPath=\n"));
             Role helper = new Role("helper", homes.resolve("helper"), Map.of());
             Role server = new Role("server-k8s", homes.resolve("server"), Map.of(
                     "io.orion.transport.shm", "directory=" + homes.resolve("server/shm") + "\n",
                     "io.orion.transport.tcp", "port=" + Role.freePort() + "\n"))) {
            plugin.start(Map.of("ORION_CONTROLLER", "127.0.0.1:" + nobody));
            helper.start(Map.of("ORION_BIND_NET", "nosuchnic0", "NODE_NAME", "node-1"));
            server.start(Map.of("ORION_BIND_NET", "nosuchnic1", "NODE_NAME", "node-1"));
            for (var r : List.of(
                    Map.entry(plugin, "Cannot reach orion controller at 127.0.0.1:" + nobody + ". Retry in 2 seconds ..."),
                    Map.entry(helper, "Waiting for network interface nosuchnic0"),
                    Map.entry(server, "Waiting for net nosuchnic1 becoming ready ..."))) {
                r.getKey().await("'" + r.getValue() + "'", START, () -> r.getKey().log().contains(r.getValue()));
            }
            // ... and they repeat: each waits and retries
            for (var r : List.of(Map.entry(plugin, "Cannot reach orion controller"), Map.entry(helper, "Waiting for network interface"))) {
                r.getKey().await("the line repeated", Duration.ofSeconds(15),
                        () -> r.getKey().log().lines().filter(l -> l.contains(r.getValue())).count() >= 2);
            }
        }
    }
}
