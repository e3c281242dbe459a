/*
 * Endpoints of every scheme, and how the core reaches a server (src/core/connect.c): shm when the
 * server is on this node, then rdma when it offers rdma:// and RDMA may be used here, then tcp;
 * a forced transport and enable_net = 0; what the session keeps to resume through. The servers
 * are scripted: a connect that fails with a reason, a channel that answers HELLO, or one that
 * connects but never answers (an rdma path broken behind a rendezvous that worked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/common/log.h"
#include "../src/core/connect.h"
#include "check.h"

#define SHM "shm:///dev/shm/orion/orion.sock"
#define RDMA "rdma://10.0.0.7:9961"
#define TCP "tcp://10.0.0.7:9960"

/* ---- endpoints ----------------------------------------------------------------------------------- */

static void endpoints_of_every_scheme_are_parsed(void) {
    orion_endpoint e;
    char err[256];
    CHECK(orion_endpoint_parse("rdma://gpu-7:9971", &e, err, sizeof err) == 0, "%s", err);
    CHECK(!strcmp(e.scheme, "rdma") && !strcmp(e.host, "gpu-7") && e.port == 9971, "%s %s %d", e.scheme, e.host, e.port);
    CHECK(orion_endpoint_parse("rdma://[fd00::7]", &e, err, sizeof err) == 0 && !strcmp(e.host, "fd00::7") && e.port == 9961,
          "IPv6, the rdma transport's port by default: %s %d %s", e.host, e.port, err);
    CHECK(orion_endpoint_parse(TCP, &e, err, sizeof err) == 0 && !strcmp(e.scheme, "tcp") && e.port == 9960, "tcp: %s", err);
    CHECK(orion_endpoint_parse(SHM, &e, err, sizeof err) == 0 && !strcmp(e.scheme, "shm") && !strcmp(e.path, "/dev/shm/orion/orion.sock"),
          "shm: %s", err);
    CHECK(orion_endpoint_parse("rdma://", &e, err, sizeof err) == -1 && strstr(err, "'rdma://'"), "no host: %s", err);
    CHECK(orion_endpoint_parse("rdma://h:99999", &e, err, sizeof err) == -1 && strstr(err, "'rdma://h:99999'"), "bad port: %s", err);
    CHECK(orion_endpoint_parse("udp://h:1", &e, err, sizeof err) == -1 && strstr(err, "'udp://h:1'") && strstr(err, "rdma://"),
          "an unknown scheme is named with the known ones: %s", err);
}

/* ---- the scripted servers ------------------------------------------------------------------------- */

typedef struct {
    orion_channel base;
    uint8_t *reply;
    size_t reply_len;
    int replied;
    int mute;
} fake;

static int fake_send(orion_channel *c, const struct iovec *iov, int n, char *err, size_t errlen) { return 0; }

/* Every request gets HELLO_OK: the session opens; nothing else is asked here. */
static int fake_recv(orion_channel *c, uint32_t max, const uint8_t **frame, size_t *len, char *err, size_t errlen) {
    fake *f = (fake *)c;
    if (f->mute) { /* what the rdma channel says when its first reply does not come in time */
        snprintf(err, errlen, "no reply from %s over UCX within 5000 ms: the rendezvous worked, but UCX's path to the server "
                 "(tcp/eth0) carries nothing", c->endpoint);
        return -1;
    }
    *frame = f->reply;
    *len = f->reply_len;
    return 0;
}

static void fake_close(orion_channel *c) {}

