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
    int fail_at;                 /* > 0: the connection breaks when the client sends frame number fail_at (1: the first) */
} fake;

static int fake_send(orion_channel *c, const struct iovec *iov, int n, char *err, size_t errlen) {
    fake *f = (fake *)c;
    size_t total = 0;
    for (int i = 0; i < n; i++) total += iov[i].iov_len;
    if (total > c->max_frame) { /* as an shm ring refuses a frame larger than it carries */
        snprintf(err, errlen, "a frame of %zu bytes exceeds the connection's %zu", total, c->max_frame);
        return -1;
    }
    if (f->fail_at > 0 && f->nsent + 1 == f->fail_at) {
        snprintf(err, errlen, "the scripted connection broke");
        return -1;
    }
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


/* ---- resuming (protocol §5.3) ----------------------------------------------------------------- */

static fake *next_channel; /* what the session's reconnect gets */
static fake *then_channel; /* and what the one after it gets */
static int connects;

static orion_channel *reconnect(const char *endpoint, char *err, size_t errlen) {
    connects++;
    if (!next_channel) {
        snprintf(err, errlen, "nobody listens at %s", endpoint);
        return NULL;
    }
    fake *f = next_channel;
    next_channel = then_channel;
    then_channel = NULL;
    return &f->base;
}

static uint32_t handled_seq;

static void hello_resumed(orv_writer *w) {
    orv_put_u8(w, 1);
    orv_put_u8(w, 1); /* RESUMED */
    orv_put_u64(w, SESSION);
    orv_put_u32(w, handled_seq);
    orv_put_u32(w, 1 << 24);
    orv_put_u16(w, 2);
    orv_put_str(w, "scripted");
}

static orion_session *resumable(fake *f) {
    orion_session *s = open_session(f);
    const char *eps[] = {"tcp://127.0.0.1:1"};
    if (s) sess_set_resume(s, eps, 1, 0, reconnect, 2000);
    return s;
}

static void post(orion_session *s, uint16_t type) {
    orv_req_device(sess_begin(s), 0);
    sess_post(s, type, NULL, 0);
    sess_end(s);
}

static void resume_sends_again_what_the_server_did_not_handle(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    post(s, ORV_MEM_FREE);   /* seq 1: handled before the break */
    post(s, ORV_LAUNCH);     /* seq 2: lost with the connection */
    fake *g = new_fake();
    handled_seq = 1;
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    reply(g, ORV_DEVICE_SYNC, 0, 3, SESSION, 0, 0, 0, NULL, NULL);
    next_channel = g;
    connects = 0;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    int rc = sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL); /* the first channel has no reply: it "breaks" */
    sess_end(s);
    CHECK(rc == 0 && connects == 1 && s->resumes == 1, "rc %d, %d connects, %d resumes", rc, connects, s->resumes);
    CHECK(g->nsent == 3, "the new connection carried %d frames (HELLO, the lost LAUNCH, the sync call)", g->nsent);
    const uint8_t *hello = g->sent[0] + ORV_HEADER_SIZE;
    uint64_t resume_id = 0;
    for (int i = 7; i >= 0; i--) resume_id = resume_id << 8 | hello[3 + i];
    CHECK(g->sent_hdr[0].type == ORV_HELLO && hello[2] == 1 && resume_id == SESSION && g->sent_hdr[0].session == SESSION,
          "a resuming HELLO (flags %u, session %llx)", hello[2], (unsigned long long)resume_id);
    CHECK(g->sent_hdr[1].type == ORV_LAUNCH && g->sent_hdr[1].seq == 2 && (g->sent_hdr[1].flags & ORV_ASYNC),
          "the lost asynchronous request again, with its own seq (%u)", g->sent_hdr[1].seq);
    CHECK(g->sent_hdr[2].type == ORV_DEVICE_SYNC && g->sent_hdr[2].seq == 3, "the interrupted call again");
    CHECK(s->log_count == 0, "everything acknowledged, %zu kept", s->log_count);
}

static void handled_call_gets_its_kept_reply(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    fake *g = new_fake();
    handled_seq = 1; /* the sync call itself was handled: its reply was lost */
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    reply(g, ORV_MEM_INFO, 0, 1, SESSION, 0, 0, 0, NULL, NULL);
    next_channel = g;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    int rc = sess_call(s, ORV_MEM_INFO, NULL, 0, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == 0, "rc %d", rc);
    CHECK(g->nsent == 1, "the handled call was sent again (%d frames)", g->nsent);
}

