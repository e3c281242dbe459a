/*
 * The rdma transport's client side over UCX (docs/rdma.md), built as liborion-ucx.so: the
 * rendezvous over TCP (protocol.md §6b), frames as UCX tagged messages, and, when the server
 * offers its payload region, a local copy of it that region_sync.c keeps in step by one-sided
 * RDMA (put before the server reads, get once the device has written). The core sees an ordinary
 * channel: over RDMA the region behaves as it does over shared memory.
 *
 * Waiting: UCX is polled for spin_us (spin_us < 0: without end, a busy poll), then the thread
 * sleeps in poll() on the worker's event fd and the rendezvous socket, so that a reply wakes it
 * and a server that died is noticed at once (ucx_wait.h).
 *
 * A rendezvous that worked proves only that the server's TCP port answers, not that UCX can move
 * data to it (a transport or device the server's side cannot reach, a RoCE GID, a firewall): so
 * connecting checks UCX's own path within the connect timeout (a flush, and with a region a
 * one-sided read of it), the first reply (HELLO's) must come within that time too, and every UCX
 * request has a deadline (ORION_RDMA_WAIT_MS, ucx_wait.h). A path that fails any of them is
 * broken: the core warns and falls back, or the session resumes elsewhere.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ucp/api/ucp.h>

#include "ucx/rdma_decide.h"
#include "ucx/rdma_handshake.h"
#include "ucx/rdma_rendezvous.h"
#include "ucx/region_sync.h"
#include "ucx/ucx_plugin.h"
#include "ucx/ucx_wait.h"
#include "wire/wire.h"

int ucx_rdma_devices(char *buf, size_t cap);

typedef struct ucx_channel {
    orion_channel base;
    pthread_mutex_t life;        /* held by a call inside UCX; close() frees UCX only when it can take it */
    volatile int closed;
    volatile int failed;
    char failure[256];
    int fd;                      /* the rendezvous socket: its end is the server's */
    int efd;                     /* the worker's event fd */
    int spin_us;
    int timeout_ms;              /* the connect timeout: the path check and the first reply */
    int wait_ms;                 /* the least time a UCX request is given (ORION_RDMA_WAIT_MS) */
    int got_frame;               /* a reply came: the path carries data both ways */
    char lanes[200];             /* the transports UCX chose to the server ("tcp/eth0"), for messages */
    ucp_context_h ctx;
    ucp_worker_h worker;
    ucp_ep_h ep;
    ucp_rkey_h rkey;             /* the server's region (RMA only) */
    ucp_mem_h memh;              /* the local copy's registration */
    uint64_t remote_addr, remote_size;
    uint8_t *in;
    size_t in_cap;
    rsync sync;
} ucx_channel;

#define now_ns rdv_now_ns

static void ep_failed(void *arg, ucp_ep_h ep, ucs_status_t status) {
    ucx_channel *c = arg;
    (void)ep;
    snprintf(c->failure, sizeof c->failure, "UCX reports the server unreachable: %s", ucs_status_string(status));
    c->failed = 1;
}

/* The path is broken for good: every later call fails at once with this reason, which err gets too. */
static void broken(ucx_channel *c, char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void broken(ucx_channel *c, char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->failure, sizeof c->failure, fmt, ap);
    va_end(ap);
    c->failed = 1;
    snprintf(err, errlen, "%s", c->failure);
}

/* Whether the server is still there: UCX has not said otherwise and the rendezvous socket is open. */
static int alive(ucx_channel *c, char *err, size_t errlen) {
    if (c->closed) {
        snprintf(err, errlen, "the connection to %s is closed", c->base.endpoint);
        return 0;
    }
    if (c->failed) {
        snprintf(err, errlen, "%s", c->failure);
        return 0;
    }
    char b;
    ssize_t r = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        snprintf(err, errlen, "the server at %s is gone (rendezvous socket %s)", c->base.endpoint, r == 0 ? "closed" : strerror(errno));
        return 0;
    }
    return 1;
}

