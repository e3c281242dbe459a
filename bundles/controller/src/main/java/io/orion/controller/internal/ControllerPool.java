package io.orion.controller.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.orion.api.platform.Platform;
import io.orion.api.policy.PlacementRules;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.NodeStatus;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolEvent;
import io.orion.api.pool.PoolListener;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool. Placement, check and commit happen under one lock so that two requests never take
 * the same capacity; the policy itself only reads an immutable snapshot. Every change is appended
 * to the state store under the lock and made durable after it (group commit), and the caller is
 * answered only then. Leases and server liveness are checked once a second.
 */
@Component(immediate = true, service = {PoolService.class, ControllerPool.class}, configurationPid = ControllerPool.PID)
@Designate(ocd = ControllerConfig.class)
public final class ControllerPool implements PoolService {

    static final String PID = "io.orion.controller";
    private static final Logger LOG = LoggerFactory.getLogger(ControllerPool.class);

    private final Platform platform;
    private final StateStore store;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final PoolState state = new PoolState();
    /** Allocation id → when its lease runs out. Guarded by {@link #lock}. */
    private final Map<String, Instant> leases = new java.util.HashMap<>();
    /**
     * When the latest allocation was created. Every allocation is created strictly after the one
     * before (by a nanosecond if the clock has not moved), so that the stored creation times
     * alone order allocations as they were committed: a group's GPUs are ordered by them
     * ({@link TenantBookings#gpusOf}), the same after a restart. Guarded by {@link #lock}.
     */
    private Instant lastCreated = Instant.EPOCH;
    private final Map<String, NodeStatus> liveness = new ConcurrentHashMap<>();
    private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
    private final EventLog events;
    private final PlacementCounters counters = new PlacementCounters();
    private final ScheduledExecutorService timer;
    private volatile ControllerConfig config;

    @Activate
    public ControllerPool(@Reference Platform platform, @Reference(name = "store") StateStore store,
                          ControllerConfig config) {
        this(platform, store, config, Clock.systemUTC(), true);
    }

