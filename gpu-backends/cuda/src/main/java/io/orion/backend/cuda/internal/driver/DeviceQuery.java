package io.orion.backend.cuda.internal.driver;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.orion.api.backend.DeviceAttribute;
import io.orion.api.backend.GpuDevice;
import io.orion.backend.cuda.internal.ffi.CudaConstants;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/** Reads what the driver knows about each device, once, at start. */
public final class DeviceQuery {
    private static final int NAME_BYTES = 256;
    private static final int PCI_BYTES = 32;

    private DeviceQuery() {}

    /** A device as the driver addresses it ({@code CUdevice}) with what the platform sees of it. */
    public record CudaDevice(int handle, GpuDevice info) {}

    public static List<CudaDevice> all(Driver driver) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            driver.check(CudaDriver.cuDeviceGetCount(out), "cuDeviceGetCount");
            int count = out.get(JAVA_INT, 0);
            List<CudaDevice> devices = new ArrayList<>(count);
            for (int ordinal = 0; ordinal < count; ordinal++) devices.add(one(driver, arena, ordinal));
            return List.copyOf(devices);
        }
    }

    private static CudaDevice one(Driver driver, Arena arena, int ordinal) {
        MemorySegment out = arena.allocate(JAVA_LONG);
        driver.check(CudaDriver.cuDeviceGet(out, ordinal), "cuDeviceGet(" + ordinal + ")");
        int dev = out.get(JAVA_INT, 0);

        MemorySegment name = arena.allocate(NAME_BYTES);
        driver.check(CudaDriver.cuDeviceGetName(name, NAME_BYTES, dev), "cuDeviceGetName(" + ordinal + ")");
        MemorySegment uuid = arena.allocate(16);
        driver.check(CudaDriver.cuDeviceGetUuid_v2(uuid, dev), "cuDeviceGetUuid(" + ordinal + ")");
        driver.check(CudaDriver.cuDeviceTotalMem_v2(out, dev), "cuDeviceTotalMem(" + ordinal + ")");
        long totalMemory = out.get(JAVA_LONG, 0);
        MemorySegment pci = arena.allocate(PCI_BYTES);
        String pciBusId = CudaDriver.cuDeviceGetPCIBusId(pci, PCI_BYTES, dev) == 0
                ? pci.getString(0).toLowerCase(Locale.ROOT) : "";

        Map<Integer, Integer> attributes = attributes(driver, out, dev, ordinal);
        GpuDevice info = new GpuDevice(ordinal, uuidText(uuid.toArray(JAVA_BYTE)), name.getString(0), totalMemory,
                attributes.getOrDefault(DeviceAttribute.MULTIPROCESSOR_COUNT, 0),
                attributes.getOrDefault(DeviceAttribute.COMPUTE_CAPABILITY_MAJOR, 0),
                attributes.getOrDefault(DeviceAttribute.COMPUTE_CAPABILITY_MINOR, 0),
                pciBusId, attributes);
        return new CudaDevice(dev, info);
    }

    /**
     * Every attribute code the header knows (1 up to {@code CU_DEVICE_ATTRIBUTE_MAX}), so that a CUDA
     * runtime can answer cudaGetDeviceProperties from them. A code this driver does not know
     * (reserved, retired or newer than it) answers INVALID_VALUE and is left out.
     */
    static Map<Integer, Integer> attributes(Driver driver, MemorySegment out, int dev, int ordinal) {
        Map<Integer, Integer> values = new LinkedHashMap<>();
        for (int code = 1; code < CudaConstants.CU_DEVICE_ATTRIBUTE_MAX(); code++) {
            int rc = CudaDriver.cuDeviceGetAttribute(out, code, dev);
            if (rc == 0) values.put(code, out.get(JAVA_INT, 0));
            else if (rc != CudaConstants.CUDA_ERROR_INVALID_VALUE() && rc != CudaConstants.CUDA_ERROR_NOT_SUPPORTED())
                throw driver.error(rc, "cuDeviceGetAttribute(" + code + ") of device " + ordinal);
        }
        return values;
    }

    /** The 16 UUID bytes as nvidia-smi and NVML write them: {@code GPU-8-4-4-4-12} hex digits. */
    public static String uuidText(byte[] b) {
        String h = HexFormat.of().formatHex(b);
        return "GPU-" + h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20);
    }
}