static void data_reply_is_asked_again(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    fake *g = new_fake();
    handled_seq = 1; /* COPY_DTOH handled; its data is not kept by the server */
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    reply(g, ORV_COPY_DTOH, ORV_MORE, 2, SESSION, 0, 0, 0, NULL, chunk0);
    reply(g, ORV_COPY_DTOH, 0, 2, SESSION, 0, 0, 0, NULL, chunk1);
    next_channel = g;
    memset(collected, 0, sizeof collected);
    int more = 0;
    orv_req_copy_dtoh(sess_begin(s), 0, 0x1000, 8, 0);
    orv_reply r;
    int rc = sess_call(s, ORV_COPY_DTOH, NULL, 0, &r, collect, &more);
    CHECK(rc == 0 && collect(&more, &r.result) == 0 && !memcmp(collected, "abcdefgh", 8), "rc %d", rc);
    sess_end(s);
    CHECK(g->nsent == 2 && g->sent_hdr[1].type == ORV_COPY_DTOH && g->sent_hdr[1].seq == 2, "asked again with seq %u",
          g->sent_hdr[1].seq);
}

static void refused_resume_loses_the_session(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    fake *g = new_fake();
    reply(g, ORV_HELLO, 0, 0, SESSION, 201, 0, 0, "no session 5a17c0de0badf00d to resume: its grace period ran out", NULL);
    next_channel = g;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    CHECK(sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL) == ORION_ERR_LOST, "a refused resume");
    sess_end(s);
    CHECK(s->broken && strstr(s->broken_why, "grace period"), "why: %s", s->broken_why);
}

static void queued_region_copy_cannot_be_resumed(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    orv_req_copy_htod_region(sess_begin(s), 0, 0x1000, 0, 64, 3);
    sess_post(s, ORV_COPY_HTOD_REGION, NULL, 0);
    sess_end(s);
    fake *g = new_fake();
    handled_seq = 0;
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    next_channel = g;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    CHECK(sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL) == ORION_ERR_LOST, "resumed with a region copy in flight");
    sess_end(s);
    CHECK(strstr(s->broken_why, "pinned memory"), "why: %s", s->broken_why);
}

static void interrupted_region_call_is_redone_after_its_kept_reply(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    fake *g = new_fake();
    handled_seq = 1; /* the server did the copy; its reply was lost with the connection */
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    reply(g, ORV_COPY_DTOH_REGION, 0, 1, SESSION, 0, 0, 0, NULL, NULL); /* kept, sent again after HELLO_OK */
    reply(g, ORV_DEVICE_SYNC, 0, 2, SESSION, 0, 0, 0, NULL, NULL);
    next_channel = g;
    orv_req_copy_dtoh_region(sess_begin(s), 0, 0x1000, 0, 64, 0);
    orv_reply r;
    int rc = sess_call(s, ORV_COPY_DTOH_REGION, NULL, 0, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == ORION_ERR_REDO, "a copy through the old region: %d", rc);
    orv_req_device(sess_begin(s), 0);
    rc = sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == 0 && !s->broken, "the next call took the kept reply for its own: %d %s", rc, s->broken_why);
}

static void call_in_two_steps(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    reply(f, ORV_COPY_HTOD_REGION, 0, 1, SESSION, 0, 700, 1, NULL, NULL);
    orv_req_copy_htod_region(sess_begin(s), 0, 0x1000, 0, 64, 0);
    CHECK(sess_call_start(s, ORV_COPY_HTOD_REGION) == 0 && f->nsent == 2, "sent at once (%d frames)", f->nsent);
    CHECK(f->sent_hdr[1].type == ORV_COPY_HTOD_REGION && f->sent_hdr[1].seq == 1 && !(f->sent_hdr[1].flags & ORV_ASYNC),
          "a synchronous request");
    orv_reply r;
    CHECK(sess_call_finish(s, &r) == 0 && sess_take_pending(s) == 700, "its reply, with the latched error");
    sess_end(s);
    s->broken = 1;
    orv_req_device(sess_begin(s), 0);
    CHECK(sess_call_start(s, ORV_DEVICE_SYNC) == ORION_ERR_LOST && f->nsent == 2, "a lost session sends nothing");
    sess_end(s);
}

