/*
 * The core's side of the rdma transport: parses rdma:// endpoints, decides once whether RDMA may
 * be used, and opens liborion-ucx.so (the transport, linked against UCX) only then. Nothing here
 * links against UCX, so libcuda.so.1 loads on every machine.
 */
#include "ucx/orion_rdma.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "core/config.h"
#include "ucx/rdma_decide.h"
#include "ucx/ucx_plugin.h"

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static const orion_ucx_plugin *plugin;
static char load_error[768];
static pthread_once_t decided = PTHREAD_ONCE_INIT;
static int usable;
static char usable_why[1024];

int orion_rdma_endpoint_parse(const char *s, orion_endpoint *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (strncmp(s, "rdma://", 7)) {
        snprintf(err, errlen, "endpoint '%s' is not rdma://HOST:PORT", s);
        return -1;
    }
    const char *hp = s + 7;
    size_t n = strcspn(hp, "/");
    char buf[300];
    if (n == 0 || n >= sizeof buf || hp[n]) {
        snprintf(err, errlen, "endpoint '%s': expected rdma://HOST:PORT", s);
        return -1;
    }
    memcpy(buf, hp, n);
    buf[n] = 0;
    if (orion_parse_hostport(buf, ORION_RDMA_DEFAULT_PORT, out->host, sizeof out->host, &out->port)) {
        snprintf(err, errlen, "endpoint '%s': expected rdma://HOST:PORT", s);
        return -1;
    }
    snprintf(out->scheme, sizeof out->scheme, "rdma");
    return 0;
}

/* liborion-ucx.so: where ORION_UCX_PLUGIN says, else next to the library this code is in. */
static void load(void) {
    char path[PATH_MAX];
    const char *p = getenv("ORION_UCX_PLUGIN");
    if (!p || !*p) {
        Dl_info info;
        const char *slash;
        if (dladdr((void *)orion_rdma_connect, &info) && info.dli_fname && (slash = strrchr(info.dli_fname, '/')))
            snprintf(path, sizeof path, "%.*s/liborion-ucx.so", (int)(slash - info.dli_fname), info.dli_fname);
        else
            snprintf(path, sizeof path, "liborion-ucx.so");
        p = path;
    }
    void *h = dlopen(p, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "the UCX transport %s cannot be loaded (%s)", p, e ? e : "?");
        return;
    }
    const orion_ucx_plugin *t = dlsym(h, ORION_UCX_PLUGIN_SYMBOL);
    if (!t || t->abi != ORION_UCX_PLUGIN_ABI) {
        snprintf(load_error, sizeof load_error, "%s is not a UCX transport of this client (ABI %d, expected %d)", p,
                 t ? t->abi : -1, ORION_UCX_PLUGIN_ABI);
        dlclose(h);
        return;
    }
    plugin = t;
}

static void decide(void) {
    int mode = rdma_mode(getenv("ORION_RDMA"));
    if (mode < 0) {
        OLOG_W("ORION_RDMA='%s' is not auto, on or off; using auto", getenv("ORION_RDMA"));
        mode = RDMA_AUTO;
    }
    int devices = -1;
    char found[640] = "";
    if (mode != RDMA_OFF) {
        pthread_once(&loaded, load);
        if (plugin) devices = plugin->rdma_devices(found, sizeof found);
    }
    usable = rdma_decide(mode, plugin != NULL, load_error, devices, found, usable_why, sizeof usable_why);
    OLOG_I("RDMA %s: %s", usable ? "may be used" : "is not used", usable_why);
}

int orion_rdma_usable(char *why, size_t whylen) {
    pthread_once(&decided, decide);
    snprintf(why, whylen, "%s", usable_why);
    return usable;
}

orion_channel *orion_rdma_connect(const orion_endpoint *e, int region_mib, int timeout_ms, int spin_us, char *err,
                                  size_t errlen) {
    pthread_once(&loaded, load);
    if (!plugin) {
        snprintf(err, errlen, "%s", load_error);
    } else {
        orion_channel *c = plugin->connect(e, region_mib, timeout_ms, spin_us, err, errlen);
        if (c) return c;
    }
    OLOG_W("RDMA to rdma://%s:%d does not work (%s); falling back", e->host, e->port, err);
    return NULL;
}
