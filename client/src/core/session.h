/*
 * One session with one server (docs/protocol.md §5) over one channel: sequence numbers, calls
 * that wait for their reply, asynchronous calls that do not, and the latched asynchronous error
 * that the next synchronizing call raises, as CUDA raises its own asynchronous errors.
 *
 * A call holds the session's lock from sess_begin to sess_end: frames of one call go out
 * together and the reply's bytes (which live in the channel's buffer) stay valid until sess_end.
 *
 * When the connection breaks, the session connects again (through each of its endpoints in
 * turn), resumes (HELLO with RESUME), sends again the asynchronous requests the server had not
 * handled (it keeps them until a reply acknowledges them), and the interrupted call carries on:
 * the program does not notice (§5.3).
 *
 * Every frame fits the connection it goes out on. Connections differ in the largest frame they
 * carry (HELLO_OK's maxPayload: over shm a quarter of the smaller ring, over TCP and rdma as
 * configured), so a request may not fit the connection a resume moved the session to: a COPY_HTOD
 * then goes as COPY_HTODs of consecutive ranges that do, and what a resume sends again is numbered
 * on from the last request the server handled. Any other request too large is refused before it
 * goes out (none is, but a module image, which the caller sends through the region instead).
 */
#ifndef ORION_SESSION_H
#define ORION_SESSION_H

#include <pthread.h>
#include <stdint.h>

#include "net/channel.h"
#include "wire/wire.h"

/* A lost connection that could not be resumed: every later call on the session fails with this CUresult. */
#define ORION_ERR_LOST 46 /* CUDA_ERROR_DEVICE_UNAVAILABLE */
/* A call that used the shared region was interrupted and the session resumed on another connection
 * (with another region, or none): the caller does its operation again from the start. */
#define ORION_ERR_REDO (-3)

#define SESSION_ENDPOINTS 3 /* shm, rdma, tcp */

struct orion_region;
struct orion_session;

/* Opens a fresh channel to an endpoint (for resuming); NULL with the reason in err. */
typedef orion_channel *(*sess_connect_fn)(const char *endpoint, char *err, size_t errlen);

/* An asynchronous request kept for a resume: its bytes in the log's arena (header and fixed
 * fields, and the tail unless it is borrowed), then the borrowed tail, if any. */
typedef struct replay_entry {
    uint32_t seq;
    uint16_t type;
    uint8_t flags;
    size_t off, len;             /* the kept bytes: log_arena[off, off + len) */
    const uint8_t *borrowed;     /* the caller's tail (sess_post_borrowed), sent after the kept bytes */
    size_t borrowed_len;
} replay_entry;

/* A synchronous request on its way: what it takes to send it again after a resume. */
typedef struct sess_call_state {
    uint16_t type;
    uint8_t flags;
    uint32_t seq;
    const void *tail;
    size_t tail_len;
    int rc;                      /* how sending it went */
} sess_call_state;

typedef struct orion_session {
    pthread_mutex_t lock;
    orion_channel *ch;
    uint64_t id;
    uint32_t seq;
    uint32_t max_payload;        /* largest payload a frame may carry on this connection */
    uint16_t device_count;
    char server[256];            /* the server's name from HELLO_OK */
    orv_writer w;
    int broken;
    char broken_why[512];
    char transport_error[512];   /* why the channel failed last (the lock guards it, as the rest) */
    int32_t pending_status;      /* the first asynchronous error not yet raised */
    uint32_t pending_seq;
    char pending_message[512];
    struct orion_region *region; /* shm only: the payload region's allocator */

    /* resuming */
    char endpoints[SESSION_ENDPOINTS][512];
    int endpoint_count, current_endpoint;
    sess_connect_fn connect;
    int resume_ms;               /* how long to try; 0 disables resuming */
    orv_writer hello_w;          /* the HELLO's payload, kept to resume with */
    uint32_t last_reply_seq;
    replay_entry *log;           /* asynchronous requests not acknowledged yet, oldest first */
    size_t log_count, log_cap;
    uint8_t *log_arena;          /* their bytes, one after the other: no allocation per request */
    size_t log_used, log_arena_cap;
    size_t log_bytes;            /* bytes the log keeps (borrowed tails are not kept) */
    int resumes;
    uint64_t region_epoch;       /* changes whenever the session's region does */
    sess_call_state started;     /* the call between sess_call_start and sess_call_finish */
} orion_session;

