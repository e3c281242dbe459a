package io.orion.backend.host.internal;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.orion.api.backend.DeviceAttribute;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuTelemetry;
import io.orion.backend.host.internal.memory.MemoryBudget;

/**
 * One host device: what it reports (a compute capability 9.0 device whose multiprocessors are the
 * worker threads), its memory budget, and the window of device addresses its contexts use.
 */
final class HostDevice {
    /** Compute capability reported, and the PTX target preferred in fat binaries. */
    static final int CC_MAJOR = 9;
    static final int CC_MINOR = 0;
    /** Device i's addresses start at 0x7f00_0000_0000 + i TiB, like a GPU's, far from the kernel's windows. */
    static final long ADDRESS_BASE = 0x7f00_0000_0000L;
    static final long ADDRESS_WINDOW = 1L << 40;

    final GpuDevice info;
    final MemoryBudget budget;
    final long addressBase;

    private long windowStart = System.nanoTime();
    private long busyInWindow;
    private int lastUtilization;

    HostDevice(GpuDevice info, MemoryBudget budget, long addressBase) {
        this.info = info;
        this.budget = budget;
        this.addressBase = addressBase;
    }

    static HostDevice create(int ordinal, String name, long memoryBytes, int workers) {
        String uuid = uuid(hostName(), ordinal);
        GpuDevice info = new GpuDevice(ordinal, uuid, name, memoryBytes, workers, CC_MAJOR, CC_MINOR, "",
                attributes(workers));
        return new HostDevice(info, new MemoryBudget(memoryBytes), ADDRESS_BASE + ordinal * ADDRESS_WINDOW);
    }

