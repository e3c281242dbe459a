/*
 * orion-smi: the vGPUs of the pool, their processes, memory used against quota, the share of the
 * GPU each consumed and the time the compute gate held it back, from the controller's REST API
 * (the usage the servers' heartbeats reported; the driver's nvidia-smi cannot see vGPUs).
 *
 *   orion-smi [-c HOST:PORT] [-l SECONDS] [--json]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/json.h"
#include "core/config.h"
#include "core/http.h"

static const char *me = "orion-smi";

static json_doc *get(const char *host, int port, const char *path, int timeout_ms) {
    http_response r;
    char err[512];
    if (http_request(host, port, "GET", path, NULL, timeout_ms, &r, err, sizeof err)) {
        fprintf(stderr, "%s: cannot reach the Orion controller: %s\n", me, err);
        return NULL;
    }
    json_doc *d = NULL;
    if (r.status != 200) {
        fprintf(stderr, "%s: GET %s answered HTTP %d: %.300s\n", me, path, r.status, r.body);
    } else if (!(d = json_parse(r.body, r.body_len, err, sizeof err))) {
        fprintf(stderr, "%s: GET %s: not JSON: %s\n", me, path, err);
    }
    http_response_free(&r);
    return d;
}

static const char *str(const json_value *o, const char *key) {
    const char *s = json_str(json_get(o, key));
    return s ? s : "";
}

static long long num(const json_value *o, const char *key, long long dflt) {
    int64_t v;
    const json_value *j = json_get(o, key);
    if (j && j->kind == JSON_NUMBER) return (long long)j->number;
    return json_i64(j, &v) ? dflt : (long long)v;
}

static double dnum(const json_value *o, const char *key, double dflt) {
    const json_value *j = json_get(o, key);
    return j && j->kind == JSON_NUMBER ? j->number : dflt;
}

/* The owner (PID@HOST) of an allocation, by id. */
static const char *owner_of(const json_value *allocations, const char *id) {
    for (size_t i = 0; allocations && i < allocations->length; i++)
        if (!strcmp(str(allocations->items[i], "id"), id)) return str(allocations->items[i], "owner");
    return "";
}

static void print_table(const json_value *gpus, const json_value *vgpus, const json_value *allocations, const char *where) {
    time_t now = time(NULL);
    char stamp[64];
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", localtime(&now));
    printf("Orion vGPUs, controller %s, %s\n", where, stamp);
    printf("%-40s %-14s %5s %13s %8s %5s\n", "GPU", "node", "util", "memory MiB", "vGPUs", "temp");
    for (size_t i = 0; gpus && i < gpus->length; i++) {
        const json_value *g = gpus->items[i], *u = json_get(g, "usage");
        char mem[64], util[16], temp[16];
        snprintf(mem, sizeof mem, "%lld/%lld", num(g, "allocatedMemoryMiB", 0), num(g, "memoryMiB", 0));
        long long ut = u ? num(u, "utilPercent", -1) : -1, tc = u ? num(u, "temperatureC", -1) : -1;
        snprintf(util, sizeof util, ut >= 0 ? "%lld%%" : "-", ut);
        snprintf(temp, sizeof temp, tc >= 0 ? "%lldC" : "-", tc);
        char vg[32];
        snprintf(vg, sizeof vg, "%lld/%lld", num(g, "vgpus", 0), num(g, "vgpuSlots", 0));
        printf("%-40s %-14s %5s %13s %8s %5s  %s\n", str(g, "uuid"), str(g, "node"), util, mem, vg, temp, str(g, "model"));
    }
    /* share and held back are the compute gate's: the share of the GPU's time the vGPU consumed
     * over the gate's window, and the time its launches waited for their turn so far ("off":
     * the server's gate is off and measures nothing) */
    printf("\n%-24s %-14s %-10s %17s %6s %6s %9s  %s\n", "vGPU", "node", "GPU", "used/quota MiB", "ratio", "share",
           "held back", "process");
    if (!vgpus || vgpus->length == 0) printf("(no vGPUs are allocated)\n");
    for (size_t i = 0; vgpus && i < vgpus->length; i++) {
        const json_value *v = vgpus->items[i], *u = json_get(v, "usage");
        if (u && u->kind != JSON_OBJECT) u = NULL; /* null: no heartbeat has reported it yet */
        char mem[48], share[16], held[24], gpu[11];
        long long used = u ? num(u, "memoryUsedMiB", -1) : -1;
        if (used >= 0) snprintf(mem, sizeof mem, "%lld/%lld", used, num(v, "memoryMiB", 0));
        else snprintf(mem, sizeof mem, "-/%lld", num(v, "memoryMiB", 0));
        double pct = u ? dnum(u, "sharePercent", -1) : -1;
        if (!u) snprintf(share, sizeof share, "-");
        else if (pct < 0) snprintf(share, sizeof share, "off");
        else snprintf(share, sizeof share, "%.0f%%", pct);
        long long held_ms = u ? num(u, "heldBackMillis", -1) : -1;
        if (held_ms >= 0) snprintf(held, sizeof held, "%lld.%llds", held_ms / 1000, held_ms % 1000 / 100);
        else snprintf(held, sizeof held, "-");
        snprintf(gpu, sizeof gpu, "%s", str(v, "gpu"));
        const char *proc = u && *str(u, "process") ? str(u, "process") : owner_of(allocations, str(v, "allocationId"));
        char ratio[8];
        snprintf(ratio, sizeof ratio, "%lld%%", num(v, "ratio", 100));
        printf("%-24s %-14s %-10s %17s %6s %6s %9s  %s\n", str(v, "id"), str(v, "node"), gpu, mem, ratio, share, held,
               *proc ? proc : "-");
    }
}

