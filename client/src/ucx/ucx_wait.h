/*
 * How the rdma transport waits for UCX (transport_ucx.c), as the shm and tcp channels wait: it
 * polls for ORION_SPIN_US µs, then sleeps on the worker's event descriptor; spin_us < 0 polls
 * without end (busy poll: no sleep and no wake-up cost, one core per waiting thread). Pure, so
 * that it is tested alone (tests/ucx/test_ucx_wait.c).
 */
#ifndef ORION_UCX_WAIT_H
#define ORION_UCX_WAIT_H

/* How often a polling waiter asks the rendezvous socket whether the server lives: a system call,
 * which a busy poll must not make on every turn. */
#define UCX_ALIVE_CHECK_NS 10000000LL

/* Whether a waiter that began at start_ns still polls at now_ns instead of sleeping. */
static inline int ucx_still_polling(int spin_us, long long start_ns, long long now_ns) {
    return spin_us < 0 || now_ns - start_ns < (long long)spin_us * 1000;
}

/* Whether the waiter looks at the server's liveness on this idle turn: always before it sleeps,
 * and every UCX_ALIVE_CHECK_NS while it polls. */
static inline int ucx_check_alive_now(int polling, long long last_check_ns, long long now_ns) {
    return !polling || now_ns - last_check_ns >= UCX_ALIVE_CHECK_NS;
}

#endif
