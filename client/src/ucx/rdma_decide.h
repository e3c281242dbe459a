/* Whether to use RDMA, from the setting and what UCX reported: pure, so that it is tested alone. */
#ifndef ORION_RDMA_DECIDE_H
#define ORION_RDMA_DECIDE_H

#include <stddef.h>

enum { RDMA_AUTO = 0, RDMA_ON, RDMA_OFF };

/* ORION_RDMA's value (NULL or empty: auto); -1 when it is none of auto, on, off. */
int rdma_mode(const char *value);

/*
 * 1 when rdma:// may be used, with the reason in why. plugin_loaded/load_error: whether the UCX
 * transport loaded, else why not; devices: RDMA devices UCX reported (-1: UCX failed), found: its
 * description of them and of the other transports.
 */
int rdma_decide(int mode, int plugin_loaded, const char *load_error, int devices, const char *found, char *why,
                size_t whylen);

#endif
