/* Settings from the environment and client.conf: precedence, defaults, and errors naming the value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/common/log.h"
#include "../src/core/config.h"
#include "check.h"

static const char *VARS[] = {"ORION_VGPU", "ORION_GMEM", "ORION_RATIO", "ORION_GROUP_ID", "ORION_CROSS_NODE",
                             "ORION_CONTROLLER", "ORION_SERVER", "ORION_TRANSPORT", "ORION_ENABLE_NET", "ORION_SHM_REGION_MIB",
                             "ORION_SPIN_US", "ORION_TIMEOUT_MS", "ORION_LEASE_RENEW_S", "ORION_LOG_LEVEL", "ORION_LOG_FILE", NULL};

static char conf[] = "/tmp/orion-test-conf-XXXXXX";

static void clean(const char *file_text) {
    for (int i = 0; VARS[i]; i++) unsetenv(VARS[i]);
    int fd = mkstemp(conf);
    FILE *f = fdopen(fd, "w");
    fputs(file_text, f);
    fclose(f);
    setenv("ORION_CLIENT_CONF", conf, 1);
}

static void done(void) {
    unlink(conf);
    strcpy(conf, "/tmp/orion-test-conf-XXXXXX");
}

static void defaults(void) {
    clean("");
    orion_config c;
    char err[512];
    CHECK(orion_config_load(&c, err, sizeof err) == 0, "%s", err);
    CHECK(c.vgpus == 1 && c.gmem_mib == 0 && c.ratio == 100 && c.enable_net == 1 && c.transport == ORION_TRANSPORT_AUTO,
          "defaults");
    CHECK(!strcmp(c.controller_host, "127.0.0.1") && c.controller_port == 9123, "controller %s:%d", c.controller_host, c.controller_port);
    CHECK(c.log_screen_level == OLOG_INFO && c.log_file_level == OLOG_OFF, "log levels");
    CHECK(c.spin_us == 20, "spin %d µs", c.spin_us);
    done();
}

static void file_then_environment(void) {
    clean("[controller]\n  controller_addr = ctl.example:8000\n[client]\n  enable_net = 0\n  transport = shm\n"
          "[log]\n  log_level = DEBUG\n  log_to_file = 1\n  file_log_level = ERROR\n  log_file = /tmp/x-%p.log\n");
    setenv("ORION_TRANSPORT", "tcp", 1);
    setenv("ORION_VGPU", "3", 1);
    setenv("ORION_GMEM", "2048", 1);
    orion_config c;
    char err[512];
    CHECK(orion_config_load(&c, err, sizeof err) == 0, "%s", err);
    CHECK(!strcmp(c.controller_host, "ctl.example") && c.controller_port == 8000, "the file's controller");
    CHECK(c.enable_net == 0, "the file's enable_net");
    CHECK(c.transport == ORION_TRANSPORT_TCP, "the environment wins over the file");
    setenv("ORION_TRANSPORT", "RDMA", 1);
    CHECK(orion_config_load(&c, err, sizeof err) == 0 && c.transport == ORION_TRANSPORT_RDMA, "rdma forced: %s", err);
    CHECK(c.vgpus == 3 && c.gmem_mib == 2048, "ORION_VGPU and ORION_GMEM");
    CHECK(c.log_screen_level == OLOG_DEBUG && c.log_file_level == OLOG_ERROR && !strcmp(c.log_file, "/tmp/x-%p.log"), "[log]");
    CHECK(!strcmp(c.conf_path, conf), "conf path %s", c.conf_path);
    done();
}

static void bad_values_named(void) {
    clean("[client]\n  enable_net = maybe\n");
    setenv("ORION_VGPU", "0", 1);
    setenv("ORION_RATIO", "101", 1);
    setenv("ORION_CONTROLLER", "host:99999", 1);
    setenv("ORION_TRANSPORT", "infiniband", 1);
    orion_config c;
    char err[1024];
    CHECK(orion_config_load(&c, err, sizeof err) != 0, "bad values accepted");
    CHECK(strstr(err, "ORION_VGPU='0'") && strstr(err, "ORION_RATIO='101'") && strstr(err, "ORION_CONTROLLER='host:99999'")
          && strstr(err, "ORION_TRANSPORT='infiniband' is not a transport (auto, shm, tcp or rdma)")
          && strstr(err, "[client] enable_net='maybe'"), "%s", err);
    done();
}

static void spin_busy_poll_or_a_time(void) {
    clean("[client]\n  spin_us = 200\n");
    orion_config c;
    char err[512];
    CHECK(orion_config_load(&c, err, sizeof err) == 0 && c.spin_us == 200, "spin_us from the file: %d %s", c.spin_us, err);
    setenv("ORION_SPIN_US", "-1", 1);
    CHECK(orion_config_load(&c, err, sizeof err) == 0 && c.spin_us == -1, "busy poll (-1): %d %s", c.spin_us, err);
    setenv("ORION_SPIN_US", "-2", 1);
    CHECK(orion_config_load(&c, err, sizeof err) != 0 && strstr(err, "ORION_SPIN_US='-2'"), "-2 accepted: %s", err);
    done();
}

static void unreadable_file_named(void) {
    for (int i = 0; VARS[i]; i++) unsetenv(VARS[i]);
    setenv("ORION_CLIENT_CONF", "/nonexistent/orion.conf", 1);
    orion_config c;
    char err[512];
    CHECK(orion_config_load(&c, err, sizeof err) != 0 && strstr(err, "/nonexistent/orion.conf"), "%s", err);
    clean("[log\n");
    CHECK(orion_config_load(&c, err, sizeof err) != 0 && strstr(err, "line 1"), "%s", err);
    done();
}

static void host_and_port(void) {
    char h[64];
    int p;
    CHECK(!orion_parse_hostport("ctl:9123", 1, h, sizeof h, &p) && !strcmp(h, "ctl") && p == 9123, "host:port");
    CHECK(!orion_parse_hostport("ctl", 9123, h, sizeof h, &p) && p == 9123, "default port");
    CHECK(!orion_parse_hostport("[::1]:80", 1, h, sizeof h, &p) && !strcmp(h, "::1") && p == 80, "[v6]:port");
    CHECK(!orion_parse_hostport("fe80::1", 9123, h, sizeof h, &p) && !strcmp(h, "fe80::1"), "bare v6");
    CHECK(orion_parse_hostport("ctl:", 1, h, sizeof h, &p) && orion_parse_hostport(":80", 1, h, sizeof h, &p)
          && orion_parse_hostport("ctl:0", 1, h, sizeof h, &p) && orion_parse_hostport("[::1", 1, h, sizeof h, &p),
          "malformed ones accepted");
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(defaults), CASE(file_then_environment), CASE(bad_values_named),
                                       CASE(spin_busy_poll_or_a_time), CASE(unreadable_file_named), CASE(host_and_port)};
    return check_main("config", cases, sizeof cases / sizeof cases[0], argc, argv);
}
