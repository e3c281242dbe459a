// CUDA math library functions, which nvcc implements in PTX with range reduction, polynomials,
// fused multiply-adds, rounding modes and table lookups; MathFunctionsTest checks them against
// Java's math within CUDA's documented error bounds.
#define MF 20
#define MD 10

extern "C" __global__ void math_float(const float *a, const float *b, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float x = a[i], y = b[i];
    float *o = out + i * MF;
    o[0] = expf(x);
    o[1] = exp2f(x);
    o[2] = logf(fabsf(x));
    o[3] = log2f(fabsf(x));
    o[4] = log10f(fabsf(x));
    o[5] = sinf(y);
    o[6] = cosf(y);
    o[7] = tanf(y);
    o[8] = powf(fabsf(x), y * 0.01f);
    o[9] = tanhf(x);
    o[10] = atanf(x);
    o[11] = atan2f(x, y);
    o[12] = asinf(x / 100.0f);
    o[13] = acosf(x / 100.0f);
    o[14] = sinhf(x);
    o[15] = coshf(x);
    o[16] = erff(x);
    o[17] = cbrtf(y);
    o[18] = hypotf(x, y);
    o[19] = rsqrtf(fabsf(y));
}

extern "C" __global__ void math_double(const double *a, const double *b, double *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double x = a[i], y = b[i];
    double *o = out + i * MD;
    o[0] = exp(x);
    o[1] = log(fabs(x));
    o[2] = sin(y);
    o[3] = cos(y);
    o[4] = tan(y);
    o[5] = pow(fabs(x), y * 0.01);
    o[6] = tanh(x);
    o[7] = atan2(x, y);
    o[8] = cbrt(y);
    o[9] = hypot(x, y);
}
