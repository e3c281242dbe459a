package io.orion.server.internal.gate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * The scheduler driven in simulated time against a model of a GPU and of clients, so that shares
 * can be checked deterministically. The model: one GPU that runs queued kernels one after another
 * (the gate makes tenants exclusive, so nothing else happens on it); clients that keep launching
 * while their vGPU holds the GPU, up to the lookahead of queued work, and otherwise wait in the
 * gate; a hand-over costs {@link #handover} (the new holder's thread wakes and launches) and a
 * drain is seen {@link #observe} after its last kernel ended. Each kernel is charged to its vGPU
 * when it completes: what the events measure on the device.
 */
final class GateSimulation {
    static final long MS = 1_000_000;

    private static long ratioSets;

    /** A vGPU of the simulation. */
    static final class Vgpu implements GateTenant {
        final String id, group;
        volatile int ratio;
        long ratioVersion = ++ratioSets;
        final ShareAccount account = new ShareAccount();
        /** Its group's account, shared with the group's other vGPUs (its own without a group). */
        ShareAccount groupAccount = account;
        Tenant tenant;
        /** GPU time per 10 ms bucket of simulated time. */
        final TreeMap<Long, Long> busy = new TreeMap<>();

        Vgpu(String id, String group, int ratio) {
            this.id = id;
            this.group = group;
            this.ratio = ratio;
        }

        @Override public String id() { return id; }
        @Override public String groupId() { return group; }
        @Override public int ratio() { return ratio; }
        @Override public long ratioVersion() { return ratioVersion; }
        @Override public ShareAccount account() { return account; }
        @Override public ShareAccount groupAccount() { return groupAccount; }

        /** A resize: the new ratio is the latest of its group's. */
        void resize(int r) {
            ratio = r;
            ratioVersion = ++ratioSets;
        }

        void ran(long start, long end) {
            for (long b = start / BUCKET; b * BUCKET < end; b++) {
                long from = Math.max(start, b * BUCKET), to = Math.min(end, (b + 1) * BUCKET);
                if (to > from) busy.merge(b, to - from, Long::sum);
            }
        }

        /** Share of the GPU (percent) in [from, to); bucket aligned. */
        double share(long from, long to) {
            long sum = 0;
            for (long v : busy.subMap(from / BUCKET, true, to / BUCKET - 1, true).values()) sum += v;
            return 100.0 * sum / (to - from);
        }
    }

    static final long BUCKET = 10 * MS;

    /** A client process: launches kernels of one duration while {@code active} says so. */
    final class Client {
        final Vgpu vgpu;
        final long kernel;
        final LongPredicate active;
        int inFlight;
        boolean waiting;
        /** When its first kernel was queued; -1 before. */
        long firstLaunch = -1;
        long readyAt;

        Client(Vgpu vgpu, long kernel, LongPredicate active) {
            this.vgpu = vgpu;
            this.kernel = kernel;
            this.active = active;
        }
    }

    private record Kernel(Client client, long start, long end) {}

    final GateSettings settings;
    final ShareScheduler scheduler;
    long now;
    long handover = 50_000;
    long observe = 10_000;
    final List<Vgpu> vgpus = new ArrayList<>();
    final List<Client> clients = new ArrayList<>();
    private final ArrayDeque<Kernel> gpu = new ArrayDeque<>();
    private final TreeMap<Long, List<Runnable>> actions = new TreeMap<>();
    private long gpuFreeAt;
    private Tenant closing;
    /** Decisions other than WAIT, by kind: what the gate thread would have had to do. */
    final java.util.EnumMap<Decision.Kind, Integer> decisions = new java.util.EnumMap<>(Decision.Kind.class);
    /** Longest time a client waited in the gate, and the vGPU it belonged to. */
    long longestWait;
    private final java.util.Map<Client, Long> waitStart = new java.util.HashMap<>();

    GateSimulation(GateSettings settings) {
        this.settings = settings;
        this.scheduler = new ShareScheduler(settings);
    }

    Vgpu vgpu(String id, int ratio) {
        return vgpu(id, "", ratio);
    }

    /** A vGPU; the vGPUs of one group are one tenant, as on one GPU of the gate. */
    Vgpu vgpu(String id, String group, int ratio) {
        Vgpu v = new Vgpu(id, group, ratio);
        Vgpu sibling = group.isEmpty() ? null : vgpus.stream().filter(o -> o.group.equals(group)).findFirst().orElse(null);
        if (sibling == null) {
            v.tenant = new Tenant(v, settings, null);
            if (!group.isEmpty()) v.groupAccount = new ShareAccount();
            scheduler.add(v.tenant, now);
        } else {
            v.tenant = sibling.tenant;
            v.groupAccount = sibling.groupAccount;
            v.tenant.members.add(v);
            v.tenant.mode = v.tenant.modeIn(settings);
        }
        vgpus.add(v);
        return v;
    }

    /** Share of the GPU (percent) of all the vGPUs of {@code group} in [from, to). */
    double groupShare(String group, long from, long to) {
        return vgpus.stream().filter(v -> v.group.equals(group)).mapToDouble(v -> v.share(from, to)).sum();
    }

    /** A client that saturates its vGPU with kernels of {@code kernelNanos} for the whole run. */
    Client busy(Vgpu v, long kernelNanos) {
        return client(v, kernelNanos, t -> true);
    }

    Client client(Vgpu v, long kernelNanos, LongPredicate active) {
        Client c = new Client(v, kernelNanos, active);
        clients.add(c);
        return c;
    }

    /** Runs {@code action} at simulated time {@code at}. */
    void at(long at, Runnable action) {
        actions.computeIfAbsent(at, k -> new ArrayList<>()).add(action);
    }

    /** Runs the simulation until {@code end}. */
    void runUntil(long end) {
        int spins = 0;
        while (now < end) {
            long before = now;
            step();
            long next = nextEvent();
            if (next <= now) {
                if (++spins > 1000) throw new IllegalStateException("simulation stuck at " + now);
            } else {
                spins = 0;
            }
            now = Math.min(end, Math.max(next, before));
        }
    }

    private void step() {
        // kernels that ended: charged to their vGPU, as the gate charges what the events measured
        while (!gpu.isEmpty() && gpu.peekFirst().end <= now) {
            Kernel k = gpu.pollFirst();
            k.client.inFlight--;
            k.client.vgpu.ran(k.start, k.end);
            ended.put(k.client.vgpu.tenant, k.end);
            scheduler.charge(k.client.vgpu.tenant, k.client.vgpu, k.end - k.start, now);
        }
        List<Runnable> due = actions.remove(now);
        if (due != null) due.forEach(Runnable::run);
        while (!actions.isEmpty() && actions.firstKey() < now) actions.pollFirstEntry().getValue().forEach(Runnable::run);
        if (closing != null && !hasWork(closing) && now >= lastEnd(closing) + observe) {
            scheduler.drained(closing, now);
            closing = null;
        }
        for (int round = 0; round < 10; round++) {
            clientsAct();
            if (!decideAll()) break;
        }
        clientsAct();
    }

    private void clientsAct() {
        for (Client c : clients) {
            Tenant t = c.vgpu.tenant;
            if (!c.active.test(now)) {
                if (c.waiting) stopWaiting(c);
                continue;
            }
            if (t.admitted) {
                if (c.waiting) {
                    stopWaiting(c);
                    c.readyAt = now + handover;
                }
                if (now < c.readyAt) continue;
                long lookahead = settings.lookahead().toNanos();
                while (c.inFlight < 2 || (long) c.inFlight * c.kernel < lookahead) {
                    t.admits++;
                    if (c.firstLaunch < 0) c.firstLaunch = now;
                    long start = Math.max(now, gpuFreeAt);
                    gpuFreeAt = start + c.kernel;
                    gpu.addLast(new Kernel(c, start, gpuFreeAt));
                    c.inFlight++;
                }
            } else if (!c.waiting) {
                // its next launch finds the gate closed: the session thread waits there
                c.waiting = true;
                waitStart.put(c, now);
                scheduler.waiting(t, +1, now);
                // as the gate counts a waiting launch as held back, for its vGPU and its group
                c.vgpu.account.holdStarted(now);
                if (c.vgpu.groupAccount != c.vgpu.account) c.vgpu.groupAccount.holdStarted(now);
            }
        }
    }

    private void stopWaiting(Client c) {
        c.waiting = false;
        longestWait = Math.max(longestWait, now - waitStart.remove(c));
        c.vgpu.account.holdEnded(now);
        if (c.vgpu.groupAccount != c.vgpu.account) c.vgpu.groupAccount.holdEnded(now);
        scheduler.waiting(c.vgpu.tenant, -1, now);
    }

    /** Carries out decisions until the scheduler says wait; true when something changed. */
    private boolean decideAll() {
        boolean changed = false;
        for (int i = 0; i < 100; i++) {
            Decision d = scheduler.decide(now);
            if (d.kind() != Decision.Kind.WAIT) decisions.merge(d.kind(), 1, Integer::sum);
            switch (d.kind()) {
                case GRANT -> {
                    scheduler.apply(d, now);
                    d.tenant().admitted = true;
                    changed = true;
                }
                case CLOSE -> {
                    scheduler.apply(d, now);
                    d.tenant().admitted = false;
                    closing = d.tenant();
                    changed = true;
                }
                case PROBE -> scheduler.quiet(d.tenant(), !hasWork(d.tenant()), now);
                case WAIT -> {
                    wakeAt = d.until();
                    return changed;
                }
            }
        }
        throw new IllegalStateException("the scheduler does not settle at " + now);
    }

    private long wakeAt = ShareScheduler.NEVER;

    private boolean hasWork(Tenant t) {
        for (Kernel k : gpu) if (k.client.vgpu.tenant == t) return true;
        return false;
    }

    private long lastEnd(Tenant t) {
        long e = Long.MIN_VALUE;
        for (Kernel k : gpu) if (k.client.vgpu.tenant == t) e = Math.max(e, k.end);
        return e == Long.MIN_VALUE ? gpuEndOf(t) : e;
    }

    private final java.util.Map<Tenant, Long> ended = new java.util.HashMap<>();

    private long gpuEndOf(Tenant t) {
        // the last kernel of t already left the queue: its end is in the past
        return ended.getOrDefault(t, Long.MIN_VALUE / 2);
    }

    private long nextEvent() {
        long next = Long.MAX_VALUE;
        if (!gpu.isEmpty()) next = gpu.peekFirst().end;
        if (wakeAt > now) next = Math.min(next, wakeAt);
        if (!actions.isEmpty()) next = Math.min(next, actions.firstKey());
        for (Client c : clients) if (c.readyAt > now) next = Math.min(next, c.readyAt);
        if (closing != null && !hasWork(closing)) next = Math.min(next, Math.max(now + 1, lastEnd(closing) + observe));
        // clients switch on and off: look again at the next bucket at the latest
        next = Math.min(next, (now / MS + 1) * MS);
        return next;
    }
}
