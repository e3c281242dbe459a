package io.orion.server.internal;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;
import io.orion.api.server.VgpuStatus;
import io.orion.server.internal.gate.Admission;
import io.orion.server.internal.gate.ComputeGate;
import io.orion.server.internal.gate.DeviceTrack;

/** The compute gate at the launch seam: a session's device joins its GPU's gate at its first launch. */
final class GatedLaunches implements LaunchGate {
    private final ComputeGate gate;

    GatedLaunches(ComputeGate gate) {
        this.gate = gate;
    }

    ComputeGate gate() { return gate; }

    @Override
    public Admission admit(SessionDevice d, GpuStream stream) {
        if (!gate.settings().enabled()) return Admission.NONE;
        DeviceTrack t = d.gateTrack;
        if (t == null) t = join(d);
        return gate.admit(t, stream);
    }

    private DeviceTrack join(SessionDevice d) {
        synchronized (d) {
            if (d.gateClosed) throw new GpuException(CudaError.INVALID_CONTEXT, "the session is closing");
            if (d.gateTrack == null) d.gateTrack = gate.track(d.grant, d.gpu.uuid(), d.context);
            return d.gateTrack;
        }
    }

    @Override
    public void streamDestroyed(SessionDevice d, GpuStream stream) {
        DeviceTrack t = d.gateTrack;
        if (t != null) gate.streamDestroyed(t, stream);
    }

    @Override
    public void closing(SessionDevice d) {
        DeviceTrack t;
        synchronized (d) {
            d.gateClosed = true;
            t = d.gateTrack;
        }
        if (t != null) gate.closing(t);
    }

    @Override
    public void changed() {
        gate.changed();
    }

    @Override
    public VgpuStatus describe(Grant g, VgpuStatus s) {
        return s.withCompute(gate.modeOf(g).label(), gate.sharePercent(g), gate.heldBackMillis(g), g.account().gpuMillis())
                .withGroupCompute(gate.groupRatio(g), gate.groupSharePercent(g), gate.groupHeldBackMillis(g));
    }
}
