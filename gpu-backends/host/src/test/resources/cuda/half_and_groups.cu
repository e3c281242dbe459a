// Cooperative groups (tiles, reductions, ballots) and half precision through CUDA's headers, whose
// inline assembly declares registers without % and packs halves with cvt.rn.f16x2.f32;
// HalfAndGroupsTest has the reference.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cuda_fp16.h>

namespace cg = cooperative_groups;

extern "C" __global__ void half_and_groups(const float *in, unsigned *halves, float *sums, int *counts, unsigned *ballots, int n)
{
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<32> tile = cg::tiled_partition<32>(block);
    int i = block.group_index().x * block.size() + block.thread_rank();
    float v = i < n ? in[i] : 0.0f;
    float s = cg::reduce(tile, v, cg::plus<float>());
    int c = cg::reduce(tile, (int) (v > 0), cg::plus<int>());
    unsigned b = tile.ballot(v > 0.5f);
    if (tile.thread_rank() == 0) {
        sums[i / 32] = s;
        counts[i / 32] = c;
        ballots[i / 32] = b;
    }
    __half2 a = __floats2half2_rn(v, 2.0f * v);
    __half2 p = __hmul2(a, a);
    __half2 f = __hfma2(a, p, a);
    if (i < n) {
        halves[3 * i] = *reinterpret_cast<unsigned *>(&a);
        halves[3 * i + 1] = *reinterpret_cast<unsigned *>(&p);
        halves[3 * i + 2] = *reinterpret_cast<unsigned *>(&f);
    }
}
