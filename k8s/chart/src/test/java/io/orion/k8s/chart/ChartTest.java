package io.orion.k8s.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart as CI sees it: helm lint --strict, helm template for two Kubernetes versions (the
 * oldest the chart supports and a current one) with two value sets, the rendered objects
 * validated against the Kubernetes schemas, the values schema refusing bad values, and every
 * Orion container command being a real role with an image that holds it.
 *
 * <p>One schema set (npm kubernetes-models 5.1.0, installed by ci/tools.sh) checks the objects
 * rendered for both Kubernetes versions: {@code --kube-version} changes what the chart renders,
 * not the schemas. The API versions the chart uses are served unchanged by both, but a field
 * only one of the two versions knows would not be told apart (docs/kubernetes.md says so).
 */
class ChartTest {
    static final String OLD = "1.29.0", NEW = "1.33.0";
    static Path repo, chart, ci, tools, out;

    @BeforeAll
    static void tools() throws Exception {
        ci = Path.of("ci").toAbsolutePath();
        chart = Path.of("orion-vgpu").toAbsolutePath();
        repo = chart.getParent().getParent().getParent();
        out = Path.of("target", "rendered").toAbsolutePath();
        Files.createDirectories(out);
        Result r = run(List.of("bash", ci.resolve("tools.sh").toString()));
        assertEquals(0, r.code, "installing helm and the schemas failed:\n" + r.output);
        tools = Path.of(r.stdout.strip());
    }

    record Result(int code, String stdout, String output) {}

    static Result run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("chart", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
            if (tools != null) pb.environment().put("ORION_K8S_TOOLS", tools.toString());
            Process p = pb.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), stdout, stdout + Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static String helm() { return tools.resolve("layer/helm/helm").toString(); }

