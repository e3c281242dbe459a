/*
 * The session engine against a scripted server (a channel double): opening, refusals, sequence
 * numbers, asynchronous errors latched and raised once at the next synchronizing call, error
 * replies to requests sent without waiting, multi-frame replies, and a server that lies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/session.h"
#include "check.h"

#define SESSION 0x5a17c0de0badf00dULL

/* The scripted server: the frames the client sent, and the replies it will read next. */
typedef struct {
    orion_channel base;
    uint8_t sent[64][512];
    orv_header sent_hdr[64];
    int nsent;
    uint8_t *queue[16];
    size_t queue_len[16];
    int head, tail;
    uint8_t *current;
} fake;

static int fake_send(orion_channel *c, const struct iovec *iov, int n, char *err, size_t errlen) {
    fake *f = (fake *)c;
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        size_t k = iov[i].iov_len < sizeof f->sent[0] - at ? iov[i].iov_len : sizeof f->sent[0] - at;
        memcpy(f->sent[f->nsent] + at, iov[i].iov_base, k);
        at += k;
    }
    orv_header_read(f->sent[f->nsent], at, ORV_ABSOLUTE_MAX_PAYLOAD, &f->sent_hdr[f->nsent], err, errlen);
    f->nsent++;
    return 0;
}

static int fake_recv(orion_channel *c, uint32_t max, const uint8_t **frame, size_t *len, char *err, size_t errlen) {
    fake *f = (fake *)c;
    free(f->current);
    f->current = NULL;
    if (f->head == f->tail) {
        snprintf(err, errlen, "the scripted server has nothing more to say");
        return -1;
    }
    f->current = f->queue[f->head];
    *frame = f->current;
    *len = f->queue_len[f->head++];
    return 0;
}

static void fake_close(orion_channel *c) {}

static fake *new_fake(void) {
    fake *f = calloc(1, sizeof *f);
    f->base.name = "fake";
    strcpy(f->base.endpoint, "fake://");
    f->base.max_frame = 1 << 20;
    f->base.send = fake_send;
    f->base.recv = fake_recv;
    f->base.close = fake_close;
    return f;
}

/* Queues a reply: header fields, the common start, then result bytes written by fill. */
static void reply(fake *f, uint16_t type, uint8_t flags, uint32_t seq, uint64_t session, int32_t status, int32_t deferred,
                  uint32_t deferred_seq, const char *message, void (*fill)(orv_writer *)) {
    orv_writer w;
    orv_writer_init(&w);
    orv_begin(&w);
    orv_put_i32(&w, status);
    orv_put_i32(&w, deferred);
    orv_put_u32(&w, deferred_seq);
    if (deferred) orv_put_str(&w, "an illegal memory access was encountered");
    if (status) orv_put_str(&w, message);
    else if (fill) fill(&w);
    orv_finish(&w, type, (uint8_t)(ORV_REPLY | flags), seq, session, 0);
    f->queue[f->tail] = w.buf; /* the queue owns the buffer now */
    f->queue_len[f->tail++] = w.len;
}

static void hello_ok(orv_writer *w) {
    orv_put_u8(w, 1);
    orv_put_u8(w, 0);
    orv_put_u64(w, SESSION);
    orv_put_u32(w, 0);
    orv_put_u32(w, 1 << 24);
    orv_put_u16(w, 2);
    orv_put_str(w, "scripted");
}

static orion_session *open_session(fake *f) {
    reply(f, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_ok);
    orv_hello h = {1, 1, 0, 0, 0, 42, "host", "test", "", 0, NULL, 1, 256, 100};
    int32_t status;
    char err[256];
    orion_session *s = sess_open(&f->base, &h, &status, err, sizeof err);
    CHECK(s != NULL, "open failed: %d %s", status, err);
    return s;
}

static void opens_with_the_servers_limits(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    CHECK(s->id == SESSION && s->device_count == 2 && !strcmp(s->server, "scripted"), "session fields");
    CHECK(s->max_payload == (1 << 20) - ORV_HEADER_SIZE, "the channel's frame limit wins over the server's: %u", s->max_payload);
    CHECK(f->sent_hdr[0].type == ORV_HELLO && f->sent_hdr[0].seq == 0 && f->sent_hdr[0].session == 0, "HELLO header");
}

static void refusal_reported(void) {
    fake *f = new_fake();
    reply(f, ORV_HELLO, 0, 0, 0, 800, 0, 0, "vGPU vgpu-1 is held by another process", NULL);
    orv_hello h = {1, 1, 0, 0, 0, 42, "host", "test", "", 0, NULL, 1, 256, 100};
    int32_t status;
    char err[256];
    CHECK(sess_open(&f->base, &h, &status, err, sizeof err) == NULL, "a refused session opened");
    CHECK(status == 800 && strstr(err, "held by another process"), "%d %s", status, err);
}

