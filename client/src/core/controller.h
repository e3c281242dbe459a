/*
 * The controller's side of getting vGPUs, as Orion does it: at the program's first CUDA call
 * the client asks the controller (REST, port 9123) for ORION_VGPU vGPUs; the answer names, for
 * each, the server that holds it and how to reach that server. The allocation is renewed while
 * the program runs and released when it ends.
 */
#ifndef ORION_CONTROLLER_H
#define ORION_CONTROLLER_H

#include <stddef.h>

#include "core/config.h"

typedef struct orion_grant {
    char vgpu_id[160];
    int index;
    char node[256];
    char gpu[80];
    long memory_mib;
    int ratio;
    char server_node[256];
    char server_address[256];
    char tcp[512];    /* "tcp://HOST:PORT", or empty when the server offers no TCP */
    char shm[512];    /* "shm:///PATH", or empty */
    char rdma[512];   /* "rdma://HOST:PORT", or empty: the server offers rdma only where its UCX loads */
} orion_grant;

typedef struct orion_allocation {
    char id[160];
    int count;
    orion_grant grants[ORION_MAX_VGPUS_SETTING];
} orion_allocation;

/*
 * Asks for cfg->vgpus vGPUs. On refusal or failure returns -1 and writes Orion's message into err:
 * "Fail to get resource from controller: REASON".
 */
int orion_controller_allocate(const orion_config *cfg, const char *owner, orion_allocation *out, char *err, size_t errlen);
int orion_controller_renew(const orion_config *cfg, const char *allocation_id, char *err, size_t errlen);
int orion_controller_release(const orion_config *cfg, const char *allocation_id, char *err, size_t errlen);

/* The allocation JSON (201 answer) into out; -1 naming the missing or bad field. For the tests too. */
int orion_parse_allocation(const char *json, size_t len, orion_allocation *out, char *err, size_t errlen);
/* The request body for cfg; -1 when it does not fit in cap. */
int orion_allocation_body(const orion_config *cfg, const char *owner, char *buf, size_t cap);

#endif