    /** Stable across restarts: derived from the host name and the ordinal. */
    static String uuid(String host, int ordinal) {
        UUID u = UUID.nameUUIDFromBytes(("orion-host-device:" + host + ":" + ordinal).getBytes(StandardCharsets.UTF_8));
        return "GPU-" + u;
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.trim();
        try {
            Path etc = Path.of("/etc/hostname");
            if (Files.isReadable(etc)) {
                String s = Files.readString(etc).trim();
                if (!s.isEmpty()) return s;
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** Everything cudaGetDeviceProperties needs, with Hopper-like limits where the interpreter has none of its own. */
    static Map<Integer, Integer> attributes(int workers) {
        Map<Integer, Integer> a = new HashMap<>();
        a.put(DeviceAttribute.MAX_THREADS_PER_BLOCK, 1024);
        a.put(DeviceAttribute.MAX_BLOCK_DIM_X, 1024);
        a.put(DeviceAttribute.MAX_BLOCK_DIM_Y, 1024);
        a.put(DeviceAttribute.MAX_BLOCK_DIM_Z, 64);
        a.put(DeviceAttribute.MAX_GRID_DIM_X, Integer.MAX_VALUE);
        a.put(DeviceAttribute.MAX_GRID_DIM_Y, 65535);
        a.put(DeviceAttribute.MAX_GRID_DIM_Z, 65535);
        a.put(DeviceAttribute.MAX_SHARED_MEMORY_PER_BLOCK, Limits.SHARED_PER_BLOCK);
        a.put(DeviceAttribute.TOTAL_CONSTANT_MEMORY, 65536);
        a.put(DeviceAttribute.WARP_SIZE, 32);
        a.put(DeviceAttribute.MAX_PITCH, Integer.MAX_VALUE);
        a.put(DeviceAttribute.MAX_REGISTERS_PER_BLOCK, 65536);
        a.put(DeviceAttribute.CLOCK_RATE, 1_000_000); // kHz: %clock counts nanoseconds
        a.put(DeviceAttribute.TEXTURE_ALIGNMENT, 512);
        a.put(15, 1); // GPU_OVERLAP
        a.put(DeviceAttribute.MULTIPROCESSOR_COUNT, workers);
        a.put(17, 0); // KERNEL_EXEC_TIMEOUT
        a.put(DeviceAttribute.INTEGRATED, 0);
        a.put(DeviceAttribute.CAN_MAP_HOST_MEMORY, 0);
        a.put(DeviceAttribute.COMPUTE_MODE, 0);
        int[][] textures = {{21, 131072}, {22, 131072}, {23, 65536}, {24, 16384}, {25, 16384}, {26, 16384}, {27, 32768},
                {28, 32768}, {29, 2048}, {30, 512}, {42, 32768}, {43, 2048}, {44, 1}, {45, 32768}, {46, 32768}, {47, 8192},
                {48, 8192}, {49, 32768}, {51, 32}, {52, 32768}, {53, 32768}, {54, 2046}, {55, 32768}, {56, 131072},
                {57, 65536}, {58, 16384}, {59, 16384}, {60, 16384}, {61, 32768}, {62, 2048}, {63, 32768}, {64, 32768},
                {65, 2048}, {66, 32768}, {67, 32768}, {68, 2046}, {69, 268435456}, {70, 131072}, {71, 65000},
                {72, 2097120}, {73, 32768}, {74, 32768}, {77, 32768}};
        for (int[] t : textures) a.put(t[0], t[1]);
        a.put(DeviceAttribute.CONCURRENT_KERNELS, 1);
        a.put(DeviceAttribute.ECC_ENABLED, 0);
        a.put(DeviceAttribute.PCI_BUS_ID, 0);
        a.put(DeviceAttribute.PCI_DEVICE_ID, 0);
        a.put(35, 0); // TCC_DRIVER
        a.put(DeviceAttribute.MEMORY_CLOCK_RATE, 1_000_000);
        a.put(DeviceAttribute.GLOBAL_MEMORY_BUS_WIDTH, 64);
        a.put(DeviceAttribute.L2_CACHE_SIZE, 32 * 1024 * 1024);
        a.put(DeviceAttribute.MAX_THREADS_PER_MULTIPROCESSOR, Limits.THREADS_PER_SM);
        a.put(DeviceAttribute.ASYNC_ENGINE_COUNT, 2);
        a.put(DeviceAttribute.UNIFIED_ADDRESSING, 1);
        a.put(DeviceAttribute.PCI_DOMAIN_ID, 0);
        a.put(DeviceAttribute.COMPUTE_CAPABILITY_MAJOR, CC_MAJOR);
        a.put(DeviceAttribute.COMPUTE_CAPABILITY_MINOR, CC_MINOR);
        a.put(78, 1); // STREAM_PRIORITIES_SUPPORTED
        a.put(79, 1); // GLOBAL_L1_CACHE_SUPPORTED
        a.put(80, 1); // LOCAL_L1_CACHE_SUPPORTED
        a.put(DeviceAttribute.MAX_SHARED_MEMORY_PER_MULTIPROCESSOR, Limits.SHARED_PER_SM);
        a.put(DeviceAttribute.MAX_REGISTERS_PER_MULTIPROCESSOR, 65536);
        a.put(DeviceAttribute.MANAGED_MEMORY, 0);
        a.put(DeviceAttribute.MULTI_GPU_BOARD, 0);
        a.put(85, 0); // MULTI_GPU_BOARD_GROUP_ID
        a.put(86, 0); // HOST_NATIVE_ATOMIC_SUPPORTED
        a.put(87, 2); // SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO
        a.put(88, 0); // PAGEABLE_MEMORY_ACCESS
        a.put(DeviceAttribute.CONCURRENT_MANAGED_ACCESS, 0);
        a.put(90, 0); // COMPUTE_PREEMPTION_SUPPORTED
        a.put(91, 0); // CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM
        a.put(DeviceAttribute.COOPERATIVE_LAUNCH, 0);
        a.put(96, 0); // COOPERATIVE_MULTI_DEVICE_LAUNCH
        a.put(DeviceAttribute.MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, Limits.SHARED_PER_BLOCK_OPTIN);
        a.put(98, 0); // CAN_FLUSH_REMOTE_WRITES
        a.put(99, 1); // HOST_REGISTER_SUPPORTED
        a.put(100, 0); // PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES
        a.put(101, 0); // DIRECT_MANAGED_MEM_ACCESS_FROM_HOST
        a.put(102, 0); // VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED
        a.put(DeviceAttribute.MAX_BLOCKS_PER_MULTIPROCESSOR, Limits.BLOCKS_PER_SM);
        a.put(108, 0); // MAX_PERSISTING_L2_CACHE_SIZE
        a.put(109, 0); // MAX_ACCESS_POLICY_WINDOW_SIZE
        a.put(111, Limits.RESERVED_SHARED_PER_BLOCK);
        a.put(115, 0); // MEMORY_POOLS_SUPPORTED
        a.put(116, 0); // GPU_DIRECT_RDMA_SUPPORTED
        a.put(120, 0); // CLUSTER_LAUNCH
        return a;
    }

    // ---- telemetry ---------------------------------------------------------------------------------

    /** Kernel time to count towards utilisation. */
    synchronized void busy(long nanos) {
        busyInWindow += nanos;
    }

    synchronized GpuTelemetry telemetry() {
        long now = System.nanoTime();
        long elapsed = now - windowStart;
        if (elapsed >= 1_000_000_000L) {
            lastUtilization = (int) Math.min(100, busyInWindow * 100 / elapsed);
            busyInWindow = 0;
            windowStart = now;
        }
        return new GpuTelemetry(lastUtilization, -1, budget.used(), -1, -1, List.of(), Instant.now());
    }
}
