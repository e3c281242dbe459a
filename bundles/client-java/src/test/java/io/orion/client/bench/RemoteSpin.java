package io.orion.client.bench;

import java.util.List;

import io.orion.client.ClientOptions;
import io.orion.client.Event;
import io.orion.client.Kernel;
import io.orion.client.KernelArgs;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;

/** The spin loop through the server: a session of its own on one granted vGPU, with the Java client. */
public final class RemoteSpin extends SpinLoop implements AutoCloseable {
    private final VgpuSession session;
    private final Vgpu d;
    private final Kernel spin;
    private final SpinKernel kernel;
    private final Event[] events = new Event[DEPTH];
    private final long out;
    private KernelArgs args;

    public RemoteSpin(String endpoint, String vgpuId, SpinKernel kernel, boolean busyPoll) {
        this(endpoint, vgpuId, "", kernel, busyPoll);
    }

    /** A process of group {@code groupId} ({@code ORION_GROUP_ID}; empty for none) on its granted vGPU. */
    public RemoteSpin(String endpoint, String vgpuId, String groupId, SpinKernel kernel, boolean busyPoll) {
        super(vgpuId);
        this.kernel = kernel;
        this.session = OrionClient.open(ClientOptions.of(endpoint, 64).withVgpus(List.of(vgpuId)).withGroup(groupId)
                .withBusyPoll(busyPoll).withClientName("compute-share-bench"));
        this.d = session.device(0);
        this.spin = d.loadModule(SpinKernel.ptx()).kernel(SpinKernel.NAME);
        this.out = d.malloc(4L * kernel.threads);
        for (int i = 0; i < DEPTH; i++) events[i] = d.createEvent(false);
    }

    public void iterations(int iters) {
        args = spin.args().ptr(out).i32(iters);
    }

    @Override void launch() { d.launch(spin, kernel.grid, kernel.block, 0, null, args); }

    @Override void record(int slot) { events[slot].record(null); }

    @Override void await(int slot) { events[slot].synchronize(); }

    @Override void drain() { d.synchronize(); }

    @Override
    public void close() {
        session.close();
    }
}
