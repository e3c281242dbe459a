package io.orion.backend.host.internal.interp;

/**
 * The generic address space of a kernel. Shared, local and kernel-parameter memory each appear in
 * a window of generic addresses (as on a GPU, where {@code cvta} moves between a state space and
 * the generic space); everything else is global device memory, whose addresses sit well above
 * these windows (see DeviceMemory). Const and global addresses are the same in both spaces.
 */
final class AddressWindows {
    private AddressWindows() {}

    static final int WINDOW_SHIFT = 44;
    static final long SHARED = 1L << WINDOW_SHIFT;
    static final long LOCAL = 2L << WINDOW_SHIFT;
    static final long PARAM = 3L << WINDOW_SHIFT;

    static final int KIND_GLOBAL = 0;
    static final int KIND_SHARED = 1;
    static final int KIND_LOCAL = 2;
    static final int KIND_PARAM = 3;

    /** Which window a generic address falls in. */
    static int kind(long generic) {
        long w = generic >>> WINDOW_SHIFT;
        return w >= 1 && w <= 3 ? (int) w : KIND_GLOBAL;
    }

    /** The offset of a generic address inside its window. */
    static long offset(long generic) {
        return generic & ((1L << WINDOW_SHIFT) - 1);
    }
}
