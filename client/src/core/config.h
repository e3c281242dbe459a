/*
 * What the client is asked to do, from the environment (Orion's variables) and
 * /etc/orion/client.conf; the environment wins. docs/client.md lists every setting.
 */
#ifndef ORION_CONFIG_H
#define ORION_CONFIG_H

#include <stddef.h>

/* ORION_VGPU above this is refused: a session holds at most 64 vGPUs, and so does the client. */
#define ORION_MAX_VGPUS_SETTING 64

enum orion_transport_choice { ORION_TRANSPORT_AUTO = 0, ORION_TRANSPORT_SHM, ORION_TRANSPORT_TCP, ORION_TRANSPORT_RDMA };

typedef struct orion_config {
    /* what the program gets */
    int vgpus;                 /* ORION_VGPU, default 1 */
    long gmem_mib;             /* ORION_GMEM, MiB per vGPU; 0 = not set */
    int ratio;                 /* ORION_RATIO, 1..100, default 100 */
    char group_id[256];        /* ORION_GROUP_ID */
    int cross_node;            /* ORION_CROSS_NODE */

    /* where it comes from */
    char controller_host[256]; /* ORION_CONTROLLER / [controller] controller_addr, default 127.0.0.1:9123 */
    int controller_port;
    char servers[1024];        /* ORION_SERVER: endpoints to use without a controller (comma separated) */

    /* how to connect */
    int transport;             /* ORION_TRANSPORT / [client] transport: auto, shm, tcp, rdma */
    int enable_net;            /* ORION_ENABLE_NET / [client] enable_net: 0 = same-node servers only (shm; no tcp, no rdma) */
    int shm_region_mib;        /* ORION_SHM_REGION_MIB / [client] shm_region_mib: 0 = the server's default */
    int spin_us;               /* ORION_SPIN_US / [client] spin_us: wait actively this long for a reply (µs); -1: always */
    int timeout_ms;            /* ORION_TIMEOUT_MS / [client] timeout_ms: connecting and asking the controller */
    int lease_renew_s;         /* ORION_LEASE_RENEW_S / [client] lease_renew_s */
    int resume_ms;             /* ORION_RESUME_MS / [client] resume_ms: how long to try resuming a broken connection; 0 = never */

    /* logging ([log] section; ORION_LOG_LEVEL overrides log_level) */
    int log_screen_level;
    int log_file_level;
    char log_file[1024];
    int log_with_time;

    char conf_path[1024];      /* which file was read (empty when none) */
} orion_config;

/*
 * Fills cfg from the environment and the configuration file. Returns 0, or -1 with every
 * problem found (the variable or key and the bad value) written into err.
 */
int orion_config_load(orion_config *cfg, char *err, size_t errlen);

/* "host:port" (or "[v6]:port", or "host" with default_port) into its parts; -1 when malformed. */
int orion_parse_hostport(const char *s, int default_port, char *host, size_t hostcap, int *port);

#endif
