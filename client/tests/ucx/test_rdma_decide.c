/*
 * Whether the client chooses RDMA (src/ucx/rdma_decide.c, rdma_loader.c): the setting, the
 * plugin that may be missing, what UCX reports; rdma:// endpoints; and the loader against the
 * real plugin (ORION_UCX_PLUGIN, set by ucx.mk) or one that is not there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ucx/orion_rdma.h"
#include "ucx/rdma_decide.h"

static void the_setting_is_read(void) {
    CHECK(rdma_mode(NULL) == RDMA_AUTO && rdma_mode("") == RDMA_AUTO && rdma_mode("Auto") == RDMA_AUTO, "auto");
    CHECK(rdma_mode("on") == RDMA_ON && rdma_mode("1") == RDMA_ON, "on");
    CHECK(rdma_mode("OFF") == RDMA_OFF && rdma_mode("no") == RDMA_OFF, "off");
    CHECK(rdma_mode("sometimes") == -1, "nonsense");
}

static void rdma_is_chosen_only_with_a_device_unless_forced(void) {
    char why[512];
    CHECK(!rdma_decide(RDMA_OFF, 1, "", 2, "rc_mlx5/mlx5_0:1", why, sizeof why) && !strcmp(why, "ORION_RDMA=off"), "%s", why);
    CHECK(!rdma_decide(RDMA_AUTO, 0, "the UCX transport x cannot be loaded (libucp.so.0: cannot open)", -1, "", why, sizeof why), "no plugin");
    CHECK(strstr(why, "libucp.so.0") && strstr(why, "apt-get install libucx0"), "%s", why);
    CHECK(!rdma_decide(RDMA_AUTO, 1, "", 0, "UCX transports: tcp/lo, posix/memory", why, sizeof why), "no device");
    CHECK(strstr(why, "no RDMA device") && strstr(why, "tcp/lo"), "%s", why);
    CHECK(rdma_decide(RDMA_AUTO, 1, "", 1, "rc_mlx5/mlx5_0:1", why, sizeof why) && strstr(why, "1 RDMA device: rc_mlx5/mlx5_0:1"), "%s", why);
    CHECK(rdma_decide(RDMA_ON, 1, "", 0, "UCX transports: tcp/lo", why, sizeof why) && strstr(why, "ORION_RDMA=on"), "%s", why);
    CHECK(!rdma_decide(RDMA_ON, 0, "not loadable", -1, "", why, sizeof why), "forced, but no plugin");
}

static void rdma_endpoints_are_parsed(void) {
    orion_endpoint e;
    char err[256];
    CHECK(orion_rdma_endpoint_parse("rdma://gpu-7:9971", &e, err, sizeof err) == 0, "%s", err);
    CHECK(!strcmp(e.scheme, "rdma") && !strcmp(e.host, "gpu-7") && e.port == 9971, "%s %s %d", e.scheme, e.host, e.port);
    CHECK(orion_rdma_endpoint_parse("rdma://10.0.0.5", &e, err, sizeof err) == 0 && e.port == ORION_RDMA_DEFAULT_PORT, "default port");
    CHECK(orion_rdma_endpoint_parse("rdma://", &e, err, sizeof err) == -1, "no host");
    CHECK(orion_rdma_endpoint_parse("tcp://x:1", &e, err, sizeof err) == -1 && strstr(err, "rdma://HOST:PORT"), "%s", err);
}

/* Forced on: the plugin ucx.mk built loads and UCX answers; a closed port fails cleanly. */
static void the_loader_opens_the_plugin_and_falls_back_cleanly(void) {
    char why[1024], err[512];
    setenv("ORION_RDMA", "on", 1);
    int u = orion_rdma_usable(why, sizeof why);
    CHECK(u == 1, "usable: %s", why);
    CHECK(strstr(why, "UCX transports:") != NULL || strstr(why, "RDMA device") != NULL, "UCX was asked: %s", why);
    orion_endpoint e;
    orion_rdma_endpoint_parse("rdma://127.0.0.1:1", &e, err, sizeof err);
    orion_channel *c = orion_rdma_connect(&e, 0, 1000, 0, err, sizeof err);
    CHECK(c == NULL && strstr(err, "127.0.0.1:1"), "nothing listens there: %s", err);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {
        CASE(the_setting_is_read),
        CASE(rdma_is_chosen_only_with_a_device_unless_forced),
        CASE(rdma_endpoints_are_parsed),
        CASE(the_loader_opens_the_plugin_and_falls_back_cleanly),
    };
    return check_main("ucx.rdma_decide", cases, sizeof cases / sizeof *cases, argc, argv);
}
