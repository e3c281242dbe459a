#include "core/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "core/region.h"

/* Internal: the transport failed (s->transport_error says how); the caller resumes or gives up. */
#define FAILED (-2)
/* A replay log larger than this is acknowledged with a PING round trip before it grows further (the
 * Java client's limits: the PING empties the pipeline to the server, so it should be rare). */
#define LOG_MAX_BYTES (64u << 20)
#define LOG_MAX_ENTRIES 65536
/* Internal: a request too large for a frame of the connection that cannot be cut in pieces. */
#define NO_FIT (-4)

/* A COPY_HTOD's fields before its data: device u16, dst u64 (at 2), stream u64. A copy too large
 * for a frame goes as copies of consecutive ranges, each with its own dst (protocol.md §4.3). */
#define HTOD_FIELDS 18
#define HTOD_DST 2


static uint32_t next_seq(uint32_t s) { return s == UINT32_MAX ? 1 : s + 1; }

/* Serial-number order (protocol §2.2): a after b. */
static int after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

static int uses_region(uint16_t type, uint8_t flags) {
    return type == ORV_COPY_HTOD_REGION || type == ORV_COPY_DTOH_REGION || (flags & ORV_INDIRECT);
}

static void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static void put_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Whether a request too large for a frame can go in pieces: a COPY_HTOD (its fields, then data). */
static int cuttable(uint16_t type, uint8_t flags) { return type == ORV_COPY_HTOD && !(flags & ORV_INDIRECT); }

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int lost(orion_session *s, const char *reason) {
    if (!s->broken) {
        s->broken = 1;
        snprintf(s->broken_why, sizeof s->broken_why, "%s", reason);
        OLOG_E("lost the connection to Orion server %s at %s: %s", s->server, s->ch->endpoint, reason);
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

/* ---- the replay log: asynchronous requests the server may not have handled yet ----------------
 *
 * Every asynchronous request is kept until a reply acknowledges it. The kept bytes go one after
 * the other into one arena that is reused from its start whenever the log empties (every reply
 * empties it: frames are handled in order), so keeping a request costs a copy of its few dozen
 * bytes and no allocation. */

/* Room for n more bytes in the arena; NULL when memory runs out. */
static uint8_t *arena_room(orion_session *s, size_t n) {
    if (s->log_arena_cap - s->log_used < n) {
        size_t cap = s->log_arena_cap ? s->log_arena_cap : 64u << 10;
        while (cap - s->log_used < n) cap *= 2;
        uint8_t *a = realloc(s->log_arena, cap);
        if (!a) return NULL;
        s->log_arena = a;
        s->log_arena_cap = cap;
    }
    return s->log_arena + s->log_used;
}

/* Keeps a sent request: iov[0..n) are its pieces; with borrow, the last piece is referenced, not copied. */
static int log_add(orion_session *s, uint32_t seq, uint16_t type, uint8_t flags, const struct iovec *iov, int n, int borrow) {
    if (s->resume_ms <= 0) return 0;
    if (s->log_count == s->log_cap) {
        size_t cap = s->log_cap ? s->log_cap * 2 : 256;
        replay_entry *l = realloc(s->log, cap * sizeof *l);
        if (!l) return -1;
        s->log = l;
        s->log_cap = cap;
    }
    int copied = borrow ? n - 1 : n;
    size_t len = 0;
    for (int i = 0; i < copied; i++) len += iov[i].iov_len;
    uint8_t *at = arena_room(s, len);
    if (!at) return -1;
    replay_entry *e = &s->log[s->log_count++];
    *e = (replay_entry){seq, type, flags, s->log_used, len, NULL, 0};
    for (int i = 0; i < copied; i++) {
        if (iov[i].iov_len) memcpy(at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    if (borrow) {
        e->borrowed = iov[n - 1].iov_base;
        e->borrowed_len = iov[n - 1].iov_len;
    }
    s->log_used += len;
    s->log_bytes += len;
    return 0;
}

/* A reply to through (or a resume's lastHandledSeq) acknowledges every request up to it. */
static void log_ack(orion_session *s, uint32_t through) {
    size_t k = 0;
    while (k < s->log_count && !after(s->log[k].seq, through)) {
        s->log_bytes -= s->log[k].len;
        k++;
    }
    if (k == s->log_count) {
        s->log_count = 0;
        s->log_used = 0; /* the arena is reused from its start */
    } else if (k) {
        /* the acknowledged entries' bytes stay in the arena until the log empties */
        memmove(s->log, s->log + k, (s->log_count - k) * sizeof *s->log);
        s->log_count -= k;
    }
}

static void log_drop_last(orion_session *s) {
    if (!s->log_count) return;
    replay_entry *e = &s->log[--s->log_count];
    s->log_bytes -= e->len;
    if (e->off + e->len == s->log_used) s->log_used = e->off;
}

/*
 * What a resume sends again, in frames the new connection carries (its max_payload may be smaller
 * than the old one's: TCP's 1 MiB copy chunks do not fit shm's frames). A COPY_HTOD that no longer
 * fits is cut into COPY_HTODs of consecutive ranges on the same stream; everything is numbered
 * consecutively from the server's lastHandledSeq. The server handled nothing after it and keeps
 * no number of what it did not handle, so each piece runs once and in order; entries keep their
 * numbers unless one before them was cut. Then s->seq is the last number given, so the next
 * request (the interrupted call, when it goes again) takes the one after it. -1 (err says why)
 * when a request cannot be cut (none that is queued is that large: a launch's arguments are at
 * most 32 KiB, and every connection carries 64 KiB) or memory runs out.
 */
static int log_refit(orion_session *s, uint32_t handled, char *err, size_t errlen) {
    uint32_t seq = handled;
    size_t pieces = 0, arena = 0;
    int cut = 0;
    for (size_t i = 0; i < s->log_count; i++) {
        const replay_entry *e = &s->log[i];
        size_t payload = e->len - ORV_HEADER_SIZE + e->borrowed_len;
        if (payload <= s->max_payload) {
            pieces++;
            arena += e->len;
            continue;
        }
        if (!cuttable(e->type, e->flags) || e->len < ORV_HEADER_SIZE + HTOD_FIELDS || s->max_payload <= HTOD_FIELDS) {
            snprintf(err, errlen, "a queued %s of %zu payload bytes (request %u) does not fit in a frame of the new connection "
                                  "(%u bytes) and cannot be cut", orv_type_name(e->type), payload, e->seq, s->max_payload);
            return -1;
        }
        size_t room = s->max_payload - HTOD_FIELDS, data = payload - HTOD_FIELDS, n = (data + room - 1) / room;
        pieces += n;
        arena += n * (ORV_HEADER_SIZE + HTOD_FIELDS) + (e->borrowed ? 0 : data);
        cut = 1;
    }
    if (!cut) { /* the usual case: every entry fits, numbers in place */
        for (size_t i = 0; i < s->log_count; i++) {
            seq = next_seq(seq);
            s->log[i].seq = seq;
            put_le32(s->log_arena + s->log[i].off + 8, seq);
        }
        s->seq = seq;
        return 0;
    }
    /* a fresh log and arena: the pieces' bytes are laid out anew, the old ones freed after */
    size_t cap = pieces > s->log_cap ? pieces : s->log_cap;
    replay_entry *log = malloc(cap * sizeof *log);
    uint8_t *bytes = malloc(arena);
    if (!log || !bytes) {
        free(log);
        free(bytes);
        snprintf(err, errlen, "out of memory cutting %zu queued requests to the new connection's frames", s->log_count);
        return -1;
    }
    size_t used = 0, n = 0;
    for (size_t i = 0; i < s->log_count; i++) {
        const replay_entry *e = &s->log[i];
        const uint8_t *old = s->log_arena + e->off;
        size_t payload = e->len - ORV_HEADER_SIZE + e->borrowed_len;
        if (payload <= s->max_payload) {
            uint8_t *at = bytes + used;
            memcpy(at, old, e->len);
            seq = next_seq(seq);
            put_le32(at + 8, seq);
            log[n] = *e;
            log[n].seq = seq;
            log[n++].off = used;
            used += e->len;
            continue;
        }
        const uint8_t *fields = old + ORV_HEADER_SIZE;
        const uint8_t *data = e->borrowed ? e->borrowed : fields + HTOD_FIELDS;
        uint64_t dst = get_le64(fields + HTOD_DST);
        size_t room = s->max_payload - HTOD_FIELDS, total = payload - HTOD_FIELDS;
        for (size_t off = 0; off < total; off += room) {
            size_t k = total - off < room ? total - off : room;
            uint8_t *at = bytes + used;
            memcpy(at, old, ORV_HEADER_SIZE + HTOD_FIELDS); /* the header (version, flags, type, session) and fields */
            seq = next_seq(seq);
            put_le32(at + 8, seq);
            put_le32(at + 12, (uint32_t)(HTOD_FIELDS + k));
            put_le64(at + ORV_HEADER_SIZE + HTOD_DST, dst + off);
            size_t kept = ORV_HEADER_SIZE + HTOD_FIELDS;
            if (!e->borrowed) {
                memcpy(at + kept, data + off, k);
                kept += k;
            }
            log[n++] = (replay_entry){seq, e->type, e->flags, used, kept, e->borrowed ? data + off : NULL, e->borrowed ? k : 0};
            used += kept;
        }
    }
    OLOG_D("cut %zu queued requests into %zu to fit frames of %u bytes, numbered %u to %u", s->log_count, n, s->max_payload,
           next_seq(handled), seq);
    free(s->log);
    free(s->log_arena);
    s->log = log;
    s->log_cap = cap;
    s->log_count = n;
    s->log_arena = bytes;
    s->log_arena_cap = arena;
    s->log_used = used;
    s->log_bytes = used;
    s->seq = seq;
    return 0;
}

void sess_unborrow(orion_session *s) {
    for (size_t i = 0; i < s->log_count; i++) {
        replay_entry *e = &s->log[i];
        if (!e->borrowed) continue;
        /* the entry's kept bytes and the tail, together at the arena's end */
        uint8_t *at = arena_room(s, e->len + e->borrowed_len);
        if (!at) {
            lost(s, "out of memory keeping a copy's data to send again after a resume");
            return;
        }
        memmove(at, s->log_arena + e->off, e->len);
        memcpy(at + e->len, e->borrowed, e->borrowed_len);
        e->off = s->log_used;
        e->len += e->borrowed_len;
        s->log_used += e->len;
        s->log_bytes += e->borrowed_len;
        e->borrowed = NULL;
        e->borrowed_len = 0;
    }
}

/* ---- frames ---------------------------------------------------------------------------------- */

orv_writer *sess_begin(orion_session *s) {
    pthread_mutex_lock(&s->lock);
    orv_begin(&s->w);
    return &s->w;
}

orv_writer *sess_next(orion_session *s) {
    orv_begin(&s->w);
    return &s->w;
}

void sess_end(orion_session *s) { pthread_mutex_unlock(&s->lock); }

static int raw_send(orion_session *s, const struct iovec *iov, int n) {
    if (s->ch->send(s->ch, iov, n, s->transport_error, sizeof s->transport_error)) return FAILED;
    return 0;
}

/*
 * Reads frames until the reply to seq. Error replies to earlier asynchronous requests are latched;
 * every reply acknowledges what was sent before it. FAILED when the transport broke; ORION_ERR_LOST
 * when the server broke the protocol (that is not resumed).
 */
static int await_raw(orion_session *s, uint16_t type, uint32_t seq, orv_reply *reply, sess_more_fn more, void *ctx) {
    for (;;) {
        const uint8_t *f;
        size_t n;
        uint32_t limit = s->id ? s->max_payload : ORV_HELLO_MAX_PAYLOAD;
        if (s->ch->recv(s->ch, limit, &f, &n, s->transport_error, sizeof s->transport_error)) return FAILED;
        char err[512];
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
            if (reply->status == 0 || !after(seq, h.seq)) {
                snprintf(err, sizeof err, "a reply to request %u arrived while waiting for %u", h.seq, seq);
                return lost(s, err);
            }
            keep_pending(s, reply->status, h.seq, reply->message);
            log_ack(s, h.seq);
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
        if (seq) { /* HELLO's seq 0 is outside the numbering */
            log_ack(s, seq);
            s->last_reply_seq = seq;
        }
        if (reply->status) OLOG_D("%s %u refused with %d: %s", orv_type_name(type), seq, reply->status, reply->message);
        return reply->status;
    }
}

/* ---- resuming -------------------------------------------------------------------------------- */

/*
 * HELLO with RESUME on a fresh channel, then the unhandled asynchronous requests again, cut to the
 * new connection's frames and numbered on from what the server handled (log_refit). Returns
 * the last request the server handled; -1 when the session cannot be resumed at all (err says
 * why); -2 when this channel failed (another endpoint may do).
 */
static long resume_on(orion_session *s, orion_channel *ch, char *err, size_t errlen) {
    /* the HELLO the session opened with, as a resume: flags, session and last reply patched in */
    size_t plen = s->hello_w.len - ORV_HEADER_SIZE;
    uint8_t frame[ORV_HEADER_SIZE + ORV_HELLO_MAX_PAYLOAD];
    if (plen > ORV_HELLO_MAX_PAYLOAD) {
        snprintf(err, errlen, "the HELLO is too large to resume with");
        return -1;
    }
    memcpy(frame + ORV_HEADER_SIZE, s->hello_w.buf + ORV_HEADER_SIZE, plen);
    uint8_t *p = frame + ORV_HEADER_SIZE;
    p[2] = 1; /* RESUME */
    for (int i = 0; i < 8; i++) p[3 + i] = (uint8_t)(s->id >> (8 * i));
    for (int i = 0; i < 4; i++) p[11 + i] = (uint8_t)(s->last_reply_seq >> (8 * i));
    orv_header h = {ORV_VERSION, 0, ORV_HELLO, 0, (uint32_t)plen, s->id};
    orv_header_write(frame, &h);
    orion_channel *old = s->ch;
    s->ch = ch;
    struct iovec iov = {frame, ORV_HEADER_SIZE + plen};
    orv_reply r;
    int rc = raw_send(s, &iov, 1);
    if (rc == 0) rc = await_raw(s, ORV_HELLO, 0, &r, NULL, NULL);
    if (rc == FAILED) {
        snprintf(err, errlen, "%s", s->transport_error);
        ch->close(ch);
        s->ch = old;
        return -2;
    }
    if (rc) {
        snprintf(err, errlen, rc == ORION_ERR_LOST ? "%s" : "the server refused to resume the session: %s",
                 rc == ORION_ERR_LOST ? s->broken_why : r.message);
        return -1;
    }
    orv_hello_ok ok;
    if (orv_res_hello_ok(&r.result, &ok) || ok.session != s->id || !(ok.flags & 1)) {
        snprintf(err, errlen, "the server's answer to the resume is not a resumed session: %s", r.result.err);
        return -1;
    }
    uint64_t frame_limit = ch->max_frame - ORV_HEADER_SIZE;
    s->max_payload = ok.max_payload < frame_limit ? ok.max_payload : (uint32_t)frame_limit;
    /* a new connection has a new region (or none): pieces of the old one mean nothing to it */
    s->region = ch->region ? region_create(ch->region, ch->region_size) : NULL;
    s->region_epoch++;
    log_ack(s, ok.last_handled_seq);
    for (size_t i = 0; i < s->log_count; i++) {
        if (uses_region(s->log[i].type, s->log[i].flags)) {
            snprintf(err, errlen, "queued copies between pinned memory and the device (request %u) were in flight when "
                                  "the connection broke; the new connection's memory does not hold their data", s->log[i].seq);
            return -1;
        }
    }
    /* in frames this connection carries, numbered on from what the server handled */
    if (log_refit(s, ok.last_handled_seq, err, errlen)) return -1;
    for (size_t i = 0; i < s->log_count; i++) {
        const replay_entry *e = &s->log[i];
        struct iovec parts[2] = {{s->log_arena + e->off, e->len}, {(void *)e->borrowed, e->borrowed_len}};
        if (raw_send(s, parts, e->borrowed ? 2 : 1)) {
            snprintf(err, errlen, "%s", s->transport_error);
            return -2; /* the log is intact: the next connection sends it all again */
        }
    }
    return (long)ok.last_handled_seq;
}

/* Connects again and resumes; the last request the server handled, or -1 (the session is lost). */
static long recover(orion_session *s) {
    char reason[512];
    snprintf(reason, sizeof reason, "%s", s->transport_error);
    if (s->resume_ms <= 0 || !s->connect || !s->endpoint_count) {
        lost(s, reason);
        return -1;
    }
    OLOG_W("the connection to Orion server %s at %s broke (%s); resuming the session", s->server, s->ch->endpoint, reason);
    s->ch->close(s->ch);
    long long start = now_ms(), deadline = start + s->resume_ms;
    long backoff = 10;
    char last[512];
    snprintf(last, sizeof last, "%s", reason);
    while (now_ms() < deadline) {
        for (int i = 0; i < s->endpoint_count; i++) {
            int k = (s->current_endpoint + i) % s->endpoint_count;
            orion_channel *ch = s->connect(s->endpoints[k], last, sizeof last);
            if (!ch) continue;
            long handled = resume_on(s, ch, last, sizeof last);
            if (handled == -1) {
                lost(s, last);
                return -1;
            }
            if (handled >= 0) {
                s->current_endpoint = k;
                s->resumes++;
                OLOG_I("resumed the session with %s over %s after %lld ms (it had handled up to request %ld)", s->server,
                       s->ch->endpoint, now_ms() - start, handled);
                return handled;
            }
        }
        struct timespec t = {0, backoff * 1000000L};
        nanosleep(&t, NULL);
        backoff = backoff * 2 > 200 ? 200 : backoff * 2;
    }
    char msg[800];
    snprintf(msg, sizeof msg, "%s; could not resume within %d ms: %s", reason, s->resume_ms, last);
    lost(s, msg);
    return -1;
}

/* ---- calls ----------------------------------------------------------------------------------- */

static int flush_log(orion_session *s) {
    orv_begin(&s->w);
    orv_reply r;
    int rc = sess_call(s, ORV_PING, NULL, 0, &r, NULL, NULL);
    return rc == ORION_ERR_REDO ? 0 : rc;
}

/* A request too large for a frame of the connection that cannot be cut: the reason, logged (the
 * callers size what they send, so this is the client's mistake, not the program's). */
static void too_large(orion_session *s, uint16_t type, size_t payload, char *why, size_t whylen) {
    char msg[256];
    snprintf(msg, sizeof msg, "a %s of %zu payload bytes exceeds the connection's frame limit of %u bytes", orv_type_name(type),
             payload, s->max_payload);
    OLOG_E("%s", msg);
    if (why) snprintf(why, whylen, "%s", msg);
}

/* The asynchronous request in s->w, numbered, kept and sent as it is: it fits a frame. */
static int post_frame(orion_session *s, uint16_t type, const void *tail, size_t tail_len, int borrow) {
    s->seq = next_seq(s->seq);
    if (orv_finish(&s->w, type, ORV_ASYNC, s->seq, s->id, tail_len)) return 2; /* out of memory */
    struct iovec iov[2] = {{s->w.buf, s->w.len}, {(void *)tail, tail_len}};
    int n = tail_len ? 2 : 1;
    int logged = log_add(s, s->seq, type, ORV_ASYNC, iov, n, borrow && tail_len) == 0 && s->resume_ms > 0;
    if (raw_send(s, iov, n) == FAILED) {
        int region = uses_region(type, 0);
        if (region && logged) log_drop_last(s); /* done again by the caller, on the new connection */
        if (recover(s) < 0) return ORION_ERR_LOST;
        if (region) return ORION_ERR_REDO;
        if (!logged) return lost(s, "an asynchronous request could not be kept to be sent again");
    }
    if (s->log_bytes > LOG_MAX_BYTES || s->log_count > LOG_MAX_ENTRIES) return flush_log(s);
    return 0;
}

/*
 * Posts the leading piece of the COPY_HTOD in s->w whose *tail does not fit a frame: as much data
 * as a frame of the connection carries now, as a copy of its own; then leaves the rest in s->w
 * (dst moved on) and *tail. Sizes are taken per piece: posting may resume the session on a
 * connection with other frames.
 */
static int post_leading_piece(orion_session *s, const uint8_t **tail, size_t *tail_len, int borrow) {
    uint8_t fields[HTOD_FIELDS];
    memcpy(fields, s->w.buf + ORV_HEADER_SIZE, HTOD_FIELDS);
    size_t k = s->max_payload - HTOD_FIELDS;
    int rc = post_frame(s, ORV_COPY_HTOD, *tail, k, borrow);
    if (rc) return rc;
    put_le64(fields + HTOD_DST, get_le64(fields + HTOD_DST) + k);
    orv_begin(&s->w); /* a round trip (flush_log) may have written s->w meanwhile */
    orv_put_raw(&s->w, fields, HTOD_FIELDS);
    *tail += k;
    *tail_len -= k;
    return 0;
}

/* Whether the request in s->w is a COPY_HTOD that can be cut to the connection's frames. */
static int can_cut(const orion_session *s, uint16_t type, uint8_t flags) {
    return cuttable(type, flags) && s->w.len == ORV_HEADER_SIZE + HTOD_FIELDS && s->max_payload > HTOD_FIELDS;
}

/* Every frame fits the connection it goes out on: a COPY_HTOD too large goes as copies of
 * consecutive ranges, any other request too large is refused before anything of it is sent. */
static int post(orion_session *s, uint16_t type, const void *tail, size_t tail_len, int borrow) {
    if (s->broken) return ORION_ERR_LOST;
    const uint8_t *rest = tail;
    for (;;) {
        size_t payload = s->w.len - ORV_HEADER_SIZE + tail_len;
        if (payload <= s->max_payload) return post_frame(s, type, rest, tail_len, borrow);
        if (!can_cut(s, type, 0)) {
            too_large(s, type, payload, NULL, 0);
            return 1; /* CUDA_ERROR_INVALID_VALUE */
        }
        int rc = post_leading_piece(s, &rest, &tail_len, borrow);
        if (rc) return rc;
    }
}

int sess_post(orion_session *s, uint16_t type, const void *tail, size_t tail_len) {
    return post(s, type, tail, tail_len, 0);
}

int sess_post_borrowed(orion_session *s, uint16_t type, const void *tail, size_t tail_len) {
    return post(s, type, tail, tail_len, 1);
}

/*
 * Makes the synchronous request in s->w and c fit a frame of the connection: the leading pieces of
 * a COPY_HTOD too large are posted (borrowed: the caller's data stays unchanged until the call
 * returns, and the last piece's reply acknowledges them), the last piece stays to be the call.
 * NO_FIT for any other request too large (a module image, which may take the region instead).
 */
static int fit_call(orion_session *s, sess_call_state *c) {
    while (s->w.len - ORV_HEADER_SIZE + c->tail_len > s->max_payload) {
        if (!can_cut(s, c->type, c->flags)) return NO_FIT;
        const uint8_t *rest = c->tail;
        int rc = post_leading_piece(s, &rest, &c->tail_len, 1);
        if (rc) return rc;
        c->tail = rest;
    }
    return 0;
}

static int send_request(orion_session *s, const sess_call_state *c) {
    struct iovec iov[2] = {{s->w.buf, s->w.len}, {(void *)c->tail, c->tail_len}};
    return raw_send(s, iov, c->tail_len ? 2 : 1);
}

/* Numbers and sends the synchronous request written in s->w, in frames that fit (fit_call).
 * Non-zero: refused before it went out (nothing to wait for; NO_FIT when it is too large). A failed
 * send is kept in c->rc: call_wait resumes the session first. */
static int call_send(orion_session *s, sess_call_state *c) {
    if (s->broken) return ORION_ERR_LOST;
    int rc = fit_call(s, c);
    if (rc) return rc;
    s->seq = next_seq(s->seq);
    c->seq = s->seq;
    if (orv_finish(&s->w, c->type, c->flags, c->seq, s->id, c->tail_len)) return 2;
    c->rc = send_request(s, c);
    return 0;
}

/* Waits for the reply to what call_send sent; when the connection breaks, resumes the session and
 * sends the request again, asks again for data, or reads the reply the server kept. */
static int call_wait(orion_session *s, sess_call_state *c, orv_reply *reply, sess_more_fn more, void *ctx) {
    int region = uses_region(c->type, c->flags), redo = 0, kept = 0, rc = c->rc;
    for (;;) {
        if (rc == 0) rc = await_raw(s, c->type, c->seq, reply, kept ? NULL : more, ctx);
        if (rc != FAILED) return redo ? ORION_ERR_REDO : rc;
        uint64_t epoch = s->region_epoch;
        long handled = recover(s);
        if (handled < 0) return ORION_ERR_LOST;
        /* through the region: the new connection has another one, so the caller does it all again,
         * but only once the reply the server kept of a request it did handle has been read (it
         * would be taken for the reply of another request otherwise) */
        if (region && s->region_epoch != epoch) redo = 1;
        kept = 0;
        if (after(c->seq, (uint32_t)handled)) {
            if (redo) return ORION_ERR_REDO;
            /* the server never saw it: the same request again, numbered after what the resume sent
             * again (which may have been cut into more requests), in frames of the new connection; a
             * request that cannot be cut and no longer fits is left to the caller (a module image
             * then takes the new connection's region) */
            int fit = fit_call(s, c);
            if (fit) return fit == NO_FIT ? ORION_ERR_REDO : fit;
            s->seq = next_seq(s->seq);
            c->seq = s->seq;
            if (orv_finish(&s->w, c->type, c->flags, c->seq, s->id, c->tail_len)) return 2;
            rc = send_request(s, c);
        } else if (more) {
            /* handled, but a data reply is not kept by the server: ask again */
            s->seq = next_seq(s->seq);
            c->seq = s->seq;
            orv_finish(&s->w, c->type, c->flags, c->seq, s->id, c->tail_len);
            rc = send_request(s, c);
        } else {
            kept = 1; /* handled: the server sends its kept reply right after HELLO_OK */
            rc = 0;
        }
    }
}

static int call_frame(orion_session *s, uint16_t type, uint8_t flags, const void *tail, size_t tail_len, orv_reply *reply,
                      sess_more_fn more, void *ctx) {
    sess_call_state c = {type, flags, 0, tail, tail_len, 0};
    int rc = call_send(s, &c);
    if (rc == NO_FIT) {
        reply->status = 1; /* CUDA_ERROR_INVALID_VALUE, with the reason as the reply's message */
        reply->deferred_status = 0;
        too_large(s, type, s->w.len - ORV_HEADER_SIZE + c.tail_len, reply->message, sizeof reply->message);
        return 1;
    }
    return rc ? rc : call_wait(s, &c, reply, more, ctx);
}

int sess_call_start(orion_session *s, uint16_t type) {
    s->started = (sess_call_state){type, 0, 0, NULL, 0, 0};
    int rc = call_send(s, &s->started);
    if (rc == NO_FIT) {
        too_large(s, type, s->w.len - ORV_HEADER_SIZE, NULL, 0);
        return 1;
    }
    return rc;
}

int sess_call_finish(orion_session *s, orv_reply *reply) { return call_wait(s, &s->started, reply, NULL, NULL); }

int sess_call(orion_session *s, uint16_t type, const void *tail, size_t tail_len, orv_reply *reply, sess_more_fn more,
              void *ctx) {
    return call_frame(s, type, 0, tail, tail_len, reply, more, ctx);
}

int sess_call_indirect(orion_session *s, uint16_t type, uint64_t off, uint64_t len, orv_reply *reply) {
    orv_begin(&s->w);
    orv_req_indirect(&s->w, off, len);
    return call_frame(s, type, ORV_INDIRECT, NULL, 0, reply, NULL, NULL);
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
    orv_writer_init(&s->hello_w);
    orv_begin(&s->hello_w);
    orv_req_hello(&s->hello_w, hello);
    /* HELLO is outside the session's numbering: it goes with seq 0 and its reply echoes that */
    orv_finish(&s->hello_w, ORV_HELLO, 0, 0, 0, 0);
    struct iovec iov = {s->hello_w.buf, s->hello_w.len};
    orv_reply r;
    int rc = s->hello_w.failed ? 2 : raw_send(s, &iov, 1);
    if (rc == 0) rc = await_raw(s, ORV_HELLO, 0, &r, NULL, NULL);
    if (rc) {
        *status = rc == FAILED ? ORION_ERR_LOST : rc;
        if (rc == FAILED) snprintf(err, errlen, "%s", s->transport_error);
        else if (rc == ORION_ERR_LOST) snprintf(err, errlen, "%s", s->broken_why);
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
    orv_writer_free(&s->hello_w);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return NULL;
}

void sess_set_resume(orion_session *s, const char *const *endpoints, int count, int current, sess_connect_fn connect,
                     int resume_ms) {
    s->endpoint_count = 0;
    for (int i = 0; i < count && i < SESSION_ENDPOINTS; i++)
        snprintf(s->endpoints[s->endpoint_count++], sizeof s->endpoints[0], "%s", endpoints[i]);
    s->current_endpoint = current >= 0 && current < s->endpoint_count ? current : 0;
    s->connect = connect;
    s->resume_ms = resume_ms;
}

void sess_close(orion_session *s, int lock_wait) {
    if (lock_wait) pthread_mutex_lock(&s->lock);
    else if (pthread_mutex_trylock(&s->lock)) {
        s->ch->close(s->ch);
        return;
    }
    if (!s->broken) {
        s->resume_ms = 0; /* at the end, a broken connection is not worth waiting for */
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