/* Sleeps until UCX has an event or the rendezvous socket wakes (the server ended), at most 100 ms. */
static void sleep_for_event(ucx_channel *c) {
    if (ucp_worker_arm(c->worker) == UCS_ERR_BUSY) return; /* events pending: progress first */
    struct pollfd p[2] = {{c->efd, POLLIN, 0}, {c->fd, POLLIN | POLLRDHUP, 0}};
    poll(p, 2, 100);
}

typedef struct {
    long long start, last_check;
} waiter;

static void wait_begin(waiter *w) { w->start = w->last_check = now_ns(); }

/*
 * A turn in which UCX had nothing: keeps polling, or sleeps once the spin is over. -1 (with the
 * reason) when the server is gone; the rendezvous socket is asked only as often as ucx_wait.h says.
 */
static int idle_turn(ucx_channel *c, waiter *w, char *err, size_t errlen) {
    long long now = now_ns();
    int polling = ucx_still_polling(c->spin_us, w->start, now);
    if (c->closed || c->failed || ucx_check_alive_now(polling, w->last_check, now)) {
        w->last_check = now;
        if (!alive(c, err, errlen)) return -1;
    }
    if (!polling) sleep_for_event(c);
    return 0;
}

/* When a request of `bytes` begun now must be done by (ORION_RDMA_WAIT_MS and the bytes' time). */
static long long request_deadline(ucx_channel *c, size_t bytes) { return ucx_request_deadline(now_ns(), c->wait_ms, bytes); }

/*
 * Progresses until the request completes, at most until deadline_ns; 0, or -1 with the reason.
 * Frees the request. A request that runs out of time breaks the channel: its bytes may still be
 * in flight, so nothing more goes over it (closing it cancels them).
 */
static int wait_request(ucx_channel *c, ucs_status_ptr_t req, const char *what, long long deadline_ns, char *err,
                        size_t errlen) {
    if (req == NULL) return 0;
    if (UCS_PTR_IS_ERR(req)) {
        snprintf(err, errlen, "%s failed: %s", what, ucs_status_string(UCS_PTR_STATUS(req)));
        return -1;
    }
    waiter w;
    wait_begin(&w);
    ucs_status_t st;
    while ((st = ucp_request_check_status(req)) == UCS_INPROGRESS) {
        if (ucp_worker_progress(c->worker)) continue;
        int late = now_ns() - deadline_ns > 0;
        if (late || idle_turn(c, &w, err, errlen)) {
            ucp_request_cancel(c->worker, req);
            ucp_request_free(req);
            if (late)
                broken(c, err, errlen, "%s did not complete within %lld ms over UCX's %s: the path to the server is broken", what,
                       (deadline_ns - w.start + 500000) / 1000000, c->lanes);
            return -1;
        }
    }
    ucp_request_free(req);
    if (st != UCS_OK) {
        snprintf(err, errlen, "%s failed: %s", what, ucs_status_string(st));
        return -1;
    }
    return 0;
}

static int range_ok(ucx_channel *c, const rsync_range *r, char *err, size_t errlen) {
    if (r->off > c->remote_size || r->len > c->remote_size - r->off) {
        snprintf(err, errlen, "region bytes [%llu, +%llu) lie outside the %llu-byte region", (unsigned long long)r->off,
                 (unsigned long long)r->len, (unsigned long long)c->remote_size);
        return 0;
    }
    return 1;
}

/* Writes a range of the local copy into the server's region, remotely complete on return. */
static int put(ucx_channel *c, const rsync_range *r, char *err, size_t errlen) {
    if (!range_ok(c, r, err, errlen)) return -1;
    if (r->len == 0) return 0;
    ucp_request_param_t prm = {0};
    if (wait_request(c, ucp_put_nbx(c->ep, c->base.region + r->off, r->len, c->remote_addr + r->off, c->rkey, &prm),
                     "an RDMA write", request_deadline(c, r->len), err, errlen))
        return -1;
    /* UCX orders nothing between RMA and messages: the frame naming these bytes waits for them */
    return wait_request(c, ucp_ep_flush_nbx(c->ep, &prm), "flushing an RDMA write", request_deadline(c, 0), err, errlen);
}

