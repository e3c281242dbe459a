package io.orion.controller.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.Vgpu;

/**
 * The pool's nodes, GPUs and allocations. Not thread-safe: {@link ControllerPool} guards it with
 * one lock. Every change publishes a new immutable {@link PoolView}; building one copies only the
 * node list and the changed node's GPU list, so a change costs O(nodes + GPUs of one node).
 */
final class PoolState {

    private final TreeMap<String, NodeView> nodes = new TreeMap<>();
    /** Where each GPU is: node name and index, for O(1) updates. */
    private final Map<String, GpuRef> gpuIndex = new HashMap<>();
    private final Map<String, Allocation> allocations = new HashMap<>();
    private final Map<String, Vgpu> vgpus = new HashMap<>();
    /** What each tenant (a group, or a vGPU without one) books on each GPU: its largest vGPU there. */
    private final TenantBookings bookings = new TenantBookings();
    private long version;
    private PoolView view = PoolView.of(0, List.of());

    private record GpuRef(String node, int index) {}

    PoolView view() { return view; }

    /** Adds or replaces a node. A replaced node keeps the usage of GPUs it still has. */
    void putNode(String name, String address, Map<String, String> transports, List<GpuSpec> gpus, NodeState state) {
        NodeView old = nodes.get(name);
        List<GpuView> views = new ArrayList<>(gpus.size());
        for (int i = 0; i < gpus.size(); i++) {
            GpuSpec spec = gpus.get(i);
            GpuRef ref = gpuIndex.get(spec.uuid());
            if (ref != null && !ref.node().equals(name) && nodes.get(ref.node()).state() != NodeState.DOWN)
                throw new IllegalArgumentException("GPU " + spec.uuid() + " is already registered by node " + ref.node()
                        + ", which is " + nodes.get(ref.node()).state().name().toLowerCase()
                        + "; a GPU moves to another node name only once its old node is down (or removed)");
            GpuView before = old == null ? null : findGpu(old, spec.uuid());
            views.add(before == null ? new GpuView(spec, name, i, 0, 0, 0)
                    : new GpuView(spec, name, i, before.usedMemoryMiB(), before.usedRatio(), before.vgpuCount()));
        }
        if (old != null) old.gpus().forEach(g -> gpuIndex.remove(g.uuid()));
        for (GpuView g : views) {
            GpuRef moved = gpuIndex.get(g.uuid());
            if (moved != null && !moved.node().equals(name)) dropGpu(moved.node(), g.uuid()); // from a node that is down
            gpuIndex.put(g.uuid(), new GpuRef(name, g.index()));
        }
        nodes.put(name, new NodeView(name, address, transports, state, views));
        publish();
    }

    private static GpuView findGpu(NodeView node, String uuid) {
        for (GpuView g : node.gpus()) if (g.uuid().equals(uuid)) return g;
        return null;
    }

    /** Takes a GPU away from a (down) node, re-indexing that node's remaining GPUs. */
    private void dropGpu(String nodeName, String uuid) {
        NodeView n = nodes.get(nodeName);
        List<GpuView> kept = new ArrayList<>();
        for (GpuView g : n.gpus()) {
            if (g.uuid().equals(uuid)) continue;
            GpuView re = new GpuView(g.spec(), g.node(), kept.size(), g.usedMemoryMiB(), g.usedRatio(), g.vgpuCount());
            kept.add(re);
            gpuIndex.put(re.uuid(), new GpuRef(nodeName, re.index()));
        }
        nodes.put(nodeName, new NodeView(n.name(), n.address(), n.transports(), n.state(), kept));
    }

    NodeView node(String name) { return nodes.get(name); }

    void removeNode(String name) {
        NodeView old = nodes.remove(name);
        if (old != null) {
            old.gpus().forEach(g -> gpuIndex.remove(g.uuid()));
            publish();
        }
    }

