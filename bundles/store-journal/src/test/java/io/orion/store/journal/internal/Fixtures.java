package io.orion.store.journal.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateReplay;
import io.orion.api.store.StoredState;

/** Test data and helpers: records with every field set, random change streams, directory copies. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-11-28T10:15:30.123456789Z");

    private Fixtures() {}

    static GpuSpec gpu(String node, int index) {
        return new GpuSpec("GPU-" + node + "-" + index, "NVIDIA H200", 143_771, 132, 9, 0, 8);
    }

    static NodeRecord node(String name, NodeState state) {
        return new NodeRecord(name, name + ".example:9125", Map.of("tcp", name + ":9125", "shm", "/dev/shm/" + name),
                List.of(gpu(name, 0), gpu(name, 1)), state);
    }

    static AllocationRecord allocation(String id, String node, long memoryMiB) {
        VgpuRequest request = new VgpuRequest(2, memoryMiB, 50, "pod-" + id, true, "");
        List<Vgpu> vgpus = List.of(
                new Vgpu("vgpu-" + id + "-0", id, 0, node, "GPU-" + node + "-0", memoryMiB, 50, "pod-" + id),
                new Vgpu("vgpu-" + id + "-1", id, 1, node, "GPU-" + node + "-1", memoryMiB, 50, "pod-" + id));
        return new AllocationRecord(new Allocation(id, request, vgpus, "pid 4242 on client-" + id, T0), T0.plusSeconds(30));
    }

    static StateChange put(AllocationRecord a) { return new StateChange.AllocationPut(a); }

    /** One of every change type. */
    static List<StateChange> everyKind() {
        return List.of(
                new StateChange.NodePut(node("n1", NodeState.UP)),
                new StateChange.NodePut(node("n2", NodeState.UP)),
                new StateChange.NodeStateChanged("n2", NodeState.DRAINING),
                put(allocation("alloc-1", "n1", 4096)),
                put(allocation("alloc-2", "n1", 8192)),
                new StateChange.AllocationRemoved("alloc-1", T0.plusSeconds(5), "released by owner"),
                new StateChange.NodeRemoved("n2"));
    }

    /** A random but reproducible stream over a few nodes and allocations, so that changes overwrite and remove. */
    static List<StateChange> random(Random r, int count) {
        List<StateChange> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String node = "n" + r.nextInt(4);
            String id = "alloc-" + r.nextInt(40);
            out.add(switch (r.nextInt(6)) {
                case 0 -> new StateChange.NodePut(node(node, NodeState.values()[r.nextInt(3)]));
                case 1 -> new StateChange.NodeStateChanged(node, NodeState.values()[r.nextInt(3)]);
                case 2 -> new StateChange.NodeRemoved(node);
                case 3 -> new StateChange.AllocationRemoved(id, T0.plusMillis(i), "lease lapsed");
                default -> put(allocation(id, node, 1024L * (1 + r.nextInt(64))));
            });
        }
        return out;
    }

    static StoredState replay(List<StateChange> changes) {
        return new StateReplay(StoredState.empty()).applyAll(changes).state();
    }

    static Journal open(Settings s) throws IOException {
        return Journal.open(s, Faults.NONE, Clock.systemUTC());
    }

    static Journal open(Path dir) throws IOException {
        return open(Settings.of(dir));
    }

    /** Appends each list as one append and waits for all of them. */
    static void appendAll(Journal j, List<List<StateChange>> appends) {
        List<io.orion.api.store.StateStore.Pending> pending = new ArrayList<>();
        for (List<StateChange> a : appends) pending.add(j.append(a));
        pending.forEach(io.orion.api.store.StateStore.Pending::await);
    }

    /** Appends each change as its own append, waiting for each. */
    static void appendEach(Journal j, List<StateChange> changes) {
        for (StateChange c : changes) j.append(List.of(c)).await();
    }

    /** Copies the store's files (not the lock) as a crash at this moment would leave them. */
    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().equals(StoreFiles.LOCK)) continue;
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