static void borrowed_chunks_sent_again_then_copied(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    s->resume_ms = 200; /* the second break is not resumed: no need to wait long for that */
    char data[32] = "the first chunk of a copy";
    orv_req_copy_htod(sess_begin(s), 0, 0x1000, 0);
    CHECK(sess_post_borrowed(s, ORV_COPY_HTOD, data, sizeof data) == 0, "borrowed");
    sess_end(s);
    CHECK(s->log_count == 1 && s->log_bytes < sizeof data + ORV_HEADER_SIZE, "the log keeps %zu bytes", s->log_bytes);
    /* the connection breaks at the next call: the chunk goes again, from the borrowed memory */
    fake *g = new_fake();
    handled_seq = 0;
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    next_channel = g;
    orv_req_copy_htod(sess_begin(s), 0, 0x1020, 0);
    orv_reply r;
    CHECK(sess_call(s, ORV_COPY_HTOD, "x", 1, &r, NULL, NULL) == ORION_ERR_LOST, "no reply on the new connection either");
    CHECK(g->nsent >= 2 && g->sent_hdr[1].type == ORV_COPY_HTOD && g->sent_hdr[1].seq == 1
          && !memcmp(g->sent[1] + ORV_HEADER_SIZE + 18, data, sizeof data), "the borrowed chunk sent again");
    /* the copy gives up: the log copies what it borrowed, which may change now */
    sess_unborrow(s);
    memset(data, 0, sizeof data);
    CHECK(s->log_count >= 1 && !s->log[0].borrowed && s->log[0].len == ORV_HEADER_SIZE + 18 + sizeof data
          && !memcmp(s->log_arena + s->log[0].off + ORV_HEADER_SIZE + 18, "the first chunk", 15), "kept as a copy");
    sess_end(s);
}

static void nobody_to_resume_with(void) {
    fake *f = new_fake();
    orion_session *s = open_session(f);
    if (!s) return;
    const char *eps[] = {"tcp://127.0.0.1:1"};
    sess_set_resume(s, eps, 1, 0, reconnect, 300);
    next_channel = NULL;
    connects = 0;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    CHECK(sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL) == ORION_ERR_LOST, "resumed with nobody");
    sess_end(s);
    CHECK(connects >= 2 && strstr(s->broken_why, "could not resume within 300 ms"), "%d tries, why: %s", connects, s->broken_why);
}

/* ---- frames that fit the connection they go out on (docs/protocol.md §5.3) -------------------
 *
 * A connection's largest frame is its own: a resume may move the session to one with smaller
 * frames (TCP's 1 MiB copy chunks do not fit shm's 256 KiB). The scripted connections here carry
 * payloads of SMALL bytes, so a COPY_HTOD of 100 data bytes (18 bytes of fields) goes in pieces of
 * 46, 46 and 8 bytes. */

#define SMALL 64u
#define COPY_FIELDS 18u /* device u16, dst u64, stream u64 */

/* A connection whose frames carry at most payload bytes; it refuses larger ones, as a ring does. */
static fake *fake_with_payload(uint32_t payload) {
    fake *f = new_fake();
    f->base.max_frame = ORV_HEADER_SIZE + payload;
    return f;
}

static uint64_t get64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* Frame i of f is a COPY_HTOD of device 0 on stream to dst, carrying data[0, n). */
static int is_copy(const fake *f, int i, uint64_t dst, uint64_t stream, const uint8_t *data, size_t n) {
    const uint8_t *p = f->sent[i] + ORV_HEADER_SIZE;
    return f->sent_hdr[i].type == ORV_COPY_HTOD && f->sent_hdr[i].length == COPY_FIELDS + n && p[0] == 0 && p[1] == 0
           && get64(p + 2) == dst && get64(p + 10) == stream && !memcmp(p + COPY_FIELDS, data, n);
}

static int post_copy(orion_session *s, uint64_t dst, uint64_t stream, const void *data, size_t n, int borrowed) {
    orv_req_copy_htod(sess_begin(s), 0, dst, stream);
    int rc = borrowed ? sess_post_borrowed(s, ORV_COPY_HTOD, data, n) : sess_post(s, ORV_COPY_HTOD, data, n);
    sess_end(s);
    return rc;
}