    static String render(String kubeVersion, String values) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(helm(), "template", "orion", chart.toString(), "--namespace", "orion-system",
                "--kube-version", kubeVersion));
        if (!values.isEmpty()) cmd.addAll(List.of("-f", ci.resolve(values).toString()));
        Result r = run(cmd);
        assertEquals(0, r.code, "helm template failed:\n" + r.output);
        return r.stdout;
    }

    @ParameterizedTest
    @CsvSource({OLD, NEW})
    void lintStrict(String kubeVersion) throws Exception {
        for (String values : List.of("", "values-minimal.yaml")) {
            List<String> cmd = new ArrayList<>(List.of(helm(), "lint", "--strict", "--kube-version", kubeVersion, chart.toString()));
            if (!values.isEmpty()) cmd.addAll(List.of("-f", ci.resolve(values).toString()));
            Result r = run(cmd);
            assertEquals(0, r.code, "helm lint --strict (" + kubeVersion + ", " + values + "):\n" + r.output);
            assertTrue(r.output.contains("0 chart(s) failed"), r.output);
        }
    }

    @ParameterizedTest
    @CsvSource({OLD + ",,virtaitech.com/gpu,orion-scheduler,24", NEW + ",,virtaitech.com/gpu,orion-scheduler,24",
                OLD + ",values-minimal.yaml,example.com/vgpu,my-vgpu-scheduler,17",
                NEW + ",values-minimal.yaml,example.com/vgpu,my-vgpu-scheduler,17"})
    void renderedObjectsMatchTheKubernetesSchemas(String kubeVersion, String values, String resource, String scheduler,
                                                  int objects) throws Exception {
        values = values == null ? "" : values;
        Path file = out.resolve("orion-" + kubeVersion + (values.isEmpty() ? "" : "-minimal") + ".yaml");
        Files.writeString(file, render(kubeVersion, values));
        Result r = run(List.of("node", ci.resolve("validate-manifests.mjs").toString(), file.toString(), resource, scheduler));
        assertEquals(0, r.code, "schema check of " + file + ":\n" + r.output);
        assertTrue(r.stdout.contains(objects + " objects, 0 invalid"), r.stdout);
    }

    @ParameterizedTest
    @CsvSource({OLD + ",", NEW + ",", NEW + ",values-minimal.yaml"})
    void renderedObjectsHaveNoUnknownFields(String kubeVersion, String values) throws Exception {
        assertEquals(List.of(), new UnknownFields().find(render(kubeVersion, values == null ? "" : values)));
    }

    @Test
    void anUnknownFieldIsFound() {
        List<String> found = new UnknownFields().find("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          imagePullPolcy: Always
                """);
        assertEquals(List.of("Deployment/x:.spec.template.spec.containers[0] unknown field 'imagePullPolcy'"), found);
    }

    @Test
    void theValidatorCatchesABrokenObject() throws Exception {
        Path broken = out.resolve("broken.yaml");
        Files.writeString(broken, """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          ports: [{containerPort: "abc"}]
                ---
                apiVersion: apps/v1
                kind: Deamonset
                metadata: {name: y}
                """);
        Result r = run(List.of("node", ci.resolve("validate-manifests.mjs").toString(), broken.toString(), "a.b/c", "s"));
        assertNotEquals(0, r.code);
        assertTrue(r.stdout.contains("INVALID DaemonSet/x"), r.stdout);
        assertTrue(r.stdout.contains("INVALID Deamonset/y: apps/v1 has no kind Deamonset"), r.stdout);
    }

    @Test
    void theValuesSchemaRefusesBadValues() throws Exception {
        for (String[] bad : new String[][]{{"controller.port=abc", "port"}, {"resourceName=gpu", "resourceName"},
                {"scheduler.extender.placement=nearby", "placement"}}) {
            Result r = run(List.of(helm(), "template", "orion", chart.toString(), "--set", bad[0]));
            assertNotEquals(0, r.code, "accepted " + bad[0]);
            assertTrue(r.output.contains(bad[1]), r.output);
        }
    }

    /** Image → Orion role, from every container of the rendered manifests that runs bin/orion. */
    static Map<String, String> orionCommands(String rendered) {
        Map<String, String> roles = new LinkedHashMap<>();
        Matcher m = Pattern.compile("image: (\\S+)\\n\\s+imagePullPolicy: \\S+\\n\\s+command: \\[\"/opt/orion/bin/orion\", \"([a-z0-9-]+)\"\\]")
                .matcher(rendered);
        while (m.find()) roles.put(m.group(1), m.group(2));
        return roles;
    }

    @Test
    void everyOrionCommandIsARoleWhoseImageHoldsIt() throws Exception {
        String rendered = render(NEW, "");
        Map<String, String> roles = orionCommands(rendered);
        assertEquals(List.of("controller-k8s", "server-k8s", "deviceplugin", "helper", "monitor", "scheduler").stream().sorted().toList(),
                roles.values().stream().sorted().toList(), "six Orion components: " + roles);
        String launcher = Files.readString(repo.resolve("bin/orion"));
        Matcher accepted = Pattern.compile("\\n\\s+(standalone\\|[a-z0-9|-]+)\\) shift ;;").matcher(launcher);
        assertTrue(accepted.find(), "bin/orion's role list");
        List<String> known = List.of(accepted.group(1).split("\\|"));
        for (Map.Entry<String, String> e : roles.entrySet()) {
            String role = e.getValue();
            assertTrue(known.contains(role), "bin/orion does not accept role " + role);
            assertTrue(Files.exists(repo.resolve("launcher/" + role + ".bndrun")), "no launcher/" + role + ".bndrun");
            String image = e.getKey().replaceAll("^.*/", "").replaceAll(":.*$", "");
            Path dockerfile = repo.resolve("k8s/images/" + image + "/Dockerfile");
            assertTrue(Files.exists(dockerfile), "no image definition " + dockerfile + " for " + e.getKey());
            assertTrue(Files.readString(dockerfile).contains("launcher/target/" + role + ".jar"), dockerfile + " does not hold " + role + ".jar");
        }
        assertTrue(rendered.contains("image: registry.k8s.io/kube-scheduler:v1.33.0"), "kube-scheduler follows the cluster's minor version");
        assertFalse(rendered.contains("licen"), "nothing licence-related is rendered");
    }
}
