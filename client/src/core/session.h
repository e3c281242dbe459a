/*
 * One session with one server (docs/protocol.md §5) over one channel: sequence numbers, calls
 * that wait for their reply, asynchronous calls that do not, and the latched asynchronous error
 * that the next synchronizing call raises, as CUDA raises its own asynchronous errors.
 *
 * A call holds the session's lock from sess_begin to sess_end: frames of one call go out
 * together and the reply's bytes (which live in the channel's buffer) stay valid until sess_end.
 */
#ifndef ORION_SESSION_H
#define ORION_SESSION_H

#include <pthread.h>
#include <stdint.h>

#include "net/channel.h"
#include "wire/wire.h"

/* A lost connection: every later call on the session fails with this CUresult. */
#define ORION_ERR_LOST 46 /* CUDA_ERROR_DEVICE_UNAVAILABLE */

struct orion_region;

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
    int32_t pending_status;      /* the first asynchronous error not yet raised */
    uint32_t pending_seq;
    char pending_message[512];
    struct orion_region *region; /* shm only: the payload region's allocator */
} orion_session;

/*
 * Opens a session on a fresh channel (which the session then owns). On refusal returns NULL with
 * the server's CUDA status in *status and its message in err; on a transport failure *status is
 * ORION_ERR_LOST.
 */
orion_session *sess_open(orion_channel *ch, const orv_hello *hello, int32_t *status, char *err, size_t errlen);

/* Locks the session and starts a request in s->w; write the payload with orv_req_*. */
orv_writer *sess_begin(orion_session *s);
void sess_end(orion_session *s);

/* Sends the request without waiting (ASYNC). 0 or ORION_ERR_LOST. */
int sess_post(orion_session *s, uint16_t type, const void *tail, size_t tail_len);

/* Called for each frame of a multi-frame reply but the last (COPY_DTOH chunks); non-zero aborts. */
typedef int (*sess_more_fn)(void *ctx, orv_reader *result);

/*
 * Sends the request and waits for its reply. Returns the reply's CUDA status (0 on success, with
 * reply->result ready to read), or ORION_ERR_LOST. A latched asynchronous error the reply
 * carries is kept for sess_take_pending.
 */
int sess_call(orion_session *s, uint16_t type, const void *tail, size_t tail_len, orv_reply *reply, sess_more_fn more,
              void *ctx);

/* As sess_call, for a payload written at region offset off (INDIRECT, shm only). */
int sess_call_indirect(orion_session *s, uint16_t type, uint64_t off, uint64_t len, orv_reply *reply);

/* The latched asynchronous error (and clears it): what a synchronizing call reports. Holds the lock. */
int sess_take_pending(orion_session *s);

/* Ends the session (GOODBYE, then the connection closes). lock_wait 0 gives up when the lock is
 * held (a signal arrived inside a call): the server then notices the closed connection instead. */
void sess_close(orion_session *s, int lock_wait);

#endif
