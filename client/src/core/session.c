#include "core/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "core/region.h"

static uint32_t next_seq(uint32_t s) { return s == UINT32_MAX ? 1 : s + 1; }

static int lost(orion_session *s, const char *why) {
    if (!s->broken) {
        s->broken = 1;
        snprintf(s->broken_why, sizeof s->broken_why, "%s", why);
        OLOG_E("lost the connection to Orion server %s at %s: %s", s->server, s->ch->endpoint, why);
    }
    return ORION_ERR_LOST;
}

static void keep_pending(orion_session *s, int32_t status, uint32_t seq, const char *msg) {
    if (s->pending_status) return; /* the first one is kept, as the server keeps the first */
    s->pending_status = status;
    s->pending_seq = seq;
    snprintf(s->pending_message, sizeof s->pending_message, "%s", msg);
    OLOG_D("asynchronous call %u failed with %d: %s", seq, status, msg);
}

orv_writer *sess_begin(orion_session *s) {
    pthread_mutex_lock(&s->lock);
    orv_begin(&s->w);
    return &s->w;
}

void sess_end(orion_session *s) { pthread_mutex_unlock(&s->lock); }

static int send_frame(orion_session *s, uint16_t type, uint8_t flags, uint32_t seq, const void *tail, size_t tail_len) {
    if (s->broken) return ORION_ERR_LOST;
    size_t payload = s->w.len - ORV_HEADER_SIZE + tail_len;
    if (payload > s->max_payload) {
        /* callers chunk their data; reaching this is a bug of the client, not of the program */
        OLOG_E("internal: a %s frame of %zu payload bytes exceeds the connection's limit of %u", orv_type_name(type),
               payload, s->max_payload);
        return 1; /* CUDA_ERROR_INVALID_VALUE */
    }
    if (orv_finish(&s->w, type, flags, seq, s->id, tail_len)) return 2; /* out of memory */
    struct iovec iov[2] = {{s->w.buf, s->w.len}, {(void *)tail, tail_len}};
    char err[512];
    if (s->ch->send(s->ch, iov, tail_len ? 2 : 1, err, sizeof err)) return lost(s, err);
    return 0;
}

int sess_post(orion_session *s, uint16_t type, const void *tail, size_t tail_len) {
    s->seq = next_seq(s->seq);
    return send_frame(s, type, ORV_ASYNC, s->seq, tail, tail_len);
}

/* Reads frames until the reply to seq; error replies to other requests are latched. */
static int await_reply(orion_session *s, uint16_t type, uint32_t seq, orv_reply *reply, sess_more_fn more, void *ctx) {
    for (;;) {
        const uint8_t *f;
        size_t n;
        char err[512];
        uint32_t limit = s->id ? s->max_payload : ORV_HELLO_MAX_PAYLOAD;
        if (s->ch->recv(s->ch, limit, &f, &n, err, sizeof err)) return lost(s, err);
        orv_header h;
        if (orv_header_read(f, n, limit, &h, err, sizeof err)) return lost(s, err);
        if (!(h.flags & ORV_REPLY) || (s->id && h.session != s->id)) {
            snprintf(err, sizeof err, "the server sent a %s frame that is not a reply of this session",
                     orv_type_name(h.type) ? orv_type_name(h.type) : "?");
            return lost(s, err);
        }
        if (orv_reply_read(f + ORV_HEADER_SIZE, n - ORV_HEADER_SIZE, reply, err, sizeof err)) return lost(s, err);
        if (h.seq != seq) {
            /* only an error reply can answer a request sent without waiting */
            if (reply->status == 0) {
                snprintf(err, sizeof err, "a reply to request %u arrived while waiting for %u", h.seq, seq);
                return lost(s, err);
            }
            keep_pending(s, reply->status, h.seq, reply->message);
            continue;
        }
        if (h.type != type) {
            snprintf(err, sizeof err, "the reply to %s %u came as %s", orv_type_name(type), seq,
                     orv_type_name(h.type) ? orv_type_name(h.type) : "?");
            return lost(s, err);
        }
        if (reply->deferred_status) keep_pending(s, reply->deferred_status, reply->deferred_seq, reply->deferred_message);
        if (h.flags & ORV_MORE) {
            if (!more || reply->status) return lost(s, "an unexpected multi-frame reply");
            if (more(ctx, &reply->result)) return lost(s, reply->result.failed ? reply->result.err : "a chunk out of range");
            continue;
        }
        if (reply->status) OLOG_D("%s %u refused with %d: %s", orv_type_name(type), seq, reply->status, reply->message);
        return reply->status;
    }
}