static orion_channel *answering(const char *endpoint) {
    fake *f = calloc(1, sizeof *f);
    f->base.name = !strncmp(endpoint, "rdma", 4) ? "rdma" : !strncmp(endpoint, "shm", 3) ? "shm" : "tcp";
    snprintf(f->base.endpoint, sizeof f->base.endpoint, "%s", endpoint);
    f->base.max_frame = 1 << 20;
    f->base.send = fake_send;
    f->base.recv = fake_recv;
    f->base.close = fake_close;
    orv_writer w;
    orv_writer_init(&w);
    orv_begin(&w);
    orv_put_i32(&w, 0);
    orv_put_i32(&w, 0);
    orv_put_u32(&w, 0);
    orv_put_u8(&w, 1);
    orv_put_u8(&w, 0);
    orv_put_u64(&w, 77);
    orv_put_u32(&w, 0);
    orv_put_u32(&w, 1 << 24);
    orv_put_u16(&w, 1);
    orv_put_str(&w, "scripted");
    orv_finish(&w, ORV_HELLO, ORV_REPLY, 0, 77, 0);
    f->reply = w.buf;
    f->reply_len = w.len;
    return &f->base;
}

/* What the endpoints do this time: the ones listed in `broken` fail, `mute` connects but never
 * answers, every other answers. */
static const char *broken[3];
static const char *mute;
static char tried[8][64];
static int ntried;
static int usable_answer, usable_asked;

static orion_channel *scripted_connect(const char *endpoint, char *err, size_t errlen) {
    snprintf(tried[ntried++ % 8], sizeof tried[0], "%s", endpoint);
    for (int i = 0; i < 3; i++)
        if (broken[i] && !strcmp(broken[i], endpoint)) {
            snprintf(err, errlen, "nothing answers at %s", endpoint);
            return NULL;
        }
    orion_channel *ch = answering(endpoint);
    ((fake *)ch)->mute = mute && !strcmp(mute, endpoint);
    return ch;
}

static int scripted_usable(char *why, size_t whylen) {
    usable_asked++;
    snprintf(why, whylen, "%s", usable_answer ? "1 RDMA device: rc_mlx5/mlx5_0:1" : "UCX sees no RDMA device on this node (tcp/lo)");
    return usable_answer;
}

static const connect_ops ops = {scripted_connect, scripted_usable};

static orion_config config(int transport) {
    orion_config c;
    memset(&c, 0, sizeof c);
    c.transport = transport;
    c.enable_net = 1;
    c.resume_ms = 1000;
    return c;
}

/* Clears the script: every endpoint answers, RDMA may be used or not. */
static void script(int rdma_usable, const char *broken0, const char *broken1) {
    memset(broken, 0, sizeof broken);
    broken[0] = broken0;
    broken[1] = broken1;
    mute = NULL;
    ntried = 0;
    usable_answer = rdma_usable;
    usable_asked = 0;
}

static orion_session *reach(const orion_config *c, const char *shm, const char *rdma, const char *tcp, int local, char *err,
                            size_t errlen) {
    server_offer o = {shm, rdma, tcp, local};
    orv_hello h = {1, 1, 0, 0, 0, 42, "host", "test", "", 0, NULL, 1, 256, 100};
    int32_t status;
    return connect_server(c, &o, &ops, &h, &status, err, errlen);
}

/* The session's way back, in order, and the one in use. */
static int resumes_through(const orion_session *s, int current, const char *a, const char *b, const char *c) {
    const char *want[3] = {a, b, c};
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (want[i]) {
            if (n >= s->endpoint_count || strcmp(s->endpoints[n], want[i])) return 0;
            n++;
        }
    return n == s->endpoint_count && s->current_endpoint == current;
}

/* ---- the order ------------------------------------------------------------------------------------- */

static void a_local_server_is_reached_over_shm_without_asking_about_rdma(void) {
    orion_config c = config(ORION_TRANSPORT_AUTO);
    char err[1024];
    script(1, NULL, NULL);
    orion_session *s = reach(&c, SHM, RDMA, TCP, 1, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "shm") && ntried == 1, "shm first: %s", err);
    CHECK(usable_asked == 0, "loading UCX is left for when rdma is next in line");
    CHECK(s && resumes_through(s, 0, SHM, RDMA, TCP), "shm, then rdma and tcp to resume through");
}

