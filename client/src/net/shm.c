/*
 * The shared-memory channel (docs/protocol.md §6): a rendezvous on the server's Unix socket,
 * then one file both processes map, holding the request ring (this side produces), the reply
 * ring (this side consumes) and the payload region. The socket stays open; its end-of-file says
 * the server is gone.
 *
 * Waiting follows §6.4: spin, then set the waiting flag (sequentially consistent), look again,
 * and sleep on the futex of the other side's position with a timeout after which the peer's
 * liveness is checked; spin_us < 0 spins without end (busy poll: no sleep, no wake-up cost, a
 * core taken while waiting). Nothing the server writes into the file is trusted: positions and
 * record lengths are checked before they are used.
 *
 * The fast path touches as few lines the server writes as it can: the request ring's head is read
 * only when the space last seen does not suffice, and the reply ring's head is written back only
 * every eighth of the ring (or when the server waits for space), not after every reply: each such
 * access is a cache line moving between the two processes' cores.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "net/channel.h"
#include "net/shm_layout.h"
#include "wire/wire.h"

typedef struct {
    orion_channel base;
    int sock;
    uint8_t *map;
    size_t map_size;
    shm_ring req, rep;
    int spin_us;
    int holding;       /* a reply frame is handed out and not yet released */
    int closed;
} shm_channel;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void futex_wait(volatile uint32_t *addr, uint32_t expected, long timeout_ns) {
    struct timespec ts = {timeout_ns / 1000000000L, timeout_ns % 1000000000L};
    /* not FUTEX_PRIVATE_FLAG: the word lives in a file mapping shared with another process */
    syscall(SYS_futex, addr, FUTEX_WAIT, expected, &ts, NULL, 0);
}

static void futex_wake(volatile uint32_t *addr) {
    syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* 0 while the server lives; -1 (with why) once it closed the connection or its process is gone. */
static int peer_alive(shm_channel *s, char *err, size_t errlen) {
    if (s->closed) {
        snprintf(err, errlen, "the connection is closed");
        return -1;
    }
    if (__atomic_load_n((uint32_t *)(s->map + SHM_OFF_SERVER_CLOSED), __ATOMIC_SEQ_CST)) {
        snprintf(err, errlen, "the server at %s closed the connection", s->base.endpoint);
        return -1;
    }
    char b;
    ssize_t r = recv(s->sock, &b, 1, MSG_DONTWAIT | MSG_PEEK);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        snprintf(err, errlen, "the server at %s is gone (its rendezvous socket closed)", s->base.endpoint);
        return -1;
    }
    return 0;
}

/* A hint to the core that this is a spin loop (it yields the pipeline to a sibling thread). */
static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Polls between two looks at the clock while spinning: a poll is one load, the clock costs more. */
#define POLLS_PER_CLOCK 16
/* How often a spinning waiter checks that the server still lives. */
#define ALIVE_CHECK_NS 10000000LL

/* Waits until ready(ring) holds, per §6.4, sleeping on *word (the other side's position). */
typedef int (*ready_fn)(shm_ring *r, size_t arg, char *err, size_t errlen);

static int await(shm_channel *s, shm_ring *r, ready_fn ready, size_t arg, volatile uint32_t *flag,
                 volatile uint32_t *word, char *err, size_t errlen) {
    int rc = ready(r, arg, err, errlen);
    if (rc) return rc < 0 ? -1 : 0;
    long long start = now_ns(), last_check = start, spin_ns = (long long)s->spin_us * 1000;
    while (s->spin_us < 0 || now_ns() - start < spin_ns) {
        for (int i = 0; i < POLLS_PER_CLOCK; i++) {
            rc = ready(r, arg, err, errlen);
            if (rc) return rc < 0 ? -1 : 0;
            cpu_relax();
        }
        long long now = now_ns();
        if (now - last_check > ALIVE_CHECK_NS) {
            if (peer_alive(s, err, errlen)) return -1;
            last_check = now;
        }
    }
    /* about to sleep: the server must see every reply this side has consumed */
    if (r == &s->rep && s->rep.head != s->rep.published_head) shm_ring_publish(&s->rep);
    for (;;) {
        __atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
        uint32_t seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
        rc = ready(r, arg, err, errlen);
        if (rc) break;
        futex_wait(word, seen, 100000000L);
        rc = ready(r, arg, err, errlen);
        if (rc) break;
        if (peer_alive(s, err, errlen)) {
            rc = -1;
            break;
        }
    }
    __atomic_store_n(flag, 0, __ATOMIC_SEQ_CST);
    return rc < 0 ? -1 : 0;
}

