/*
 * Getting vGPUs, as Orion does: at the first CUDA call read the settings, ask the controller
 * (or, with ORION_SERVER, a server directly), connect to each server over shared memory when it
 * is on this node and reachable, else over RDMA where it may be used, else over TCP (connect.c),
 * and say which transport was chosen. At exit,
 * and on the signals that would otherwise end the process without exit handlers, end the
 * sessions and release the allocation.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "core/connect.h"
#include "core/controller.h"
#include "core/internal.h"
#include "ucx/orion_rdma.h"

orion_state orion_g;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_status = OR_NOT_INITIALIZED;
static char init_error[2048];
static orion_allocation allocation;
static int have_allocation;
static volatile sig_atomic_t shutting_down;
static pthread_t lease_thread;
static int lease_running;
static pthread_mutex_t lease_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lease_cond = PTHREAD_COND_INITIALIZER;

static __thread char last_message[512];
/* Set in the child of a fork: the sessions and the allocation are the parent's, and CUDA does not
 * survive a fork either; the child neither uses nor releases them. */
static volatile sig_atomic_t forked_child;

static void after_fork_in_child(void) { forked_child = 1; }

void core_note(const char *message) { snprintf(last_message, sizeof last_message, "%s", message ? message : ""); }

ORION_API const char *orion_last_message(void) { return last_message; }

int core_fail(int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    OLOG_D("%s (status %d)", last_message, status);
    return status;
}

ORION_API int orion_unsupported(const char *api) {
    olog_once(api, OLOG_WARN, "%s is not supported by the Orion client; it returns 'not supported'", api);
    return OR_NOT_SUPPORTED;
}

orion_device *dev_at(int ordinal) {
    if (orion_init() != OR_SUCCESS || ordinal < 0 || ordinal >= orion_g.device_count) return NULL;
    return &orion_g.devices[ordinal];
}

static void program_name(char *out, size_t cap) {
    ssize_t n = readlink("/proc/self/exe", out, cap - 1);
    if (n <= 0) snprintf(out, cap, "?");
    else out[n] = 0;
}

static void host_name(char *out, size_t cap) {
    if (gethostname(out, cap)) snprintf(out, cap, "localhost");
    out[cap - 1] = 0;
}

/* ---- choosing a transport ------------------------------------------------------------------- */

/* Whether a server (by its node name or address) is this machine. */
static int server_is_local(const char *node, const char *address) {
    char me[256];
    host_name(me, sizeof me);
    if (node && *node && (!strcmp(node, me) || !strcmp(node, "localhost"))) return 1;
    if (!address || !*address) return 0;
    if (!strcmp(address, "localhost") || !strncmp(address, "127.", 4) || !strcmp(address, "::1")) return 1;
    struct ifaddrs *ifs;
    if (getifaddrs(&ifs)) return 0;
    int local = 0;
    for (struct ifaddrs *i = ifs; i && !local; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        char buf[INET6_ADDRSTRLEN];
        int fam = i->ifa_addr->sa_family;
        if (fam == AF_INET) inet_ntop(fam, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf, sizeof buf);
        else if (fam == AF_INET6) inet_ntop(fam, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, buf, sizeof buf);
        else continue;
        local = !strcmp(buf, address);
    }
    freeifaddrs(ifs);
    return local;
}

static const char *transport_word(const orion_channel *c) {
    return !strcmp(c->name, "shm") ? "SHM" : !strcmp(c->name, "rdma") ? "RDMA" : "TCP";
}

/* A fresh channel to an endpoint, with this process's settings (the sessions reconnect with it). */
static orion_channel *connect_endpoint(const char *endpoint, char *err, size_t errlen) {
    const orion_config *c = &orion_g.cfg;
    orion_endpoint ep;
    if (orion_endpoint_parse(endpoint, &ep, err, errlen)) return NULL;
    if (!strcmp(ep.scheme, "shm")) {
        struct stat st;
        if (stat(ep.path, &st)) {
            snprintf(err, errlen, "%s does not exist on this node", ep.path);
            return NULL;
        }
        return orion_shm_connect(&ep, c->shm_region_mib, c->timeout_ms, c->spin_us, err, errlen);
    }
    if (!strcmp(ep.scheme, "rdma")) {
        /* a session that started over shm meets rdma first when it resumes: decided here too */
        char why[1024];
        if (!orion_rdma_usable(why, sizeof why)) {
            snprintf(err, errlen, "RDMA is not used: %s", why);
            return NULL;
        }
        return orion_rdma_connect(&ep, c->shm_region_mib, c->timeout_ms, c->spin_us, err, errlen);
    }
    return orion_tcp_connect(&ep, c->timeout_ms, c->spin_us, err, errlen);
}

