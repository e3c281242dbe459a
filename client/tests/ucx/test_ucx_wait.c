/*
 * How the rdma transport waits (src/ucx/ucx_wait.h): ORION_SPIN_US=-1 is a busy poll, as over shm
 * and tcp (it once meant "sleep at once"), a time spins that long, 0 sleeps at once; and a polling
 * waiter asks whether the server lives only now and then, a sleeping one every time.
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

int main(int argc, char **argv) {
    static const check_case cases[] = {
        CASE(minus_one_polls_without_end),
        CASE(a_spin_time_polls_that_long),
        CASE(liveness_is_asked_now_and_then_while_polling),
    };
    return check_main("ucx.wait", cases, sizeof cases / sizeof *cases, argc, argv);
}