static int shm_send(orion_channel *c, const struct iovec *iov, int n, char *err, size_t errlen) {
    shm_channel *s = (shm_channel *)c;
    if (s->closed) {
        snprintf(err, errlen, "the connection is closed");
        return -1;
    }
    size_t len = 0;
    for (int i = 0; i < n; i++) len += iov[i].iov_len;
    size_t need;
    if (shm_ring_space_needed(&s->req, len, &need, err, errlen)) return -1;
    if (await(s, &s->req, shm_ring_has_room, need, &s->req.hdr->producer_waiting, (volatile uint32_t *)&s->req.hdr->head, err,
              errlen))
        return -1;
    shm_ring_write(&s->req, iov, n, len);
    if (__atomic_load_n(&s->req.hdr->consumer_waiting, __ATOMIC_SEQ_CST)) futex_wake((volatile uint32_t *)&s->req.hdr->tail);
    return 0;
}

static int has_frame(shm_ring *r, size_t unused, char *err, size_t errlen) {
    return shm_ring_poll(r, err, errlen);
}

/*
 * Gives the last reply's space back. The head is written into the file once an eighth of the ring
 * is consumed, or at once when the server waits for space. Holding it back never stalls the
 * server: a frame needs at most half the ring (a quarter, and as much again skipped at the end),
 * so a server that finds no room has replies this side has not read yet, and this side reads them
 * before it waits (a busy-polling server never says that it waits); await publishes before sleeping.
 */
static void release_reply(shm_channel *s) {
    shm_ring *r = &s->rep;
    shm_ring_consume(r);
    int waiting = __atomic_load_n(&r->hdr->producer_waiting, __ATOMIC_SEQ_CST);
    if (waiting || r->head - r->published_head >= r->capacity / 8) shm_ring_publish(r);
    if (waiting) futex_wake((volatile uint32_t *)&r->hdr->head);
}

static int shm_recv(orion_channel *c, uint32_t max_payload, const uint8_t **frame, size_t *len, char *err, size_t errlen) {
    shm_channel *s = (shm_channel *)c;
    if (s->holding) {
        release_reply(s);
        s->holding = 0;
    }
    if (await(s, &s->rep, has_frame, 0, &s->rep.hdr->consumer_waiting, (volatile uint32_t *)&s->rep.hdr->tail, err, errlen))
        return -1;
    s->holding = 1;
    *frame = s->rep.frame;
    *len = s->rep.frame_len;
    orv_header h;
    if (orv_header_read(*frame, *len, max_payload, &h, err, errlen)) return -1;
    if (h.length != *len - ORV_HEADER_SIZE) {
        snprintf(err, errlen, "reply record of %zu bytes holds a frame announcing %u payload bytes", *len, h.length);
        return -1;
    }
    return 0;
}

static void shm_close(orion_channel *c) {
    shm_channel *s = (shm_channel *)c;
    if (!s->closed) {
        s->closed = 1;
        __atomic_store_n((uint32_t *)(s->map + SHM_OFF_CLIENT_CLOSED), 1, __ATOMIC_SEQ_CST);
        futex_wake((volatile uint32_t *)&s->req.hdr->tail);
        futex_wake((volatile uint32_t *)&s->req.hdr->head);
        futex_wake((volatile uint32_t *)&s->rep.hdr->tail);
        futex_wake((volatile uint32_t *)&s->rep.hdr->head);
        close(s->sock);
    }
    /* the mapping stays: host buffers the program holds may lie in its region */
}