static const connect_ops real_ops = {connect_endpoint, orion_rdma_usable};

static orion_session *connect_to(const char *shm, const char *rdma, const char *tcp, int local, const orv_hello *hello,
                                 int32_t *status, char *err, size_t errlen) {
    server_offer o = {shm, rdma, tcp, local};
    return connect_server(&orion_g.cfg, &o, &real_ops, hello, status, err, errlen);
}

static void base_hello(orv_hello *h, const char *host, const char *prog) {
    memset(h, 0, sizeof *h);
    h->min_version = h->max_version = ORV_VERSION;
    h->pid = (uint32_t)getpid();
    h->host = host;
    const char *slash = strrchr(prog, '/');
    h->client = slash ? slash + 1 : prog;
    h->group_id = orion_g.cfg.group_id;
}

static int add_session(orion_session *s) {
    if (orion_g.session_count >= ORION_MAX_DEVICES) return -1;
    orion_g.sessions[orion_g.session_count++] = s;
    return 0;
}

/* ORION_SERVER: a server that grants vGPUs itself (its autoGrant), without a controller. */
static int acquire_direct(const char *host, const char *prog) {
    orion_config *c = &orion_g.cfg;
    orv_hello h;
    base_hello(&h, host, prog);
    h.auto_count = (uint16_t)c->vgpus;
    h.auto_memory_mib = (uint32_t)c->gmem_mib;
    h.auto_ratio = (uint8_t)c->ratio;
    char shm[512] = "", rdma[512] = "", tcp[512] = "", list[1024];
    snprintf(list, sizeof list, "%s", c->servers);
    for (char *save = NULL, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (!strncmp(tok, "shm://", 6) && !shm[0]) snprintf(shm, sizeof shm, "%s", tok);
        else if (!strncmp(tok, "rdma://", 7) && !rdma[0]) snprintf(rdma, sizeof rdma, "%s", tok);
        else if (!strncmp(tok, "tcp://", 6) && !tcp[0]) snprintf(tcp, sizeof tcp, "%s", tok);
        else {
            snprintf(init_error, sizeof init_error,
                     "ORION_SERVER='%s': '%s' is not a tcp://, shm:// or rdma:// endpoint (or is given twice)", c->servers, tok);
            return OR_NO_DEVICE;
        }
    }
    int32_t status;
    char err[1536];
    /* the order is the endpoints' kinds', not the list's: shm (given, so taken to be here), rdma, tcp */
    orion_session *s = connect_to(shm, rdma, tcp, 1, &h, &status, err, sizeof err);
    if (!s) {
        snprintf(init_error, sizeof init_error, "the Orion server (%s) is unreachable or refused: %s", c->servers, err);
        return OR_NO_DEVICE;
    }
    add_session(s);
    if (s->device_count != c->vgpus) {
        snprintf(init_error, sizeof init_error, "asked %s for %d vGPUs, it opened %u", s->server, c->vgpus, s->device_count);
        return OR_NO_DEVICE;
    }
    for (int i = 0; i < s->device_count; i++) {
        orion_g.devices[i].session = s;
        orion_g.devices[i].local = (uint16_t)i;
    }
    orion_g.device_count = s->device_count;
    return OR_SUCCESS;
}

/* The controller path: allocate, then one session per server holding the vGPUs granted there. */
static int acquire_from_controller(const char *host, const char *prog) {
    orion_config *c = &orion_g.cfg;
    char owner[300];
    snprintf(owner, sizeof owner, "%d@%s", (int)getpid(), host);
    if (orion_controller_allocate(c, owner, &allocation, init_error, sizeof init_error)) return OR_NO_DEVICE;
    have_allocation = 1;
    OLOG_I("allocation %s: %d vGPU(s) of %ld MiB at %d%% from the controller at %s:%d", allocation.id, allocation.count,
           c->gmem_mib, c->ratio, c->controller_host, c->controller_port);
    int done[ORION_MAX_VGPUS_SETTING] = {0};
    for (int i = 0; i < allocation.count; i++) {
        if (done[i]) continue;
        const orion_grant *g = &allocation.grants[i];
        /* every vGPU of this allocation on the same server, in allocation order */
        const char *ids[ORION_MAX_VGPUS_SETTING];
        int members[ORION_MAX_VGPUS_SETTING], m = 0;
        for (int j = i; j < allocation.count; j++) {
            const orion_grant *o = &allocation.grants[j];
            if (!done[j] && !strcmp(o->tcp, g->tcp) && !strcmp(o->shm, g->shm) && !strcmp(o->rdma, g->rdma)
                && !strcmp(o->server_node, g->server_node)) {
                done[j] = 1;
                members[m] = j;
                ids[m++] = o->vgpu_id;
            }
        }
        orv_hello h;
        base_hello(&h, host, prog);
        h.vgpu_count = (uint16_t)m;
        h.vgpu_ids = ids;
        int32_t status;
        char err[1536];
        orion_session *s = connect_to(g->shm, g->rdma, g->tcp, server_is_local(g->server_node, g->server_address), &h,
                                      &status, err, sizeof err);
        if (!s) {
            snprintf(init_error, sizeof init_error, "Orion server %s (node %s) is unreachable or refused vGPU %s: %s",
                     g->server_address, g->server_node, g->vgpu_id, err);
            return OR_NO_DEVICE;
        }
        add_session(s);
        if (s->device_count != m) {
            snprintf(init_error, sizeof init_error, "server %s opened %u of the %d vGPUs it was asked for", s->server,
                     s->device_count, m);
            return OR_NO_DEVICE;
        }
        for (int k = 0; k < m; k++) {
            orion_g.devices[members[k]].session = s;
            orion_g.devices[members[k]].local = (uint16_t)k;
        }
    }
    orion_g.device_count = allocation.count;
    return OR_SUCCESS;
}

