package io.orion.k8s.store.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateReplay;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;
import io.orion.k8s.client.KubeClient;
import io.orion.k8s.client.KubeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's state as ConfigMaps, one per node and one per allocation (a record is a few
 * KiB, far below the 1 MiB object limit, and no object grows with the pool). Appends are applied
 * to an in-memory copy at once and queued per object: a later change to the same object replaces
 * the queued one (group commit). One writer thread writes the queue and completes the appends it
 * covered. Before every batch it checks that this replica still leads: a deposed leader writes
 * nothing. A write that fails after retries fails its appends and every later one, and the store
 * reports itself failed (its replica then steps down; the next leader loads what was written).
 */
final class KubeStateStore implements StateStore, AutoCloseable {
    static final String LABEL_STORE = "orion.io/store";
    static final String LABEL_RECORD = "orion.io/record";
    private static final Logger LOG = LoggerFactory.getLogger(KubeStateStore.class);
    private static final int TRIES = 3;

    /** A queued write of one object: its record's JSON, or null to delete it. */
    private record Op(String kind, String key, String json) {}

    private final ObjectMapper mapper = new ObjectMapper();
    private final RecordCodec codec = new RecordCodec();
    private final KubeClient kube;
    private final String namespace;
    private final String store;
    private final ObjectNames names;
    private final BooleanSupplier leading;
    private final Consumer<StoreException> onFailure;
    private final StoredState loaded;
    private final StateReplay state;
    private final Set<String> existing = new HashSet<>();
    private final Map<String, Op> queued = new LinkedHashMap<>();
    private final Thread writer;
    private long appended;
    private long written;
    private StoreException failure;
    private boolean closed;

    KubeStateStore(KubeClient kube, String namespace, String store, BooleanSupplier leading, Consumer<StoreException> onFailure) {
        this.kube = kube;
        this.namespace = namespace;
        this.store = store;
        this.names = new ObjectNames(store);
        this.leading = leading;
        this.onFailure = onFailure;
        this.loaded = read();
        this.state = new StateReplay(loaded);
        this.writer = Thread.ofPlatform().daemon().name("orion-k8s-store-writer").start(this::writeLoop);
    }

    private String collection() {
        return "/api/v1/namespaces/" + namespace + "/configmaps";
    }

    /** Every record of this store, from the API server. */
    private StoredState read() {
        List<NodeRecord> nodes = new ArrayList<>();
        List<AllocationRecord> allocations = new ArrayList<>();
        try {
            for (ObjectNode cm : kube.list(collection(), LABEL_STORE + "=" + store)) {
                String name = cm.path("metadata").path("name").asText();
                String kind = cm.path("metadata").path("labels").path(LABEL_RECORD).asText();
                String text = cm.path("data").path("record").asText();
                existing.add(name);
                switch (kind) {
                    case "node" -> nodes.add(codec.node(namespace + "/" + name, text));
                    case "allocation" -> allocations.add(codec.allocation(namespace + "/" + name, text));
                    default -> LOG.warn("ConfigMap {}/{} has label {}={}, which this store does not know; ignored", namespace, name,
                            LABEL_RECORD, kind);
                }
            }
        } catch (KubeException e) {
            throw new StoreException("cannot read the state from ConfigMaps " + LABEL_STORE + "=" + store + " in namespace "
                    + namespace + ": " + e.getMessage(), e);
        }
        LOG.info("loaded {} node(s) and {} allocation(s) from ConfigMaps {}={} in {}", nodes.size(), allocations.size(),
                LABEL_STORE, store, namespace);
        return new StoredState(nodes, allocations);
    }

    @Override
    public StoredState load() {
        return loaded;
    }

    @Override
    public synchronized Pending append(List<StateChange> changes) {
        if (failure != null) throw new StoreException("the Kubernetes store refuses writes since an earlier failure: " + failure.getMessage(), failure);
        if (closed) throw new StoreException("the Kubernetes store is closed (this replica stopped leading)");
        for (StateChange c : changes) {
            state.apply(c);
            switch (c) {
                case StateChange.NodePut p -> queueNode(p.node().name());
                case StateChange.NodeStateChanged s -> queueNode(s.name());
                case StateChange.NodeRemoved r -> queued.put(names.node(r.name()), new Op("node", r.name(), null));
                case StateChange.AllocationPut a -> {
                    String id = a.allocation().allocation().id();
                    queued.put(names.allocation(id), new Op("allocation", id, codec.write(a.allocation())));
                }
                case StateChange.AllocationRemoved r -> queued.put(names.allocation(r.id()), new Op("allocation", r.id(), null));
            }
        }
        long mine = ++appended;
        notifyAll();
        return () -> awaitWritten(mine);
    }

    private void queueNode(String name) {
        NodeRecord n = state.state().nodes().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        // A state change of a node that is not there changes nothing, as in replay.
        if (n != null) queued.put(names.node(name), new Op("node", name, codec.write(n)));
    }

    private synchronized void awaitWritten(long seq) {
        try {
            while (written < seq && failure == null && !closed) wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted waiting for the Kubernetes store", e);
        }
        if (written < seq) {
            throw failure != null ? new StoreException("not written to Kubernetes: " + failure.getMessage(), failure)
                    : new StoreException("not written to Kubernetes: the store closed (this replica stopped leading)");
        }
    }

    private void writeLoop() {
        while (true) {
            Map<String, Op> batch;
            long upTo;
            synchronized (this) {
                try {
                    while (queued.isEmpty() && !closed) wait();
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) return;
                batch = new LinkedHashMap<>(queued);
                queued.clear();
                upTo = appended;
            }
            try {
                if (!leading.getAsBoolean()) throw new StoreException("this replica no longer holds the leader Lease; it writes nothing more");
                for (Map.Entry<String, Op> e : batch.entrySet()) write(e.getKey(), e.getValue());
            } catch (StoreException e) {
                fail(e);
                return;
            } catch (KubeException e) {
                fail(new StoreException("cannot write the state to Kubernetes: " + e.getMessage(), e));
                return;
            }
            synchronized (this) {
                written = upTo;
                notifyAll();
            }
        }
    }

    private void fail(StoreException e) {
        synchronized (this) {
            failure = e;
            notifyAll();
        }
        LOG.error("the Kubernetes store stops: {}", e.getMessage());
        onFailure.accept(e);
    }

    /** Writes one object, retrying a failed call twice (the API server may be briefly away). */
    private void write(String name, Op op) {
        KubeException last = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            try {
                if (op.json() == null) {
                    kube.delete(collection() + "/" + name);
                    existing.remove(name);
                } else {
                    put(name, op);
                }
                return;
            } catch (KubeException e) {
                last = e;
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw last;
    }

    private void put(String name, Op op) {
        ObjectNode cm = mapper.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode meta = cm.putObject("metadata").put("name", name).put("namespace", namespace);
        meta.putObject("labels").put("app.kubernetes.io/part-of", "orion").put(LABEL_STORE, store).put(LABEL_RECORD, op.kind());
        cm.putObject("data").put("key", op.key()).put("record", op.json());
        if (existing.contains(name)) {
            try {
                kube.replace(collection() + "/" + name, cm);
                return;
            } catch (KubeException e) {
                if (!e.isNotFound()) throw e;
                existing.remove(name);
            }
        }
        try {
            kube.create(collection(), cm);
        } catch (KubeException e) {
            if (!e.isConflict()) throw e;
            kube.replace(collection() + "/" + name, cm);
        }
        existing.add(name);
    }

    /** Stops writing: queued appends that were not written fail (the replica stopped leading). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            writer.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