static void resume_cuts_queued_copies_to_the_new_frames_and_numbers_them_on(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    s->resume_ms = 500;
    uint8_t a[100], b[100], a_sent[100];
    for (int i = 0; i < 100; i++) {
        a[i] = a_sent[i] = (uint8_t)(i + 1);
        b[i] = (uint8_t)(200 - i);
    }
    s->seq = UINT32_MAX - 3;
    post(s, ORV_MEM_FREE);                                    /* MAX-2: handled before the break */
    CHECK(post_copy(s, 0x1000, 7, a, sizeof a, 0) == 0, "a"); /* MAX-1: kept as a copy */
    memset(a, 0, sizeof a);                                   /* the program may reuse its buffer at once */
    post(s, ORV_COPY_DTOD);                                   /* MAX */
    CHECK(post_copy(s, 0x2000, 7, b, sizeof b, 1) == 0, "b"); /* 1 (past 0): borrowed */
    post(s, ORV_MEMSET);                                      /* 2 */
    CHECK(f->nsent == 6 && f->sent_hdr[2].length == COPY_FIELDS + 100, "each copy went in one frame over the old connection");

    fake *g = fake_with_payload(SMALL);
    handled_seq = UINT32_MAX - 2;
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    reply(g, ORV_DEVICE_SYNC, 0, 7, SESSION, 0, 0, 0, NULL, NULL);
    next_channel = g;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    int rc = sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == 0 && s->resumes == 1, "rc %d (%s), %d resumes", rc, s->broken_why, s->resumes);
    CHECK(g->nsent == 10, "HELLO, 3 + 1 + 3 + 1 requests again and the call: %d frames", g->nsent);
    static const uint32_t seqs[] = {UINT32_MAX - 1, UINT32_MAX, 1, 2, 3, 4, 5, 6, 7};
    static const uint16_t types[] = {ORV_COPY_HTOD, ORV_COPY_HTOD, ORV_COPY_HTOD, ORV_COPY_DTOD, ORV_COPY_HTOD,
                                     ORV_COPY_HTOD, ORV_COPY_HTOD, ORV_MEMSET, ORV_DEVICE_SYNC};
    for (int i = 1; i < g->nsent && i < 10; i++) {
        CHECK(g->sent_hdr[i].seq == seqs[i - 1] && g->sent_hdr[i].type == types[i - 1],
              "frame %d: %s %u, expected %s %u (numbered on from the last handled, across the wrap)", i,
              orv_type_name(g->sent_hdr[i].type), g->sent_hdr[i].seq, orv_type_name(types[i - 1]), seqs[i - 1]);
        CHECK(g->sent_hdr[i].length <= SMALL, "frame %d carries %u payload bytes", i, g->sent_hdr[i].length);
        CHECK(!(g->sent_hdr[i].flags & ORV_ASYNC) == (i == 9), "frame %d flags %x", i, g->sent_hdr[i].flags);
    }
    if (g->nsent == 10) {
        CHECK(is_copy(g, 1, 0x1000, 7, a_sent, 46) && is_copy(g, 2, 0x1000 + 46, 7, a_sent + 46, 46)
              && is_copy(g, 3, 0x1000 + 92, 7, a_sent + 92, 8), "the kept copy in consecutive ranges, its bytes in order");
        CHECK(is_copy(g, 5, 0x2000, 7, b, 46) && is_copy(g, 6, 0x2000 + 46, 7, b + 46, 46) && is_copy(g, 7, 0x2000 + 92, 7, b + 92, 8),
              "the borrowed copy in consecutive ranges");
    }
    CHECK(s->seq == 7 && s->log_count == 0 && s->log_bytes == 0, "seq %u, %zu kept (%zu bytes)", s->seq, s->log_count, s->log_bytes);
    post(s, ORV_MEM_FREE);
    CHECK(g->sent_hdr[g->nsent - 1].seq == 8, "the next request is numbered on: %u", g->sent_hdr[g->nsent - 1].seq);
}

