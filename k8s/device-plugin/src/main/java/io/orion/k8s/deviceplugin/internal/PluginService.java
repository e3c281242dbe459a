package io.orion.k8s.deviceplugin.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.orion.k8s.deviceplugin.internal.v1beta1.AllocateRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.AllocateResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.ContainerAllocateRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.Device;
import io.orion.k8s.deviceplugin.internal.v1beta1.DevicePluginGrpc;
import io.orion.k8s.deviceplugin.internal.v1beta1.DevicePluginOptions;
import io.orion.k8s.deviceplugin.internal.v1beta1.Empty;
import io.orion.k8s.deviceplugin.internal.v1beta1.ListAndWatchResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.PreStartContainerRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.PreStartContainerResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.PreferredAllocationRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.PreferredAllocationResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DevicePlugin service the kubelet calls. ListAndWatch streams stay open for as long as the
 * kubelet listens (a completed stream means "plugin gone" to the kubelet); every change of the
 * slot count is sent to each open stream as the complete list.
 */
final class PluginService extends DevicePluginGrpc.DevicePluginImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(PluginService.class);

    private final AllocationAnswers answers;
    private final Set<StreamObserver<ListAndWatchResponse>> watchers = ConcurrentHashMap.newKeySet();
    private volatile List<Device> devices = List.of();

    PluginService(AllocationAnswers answers) {
        this.answers = answers;
    }

    /** Sets the advertised slots; open streams hear about it when the count changed. */
    void advertise(int slots) {
        if (slots == devices.size()) return;
        LOG.info("advertising {} vGPU slots of {}", slots, answers.resourceName());
        devices = Devices.slots(slots);
        ListAndWatchResponse message = ListAndWatchResponse.newBuilder().addAllDevices(devices).build();
        for (StreamObserver<ListAndWatchResponse> w : watchers) send(w, message);
    }

    int advertised() { return devices.size(); }

    int watchers() { return watchers.size(); }

    @Override
    public void getDevicePluginOptions(Empty request, StreamObserver<DevicePluginOptions> answer) {
        answer.onNext(options());
        answer.onCompleted();
    }

    static DevicePluginOptions options() {
        // Slots are interchangeable: no preference to give, nothing to do before a container starts.
        return DevicePluginOptions.newBuilder().setPreStartRequired(false).setGetPreferredAllocationAvailable(false).build();
    }

    @Override
    public void listAndWatch(Empty request, StreamObserver<ListAndWatchResponse> stream) {
        if (stream instanceof ServerCallStreamObserver<ListAndWatchResponse> s) s.setOnCancelHandler(() -> watchers.remove(stream));
        watchers.add(stream);
        send(stream, ListAndWatchResponse.newBuilder().addAllDevices(devices).build());
    }

    private void send(StreamObserver<ListAndWatchResponse> w, ListAndWatchResponse message) {
        try {
            synchronized (w) {
                w.onNext(message);
            }
        } catch (RuntimeException gone) {
            // the kubelet closed this stream (it restarted); it opens a new one after re-registration
            watchers.remove(w);
        }
    }

    @Override
    public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> answer) {
        AllocateResponse.Builder b = AllocateResponse.newBuilder();
        for (ContainerAllocateRequest c : request.getContainerRequestsList()) {
            LOG.info("allocate: container gets {} vGPU slot(s): {}", c.getDevicesIdsCount(), c.getDevicesIdsList());
            b.addContainerResponses(answers.forContainer(c.getDevicesIdsCount()));
        }
        answer.onNext(b.build());
        answer.onCompleted();
    }

    @Override
    public void getPreferredAllocation(PreferredAllocationRequest request, StreamObserver<PreferredAllocationResponse> answer) {
        // Not advertised in the options, so the kubelet does not call it; answer the obvious if it does.
        PreferredAllocationResponse.Builder b = PreferredAllocationResponse.newBuilder();
        request.getContainerRequestsList().forEach(c -> b.addContainerResponsesBuilder()
                .addAllDeviceIDs(c.getMustIncludeDeviceIDsList())
                .addAllDeviceIDs(c.getAvailableDeviceIDsList().stream().filter(id -> !c.getMustIncludeDeviceIDsList().contains(id))
                        .limit(Math.max(0, c.getAllocationSize() - c.getMustIncludeDeviceIDsCount())).toList()));
        answer.onNext(b.build());
        answer.onCompleted();
    }

    @Override
    public void preStartContainer(PreStartContainerRequest request, StreamObserver<PreStartContainerResponse> answer) {
        answer.onNext(PreStartContainerResponse.getDefaultInstance());
        answer.onCompleted();
    }

    /** Ends every open stream: the plugin stops. */
    void closeStreams() {
        for (StreamObserver<ListAndWatchResponse> w : watchers) {
            try {
                w.onCompleted();
            } catch (RuntimeException alreadyGone) {
                // nothing to close
            }
        }
        watchers.clear();
    }
}