    ControllerPool(Platform platform, StateStore store, ControllerConfig config, Clock clock, boolean startTimer) {
        this.platform = platform;
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.events = new EventLog(clock, config.eventHistory());
        restore(store.load());
        this.timer = startTimer ? Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .daemon().name("orion-pool-timer").unstarted(r)) : null;
        if (timer != null) timer.scheduleWithFixedDelay(this::checkLeasesAndLiveness, 1, 1, TimeUnit.SECONDS);
    }

    @Modified
    void modified(ControllerConfig config) {
        this.config = config;
        events.setCapacity(config.eventHistory());
    }

    @Deactivate
    void deactivate() {
        if (timer != null) timer.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addListener(PoolListener l) { listeners.add(l); }

    void removeListener(PoolListener l) { listeners.remove(l); }

    /** Counters the metrics bundle reads. */
    PlacementCounters counters() { return counters; }

    /** After a restart: nodes and allocations as stored; every node and lease gets a fresh start. */
    private void restore(StoredState stored) {
        Instant now = clock.instant();
        Instant lease = now.plus(leaseDuration());
        for (NodeRecord n : stored.nodes()) {
            state.putNode(n.name(), n.address(), n.transports(), n.gpus(), n.state());
            liveness.put(n.name(), new NodeStatus(n.name(), now, NodeReport.empty()));
        }
        int restored = 0;
        for (AllocationRecord r : stored.allocations()) {
            Allocation a = r.allocation();
            boolean onKnownGpus = a.vgpus().stream().allMatch(v -> state.gpu(v.gpuUuid()) != null);
            if (!onKnownGpus) {
                LOG.warn("stored allocation {} refers to a GPU no node offers any more; dropping it", a.id());
                continue;
            }
            state.addAllocation(a);
            leases.put(a.id(), lease);
            if (a.created().isAfter(lastCreated)) lastCreated = a.created();
            restored++;
        }
        if (!stored.nodes().isEmpty() || restored > 0)
            LOG.info("pool restored: {} node(s), {} allocation(s); leases renewed until {}", stored.nodes().size(), restored, lease);
    }

    private Duration leaseDuration() {
        return Duration.ofSeconds(config.leaseSeconds());
    }

    // ---- reading ----------------------------------------------------------------------------

    @Override
    public PoolView snapshot() {
        return state.view(); // published immutable view: no lock needed
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

    @Override
    public java.time.Duration heartbeatInterval() {
        return Duration.ofSeconds(config.heartbeatSeconds());
    }

    @Override
    public Optional<Instant> leaseUntil(String allocationId) {
        lock.lock();
        try {
            return Optional.ofNullable(leases.get(allocationId));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<NodeStatus> nodeStatus(String node) {
        return Optional.ofNullable(liveness.get(node));
    }

    @Override
    public List<PoolEvent> events(int max) {
        return events.recent(max);
    }

    // ---- nodes ------------------------------------------------------------------------------

    @Override
    public void registerNode(String name, String address, Map<String, String> transports, List<GpuSpec> gpus) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("node name must not be blank");
        List<GpuSpec> gpuList = List.copyOf(gpus);
        Map<String, String> transportMap = transports == null ? Map.of() : Map.copyOf(transports);
        String addr = address == null ? "" : address;
        StateStore.Pending durable;
        boolean back;
        lock.lock();
        try {
            NodeView old = state.node(name);
            back = old != null && old.state() == NodeState.DOWN;
            NodeState keep = old == null || back ? NodeState.UP : old.state();
            state.putNode(name, addr, transportMap, gpuList, keep);
            liveness.put(name, new NodeStatus(name, clock.instant(), NodeReport.empty()));
            durable = store.append(List.of(new StateChange.NodePut(new NodeRecord(name, addr, transportMap, gpuList, keep))));
        } finally {
            lock.unlock();
        }
        durable.await();
        event(PoolEvent.Kind.NODE_REGISTERED, name, "node " + name + (back ? " is back" : " registered") + ": "
                + gpuList.size() + " GPU(s), transports " + transportMap.keySet());
    }

    @Override
    public void removeNode(String name) {
        List<Allocation> lost;
        StateStore.Pending durable;
        lock.lock();
        try {
            if (state.node(name) == null) return;
            lost = state.allocationsOn(name);
            List<StateChange> changes = new ArrayList<>();
            for (Allocation a : lost) {
                state.removeAllocation(a.id());
                leases.remove(a.id());
                changes.add(new StateChange.AllocationRemoved(a.id(), clock.instant(), "node " + name + " left the pool"));
            }
            state.removeNode(name);
            liveness.remove(name);
            changes.add(new StateChange.NodeRemoved(name));
            durable = store.append(changes);
        } finally {
            lock.unlock();
        }
        durable.await();
        event(PoolEvent.Kind.NODE_REMOVED, name, "node " + name + " left the pool");
        for (Allocation a : lost) lostOrReleased(a, PoolEvent.Kind.LOST, "node " + name + " left the pool");
    }

    @Override
    public void setDraining(String name, boolean draining) {
        StateStore.Pending durable;
        NodeState now = draining ? NodeState.DRAINING : NodeState.UP;
        lock.lock();
        try {
            state.setState(name, now);
            durable = store.append(List.of(new StateChange.NodeStateChanged(name, now)));
        } finally {
            lock.unlock();
        }
        durable.await();
        event(draining ? PoolEvent.Kind.NODE_DRAINING : PoolEvent.Kind.NODE_UP, name,
                "node " + name + (draining ? " draining: takes no new vGPUs" : " takes new vGPUs again"));
    }

    @Override
    public List<Vgpu> heartbeat(String node, NodeReport report) {
        lock.lock();
        try {
            NodeView n = state.node(node);
            if (n == null) throw new IllegalArgumentException("node '" + node + "' is not registered; register it first");
            // a node we gave up on is alive after all: it registers again (its vGPUs were released)
            if (n.state() == NodeState.DOWN)
                throw new IllegalArgumentException("node '" + node + "' was marked down; register it again");
            liveness.put(node, new NodeStatus(node, clock.instant(), report));
            Instant until = clock.instant().plus(leaseDuration());
            for (String id : report.liveAllocations()) leases.computeIfPresent(id, (k, v) -> until);
            return state.allocationsOn(node).stream().flatMap(a -> a.vgpus().stream()).filter(v -> v.node().equals(node)).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renew(String allocationId) {
        lock.lock();
        try {
            return leases.computeIfPresent(allocationId, (k, v) -> clock.instant().plus(leaseDuration())) != null;
        } finally {
            lock.unlock();
        }
    }

    // ---- placement and allocation -----------------------------------------------------------

    @Override
    public Placement place(VgpuRequest request) {
        long t0 = System.nanoTime();
        GroupPlacement.Outcome group;
        lock.lock();
        try {
            group = GroupPlacement.decide(request, state);
        } finally {
            lock.unlock();
        }
        Placement p = group instanceof GroupPlacement.Beside beside ? beside.placed() : decide(request, snapshot());
        counters.placed(p, System.nanoTime() - t0);
        return p;
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

    /** Optimistic tries before deciding under the lock, which always makes progress. */
    private static final int OPTIMISTIC_TRIES = 3;

    /**
     * Decides on a snapshot without the lock (policies run in parallel), then, under the lock,
     * commits if the pool did not change or the placement still keeps every rule against the pool
     * as it is now; otherwise tries again. After a few lost races it decides under the lock. The
     * lock is therefore held for the check and the commit only, not for the policy's scan.
     * A request of a group that holds vGPUs goes beside them ({@link GroupPlacement}), decided
     * under the lock at each try, so that two processes of one pod asking at once still meet.
     */
    @Override
    public AllocationResult allocate(VgpuRequest request, String owner) {
        long t0 = System.nanoTime();
        Allocation granted = null;
        StateStore.Pending durable = null;
        Placement.NoFit refusal = null;
        GroupPlacement.Fallback fallback = null;
        for (int attempt = 0; granted == null && refusal == null; attempt++) {
            boolean underLock = attempt >= OPTIMISTIC_TRIES;
            PoolView seen = state.view();
            Placement answer = underLock ? null : decide(request, seen);
            lock.lock();
            try {
                GroupPlacement.Outcome group = GroupPlacement.decide(request, state);
                if (group instanceof GroupPlacement.Beside beside) {
                    fallback = null;
                    granted = commit(request, owner, beside.placed());
                    durable = store.append(List.of(new StateChange.AllocationPut(new AllocationRecord(granted, leases.get(granted.id())))));
                    continue;
                }
                fallback = group instanceof GroupPlacement.Fallback f ? f : null;
                PoolView now = state.view();
                if (underLock) answer = decide(request, now);
                if (answer instanceof Placement.NoFit noFit) {
                    // refused on an old snapshot: capacity may have been freed since; look again
                    if (now.version() == seen.version() || underLock) refusal = noFit;
                    continue;
                }
                Placement.Placed placed = (Placement.Placed) answer;
                if (now.version() != seen.version() && !PlacementRules.violation(request, placed, now).isEmpty())
                    continue; // another allocation took the capacity meanwhile
                granted = commit(request, owner, placed);
                durable = store.append(List.of(new StateChange.AllocationPut(new AllocationRecord(granted, leases.get(granted.id())))));
            } finally {
                lock.unlock();
            }
        }
        counters.allocated(refusal, System.nanoTime() - t0);
        if (fallback != null) {
            String text = describe(request) + " for " + (owner == null || owner.isEmpty() ? "an unnamed owner" : owner)
                    + " not placed beside its group on " + fallback.groupGpus() + ": " + fallback.why()
                    + "; placed by the policy instead" + (refusal == null ? "" : ", which refused it");
            LOG.warn(text);
            events.add(PoolEvent.Kind.GROUP_FALLBACK, request.groupId(), text);
        }
        if (refusal != null) {
            event(PoolEvent.Kind.REFUSED, owner == null ? "" : owner, "refused " + describe(request) + ": " + refusal.message());
            return new AllocationResult.Refused(refusal);
        }
        try {
            durable.await();
        } catch (StoreException e) {
            // Not durable: nobody may be told it exists. Take it back in memory too.
            LOG.error("allocation {} could not be stored durably; taking it back: {}", granted.id(), e.getMessage());
            takeBack(granted);
            throw e;
        }
        event(PoolEvent.Kind.ALLOCATED, granted.id(), "allocated " + describe(request) + " to " + granted.owner() + " on "
                + granted.vgpus().stream().map(v -> v.node() + "/" + v.gpuUuid()).toList());
        Allocation done = granted;
        notifyListeners(l -> l.granted(done));
        return new AllocationResult.Granted(granted);
    }

    /** Records a checked placement in memory with a fresh lease. Caller holds the lock. */
    private Allocation commit(VgpuRequest request, String owner, Placement.Placed placed) {
        String allocationId = Ids.allocation();
        List<Vgpu> vgpus = new ArrayList<>(placed.slots().size());
        int index = 0;
        for (Slot s : placed.slots()) {
            vgpus.add(new Vgpu(Ids.vgpu(), allocationId, index++, s.node(), s.gpuUuid(),
                    request.memoryMiB(), request.ratio(), request.groupId()));
        }
        Instant created = clock.instant();
        if (!created.isAfter(lastCreated)) created = lastCreated.plusNanos(1);
        lastCreated = created;
        Allocation a = new Allocation(allocationId, request, vgpus, owner == null ? "" : owner, created);
        state.addAllocation(a);
        leases.put(allocationId, clock.instant().plus(leaseDuration()));
        return a;
    }

    private void takeBack(Allocation a) {
        lock.lock();
        try {
            state.removeAllocation(a.id());
            leases.remove(a.id());
        } finally {
            lock.unlock();
        }
    }

    private static String describe(VgpuRequest r) {
        return r.count() + " x " + r.memoryMiB() + " MiB / " + r.ratio() + "%" + (r.groupId().isEmpty() ? "" : " (group " + r.groupId() + ")");
    }

    @Override
    public boolean release(String allocationId) {
        return release(allocationId, "released by its owner");
    }

    @Override
    public boolean release(String allocationId, String why) {
        Allocation a = remove(allocationId, why);
        if (a == null) return false;
        lostOrReleased(a, PoolEvent.Kind.RELEASED, why);
        return true;
    }

    /** Removes an allocation durably; null if it was not there. */
    private Allocation remove(String allocationId, String why) {
        Allocation a;
        StateStore.Pending durable;
        lock.lock();
        try {
            a = state.removeAllocation(allocationId);
            if (a == null) return null;
            leases.remove(allocationId);
            durable = store.append(List.of(new StateChange.AllocationRemoved(allocationId, clock.instant(), why)));
        } finally {
            lock.unlock();
        }
        durable.await();
        return a;
    }

    private void lostOrReleased(Allocation a, PoolEvent.Kind kind, String why) {
        String text = (kind == PoolEvent.Kind.LOST ? "lost " : kind == PoolEvent.Kind.LEASE_EXPIRED ? "lease expired, released " : "released ")
                + a.id() + " of " + a.owner() + " (" + a.vgpus().size() + " vGPU(s)): " + why;
        if (kind == PoolEvent.Kind.RELEASED) LOG.info(text);
        else LOG.warn(text);
        events.add(kind, a.id(), text);
        if (kind == PoolEvent.Kind.LOST) counters.lost(a.vgpus().size());
        notifyListeners(l -> l.released(a, why));
    }

    @Override
    public Vgpu resize(String vgpuId, long memoryMiB, int ratio) {
        if (memoryMiB <= 0) throw new IllegalArgumentException("memoryMiB must be > 0, was " + memoryMiB);
        if (ratio < 1 || ratio > 100) throw new IllegalArgumentException("ratio must be 1..100, was " + ratio);
        Vgpu resized;
        StateStore.Pending durable;
        lock.lock();
        try {
            Vgpu v = state.vgpu(vgpuId);
            if (v == null) throw new IllegalArgumentException("no vGPU with id '" + vgpuId + "'");
            // A vGPU of a group books only what its group's booking grows by (see TenantBookings).
            GpuView g = state.gpu(v.gpuUuid());
            Booking growth = state.growthIfResized(v, memoryMiB, ratio);
            if (growth.memoryMiB() > g.freeMemoryMiB())
                throw new IllegalArgumentException("memoryMiB " + memoryMiB + " does not fit GPU " + g.uuid()
                        + ": at most " + (memoryMiB - growth.memoryMiB() + g.freeMemoryMiB()) + " MiB available to this vGPU");
            if (growth.ratio() > g.freeRatio())
                throw new IllegalArgumentException("ratio " + ratio + " does not fit GPU " + g.uuid()
                        + ": at most " + (ratio - growth.ratio() + g.freeRatio()) + "% available to this vGPU");
            resized = v.resized(memoryMiB, ratio);
            state.replaceVgpu(resized);
            Allocation a = state.allocation(resized.allocationId());
            durable = store.append(List.of(new StateChange.AllocationPut(new AllocationRecord(a, leases.get(a.id())))));
        } finally {
            lock.unlock();
        }
        durable.await();
        event(PoolEvent.Kind.RESIZED, vgpuId, "resized " + vgpuId + " to " + memoryMiB + " MiB / " + ratio + "%");
        Vgpu pushed = resized;
        notifyListeners(l -> l.resized(pushed));
        return resized;
    }

    // ---- leases and liveness ----------------------------------------------------------------

    /** Releases allocations whose lease ran out; marks silent nodes down and reports their vGPUs lost. */
    void checkLeasesAndLiveness() {
        try {
            Instant now = clock.instant();
            List<String> expired = new ArrayList<>();
            lock.lock();
            try {
                leases.forEach((id, until) -> { if (until.isBefore(now)) expired.add(id); });
            } finally {
                lock.unlock();
            }
            for (String id : expired) {
                Allocation a = remove(id, "its lease ran out (no heartbeat renewed it)");
                if (a != null) lostOrReleased(a, PoolEvent.Kind.LEASE_EXPIRED, "no live client renewed it for " + config.leaseSeconds() + " s");
            }
            Duration silence = Duration.ofSeconds((long) config.heartbeatSeconds() * config.missedHeartbeats());
            for (NodeStatus s : List.copyOf(liveness.values())) {
                if (s.lastHeartbeat().plus(silence).isBefore(now)) markDown(s.node(), Duration.between(s.lastHeartbeat(), now));
            }
        } catch (RuntimeException e) {
            LOG.error("lease and liveness check failed; will try again in a second", e);
        }
    }

    private void markDown(String node, Duration silentFor) {
        List<Allocation> lost;
        StateStore.Pending durable;
        lock.lock();
        try {
            NodeView n = state.node(node);
            if (n == null || n.state() == NodeState.DOWN) {
                liveness.remove(node);
                return;
            }
            lost = state.allocationsOn(node);
            List<StateChange> changes = new ArrayList<>();
            for (Allocation a : lost) {
                state.removeAllocation(a.id());
                leases.remove(a.id());
                changes.add(new StateChange.AllocationRemoved(a.id(), clock.instant(), "node " + node + " went silent"));
            }
            state.setState(node, NodeState.DOWN);
            changes.add(new StateChange.NodeStateChanged(node, NodeState.DOWN));
            liveness.remove(node);
            durable = store.append(changes);
        } finally {
            lock.unlock();
        }
        durable.await();
        event(PoolEvent.Kind.NODE_DOWN, node, "node " + node + " is down: no heartbeat for " + silentFor.toSeconds() + " s");
        for (Allocation a : lost) lostOrReleased(a, PoolEvent.Kind.LOST, "its node " + node + " went silent");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void event(PoolEvent.Kind kind, String subject, String message) {
        events.add(kind, subject, message);
        if (kind == PoolEvent.Kind.NODE_DOWN) LOG.warn(message);
        else if (kind != PoolEvent.Kind.ALLOCATED && kind != PoolEvent.Kind.REFUSED) LOG.info(message);
        else LOG.debug(message);
    }

    private void notifyListeners(Consumer<PoolListener> call) {
        for (PoolListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.error("pool listener {} failed", l.getClass().getName(), e);
            }
        }
    }
}