static int get(ucx_channel *c, const rsync_range *r, char *err, size_t errlen) {
    if (!range_ok(c, r, err, errlen)) return -1;
    if (r->len == 0) return 0;
    ucp_request_param_t prm = {0};
    return wait_request(c, ucp_get_nbx(c->ep, c->base.region + r->off, r->len, c->remote_addr + r->off, c->rkey, &prm),
                        "an RDMA read", request_deadline(c, r->len), err, errlen);
}

static int ucx_send(orion_channel *ch, const struct iovec *iov, int n, char *err, size_t errlen) {
    ucx_channel *c = (ucx_channel *)ch;
    pthread_mutex_lock(&c->life);
    int rc = -1;
    if (!alive(c, err, errlen)) goto out;
    if (c->base.region) {
        rsync_range r;
        int k = rsync_before_send(&c->sync, iov, n, &r);
        if (k < 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        if (k && put(c, &r, err, errlen)) goto out;
    }
    ucp_dt_iov_t v[8];
    if (n > 8) n = 8;
    size_t bytes = 0;
    for (int i = 0; i < n; i++) {
        v[i].buffer = iov[i].iov_base;
        v[i].length = iov[i].iov_len;
        bytes += iov[i].iov_len;
    }
    ucp_request_param_t prm = {0};
    prm.op_attr_mask = UCP_OP_ATTR_FIELD_DATATYPE;
    prm.datatype = ucp_dt_make_iov();
    rc = wait_request(c, ucp_tag_send_nbx(c->ep, v, (size_t)n, RDMA_FRAME_TAG, &prm), "sending a frame", request_deadline(c, bytes),
                      err, errlen);
out:
    pthread_mutex_unlock(&c->life);
    return rc;
}

static int ucx_recv(orion_channel *ch, uint32_t max_payload, const uint8_t **frame, size_t *len, char *err, size_t errlen) {
    ucx_channel *c = (ucx_channel *)ch;
    pthread_mutex_lock(&c->life);
    int rc = -1;
    waiter w;
    wait_begin(&w);
    ucp_tag_recv_info_t info;
    ucp_tag_message_h msg;
    /* A reply may take as long as the server's work on the call (liveness is what is watched
     * then), but the first, HELLO's, proves the path: it has the connect timeout. */
    long long first_by = w.start + (long long)c->timeout_ms * 1000000LL;
    while (!(msg = ucp_tag_probe_nb(c->worker, RDMA_FRAME_TAG, (ucp_tag_t)-1, 1, &info))) {
        if (ucp_worker_progress(c->worker)) continue;
        if (idle_turn(c, &w, err, errlen)) goto out;
        if (!c->got_frame && now_ns() - first_by > 0) {
            broken(c, err, errlen,
                   "no reply from %s over UCX within %d ms: the rendezvous worked, but UCX's path to the server (%s) carries "
                   "nothing",
                   c->base.endpoint, c->timeout_ms, c->lanes);
            goto out;
        }
    }
    if (info.length < ORV_HEADER_SIZE || info.length - ORV_HEADER_SIZE > max_payload) {
        snprintf(err, errlen, "the server sent a frame of %zu bytes (payload limit %u)", info.length, max_payload);
        goto out;
    }
    if (info.length > c->in_cap) {
        uint8_t *b = realloc(c->in, info.length);
        if (!b) {
            snprintf(err, errlen, "out of memory for a frame of %zu bytes", info.length);
            goto out;
        }
        c->in = b;
        c->in_cap = info.length;
    }
    ucp_request_param_t prm = {0};
    if (wait_request(c, ucp_tag_msg_recv_nbx(c->worker, c->in, info.length, msg, &prm), "receiving a frame",
                     request_deadline(c, info.length), err, errlen))
        goto out;
    c->got_frame = 1;
    if (c->base.region) {
        const rsync_range *ranges;
        long k = rsync_after_recv(&c->sync, c->in, info.length, &ranges);
        if (k < 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        for (long i = 0; i < k; i++)
            if (get(c, &ranges[i], err, errlen)) goto out;
    }
    *frame = c->in;
    *len = info.length;
    rc = 0;
out:
    pthread_mutex_unlock(&c->life);
    return rc;
}

/* Frees what UCX holds; the local copy of the region stays mapped (the program may hold buffers in it). */
static void release_ucx(ucx_channel *c) {
    if (c->rkey) ucp_rkey_destroy(c->rkey);
    c->rkey = NULL;
    if (c->ep) {
        ucp_request_param_t prm = {0};
        prm.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
        prm.flags = UCP_EP_CLOSE_FLAG_FORCE;
        ucs_status_ptr_t r = ucp_ep_close_nbx(c->ep, &prm);
        if (r && !UCS_PTR_IS_ERR(r)) {
            long long until = now_ns() + 1000000000LL;
            while (ucp_request_check_status(r) == UCS_INPROGRESS && now_ns() < until) ucp_worker_progress(c->worker);
            ucp_request_free(r);
        }
        c->ep = NULL;
    }
    if (c->memh) ucp_mem_unmap(c->ctx, c->memh);
    c->memh = NULL;
    if (c->worker) ucp_worker_destroy(c->worker);
    c->worker = NULL;
    if (c->ctx) ucp_cleanup(c->ctx);
    c->ctx = NULL;
}

/*
 * Marks the channel closed and ends the rendezvous (the server notices at once). UCX is released
 * now unless a call is inside it (a signal arrived during one): that call fails on its next
 * check, and UCX is left to the process's exit.
 */
static void ucx_close(orion_channel *ch) {
    ucx_channel *c = (ucx_channel *)ch;
    if (c->closed) return;
    c->closed = 1;
    if (c->fd >= 0) shutdown(c->fd, SHUT_RDWR);
    if (pthread_mutex_trylock(&c->life) == 0) {
        release_ucx(c);
        rsync_free(&c->sync);
        pthread_mutex_unlock(&c->life);
    } else if (c->worker) {
        ucp_worker_signal(c->worker);
    }
}

/* ---- connecting ------------------------------------------------------------------------------- */

/*
 * Endpoints with peer error handling keep UCX 1.13 off its shared-memory transports unless
 * MM_ERROR_HANDLING=y (then it quietly uses TCP even on one node): set it, unless the user did or
 * chose transports without shared memory (UCX_TLS).
 */
static int wants_mm_error_handling(void) {
    if (getenv("UCX_MM_ERROR_HANDLING")) return 0;
    const char *tls = getenv("UCX_TLS");
    if (!tls || !*tls || tls[0] == '^') return 1;
    char t[256];
    snprintf(t, sizeof t, "%s", tls);
    for (char *save = NULL, *w = strtok_r(t, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        static const char *const shm[] = {"all", "sm", "shm", "mm", "posix", "sysv", "xpmem"};
        for (size_t i = 0; i < sizeof shm / sizeof *shm; i++)
            if (!strcmp(w, shm[i])) return 1;
    }
    return 0;
}

static int ucx_start(ucx_channel *c, char *err, size_t errlen) {
    ucp_config_t *cfg;
    ucs_status_t st = ucp_config_read(NULL, NULL, &cfg);
    if (st != UCS_OK) {
        snprintf(err, errlen, "UCX configuration: %s", ucs_status_string(st));
        return -1;
    }
    if (wants_mm_error_handling()) ucp_config_modify(cfg, "MM_ERROR_HANDLING", "y");
    ucp_params_t params = {0};
    params.field_mask = UCP_PARAM_FIELD_FEATURES;
    params.features = UCP_FEATURE_TAG | UCP_FEATURE_RMA | UCP_FEATURE_WAKEUP;
    st = ucp_init(&params, cfg, &c->ctx);
    ucp_config_release(cfg);
    if (st != UCS_OK) {
        snprintf(err, errlen, "UCX could not start: %s", ucs_status_string(st));
        return -1;
    }
    ucp_worker_params_t wp = {0};
    wp.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE | UCP_WORKER_PARAM_FIELD_EVENTS;
    wp.thread_mode = UCS_THREAD_MODE_SERIALIZED; /* the session's lock serializes the program's threads */
    wp.events = UCP_WAKEUP_TAG_RECV | UCP_WAKEUP_RMA | UCP_WAKEUP_TX | UCP_WAKEUP_RX;
    st = ucp_worker_create(c->ctx, &wp, &c->worker);
    if (st == UCS_OK) st = ucp_worker_get_efd(c->worker, &c->efd);
    if (st != UCS_OK) {
        snprintf(err, errlen, "UCX worker: %s", ucs_status_string(st));
        return -1;
    }
    return 0;
}

/*
 * The transports UCX chose for the endpoint ("tcp/eth0", "posix/memory, rc_mlx5/mlx5_0:1"), from
 * what ucp_ep_print_info prints of its lanes, so that a broken path is named by what it runs over.
 */
static void describe_lanes(ucx_channel *c) {
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (!f) return;
    ucp_ep_print_info(c->ep, f);
    fclose(f);
    char list[sizeof c->lanes] = "";
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        /* "#   lane[0]:  1:posix/memory.0 md[1] ..." gives posix/memory */
        char *lane = strstr(line, "lane[");
        char *tl = lane ? strchr(lane, ':') : NULL;
        char name[96];
        if (!tl || sscanf(tl + 1, " %95s", name) != 1) continue;
        char *at = strchr(name, ':'), *slash = strchr(name, '/'), *path = strrchr(name, '.');
        if (path && slash && path > slash) *path = 0;
        const char *tl_dev = at ? at + 1 : name;
        if (!*tl_dev || strstr(list, tl_dev)) continue;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", tl_dev);
    }
    free(text);
    if (*list) snprintf(c->lanes, sizeof c->lanes, "%s", list);
}

/*
 * Proves UCX's path to the server within the connect timeout: a flush, which completes once UCX
 * has connected its lanes (over TCP, InfiniBand or RoCE that needs the server's side), and with a
 * region a one-sided read of its first bytes, the operation copies use. The local copy is fresh,
 * so reading into it changes nothing the program has.
 */
static int check_path(ucx_channel *c, char *err, size_t errlen) {
    long long by = now_ns() + (long long)c->timeout_ms * 1000000LL;
    ucp_request_param_t prm = {0};
    char why[512];
    int rc = wait_request(c, ucp_ep_flush_nbx(c->ep, &prm), "connecting UCX's lanes", by, why, sizeof why);
    if (rc == 0 && c->rkey && c->remote_size >= 8)
        rc = wait_request(c, ucp_get_nbx(c->ep, c->base.region, 8, c->remote_addr, c->rkey, &prm), "a first RDMA read", by,
                          why, sizeof why);
    if (rc) snprintf(err, errlen, "the rendezvous worked, but UCX cannot reach the server: %s", why);
    return rc;
}

static orion_channel *ucx_connect(const orion_endpoint *e, int region_mib, int timeout_ms, int spin_us, char *err,
                                  size_t errlen) {
    ucx_channel *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->life, NULL);
    c->fd = -1;
    c->spin_us = spin_us;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
    snprintf(c->lanes, sizeof c->lanes, "transports");
    snprintf(c->base.endpoint, sizeof c->base.endpoint, "rdma://%s:%d", e->host, e->port);
    rdma_hs_response resp = {0};
    ucp_address_t *addr = NULL;
    size_t addr_len = 0;
    uint8_t *req = NULL;
    const char *wait = getenv("ORION_RDMA_WAIT_MS");
    if ((c->wait_ms = ucx_request_wait_ms(wait)) < 0) {
        snprintf(err, errlen, "ORION_RDMA_WAIT_MS='%s' is not a whole number of milliseconds from 100 to 3600000", wait);
        goto fail;
    }
    if (ucx_start(c, err, errlen)) goto fail;
    if ((c->fd = rdv_connect(e, c->timeout_ms, err, errlen)) < 0) goto fail;
    ucs_status_t st = ucp_worker_get_address(c->worker, &addr, &addr_len);
    if (st != UCS_OK) {
        snprintf(err, errlen, "UCX worker address: %s", ucs_status_string(st));
        goto fail;
    }
    req = malloc(RDMA_HS_REQUEST_FIXED + addr_len);
    if (!req) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    size_t n = rdma_hs_request(req, (uint32_t)getpid(), (uint32_t)(region_mib > 0 ? region_mib : 0), RDMA_HS_WANT_RMA, addr,
                               (uint32_t)addr_len);
    rdv_reader rd = {c->fd, now_ns() + (long long)c->timeout_ms * 1000000LL};
    if (rdv_write_all(c->fd, req, n, err, errlen) || rdma_hs_read_response(rdv_read_exact, &rd, &resp, err, errlen)) goto fail;
    if (resp.status) {
        snprintf(err, errlen, "the rdma server refused (%d): %s", resp.status, resp.text);
        goto fail;
    }
    /* RDMA is for two nodes with RDMA devices; without one on the server's side UCX would only
     * carry TCP or shared memory, which the core's own transports do at least as well */
    if (!(resp.flags & RDMA_HS_DEVICE) && rdma_mode(getenv("ORION_RDMA")) != RDMA_ON) {
        snprintf(err, errlen, "the server's node has no RDMA device (ORION_RDMA=on uses it anyway)");
        goto fail;
    }
    ucp_ep_params_t ep = {0};
    ep.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS | UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE | UCP_EP_PARAM_FIELD_ERR_HANDLER;
    ep.address = (const ucp_address_t *)resp.worker_address;
    ep.err_mode = UCP_ERR_HANDLING_MODE_PEER;
    ep.err_handler.cb = ep_failed;
    ep.err_handler.arg = c;
    st = ucp_ep_create(c->worker, &ep, &c->ep);
    if (st != UCS_OK) {
        snprintf(err, errlen, "the rendezvous worked, but UCX cannot reach the server: its endpoint failed: %s (UCX_TLS=%s)",
                 ucs_status_string(st), getenv("UCX_TLS") ? getenv("UCX_TLS") : "all");
        goto fail;
    }
    if (resp.flags & RDMA_HS_RMA) {
        st = ucp_ep_rkey_unpack(c->ep, resp.remote_key, &c->rkey);
        if (st != UCS_OK) {
            snprintf(err, errlen, "the server's remote key: %s", ucs_status_string(st));
            goto fail;
        }
        void *m = mmap(NULL, resp.region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            snprintf(err, errlen, "cannot map a %llu-byte local copy of the region: %s", (unsigned long long)resp.region_size,
                     strerror(errno));
            goto fail;
        }
        ucp_mem_map_params_t mp = {0};
        mp.field_mask = UCP_MEM_MAP_PARAM_FIELD_ADDRESS | UCP_MEM_MAP_PARAM_FIELD_LENGTH;
        mp.address = m;
        mp.length = resp.region_size;
        if (ucp_mem_map(c->ctx, &mp, &c->memh) != UCS_OK) c->memh = NULL; /* UCX registers on the fly instead */
        c->base.region = m;
        c->base.region_size = resp.region_size;
        c->remote_addr = resp.region_address;
        c->remote_size = resp.region_size;
    }
    describe_lanes(c);
    if (check_path(c, err, errlen)) goto fail;
    c->base.name = "rdma";
    c->base.max_frame = resp.max_frame;
    c->base.send = ucx_send;
    c->base.recv = ucx_recv;
    c->base.close = ucx_close;
    ucp_worker_release_address(c->worker, addr);
    rdma_hs_response_free(&resp);
    free(req);
    return &c->base;
fail:
    if (addr) ucp_worker_release_address(c->worker, addr);
    rdma_hs_response_free(&resp);
    free(req);
    if (c->base.region) munmap(c->base.region, c->base.region_size);
    if (c->fd >= 0) close(c->fd);
    release_ucx(c);
    pthread_mutex_destroy(&c->life);
    free(c);
    return NULL;
}

__attribute__((visibility("default"))) const orion_ucx_plugin orion_ucx_plugin_v1 = {
    ORION_UCX_PLUGIN_ABI,
    ucx_rdma_devices,
    ucx_connect,
};
