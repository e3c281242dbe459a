#include "core/connect.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "core/orion.h"

typedef struct {
    char *buf;
    size_t cap, used;
} notes;

/* Appends "TEXT; " to the reasons reported when no transport works. */
static void note(notes *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(notes *n, const char *fmt, ...) {
    if (n->used + 3 >= n->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(n->buf + n->used, n->cap - n->used, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    n->used += (size_t)k;
    if (n->used + 3 >= n->cap) {
        n->used = n->cap - 1;
        return;
    }
    memcpy(n->buf + n->used, "; ", 3);
    n->used += 2;
}

static int offered(const char *endpoint) { return endpoint && *endpoint; }

orion_session *connect_server(const orion_config *cfg, const server_offer *o, const connect_ops *ops, const orv_hello *hello,
                              int32_t *status, char *err, size_t errlen) {
    notes why_not = {err, errlen, 0};
    err[0] = 0;
    *status = OR_NO_DEVICE;
    int t = cfg->transport, any = t == ORION_TRANSPORT_AUTO;
    int want_shm = any || t == ORION_TRANSPORT_SHM;
    /* RDMA is a network too: enable_net = 0 (same-node servers only) rules it out with TCP */
    int want_rdma = (any || t == ORION_TRANSPORT_RDMA) && cfg->enable_net;
    int want_tcp = (any || t == ORION_TRANSPORT_TCP) && cfg->enable_net;

    const char *order[SESSION_ENDPOINTS];
    int n = 0;
    if (want_shm && offered(o->shm)) {
        if (o->local) order[n++] = o->shm;
        else if (t == ORION_TRANSPORT_SHM) note(&why_not, "%s is on another node", o->shm);
    }
    if (want_rdma && offered(o->rdma)) order[n++] = o->rdma;
    else if (offered(o->rdma) && !cfg->enable_net && (any || t == ORION_TRANSPORT_RDMA))
        note(&why_not, "RDMA to %s is off (enable_net = 0)", o->rdma);
    else if (!offered(o->rdma) && t == ORION_TRANSPORT_RDMA)
        note(&why_not, "ORION_TRANSPORT=rdma, but the server offers no rdma:// endpoint");
    if (want_tcp && offered(o->tcp)) order[n++] = o->tcp;
    else if (offered(o->tcp) && !cfg->enable_net && (any || t == ORION_TRANSPORT_TCP))
        note(&why_not, "TCP to %s is off (enable_net = 0)", o->tcp);

    /* the ways back for a resume: every transport tried or not reached, less an rdma that may not be used */
    const char *resume[SESSION_ENDPOINTS];
    int r = 0;
    for (int i = 0; i < n; i++) {
        char why[1024];
        int rdma = order[i] == o->rdma, logged = 0;
        if (rdma && !ops->rdma_usable(why, sizeof why)) {
            /* the decision was logged once, with its reason, when it was made (rdma_loader.c) */
            char reason[1024];
            snprintf(reason, sizeof reason, "%s", why);
            snprintf(why, sizeof why, "%s%s", t == ORION_TRANSPORT_RDMA ? "ORION_TRANSPORT=rdma, but RDMA cannot be used: "
                                                                      : "RDMA is not used: ", reason);
            logged = 1;
        } else {
            resume[r++] = order[i];
            orion_channel *ch = ops->connect(order[i], why, sizeof why);
            logged = rdma && !ch; /* the rdma transport warns itself that it falls back */
            if (ch) {
                orion_session *s = sess_open(ch, hello, status, why, sizeof why);
                if (s) {
                    int current = r - 1;
                    for (int k = i + 1; k < n; k++) resume[r++] = order[k];
                    sess_set_resume(s, resume, r, current, ops->connect, cfg->resume_ms);
                    return s;
                }
                /* connected, but HELLO got no answer over it: RDMA's path is broken behind a
                 * rendezvous that worked, which is as much a broken RDMA path as a failed connect */
                if (rdma && *status == ORION_ERR_LOST) {
                    OLOG_W("RDMA to %s does not work (%s); falling back", order[i], why);
                    logged = 1;
                }
            }
        }
        note(&why_not, "%s: %s", order[i], why);
        if (i + 1 < n && !logged) OLOG_I("could not use %s (%s); trying %s", order[i], why, order[i + 1]);
    }
    if (n == 0) note(&why_not, "no transport of this server may be used");
    if (why_not.used >= 2 && err[why_not.used - 2] == ';') err[why_not.used - 2] = 0;
    return NULL;
}
