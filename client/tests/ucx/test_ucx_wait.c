/*
 * How the rdma transport waits (src/ucx/ucx_wait.h): ORION_SPIN_US=-1 is a busy poll, as over shm
 * and tcp (it once meant "sleep at once"), a time spins that long, 0 sleeps at once; a polling
 * waiter asks whether the server lives only now and then, a sleeping one every time; and how long
 * a UCX request may take before the path counts as broken (ORION_RDMA_WAIT_MS).
 */
#include "check.h"
#include "ucx/ucx_wait.h"

static void minus_one_polls_without_end(void) {
    CHECK(ucx_still_polling(-1, 0, 0), "at once");
    CHECK(ucx_still_polling(-1, 0, 3600LL * 1000000000LL), "after an hour");
}

static void a_spin_time_polls_that_long(void) {
    CHECK(ucx_still_polling(20, 1000, 1000 + 19999), "within 20 µs");
    CHECK(!ucx_still_polling(20, 1000, 1000 + 20000), "after 20 µs");
    CHECK(!ucx_still_polling(0, 1000, 1000), "0: sleeps at once");
}

static void liveness_is_asked_now_and_then_while_polling(void) {
    CHECK(!ucx_check_alive_now(1, 0, UCX_ALIVE_CHECK_NS - 1), "not on every turn of a busy poll");
    CHECK(ucx_check_alive_now(1, 0, UCX_ALIVE_CHECK_NS), "but every %lld ns", UCX_ALIVE_CHECK_NS);
    CHECK(ucx_check_alive_now(0, 0, 1), "before every sleep");
}

static void a_request_has_the_wait_and_its_bytes_time(void) {
    CHECK(ucx_request_deadline(1000, 60000, 0) == 1000 + 60000LL * 1000000, "60 s for a flush");
    CHECK(ucx_request_deadline(0, 100, 1 << 20) == 100LL * 1000000 + (1LL << 20) * 10, "1 MiB adds 10.5 ms (100 MB/s)");
    CHECK(ucx_request_deadline(0, 60000, 4ULL << 30) - 60000LL * 1000000 == (4LL << 30) * 10, "4 GiB adds 43 s");
    CHECK(ucx_request_deadline(0, 1, ~0ULL) > 0, "no overflow however many bytes");
}

static void the_wait_setting_is_checked(void) {
    CHECK(ucx_request_wait_ms(NULL) == UCX_REQUEST_WAIT_MS && ucx_request_wait_ms("") == UCX_REQUEST_WAIT_MS, "unset: 60 s");
    CHECK(ucx_request_wait_ms("2500") == 2500, "ms");
    CHECK(ucx_request_wait_ms("99") == -1 && ucx_request_wait_ms("3600001") == -1, "100 ms to an hour");
    CHECK(ucx_request_wait_ms("5s") == -1 && ucx_request_wait_ms("-5") == -1 && ucx_request_wait_ms("99999999999999") == -1,
          "whole numbers only");
}

int main(int argc, char **argv) {
    static const check_case cases[] = {
        CASE(minus_one_polls_without_end),
        CASE(a_spin_time_polls_that_long),
        CASE(liveness_is_asked_now_and_then_while_polling),
        CASE(a_request_has_the_wait_and_its_bytes_time),
        CASE(the_wait_setting_is_checked),
    };
    return check_main("ucx.wait", cases, sizeof cases / sizeof *cases, argc, argv);
}