int main(int argc, char **argv) {
    orion_config cfg;
    char err[1024];
    orion_config_load(&cfg, err, sizeof err); /* problems with other settings do not matter here */
    int loop = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            if (orion_parse_hostport(argv[++i], 9123, cfg.controller_host, sizeof cfg.controller_host, &cfg.controller_port)) {
                fprintf(stderr, "%s: '%s' is not HOST[:PORT]\n", me, argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "-l") && i + 1 < argc) {
            loop = atoi(argv[++i]);
            if (loop <= 0) {
                fprintf(stderr, "%s: -l takes a number of seconds > 0, not '%s'\n", me, argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else {
            fprintf(stderr, "usage: %s [-c HOST:PORT] [-l SECONDS] [--json]\n"
                            "  the controller defaults to ORION_CONTROLLER, else /etc/orion/client.conf, else 127.0.0.1:9123\n",
                    me);
            return strcmp(argv[i], "-h") && strcmp(argv[i], "--help") ? 2 : 0;
        }
    }
    char where[300];
    snprintf(where, sizeof where, "%s:%d", cfg.controller_host, cfg.controller_port);
    do {
        json_doc *g = get(cfg.controller_host, cfg.controller_port, "/api/v1/gpus", cfg.timeout_ms);
        json_doc *v = g ? get(cfg.controller_host, cfg.controller_port, "/api/v1/vgpus", cfg.timeout_ms) : NULL;
        json_doc *a = v ? get(cfg.controller_host, cfg.controller_port, "/api/v1/allocations", cfg.timeout_ms) : NULL;
        if (!a) {
            json_free(g);
            json_free(v);
            return 1;
        }
        if (json) {
            /* the three answers as one object, for scripts */
            http_response r;
            printf("{\"controller\":\"%s\"", where);
            static const char *const parts[] = {"gpus", "vgpus", "allocations"};
            for (int k = 0; k < 3; k++) {
                char path[64];
                snprintf(path, sizeof path, "/api/v1/%s", parts[k]);
                if (http_request(cfg.controller_host, cfg.controller_port, "GET", path, NULL, cfg.timeout_ms, &r, err, sizeof err) == 0) {
                    printf(",\"%s\":%s", parts[k], r.status == 200 && r.body_len ? r.body : "null");
                    http_response_free(&r);
                }
            }
            printf("}\n");
        } else {
            if (loop) printf("\033[H\033[2J");
            print_table(json_root(g), json_root(v), json_root(a), where);
        }
        fflush(stdout);
        json_free(g);
        json_free(v);
        json_free(a);
        if (loop) sleep((unsigned)loop);
    } while (loop);
    return 0;
}
