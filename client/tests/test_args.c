/* Kernel arguments packed by the layout the server gives: what cudaLaunchKernel's void** becomes. */
#include <stdint.h>
#include <string.h>

#include "../src/core/internal.h"
#include "check.h"

static orv_param params_abc[] = {{0, 8}, {8, 4}, {16, 8}, {24, 1}, {32, 16}};

static orv_function_info layout(orv_param *p, uint16_t n, uint32_t end) {
    orv_function_info f = {7, n, p, end};
    return f;
}

static void mixed_sizes_at_their_offsets(void) {
    orv_function_info f = layout(params_abc, 5, 48);
    uint64_t ptr = 0x7f0011223344ull;
    int32_t count = -5;
    double scale = 2.5;
    char flag = 1;
    struct { float x, y, z, w; } v = {1, 2, 3, 4};
    void *args[] = {&ptr, &count, &scale, &flag, &v};
    uint8_t buf[ORV_MAX_PARAM_BYTES];
    memset(buf, 0xEE, sizeof buf);
    size_t n;
    CHECK(pack_arguments(&f, "k", args, NULL, 0, buf, &n) == 0, "packing failed");
    CHECK(n == 48, "packed %zu bytes", n);
    CHECK(!memcmp(buf, &ptr, 8) && !memcmp(buf + 8, &count, 4) && !memcmp(buf + 16, &scale, 8) && buf[24] == 1
          && !memcmp(buf + 32, &v, 16), "values not at their offsets");
    /* padding is zero, never what the stack held */
    CHECK(!buf[12] && !buf[13] && !buf[14] && !buf[15] && !buf[25] && !buf[31], "padding not zeroed");
    CHECK(buf[48] == 0xEE, "wrote past the layout's end");
}

static void no_parameters(void) {
    orv_function_info f = layout(NULL, 0, 0);
    uint8_t buf[16];
    size_t n = 99;
    CHECK(pack_arguments(&f, "empty", NULL, NULL, 0, buf, &n) == 0 && n == 0, "a kernel without parameters");
}

static void null_argument_refused(void) {
    orv_function_info f = layout(params_abc, 2, 12);
    uint64_t p = 1;
    void *args[] = {&p, NULL};
    uint8_t buf[64];
    size_t n;
    CHECK(pack_arguments(&f, "vector_add", args, NULL, 0, buf, &n) == OR_INVALID_VALUE, "a null argument was packed");
    CHECK(strstr(orion_last_message(), "argument 1 of kernel vector_add") != NULL, "message: %s", orion_last_message());
    CHECK(pack_arguments(&f, "vector_add", NULL, NULL, 0, buf, &n) == OR_INVALID_VALUE, "no argument array was accepted");
}

static void packed_buffer(void) {
    orv_function_info f = layout(params_abc, 2, 12);
    uint8_t packed[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, buf[64];
    size_t n;
    CHECK(pack_arguments(&f, "k", NULL, packed, sizeof packed, buf, &n) == 0 && n == 12 && !memcmp(buf, packed, 12),
          "a packed buffer was not taken as it is");
    CHECK(pack_arguments(&f, "k", NULL, packed, 11, buf, &n) == OR_INVALID_VALUE, "a short packed buffer was accepted");
    CHECK(strstr(orion_last_message(), "12 bytes") != NULL, "message: %s", orion_last_message());
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(mixed_sizes_at_their_offsets), CASE(no_parameters), CASE(null_argument_refused),
                                       CASE(packed_buffer)};
    return check_main("args", cases, sizeof cases / sizeof cases[0], argc, argv);
}