static void a_second_break_in_the_replay_goes_on_from_what_the_server_handled(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    s->resume_ms = 500;
    uint8_t a[100];
    for (int i = 0; i < 100; i++) a[i] = (uint8_t)(3 * i);
    CHECK(post_copy(s, 0x1000, 5, a, sizeof a, 0) == 0, "a"); /* 1 */
    post(s, ORV_MEMSET);                                      /* 2 */
    /* the first new connection carries small frames and breaks at the second piece; its server
     * handled the first piece, numbered 1 */
    fake *g = fake_with_payload(SMALL);
    g->fail_at = 3;
    handled_seq = 0;
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    fake *h = fake_with_payload(2 * SMALL);
    handled_seq = 1;
    reply(h, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    reply(h, ORV_DEVICE_SYNC, 0, 5, SESSION, 0, 0, 0, NULL, NULL);
    next_channel = g;
    then_channel = h;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    int rc = sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == 0 && s->resumes == 1, "rc %d (%s)", rc, s->broken_why);
    CHECK(g->nsent == 2 && is_copy(g, 1, 0x1000, 5, a, 46) && g->sent_hdr[1].seq == 1, "the first piece over the first connection");
    CHECK(h->nsent == 5, "HELLO, the two pieces left, MEMSET and the call: %d frames", h->nsent);
    if (h->nsent == 5) {
        CHECK(is_copy(h, 1, 0x1000 + 46, 5, a + 46, 46) && h->sent_hdr[1].seq == 2, "the second piece, %u", h->sent_hdr[1].seq);
        CHECK(is_copy(h, 2, 0x1000 + 92, 5, a + 92, 8) && h->sent_hdr[2].seq == 3, "the third piece, %u", h->sent_hdr[2].seq);
        CHECK(h->sent_hdr[3].type == ORV_MEMSET && h->sent_hdr[3].seq == 4, "MEMSET %u", h->sent_hdr[3].seq);
        CHECK(h->sent_hdr[4].type == ORV_DEVICE_SYNC && h->sent_hdr[4].seq == 5, "the call %u", h->sent_hdr[4].seq);
    }
}

static void an_interrupted_synchronous_copy_goes_on_in_frames_of_the_new_connection(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    s->resume_ms = 500;
    uint8_t data[100];
    for (int i = 0; i < 100; i++) data[i] = (uint8_t)(7 * i + 1);
    fake *g = fake_with_payload(SMALL);
    handled_seq = 0; /* the copy's frame never reached the server */
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    reply(g, ORV_COPY_HTOD, 0, 3, SESSION, 0, 0, 0, NULL, NULL);
    next_channel = g;
    orv_req_copy_htod(sess_begin(s), 0, 0x3000, 0);
    orv_reply r;
    int rc = sess_call(s, ORV_COPY_HTOD, data, sizeof data, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == 0, "rc %d (%s)", rc, s->broken_why);
    CHECK(f->nsent == 2 && f->sent_hdr[1].length == COPY_FIELDS + 100, "one frame over the old connection");
    CHECK(g->nsent == 4, "HELLO and the copy in three pieces: %d frames", g->nsent);
    if (g->nsent == 4) {
        CHECK(is_copy(g, 1, 0x3000, 0, data, 46) && g->sent_hdr[1].seq == 1 && (g->sent_hdr[1].flags & ORV_ASYNC), "piece 1");
        CHECK(is_copy(g, 2, 0x3000 + 46, 0, data + 46, 46) && g->sent_hdr[2].seq == 2 && (g->sent_hdr[2].flags & ORV_ASYNC), "piece 2");
        CHECK(is_copy(g, 3, 0x3000 + 92, 0, data + 92, 8) && g->sent_hdr[3].seq == 3 && !(g->sent_hdr[3].flags & ORV_ASYNC),
              "the last piece is the call");
    }
    CHECK(s->log_count == 0, "the reply acknowledged the pieces: %zu kept", s->log_count);
}

static void an_interrupted_module_load_that_no_longer_fits_is_left_to_the_caller(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    s->resume_ms = 500;
    uint8_t image[100] = "a module image larger than a frame of the new connection";
    fake *g = fake_with_payload(SMALL);
    handled_seq = 0;
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    next_channel = g;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    int rc = sess_call(s, ORV_MODULE_LOAD, image, sizeof image, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == ORION_ERR_REDO && !s->broken, "rc %d (%s): the caller loads it another way (the region)", rc, s->broken_why);
    CHECK(g->nsent == 1, "only the HELLO went out: %d frames", g->nsent);
    post(s, ORV_MEM_FREE);
    CHECK(g->nsent == 2 && g->sent_hdr[1].seq == 1, "the next request takes the number after the last handled: %u", g->sent_hdr[1].seq);
}

