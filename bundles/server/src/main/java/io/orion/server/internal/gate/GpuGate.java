package io.orion.server.internal.gate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute gate of one physical GPU: its scheduler, the session threads waiting for their vGPU's
 * turn, and the gate's own thread, which carries out what the scheduler decides.
 *
 * <p>Who blocks where: a session's thread blocks only in its own launch (waiting for its turn, or
 * for its own queued work when it is a lookahead ahead), which holds back that session's later
 * frames and nobody else's. Waiting for a holder's work to drain, and probing whether a holder went
 * quiet, is done on the gate's thread. A session that closes wakes its waiting thread with an
 * error; if the gate's thread ever fails, the gate opens (every launch passes) and says so.
 */
public final class GpuGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuGate.class);
    /** Longest sleep of a waiting thread between looks, against a lost wake-up. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What the gate of one GPU has done, for status and the benchmark. */
    public record Stats(String gpu, long switches, long slices, String holder, int tenants) {}

    private final String gpu;
    private final NanoClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ShareScheduler scheduler;
    /** Tenants by {@link #keyOf}: a group's vGPUs share one. */
    private final Map<Object, Tenant> tenants = new HashMap<>();
    private volatile GateSettings settings;
    private final Thread thread;
    // guarded by lock
    private boolean stopped;
    private boolean poked;
    private long nextSample;
    private volatile boolean failed;

    GpuGate(String gpu, GateSettings settings, NanoClock clock) {
        this.gpu = gpu;
        this.clock = clock;
        this.settings = settings;
        this.scheduler = new ShareScheduler(settings);
        this.thread = Thread.ofPlatform().daemon().name("orion-gate-" + gpu).start(this::run);
    }

    GateSettings settings() { return settings; }

    // ---- sessions ----------------------------------------------------------------------------------

    /** Who shares a tenant: the vGPUs of one group; a vGPU without a group is alone (its identity). */
    private record GroupKey(String groupId) {}

    private static Object keyOf(GateTenant vgpu) {
        return vgpu.groupId().isEmpty() ? vgpu : new GroupKey(vgpu.groupId());
    }

    /** A session's device on this GPU joins, as one more process of its vGPU's tenant (its group's, if it has one). */
    DeviceTrack attach(GateTenant vgpu, GpuContext context) {
        lock.lock();
        try {
            long now = clock.nanos();
            Tenant t = tenants.get(keyOf(vgpu));
            if (t == null) {
                t = new Tenant(vgpu, settings, lock.newCondition());
                tenants.put(keyOf(vgpu), t);
                scheduler.add(t, now);
            } else if (!t.members.contains(vgpu)) {
                t.members.add(vgpu);
                t.mode = t.modeIn(settings); // the newcomer may have become the lead
            }
            DeviceTrack d = new DeviceTrack(this, t, vgpu, context, settings.lookahead().toNanos());
            t.devices.add(d);
            return d;
        } finally {
            lock.unlock();
        }
    }

    /** The device's session is closing (any thread): its waiting launch fails, its vGPU leaves when it was the last. */
    void detach(DeviceTrack d) {
        d.close();
        lock.lock();
        try {
            Tenant t = d.tenant;
            t.devices.remove(d);
            if (t.devices.isEmpty() && tenants.get(keyOf(d.vgpu)) == t) {
                tenants.remove(keyOf(d.vgpu));
                scheduler.remove(t, clock.nanos());
                t.admitted = false;
            } else if (!t.devices.isEmpty() && t.devices.stream().noneMatch(o -> o.vgpu == d.vgpu)) {
                t.members.remove(d.vgpu); // its last process here left: its ratio no longer counts
                t.mode = t.modeIn(settings);
            }
            t.turn.signalAll();
            poke();
        } finally {
            lock.unlock();
        }
    }

    /**
     * On the session's thread, before a launch: lets it through when its vGPU holds the GPU,
     * waits for its turn otherwise.
     *
     * @throws GpuException INVALID_CONTEXT when the session closes while it waits
     */
    Admission admit(DeviceTrack d, GpuStream stream) {
        Tenant t = d.tenant;
        t.admits++; // racy among a group's processes, and fine: the scheduler only looks for change
        d.awaitRoom(settings.lookahead().toNanos());
        while (true) {
            Lane lane = d.begin(stream);
            if (lane != null) return () -> d.end(lane);
            if (!awaitTurn(d)) return Admission.NONE;
        }
    }

    /** Waits until the device's vGPU is admitted; false when the gate no longer holds anything back. */
    private boolean awaitTurn(DeviceTrack d) {
        Tenant t = d.tenant;
        lock.lock();
        try {
            long now = clock.nanos();
            scheduler.waiting(t, +1, now);
            boolean held = false;
            try {
                poke(); // the gate's thread may have a slice to close for us, or a sleep to shorten
                while (true) {
                    if (d.isClosed()) throw new GpuException(CudaError.INVALID_CONTEXT,
                            "the session ended while its launch waited in the compute gate");
                    if (stopped || failed || !settings.enabled()) return false;
                    if (t.admitted) return true;
                    Decision next = scheduler.decide(now);
                    if (next.kind() == Decision.Kind.GRANT) {
                        grant(next, now); // a free GPU needs no thread switch to be taken
                        continue;
                    }
                    if (!held) {
                        holdStarted(d.vgpu, now);
                        held = true;
                    }
                    t.turn.awaitNanos(RECHECK_NANOS);
                    now = clock.nanos();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GpuException(CudaError.LAUNCH_FAILED, "interrupted while waiting in the compute gate");
            } finally {
                now = clock.nanos();
                if (held) holdEnded(d.vgpu, now);
                scheduler.waiting(t, -1, now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Held-back time counts for the vGPU and for its group (nested: several processes may wait at once). */
    private static void holdStarted(GateTenant vgpu, long now) {
        vgpu.account().holdStarted(now);
        if (vgpu.groupAccount() != vgpu.account()) vgpu.groupAccount().holdStarted(now);
    }

    private static void holdEnded(GateTenant vgpu, long now) {
        vgpu.account().holdEnded(now);
        if (vgpu.groupAccount() != vgpu.account()) vgpu.groupAccount().holdEnded(now);
    }

    /** Measured GPU time of a device of {@code vgpu} (any thread, never under a track's lock held with this one). */
    void charge(Tenant t, GateTenant vgpu, long nanos) {
        lock.lock();
        try {
            scheduler.charge(t, vgpu, nanos, clock.nanos());
        } finally {
            lock.unlock();
        }
    }

    /** The ratio the gate applies to {@code vgpu}'s tenant now (its group's), or -1 when it has no process on this GPU. */
    int tenantRatio(GateTenant vgpu) {
        lock.lock();
        try {
            Tenant t = tenants.get(keyOf(vgpu));
            return t != null && t.members.contains(vgpu) ? t.ratio() : -1;
        } finally {
            lock.unlock();
        }
    }

    // ---- configuration ----------------------------------------------------------------------------------

    /** A vGPU's ratio changed, or a session came or went: decide again now. */
    void changed() {
        lock.lock();
        try {
            scheduler.configure(settings, clock.nanos());
            poke();
        } finally {
            lock.unlock();
        }
    }

    void reconfigure(GateSettings s) {
        lock.lock();
        try {
            boolean reopened = !settings.enabled() && s.enabled();
            settings = s;
            long now = clock.nanos();
            if (reopened) {
                // while it was off nobody was held: start from a free GPU
                for (Tenant t : tenants.values()) t.admitted = false;
                scheduler.reset(now);
            }
            scheduler.configure(s, now);
            for (Tenant t : tenants.values()) t.turn.signalAll();
            poke();
        } finally {
            lock.unlock();
        }
    }

    Stats stats() {
        lock.lock();
        try {
            Tenant h = scheduler.holder();
            return new Stats(gpu, scheduler.switches(), scheduler.grants(), h == null ? "" : h.name, tenants.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            stopped = true;
            for (Tenant t : tenants.values()) t.turn.signalAll();
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void poke() {
        poked = true;
        wake.signal();
    }

    private void grant(Decision d, long now) {
        scheduler.apply(d, now);
        d.tenant().admitted = true;
        d.tenant().turn.signalAll();
    }

    // ---- the gate's thread ------------------------------------------------------------------------------

    private void run() {
        lock.lock();
        try {
            nextSample = clock.nanos();
            while (!stopped) {
                long now = clock.nanos();
                if (!settings.enabled()) {
                    poked = false;
                    wake.await();
                    continue;
                }
                if (now - nextSample >= 0) {
                    nextSample = now + scheduler.shareWindowNanos() / 10;
                    sample();
                    continue;
                }
                Decision d = scheduler.decide(now);
                switch (d.kind()) {
                    case GRANT -> grant(d, now);
                    case CLOSE -> closeAndDrain(d);
                    case PROBE -> probe(d.tenant());
                    case WAIT -> {
                        if (poked) {
                            poked = false;
                            continue;
                        }
                        long until = Math.min(d.until(), nextSample);
                        wake.awaitNanos(clock.sleepNanos(Math.max(1, until - now)));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("the compute gate of GPU {} failed; its launches are no longer held back", gpu, e);
            failed = true;
            for (Tenant t : tenants.values()) t.turn.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the holder, waits (without the lock) until what it queued is done and charged, frees the GPU. */
    private void closeAndDrain(Decision d) {
        Tenant t = d.tenant();
        scheduler.apply(d, clock.nanos());
        t.admitted = false;
        List<DeviceTrack> devices = List.copyOf(t.devices);
        lock.unlock();
        try {
            // a launch that passed before the flag fell is finished being queued first (microseconds)
            for (DeviceTrack dev : devices) {
                while (dev.launching() && !dev.isClosed()) LockSupport.parkNanos(5_000);
            }
            long deadline = clock.nanos() + drainLimit();
            boolean drained = true;
            for (DeviceTrack dev : devices) drained &= dev.drain(deadline);
            if (!drained) overran(t);
        } finally {
            lock.lock();
        }
        scheduler.drained(t, clock.nanos());
    }

    /**
     * How long a closing holder's queued work may take before the GPU is handed on anyway: a kernel
     * far longer than a slice must not stop everyone else (the GPU's own time-slicing then serves both).
     */
    private long drainLimit() {
        return Math.max(50_000_000L, 5 * settings.slice().toNanos());
    }

    private void overran(Tenant t) {
        if (!t.overranLogged) {
            t.overranLogged = true;
            LOG.warn("GPU {}: work of {} ran more than {} ms past its slice; the GPU is handed on without waiting for it, "
                    + "and shares are approximate while such kernels run", gpu, t.describe(), drainLimit() / 1_000_000);
        }
    }

    /** The gate's clock (tracks compare deadlines with it). */
    long now() {
        return clock.nanos();
    }

    private void probe(Tenant t) {
        List<DeviceTrack> devices = List.copyOf(t.devices);
        lock.unlock();
        boolean done = true;
        try {
            for (DeviceTrack dev : devices) done &= dev.probe();
        } finally {
            lock.lock();
        }
        scheduler.quiet(t, done, clock.nanos());
    }

    /** Charges what every device has finished, so that the reported shares stay current when nobody switches. */
    private void sample() {
        List<DeviceTrack> devices = tenants.values().stream().flatMap(t -> t.devices.stream()).toList();
        if (devices.isEmpty()) return;
        lock.unlock();
        try {
            for (DeviceTrack dev : devices) dev.probe();
        } finally {
            lock.lock();
        }
    }
}