static void rdma_comes_after_shm_and_before_tcp(void) {
    orion_config c = config(ORION_TRANSPORT_AUTO);
    char err[1024];
    script(1, SHM, NULL);
    orion_session *s = reach(&c, SHM, RDMA, TCP, 1, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "rdma"), "rdma when shm fails: %s", err);
    CHECK(ntried == 2 && !strcmp(tried[0], SHM) && !strcmp(tried[1], RDMA) && usable_asked == 1, "tried %d", ntried);
    CHECK(s && resumes_through(s, 1, SHM, RDMA, TCP), "resumes over rdma first, then tcp, then shm");
    script(1, NULL, NULL);
    s = reach(&c, SHM, RDMA, TCP, 0, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "rdma") && ntried == 1, "a server on another node: rdma first: %s", err);
    CHECK(s && resumes_through(s, 0, RDMA, TCP, NULL), "no shm to resume through on another node");
}

static void rdma_that_may_not_be_used_is_left_for_tcp(void) {
    orion_config c = config(ORION_TRANSPORT_AUTO);
    char err[1024];
    script(0, NULL, NULL);
    orion_session *s = reach(&c, SHM, RDMA, TCP, 0, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "tcp"), "tcp: %s", err);
    CHECK(ntried == 1 && !strcmp(tried[0], TCP) && usable_asked == 1, "rdma was never connected: tried %d", ntried);
    CHECK(s && resumes_through(s, 0, TCP, NULL, NULL), "nor is it a way back");
    script(0, NULL, TCP);
    CHECK(reach(&c, NULL, RDMA, TCP, 0, err, sizeof err) == NULL, "tcp broken too");
    CHECK(strstr(err, RDMA ": RDMA is not used: UCX sees no RDMA device") && strstr(err, TCP ": nothing answers"),
          "both reasons: %s", err);
}

static void broken_rdma_falls_back_to_tcp(void) {
    orion_config c = config(ORION_TRANSPORT_AUTO);
    char err[1024];
    script(1, RDMA, NULL);
    orion_session *s = reach(&c, NULL, RDMA, TCP, 0, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "tcp"), "tcp after rdma failed: %s", err);
    CHECK(ntried == 2 && !strcmp(tried[0], RDMA) && !strcmp(tried[1], TCP), "tried %d", ntried);
    CHECK(s && resumes_through(s, 1, RDMA, TCP, NULL), "rdma stays a way back (it may work again)");
}

/* The log's lines since `from` in `path` (the test sends warnings there). */
static char *log_since(const char *path, long from) {
    static char text[8192];
    text[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return text;
    fseek(f, from, SEEK_SET);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    return text;
}

static long log_size(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void rdma_that_connects_but_never_answers_falls_back_with_a_warning(void) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/orion-test-transports-%d.log", (int)getpid());
    olog_settings ls = {OLOG_OFF, OLOG_INFO, path, 0};
    olog_configure(&ls);
    long from = log_size(path);
    orion_config c = config(ORION_TRANSPORT_AUTO);
    char err[1024];
    script(1, NULL, NULL);
    mute = RDMA;
    orion_session *s = reach(&c, NULL, RDMA, TCP, 0, err, sizeof err);
    char *log = log_since(path, from);
    CHECK(s && !strcmp(s->ch->name, "tcp"), "tcp after the rdma session could not open: %s", err);
    CHECK(ntried == 2 && !strcmp(tried[0], RDMA) && !strcmp(tried[1], TCP), "tried %d", ntried);
    CHECK(strstr(log, "WARN  RDMA to " RDMA " does not work (no reply from " RDMA " over UCX within 5000 ms") &&
              strstr(log, "falling back"),
          "a warning that names the cause, as for an rdma connect that fails:\n%s", log);
    CHECK(!strstr(log, "could not use " RDMA), "and no second, quieter line:\n%s", log);
    CHECK(s && resumes_through(s, 1, RDMA, TCP, NULL), "rdma stays a way back");
    olog_settings off = {OLOG_OFF, OLOG_OFF, NULL, 0};
    olog_configure(&off);
    unlink(path);
}

static void forced_rdma_is_rdma_or_nothing(void) {
    orion_config c = config(ORION_TRANSPORT_RDMA);
    char err[1024];
    script(1, NULL, NULL);
    orion_session *s = reach(&c, SHM, RDMA, TCP, 1, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "rdma") && ntried == 1, "rdma, though shm is here: %s", err);
    CHECK(s && resumes_through(s, 0, RDMA, NULL, NULL), "and only rdma to resume through");
    script(1, RDMA, NULL);
    CHECK(reach(&c, SHM, RDMA, TCP, 1, err, sizeof err) == NULL && ntried == 1, "no fallback when forced");
    CHECK(strstr(err, RDMA ": nothing answers"), "%s", err);
}

