package io.orion.server.internal.gate;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuStream;

/**
 * The compute gate of a server: one {@link GpuGate} per physical GPU, made when the first session
 * launches on it, all sharing the settings. Enforces each vGPU's {@code ORION_RATIO} in its mode
 * (docs/compute-sharing.md).
 */
public final class ComputeGate implements AutoCloseable {
    private final NanoClock clock;
    private volatile GateSettings settings;
    private final ConcurrentHashMap<String, GpuGate> gates = new ConcurrentHashMap<>();

    public ComputeGate(GateSettings settings) {
        this(settings, NanoClock.system());
    }

    public ComputeGate(GateSettings settings, NanoClock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public GateSettings settings() { return settings; }

    /** New settings, applied at once to running sessions (a mode switched off lets every held launch go). */
    public void reconfigure(GateSettings s) {
        settings = s;
        gates.values().forEach(g -> g.reconfigure(s));
    }

    /** A session's device on GPU {@code gpuUuid}, tracked from its first launch. */
    public DeviceTrack track(GateTenant vgpu, String gpuUuid, GpuContext context) {
        return gates.computeIfAbsent(gpuUuid, u -> new GpuGate(u, settings, clock)).attach(vgpu, context);
    }

    /** Before a launch, on the session's thread; see {@link GpuGate#admit}. */
    public Admission admit(DeviceTrack d, GpuStream stream) {
        return settings.enabled() ? d.gate().admit(d, stream) : Admission.NONE;
    }

    /** Before the session destroys a stream. */
    public void streamDestroyed(DeviceTrack d, GpuStream stream) {
        d.forget(stream);
    }

    /** The device's session is closing (from any thread, before its lock is taken). */
    public void closing(DeviceTrack d) {
        d.gate().detach(d);
    }

    /** A vGPU's ratio changed: decide again now. */
    public void changed() {
        gates.values().forEach(GpuGate::changed);
    }

    /** How the gate treats a vGPU now. */
    public ComputeMode modeOf(GateTenant vgpu) {
        GateSettings s = settings;
        return s.enabled() ? s.modeOf(vgpu.id(), vgpu.groupId()) : ComputeMode.OFF;
    }

    /** The share a vGPU consumed over the window (percent of its GPU); -1 while the gate is off. */
    public double sharePercent(GateTenant vgpu) {
        GateSettings s = settings;
        return s.enabled() ? vgpu.account().sharePercent(clock.nanos(), s.shareWindow().toNanos()) : -1;
    }

    public long heldBackMillis(GateTenant vgpu) {
        return vgpu.account().heldBackMillis(clock.nanos());
    }

    /**
     * The ratio the gate applies to the vGPU's tenant now: its group's on its GPU (the ratio of the
     * group's vGPU whose ratio was set last, among those with a process there), or its own while
     * it has no process on the GPU or no group.
     */
    public int groupRatio(GateTenant vgpu) {
        for (GpuGate g : gates.values()) {
            int r = g.tenantRatio(vgpu);
            if (r > 0) return r;
        }
        return Math.clamp(vgpu.ratio(), 1, 100);
    }

    /** The share its group consumed over the window (all the group's vGPUs on its GPU); -1 while the gate is off. */
    public double groupSharePercent(GateTenant vgpu) {
        GateSettings s = settings;
        return s.enabled() ? vgpu.groupAccount().sharePercent(clock.nanos(), s.shareWindow().toNanos()) : -1;
    }

    /** Time during which launches of its group (any of its processes on its GPU) were held back. */
    public long groupHeldBackMillis(GateTenant vgpu) {
        return vgpu.groupAccount().heldBackMillis(clock.nanos());
    }

    public List<GpuGate.Stats> stats() {
        return gates.values().stream().map(GpuGate::stats).sorted(Comparator.comparing(GpuGate.Stats::gpu)).toList();
    }

    @Override
    public void close() {
        gates.values().forEach(GpuGate::close);
        gates.clear();
    }
}
