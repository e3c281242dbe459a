package io.orion.k8s.scheduler.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orion.k8s.client.ControllerClient;
import io.orion.k8s.client.ControllerException;
import io.orion.k8s.client.KubeClient;
import io.orion.k8s.client.KubeException;
import io.orion.k8s.scheduler.internal.SchedulerConfig.Placement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three verbs kube-scheduler calls, in its extender JSON (the Go field names, capitalised:
 * ExtenderArgs, ExtenderFilterResult, HostPriorityList, ExtenderBindingArgs,
 * ExtenderBindingResult). Filter and prioritize read the controller's pool; bind records the
 * choice on the pod and creates its Binding, as the one binder of the profile must.
 */
final class Extender {
    static final String ANNOTATION_NODE = "orion.io/scheduled-node";
    static final String ANNOTATION_TIME = "orion.io/bind-time";
    private static final Logger LOG = LoggerFactory.getLogger(Extender.class);

    private final ObjectMapper json = new ObjectMapper();
    private final ControllerClient controller;
    private final Supplier<KubeClient> kube;
    private final String resource;
    private final Placement placement;
    private final long defaultMemoryMiB;
    private final int defaultRatio;
    private final Clock clock;

    Extender(ControllerClient controller, Supplier<KubeClient> kube, String resource, Placement placement,
             long defaultMemoryMiB, int defaultRatio, Clock clock) {
        this.controller = controller;
        this.kube = kube;
        this.resource = resource;
        this.placement = placement;
        this.defaultMemoryMiB = Math.max(1, defaultMemoryMiB);
        this.defaultRatio = defaultRatio;
        this.clock = clock;
    }

    // ---- filter -------------------------------------------------------------------------------

    ObjectNode filter(JsonNode args) {
        List<String> names = candidateNames(args);
        ObjectNode failed = json.createObjectNode();
        List<String> passed = new ArrayList<>();
        String error = "";
        try {
            PodRequest r = PodRequest.of(args.path("Pod"), resource, defaultMemoryMiB, defaultRatio);
            if (r.vgpus() == 0) {
                passed.addAll(names);
            } else {
                PoolFit fit = pool(r);
                boolean anywhere = fit.fitsAnywhere(r);
                for (String n : names) {
                    if (!anywhere) failed.put(n, noRoom(r));
                    else if (placement == Placement.local && !fit.fitsOn(n, r)) failed.put(n, "no GPU of this node has room for " + size(r));
                    else passed.add(n);
                }
            }
        } catch (ControllerException e) {
            error = e.unreachable() ? "Cannot reach orion controller at " + controller.address() : e.getMessage();
        } catch (IllegalArgumentException e) {
            error = "pod " + podName(args.path("Pod")) + ": " + e.getMessage();
        }
        if (!error.isEmpty()) LOG.warn("filter: {}", error);
        return filterResult(args, error.isEmpty() ? passed : List.of(), error.isEmpty() ? failed : json.createObjectNode(), error);
    }

    private static String size(PodRequest r) {
        return r.vgpus() + " vGPU(s) of " + r.memoryMiB() + " MiB and " + r.ratio() + "%";
    }

    private static String noRoom(PodRequest r) {
        return "the Orion pool has no room for " + size(r) + (r.crossNode() ? "" : " on one node");
    }

    private PoolFit pool(PodRequest r) {
        return new PoolFit(controller.get("/api/v1/nodes"), controller.get("/api/v1/gpus"), r);
    }

    private List<String> candidateNames(JsonNode args) {
        // nodeCacheCapable sends NodeNames, otherwise Nodes; take both when both come.
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        args.path("NodeNames").forEach(n -> names.add(n.asText()));
        for (JsonNode item : args.path("Nodes").path("items")) names.add(item.path("metadata").path("name").asText());
        return List.copyOf(names);
    }

