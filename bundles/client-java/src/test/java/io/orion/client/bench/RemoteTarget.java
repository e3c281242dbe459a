package io.orion.client.bench;

import io.orion.api.backend.Dim3;
import io.orion.client.ClientOptions;
import io.orion.client.HostBuffer;
import io.orion.client.Kernel;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;

/** The same calls through the server, over one transport, with the Java client. */
final class RemoteTarget implements Target {
    private final String name;
    private final VgpuSession session;
    private final Vgpu d;
    private final Kernel empty;
    private final long device;
    private final HostBuffer host;

    RemoteTarget(String name, String endpoint, byte[] image, long maxBytes, boolean busyPoll) {
        this.name = name;
        long mib = Math.max(1024, 2 * (maxBytes >> 20) + 256);
        this.session = OrionClient.open(ClientOptions.of(endpoint, mib).withBusyPoll(busyPoll).withClientName("remoting-bench")
                .withShmRegionMiB((int) (maxBytes >> 20) + 64));
        this.d = session.device(0);
        this.empty = d.loadModule(image).kernel(Kernels.EMPTY);
        this.device = d.malloc(maxBytes);
        this.host = session.allocHost(maxBytes);
    }

    @Override public String name() { return name; }

    boolean sharedHostBuffer() { return host.shared(); }

    @Override public void launch() { d.launch(empty, Dim3.of(1), Dim3.of(1), 0, null, empty.args()); }

    @Override public void synchronize() { d.synchronize(); }

    @Override public void toDevice(long bytes) { d.copyToDevice(device, host.segment(), bytes); }

    @Override public void fromDevice(long bytes) { d.copyFromDevice(host.segment(), device, bytes); }

    @Override public void close() {
        host.close();
        session.close();
    }
}
