/*
 * The shared file's layout and its two rings (docs/protocol.md §6.2, §6.3), with every value the
 * other side wrote checked before use. Each side keeps its own ring position privately and only
 * publishes it, so a peer scribbling over the file gets refused, never followed.
 */
#ifndef ORION_SHM_LAYOUT_H
#define ORION_SHM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define SHM_MAGIC "ORVGSHM1"
#define SHM_LAYOUT_VERSION 1
#define SHM_CONTROL_BYTES 4096
#define SHM_RING_HEADER 512
#define SHM_REGION_ALIGN (2u << 20)

enum {
    SHM_OFF_MAGIC = 0, SHM_OFF_VERSION = 8, SHM_OFF_CONTROL_SIZE = 12, SHM_OFF_REQ_OFFSET = 16, SHM_OFF_REQ_CAP = 24,
    SHM_OFF_REP_OFFSET = 32, SHM_OFF_REP_CAP = 40, SHM_OFF_REGION_OFFSET = 48, SHM_OFF_REGION_SIZE = 56,
    SHM_OFF_SERVER_PID = 64, SHM_OFF_CLIENT_PID = 68, SHM_OFF_SERVER_CLOSED = 72, SHM_OFF_CLIENT_CLOSED = 76,
};

typedef struct shm_layout {
    uint64_t request_offset, request_capacity;
    uint64_t reply_offset, reply_capacity;
    uint64_t region_offset, region_size;
} shm_layout;

/* Checks the control block of a mapped file of file_size bytes; -1 naming the bad field. */
int shm_layout_read(const uint8_t *map, uint64_t file_size, shm_layout *out, char *err, size_t errlen);
/* Writes a control block for the given capacities (what the server does; the tests use it). */
void shm_layout_init(uint8_t *map, uint64_t request_capacity, uint64_t reply_capacity, uint64_t region_size, shm_layout *out);
uint64_t shm_layout_file_size(uint64_t request_capacity, uint64_t reply_capacity, uint64_t region_size);

typedef struct shm_ring_header {
    uint64_t tail;                 /* bytes ever published (producer) */
    uint8_t pad0[120];
    uint64_t head;                 /* bytes ever released (consumer) */
    uint8_t pad1[120];
    uint32_t consumer_waiting;
    uint8_t pad2[124];
    uint32_t producer_waiting;
    uint8_t pad3[124];
} shm_ring_header;

typedef struct shm_ring {
    shm_ring_header *hdr;
    uint8_t *data;
    uint64_t capacity, mask;
    uint64_t tail, head;           /* this side's own view of both positions */
    const uint8_t *frame;          /* consumer: the frame the last poll found */
    size_t frame_len;
    uint64_t pending_end;
    uint64_t published_head;       /* consumer: the head as last written into the file */
} shm_ring;

void shm_ring_attach(shm_ring *r, uint8_t *at, uint64_t capacity);
/* A quarter of the ring, less the record header: the largest frame it carries. */
size_t shm_ring_max_frame(uint64_t capacity);

/* Producer. */
int shm_ring_space_needed(const shm_ring *r, size_t frame_len, size_t *need, char *err, size_t errlen);
/* Free bytes, from the consumer's head as it is in the file now (checked). */
long long shm_ring_free(shm_ring *r, char *err, size_t errlen);
/* 1 when need bytes are free, 0 when not, -1 when the ring is corrupt. The consumer's head is read
 * from the file only when the one last read does not leave room: the line holding it is written
 * by the other side after every frame, and reading it costs a cache miss each time. */
int shm_ring_has_room(shm_ring *r, size_t need, char *err, size_t errlen);
void shm_ring_write(shm_ring *r, const struct iovec *iov, int n, size_t frame_len);

/* Consumer: 1 with r->frame set, 0 when nothing is published, -1 when the ring is corrupt. */
int shm_ring_poll(shm_ring *r, char *err, size_t errlen);
/* Gives the polled frame's space back and publishes the new head. */
void shm_ring_release(shm_ring *r);
/* Gives the polled frame's space back without publishing it yet (shm_ring_publish does). */
void shm_ring_consume(shm_ring *r);
/* Writes the consumer's head into the file. */
void shm_ring_publish(shm_ring *r);

#endif