static void forced_rdma_that_cannot_be_used_says_why(void) {
    orion_config c = config(ORION_TRANSPORT_RDMA);
    char err[1024];
    script(0, NULL, NULL);
    CHECK(reach(&c, SHM, RDMA, TCP, 1, err, sizeof err) == NULL && ntried == 0, "nothing connected");
    CHECK(strstr(err, RDMA ": ORION_TRANSPORT=rdma, but RDMA cannot be used: UCX sees no RDMA device on this node"), "%s", err);
    script(1, NULL, NULL);
    CHECK(reach(&c, SHM, NULL, TCP, 1, err, sizeof err) == NULL && ntried == 0 && usable_asked == 0, "no rdma offered");
    CHECK(strstr(err, "ORION_TRANSPORT=rdma, but the server offers no rdma:// endpoint"), "%s", err);
}

static void other_forced_transports_never_consider_rdma(void) {
    char err[1024];
    orion_config c = config(ORION_TRANSPORT_TCP);
    script(1, NULL, NULL);
    orion_session *s = reach(&c, SHM, RDMA, TCP, 1, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "tcp") && usable_asked == 0 && resumes_through(s, 0, TCP, NULL, NULL), "tcp: %s", err);
    c = config(ORION_TRANSPORT_SHM);
    script(1, SHM, NULL);
    CHECK(reach(&c, SHM, RDMA, TCP, 1, err, sizeof err) == NULL && ntried == 1 && usable_asked == 0, "shm only");
}

static void network_off_rules_out_rdma_with_tcp(void) {
    orion_config c = config(ORION_TRANSPORT_AUTO);
    c.enable_net = 0;
    char err[1024];
    script(1, NULL, NULL);
    CHECK(reach(&c, SHM, RDMA, TCP, 0, err, sizeof err) == NULL && ntried == 0 && usable_asked == 0, "nothing tried");
    CHECK(strstr(err, "RDMA to " RDMA " is off (enable_net = 0)") && strstr(err, "TCP to " TCP " is off (enable_net = 0)"),
          "%s", err);
    script(1, NULL, NULL);
    orion_session *s = reach(&c, SHM, RDMA, TCP, 1, err, sizeof err);
    CHECK(s && !strcmp(s->ch->name, "shm") && resumes_through(s, 0, SHM, NULL, NULL), "shm stays: %s", err);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {
        CASE(endpoints_of_every_scheme_are_parsed),
        CASE(a_local_server_is_reached_over_shm_without_asking_about_rdma),
        CASE(rdma_comes_after_shm_and_before_tcp),
        CASE(rdma_that_may_not_be_used_is_left_for_tcp),
        CASE(broken_rdma_falls_back_to_tcp),
        CASE(rdma_that_connects_but_never_answers_falls_back_with_a_warning),
        CASE(forced_rdma_is_rdma_or_nothing),
        CASE(forced_rdma_that_cannot_be_used_says_why),
        CASE(other_forced_transports_never_consider_rdma),
        CASE(network_off_rules_out_rdma_with_tcp),
    };
    return check_main("transports", cases, sizeof cases / sizeof cases[0], argc, argv);
}