static int fetch_info(orion_device *d) {
    d->info = calloc(1, sizeof *d->info);
    if (!d->info) return OR_OUT_OF_MEMORY;
    orion_session *s = d->session;
    orv_req_device(sess_begin(s), d->local);
    orv_reply r;
    int rc = sess_call(s, ORV_DEVICE_INFO, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_device_info(&r.result, d->info)) {
        snprintf(init_error, sizeof init_error, "malformed DEVICE_INFO from %s: %s", s->server, r.result.err);
        rc = OR_UNKNOWN;
    } else if (rc) {
        snprintf(init_error, sizeof init_error, "DEVICE_INFO of vGPU %d failed on %s: %s", d->ordinal, s->server, r.message);
    }
    sess_end(s);
    if (rc == 0) launch_limits_read(d);
    return rc;
}

/* ---- leases, exit and signals ------------------------------------------------------------------- */

static void *lease_loop(void *unused) {
    pthread_mutex_lock(&lease_lock);
    while (lease_running) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += orion_g.cfg.lease_renew_s;
        pthread_cond_timedwait(&lease_cond, &lease_lock, &t);
        if (!lease_running) break;
        pthread_mutex_unlock(&lease_lock);
        char err[512];
        if (orion_controller_renew(&orion_g.cfg, allocation.id, err, sizeof err))
            OLOG_W("renewing the lease of allocation %s failed: %s", allocation.id, err);
        pthread_mutex_lock(&lease_lock);
    }
    pthread_mutex_unlock(&lease_lock);
    return NULL;
}

/* Ends every session and releases the allocation. from_signal: never wait for a lock. */
static void release_all(int from_signal) {
    if (shutting_down || forked_child) return;
    shutting_down = 1;
    if (lease_running && !from_signal) {
        pthread_mutex_lock(&lease_lock);
        lease_running = 0;
        pthread_cond_signal(&lease_cond);
        pthread_mutex_unlock(&lease_lock);
        pthread_join(lease_thread, NULL);
    }
    for (int i = 0; i < orion_g.session_count; i++) sess_close(orion_g.sessions[i], !from_signal);
    if (have_allocation) {
        char err[512];
        if (orion_controller_release(&orion_g.cfg, allocation.id, err, sizeof err))
            OLOG_W("releasing allocation %s failed: %s (its lease runs out instead)", allocation.id, err);
        else if (!from_signal)
            OLOG_D("released allocation %s", allocation.id);
        have_allocation = 0;
    }
}

static void at_exit(void) { release_all(0); }

static void on_signal(int sig) {
    release_all(1);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Handlers only where the program left the default (which would end it without exit handlers). */
static void install_signal_handlers(void) {
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO)) {
            struct sigaction sa = {0};
            sa.sa_handler = on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(sigs[i], &sa, NULL);
        }
    }
}

/* ---- init ------------------------------------------------------------------------------------- */

static void configure_logging(void) {
    olog_settings ls = {orion_g.cfg.log_screen_level, orion_g.cfg.log_file_level, orion_g.cfg.log_file,
                        orion_g.cfg.log_with_time};
    olog_configure(&ls);
}

