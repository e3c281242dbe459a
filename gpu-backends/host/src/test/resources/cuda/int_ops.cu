// Integer operations as C and the CUDA intrinsics define them; IntegerOpsTest has the Java reference.
#include <climits>
#define OPS 40

extern "C" __global__ void int_ops(const int *a, const int *b, int *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int x = a[i], y = b[i];
    unsigned ux = x, uy = y;
    int *o = out + i * OPS;
    o[0] = x + y;
    o[1] = x - y;
    o[2] = x * y;
    o[3] = (y != 0 && !(x == INT_MIN && y == -1)) ? x / y : 0;
    o[4] = (y != 0 && !(x == INT_MIN && y == -1)) ? x % y : 0;
    o[5] = uy != 0 ? ux / uy : 0;
    o[6] = uy != 0 ? ux % uy : 0;
    o[7] = min(x, y);
    o[8] = max(x, y);
    o[9] = min(ux, uy);
    o[10] = max(ux, uy);
    o[11] = abs(x);
    o[12] = x << (y & 31);
    o[13] = x >> (y & 31);
    o[14] = ux >> (y & 31);
    o[15] = x & y;
    o[16] = x | y;
    o[17] = x ^ y;
    o[18] = ~x;
    o[19] = __popc(x);
    o[20] = __clz(x);
    o[21] = __brev(x);
    o[22] = __ffs(x);
    o[23] = __mulhi(x, y);
    o[24] = __umulhi(ux, uy);
    o[25] = __byte_perm(x, y, uy & 0x7777u);
    o[26] = __funnelshift_l(ux, uy, uy);
    o[27] = __funnelshift_r(ux, uy, uy);
    o[28] = __funnelshift_lc(ux, uy, uy);
    o[29] = __funnelshift_rc(ux, uy, uy);
    o[30] = __sad(x, y, 7u);
    o[31] = __usad(ux, uy, 9u);
    o[32] = (x < y) + 2 * (ux < uy) + 4 * (x == y) + 8 * (x >= y) + 16 * (ux >= uy) + 32 * (x != y) + 64 * (ux <= uy);
    o[33] = (signed char) x + (short) y + (unsigned char) x * 3 + (unsigned short) y;
    o[34] = __hadd(x, y);
    o[35] = __rhadd(x, y);
    o[36] = __uhadd(ux, uy);
    o[37] = __mul24(x, y);
    o[38] = __umul24(ux, uy);
    o[39] = x > 0 ? x * 3 : y - 7;
}
