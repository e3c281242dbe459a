package io.orion.backend.host.internal.interp;

/**
 * PTX special registers that are constant while a thread runs. The block runner writes them into
 * ordinary register slots before the threads start, so instructions read them as any register.
 * Those that change while a thread runs (clocks, timers) are read by {@link TimerRead} instead.
 */
enum Special {
    TID_X, TID_Y, TID_Z, NTID_X, NTID_Y, NTID_Z,
    CTAID_X, CTAID_Y, CTAID_Z, NCTAID_X, NCTAID_Y, NCTAID_Z,
    LANEID, WARPID, NWARPID, SMID, NSMID, GRIDID,
    LANEMASK_EQ, LANEMASK_LT, LANEMASK_LE, LANEMASK_GT, LANEMASK_GE,
    DYNAMIC_SMEM_SIZE, TOTAL_SMEM_SIZE,
    CLUSTERID_X, CLUSTERID_Y, CLUSTERID_Z, NCLUSTERID_X, NCLUSTERID_Y, NCLUSTERID_Z,
    CLUSTER_CTAID_X, CLUSTER_CTAID_Y, CLUSTER_CTAID_Z, CLUSTER_NCTAID_X, CLUSTER_NCTAID_Y, CLUSTER_NCTAID_Z,
    CLUSTER_CTARANK, CLUSTER_NCTARANK, IS_EXPLICIT_CLUSTER;

    /** The special register a PTX name denotes ({@code %tid.x}), or null. */
    static Special of(String name) {
        return switch (name) {
            case "%tid.x" -> TID_X; case "%tid.y" -> TID_Y; case "%tid.z" -> TID_Z;
            case "%ntid.x" -> NTID_X; case "%ntid.y" -> NTID_Y; case "%ntid.z" -> NTID_Z;
            case "%ctaid.x" -> CTAID_X; case "%ctaid.y" -> CTAID_Y; case "%ctaid.z" -> CTAID_Z;
            case "%nctaid.x" -> NCTAID_X; case "%nctaid.y" -> NCTAID_Y; case "%nctaid.z" -> NCTAID_Z;
            case "%laneid" -> LANEID; case "%warpid" -> WARPID; case "%nwarpid" -> NWARPID;
            case "%smid" -> SMID; case "%nsmid" -> NSMID; case "%gridid" -> GRIDID;
            case "%lanemask_eq" -> LANEMASK_EQ; case "%lanemask_lt" -> LANEMASK_LT; case "%lanemask_le" -> LANEMASK_LE;
            case "%lanemask_gt" -> LANEMASK_GT; case "%lanemask_ge" -> LANEMASK_GE;
            case "%dynamic_smem_size" -> DYNAMIC_SMEM_SIZE; case "%total_smem_size" -> TOTAL_SMEM_SIZE;
            // No clusters here: every block is a cluster of one.
            case "%clusterid.x" -> CLUSTERID_X; case "%clusterid.y" -> CLUSTERID_Y; case "%clusterid.z" -> CLUSTERID_Z;
            case "%nclusterid.x" -> NCLUSTERID_X; case "%nclusterid.y" -> NCLUSTERID_Y; case "%nclusterid.z" -> NCLUSTERID_Z;
            case "%cluster_ctaid.x" -> CLUSTER_CTAID_X; case "%cluster_ctaid.y" -> CLUSTER_CTAID_Y;
            case "%cluster_ctaid.z" -> CLUSTER_CTAID_Z;
            case "%cluster_nctaid.x" -> CLUSTER_NCTAID_X; case "%cluster_nctaid.y" -> CLUSTER_NCTAID_Y;
            case "%cluster_nctaid.z" -> CLUSTER_NCTAID_Z;
            case "%cluster_ctarank" -> CLUSTER_CTARANK; case "%cluster_nctarank" -> CLUSTER_NCTARANK;
            case "%is_explicit_cluster" -> IS_EXPLICIT_CLUSTER;
            default -> null;
        };
    }

    /** Whether the value depends on the block (and so is rewritten for every block). */
    boolean perBlock() {
        return switch (this) {
            case CTAID_X, CTAID_Y, CTAID_Z, SMID, CLUSTERID_X, CLUSTERID_Y, CLUSTERID_Z -> true;
            default -> false;
        };
    }

    /** The value for one thread. */
    long value(int warp, int lane, Block block) {
        Launch l = block.launch;
        int linear = warp * 32 + lane;
        int bx = l.blockX, by = l.blockY;
        return switch (this) {
            case TID_X -> linear % bx;
            case TID_Y -> (linear / bx) % by;
            case TID_Z -> linear / (bx * by);
            case NTID_X -> bx; case NTID_Y -> by; case NTID_Z -> l.blockZ;
            case CTAID_X -> block.ctaX; case CTAID_Y -> block.ctaY; case CTAID_Z -> block.ctaZ;
            case NCTAID_X -> l.gridX; case NCTAID_Y -> l.gridY; case NCTAID_Z -> l.gridZ;
            case LANEID -> lane;
            case WARPID -> warp;
            case NWARPID -> 64;
            case SMID -> block.worker;
            case NSMID -> l.workers;
            case GRIDID -> l.gridId;
            case LANEMASK_EQ -> 1L << lane;
            case LANEMASK_LT -> (1L << lane) - 1;
            case LANEMASK_LE -> (2L << lane) - 1;
            case LANEMASK_GT -> ~((2L << lane) - 1) & 0xffffffffL;
            case LANEMASK_GE -> ~((1L << lane) - 1) & 0xffffffffL;
            case DYNAMIC_SMEM_SIZE -> l.dynamicShared;
            case TOTAL_SMEM_SIZE -> l.program.staticShared + l.dynamicShared;
            case CLUSTERID_X -> block.ctaX; case CLUSTERID_Y -> block.ctaY; case CLUSTERID_Z -> block.ctaZ;
            case NCLUSTERID_X -> l.gridX; case NCLUSTERID_Y -> l.gridY; case NCLUSTERID_Z -> l.gridZ;
            case CLUSTER_CTAID_X, CLUSTER_CTAID_Y, CLUSTER_CTAID_Z, CLUSTER_CTARANK, IS_EXPLICIT_CLUSTER -> 0;
            case CLUSTER_NCTAID_X, CLUSTER_NCTAID_Y, CLUSTER_NCTAID_Z, CLUSTER_NCTARANK -> 1;
        };
    }
}
