#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/ini.h"
#include "common/log.h"

#define DEFAULT_CONF "/etc/orion/client.conf"

typedef struct {
    char *err;
    size_t cap, used;
    int bad;
} problems;

static void problem(problems *p, const char *fmt, const char *a, const char *b) {
    p->bad = 1;
    if (p->used + 2 >= p->cap) return;
    int n = snprintf(p->err + p->used, p->cap - p->used, p->used ? "; " : "");
    p->used += (size_t)n;
    if (p->used >= p->cap) return;
    n = snprintf(p->err + p->used, p->cap - p->used, fmt, a, b);
    if (n > 0) p->used += (size_t)n;
    if (p->used >= p->cap) p->used = p->cap - 1;
}

/* The setting from the environment, else from the file, else NULL; *from names where it came from. */
static const char *setting(const ini_file *f, const char *env, const char *section, const char *key, char *from, size_t cap) {
    const char *v = env ? getenv(env) : NULL;
    if (v && *v) {
        snprintf(from, cap, "%s", env);
        return v;
    }
    v = f ? ini_get(f, section, key) : NULL;
    if (v && *v) {
        snprintf(from, cap, "[%s] %s", section, key);
        return v;
    }
    return NULL;
}

static void int_setting(problems *p, const ini_file *f, const char *env, const char *section, const char *key,
                        long lo, long hi, long *out) {
    char from[128];
    const char *v = setting(f, env, section, key, from, sizeof from);
    if (!v) return;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi) {
        char range[64];
        snprintf(range, sizeof range, "an integer %ld..%ld", lo, hi);
        char what[256];
        snprintf(what, sizeof what, "%s='%s'", from, v);
        problem(p, "%s is not %s", what, range);
        return;
    }
    *out = n;
}

static void bool_setting(problems *p, const ini_file *f, const char *env, const char *section, const char *key, int *out) {
    char from[128];
    const char *v = setting(f, env, section, key, from, sizeof from);
    if (!v) return;
    int b = ini_bool(v);
    if (b < 0) {
        char what[256];
        snprintf(what, sizeof what, "%s='%s'", from, v);
        problem(p, "%s is not a boolean (%s)", what, "1/0, true/false, yes/no, on/off");
        return;
    }
    *out = b;
}

static void level_setting(problems *p, const ini_file *f, const char *env, const char *key, int *out) {
    char from[128];
    const char *v = setting(f, env, "log", key, from, sizeof from);
    if (!v) return;
    int l = olog_level_named(v);
    if (l < 0) {
        char what[256];
        snprintf(what, sizeof what, "%s='%s'", from, v);
        problem(p, "%s is not a log level (%s)", what, "OFF, ERROR, WARN, INFO, DEBUG, TRACE");
        return;
    }
    *out = l;
}

int orion_parse_hostport(const char *s, int default_port, char *host, size_t hostcap, int *port) {
    if (!s || !*s) return -1;
    const char *colon;
    size_t hlen;
    if (*s == '[') { /* [IPv6]:port */
        const char *close = strchr(s, ']');
        if (!close) return -1;
        hlen = (size_t)(close - s - 1);
        if (hlen + 1 > hostcap || hlen == 0) return -1;
        memcpy(host, s + 1, hlen);
        host[hlen] = 0;
        colon = close[1] == ':' ? close + 1 : NULL;
        if (!colon && close[1]) return -1;
    } else {
        colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon) colon = NULL, hlen = strlen(s); /* bare IPv6 address */
        else hlen = colon ? (size_t)(colon - s) : strlen(s);
        if (hlen == 0 || hlen + 1 > hostcap) return -1;
        memcpy(host, s, hlen);
        host[hlen] = 0;
    }
    if (!colon) {
        if (default_port <= 0) return -1;
        *port = default_port;
        return 0;
    }
    char *end;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || p < 1 || p > 65535) return -1;
    *port = (int)p;
    return 0;
}

