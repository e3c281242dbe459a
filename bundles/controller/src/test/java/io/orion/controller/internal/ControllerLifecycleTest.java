package io.orion.controller.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.PoolEvent;
import io.orion.api.pool.PoolListener;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;
import io.orion.policy.binpack.internal.BinpackPolicy;
import io.orion.policy.testkit.GpuModels;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leases, heartbeats, restarts from the store, and what listeners are told. */
class ControllerLifecycleTest {

    private final ControllerPoolTest.TestClock clock = new ControllerPoolTest.TestClock();
    private final MemoryStore store = new MemoryStore();
    private final List<String> told = new ArrayList<>();
    private ControllerPool pool;

    private ControllerPool newPool(StateStore s) {
        ControllerPool p = new ControllerPool(new ControllerPoolTest.FixedPlatform(new BinpackPolicy()), s,
                ControllerPoolTest.config(30, 5, 3), clock, false);
        p.addListener(new PoolListener() {
            @Override public void resized(Vgpu v) { told.add("resized " + v.id() + " " + v.memoryMiB()); }
            @Override public void released(Allocation a, String why) { told.add("released " + a.id() + ": " + why); }
        });
        return p;
    }

    @BeforeEach
    void setUp() {
        pool = newPool(store);
        pool.registerNode("n1", "10.0.0.1", Map.of(), List.of(GpuModels.h200("GPU-1")));
    }

    private Allocation allocate() {
        return assertInstanceOf(AllocationResult.Granted.class, pool.allocate(VgpuRequest.of(1, 1000, 10), "pid 1")).allocation();
    }

    /** The node heartbeats every 5 s for {@code seconds}, reporting these allocations live. */
    private void liveFor(ControllerPool p, int seconds, String... live) {
        for (int t = 0; t < seconds; t += 5) {
            clock.advance(5);
            p.heartbeat("n1", new NodeReport(List.of(), List.of(), List.of(live)));
            p.checkLeasesAndLiveness();
        }
    }

    @Test
    void aLeaseThatIsNotRenewedRunsOut() {
        Allocation a = allocate();
        liveFor(pool, 60, a.id());
        assertTrue(pool.allocation(a.id()).isPresent(), "renewed by every heartbeat");
        liveFor(pool, 25); // the node lives, the client is gone
        assertTrue(pool.allocation(a.id()).isPresent(), "25 s < the 30 s lease");
        liveFor(pool, 10);
        assertTrue(pool.allocation(a.id()).isEmpty());
        assertTrue(told.get(0).startsWith("released " + a.id()), told.toString());
        assertEquals(PoolEvent.Kind.LEASE_EXPIRED, pool.events(10).getLast().kind());
        assertTrue(pool.renew(a.id()) == false);
    }

    @Test
    void aSilentNodeIsMarkedDownAndItsVgpusReportedLost() {
        Allocation a = allocate();
        clock.advance(14);
        pool.checkLeasesAndLiveness();
        assertEquals(NodeState.UP, pool.snapshot().node("n1").orElseThrow().state(), "14 s < 3 x 5 s");
        pool.renew(a.id());
        clock.advance(2);
        pool.checkLeasesAndLiveness();
        assertEquals(NodeState.DOWN, pool.snapshot().node("n1").orElseThrow().state());
        assertTrue(pool.allocations().isEmpty());
        List<PoolEvent.Kind> kinds = pool.events(10).stream().map(PoolEvent::kind).toList();
        assertTrue(kinds.contains(PoolEvent.Kind.NODE_DOWN) && kinds.contains(PoolEvent.Kind.LOST), kinds.toString());
        assertEquals(1, pool.counters().lost.getCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.heartbeat("n1", NodeReport.empty()));
        assertTrue(e.getMessage().contains("register it again"), e.getMessage());
        pool.registerNode("n1", "10.0.0.1", Map.of(), List.of(GpuModels.h200("GPU-1")));
        assertEquals(NodeState.UP, pool.snapshot().node("n1").orElseThrow().state());
    }

    @Test
    void aGpuMovesToANewNodeNameOnlyOnceItsOldNodeIsDown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.registerNode("renamed", "", Map.of(), List.of(GpuModels.h200("GPU-1"))));
        assertTrue(e.getMessage().contains("node n1, which is up"), e.getMessage());
        clock.advance(16);
        pool.checkLeasesAndLiveness();
        pool.registerNode("renamed", "", Map.of(), List.of(GpuModels.h200("GPU-1")));
        assertEquals(0, pool.snapshot().node("n1").orElseThrow().gpus().size());
        assertEquals(1, pool.snapshot().node("renamed").orElseThrow().gpus().size());
    }

    @Test
    void heartbeatsAnswerTheNodesVgpusAndUnknownNodesAreRefused() {
        Allocation a = allocate();
        List<Vgpu> answer = pool.heartbeat("n1", NodeReport.empty());
        assertEquals(a.vgpus(), answer);
        assertThrows(IllegalArgumentException.class, () -> pool.heartbeat("ghost", NodeReport.empty()));
    }

    @Test
    void aRestartRestoresNodesAndAllocationsWithFreshLeases() {
        Allocation a = allocate();
        Vgpu resized = pool.resize(a.vgpus().get(0).id(), 2000, 20);
        pool.setDraining("n1", true);
        clock.advance(25);
        ControllerPool restarted = newPool(store);
        assertEquals(List.of(a.id()), restarted.allocations().stream().map(Allocation::id).toList());
        assertEquals(2000, restarted.allocations().get(0).vgpus().get(0).memoryMiB());
        assertEquals(NodeState.DRAINING, restarted.snapshot().node("n1").orElseThrow().state());
        assertEquals(2000, restarted.snapshot().gpus().findFirst().orElseThrow().usedMemoryMiB(), "usage recomputed");
        liveFor(restarted, 25); // its server comes back, the client has not reconnected yet
        assertTrue(restarted.allocation(a.id()).isPresent(), "the lease was renewed at restart");
        liveFor(restarted, 10);
        assertTrue(restarted.allocation(a.id()).isEmpty(), "and runs out 30 s after it");
        assertTrue(told.contains("resized " + resized.id() + " 2000"), told.toString());
    }

    @Test
    void anAllocationThatCannotBeStoredIsTakenBack() {
        StateStore failing = new StateStore() {
            @Override public StoredState load() { return StoredState.empty(); }
            @Override public Pending append(List<StateChange> changes) {
                boolean alloc = changes.stream().anyMatch(c -> c instanceof StateChange.AllocationPut);
                return () -> { if (alloc) throw new StoreException("disk full at /state/journal"); };
            }
        };
        ControllerPool p = newPool(failing);
        p.registerNode("n1", "", Map.of(), List.of(GpuModels.h200("GPU-1")));
        StoreException e = assertThrows(StoreException.class, () -> p.allocate(VgpuRequest.of(1, 1000, 10), "x"));
        assertTrue(e.getMessage().contains("disk full"));
        assertTrue(p.allocations().isEmpty());
        assertEquals(0, p.snapshot().gpus().findFirst().orElseThrow().usedMemoryMiB());
    }
}