    /** Answers in the shape asked: Nodes when full nodes came, NodeNames when names came (nodeCacheCapable). */
    private ObjectNode filterResult(JsonNode args, List<String> passed, ObjectNode failed, String error) {
        ObjectNode out = json.createObjectNode();
        JsonNode nodes = args.path("Nodes");
        if (nodes.isObject()) {
            ObjectNode list = nodes.deepCopy();
            ArrayNode items = list.putArray("items");
            for (JsonNode item : nodes.path("items"))
                if (passed.contains(item.path("metadata").path("name").asText())) items.add(item);
            out.set("Nodes", list);
        } else {
            out.putNull("Nodes");
        }
        if (args.path("NodeNames").isArray()) {
            ArrayNode n = out.putArray("NodeNames");
            for (JsonNode name : args.path("NodeNames")) if (passed.contains(name.asText())) n.add(name.asText());
        } else {
            out.putNull("NodeNames");
        }
        out.set("FailedNodes", failed);
        out.set("FailedAndUnresolvableNodes", json.createObjectNode());
        out.put("Error", error);
        return out;
    }

    // ---- prioritize ---------------------------------------------------------------------------

    ArrayNode prioritize(JsonNode args) {
        List<String> names = candidateNames(args);
        ArrayNode out = json.createArrayNode();
        PoolFit fit = null;
        PodRequest r = null;
        try {
            r = PodRequest.of(args.path("Pod"), resource, defaultMemoryMiB, defaultRatio);
            if (r.vgpus() > 0) fit = pool(r);
        } catch (ControllerException | IllegalArgumentException e) {
            // Scores only order the nodes that passed filter; without the pool every node scores the same.
            LOG.warn("prioritize: {}; every node scores 0", e.getMessage());
        }
        for (String n : names) {
            ObjectNode p = out.addObject();
            p.put("Host", n);
            p.put("Score", fit == null ? 0 : fit.score(n, r));
        }
        return out;
    }

    // ---- bind ---------------------------------------------------------------------------------

    ObjectNode bind(JsonNode args) {
        String name = args.path("PodName").asText(), namespace = args.path("PodNamespace").asText();
        String uid = args.path("PodUID").asText(), node = args.path("Node").asText();
        ObjectNode out = json.createObjectNode();
        try {
            if (name.isEmpty() || namespace.isEmpty() || node.isEmpty())
                throw new IllegalArgumentException("PodName, PodNamespace and Node are required, got " + args);
            KubeClient k = kube.get();
            String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + name;
            JsonNode pod = k.get(podPath).orElseThrow(() -> new IllegalArgumentException("pod " + namespace + "/" + name + " does not exist"));
            String actual = pod.path("metadata").path("uid").asText();
            if (!uid.isEmpty() && !actual.isEmpty() && !uid.equals(actual))
                throw new IllegalArgumentException("pod " + namespace + "/" + name + " has uid " + actual + ", not " + uid + " (it was recreated)");
            ObjectNode patch = json.createObjectNode();
            patch.putObject("metadata").putObject("annotations")
                    .put(ANNOTATION_NODE, node).put(ANNOTATION_TIME, Long.toString(clock.instant().getEpochSecond()));
            k.mergePatch(podPath, patch);
            k.create("/api/v1/namespaces/" + namespace + "/bindings", binding(name, namespace, uid, node));
            LOG.info("bound pod {}/{} to node {}", namespace, name, node);
            out.put("Error", "");
        } catch (KubeException | IllegalArgumentException e) {
            LOG.warn("bind of pod {}/{} to {} failed: {}", namespace, name, node, e.getMessage());
            out.put("Error", e.getMessage());
        }
        return out;
    }

    private ObjectNode binding(String name, String namespace, String uid, String node) {
        ObjectNode b = json.createObjectNode();
        b.put("apiVersion", "v1").put("kind", "Binding");
        ObjectNode meta = b.putObject("metadata").put("name", name).put("namespace", namespace);
        if (!uid.isEmpty()) meta.put("uid", uid);
        b.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", node);
        return b;
    }

    private static String podName(JsonNode pod) {
        JsonNode m = pod.path("metadata");
        return (m.path("namespace").asText().isEmpty() ? "" : m.path("namespace").asText() + "/") + m.path("name").asText();
    }
}
