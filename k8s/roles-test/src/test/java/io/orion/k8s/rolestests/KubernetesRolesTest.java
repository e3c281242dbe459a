package io.orion.k8s.rolestests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
            // The device plugin's and the helper's starts say nothing about policies, backends or
            // transports, which they do not use: the only warning is the documented line.
            plugin.awaitStarted();
            helper.awaitStarted();
            assertEquals(List.of(), plugin.problems().stream().filter(l -> !l.contains("Cannot reach orion controller at ")).toList());
            assertEquals(List.of(), helper.problems());
        }
    }

    /** A TCP connection to address:port succeeds. */
    private static boolean accepts(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theServerListensNowhereAndJoinsNoPoolUntilItsInterfaceIsUpThenBindsToItUnderNodeName() throws Exception {
        int port = Role.freePort();
        try (RecordingController controller = new RecordingController();
             Role server = new Role("server-k8s", homes.resolve("server"), Map.of(
                     "io.orion.transport.shm", "directory=" + homes.resolve("server/shm") + "\n",
                     "io.orion.transport.tcp", "port=" + port + "\n",
                     "io.orion.agent", "controller=" + controller.url() + "\n",
                     "io.orion.k8s.netwait", "retrySeconds=1\n"))) {
            server.start(Map.of("ORION_BIND_NET", "nosuchnic1", "NODE_NAME", "gpu-node-7"));
            server.awaitStarted();
            server.await("the wait repeated", Duration.ofSeconds(20),
                    () -> server.log().lines().filter(l -> l.contains("Waiting for net nosuchnic1 becoming ready ...")).count() >= 3);
            assertFalse(accepts("127.0.0.1", port), "nothing listens on the server port while the interface is missing:\n" + server.orionLog());
            assertEquals(List.of(), controller.registrations, "the node joins no pool while the interface is missing");
            assertEquals(List.of(), server.problems(), "waiting is no problem: INFO lines only");

            // The interface appears: here the ConfigMap names one that is up (loopback), as an
            // operator correcting bindNet does; netwait looks again and finds it.
            server.configure("io.orion.k8s.netwait", "interfaceName=lo\nretrySeconds=1\n");
            server.await("the bind address", Duration.ofSeconds(30), () -> server.log().contains("net lo is ready: binding to 127.0.0.1"));
            // The agent and the transports start together; a registration made before the TCP
            // listener opened is followed at once by one that has it (a transport change re-registers).
            String endpoint = "\"tcp\":\"tcp://127.0.0.1:" + port + "\"";
            server.await("the node's registration with its TCP endpoint on the interface", Duration.ofSeconds(30),
                    () -> controller.registrations.stream().anyMatch(r -> r.contains(endpoint)));
            assertTrue(accepts("127.0.0.1", port), "the listener is up");
            for (String r : controller.registrations) {
                assertTrue(r.contains("\"name\":\"gpu-node-7\""), "registered under NODE_NAME: " + r);
                assertTrue(r.contains("\"address\":\"127.0.0.1\""), r);
            }
            // bound to that address, not to every interface
            String other = otherAddress();
            if (other != null) assertFalse(accepts(other, port), "the listener is on 127.0.0.1 only, not on " + other);
            assertEquals(List.of(), server.problems());
        }
    }

    /** An IPv4 address of this machine other than loopback, or null on a machine without one. */
    private static String otherAddress() throws IOException {
        for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) continue;
            for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) if (a instanceof Inet4Address) return a.getHostAddress();
        }
        return null;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** kube-scheduler's own ExtenderArgs fixture (k8s/scheduler's test resources), its pod given these containers. */
    private static String extenderArgs(String containers) throws IOException {
        ObjectNode args = (ObjectNode) JSON.readTree(Files.readString(Path.of(System.getProperty("orion.scheduler.fixtures"), "ExtenderArgs.upstream.json")));
        if (containers != null) ((ObjectNode) args.at("/Pod/spec")).set("containers", JSON.readTree(containers));
        return JSON.writeValueAsString(args);
    }

    private static String vgpuContainer(int gmemMiB) {
        return "[{\"name\":\"app\",\"image\":\"x\",\"resources\":{\"limits\":{\"virtaitech.com/gpu\":\"1\"}},"
                + "\"env\":[{\"name\":\"ORION_GMEM\",\"value\":\"" + gmemMiB + "\"},{\"name\":\"ORION_RATIO\",\"value\":\"50\"}]}]";
    }

    @Test
    void theSchedulerFiltersAgainstAControllerAndTheMonitorExportsACpuOnlyNode() throws Exception {
        try (Role controller = new Role("controller", homes.resolve("controller"), Map.of())) {
            controller.start(Map.of());
            controller.await("the controller's pool", START, () -> controller.status("/api/v1/pool") == 200);
            String address = "127.0.0.1:" + controller.httpPort;
            // as the chart writes it: the extender waits for its file
            try (Role scheduler = new Role("scheduler", homes.resolve("scheduler"), Map.of("io.orion.k8s.scheduler", "controllerAddress=" + address + "\n"));
                 Role monitor = new Role("monitor", homes.resolve("monitor"), Map.of())) {
                schedulerAndMonitor(controller, scheduler, monitor, address);
            }
        }
    }

    private void schedulerAndMonitor(Role controller, Role scheduler, Role monitor, String address) throws Exception {
        scheduler.start(Map.of());
        monitor.start(Map.of("ORION_CONTROLLER", address, "NODE_NAME", "cpu-node-1"));
        assertEquals(201, controller.send("POST", "/api/v1/nodes", """
                {"name":"gpu-1","address":"10.0.0.1","transports":{"tcp":"tcp://10.0.0.1:9960"},
                 "gpus":[{"uuid":"GPU-1","model":"NVIDIA H200","memoryMiB":143771,"smCount":132,"ccMajor":9,"ccMinor":0,"vgpuSlots":8}]}""")
                .statusCode());

        scheduler.await("the extender", START, () -> scheduler.status("/orion-scheduler/healthz") == 200);
        // upstream's own arguments: a pod that asks for no vGPU passes, in the upstream shape
        var plain = JSON.readTree(scheduler.send("POST", "/orion-scheduler/filter", extenderArgs(null)).body());
        assertEquals(List.of("node1"), List.of(JSON.convertValue(plain.path("NodeNames"), String[].class)), plain.toString());
        assertEquals("", plain.path("Error").asText(), plain.toString());
        // the same pod asking for a vGPU the pool's GPU can take, and one it cannot
        var fits = JSON.readTree(scheduler.send("POST", "/orion-scheduler/filter", extenderArgs(vgpuContainer(4096))).body());
        assertEquals(List.of("node1"), List.of(JSON.convertValue(fits.path("NodeNames"), String[].class)), fits.toString());
        var tooBig = JSON.readTree(scheduler.send("POST", "/orion-scheduler/filter", extenderArgs(vgpuContainer(200_000))).body());
        assertEquals(0, tooBig.path("NodeNames").size(), tooBig.toString());
        assertTrue(tooBig.path("FailedNodes").path("node1").asText().startsWith("the Orion pool has no room for 1 vGPU(s) of 200000 MiB"),
                tooBig.toString());

        monitor.await("/metrics", START, () -> monitor.status("/metrics") == 200);
        String metrics = monitor.send("GET", "/metrics", null).body();
        assertTrue(metrics.lines().anyMatch(l -> l.matches("orion_monitor_controller_up\\{.*node=\"cpu-node-1\".*} 1(\\.0)?")), metrics);
        if (!Files.exists(Path.of("/dev/nvidia0")))
            assertTrue(metrics.lines().anyMatch(l -> l.matches("orion_node_gpus\\{.*node=\"cpu-node-1\".*} 0(\\.0)?")), metrics);

        for (Role r : List.of(scheduler, monitor)) {
            r.awaitStarted();
            assertEquals(List.of(), r.problems(), r.role + " starts without a warning or an error");
        }
        assertEquals(List.of(), monitor.problems(), "a CPU-only node is no error");
    }
}
