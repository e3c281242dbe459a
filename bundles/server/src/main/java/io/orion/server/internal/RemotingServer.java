package io.orion.server.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuException;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;
import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.Transport;
import io.orion.api.transport.TransportClosedException;
import io.orion.protocol.FrameHeader;
import io.orion.protocol.SessionCalls;
import io.orion.server.internal.gate.ComputeGate;
import io.orion.server.internal.gate.ComputeMode;
import io.orion.server.internal.gate.GateSettings;
import io.orion.server.internal.gate.GpuGate;
import io.orion.server.internal.gate.NanoClock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remoting server without OSGi: takes connections from the transports it is given, opens
 * sessions on the backend it is given, keeps sessions whose connection broke for their grace
 * period, frees everything of a session that ends. {@link ServerComponent} wires it into the
 * platform; tests and the benchmark use it directly.
 */
public final class RemotingServer implements ConnectionAcceptor, VgpuServer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemotingServer.class);

    private final Supplier<Optional<GpuBackend>> backend;
    private final Dispatcher dispatcher;
    private final Grants grants = new Grants();
    private final ConcurrentHashMap<Long, Session> sessions = new ConcurrentHashMap<>();
    private final Map<Transport, String> transports = new IdentityHashMap<>();
    /** Transports that should listen but could not (port taken, say): retried every few seconds. */
    private final List<Transport> failed = new ArrayList<>();
    private long lastRetryNanos;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService reaper;
    private volatile ServerSettings settings;

    /**
     * A server whose compute gate is off (contexts time-sliced by the GPU, as without Orion) until
     * {@link #reconfigureGate} says otherwise: what tests and the remoting benchmark start from.
     */
    public RemotingServer(ServerSettings settings, Supplier<Optional<GpuBackend>> backend) {
        this(settings, backend, GateSettings.defaults().withMode(ComputeMode.OFF));
    }

    /** A server whose launches pass the compute gate with these settings. */
    public RemotingServer(ServerSettings settings, Supplier<Optional<GpuBackend>> backend, GateSettings gate) {
        this(settings, backend, gate, NanoClock.system());
    }

    /** As the other, with the gate reading {@code clock} (a test's that follows the host backend's device time). */
    public RemotingServer(ServerSettings settings, Supplier<Optional<GpuBackend>> backend, GateSettings gate, NanoClock clock) {
        this(settings, backend, new GatedLaunches(new ComputeGate(gate, clock)));
    }

    RemotingServer(ServerSettings settings, Supplier<Optional<GpuBackend>> backend, LaunchGate gate) {
        this.settings = settings;
        this.backend = backend;
        this.dispatcher = new Dispatcher(gate);
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("orion-session-reaper").unstarted(r));
        reaper.scheduleWithFixedDelay(this::reap, settings.reaperPeriod().toMillis(), settings.reaperPeriod().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    ServerSettings settings() { return settings; }

    Dispatcher dispatcher() { return dispatcher; }

    /** New settings apply to new connections and to sessions detached from now on. */
    public void reconfigure(ServerSettings s) {
        this.settings = s;
    }

    /** New compute gate settings apply at once, to running sessions too. */
    public void reconfigureGate(GateSettings s) {
        computeGate().reconfigure(s);
        LOG.info("compute gate: {}", describe(s));
    }

    static String describe(GateSettings s) {
        if (!s.enabled()) return "off (contexts are time-sliced by the GPU; ratios are not enforced)";
        return s.mode().label() + (s.vgpuModes().isEmpty() ? "" : " " + s.vgpuModes()) + ", slices of "
                + s.slice().toMillis() + " ms, lookahead " + s.lookahead().toMillis() + " ms";
    }

    /** The compute gate's settings now. */
    public GateSettings gateSettings() {
        return computeGate().settings();
    }

    /** What the compute gate of each GPU has done (switches, slices), for status and the benchmark. */
    public List<GpuGate.Stats> gateStats() {
        return computeGate().stats();
    }

    private ComputeGate computeGate() {
        if (dispatcher.gate() instanceof GatedLaunches g) return g.gate();
        throw new IllegalStateException("this server was built with a fixed launch gate");
    }

    // ---- transports -------------------------------------------------------------------------------

    /** Opens the transports in {@code active} that are not open, closes the open ones that are not in it. */
    public synchronized void useTransports(List<Transport> active) {
        failed.removeIf(t -> active.stream().noneMatch(a -> a == t));
        for (Transport t : List.copyOf(transports.keySet())) {
            if (active.stream().noneMatch(a -> a == t)) {
                transports.remove(t);
                LOG.info("closing transport {}; its sessions wait {} ms for their clients to reconnect", name(t),
                        settings.transportGrace().toMillis());
                closeQuietly(t);
            }
        }
        for (Transport t : active) {
            if (!transports.containsKey(t)) tryOpen(t, true);
        }
    }

    private void tryOpen(Transport t, boolean first) {
        try {
            String endpoint = t.open(this);
            transports.put(t, endpoint);
            failed.removeIf(f -> f == t);
            LOG.info("listening on transport {} at {}", name(t), endpoint);
        } catch (IOException | RuntimeException e) {
            if (first) LOG.error("transport {} could not listen: {}; retrying every {} s", name(t), e.getMessage(), RETRY_SECONDS);
            if (failed.stream().noneMatch(f -> f == t)) failed.add(t);
        }
    }

    private static final int RETRY_SECONDS = 2;

    /** Opens again the transports that could not listen (called by the reaper thread). */
    private synchronized void retryTransports() {
        long now = System.nanoTime();
        if (failed.isEmpty() || now - lastRetryNanos < RETRY_SECONDS * 1_000_000_000L) return;
        lastRetryNanos = now;
        for (Transport t : List.copyOf(failed)) tryOpen(t, false);
    }

    /** The transports listening now and their endpoints (as they say now: a reconfigured transport may have moved). */
    public synchronized Map<String, String> endpoints() {
        Map<String, String> m = new java.util.TreeMap<>();
        transports.keySet().forEach(t -> m.put(name(t), t.endpoint()));
        return m;
    }

    private static String name(Transport t) {
        try {
            return t.name();
        } catch (RuntimeException e) {
            return t.getClass().getName();
        }
    }

    private static void closeQuietly(Transport t) {
        try {
            t.close();
        } catch (RuntimeException e) {
            LOG.warn("closing transport {} failed: {}", name(t), e.toString());
        }
    }

    @Override
    public FrameHandler accept(Connection connection) {
        return new ConnectionHandler(this, connection);
    }

    // ---- sessions ---------------------------------------------------------------------------------

    /** Opens a new session for a HELLO: grants, one context per vGPU, then binds the connection. */
    void open(ConnectionHandler c, SessionCalls.Hello hello, FrameHeader h) {
        GpuBackend b = backend.get().orElseThrow(() -> new GpuException(CudaError.NO_DEVICE, "the server has no GPU backend"));
        List<GpuDevice> devices = b.devices();
        Session s = new Session(newId(), hello.pid(), hello.host(), hello.client(), hello.groupId());
        List<Grant> gs;
        if (!hello.vgpuIds().isEmpty()) {
            gs = grants.attach(s, hello.vgpuIds());
        } else if (hello.autoCount() > 0) {
            if (!settings.autoGrant())
                throw new GpuException(CudaError.NOT_PERMITTED, "this server serves granted vGPUs only; the client named none");
            gs = grants.attachAutomatic(s, hello.autoCount(), hello.autoMemoryMiB(), hello.autoRatio(), devices);
        } else {
            throw new GpuException(CudaError.INVALID_VALUE, "HELLO names no vGPU and asks for none");
        }
        List<SessionDevice> opened = new ArrayList<>();
        try {
            for (int i = 0; i < gs.size(); i++) {
                Grant g = gs.get(i);
                GpuDevice gpu = devices.stream().filter(d -> d.uuid().equals(g.spec().gpuUuid())).findFirst()
                        .orElseThrow(() -> new GpuException(CudaError.INVALID_DEVICE, "vGPU " + g.id() + " is on GPU "
                                + g.spec().gpuUuid() + ", which backend " + b.name() + " does not have"));
                GpuContext ctx = b.openContext(gpu.uuid());
                opened.add(new SessionDevice(i, g, gpu, ctx));
            }
        } catch (RuntimeException e) {
            opened.forEach(SessionDevice::close);
            grants.detach(s, gs);
            throw e instanceof GpuException ge ? ge : new GpuException(CudaError.UNKNOWN, "opening the session failed: " + e);
        }
        s.open(gs, opened);
        s.lock.lock();
        try {
            sessions.put(s.id, s);
            s.attach(c);
            c.bind(s, h, false, 0);
        } finally {
            s.lock.unlock();
        }
        LOG.info("{} opened over {} from {}: {}", s, c.transport(), c.peer(),
                gs.stream().map(g -> g.id() + " (" + g.spec().memoryMiB() + " MiB on " + g.spec().gpuUuid() + ")").toList());
    }

    /** Resumes a session for a HELLO with the resume flag; the old connection, if still there, is dropped. */
    void resume(ConnectionHandler c, SessionCalls.Hello hello, FrameHeader h) {
        Session s = sessions.get(hello.resumeSession());
        if (s == null || s.closed())
            throw new GpuException(CudaError.INVALID_CONTEXT, String.format(
                    "no session %016x to resume: it ended, or its grace period ran out", hello.resumeSession()));
        if (s.pid != hello.pid() || !s.host.equals(hello.host()) || !s.groupId.equals(hello.groupId()))
            throw new GpuException(CudaError.NOT_PERMITTED, "session " + s.idHex() + " belongs to another process");
        s.lock.lock();
        try {
            if (s.closed()) throw new GpuException(CudaError.INVALID_CONTEXT, s + " ended while resuming");
            ConnectionHandler old = s.connection();
            if (old != null && old != c) {
                old.unbind(s);
                old.connection().close();
            }
            s.attach(c);
            c.bind(s, h, true, hello.lastReplySeq());
        } finally {
            s.lock.unlock();
        }
        LOG.info("{} resumed over {} from {} after seq {}", s, c.transport(), c.peer(), s.lastHandledSeq());
    }

    private long newId() {
        while (true) {
            long id = random.nextLong();
            if (id != 0 && !sessions.containsKey(id)) return id;
        }
    }

    /** The session's connection ended without GOODBYE (called under its lock): wait for a resume, or free now. */
    void detached(Session s, Throwable cause) {
        if (s.closed()) return;
        boolean transportClosing = cause instanceof TransportClosedException;
        long grace = (transportClosing ? settings.transportGrace() : settings.disconnectGrace()).toNanos();
        if (grace == 0) {
            closeSession(s, "its connection ended" + (cause == null ? "" : " (" + cause.getMessage() + ")"));
            return;
        }
        s.detach(System.nanoTime() + grace);
        LOG.info("{} detached ({}); kept {} ms for its client to resume", s,
                transportClosing ? "its transport closed" : cause == null ? "the client closed the connection" : cause.getMessage(),
                grace / 1_000_000);
    }

    private void reap() {
        retryTransports();
        long now = System.nanoTime();
        for (Session s : sessions.values()) {
            if (s.detachedPast(now)) {
                try {
                    closeSession(s, "its client did not resume within the grace period");
                } catch (RuntimeException e) {
                    LOG.error("freeing {} failed", s, e);
                }
            }
        }
    }

    /** Ends a session and frees everything it holds; its connection is closed. Idempotent. */
    void closeSession(Session s, String why) {
        closeSession(s, why, true);
    }

    /** As {@link #closeSession(Session, String)}; without {@code disconnect} the caller closes the connection. */
    void closeSession(Session s, String why, boolean disconnect) {
        ConnectionHandler c = s.connection();
        if (!s.markClosed()) return;
        // before the lock: the session's own thread may hold it while it waits in the compute gate
        for (SessionDevice d : s.devices()) dispatcher.gate().closing(d);
        if (c != null && disconnect) c.connection().close();
        long freed = 0;
        int allocations = 0;
        s.lock.lock();
        try {
            if (s.connection() != null) {
                s.connection().unbind(s);
                s.detach(0);
            }
            for (SessionDevice d : s.devices()) {
                allocations += d.allocations.count();
                try {
                    freed += d.close();
                } catch (RuntimeException e) {
                    LOG.error("{}: closing the context of device {} failed", s, d.index, e);
                }
            }
            grants.detach(s, s.grants());
            s.open(List.of(), List.of());
        } finally {
            s.lock.unlock();
            // listed until everything is freed, so that an empty list means nothing is held
            sessions.remove(s.id, s);
        }
        LOG.info("{} closed: {}; freed {} bytes in {} allocations", s, why, freed, allocations);
    }

    // ---- VgpuServer -------------------------------------------------------------------------------

    private List<GpuDevice> devices() {
        return backend.get().map(GpuBackend::devices).orElse(List.of());
    }

    /** A grant's status with the compute gate's figures. */
    private VgpuStatus status(Grant g) {
        return dispatcher.gate().describe(g, g.status());
    }

    @Override
    public VgpuStatus grant(VgpuGrant grant) {
        VgpuStatus st = grants.grant(grant, devices());
        st = grants.get(grant.id()).map(this::status).orElse(st);
        dispatcher.gate().changed();
        LOG.info("granted vGPU {}: {} MiB, {}% of {}, group '{}'", grant.id(), grant.memoryMiB(), grant.ratio(),
                grant.gpuUuid(), grant.groupId());
        return st;
    }

    @Override
    public boolean revoke(String vgpuId) {
        Optional<Grant> g = grants.remove(vgpuId);
        if (g.isEmpty()) return false;
        for (Session s : List.copyOf(g.get().sessions())) closeSession(s, "its vGPU " + vgpuId + " was revoked");
        LOG.info("revoked vGPU {}", vgpuId);
        return true;
    }

    @Override
    public VgpuStatus resize(String vgpuId, long memoryMiB, int ratio) {
        VgpuStatus st = grants.resize(vgpuId, memoryMiB, ratio);
        dispatcher.gate().changed(); // the new share applies to running sessions at once
        st = grants.get(vgpuId).map(this::status).orElse(st);
        LOG.info("resized vGPU {} to {} MiB, {}% ({} bytes in use)", vgpuId, memoryMiB, ratio, st.memoryUsedBytes());
        return st;
    }

    @Override
    public List<VgpuStatus> vgpus() { return grants.all().stream().map(this::status).toList(); }

    @Override
    public Optional<VgpuStatus> vgpu(String vgpuId) { return grants.get(vgpuId).map(this::status); }

    @Override
    public List<SessionInfo> sessions() {
        return sessions.values().stream().map(Session::info)
                .sorted((a, b) -> a.started().compareTo(b.started())).toList();
    }

    @Override
    public boolean closeSession(long sessionId) {
        Session s = sessions.get(sessionId);
        if (s == null) return false;
        closeSession(s, "an operator closed it");
        return true;
    }

    /** Stops listening and frees every session. */
    @Override
    public void close() {
        useTransports(List.of());
        reaper.shutdownNow();
        for (Session s : List.copyOf(sessions.values())) closeSession(s, "the server is stopping");
        if (dispatcher.gate() instanceof GatedLaunches g) g.gate().close();
    }
}