int orion_config_load(orion_config *cfg, char *err, size_t errlen) {
    memset(cfg, 0, sizeof *cfg);
    problems p = {err, errlen, 0, 0};
    if (errlen) err[0] = 0;
    cfg->vgpus = 1;
    cfg->ratio = 100;
    cfg->enable_net = 1;
    cfg->spin_us = 20;
    cfg->timeout_ms = 5000;
    cfg->lease_renew_s = 10;
    cfg->resume_ms = 10000;
    cfg->log_screen_level = OLOG_INFO;
    cfg->log_file_level = OLOG_OFF;
    snprintf(cfg->log_file, sizeof cfg->log_file, "/var/log/orion/client-%%p.log");
    strcpy(cfg->controller_host, "127.0.0.1");
    cfg->controller_port = 9123;

    /* the file: ORION_CLIENT_CONF names another one; a missing default file is no problem */
    const char *path = getenv("ORION_CLIENT_CONF");
    int explicit_path = path && *path;
    if (!explicit_path) path = DEFAULT_CONF;
    ini_file file = {0};
    ini_file *f = NULL;
    char why[512];
    if (ini_load(path, &file, why, sizeof why) == 0) {
        f = &file;
        snprintf(cfg->conf_path, sizeof cfg->conf_path, "%s", path);
    } else if (explicit_path || strstr(why, "cannot read") == NULL) {
        problem(&p, "%s%s", why, "");
    }

    long v;
    v = cfg->vgpus;
    int_setting(&p, f, "ORION_VGPU", "client", "vgpu", 1, ORION_MAX_VGPUS_SETTING, &v);
    cfg->vgpus = (int)v;
    v = 0;
    int_setting(&p, f, "ORION_GMEM", "client", "gmem", 1, 1L << 30, &v);
    cfg->gmem_mib = v;
    v = cfg->ratio;
    int_setting(&p, f, "ORION_RATIO", "client", "ratio", 1, 100, &v);
    cfg->ratio = (int)v;
    bool_setting(&p, f, "ORION_CROSS_NODE", "client", "cross_node", &cfg->cross_node);
    char from[128];
    const char *s = setting(f, "ORION_GROUP_ID", "client", "group_id", from, sizeof from);
    if (s) snprintf(cfg->group_id, sizeof cfg->group_id, "%s", s);

    s = setting(f, "ORION_CONTROLLER", "controller", "controller_addr", from, sizeof from);
    if (s && orion_parse_hostport(s, 9123, cfg->controller_host, sizeof cfg->controller_host, &cfg->controller_port)) {
        char what[300];
        snprintf(what, sizeof what, "%s='%s'", from, s);
        problem(&p, "%s is not HOST:PORT%s", what, "");
    }
    s = setting(f, "ORION_SERVER", "client", "server", from, sizeof from);
    if (s) snprintf(cfg->servers, sizeof cfg->servers, "%s", s);

    s = setting(f, "ORION_TRANSPORT", "client", "transport", from, sizeof from);
    if (s) {
        if (!strcasecmp(s, "auto")) cfg->transport = ORION_TRANSPORT_AUTO;
        else if (!strcasecmp(s, "shm")) cfg->transport = ORION_TRANSPORT_SHM;
        else if (!strcasecmp(s, "tcp")) cfg->transport = ORION_TRANSPORT_TCP;
        else if (!strcasecmp(s, "rdma")) cfg->transport = ORION_TRANSPORT_RDMA;
        else {
            char what[300];
            snprintf(what, sizeof what, "%s='%s'", from, s);
            problem(&p, "%s is not a transport (%s)", what, "auto, shm, tcp or rdma");
        }
    }
    bool_setting(&p, f, "ORION_ENABLE_NET", "client", "enable_net", &cfg->enable_net);
    v = 0;
    int_setting(&p, f, "ORION_SHM_REGION_MIB", "client", "shm_region_mib", 0, 1 << 20, &v);
    cfg->shm_region_mib = (int)v;
    v = cfg->spin_us;
    int_setting(&p, f, "ORION_SPIN_US", "client", "spin_us", -1, 10000000, &v); /* -1: busy poll */
    cfg->spin_us = (int)v;
    v = cfg->timeout_ms;
    int_setting(&p, f, "ORION_TIMEOUT_MS", "client", "timeout_ms", 100, 600000, &v);
    cfg->timeout_ms = (int)v;
    v = cfg->lease_renew_s;
    int_setting(&p, f, "ORION_LEASE_RENEW_S", "client", "lease_renew_s", 1, 3600, &v);
    cfg->lease_renew_s = (int)v;
    v = cfg->resume_ms;
    int_setting(&p, f, "ORION_RESUME_MS", "client", "resume_ms", 0, 600000, &v);
    cfg->resume_ms = (int)v;

    /* [log]: log_to_screen / log_to_file switch a target on or off; the levels say how much */
    int to_screen = 1, to_file = 0;
    bool_setting(&p, f, NULL, "log", "log_to_screen", &to_screen);
    bool_setting(&p, f, NULL, "log", "log_to_file", &to_file);
    int screen = OLOG_INFO, filelevel = OLOG_INFO;
    level_setting(&p, f, "ORION_LOG_LEVEL", "log_level", &screen);
    level_setting(&p, f, NULL, "file_log_level", &filelevel);
    bool_setting(&p, f, NULL, "log", "log_with_time", &cfg->log_with_time);
    s = setting(f, "ORION_LOG_FILE", "log", "log_file", from, sizeof from);
    if (s) {
        snprintf(cfg->log_file, sizeof cfg->log_file, "%s", s);
        if (getenv("ORION_LOG_FILE")) to_file = 1;
    }
    cfg->log_screen_level = to_screen ? screen : OLOG_OFF;
    cfg->log_file_level = to_file ? filelevel : OLOG_OFF;

    if (f) ini_free(f);
    return p.bad ? -1 : 0;
}
