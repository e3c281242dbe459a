package io.orion.controller.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

import io.orion.api.platform.Platform;
import io.orion.api.policy.PlacementRules;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool, held in memory. Placement, check and commit happen under one lock so that two
 * requests never take the same capacity; the policy itself only reads an immutable snapshot.
 */
@Component(immediate = true, service = PoolService.class)
public final class InMemoryPool implements PoolService {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryPool.class);

    private final Platform platform;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final PoolState state = new PoolState();

    @Activate
    public InMemoryPool(@Reference Platform platform) {
        this(platform, Clock.systemUTC());
    }

    InMemoryPool(Platform platform, Clock clock) {
        this.platform = platform;
        this.clock = clock;
    }

    @Override
    public PoolView snapshot() {
        return state.view(); // published immutable view: no lock needed
    }

    @Override
    public void registerNode(String name, String address, Map<String, String> transports, List<GpuSpec> gpus) {
        requireName(name);
        lock.lock();
        try {
            var old = state.node(name);
            NodeState keep = old == null || old.state() == NodeState.DOWN ? NodeState.UP : old.state();
            state.putNode(name, address == null ? "" : address, transports == null ? Map.of() : transports, gpus, keep);
        } finally {
            lock.unlock();
        }
        LOG.info("node {} registered: {} GPU(s), transports {}", name, gpus.size(), transports);
    }

    @Override
    public void removeNode(String name) {
        List<Allocation> lost;
        lock.lock();
        try {
            lost = state.allocationsOn(name);
            lost.forEach(a -> state.removeAllocation(a.id()));
            state.removeNode(name);
        } finally {
            lock.unlock();
        }
        for (Allocation a : lost)
            LOG.warn("allocation {} of {} lost: node {} left the pool", a.id(), a.owner(), name);
    }

    @Override
    public void setDraining(String name, boolean draining) {
        lock.lock();
        try {
            state.setState(name, draining ? NodeState.DRAINING : NodeState.UP);
        } finally {
            lock.unlock();
        }
        LOG.info("node {} {}", name, draining ? "draining: takes no new vGPUs" : "takes new vGPUs again");
    }

    @Override
    public Placement place(VgpuRequest request) {
        return decide(request, snapshot());
    }

    private Placement decide(VgpuRequest request, PoolView view) {
        Optional<SchedulingPolicy> policy = platform.activePolicy();
        if (policy.isEmpty())
            return Placement.noFit(NoFitReason.NO_NODES, "no scheduling policy is installed");
        SchedulingPolicy p = policy.get();
        Placement answer;
        try {
            answer = p.place(request, view);
        } catch (RuntimeException e) {
            LOG.error("policy {} failed on {}", p.name(), request, e);
            return Placement.noFit(NoFitReason.POOL_EXHAUSTED, "policy " + p.name() + " failed: " + e.getMessage());
        }
        if (answer == null) {
            LOG.error("policy {} answered null for {}", p.name(), request);
            return Placement.noFit(NoFitReason.POOL_EXHAUSTED, "policy " + p.name() + " gave no answer");
        }
        if (answer instanceof Placement.Placed placed) {
            String problem = PlacementRules.violation(request, placed, view);
            if (!problem.isEmpty()) {
                LOG.error("policy {} gave an invalid placement for {}: {}", p.name(), request, problem);
                return Placement.noFit(NoFitReason.POOL_EXHAUSTED, "policy " + p.name() + " gave an invalid placement: " + problem);
            }
        }
        return answer;
    }

    @Override
    public AllocationResult allocate(VgpuRequest request, String owner) {
        lock.lock();
        try {
            Placement answer = decide(request, state.view());
            if (answer instanceof Placement.NoFit noFit) return new AllocationResult.Refused(noFit);
            Placement.Placed placed = (Placement.Placed) answer;
            String allocationId = "alloc-" + shortId();
            List<Vgpu> vgpus = new ArrayList<>(placed.slots().size());
            int index = 0;
            for (Slot s : placed.slots()) {
                vgpus.add(new Vgpu("vgpu-" + shortId(), allocationId, index++, s.node(), s.gpuUuid(),
                        request.memoryMiB(), request.ratio(), request.groupId()));
            }
            Allocation a = new Allocation(allocationId, request, vgpus, owner == null ? "" : owner, clock.instant());
            state.addAllocation(a);
            return new AllocationResult.Granted(a);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean release(String allocationId) {
        lock.lock();
        try {
            return state.removeAllocation(allocationId) != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Vgpu resize(String vgpuId, long memoryMiB, int ratio) {
        if (memoryMiB <= 0) throw new IllegalArgumentException("memoryMiB must be > 0, was " + memoryMiB);
        if (ratio < 1 || ratio > 100) throw new IllegalArgumentException("ratio must be 1..100, was " + ratio);
        lock.lock();
        try {
            Vgpu v = state.vgpu(vgpuId);
            if (v == null) throw new IllegalArgumentException("no vGPU with id '" + vgpuId + "'");
            GpuView g = state.gpu(v.gpuUuid());
            long freeMemory = g.freeMemoryMiB() + v.memoryMiB();
            int freeRatio = g.freeRatio() + v.ratio();
            if (memoryMiB > freeMemory)
                throw new IllegalArgumentException("memoryMiB " + memoryMiB + " does not fit GPU " + g.uuid()
                        + ": at most " + freeMemory + " MiB available to this vGPU");
            if (ratio > freeRatio)
                throw new IllegalArgumentException("ratio " + ratio + " does not fit GPU " + g.uuid()
                        + ": at most " + freeRatio + "% available to this vGPU");
            Vgpu resized = v.resized(memoryMiB, ratio);
            state.replaceVgpu(resized);
            return resized;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Allocation> allocations() {
        lock.lock();
        try {
            List<Allocation> all = new ArrayList<>(state.allocations());
            all.sort(Comparator.comparing(Allocation::created).thenComparing(Allocation::id));
            return all;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Allocation> allocation(String allocationId) {
        lock.lock();
        try {
            return Optional.ofNullable(state.allocation(allocationId));
        } finally {
            lock.unlock();
        }
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("node name must not be blank");
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 13).replace("-", "");
    }
}
