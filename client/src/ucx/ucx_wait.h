/*
 * How the rdma transport waits for UCX (transport_ucx.c), as the shm and tcp channels wait: it
 * polls for ORION_SPIN_US µs, then sleeps on the worker's event descriptor; spin_us < 0 polls
 * without end (busy poll: no sleep and no wake-up cost, one core per waiting thread). And how long
 * it waits at most: a broken UCX path to a server that is otherwise alive (its rendezvous socket
 * open, UCX reporting nothing) must end in an error, not a hang. Pure, so that it is tested alone
 * (tests/ucx/test_ucx_wait.c).
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

/* The least time a UCX request (a send, an RDMA read or write, a flush, taking in a message) is
 * given by default (ORION_RDMA_WAIT_MS). Generous: a large message waits until the server's
 * thread takes it in, and over UCX's TCP the server's thread carries out RDMA too, which a long
 * call on the server may hold; a connection that passes it is broken and the session resumes. */
#define UCX_REQUEST_WAIT_MS 60000
/* The slowest rate a request's bytes are allowed on top of that: 10 ns per byte, 100 MB/s. */
#define UCX_REQUEST_NS_PER_BYTE 10LL

/* When a request of `bytes` begun at start_ns has waited too long: wait_ms, plus its bytes' time. */
static inline long long ucx_request_deadline(long long start_ns, int wait_ms, unsigned long long bytes) {
    unsigned long long cap = (unsigned long long)(1LL << 62) / UCX_REQUEST_NS_PER_BYTE;
    return start_ns + (long long)wait_ms * 1000000LL + (long long)(bytes < cap ? bytes : cap) * UCX_REQUEST_NS_PER_BYTE;
}

/* ORION_RDMA_WAIT_MS's value: a whole number of ms from 100 to 3600000, else the default. */
static inline int ucx_request_wait_ms(const char *setting) {
    if (!setting || !*setting) return UCX_REQUEST_WAIT_MS;
    long v = 0;
    for (const char *p = setting; *p; p++) {
        if (*p < '0' || *p > '9' || v > 3600000) return -1;
        v = v * 10 + (*p - '0');
    }
    return v >= 100 && v <= 3600000 ? (int)v : -1;
}

#endif
