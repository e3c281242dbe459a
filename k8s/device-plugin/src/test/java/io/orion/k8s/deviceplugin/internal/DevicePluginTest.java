package io.orion.k8s.deviceplugin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.orion.k8s.client.ControllerClient;
import io.orion.k8s.deviceplugin.internal.v1beta1.ContainerAllocateResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.Device;
import io.orion.k8s.deviceplugin.internal.v1beta1.ListAndWatchResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.Mount;
import io.orion.k8s.deviceplugin.internal.v1beta1.RegisterRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin against the test kubelet over real unix sockets, with a controller that answers
 * over HTTP: registration, ListAndWatch updates, Allocate, a kubelet restart, an unreachable
 * controller.
 */
class DevicePluginTest {
    @TempDir Path dir;

    private static AllocationAnswers answers(String controller) {
        return new AllocationAnswers("virtaitech.com/gpu", controller, "/usr/lib/orion", "/usr/lib/orion", true,
                "/dev/shm/orion", 0, 0);
    }

    private PluginRunner runner(int port, PluginService service, Duration refresh) {
        String address = "127.0.0.1:" + port;
        return new PluginRunner(dir, "orion-vgpu.sock", "virtaitech.com/gpu",
                new Capacity(ControllerClient.of(address, Duration.ofSeconds(2)), 0, 256), address, refresh, service);
    }

    private static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void registersAdvertisesUpdatesAllocatesAndReRegistersAfterAKubeletRestart() throws Exception {
        try (FakeController controller = new FakeController(0); TestKubelet kubelet = new TestKubelet(dir)) {
            PluginService service = new PluginService(answers("orion-controller.orion:9123"));
            try (PluginRunner plugin = runner(controller.port(), service, Duration.ofMillis(300))) {
                plugin.start();
                await("registration", () -> kubelet.registrations.size() == 1);
                RegisterRequest r = kubelet.registrations.get(0);
                assertEquals("v1beta1", r.getVersion());
                assertEquals("orion-vgpu.sock", r.getEndpoint());
                assertEquals("virtaitech.com/gpu", r.getResourceName());
                assertTrue(Files.exists(dir.resolve("orion-vgpu.sock")));

                ListAndWatchResponse first = kubelet.nextUpdate();
                assertEquals(8, first.getDevicesCount(), "2 GPUs x 4 slots");
                assertTrue(first.getDevicesList().stream().allMatch(d -> d.getHealth().equals("Healthy")));
                assertEquals("orion-vgpu-0", first.getDevices(0).getID());
                assertFalse(kubelet.options.getPreStartRequired());

                ContainerAllocateResponse c = kubelet.allocate(List.of("orion-vgpu-3", "orion-vgpu-5")).getContainerResponses(0);
                assertEquals("orion-controller.orion:9123", c.getEnvsOrThrow("ORION_CONTROLLER"));
                assertEquals("2", c.getEnvsOrThrow("ORION_VGPU"));
                assertEquals("/usr/lib/orion", c.getEnvsOrThrow("LD_LIBRARY_PATH"));
                assertEquals("/usr/lib/orion", c.getEnvsOrThrow("ORION_CLIENT_LIB"));
                assertFalse(c.containsEnvs("ORION_GMEM"), "left to the pod");
                Mount lib = c.getMounts(0);
                assertEquals("/usr/lib/orion", lib.getHostPath());
                assertTrue(lib.getReadOnly());
                assertEquals("/dev/shm/orion", c.getMounts(1).getContainerPath());

                // The pool grows: the open stream hears the complete new list.
                controller.gpus = 3;
                ListAndWatchResponse grown = kubelet.nextUpdate();
                assertEquals(12, grown.getDevicesCount());
                assertEquals(List.of("orion-vgpu-0", "orion-vgpu-11"),
                        List.of(grown.getDevices(0).getID(), grown.getDevices(11).getID()));

                // Kubelet restart: sockets wiped, kubelet.sock created anew; the plugin serves and registers again.
                kubelet.updates.clear();
                kubelet.restart();
                assertFalse(Files.exists(dir.resolve("orion-vgpu.sock")));
                await("re-registration", () -> kubelet.registrations.size() == 2);
                await("plugin socket served again", () -> Files.exists(dir.resolve("orion-vgpu.sock")));
                assertEquals(12, kubelet.nextUpdate().getDevicesCount());
                assertEquals("1", kubelet.allocate(List.of("orion-vgpu-7")).getContainerResponses(0).getEnvsOrThrow("ORION_VGPU"));
                assertTrue(Files.exists(dir.resolve(TestKubelet.CHECKPOINT)));
            }
            assertFalse(Files.exists(dir.resolve("orion-vgpu.sock")), "the socket goes when the plugin stops");
        }
    }

    @Test
    void waitsForTheControllerAndSaysSoInTheLog() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestKubelet kubelet = new TestKubelet(dir)) {
            PluginService service = new PluginService(answers("127.0.0.1:" + port));
            try (PluginRunner plugin = runner(port, service, Duration.ofSeconds(30))) {
                plugin.start();
                String line = "Cannot reach orion controller at 127.0.0.1:" + port + ". Retry in 2 seconds ...";
                await("the log line", () -> log().contains(line));
                assertTrue(kubelet.registrations.isEmpty(), "nothing is advertised before the controller answers");
                assertEquals(0, service.advertised());
                // The controller comes up: within one retry (2 s) the plugin registers with its slots.
                try (FakeController controller = new FakeController(port)) {
                    await("registration once the controller answers", () -> kubelet.registrations.size() == 1);
                    assertEquals(8, kubelet.nextUpdate().getDevicesCount());
                }
                // Gone again: the advertised slots stay as they were (nothing new), and the line repeats;
                // a kubelet restart meanwhile is still followed, with the slots last known.
                long before = log().lines().filter(l -> l.contains(line)).count();
                kubelet.updates.clear();
                kubelet.restart(); // also wakes the loop at once instead of after 30 s
                await("the line again", () -> log().lines().filter(l -> l.contains(line)).count() > before);
                await("re-registration without the controller", () -> kubelet.registrations.size() == 2);
                assertEquals(8, kubelet.nextUpdate().getDevicesCount());
                assertEquals(8, service.advertised());
            }
        }
    }

    private static String log() {
        try {
            return Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void slotIdsAndCapacityLimits() {
        List<Device> d = Devices.slots(3);
        assertEquals(List.of("orion-vgpu-0", "orion-vgpu-1", "orion-vgpu-2"), d.stream().map(Device::getID).toList());
        assertTrue(d.stream().allMatch(x -> x.getID().length() <= 63));
    }

    @Test
    void resourceNamesTheKubeletWouldRefuseAreRefusedHere() {
        DevicePluginComponent.checkResourceName("virtaitech.com/gpu");
        for (String bad : List.of("gpu", "kubernetes.io/gpu", "local/gpu", "a.b/c/d", "/gpu", "x.io/")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DevicePluginComponent.checkResourceName(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void defaultsOnlyWhenConfigured() {
        ContainerAllocateResponse c = new AllocationAnswers("virtaitech.com/gpu", "ctl:9123", "", "/usr/lib/orion", true, "", 4096, 50)
                .forContainer(1);
        assertEquals("4096", c.getEnvsOrThrow("ORION_GMEM"));
        assertEquals("50", c.getEnvsOrThrow("ORION_RATIO"));
        assertFalse(c.containsEnvs("LD_LIBRARY_PATH"), "no library mount, no library path");
        assertEquals(0, c.getMountsCount());
    }
}
