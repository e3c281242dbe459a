/* The shared-memory file layout and rings (protocol §6.2, §6.3): records that wrap with padding,
 * limits, and positions a hostile peer wrote, refused. Both ends are played here on one buffer. */
#include <stdlib.h>
#include <string.h>

#include "../src/net/shm_layout.h"
#include "check.h"

#define CAP 4096

static uint8_t *ring_memory(void) { return calloc(1, SHM_RING_HEADER + CAP); }

static void frames_pass_in_order_across_the_end(void) {
    uint8_t *mem = ring_memory();
    shm_ring prod, cons;
    shm_ring_attach(&prod, mem, CAP);
    shm_ring_attach(&cons, mem, CAP);
    char err[200];
    unsigned next_in = 0, next_out = 0;
    /* frames of varying sizes, many times round the ring, consumed as they come */
    for (int round = 0; round < 2000; round++) {
        size_t len = 24 + (round * 37) % 900;
        uint8_t frame[1024];
        memset(frame, (int)(next_in & 0xff), len);
        memcpy(frame, &next_in, sizeof next_in);
        size_t need;
        CHECK(shm_ring_space_needed(&prod, len, &need, err, sizeof err) == 0, "%s", err);
        while (shm_ring_free(&prod, err, sizeof err) < (long long)need) {
            CHECK(shm_ring_poll(&cons, err, sizeof err) == 1, "the ring is full but nothing can be read: %s", err);
            unsigned seq;
            memcpy(&seq, cons.frame, sizeof seq);
            CHECK(seq == next_out, "frame %u came where %u was expected", seq, next_out);
            CHECK(cons.frame[cons.frame_len - 1] == (uint8_t)(seq & 0xff), "frame %u's last byte", seq);
            next_out++;
            shm_ring_release(&cons);
        }
        struct iovec iov[2] = {{frame, 10}, {frame + 10, len - 10}};
        shm_ring_write(&prod, iov, 2, len);
        next_in++;
    }
    while (shm_ring_poll(&cons, err, sizeof err) == 1) {
        next_out++;
        shm_ring_release(&cons);
    }
    CHECK(next_out == next_in, "%u frames written, %u read", next_in, next_out);
    CHECK(prod.tail == cons.head && cons.head > 3 * CAP, "positions %llu/%llu", (unsigned long long)prod.tail,
          (unsigned long long)cons.head);
    free(mem);
}

static void frame_limit_is_a_quarter(void) {
    uint8_t *mem = ring_memory();
    shm_ring r;
    shm_ring_attach(&r, mem, CAP);
    size_t need;
    char err[200];
    CHECK(shm_ring_max_frame(CAP) == CAP / 4 - 8, "max frame %zu", shm_ring_max_frame(CAP));
    CHECK(shm_ring_space_needed(&r, CAP / 4 - 8, &need, err, sizeof err) == 0, "the largest frame refused");
    CHECK(shm_ring_space_needed(&r, CAP / 4 - 7, &need, err, sizeof err) != 0 && strstr(err, "exceeds"), "one more byte: %s", err);
    free(mem);
}

static void hostile_positions_refused(void) {
    uint8_t *mem = ring_memory();
    shm_ring cons, prod;
    char err[200];
    shm_ring_attach(&cons, mem, CAP);
    shm_ring_header *h = (shm_ring_header *)mem;
    h->tail = 12; /* not 8-aligned */
    CHECK(shm_ring_poll(&cons, err, sizeof err) == -1 && strstr(err, "corrupt"), "unaligned tail: %s", err);
    h->tail = CAP + 8; /* more than the ring holds */
    CHECK(shm_ring_poll(&cons, err, sizeof err) == -1, "a tail a ring ahead");
    h->tail = 16; /* a record longer than what was published */
    uint32_t len = 500;
    memcpy(mem + SHM_RING_HEADER, &len, 4);
    CHECK(shm_ring_poll(&cons, err, sizeof err) == -1 && strstr(err, "record"), "a record past the tail: %s", err);
    len = 0xFFFFFFFE; /* an absurd length */
    memcpy(mem + SHM_RING_HEADER, &len, 4);
    CHECK(shm_ring_poll(&cons, err, sizeof err) == -1, "an absurd record length");
    /* the producer: a head beyond its tail, or going backwards */
    memset(mem, 0, SHM_RING_HEADER);
    shm_ring_attach(&prod, mem, CAP);
    h->head = 64;
    CHECK(shm_ring_free(&prod, err, sizeof err) < 0 && strstr(err, "head"), "a head beyond the tail: %s", err);
    free(mem);
}