static void async_error_raised_once_at_the_next_sync(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    orv_req_device(sess_begin(s), 0);
    CHECK(sess_post(s, ORV_MEM_FREE, NULL, 0) == 0, "post");
    sess_end(s);
    uint32_t posted = f->sent_hdr[1].seq;
    CHECK(posted == 1 && (f->sent_hdr[1].flags & ORV_ASYNC), "async request seq %u flags %x", posted, f->sent_hdr[1].flags);
    reply(f, ORV_DEVICE_SYNC, 0, 2, SESSION, 0, 700, posted, NULL, NULL);
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    int rc = sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL);
    CHECK(rc == 0, "the call itself succeeded: %d", rc);
    CHECK(sess_take_pending(s) == 700, "the latched error is raised");
    CHECK(sess_take_pending(s) == 0, "and only once");
    sess_end(s);
}

static void error_reply_to_an_async_request_is_latched(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    orv_req_device(sess_begin(s), 0);
    sess_post(s, ORV_LAUNCH, NULL, 0);
    sess_end(s);
    /* the server answers the malformed asynchronous frame, then the synchronous call */
    reply(f, ORV_LAUNCH, 0, 1, SESSION, 1, 0, 0, "LAUNCH: field 'args' has 3 bytes", NULL);
    reply(f, ORV_STREAM_SYNC, 0, 2, SESSION, 0, 0, 0, NULL, NULL);
    orv_req_handle(sess_begin(s), 0, 0);
    orv_reply r;
    CHECK(sess_call(s, ORV_STREAM_SYNC, NULL, 0, &r, NULL, NULL) == 0, "the sync call");
    CHECK(sess_take_pending(s) == 1 && strstr(s->pending_message, "args"), "the refusal is latched");
    sess_end(s);
}

static uint8_t collected[16];

static int collect(void *ctx, orv_reader *rd) {
    uint64_t off;
    const uint8_t *d;
    size_t n;
    if (orv_res_chunk(rd, &off, &d, &n) || off + n > sizeof collected) return -1;
    memcpy(collected + off, d, n);
    (*(int *)ctx)++;
    return 0;
}

static void chunk0(orv_writer *w) { orv_put_u64(w, 0); orv_put_raw(w, "abcd", 4); }
static void chunk1(orv_writer *w) { orv_put_u64(w, 4); orv_put_raw(w, "efgh", 4); }

static void multi_frame_reply(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    reply(f, ORV_COPY_DTOH, ORV_MORE, 1, SESSION, 0, 0, 0, NULL, chunk0);
    reply(f, ORV_COPY_DTOH, 0, 1, SESSION, 0, 0, 0, NULL, chunk1);
    orv_req_copy_dtoh(sess_begin(s), 0, 0x1000, 8, 0);
    orv_reply r;
    int more = 0;
    CHECK(sess_call(s, ORV_COPY_DTOH, NULL, 0, &r, collect, &more) == 0, "the copy");
    CHECK(more == 1 && collect(&more, &r.result) == 0, "one MORE frame, then the last");
    CHECK(!memcmp(collected, "abcdefgh", 8), "the chunks in place");
    sess_end(s);
}

static void lying_server_ends_the_session(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    reply(f, ORV_DEVICE_SYNC, 0, 1, SESSION ^ 1, 0, 0, 0, NULL, NULL); /* another session's reply */
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    CHECK(sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL) == ORION_ERR_LOST, "a reply of another session was taken");
    sess_end(s);
    int sent = f->nsent;
    orv_req_device(sess_begin(s), 0);
    CHECK(sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL) == ORION_ERR_LOST && f->nsent == sent,
          "a lost session still sends");
    sess_end(s);

    fake *g = new_fake();
    s = open_session(g);
    reply(g, ORV_MEM_INFO, 0, 7, SESSION, 0, 0, 0, NULL, NULL); /* a successful reply to a request never sent */
    orv_req_device(sess_begin(s), 0);
    CHECK(sess_call(s, ORV_MEM_INFO, NULL, 0, &r, NULL, NULL) == ORION_ERR_LOST, "a success for a stranger request was taken");
    sess_end(s);

    fake *h = new_fake();
    s = open_session(h);
    reply(h, ORV_MEM_ALLOC, 0, 1, SESSION, 0, 0, 0, NULL, NULL); /* the reply to another message type */
    orv_req_device(sess_begin(s), 0);
    CHECK(sess_call(s, ORV_MEM_INFO, NULL, 0, &r, NULL, NULL) == ORION_ERR_LOST, "a reply of another type was taken");
    sess_end(s);
}

static void sequence_wraps_past_zero(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    s->seq = UINT32_MAX - 1;
    for (int i = 0; i < 3; i++) {
        orv_req_device(sess_begin(s), 0);
        sess_post(s, ORV_MEM_FREE, NULL, 0);
        sess_end(s);
    }
    CHECK(f->sent_hdr[1].seq == UINT32_MAX && f->sent_hdr[2].seq == 1 && f->sent_hdr[3].seq == 2, "seqs %u %u %u",
          f->sent_hdr[1].seq, f->sent_hdr[2].seq, f->sent_hdr[3].seq);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(opens_with_the_servers_limits), CASE(refusal_reported),
                                       CASE(async_error_raised_once_at_the_next_sync), CASE(error_reply_to_an_async_request_is_latched),
                                       CASE(multi_frame_reply), CASE(lying_server_ends_the_session), CASE(sequence_wraps_past_zero)};
    return check_main("session", cases, sizeof cases / sizeof cases[0], argc, argv);
}
