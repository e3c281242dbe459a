package io.orion.k8s.deviceplugin.internal;

import java.util.ArrayList;
import java.util.List;

import io.orion.k8s.deviceplugin.internal.v1beta1.Device;

/** The fake device IDs that stand for vGPU slots: the kubelet counts them, Orion places the vGPUs. */
final class Devices {
    static final String HEALTHY = "Healthy";
    static final String PREFIX = "orion-vgpu-";

    private Devices() {}

    /** {@code count} healthy devices, {@code orion-vgpu-0} … (IDs stay stable as the count changes). */
    static List<Device> slots(int count) {
        List<Device> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) list.add(Device.newBuilder().setID(PREFIX + i).setHealth(HEALTHY).build());
        return List.copyOf(list);
    }
}
