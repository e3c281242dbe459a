package io.orion.api.backend;

/**
 * Codes of the CUDA device attributes ({@code CUdevice_attribute} in {@code cuda.h}) that the
 * platform reads by name. A backend may report any other code as well; the codes are CUDA's, so
 * they cross the wire unchanged.
 */
public final class DeviceAttribute {
    private DeviceAttribute() {}

    public static final int MAX_THREADS_PER_BLOCK = 1;
    public static final int MAX_BLOCK_DIM_X = 2;
    public static final int MAX_BLOCK_DIM_Y = 3;
    public static final int MAX_BLOCK_DIM_Z = 4;
    public static final int MAX_GRID_DIM_X = 5;
    public static final int MAX_GRID_DIM_Y = 6;
    public static final int MAX_GRID_DIM_Z = 7;
    public static final int MAX_SHARED_MEMORY_PER_BLOCK = 8;
    public static final int TOTAL_CONSTANT_MEMORY = 9;
    public static final int WARP_SIZE = 10;
    public static final int MAX_PITCH = 11;
    public static final int MAX_REGISTERS_PER_BLOCK = 12;
    public static final int CLOCK_RATE = 13;
    public static final int TEXTURE_ALIGNMENT = 14;
    public static final int MULTIPROCESSOR_COUNT = 16;
    public static final int INTEGRATED = 18;
    public static final int CAN_MAP_HOST_MEMORY = 19;
    public static final int COMPUTE_MODE = 20;
    public static final int CONCURRENT_KERNELS = 31;
    public static final int ECC_ENABLED = 32;
    public static final int PCI_BUS_ID = 33;
    public static final int PCI_DEVICE_ID = 34;
    public static final int MEMORY_CLOCK_RATE = 36;
    public static final int GLOBAL_MEMORY_BUS_WIDTH = 37;
    public static final int L2_CACHE_SIZE = 38;
    public static final int MAX_THREADS_PER_MULTIPROCESSOR = 39;
    public static final int ASYNC_ENGINE_COUNT = 40;
    public static final int UNIFIED_ADDRESSING = 41;
    public static final int PCI_DOMAIN_ID = 50;
    public static final int COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int COMPUTE_CAPABILITY_MINOR = 76;
    public static final int MAX_SHARED_MEMORY_PER_MULTIPROCESSOR = 81;
    public static final int MAX_REGISTERS_PER_MULTIPROCESSOR = 82;
    public static final int MANAGED_MEMORY = 83;
    public static final int MULTI_GPU_BOARD = 84;
    public static final int CONCURRENT_MANAGED_ACCESS = 89;
    public static final int COOPERATIVE_LAUNCH = 95;
    public static final int MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
    public static final int MAX_BLOCKS_PER_MULTIPROCESSOR = 106;
}