static void a_queued_request_that_cannot_be_cut_ends_the_session_saying_why(void) {
    fake *f = new_fake();
    orion_session *s = resumable(f);
    if (!s) return;
    s->resume_ms = 500;
    uint8_t args[100] = {0};
    orv_req_device(sess_begin(s), 0);
    CHECK(sess_post(s, ORV_LAUNCH, args, sizeof args) == 0, "posted");
    sess_end(s);
    fake *g = fake_with_payload(SMALL);
    handled_seq = 0;
    reply(g, ORV_HELLO, 0, 0, SESSION, 0, 0, 0, NULL, hello_resumed);
    next_channel = g;
    orv_req_device(sess_begin(s), 0);
    orv_reply r;
    int rc = sess_call(s, ORV_DEVICE_SYNC, NULL, 0, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == ORION_ERR_LOST && strstr(s->broken_why, "LAUNCH") && strstr(s->broken_why, "cannot be cut"), "rc %d, why: %s",
          rc, s->broken_why);
    CHECK(g->nsent == 1, "nothing too large was sent: %d frames", g->nsent);
}

static void requests_larger_than_a_frame_are_cut_or_refused_before_they_go_out(void) {
    fake *f = fake_with_payload(SMALL);
    orion_session *s = open_session(f);
    if (!s) return;
    CHECK(s->max_payload == SMALL, "limit %u", s->max_payload);
    uint8_t data[100];
    for (int i = 0; i < 100; i++) data[i] = (uint8_t)(i ^ 0x5a);
    CHECK(post_copy(s, 0x4000, 3, data, sizeof data, 0) == 0, "a queued copy too large for a frame");
    CHECK(f->nsent == 4 && is_copy(f, 1, 0x4000, 3, data, 46) && is_copy(f, 2, 0x4000 + 46, 3, data + 46, 46)
          && is_copy(f, 3, 0x4000 + 92, 3, data + 92, 8) && f->sent_hdr[3].seq == 3, "in three pieces (%d frames)", f->nsent);
    reply(f, ORV_COPY_HTOD, 0, 6, SESSION, 0, 0, 0, NULL, NULL);
    orv_req_copy_htod(sess_begin(s), 0, 0x5000, 0);
    orv_reply r;
    int rc = sess_call(s, ORV_COPY_HTOD, data, sizeof data, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == 0 && f->nsent == 7 && is_copy(f, 6, 0x5000 + 92, 0, data + 92, 8) && !(f->sent_hdr[6].flags & ORV_ASYNC)
          && (f->sent_hdr[5].flags & ORV_ASYNC), "a synchronous one too: rc %d, %d frames", rc, f->nsent);
    uint8_t args[100] = {0};
    orv_req_device(sess_begin(s), 0);
    CHECK(sess_post(s, ORV_LAUNCH, args, sizeof args) == 1, "a LAUNCH too large is refused");
    sess_end(s);
    uint8_t image[100] = {0};
    orv_req_device(sess_begin(s), 0);
    rc = sess_call(s, ORV_MODULE_LOAD, image, sizeof image, &r, NULL, NULL);
    sess_end(s);
    CHECK(rc == 1 && strstr(r.message, "exceeds"), "a MODULE_LOAD too large is refused with a reason: %d %s", rc, r.message);
    CHECK(f->nsent == 7 && !s->broken, "nothing too large went out (%d frames)", f->nsent);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(opens_with_the_servers_limits), CASE(refusal_reported),
                                       CASE(async_error_raised_once_at_the_next_sync), CASE(error_reply_to_an_async_request_is_latched),
                                       CASE(multi_frame_reply), CASE(lying_server_ends_the_session), CASE(sequence_wraps_past_zero),
                                       CASE(resume_sends_again_what_the_server_did_not_handle), CASE(handled_call_gets_its_kept_reply),
                                       CASE(data_reply_is_asked_again), CASE(refused_resume_loses_the_session),
                                       CASE(queued_region_copy_cannot_be_resumed), CASE(interrupted_region_call_is_redone_after_its_kept_reply),
                                       CASE(call_in_two_steps), CASE(borrowed_chunks_sent_again_then_copied),
                                       CASE(nobody_to_resume_with),
                                       CASE(resume_cuts_queued_copies_to_the_new_frames_and_numbers_them_on),
                                       CASE(a_second_break_in_the_replay_goes_on_from_what_the_server_handled),
                                       CASE(an_interrupted_synchronous_copy_goes_on_in_frames_of_the_new_connection),
                                       CASE(an_interrupted_module_load_that_no_longer_fits_is_left_to_the_caller),
                                       CASE(a_queued_request_that_cannot_be_cut_ends_the_session_saying_why),
                                       CASE(requests_larger_than_a_frame_are_cut_or_refused_before_they_go_out)};
    return check_main("session", cases, sizeof cases / sizeof cases[0], argc, argv);
}
