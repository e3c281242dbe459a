package io.orion.backend.host.internal.interp;

/**
 * {@code cp.async.{ca,cg}.shared.global [dst], [src], size{, srcSize}}: done at once (the copy is
 * complete before any {@code cp.async.wait_*}, which are then no-ops). Bytes past srcSize are zero.
 */
final class AsyncCopy extends Insn {
    private final int dst, src;
    private final boolean dstNarrow;
    private final long dstOffset, srcOffset;
    private final int size;
    private final int srcSize;

    AsyncCopy(int dst, boolean dstNarrow, long dstOffset, int src, long srcOffset, int size, int srcSize) {
        super(false);
        this.dst = dst;
        this.dstNarrow = dstNarrow;
        this.dstOffset = dstOffset;
        this.src = src;
        this.srcOffset = srcOffset;
        this.size = size;
        this.srcSize = srcSize;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            long to = dstOffset + (dst < 0 ? 0 : dstNarrow ? r[dst + l] & 0xffff_ffffL : r[dst + l]);
            long from = srcOffset + (src < 0 ? 0 : r[src + l]);
            int n = srcSize < 0 ? size : (int) Math.min(size, r[srcSize + l]);
            for (int i = 0; i < size; i++) {
                long v = i < n ? w.load(Warp.GLOBAL, from + i, 1, false, l) : 0;
                w.store(Warp.SHARED, to + i, 1, v, l);
            }
        }
    }
}