/*
 * Opens a session on a fresh channel (which the session then owns). On refusal returns NULL with
 * the server's CUDA status in *status and its message in err; on a transport failure *status is
 * ORION_ERR_LOST.
 */
orion_session *sess_open(orion_channel *ch, const orv_hello *hello, int32_t *status, char *err, size_t errlen);

/* Where to reconnect, in order of preference (the endpoint in use first), and how. */
void sess_set_resume(orion_session *s, const char *const *endpoints, int count, int current, sess_connect_fn connect,
                     int resume_ms);

/* Locks the session and starts a request in s->w; write the payload with orv_req_*. */
orv_writer *sess_begin(orion_session *s);
/* Starts another request in s->w, under the lock sess_begin took (once the previous one is sent). */
orv_writer *sess_next(orion_session *s);
void sess_end(orion_session *s);

/* Sends the request without waiting (ASYNC). 0, ORION_ERR_LOST, or ORION_ERR_REDO (a request
 * that uses the region, when the session resumed on another connection before it went out).
 * The request is kept (copied) until a reply acknowledges it, to be sent again after a resume.
 * A COPY_HTOD too large for a frame of the connection goes in pieces, each a request of its own;
 * any other request too large is refused (1, CUDA_ERROR_INVALID_VALUE, logged). */
int sess_post(orion_session *s, uint16_t type, const void *tail, size_t tail_len);

/*
 * As sess_post, but the log keeps only a reference to the tail instead of a copy: for the chunks
 * of a synchronous copy, whose source stays unchanged until the copy's last (synchronous) call
 * has been answered, which acknowledges them. The caller ends with sess_unborrow.
 */
int sess_post_borrowed(orion_session *s, uint16_t type, const void *tail, size_t tail_len);
/* Copies into the log whatever it still borrows (nothing once a reply acknowledged the borrowed
 * requests: the usual case, which costs nothing). Call with the lock held, before the borrowed
 * memory may change (a synchronous copy that failed half way). */
void sess_unborrow(orion_session *s);

/* Called for each frame of a multi-frame reply but the last (COPY_DTOH chunks); non-zero aborts. */
typedef int (*sess_more_fn)(void *ctx, orv_reader *result);

/*
 * Sends the request and waits for its reply. Returns the reply's CUDA status (0 on success, with
 * reply->result ready to read), ORION_ERR_LOST, or ORION_ERR_REDO. A latched asynchronous error
 * the reply carries is kept for sess_take_pending. A COPY_HTOD too large for a frame goes in
 * pieces, the leading ones posted (borrowed: the caller calls sess_unborrow when the call fails)
 * and the last one the call; any other request too large is refused before it goes out (1, the
 * reason in reply->message), or, when a resume moved the session to a connection with smaller
 * frames before the server saw it, gives ORION_ERR_REDO (a MODULE_LOAD then takes the region).
 */
int sess_call(orion_session *s, uint16_t type, const void *tail, size_t tail_len, orv_reply *reply, sess_more_fn more,
              void *ctx);

/*
 * sess_call in two steps, so that the caller works while the server handles the request (a staged
 * copy fills or empties one piece of the region while the server copies the other): start sends
 * the request written in s->w (non-zero: it was refused before it went out, do not finish it);
 * finish waits for the reply and returns what sess_call would. No other request in between.
 */
int sess_call_start(orion_session *s, uint16_t type);
int sess_call_finish(orion_session *s, orv_reply *reply);

/* As sess_call, for a payload written at region offset off (INDIRECT, shm only). */
int sess_call_indirect(orion_session *s, uint16_t type, uint64_t off, uint64_t len, orv_reply *reply);

/* The latched asynchronous error (and clears it): what a synchronizing call reports. Holds the lock. */
int sess_take_pending(orion_session *s);

/* Ends the session (GOODBYE, then the connection closes). lock_wait 0 gives up when the lock is
 * held (a signal arrived inside a call): the server then notices the closed connection instead. */
void sess_close(orion_session *s, int lock_wait);

#endif
