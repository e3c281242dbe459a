// Correctly rounded single and double precision operations, in every rounding mode CUDA exposes;
// FloatOpsTest compares them bit for bit with an exact reference.
#define FOPS 36
#define DOPS 26

extern "C" __global__ void float_ops(const float *a, const float *b, const float *c, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float x = a[i], y = b[i], z = c[i];
    float *o = out + i * FOPS;
    o[0] = x + y;
    o[1] = x - y;
    o[2] = x * y;
    o[3] = x / y;
    o[4] = fmaf(x, y, z);
    o[5] = sqrtf(fabsf(x));
    o[6] = fminf(x, y);
    o[7] = fmaxf(x, y);
    o[8] = fabsf(x);
    o[9] = -x;
    o[10] = __fadd_rz(x, y);
    o[11] = __fadd_rd(x, y);
    o[12] = __fadd_ru(x, y);
    o[13] = __fmul_rz(x, y);
    o[14] = __fmul_rd(x, y);
    o[15] = __fmul_ru(x, y);
    o[16] = __fdiv_rz(x, y);
    o[17] = __fdiv_rd(x, y);
    o[18] = __fdiv_ru(x, y);
    o[19] = __fmaf_rz(x, y, z);
    o[20] = __fmaf_rd(x, y, z);
    o[21] = __fmaf_ru(x, y, z);
    o[22] = __fsqrt_rz(fabsf(x));
    o[23] = __fsqrt_rd(fabsf(x));
    o[24] = __fsqrt_ru(fabsf(x));
    o[25] = floorf(x);
    o[26] = ceilf(x);
    o[27] = truncf(x);
    o[28] = rintf(x);
    o[29] = roundf(x);
    o[30] = copysignf(x, y);
    o[31] = __frcp_rn(x);
    o[32] = __frcp_rz(x);
    o[33] = __frcp_rd(x);
    o[34] = __frcp_ru(x);
    o[35] = __saturatef(x);
}

extern "C" __global__ void double_ops(const double *a, const double *b, const double *c, double *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double x = a[i], y = b[i], z = c[i];
    double *o = out + i * DOPS;
    o[0] = x + y;
    o[1] = x - y;
    o[2] = x * y;
    o[3] = x / y;
    o[4] = fma(x, y, z);
    o[5] = sqrt(fabs(x));
    o[6] = fmin(x, y);
    o[7] = fmax(x, y);
    o[8] = __dadd_rz(x, y);
    o[9] = __dadd_rd(x, y);
    o[10] = __dadd_ru(x, y);
    o[11] = __dmul_rz(x, y);
    o[12] = __dmul_rd(x, y);
    o[13] = __dmul_ru(x, y);
    o[14] = __ddiv_rz(x, y);
    o[15] = __ddiv_rd(x, y);
    o[16] = __ddiv_ru(x, y);
    o[17] = __fma_rz(x, y, z);
    o[18] = __dsqrt_rd(fabs(x));
    o[19] = __dsqrt_ru(fabs(x));
    o[20] = floor(x);
    o[21] = ceil(x);
    o[22] = trunc(x);
    o[23] = rint(x);
    o[24] = round(x);
    o[25] = __drcp_rn(x);
}
