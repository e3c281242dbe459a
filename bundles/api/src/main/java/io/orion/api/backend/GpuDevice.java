package io.orion.api.backend;

import java.util.Map;

/**
 * A physical GPU as its backend sees it.
 *
 * @param ordinal          the backend's index for it
 * @param uuid             {@code GPU-xxxxxxxx-xxxx-…}, stable across restarts
 * @param name             device name, e.g. {@code NVIDIA H200}
 * @param totalMemoryBytes device memory
 * @param multiprocessors  streaming multiprocessors
 * @param ccMajor          compute capability, major
 * @param ccMinor          compute capability, minor
 * @param pciBusId         {@code 0000:19:00.0}, or empty where there is no PCI device
 * @param attributes       CUDA device attributes by their {@code CUdevice_attribute} code
 *                         (see {@link DeviceAttribute}), enough to answer {@code cudaGetDeviceProperties}
 */
public record GpuDevice(int ordinal, String uuid, String name, long totalMemoryBytes, int multiprocessors,
                        int ccMajor, int ccMinor, String pciBusId, Map<Integer, Integer> attributes) {
    public GpuDevice {
        attributes = Map.copyOf(attributes);
    }

    /** The attribute's value, or {@code fallback} when the backend does not report it. */
    public int attribute(int code, int fallback) {
        return attributes.getOrDefault(code, fallback);
    }
}
