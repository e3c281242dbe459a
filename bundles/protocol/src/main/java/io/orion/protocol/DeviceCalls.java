package io.orion.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Device queries (docs/protocol.md §4.2). */
public final class DeviceCalls {
    private DeviceCalls() {}

    public record DeviceInfo(int device) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.DEVICE_INFO; }

        public static DeviceInfo read(PayloadReader r) {
            DeviceInfo m = new DeviceInfo(DeviceRequest.readDevice(r));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device); }
    }

    /**
     * A vGPU as the program sees it.
     *
     * @param vgpuId               the vGPU's id
     * @param gpuUuid              the physical GPU's UUID
     * @param name                 device name
     * @param memoryBytes          total memory as the program sees it: the vGPU's quota
     * @param physicalMemoryBytes  the physical GPU's memory
     * @param multiprocessors      SMs of the physical GPU
     * @param ccMajor              compute capability, major
     * @param ccMinor              compute capability, minor
     * @param pciBusId             PCI bus id, or empty
     * @param ratio                the vGPU's compute share, percent
     * @param attributes           CUDA device attributes by {@code CUdevice_attribute} code, sent in code order
     */
    public record DeviceDescription(String vgpuId, String gpuUuid, String name, long memoryBytes,
                                    long physicalMemoryBytes, int multiprocessors, int ccMajor, int ccMinor,
                                    String pciBusId, int ratio, SortedMap<Integer, Integer> attributes) implements Result {
        public DeviceDescription {
            attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
        }

        public static DeviceDescription of(String vgpuId, String gpuUuid, String name, long memoryBytes,
                                           long physicalMemoryBytes, int multiprocessors, int ccMajor, int ccMinor,
                                           String pciBusId, int ratio, Map<Integer, Integer> attributes) {
            return new DeviceDescription(vgpuId, gpuUuid, name, memoryBytes, physicalMemoryBytes, multiprocessors,
                    ccMajor, ccMinor, pciBusId, ratio, new TreeMap<>(attributes));
        }

        public static DeviceDescription read(PayloadReader r) {
            String id = r.str("vgpuId"), uuid = r.str("gpuUuid"), name = r.str("name");
            long mem = r.size("memoryBytes"), phys = r.size("physicalMemoryBytes");
            int sms = r.u32("multiprocessors", Integer.MAX_VALUE);
            int major = r.u8("ccMajor"), minor = r.u8("ccMinor");
            String pci = r.str("pciBusId");
            int ratio = r.u8("ratio");
            if (ratio > 100) throw r.bad("ratio", ratio + " exceeds 100");
            int n = r.u16("attributeCount");
            if (n > Wire.MAX_ATTRIBUTES) throw r.bad("attributeCount", n + " exceeds " + Wire.MAX_ATTRIBUTES);
            TreeMap<Integer, Integer> attrs = new TreeMap<>();
            int last = Integer.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                int code = r.i32("attributes[" + i + "].code");
                if (i > 0 && code <= last) throw r.bad("attributes[" + i + "].code", "codes must be strictly ascending");
                last = code;
                attrs.put(code, r.i32("attributes[" + i + "].value"));
            }
            r.end();
            return new DeviceDescription(id, uuid, name, mem, phys, sms, major, minor, pci, ratio, attrs);
        }

        @Override public void write(PayloadWriter w) {
            w.str(vgpuId).str(gpuUuid).str(name).u64(memoryBytes).u64(physicalMemoryBytes).u32(multiprocessors)
                    .u8(ccMajor).u8(ccMinor).str(pciBusId).u8(ratio).u16(attributes.size());
            attributes.forEach((k, v) -> w.i32(k).i32(v));
        }
    }

    /** Free and total memory of the vGPU: the quota, never the physical card. */
    public record MemInfo(int device) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.MEM_INFO; }

        public static MemInfo read(PayloadReader r) {
            MemInfo m = new MemInfo(DeviceRequest.readDevice(r));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device); }
    }

    public record MemoryStatus(long freeBytes, long totalBytes) implements Result {
        public static MemoryStatus read(PayloadReader r) {
            MemoryStatus m = new MemoryStatus(r.size("freeBytes"), r.size("totalBytes"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u64(freeBytes).u64(totalBytes); }
    }

    /** Waits for all work of the vGPU; reports a latched asynchronous error. */
    public record DeviceSync(int device) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.DEVICE_SYNC; }

        public static DeviceSync read(PayloadReader r) {
            DeviceSync m = new DeviceSync(DeviceRequest.readDevice(r));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device); }
    }
}
