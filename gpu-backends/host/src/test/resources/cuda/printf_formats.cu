// Device printf with C's conversions, flags, widths, precisions and length modifiers.
// DevicePrintfTest compares the output with what the host C library prints for the same calls
// (glibc's printf, recorded in the test).
#include <cstdio>

extern "C" __global__ void printf_formats(int i, double f, double d, long long l, unsigned u, unsigned x)
{
    const char *s = "host";
    int c = 'A';
    printf("int %d|%5d|%-5d|%05d|%+d|% d|%.3d\n", i, i, i, i, i, i, i);
    printf("unsigned %u hex %x %X %#x %08x oct %o %#o\n", u, x, x, x, x, u, u);
    printf("long %ld %lld %lu %llx\n", (long) l, l, (unsigned long) l, (unsigned long long) l);
    printf("float %f|%.2f|%10.3f|%-10.1f|%+.1e|%E|%g|%g|%G|%.3g\n", f, f, f, f, f, f, f, d, d * 1e10, d);
    printf("char %c%c str %s|%8s|%-8s|%.2s\n", c, c + 1, s, s, s, s);
    printf("pct 100%% done %d\n", i);
}
