package io.orion.k8s.deviceplugin.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.orion.k8s.deviceplugin.internal.v1beta1.AllocateRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.AllocateResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.ContainerAllocateRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.DevicePluginGrpc;
import io.orion.k8s.deviceplugin.internal.v1beta1.DevicePluginOptions;
import io.orion.k8s.deviceplugin.internal.v1beta1.Empty;
import io.orion.k8s.deviceplugin.internal.v1beta1.ListAndWatchResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.RegisterRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.RegistrationGrpc;

/**
 * A kubelet's device manager, as far as a device plugin can tell: it serves Registration on
 * kubelet.sock in a real directory, checks the request as the kubelet does (API version,
 * extended resource name), dials the plugin's socket back with authority {@code localhost},
 * asks for its options and keeps a ListAndWatch stream open. A restart removes every socket of
 * the directory but the checkpoint and creates kubelet.sock anew.
 */
final class TestKubelet implements AutoCloseable {
    static final String CHECKPOINT = "kubelet_internal_checkpoint";

    final Path dir;
    final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
    final BlockingQueue<ListAndWatchResponse> updates = new LinkedBlockingQueue<>();
    volatile DevicePluginOptions options;
    private final UnixGrpc grpc = new UnixGrpc();
    private Server server;
    private volatile ManagedChannel plugin;

    TestKubelet(Path dir) throws IOException {
        this.dir = dir;
        Files.writeString(dir.resolve(CHECKPOINT), "{}");
        start();
    }

    private void start() throws IOException {
        server = grpc.serve(dir.resolve(KubeletWatch.KUBELET_SOCKET), new RegistrationGrpc.RegistrationImplBase() {
            @Override
            public void register(RegisterRequest r, StreamObserver<Empty> answer) {
                String problem = check(r);
                if (problem != null) {
                    answer.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
                    return;
                }
                registrations.add(r);
                answer.onNext(Empty.getDefaultInstance());
                answer.onCompleted();
                // The kubelet talks to the plugin outside the Register call: a call made inside it
                // would be cancelled when the handler returns.
                Context.current().fork().run(() -> connect(r.getEndpoint()));
            }
        });
    }

    private static String check(RegisterRequest r) {
        if (!r.getVersion().equals("v1beta1")) return "unsupported device plugin API version " + r.getVersion();
        String name = r.getResourceName();
        int slash = name.indexOf('/');
        if (slash <= 0 || name.startsWith("kubernetes.io/") || !name.substring(0, slash).contains("."))
            return "invalid extended resource name " + name;
        if (r.getEndpoint().contains("/")) return "endpoint must be a file name in the plugin directory";
        return null;
    }

    private void connect(String endpoint) {
        ManagedChannel old = plugin;
        if (old != null) UnixGrpc.stop(old);
        ManagedChannel ch = grpc.dial(dir.resolve(endpoint));
        plugin = ch;
        options = DevicePluginGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getDevicePluginOptions(Empty.getDefaultInstance());
        DevicePluginGrpc.newStub(ch).listAndWatch(Empty.getDefaultInstance(), new StreamObserver<>() {
            @Override public void onNext(ListAndWatchResponse r) { updates.add(r); }
            @Override public void onError(Throwable t) { /* the plugin went away; it must register again */ }
            @Override public void onCompleted() { /* same */ }
        });
    }

    /** Admits a container that was given these device IDs. */
    AllocateResponse allocate(List<String> ids) {
        return DevicePluginGrpc.newBlockingStub(plugin).withDeadlineAfter(10, TimeUnit.SECONDS).allocate(AllocateRequest.newBuilder()
                .addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIds(ids)).build());
    }

    /** The next complete device list the plugin sent. */
    ListAndWatchResponse nextUpdate() throws InterruptedException {
        ListAndWatchResponse r = updates.poll(15, TimeUnit.SECONDS);
        if (r == null) throw new AssertionError("no ListAndWatch message within 15 s");
        return r;
    }

    /** What a kubelet restart does to the directory and the registration socket. */
    void restart() throws IOException {
        UnixGrpc.stop(server);
        ManagedChannel p = plugin;
        if (p != null) UnixGrpc.stop(p);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) if (!f.getFileName().toString().equals(CHECKPOINT)) Files.deleteIfExists(f);
        }
        start();
    }

    @Override
    public void close() {
        ManagedChannel p = plugin;
        if (p != null) UnixGrpc.stop(p);
        UnixGrpc.stop(server);
        grpc.close();
    }
}