    void setState(String name, NodeState state) {
        NodeView n = nodes.get(name);
        if (n == null) throw new IllegalArgumentException("no node named '" + name + "' in the pool");
        nodes.put(name, new NodeView(n.name(), n.address(), n.transports(), state, n.gpus()));
        publish();
    }

    GpuView gpu(String uuid) {
        GpuRef ref = gpuIndex.get(uuid);
        return ref == null ? null : nodes.get(ref.node()).gpus().get(ref.index());
    }

    /**
     * Records an allocation whose slots were checked; charges its GPUs. A vGPU of a group charges
     * only what its group's booking on that GPU grows by (see {@link TenantBookings}).
     */
    void addAllocation(Allocation a) {
        allocations.put(a.id(), a);
        for (Vgpu v : a.vgpus()) {
            vgpus.put(v.id(), v);
            Booking growth = bookings.add(v, new TenantBookings.Seniority(a.created(), a.id(), v.index()));
            replaceGpu(growth.applyTo(gpu(v.gpuUuid()), 1));
        }
        publish();
    }

    /** Removes an allocation; its GPUs get back what its vGPUs' tenants no longer need. */
    Allocation removeAllocation(String id) {
        Allocation a = allocations.remove(id);
        if (a == null) return null;
        for (Vgpu v : a.vgpus()) {
            vgpus.remove(v.id());
            Booking change = bookings.remove(v);
            GpuView g = gpu(v.gpuUuid());
            if (g != null) replaceGpu(change.applyTo(g, -1));
        }
        publish();
        return a;
    }

    /** Replaces one vGPU of an allocation by a resized copy; the caller checked that it fits. */
    void replaceVgpu(Vgpu resized) {
        vgpus.put(resized.id(), resized);
        Allocation a = allocations.get(resized.allocationId());
        List<Vgpu> list = new ArrayList<>(a.vgpus());
        list.replaceAll(v -> v.id().equals(resized.id()) ? resized : v);
        allocations.put(a.id(), new Allocation(a.id(), a.request(), list, a.owner(), a.created()));
        Booking change = bookings.replace(resized);
        replaceGpu(change.applyTo(gpu(resized.gpuUuid()), 0));
        publish();
    }

    /** How much more a resize of this vGPU would book on its GPU (negative when it books less). */
    Booking growthIfResized(Vgpu v, long memoryMiB, int ratio) {
        return bookings.growthIfResized(v, memoryMiB, ratio);
    }

    /** How much more one more vGPU of this group and size would book on the GPU. */
    Booking growthIfJoined(String groupId, String gpuUuid, long memoryMiB, int ratio) {
        return bookings.growthIfJoined(groupId, gpuUuid, memoryMiB, ratio);
    }

    /** The GPUs a group holds vGPUs on, oldest first (see {@link TenantBookings#gpusOf}). */
    List<String> gpusOfGroup(String groupId) {
        return bookings.gpusOf(groupId);
    }

    Vgpu vgpu(String id) { return vgpus.get(id); }

    Allocation allocation(String id) { return allocations.get(id); }

    List<Allocation> allocations() { return List.copyOf(allocations.values()); }

    /** Allocations with a vGPU on any GPU of the node. */
    List<Allocation> allocationsOn(String node) {
        return allocations.values().stream().filter(a -> a.vgpus().stream().anyMatch(v -> v.node().equals(node))).toList();
    }

    boolean isKnownSlot(Slot s) {
        GpuRef ref = gpuIndex.get(s.gpuUuid());
        return ref != null && ref.node().equals(s.node());
    }

    private void replaceGpu(GpuView g) {
        NodeView n = nodes.get(g.node());
        List<GpuView> gpus = new ArrayList<>(n.gpus());
        gpus.set(g.index(), g);
        nodes.put(n.name(), new NodeView(n.name(), n.address(), n.transports(), n.state(), gpus));
    }

    private void publish() {
        view = new Snapshot(++version, List.copyOf(nodes.values()));
    }

    /** An immutable view: the node list is copied once per change, never per read. */
    private record Snapshot(long version, List<NodeView> nodes) implements PoolView {}
}
