// Warp-level primitives: shuffles in all modes and widths, votes, ballots, match, reduce, and the
// active mask inside a divergent branch; WarpOpsTest has the Java reference. Blocks are whole warps.
#define WOPS 20
#define FULL 0xffffffffu

extern "C" __global__ void warp_ops(const int *in, int *out)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31;
    int v = in[t];
    int *o = out + t * WOPS;
    o[0] = __shfl_sync(FULL, v, (lane * 7) & 31);
    o[1] = __shfl_up_sync(FULL, v, 3);
    o[2] = __shfl_down_sync(FULL, v, 5);
    o[3] = __shfl_xor_sync(FULL, v, 6);
    o[4] = __shfl_sync(FULL, v, lane + 1, 8);
    o[5] = __shfl_up_sync(FULL, v, 2, 16);
    o[6] = __shfl_down_sync(FULL, v, 3, 4);
    o[7] = __shfl_xor_sync(FULL, v, 1, 2);
    o[8] = __ballot_sync(FULL, v & 1);
    o[9] = __any_sync(FULL, v > 1000);
    o[10] = __all_sync(FULL, v > -1000000);
    o[11] = 0;
    o[12] = 0;
    if (v & 1) {
        unsigned odd = __activemask();
        o[11] = odd;
        o[12] = __shfl_sync(odd, v, __ffs(odd) - 1);
    }
    o[13] = __reduce_add_sync(FULL, v);
    o[14] = __reduce_max_sync(FULL, (unsigned) v);
    o[15] = __reduce_min_sync(FULL, v);
    o[16] = __match_any_sync(FULL, v & 3);
    int pred;
    o[17] = __match_all_sync(FULL, v >> 30, &pred);
    o[18] = pred;
    double d = __shfl_down_sync(FULL, (double) v * 0.5, 1);
    o[19] = (int) (d * 2.0);
}
