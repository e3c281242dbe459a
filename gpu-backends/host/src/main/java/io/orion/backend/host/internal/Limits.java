package io.orion.backend.host.internal;

/** The per-block and per-multiprocessor limits the host device reports and enforces. */
final class Limits {
    private Limits() {}

    static final int THREADS_PER_BLOCK = 1024;
    static final int THREADS_PER_SM = 2048;
    static final int BLOCKS_PER_SM = 32;
    static final int REGISTERS_PER_SM = 65536;
    /** Default shared memory a block may use (48 KiB). */
    static final int SHARED_PER_BLOCK = 48 * 1024;
    /** Shared memory a block may use at most (CUDA's opt-in limit on sm_90). */
    static final int SHARED_PER_BLOCK_OPTIN = 227 * 1024;
    static final int SHARED_PER_SM = 228 * 1024;
    static final int RESERVED_SHARED_PER_BLOCK = 1024;
}
