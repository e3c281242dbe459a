// Conversions between integers, half, single and double precision in every rounding mode;
// ConversionsTest has the exact reference.
#include <cuda_fp16.h>
#define COPS 32

extern "C" __global__ void conversions(const float *f, const double *d, const long long *l, long long *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float x = f[i];
    double y = d[i];
    long long v = l[i];
    long long *o = out + i * COPS;
    o[0] = __float2int_rn(x);
    o[1] = __float2int_rz(x);
    o[2] = __float2int_rd(x);
    o[3] = __float2int_ru(x);
    o[4] = __float2uint_rn(x);
    o[5] = __float2ll_rz(x);
    o[6] = (long long) __float2ull_rd(x);
    o[7] = __double2int_rn(y);
    o[8] = __double2ll_ru(y);
    o[9] = (long long) __double2ull_rz(y);
    o[10] = __float_as_int(__int2float_rn((int) v));
    o[11] = __float_as_int(__int2float_rz((int) v));
    o[12] = __float_as_int(__int2float_rd((int) v));
    o[13] = __float_as_int(__int2float_ru((int) v));
    o[14] = __float_as_int(__uint2float_rn((unsigned) v));
    o[15] = __float_as_int(__ll2float_rn(v));
    o[16] = __float_as_int(__ll2float_rz(v));
    o[17] = __float_as_int(__ull2float_ru((unsigned long long) v));
    o[18] = __double_as_longlong(__ll2double_rn(v));
    o[19] = __double_as_longlong(__ll2double_rd(v));
    o[20] = __double_as_longlong(__ull2double_ru((unsigned long long) v));
    o[21] = __float_as_int(__double2float_rn(y));
    o[22] = __float_as_int(__double2float_rz(y));
    o[23] = __float_as_int(__double2float_rd(y));
    o[24] = __float_as_int(__double2float_ru(y));
    o[25] = __double_as_longlong((double) x);
    o[26] = __half_as_ushort(__float2half_rn(x));
    o[27] = __float_as_int(__half2float(__ushort_as_half((unsigned short) v)));
    o[28] = (int) x;
    o[29] = (unsigned) y;
    o[30] = (short) v + (signed char) (v >> 8);
    o[31] = (unsigned short) v + (unsigned char) (v >> 8);
}