int sess_call(orion_session *s, uint16_t type, const void *tail, size_t tail_len, orv_reply *reply, sess_more_fn more,
              void *ctx) {
    s->seq = next_seq(s->seq);
    uint32_t seq = s->seq;
    int rc = send_frame(s, type, 0, seq, tail, tail_len);
    if (rc) return rc;
    return await_reply(s, type, seq, reply, more, ctx);
}

int sess_call_indirect(orion_session *s, uint16_t type, uint64_t off, uint64_t len, orv_reply *reply) {
    orv_begin(&s->w);
    orv_req_indirect(&s->w, off, len);
    s->seq = next_seq(s->seq);
    uint32_t seq = s->seq;
    int rc = send_frame(s, type, ORV_INDIRECT, seq, NULL, 0);
    if (rc) return rc;
    return await_reply(s, type, seq, reply, NULL, NULL);
}

int sess_take_pending(orion_session *s) {
    int32_t p = s->pending_status;
    if (p) {
        OLOG_D("raising the error of asynchronous call %u: %d %s", s->pending_seq, p, s->pending_message);
        s->pending_status = 0;
    }
    return p;
}

orion_session *sess_open(orion_channel *ch, const orv_hello *hello, int32_t *status, char *err, size_t errlen) {
    orion_session *s = calloc(1, sizeof *s);
    if (!s) {
        ch->close(ch);
        *status = 2;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->ch = ch;
    s->max_payload = ORV_HELLO_MAX_PAYLOAD;
    snprintf(s->server, sizeof s->server, "?");
    orv_writer_init(&s->w);
    orv_begin(&s->w);
    orv_req_hello(&s->w, hello);
    orv_reply r;
    /* HELLO is outside the session's numbering: it goes with seq 0 and its reply echoes that */
    int rc = send_frame(s, ORV_HELLO, 0, 0, NULL, 0);
    if (!rc) rc = await_reply(s, ORV_HELLO, 0, &r, NULL, NULL);
    if (rc) {
        *status = rc;
        if (rc == ORION_ERR_LOST) snprintf(err, errlen, "%s", s->broken_why);
        else snprintf(err, errlen, "%s", r.message);
        goto fail;
    }
    orv_hello_ok ok;
    if (orv_res_hello_ok(&r.result, &ok)) {
        *status = ORION_ERR_LOST;
        snprintf(err, errlen, "malformed HELLO_OK: %s", r.result.err);
        goto fail;
    }
    s->id = ok.session;
    s->device_count = ok.device_count;
    snprintf(s->server, sizeof s->server, "%s", ok.server);
    uint64_t frame_limit = ch->max_frame - ORV_HEADER_SIZE;
    s->max_payload = ok.max_payload < frame_limit ? ok.max_payload : (uint32_t)frame_limit;
    if (ch->region) s->region = region_create(ch->region, ch->region_size);
    return s;
fail:
    ch->close(ch);
    orv_writer_free(&s->w);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return NULL;
}

void sess_close(orion_session *s, int lock_wait) {
    if (lock_wait) pthread_mutex_lock(&s->lock);
    else if (pthread_mutex_trylock(&s->lock)) {
        s->ch->close(s->ch);
        return;
    }
    if (!s->broken) {
        orv_begin(&s->w);
        orv_reply r;
        int rc = sess_call(s, ORV_GOODBYE, NULL, 0, &r, NULL, NULL);
        if (rc) OLOG_D("GOODBYE to %s answered %d", s->server, rc);
        s->broken = 1;
        snprintf(s->broken_why, sizeof s->broken_why, "the session has ended");
    }
    s->ch->close(s->ch);
    pthread_mutex_unlock(&s->lock);
}
