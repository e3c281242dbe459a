/*
 * What liborion-ucx.so exports to the core's loader (rdma_loader.c): one table, versioned, so
 * that a plugin from another build is refused instead of called wrongly.
 */
#ifndef ORION_UCX_PLUGIN_H
#define ORION_UCX_PLUGIN_H

#include <stddef.h>

#include "net/channel.h"

#define ORION_UCX_PLUGIN_ABI 1
#define ORION_UCX_PLUGIN_SYMBOL "orion_ucx_plugin_v1"

typedef struct orion_ucx_plugin {
    int abi;                 /* ORION_UCX_PLUGIN_ABI */
    /* RDMA devices UCX sees on this node ("rc_mlx5/mlx5_0:1 ..."), and then every transport it
     * sees, into buf; returns how many RDMA devices there are (0: none), -1 when UCX fails. */
    int (*rdma_devices)(char *buf, size_t cap);
    orion_channel *(*connect)(const orion_endpoint *e, int region_mib, int timeout_ms, int spin_us, char *err,
                              size_t errlen);
} orion_ucx_plugin;

#endif