static void do_init(void) {
    pthread_atfork(NULL, NULL, after_fork_in_child);
    char cfgerr[1536];
    int cfg_ok = orion_config_load(&orion_g.cfg, cfgerr, sizeof cfgerr) == 0;
    configure_logging();
    if (!cfg_ok) {
        snprintf(init_error, sizeof init_error, "bad Orion client settings: %s", cfgerr);
        init_status = OR_NO_DEVICE;
        OLOG_E("%s", init_error);
        return;
    }
    /* before anything is held: a signal from here on releases what has been obtained so far */
    install_signal_handlers();
    char host[256], prog[1024];
    host_name(host, sizeof host);
    program_name(prog, sizeof prog);
    for (int i = 0; i < ORION_MAX_DEVICES; i++) orion_g.devices[i].ordinal = i;
    int rc = orion_g.cfg.servers[0] ? acquire_direct(host, prog) : acquire_from_controller(host, prog);
    for (int i = 0; rc == OR_SUCCESS && i < orion_g.device_count; i++) rc = fetch_info(&orion_g.devices[i]);
    if (rc != OR_SUCCESS) {
        OLOG_E("%s", init_error);
        OLOG_E("the program runs without Orion resources: every CUDA call reports that there is no device");
        release_all(0);
        orion_g.device_count = 0;
        init_status = rc;
        return;
    }
    for (int i = 0; i < orion_g.device_count; i++) {
        orion_device *d = &orion_g.devices[i];
        orion_channel *ch = d->session->ch;
        if (!strcmp(ch->name, "shm"))
            OLOG_I("vGPU %d (%s, %s, %llu MiB, %u%%) on server %s: using SHM (%zu MiB region) for acceleration", i,
                   d->info->vgpu_id, d->info->name, (unsigned long long)(d->info->memory_bytes >> 20), d->info->ratio,
                   d->session->server, ch->region_size >> 20);
        else if (!strcmp(ch->name, "rdma")) {
            char how[64]; /* the server offers its region unless its rma setting is off or UCX could not register it */
            if (ch->region) snprintf(how, sizeof how, "%zu MiB region, one-sided RDMA", ch->region_size >> 20);
            else snprintf(how, sizeof how, "data in messages");
            OLOG_I("vGPU %d (%s, %s, %llu MiB, %u%%) on server %s: using RDMA %s (%s)", i, d->info->vgpu_id, d->info->name,
                   (unsigned long long)(d->info->memory_bytes >> 20), d->info->ratio, d->session->server, ch->endpoint, how);
        } else
            OLOG_I("vGPU %d (%s, %s, %llu MiB, %u%%) on server %s: using %s %s", i, d->info->vgpu_id, d->info->name,
                   (unsigned long long)(d->info->memory_bytes >> 20), d->info->ratio, d->session->server,
                   transport_word(ch), ch->endpoint);
    }
    if (have_allocation) {
        lease_running = 1;
        if (pthread_create(&lease_thread, NULL, lease_loop, NULL)) {
            lease_running = 0;
            OLOG_W("cannot start the lease thread; allocation %s lives as long as its first lease", allocation.id);
        }
    }
    atexit(at_exit);
    init_status = OR_SUCCESS;
}

ORION_API int orion_init(void) {
    pthread_once(&once, do_init);
    if (forked_child) {
        olog_once("fork", OLOG_ERROR, "CUDA is used in a child process after fork(); its vGPUs belong to the parent "
                                      "(as CUDA itself, the client cannot be used after a fork)");
        return OR_NOT_INITIALIZED;
    }
    return init_status;
}

ORION_API const char *orion_init_error(void) { return init_error; }

ORION_API int orion_init_done(void) { return init_status != OR_NOT_INITIALIZED || shutting_down; }

ORION_API int orion_device_count(void) { return orion_init() == OR_SUCCESS ? orion_g.device_count : 0; }

ORION_API const orv_device_info *orion_device_info(int dev) {
    orion_device *d = dev_at(dev);
    return d ? d->info : NULL;
}

ORION_API const char *orion_device_transport(int dev) {
    orion_device *d = dev_at(dev);
    return d ? d->session->ch->name : "";
}

int info_attribute(const orv_device_info *info, int code) {
    int lo = 0, hi = info->attribute_count - 1;
    while (lo <= hi) { /* codes are strictly ascending (checked when decoded) */
        int mid = (lo + hi) / 2;
        if (info->attribute_code[mid] == code) return info->attribute_value[mid];
        if (info->attribute_code[mid] < code) lo = mid + 1;
        else hi = mid - 1;
    }
    return 0; /* an attribute the server does not report: the feature is absent */
}

ORION_API int orion_device_attribute(int dev, int code, int *value) {
    orion_device *d = dev_at(dev);
    if (!d) return OR_INVALID_DEVICE;
    *value = info_attribute(d->info, code);
    return OR_SUCCESS;
}
