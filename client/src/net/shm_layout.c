#include "net/shm_layout.h"

#include <stdio.h>
#include <string.h>

#define PAD 0xFFFFFFFFu
#define RECORD_HEADER 8

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
static uint64_t align8(uint64_t n) { return (n + 7) & ~(uint64_t)7; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static int ring_capacity_ok(uint64_t c) { return c >= 4096 && c <= (1ull << 30) && (c & (c - 1)) == 0; }

static void compute(uint64_t reqcap, uint64_t repcap, uint64_t region, shm_layout *o) {
    o->request_offset = SHM_CONTROL_BYTES;
    o->request_capacity = reqcap;
    o->reply_offset = align_up(o->request_offset + SHM_RING_HEADER + reqcap, 4096);
    o->reply_capacity = repcap;
    o->region_offset = align_up(o->reply_offset + SHM_RING_HEADER + repcap, SHM_REGION_ALIGN);
    o->region_size = region;
}

uint64_t shm_layout_file_size(uint64_t reqcap, uint64_t repcap, uint64_t region) {
    shm_layout l;
    compute(reqcap, repcap, region, &l);
    return l.region_offset + region;
}

int shm_layout_read(const uint8_t *map, uint64_t file_size, shm_layout *out, char *err, size_t errlen) {
    if (file_size < SHM_CONTROL_BYTES) {
        snprintf(err, errlen, "shared file of %llu bytes has no control block", (unsigned long long)file_size);
        return -1;
    }
    if (memcmp(map + SHM_OFF_MAGIC, SHM_MAGIC, 8)) {
        snprintf(err, errlen, "shared file: bad magic");
        return -1;
    }
    if (rd32(map + SHM_OFF_VERSION) != SHM_LAYOUT_VERSION) {
        snprintf(err, errlen, "shared file: layout version %u, this client speaks %d", rd32(map + SHM_OFF_VERSION), SHM_LAYOUT_VERSION);
        return -1;
    }
    if (rd32(map + SHM_OFF_CONTROL_SIZE) != SHM_CONTROL_BYTES) {
        snprintf(err, errlen, "shared file: control block size %u", rd32(map + SHM_OFF_CONTROL_SIZE));
        return -1;
    }
    uint64_t reqcap = rd64(map + SHM_OFF_REQ_CAP), repcap = rd64(map + SHM_OFF_REP_CAP), region = rd64(map + SHM_OFF_REGION_SIZE);
    if (!ring_capacity_ok(reqcap) || !ring_capacity_ok(repcap)) {
        snprintf(err, errlen, "shared file: ring capacities %llu and %llu are not powers of two in [4 KiB, 1 GiB]",
                 (unsigned long long)reqcap, (unsigned long long)repcap);
        return -1;
    }
    if (region % 4096 || region > (1ull << 44)) {
        snprintf(err, errlen, "shared file: region size %llu", (unsigned long long)region);
        return -1;
    }
    compute(reqcap, repcap, region, out);
    if (rd64(map + SHM_OFF_REQ_OFFSET) != out->request_offset || rd64(map + SHM_OFF_REP_OFFSET) != out->reply_offset
        || rd64(map + SHM_OFF_REGION_OFFSET) != out->region_offset) {
        snprintf(err, errlen, "shared file: offsets do not follow layout version %d", SHM_LAYOUT_VERSION);
        return -1;
    }
    if (file_size < out->region_offset + region) {
        snprintf(err, errlen, "shared file of %llu bytes is smaller than its layout's %llu", (unsigned long long)file_size,
                 (unsigned long long)(out->region_offset + region));
        return -1;
    }
    return 0;
}

void shm_layout_init(uint8_t *map, uint64_t reqcap, uint64_t repcap, uint64_t region, shm_layout *o) {
    compute(reqcap, repcap, region, o);
    memset(map, 0, SHM_CONTROL_BYTES);
    memcpy(map, SHM_MAGIC, 8);
    uint32_t v = SHM_LAYOUT_VERSION, cs = SHM_CONTROL_BYTES;
    memcpy(map + SHM_OFF_VERSION, &v, 4);
    memcpy(map + SHM_OFF_CONTROL_SIZE, &cs, 4);
    memcpy(map + SHM_OFF_REQ_OFFSET, &o->request_offset, 8);
    memcpy(map + SHM_OFF_REQ_CAP, &reqcap, 8);
    memcpy(map + SHM_OFF_REP_OFFSET, &o->reply_offset, 8);
    memcpy(map + SHM_OFF_REP_CAP, &repcap, 8);
    memcpy(map + SHM_OFF_REGION_OFFSET, &o->region_offset, 8);
    memcpy(map + SHM_OFF_REGION_SIZE, &region, 8);
    memset(map + o->request_offset, 0, SHM_RING_HEADER);
    memset(map + o->reply_offset, 0, SHM_RING_HEADER);
}

void shm_ring_attach(shm_ring *r, uint8_t *at, uint64_t capacity) {
    memset(r, 0, sizeof *r);
    r->hdr = (shm_ring_header *)at;
    r->data = at + SHM_RING_HEADER;
    r->capacity = capacity;
    r->mask = capacity - 1;
    r->tail = __atomic_load_n(&r->hdr->tail, __ATOMIC_ACQUIRE);
    r->head = __atomic_load_n(&r->hdr->head, __ATOMIC_ACQUIRE);
    r->published_head = r->head;
}

size_t shm_ring_max_frame(uint64_t capacity) { return (size_t)(capacity / 4 - RECORD_HEADER); }

int shm_ring_space_needed(const shm_ring *r, size_t len, size_t *need, char *err, size_t errlen) {
    if (len > shm_ring_max_frame(r->capacity)) {
        snprintf(err, errlen, "a frame of %zu bytes exceeds the ring's limit of %zu", len, shm_ring_max_frame(r->capacity));
        return -1;
    }
    uint64_t rec = align8(RECORD_HEADER + len);
    uint64_t to_end = r->capacity - (r->tail & r->mask);
    *need = (size_t)(rec <= to_end ? rec : to_end + rec);
    return 0;
}

long long shm_ring_free(shm_ring *r, char *err, size_t errlen) {
    uint64_t h = __atomic_load_n(&r->hdr->head, __ATOMIC_ACQUIRE);
    if (h > r->tail || r->tail - h > r->capacity || (h & 7) || h < r->head) {
        snprintf(err, errlen, "request ring is corrupt: head %llu with tail %llu", (unsigned long long)h, (unsigned long long)r->tail);
        return -1;
    }
    r->head = h;
    return (long long)(r->capacity - (r->tail - h));
}

int shm_ring_has_room(shm_ring *r, size_t need, char *err, size_t errlen) {
    if (r->capacity - (r->tail - r->head) >= need) return 1;
    long long free_bytes = shm_ring_free(r, err, errlen);
    if (free_bytes < 0) return -1;
    return (size_t)free_bytes >= need ? 1 : 0;
}

void shm_ring_write(shm_ring *r, const struct iovec *iov, int n, size_t len) {
    uint64_t rec = align8(RECORD_HEADER + len);
    uint64_t off = r->tail & r->mask;
    uint64_t to_end = r->capacity - off;
    if (rec > to_end) { /* a record never wraps: pad to the end and start over at 0 */
        uint32_t pad = PAD;
        memcpy(r->data + off, &pad, 4);
        r->tail += to_end;
        off = 0;
    }
    uint32_t l32 = (uint32_t)len, zero = 0;
    memcpy(r->data + off, &l32, 4);
    memcpy(r->data + off + 4, &zero, 4);
    uint8_t *at = r->data + off + RECORD_HEADER;
    for (int i = 0; i < n; i++) {
        if (iov[i].iov_len) memcpy(at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    r->tail += rec;
    __atomic_store_n(&r->hdr->tail, r->tail, __ATOMIC_SEQ_CST);
}

int shm_ring_poll(shm_ring *r, char *err, size_t errlen) {
    for (;;) {
        uint64_t t = __atomic_load_n(&r->hdr->tail, __ATOMIC_ACQUIRE);
        uint64_t avail = t - r->head;
        if (t == r->head) return 0;
        if (t < r->head || avail > r->capacity || (t & 7)) {
            snprintf(err, errlen, "reply ring is corrupt: tail %llu with head %llu", (unsigned long long)t, (unsigned long long)r->head);
            return -1;
        }
        uint64_t off = r->head & r->mask;
        uint32_t len;
        memcpy(&len, r->data + off, 4);
        if (len == PAD) {
            uint64_t skip = r->capacity - off;
            if (skip > avail) {
                snprintf(err, errlen, "reply ring is corrupt: padding of %llu bytes, %llu published", (unsigned long long)skip,
                         (unsigned long long)avail);
                return -1;
            }
            r->head += skip;
            shm_ring_publish(r);
            continue;
        }
        uint64_t rec = align8(RECORD_HEADER + (uint64_t)len);
        if (len > shm_ring_max_frame(r->capacity) || rec > avail || off + rec > r->capacity) {
            snprintf(err, errlen, "reply ring is corrupt: record of %u bytes at %llu (%llu published)", len,
                     (unsigned long long)off, (unsigned long long)avail);
            return -1;
        }
        r->frame = r->data + off + RECORD_HEADER;
        r->frame_len = len;
        r->pending_end = r->head + rec;
        return 1;
    }
}

void shm_ring_consume(shm_ring *r) { r->head = r->pending_end; }

void shm_ring_publish(shm_ring *r) {
    r->published_head = r->head;
    __atomic_store_n(&r->hdr->head, r->head, __ATOMIC_SEQ_CST);
}

void shm_ring_release(shm_ring *r) {
    shm_ring_consume(r);
    shm_ring_publish(r);
}
