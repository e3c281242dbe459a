package io.orion.k8s.rolestests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.orion.k8s.deviceplugin.internal.KubeletStandIn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Orion container of the chart as rendered in the build (k8s/chart's tests write
 * target/rendered/orion-1.33.0.yaml) started from its manifest: its command (the image's
 * /opt/orion/bin/orion, which is this repository's bin/orion), its env (values; fieldRefs
 * resolved to this test's pod), and the ConfigMap files it mounts into its deploy folder.
 *
 * <p>Only what cannot exist on this machine is replaced, each in {@link #HERE}: the cluster's
 * names and host paths, the interface, and the ports (one host here stands in for many pods, each
 * of which has its own network namespace there).
 */
class RenderedManifestsTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final String NODE = "test-node-1";
    /** The image's WORKDIR, where bin/orion and launcher/target/ROLE.jar lie (k8s/images/*&#47;Dockerfile). */
    private static final String IMAGE_ROOT = "/opt/orion/";

    @TempDir Path tmp;

    private final Path repo = Path.of(System.getProperty("orion.launcher.dir")).toAbsolutePath().normalize().getParent();
    private final Map<String, ConfigMap> configMaps = new HashMap<>();
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final Map<String, PodSpec> pods = new HashMap<>();
    /** Text replaced in env values and ConfigMap files: what cannot exist here → its stand-in. */
    private final Map<String, String> HERE = new LinkedHashMap<>();

    private void read() throws IOException {
        Path rendered = Path.of(System.getProperty("orion.chart.rendered"));
        if (!Files.exists(rendered)) throw new AssertionError(rendered + " is missing: the chart module's tests (k8s/chart) render it");
        try (KubernetesClient k = new KubernetesClientBuilder().build(); InputStream in = Files.newInputStream(rendered)) {
            for (HasMetadata o : k.load(in).items()) {
                PodSpec spec = o instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                        : o instanceof DaemonSet s ? s.getSpec().getTemplate().getSpec() : null;
                if (o instanceof ConfigMap c) configMaps.put(c.getMetadata().getName(), c);
                if (spec == null) continue;
                for (Container c : spec.getContainers()) {
                    if (c.getCommand().isEmpty() || !c.getCommand().get(0).equals(IMAGE_ROOT + "bin/orion")) continue;
                    containers.put(c.getCommand().get(1), c);
                    pods.put(c.getCommand().get(1), spec);
                }
            }
        }
        assertEquals(List.of("controller-k8s", "deviceplugin", "helper", "monitor", "scheduler", "server-k8s"),
                containers.keySet().stream().sorted().toList(), "the six Orion containers of " + rendered);
    }

    /** The stand-ins, named: the cluster's DNS names, host paths and interface do not exist here. */
    private void standIns(int controllerPort) throws IOException {
        HERE.put("orion-controller.orion-system.svc:9123", "127.0.0.1:" + controllerPort); // the controller Service
        HERE.put("/var/lib/kubelet/device-plugins", Files.createDirectories(tmp.resolve("device-plugins")).toString()); // the kubelet's folder
        HERE.put("/usr/lib/orion", Files.createDirectories(tmp.resolve("client-libs")).toString()); // the client library host path
        HERE.put("/dev/shm/orion", Files.createDirectories(tmp.resolve("shm")).toString()); // the node's shm folder
        HERE.put("port=9960", "port=" + Role.freePort()); // the server's hostPort: pods have their own ports there
    }

    private String here(String text) {
        for (Map.Entry<String, String> e : HERE.entrySet()) text = text.replace(e.getKey(), e.getValue());
        return text;
    }

    /** A container's env as its pod gets it, with this test's pod and the stand-ins. */
    private Map<String, String> env(String role, Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar v : containers.get(role).getEnv()) {
            String value;
            if (v.getValueFrom() == null) value = v.getValue();
            else if (v.getValueFrom().getFieldRef() != null) value = switch (v.getValueFrom().getFieldRef().getFieldPath()) {
                case "spec.nodeName" -> NODE;
                case "metadata.name" -> role + "-pod-0";
                case "metadata.namespace" -> "orion-system";
                case "status.podIP", "status.hostIP" -> "127.0.0.1";
                default -> throw new AssertionError(role + ": the test cannot resolve fieldRef " + v.getValueFrom().getFieldRef().getFieldPath());
            };
            else if (v.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = v.getValueFrom().getConfigMapKeyRef();
                value = configMaps.get(ref.getName()).getData().get(ref.getKey());
            } else throw new AssertionError(role + ": the test cannot resolve env " + v.getName());
            env.put(v.getName(), here(value));
        }
        // The stand-ins for what a pod has of its own: its filesystem, its network namespace, its interface.
        assertEquals("/var/lib/orion", env.get("ORION_HOME"), role);
        env.put("ORION_HOME", home.toString());
        env.put("ORION_HTTP_PORT", String.valueOf(port(role)));
        env.put("ORION_CONSOLE_PORT", String.valueOf(consolePorts.computeIfAbsent(role, r -> free())));
        env.computeIfPresent("ORION_BIND_NET", (k, nic) -> "lo");
        env.put("JAVA_OPTS", "-Xmx256m"); // six JVMs on one small test machine
        return env;
    }

    private final Map<String, Integer> httpPorts = new HashMap<>(), consolePorts = new HashMap<>();

    private int port(String role) { return httpPorts.computeIfAbsent(role, r -> free()); }

    private static int free() {
        try {
            return Role.freePort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The ConfigMap files the container mounts at $ORION_HOME/deploy, as deploy/*.cfg of a Role. */
    private Map<String, String> deployFiles(String role) {
        Map<String, String> files = new LinkedHashMap<>();
        for (VolumeMount m : containers.get(role).getVolumeMounts()) {
            if (!m.getMountPath().equals("/var/lib/orion/deploy")) continue;
            Volume v = pods.get(role).getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
            ConfigMap c = configMaps.get(v.getConfigMap().getName());
            c.getData().forEach((file, text) -> files.put(file, here(text)));
        }
        return files;
    }

    private Role role(String role, Map<String, String> extraFiles) throws IOException {
        Path home = tmp.resolve(role);
        Role r = new Role(role, home, port(role), consolePorts.computeIfAbsent(role, x -> free()), Map.of());
        Map<String, String> files = deployFiles(role);
        files.putAll(extraFiles);
        for (Map.Entry<String, String> f : files.entrySet()) Files.writeString(home.resolve("deploy").resolve(f.getKey()), f.getValue());
        return r;
    }

    /** The container's command with the image's root mapped to this repository. */
    private List<String> command(String role) {
        List<String> cmd = new ArrayList<>(containers.get(role).getCommand());
        cmd.addAll(containers.get(role).getArgs());
        cmd.set(0, repo.resolve(cmd.get(0).substring(IMAGE_ROOT.length())).toString());
        return cmd;
    }

    @Test
    void everyOrionContainerRunsFromItsRenderedCommandEnvAndConfigMap() throws Exception {
        read();
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init();
        List<Role> started = new ArrayList<>();
        KubeletStandIn kubelet = null;
        try {
            int controllerPort = port("controller-k8s");
            standIns(controllerPort);
            // The API server: the pod's service account and KUBERNETES_SERVICE_HOST cannot exist here;
            // the store's own apiServer setting points the controller at fabric8's mock instead.
            String store = deployFiles("controller-k8s").get("io.orion.k8s.store.cfg")
                    + "apiServer=" + api.url("/").replaceAll("/$", "") + "\nnamespace=orion-system\n";
            Role controller = role("controller-k8s", Map.of("io.orion.k8s.store.cfg", store));
            started.add(controller.exec(command("controller-k8s"), env("controller-k8s", controller.home)));
            controller.await("the leader's pool", START, () -> controller.status("/api/v1/pool") == 200);
            assertTrue(controller.orionLog().contains("controller-k8s-pod-0 is the leader (Lease orion-system/orion-controller)"), controller.orionLog());

            // A GPU node: this machine's server has no GPU, so the pool's capacity comes from one
            // registered the way a GPU node's agent does.
            assertEquals(201, controller.send("POST", "/api/v1/nodes", """
                    {"name":"gpu-1","address":"10.0.0.1","transports":{"tcp":"tcp://10.0.0.1:9960"},
                     "gpus":[{"uuid":"GPU-1","model":"NVIDIA H200","memoryMiB":143771,"smCount":132,"ccMajor":9,"ccMinor":0,"vgpuSlots":8}]}""")
                    .statusCode());
            // The kubelet: the project's TestKubelet on a real unix socket in the stand-in device-plugin folder.
            kubelet = new KubeletStandIn(Path.of(HERE.get("/var/lib/kubelet/device-plugins")));

            // The server first, so that the pool the device plugin reads is complete when it starts.
            Role server = role("server-k8s", Map.of());
            started.add(server.exec(command("server-k8s"), env("server-k8s", server.home)));
            server.await("'net lo is ready'", START, () -> server.orionLog().contains("net lo is ready: binding to 127.0.0.1"));
            controller.await("the server's node in the pool", START, () -> body(controller, "/api/v1/nodes").contains("\"" + NODE + "\""));
            int poolSlots = 0;
            for (var gpu : new ObjectMapper().readTree(body(controller, "/api/v1/gpus"))) poolSlots += gpu.path("vgpuSlots").asInt();
            assertTrue(poolSlots >= 8, "gpu-1's 8 slots at least: " + body(controller, "/api/v1/gpus"));

            // The helper's API server: its in-cluster client needs KUBERNETES_SERVICE_HOST and the service
            // account's token and CA, which cannot exist here; a stand-in deploy file names the mock instead
            // (the chart mounts no ConfigMap into the helper). The mock holds this test's node.
            api.createClient().nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build()).create();
            String mockUrl = api.url("/").replaceAll("/$", "");
            Map<String, Map<String, String>> standInFiles = Map.of("helper", Map.of("io.orion.k8s.helper.cfg", "apiServer=" + mockUrl + "\n"));

            Map<String, Role> roles = new LinkedHashMap<>();
            for (String name : List.of("deviceplugin", "scheduler", "helper", "monitor")) {
                Role r = role(name, standInFiles.getOrDefault(name, Map.of()));
                roles.put(name, r);
                started.add(r.exec(command(name), env(name, r.home)));
            }
            Role plugin = roles.get("deviceplugin"), scheduler = roles.get("scheduler"), helper = roles.get("helper"), monitor = roles.get("monitor");

            plugin.await("the registration with the kubelet", START, () -> plugin.orionLog().contains("registered virtaitech.com/gpu with the kubelet"));
            assertEquals(List.of("virtaitech.com/gpu"), kubelet.registeredResources());
            List<String> ids = kubelet.nextDeviceIds();
            assertEquals(poolSlots, ids.size(), "the pool's slots (GET /api/v1/gpus), advertised: " + ids);
            assertEquals("127.0.0.1:" + controllerPort, kubelet.allocateEnv(ids.subList(0, 1)).get("ORION_CONTROLLER"),
                    "Allocate hands the container the controller's address from the ConfigMap");
            scheduler.await("the extender", START, () -> scheduler.status("/orion-scheduler/healthz") == 200);
            monitor.await("/metrics", START, () -> monitor.status("/metrics") == 200);
            String metrics = body(monitor, "/metrics");
            assertTrue(metrics.lines().anyMatch(l -> l.matches("orion_monitor_controller_up\\{.*node=\"" + NODE + "\".*} 1(\\.0)?")), metrics);
            helper.await("the node's label", START, () -> helper.orionLog().contains("node " + NODE + ": ORION_BIND_ADDR=127.0.0.1"));
            assertEquals("127.0.0.1", api.createClient().nodes().withName(NODE).get().getMetadata().getLabels().get("ORION_BIND_ADDR"));

            for (Role r : started) {
                r.awaitStarted();
                assertEquals(List.of(), r.problems().stream().filter(l -> l.contains(" ERROR ")).toList(), r.role + " logs no ERROR");
            }
            assertEquals(List.of(), warningsBut(controller, server, scheduler, monitor), "no warning from the roles that have all they need here");
            assertEquals(List.of(), warningsBut(plugin), "the device plugin warns of nothing");
            // The helper starts before FileInstall hands it the stand-in file, and may try its in-cluster
            // client once first (in a pod that client is the one it has): that one line, and nothing else.
            assertEquals(List.of(), helper.problems().stream()
                    .filter(l -> !l.contains("cannot label node " + NODE + ": KUBERNETES_SERVICE_HOST is not set")).toList());
        } finally {
            for (Role r : started) r.close();
            if (kubelet != null) kubelet.close();
            api.destroy();
        }
    }

    private static List<String> warningsBut(Role... roles) {
        List<String> all = new ArrayList<>();
        for (Role r : roles) r.problems().forEach(l -> all.add(r.role + ": " + l));
        return all;
    }

    private static String body(Role r, String path) {
        try {
            return r.send("GET", path, null).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