/* The producer reads the consumer's head only when the head it last read leaves no room; the
 * consumer may give space back and write its head later. */
static void head_read_and_written_only_when_needed(void) {
    uint8_t *mem = ring_memory();
    shm_ring prod, cons;
    shm_ring_attach(&prod, mem, CAP);
    shm_ring_attach(&cons, mem, CAP);
    shm_ring_header *h = (shm_ring_header *)mem;
    char err[200];
    uint8_t frame[1000] = {0};
    struct iovec iov = {frame, sizeof frame};
    for (int i = 0; i < 3; i++) shm_ring_write(&prod, &iov, 1, sizeof frame); /* 3 x 1008 of 4096 bytes */
    CHECK(shm_ring_has_room(&prod, 1008, err, sizeof err) == 1, "room for a fourth");
    CHECK(shm_ring_has_room(&prod, 2016, err, sizeof err) == 0, "room for five");
    CHECK(shm_ring_poll(&cons, err, sizeof err) == 1, "a frame to read");
    shm_ring_consume(&cons);
    CHECK(h->head == 0 && cons.head == 1008, "consumed, not yet written back: %llu", (unsigned long long)h->head);
    CHECK(shm_ring_has_room(&prod, 2016, err, sizeof err) == 0, "room the consumer has not given back yet");
    shm_ring_publish(&cons);
    CHECK(h->head == 1008 && cons.published_head == 1008, "written back");
    CHECK(shm_ring_has_room(&prod, 2016, err, sizeof err) == 1 && prod.head == 1008, "room once given back");
    /* the head as last read suffices: a scribbled one is not even looked at... */
    h->head = 99;
    CHECK(shm_ring_has_room(&prod, 8, err, sizeof err) == 1, "a small frame");
    /* ...until it is needed, and then it is refused */
    CHECK(shm_ring_has_room(&prod, 3000, err, sizeof err) == -1 && strstr(err, "corrupt"), "a scribbled head: %s", err);
    free(mem);
}

static void layout_checked(void) {
    uint64_t size = shm_layout_file_size(8192, 4096, 1 << 20);
    uint8_t *map = calloc(1, size);
    shm_layout out, back;
    shm_layout_init(map, 8192, 4096, 1 << 20, &out);
    char err[200];
    CHECK(shm_layout_read(map, size, &back, err, sizeof err) == 0, "%s", err);
    CHECK(back.request_offset == 4096 && back.reply_offset == 4096 + 4096 * 3 && back.region_offset % (2 << 20) == 0
          && back.region_size == (1 << 20), "offsets %llu %llu %llu", (unsigned long long)back.request_offset,
          (unsigned long long)back.reply_offset, (unsigned long long)back.region_offset);
    CHECK(shm_layout_read(map, size - 1, &back, err, sizeof err) != 0 && strstr(err, "smaller"), "a short file: %s", err);
    uint64_t wrong = out.reply_offset + 8;
    memcpy(map + SHM_OFF_REP_OFFSET, &wrong, 8);
    CHECK(shm_layout_read(map, size, &back, err, sizeof err) != 0 && strstr(err, "offsets"), "a moved ring: %s", err);
    memcpy(map + SHM_OFF_REP_OFFSET, &out.reply_offset, 8);
    uint64_t odd = 12345;
    memcpy(map + SHM_OFF_REQ_CAP, &odd, 8);
    CHECK(shm_layout_read(map, size, &back, err, sizeof err) != 0 && strstr(err, "powers of two"), "a capacity: %s", err);
    map[0] = 'X';
    CHECK(shm_layout_read(map, size, &back, err, sizeof err) != 0 && strstr(err, "magic"), "bad magic: %s", err);
    free(map);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(frames_pass_in_order_across_the_end), CASE(frame_limit_is_a_quarter),
                                       CASE(hostile_positions_refused), CASE(head_read_and_written_only_when_needed),
                                       CASE(layout_checked)};
    return check_main("ring", cases, sizeof cases / sizeof cases[0], argc, argv);
}
