package io.orion.transport.rdma.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import io.orion.api.backend.Dim3;
import io.orion.client.ClientOptions;
import io.orion.client.HostBuffer;
import io.orion.client.Kernel;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;

/**
 * A client in a process of its own (args: endpoint, then "run" or "hold"): "run" adds two vectors
 * in pinned buffers over rdma and prints "ok" when the result is right; "hold" allocates, prints
 * "ready" and waits to be killed.
 */
public final class ChildClient {
    private ChildClient() {}

    public static void main(String[] args) throws Exception {
        int n = 1 << 18;
        try (VgpuSession s = OrionClient.open(ClientOptions.of(args[0], 256).withClientName("rdma-child").withShmRegionMiB(16));
             Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            long dx = d.malloc(4L * n), dy = d.malloc(4L * n), dz = d.malloc(4L * n);
            if (args[1].equals("hold")) {
                System.out.println("ready " + s.transport());
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                return;
            }
            Kernel add = d.loadModule(RdmaServer.kernel("vector_add.ptx")).kernel("vector_add");
            try (HostBuffer x = s.allocHost(4L * n); HostBuffer y = s.allocHost(4L * n); HostBuffer z = s.allocHost(4L * n)) {
                for (int i = 0; i < n; i++) {
                    x.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
                    y.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, -0.5f * i);
                }
                d.copyToDevice(dx, x.segment(), 4L * n);
                d.copyToDevice(dy, y.segment(), 4L * n);
                d.launch(add, Dim3.of(n / 256), Dim3.of(256), 0, null, add.args().ptr(dx).ptr(dy).ptr(dz).i32(n));
                d.copyFromDevice(z.segment(), dz, 4L * n);
                MemorySegment r = z.segment();
                for (int i = 0; i < n; i++) {
                    if (r.getAtIndex(ValueLayout.JAVA_FLOAT, i) != 0.5f * i) {
                        System.out.println("wrong z[" + i + "] = " + r.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                        return;
                    }
                }
                System.out.println("ok " + s.transport() + " shared=" + z.shared());
            }
        }
    }
}
