// 64-bit integer operations; IntegerOpsTest has the Java reference.
#include <climits>
#define OPS 24

extern "C" __global__ void long_ops(const long long *a, const long long *b, long long *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    long long x = a[i], y = b[i];
    unsigned long long ux = x, uy = y;
    long long *o = out + i * OPS;
    o[0] = x + y;
    o[1] = x - y;
    o[2] = x * y;
    o[3] = (y != 0 && !(x == LLONG_MIN && y == -1)) ? x / y : 0;
    o[4] = (y != 0 && !(x == LLONG_MIN && y == -1)) ? x % y : 0;
    o[5] = uy != 0 ? ux / uy : 0;
    o[6] = uy != 0 ? ux % uy : 0;
    o[7] = min(x, y);
    o[8] = max(x, y);
    o[9] = min(ux, uy);
    o[10] = max(ux, uy);
    o[11] = x << (y & 63);
    o[12] = x >> (y & 63);
    o[13] = ux >> (y & 63);
    o[14] = __popcll(x);
    o[15] = __clzll(x);
    o[16] = __brevll(x);
    o[17] = __ffsll(x);
    o[18] = __mul64hi(x, y);
    o[19] = __umul64hi(ux, uy);
    o[20] = (x < y) + 2 * (ux < uy) + 4 * (x == y) + 8 * (ux >= uy);
    o[21] = (long long) (int) x + (long long) (unsigned) y;
    o[22] = (x ^ y) & ~(x | 0x0f0f0f0f0f0f0f0fLL);
    o[23] = llabs(x);
}
