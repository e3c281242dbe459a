#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "net/channel.h"
#include "ucx/orion_rdma.h"

int orion_endpoint_parse(const char *s, orion_endpoint *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (!strncmp(s, "tcp://", 6)) {
        strcpy(out->scheme, "tcp");
        const char *hp = s + 6;
        char buf[300];
        size_t n = strcspn(hp, "/");
        if (n >= sizeof buf || hp[n]) {
            snprintf(err, errlen, "endpoint '%s': expected tcp://HOST:PORT", s);
            return -1;
        }
        memcpy(buf, hp, n);
        buf[n] = 0;
        if (orion_parse_hostport(buf, 0, out->host, sizeof out->host, &out->port)) {
            snprintf(err, errlen, "endpoint '%s': expected tcp://HOST:PORT", s);
            return -1;
        }
        return 0;
    }
    if (!strncmp(s, "shm://", 6)) {
        strcpy(out->scheme, "shm");
        const char *p = s + 6;
        if (*p != '/' || strlen(p) >= sizeof out->path) {
            snprintf(err, errlen, "endpoint '%s': expected shm:///ABSOLUTE/PATH of the rendezvous socket", s);
            return -1;
        }
        strcpy(out->path, p);
        return 0;
    }
    /* the rdma transport's own parser: its default port (9961) is the rdma transport's */
    if (!strncmp(s, "rdma://", 7)) return orion_rdma_endpoint_parse(s, out, err, errlen);
    snprintf(err, errlen, "endpoint '%s': unknown scheme (tcp://, shm:// or rdma://)", s);
    return -1;
}
