#include "ucx/rdma_decide.h"

#include <stdio.h>
#include <strings.h>

int rdma_mode(const char *v) {
    if (!v || !*v || !strcasecmp(v, "auto")) return RDMA_AUTO;
    if (!strcasecmp(v, "on") || !strcasecmp(v, "1") || !strcasecmp(v, "yes")) return RDMA_ON;
    if (!strcasecmp(v, "off") || !strcasecmp(v, "0") || !strcasecmp(v, "no")) return RDMA_OFF;
    return -1;
}

int rdma_decide(int mode, int plugin_loaded, const char *load_error, int devices, const char *found, char *why,
                size_t whylen) {
    if (mode == RDMA_OFF) {
        snprintf(why, whylen, "ORION_RDMA=off");
        return 0;
    }
    if (!plugin_loaded) {
        snprintf(why, whylen, "%s; install UCX (Debian: apt-get install libucx0) to use RDMA", load_error);
        return 0;
    }
    if (devices < 0) {
        snprintf(why, whylen, "UCX could not list its devices (%s)", found);
        return 0;
    }
    if (mode == RDMA_ON) {
        snprintf(why, whylen, "ORION_RDMA=on, over whatever UCX offers (%s)", found);
        return 1;
    }
    if (devices == 0) {
        snprintf(why, whylen, "UCX sees no RDMA device on this node (%s)", found);
        return 0;
    }
    snprintf(why, whylen, "%d RDMA device%s: %s", devices, devices == 1 ? "" : "s", found);
    return 1;
}