static int read_full(int fd, void *p, size_t n, int timeout_ms) {
    size_t got = 0;
    while (got < n) {
        struct pollfd pf = {fd, POLLIN, 0};
        int pr = poll(&pf, 1, timeout_ms);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) {
            errno = pr == 0 ? ETIMEDOUT : errno;
            return -1;
        }
        ssize_t r = read(fd, (char *)p + got, n - got);
        if (r == 0) {
            errno = ECONNRESET;
            return -1;
        }
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *p, size_t n) {
    size_t put = 0;
    while (put < n) {
        ssize_t w = send(fd, (const char *)p + put, n - put, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        put += (size_t)w;
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

orion_channel *orion_shm_connect(const orion_endpoint *e, int region_mib, int timeout_ms, int spin_us, char *err,
                                 size_t errlen) {
    struct sockaddr_un addr = {0};
    addr.sun_family = AF_UNIX;
    if (strlen(e->path) >= sizeof addr.sun_path) {
        snprintf(err, errlen, "socket path %s is longer than %zu bytes", e->path, sizeof addr.sun_path - 1);
        return NULL;
    }
    strcpy(addr.sun_path, e->path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr)) {
        snprintf(err, errlen, "cannot connect to %s: %s", e->path, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    uint8_t hello[24];
    memcpy(hello, SHM_MAGIC, 8);
    put32(hello + 8, SHM_LAYOUT_VERSION);
    put32(hello + 12, (uint32_t)getpid());
    put32(hello + 16, (uint32_t)region_mib);
    put32(hello + 20, 0);
    uint8_t head[14];
    if (write_full(fd, hello, sizeof hello) || read_full(fd, head, sizeof head, timeout_ms)) {
        snprintf(err, errlen, "shm handshake with %s failed: %s", e->path, strerror(errno));
        close(fd);
        return NULL;
    }
    int32_t status;
    uint16_t tlen;
    memcpy(&status, head + 8, 4);
    memcpy(&tlen, head + 12, 2);
    if (memcmp(head, SHM_MAGIC, 8) || tlen > ORV_MAX_STRING) {
        snprintf(err, errlen, "shm handshake with %s: not an Orion shm server", e->path);
        close(fd);
        return NULL;
    }
    char text[ORV_MAX_STRING + 1];
    uint64_t file_size = 0;
    if (read_full(fd, text, tlen, timeout_ms) || (status == 0 && read_full(fd, &file_size, 8, timeout_ms))) {
        snprintf(err, errlen, "shm handshake with %s failed: %s", e->path, strerror(errno));
        close(fd);
        return NULL;
    }
    text[tlen] = 0;
    if (status != 0) {
        snprintf(err, errlen, "the shm server at %s refused (status %d): %s", e->path, status, text);
        close(fd);
        return NULL;
    }
    int ffd = open(text, O_RDWR | O_CLOEXEC);
    struct stat st;
    if (ffd < 0 || fstat(ffd, &st) || (uint64_t)st.st_size < file_size || file_size < SHM_CONTROL_BYTES
        || file_size > ((uint64_t)1 << 46)) {
        snprintf(err, errlen, "cannot use the shared file %s (%s)", text, ffd < 0 ? strerror(errno) : "size");
        if (ffd >= 0) close(ffd);
        close(fd);
        return NULL;
    }
    uint8_t *map = mmap(NULL, file_size, PROT_READ | PROT_WRITE, MAP_SHARED, ffd, 0);
    close(ffd);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "cannot map %s (%llu bytes): %s", text, (unsigned long long)file_size, strerror(errno));
        close(fd);
        return NULL;
    }
    shm_layout layout;
    if (shm_layout_read(map, file_size, &layout, err, errlen)) {
        munmap(map, file_size);
        close(fd);
        return NULL;
    }
    put32(map + SHM_OFF_CLIENT_PID, (uint32_t)getpid());
    uint8_t mapped = 0x01;
    if (write_full(fd, &mapped, 1)) {
        snprintf(err, errlen, "shm handshake with %s failed at the acknowledgement: %s", e->path, strerror(errno));
        munmap(map, file_size);
        close(fd);
        return NULL;
    }
    shm_channel *s = calloc(1, sizeof *s);
    if (!s) {
        munmap(map, file_size);
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->sock = fd;
    s->map = map;
    s->map_size = file_size;
    s->spin_us = spin_us;
    shm_ring_attach(&s->req, map + layout.request_offset, layout.request_capacity);
    shm_ring_attach(&s->rep, map + layout.reply_offset, layout.reply_capacity);
    s->base.name = "shm";
    snprintf(s->base.endpoint, sizeof s->base.endpoint, "shm://%s", e->path);
    size_t maxf = shm_ring_max_frame(layout.request_capacity);
    size_t maxr = shm_ring_max_frame(layout.reply_capacity);
    s->base.max_frame = maxf < maxr ? maxf : maxr;
    s->base.region = map + layout.region_offset;
    s->base.region_size = layout.region_size;
    s->base.send = shm_send;
    s->base.recv = shm_recv;
    s->base.close = shm_close;
    return &s->base;
}
