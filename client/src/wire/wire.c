#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    uint16_t code;
    const char *name;
    int async;
} TYPES[] = {
    {ORV_HELLO, "HELLO", 0},
    {ORV_GOODBYE, "GOODBYE", 0},
    {ORV_PING, "PING", 0},
    {ORV_DEVICE_INFO, "DEVICE_INFO", 0},
    {ORV_MEM_INFO, "MEM_INFO", 0},
    {ORV_DEVICE_SYNC, "DEVICE_SYNC", 0},
    {ORV_MEM_ALLOC, "MEM_ALLOC", 0},
    {ORV_MEM_FREE, "MEM_FREE", 1},
    {ORV_MEMSET, "MEMSET", 1},
    {ORV_COPY_HTOD, "COPY_HTOD", 1},
    {ORV_COPY_DTOH, "COPY_DTOH", 0},
    {ORV_COPY_DTOD, "COPY_DTOD", 1},
    {ORV_COPY_HTOD_REGION, "COPY_HTOD_REGION", 1},
    {ORV_COPY_DTOH_REGION, "COPY_DTOH_REGION", 1},
    {ORV_MODULE_LOAD, "MODULE_LOAD", 0},
    {ORV_MODULE_UNLOAD, "MODULE_UNLOAD", 1},
    {ORV_FUNCTION_GET, "FUNCTION_GET", 0},
    {ORV_GLOBAL_GET, "GLOBAL_GET", 0},
    {ORV_FUNCTION_ATTRIBUTES, "FUNCTION_ATTRIBUTES", 0},
    {ORV_OCCUPANCY, "OCCUPANCY", 0},
    {ORV_LAUNCH, "LAUNCH", 1},
    {ORV_STREAM_CREATE, "STREAM_CREATE", 0},
    {ORV_STREAM_DESTROY, "STREAM_DESTROY", 1},
    {ORV_STREAM_SYNC, "STREAM_SYNC", 0},
    {ORV_STREAM_QUERY, "STREAM_QUERY", 0},
    {ORV_STREAM_WAIT_EVENT, "STREAM_WAIT_EVENT", 1},
    {ORV_EVENT_CREATE, "EVENT_CREATE", 0},
    {ORV_EVENT_DESTROY, "EVENT_DESTROY", 1},
    {ORV_EVENT_RECORD, "EVENT_RECORD", 1},
    {ORV_EVENT_QUERY, "EVENT_QUERY", 0},
    {ORV_EVENT_SYNC, "EVENT_SYNC", 0},
    {ORV_EVENT_ELAPSED, "EVENT_ELAPSED", 0},
};

const char *orv_type_name(uint16_t type) {
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (TYPES[i].code == type) return TYPES[i].name;
    return NULL;
}

uint16_t orv_type_named(const char *name) {
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (!strcmp(TYPES[i].name, name)) return TYPES[i].code;
    return 0;
}

int orv_type_async(uint16_t type) {
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (TYPES[i].code == type) return TYPES[i].async;
    return 0;
}

/* ---- little-endian access (the wire order, whatever the host's) ----------------------------- */

/* On a little-endian host (every supported one) these are plain unaligned loads and stores; the
 * byte-by-byte forms keep a big-endian build correct. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static void le16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void le32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void le64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
#else
static void le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void le32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void le64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }
#endif

static const uint8_t MAGIC[4] = {0x4F, 0x52, 0x56, 0x47}; /* "ORVG" */

void orv_header_write(uint8_t out[ORV_HEADER_SIZE], const orv_header *h) {
    memcpy(out, MAGIC, 4);
    out[4] = h->version;
    out[5] = h->flags;
    le16(out + 6, h->type);
    le32(out + 8, h->seq);
    le32(out + 12, h->length);
    le64(out + 16, h->session);
}

int orv_header_read(const uint8_t *p, size_t avail, uint32_t max_payload, orv_header *h, char *err, size_t errlen) {
    if (avail < ORV_HEADER_SIZE) {
        snprintf(err, errlen, "frame of %zu bytes is shorter than the %d-byte header", avail, ORV_HEADER_SIZE);
        return -1;
    }
    if (memcmp(p, MAGIC, 4)) {
        snprintf(err, errlen, "bad magic %02x %02x %02x %02x (expected 4f 52 56 47)", p[0], p[1], p[2], p[3]);
        return -1;
    }
    h->version = p[4];
    h->flags = p[5];
    h->type = rd16(p + 6);
    h->seq = rd32(p + 8);
    h->length = rd32(p + 12);
    h->session = rd64(p + 16);
    if (h->version != ORV_VERSION) {
        snprintf(err, errlen, "unsupported protocol version %u (this client speaks %d)", h->version, ORV_VERSION);
        return -1;
    }
    if (h->flags & ~ORV_KNOWN_FLAGS) {
        snprintf(err, errlen, "unknown flag bits 0x%02x", h->flags & ~ORV_KNOWN_FLAGS);
        return -1;
    }
    if (h->length > max_payload) {
        snprintf(err, errlen, "payload of %u bytes exceeds the limit of %u", h->length, max_payload);
        return -1;
    }
    return 0;
}

/* ---- writer ---------------------------------------------------------------------------------- */

void orv_writer_init(orv_writer *w) { memset(w, 0, sizeof *w); }

void orv_writer_free(orv_writer *w) {
    free(w->buf);
    memset(w, 0, sizeof *w);
}

static uint8_t *grow(orv_writer *w, size_t n) {
    if (w->failed) return NULL;
    size_t cap = w->cap ? w->cap : 256;
    while (cap - w->len < n) cap *= 2;
    uint8_t *b = realloc(w->buf, cap);
    if (!b) {
        w->failed = 1;
        return NULL;
    }
    w->buf = b;
    w->cap = cap;
    return w->buf + w->len;
}

/* n more bytes of the frame; NULL (and the writer failed) when memory runs out. The writer keeps
 * its buffer from frame to frame, so after the first frames this never allocates. */
static inline uint8_t *room(orv_writer *w, size_t n) {
    uint8_t *p = __builtin_expect(w->cap - w->len >= n && !w->failed, 1) ? w->buf + w->len : grow(w, n);
    if (p) w->len += n;
    return p;
}

void orv_begin(orv_writer *w) {
    w->len = 0;
    w->failed = 0;
    room(w, ORV_HEADER_SIZE);
}

int orv_finish(orv_writer *w, uint16_t type, uint8_t flags, uint32_t seq, uint64_t session, size_t tail_len) {
    if (w->failed || w->len < ORV_HEADER_SIZE) return -1;
    size_t payload = w->len - ORV_HEADER_SIZE + tail_len;
    if (payload > ORV_ABSOLUTE_MAX_PAYLOAD) return -1;
    orv_header h = {ORV_VERSION, flags, type, seq, (uint32_t)payload, session};
    orv_header_write(w->buf, &h);
    return 0;
}

void orv_put_u8(orv_writer *w, uint8_t v) { uint8_t *p = room(w, 1); if (p) *p = v; }
void orv_put_u16(orv_writer *w, uint16_t v) { uint8_t *p = room(w, 2); if (p) le16(p, v); }
void orv_put_u32(orv_writer *w, uint32_t v) { uint8_t *p = room(w, 4); if (p) le32(p, v); }
void orv_put_i32(orv_writer *w, int32_t v) { orv_put_u32(w, (uint32_t)v); }
void orv_put_u64(orv_writer *w, uint64_t v) { uint8_t *p = room(w, 8); if (p) le64(p, v); }

void orv_put_f32(orv_writer *w, float v) {
    uint32_t bits;
    memcpy(&bits, &v, 4);
    orv_put_u32(w, bits);
}

void orv_put_raw(orv_writer *w, const void *src, size_t n) {
    uint8_t *p = room(w, n);
    if (p && n) memcpy(p, src, n);
}

void orv_put_str(orv_writer *w, const char *s) {
    if (!s) s = "";
    size_t n = strlen(s);
    if (n > ORV_MAX_STRING) {
        n = ORV_MAX_STRING;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; /* do not split a character */
    }
    orv_put_u16(w, (uint16_t)n);
    orv_put_raw(w, s, n);
}

/* ---- request payloads -------------------------------------------------------------------------- */

void orv_req_hello(orv_writer *w, const orv_hello *h) {
    orv_put_u8(w, h->min_version);
    orv_put_u8(w, h->max_version);
    orv_put_u8(w, h->resume ? 1 : 0);
    orv_put_u64(w, h->resume_session);
    orv_put_u32(w, h->last_reply_seq);
    orv_put_u32(w, h->pid);
    orv_put_str(w, h->host);
    orv_put_str(w, h->client);
    orv_put_str(w, h->group_id);
    orv_put_u16(w, h->vgpu_count);
    for (unsigned i = 0; i < h->vgpu_count; i++) orv_put_str(w, h->vgpu_ids[i]);
    orv_put_u16(w, h->auto_count);
    orv_put_u32(w, h->auto_memory_mib);
    orv_put_u8(w, h->auto_ratio);
}

void orv_req_device(orv_writer *w, uint16_t device) { orv_put_u16(w, device); }

void orv_req_mem_alloc(orv_writer *w, uint16_t device, uint64_t bytes) {
    orv_put_u16(w, device);
    orv_put_u64(w, bytes);
}

void orv_req_mem_free(orv_writer *w, uint16_t device, uint64_t address) {
    orv_put_u16(w, device);
    orv_put_u64(w, address);
}

void orv_req_memset(orv_writer *w, uint16_t device, uint64_t address, uint8_t value, uint64_t bytes, uint64_t stream) {
    orv_put_u16(w, device);
    orv_put_u64(w, address);
    orv_put_u8(w, value);
    orv_put_u64(w, bytes);
    orv_put_u64(w, stream);
}

void orv_req_copy_htod(orv_writer *w, uint16_t device, uint64_t dst, uint64_t stream) {
    orv_put_u16(w, device);
    orv_put_u64(w, dst);
    orv_put_u64(w, stream);
}

void orv_req_copy_dtoh(orv_writer *w, uint16_t device, uint64_t src, uint64_t bytes, uint64_t stream) {
    orv_put_u16(w, device);
    orv_put_u64(w, src);
    orv_put_u64(w, bytes);
    orv_put_u64(w, stream);
}

void orv_req_copy_dtod(orv_writer *w, uint16_t device, uint64_t dst, uint64_t src, uint64_t bytes, uint64_t stream) {
    orv_put_u16(w, device);
    orv_put_u64(w, dst);
    orv_put_u64(w, src);
    orv_put_u64(w, bytes);
    orv_put_u64(w, stream);
}

void orv_req_copy_htod_region(orv_writer *w, uint16_t device, uint64_t dst, uint64_t region_offset, uint64_t bytes,
                              uint64_t stream) {
    orv_put_u16(w, device);
    orv_put_u64(w, dst);
    orv_put_u64(w, region_offset);
    orv_put_u64(w, bytes);
    orv_put_u64(w, stream);
}

void orv_req_copy_dtoh_region(orv_writer *w, uint16_t device, uint64_t src, uint64_t region_offset, uint64_t bytes,
                              uint64_t stream) {
    orv_req_copy_htod_region(w, device, src, region_offset, bytes, stream); /* same fields, src first */
}

void orv_req_module_load(orv_writer *w, uint16_t device) { orv_put_u16(w, device); }

void orv_req_handle(orv_writer *w, uint16_t device, uint64_t handle) {
    orv_put_u16(w, device);
    orv_put_u64(w, handle);
}

void orv_req_named(orv_writer *w, uint16_t device, uint64_t module, const char *name) {
    orv_put_u16(w, device);
    orv_put_u64(w, module);
    orv_put_str(w, name);
}

void orv_req_occupancy(orv_writer *w, uint16_t device, uint64_t function, uint32_t block_size, uint64_t dynamic_shared) {
    orv_put_u16(w, device);
    orv_put_u64(w, function);
    orv_put_u32(w, block_size);
    orv_put_u64(w, dynamic_shared);
}

void orv_req_launch(orv_writer *w, uint16_t device, uint64_t function, const uint32_t grid[3], const uint32_t block[3],
                    uint32_t shared_bytes, uint64_t stream) {
    /* the hottest request: its fixed fields in one piece of room */
    uint8_t *p = room(w, 2 + 8 + 12 + 12 + 4 + 8);
    if (!p) return;
    le16(p, device);
    le64(p + 2, function);
    for (int i = 0; i < 3; i++) le32(p + 10 + 4 * i, grid[i]);
    for (int i = 0; i < 3; i++) le32(p + 22 + 4 * i, block[i]);
    le32(p + 34, shared_bytes);
    le64(p + 38, stream);
}

void orv_req_stream_create(orv_writer *w, uint16_t device, uint8_t flags, int32_t priority) {
    orv_put_u16(w, device);
    orv_put_u8(w, flags);
    orv_put_i32(w, priority);
}

void orv_req_handle_pair(orv_writer *w, uint16_t device, uint64_t a, uint64_t b) {
    orv_put_u16(w, device);
    orv_put_u64(w, a);
    orv_put_u64(w, b);
}

void orv_req_event_create(orv_writer *w, uint16_t device, uint8_t flags) {
    orv_put_u16(w, device);
    orv_put_u8(w, flags);
}

void orv_req_indirect(orv_writer *w, uint64_t offset, uint64_t length) {
    orv_put_u64(w, offset);
    orv_put_u64(w, length);
}

/* ---- reader ---------------------------------------------------------------------------------- */

void orv_reader_init(orv_reader *r, const void *p, size_t len) {
    r->p = p;
    r->len = len;
    r->pos = 0;
    r->failed = 0;
    r->err[0] = 0;
}

void orv_reader_fail(orv_reader *r, const char *fmt, ...) {
    if (r->failed) return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

static const uint8_t *take(orv_reader *r, size_t n, const char *field) {
    if (r->failed) return NULL;
    if (r->len - r->pos < n) {
        orv_reader_fail(r, "the payload ends inside field '%s'", field);
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

uint8_t orv_get_u8(orv_reader *r, const char *f) { const uint8_t *p = take(r, 1, f); return p ? *p : 0; }
uint16_t orv_get_u16(orv_reader *r, const char *f) { const uint8_t *p = take(r, 2, f); return p ? rd16(p) : 0; }
uint32_t orv_get_u32(orv_reader *r, const char *f) { const uint8_t *p = take(r, 4, f); return p ? rd32(p) : 0; }
int32_t orv_get_i32(orv_reader *r, const char *f) { return (int32_t)orv_get_u32(r, f); }
uint64_t orv_get_u64(orv_reader *r, const char *f) { const uint8_t *p = take(r, 8, f); return p ? rd64(p) : 0; }

float orv_get_f32(orv_reader *r, const char *f) {
    uint32_t bits = orv_get_u32(r, f);
    float v;
    memcpy(&v, &bits, 4);
    return v;
}

int orv_utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t k;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) { k = 1; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { k = 2; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { k = 3; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if (n - i <= k) return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += k + 1;
    }
    return 1;
}

void orv_get_str(orv_reader *r, const char *field, char *out, size_t cap) {
    if (cap) out[0] = 0;
    uint16_t n = orv_get_u16(r, field);
    if (r->failed) return;
    if (n > ORV_MAX_STRING) {
        orv_reader_fail(r, "field '%s' is a string of %u bytes (at most %d)", field, n, ORV_MAX_STRING);
        return;
    }
    const uint8_t *p = take(r, n, field);
    if (!p) return;
    if (!orv_utf8_valid(p, n)) {
        orv_reader_fail(r, "field '%s' is not valid UTF-8", field);
        return;
    }
    if (!cap) return;
    size_t c = n < cap - 1 ? n : cap - 1;
    memcpy(out, p, c);
    out[c] = 0;
}

const uint8_t *orv_get_rest(orv_reader *r, size_t *n) {
    if (r->failed) {
        *n = 0;
        return NULL;
    }
    *n = r->len - r->pos;
    const uint8_t *p = r->p + r->pos;
    r->pos = r->len;
    return p;
}

void orv_expect_end(orv_reader *r, const char *what) {
    if (!r->failed && r->pos != r->len)
        orv_reader_fail(r, "%zu unexpected bytes after %s", r->len - r->pos, what);
}

/* ---- replies --------------------------------------------------------------------------------- */

int orv_reply_read(const uint8_t *payload, size_t len, orv_reply *out, char *err, size_t errlen) {
    orv_reader r;
    orv_reader_init(&r, payload, len);
    out->status = orv_get_i32(&r, "status");
    out->deferred_status = orv_get_i32(&r, "deferredStatus");
    out->deferred_seq = orv_get_u32(&r, "deferredSeq");
    out->deferred_message[0] = out->message[0] = 0;
    if (out->deferred_status != 0) orv_get_str(&r, "deferredMessage", out->deferred_message, sizeof out->deferred_message);
    if (out->status != 0) {
        orv_get_str(&r, "message", out->message, sizeof out->message);
        orv_expect_end(&r, "the error message");
    }
    if (r.failed) {
        snprintf(err, errlen, "malformed reply: %s", r.err);
        return -1;
    }
    orv_reader_init(&out->result, payload + r.pos, len - r.pos);
    return 0;
}

static int done(orv_reader *r, const char *what) {
    orv_expect_end(r, what);
    return r->failed ? -1 : 0;
}

int orv_res_hello_ok(orv_reader *r, orv_hello_ok *o) {
    o->version = orv_get_u8(r, "version");
    o->flags = orv_get_u8(r, "flags");
    o->session = orv_get_u64(r, "session");
    o->last_handled_seq = orv_get_u32(r, "lastHandledSeq");
    o->max_payload = orv_get_u32(r, "maxPayload");
    o->device_count = orv_get_u16(r, "deviceCount");
    orv_get_str(r, "server", o->server, sizeof o->server);
    if (!r->failed) {
        if (o->version != ORV_VERSION) orv_reader_fail(r, "HELLO_OK chose version %u, this client speaks %d", o->version, ORV_VERSION);
        else if (o->flags & ~1u) orv_reader_fail(r, "HELLO_OK has unknown flag bits 0x%02x", o->flags);
        else if (o->session == 0) orv_reader_fail(r, "HELLO_OK carries session id 0");
        else if (o->max_payload < ORV_HELLO_MAX_PAYLOAD || o->max_payload > ORV_ABSOLUTE_MAX_PAYLOAD)
            orv_reader_fail(r, "HELLO_OK announces maxPayload %u (must be %u..%u)", o->max_payload, ORV_HELLO_MAX_PAYLOAD, ORV_ABSOLUTE_MAX_PAYLOAD);
        else if (o->device_count > ORV_MAX_DEVICES) orv_reader_fail(r, "HELLO_OK announces %u devices (at most %d)", o->device_count, ORV_MAX_DEVICES);
    }
    return done(r, "HELLO_OK");
}

int orv_res_device_info(orv_reader *r, orv_device_info *o) {
    orv_get_str(r, "vgpuId", o->vgpu_id, sizeof o->vgpu_id);
    orv_get_str(r, "gpuUuid", o->gpu_uuid, sizeof o->gpu_uuid);
    orv_get_str(r, "name", o->name, sizeof o->name);
    o->memory_bytes = orv_get_u64(r, "memoryBytes");
    o->physical_memory_bytes = orv_get_u64(r, "physicalMemoryBytes");
    o->multiprocessors = orv_get_u32(r, "multiprocessors");
    o->cc_major = orv_get_u8(r, "ccMajor");
    o->cc_minor = orv_get_u8(r, "ccMinor");
    orv_get_str(r, "pciBusId", o->pci_bus_id, sizeof o->pci_bus_id);
    o->ratio = orv_get_u8(r, "ratio");
    o->attribute_count = orv_get_u16(r, "attributeCount");
    if (r->failed) return -1;
    if (o->attribute_count > ORV_MAX_ATTRIBUTES) {
        orv_reader_fail(r, "attributeCount %u exceeds %d", o->attribute_count, ORV_MAX_ATTRIBUTES);
        return -1;
    }
    for (unsigned i = 0; i < o->attribute_count && !r->failed; i++) {
        o->attribute_code[i] = orv_get_i32(r, "attributes.code");
        o->attribute_value[i] = orv_get_i32(r, "attributes.value");
        if (!r->failed && i > 0 && o->attribute_code[i] <= o->attribute_code[i - 1])
            orv_reader_fail(r, "attribute codes are not strictly ascending (%d after %d)", o->attribute_code[i], o->attribute_code[i - 1]);
    }
    if (!r->failed && o->ratio > 100) orv_reader_fail(r, "ratio %u is above 100", o->ratio);
    return done(r, "DEVICE_INFO");
}

int orv_res_mem_info(orv_reader *r, uint64_t *free_bytes, uint64_t *total_bytes) {
    *free_bytes = orv_get_u64(r, "freeBytes");
    *total_bytes = orv_get_u64(r, "totalBytes");
    return done(r, "MEM_INFO");
}

int orv_res_u64(orv_reader *r, const char *field, uint64_t *out) {
    *out = orv_get_u64(r, field);
    return done(r, field);
}

int orv_res_handle(orv_reader *r, uint64_t *out) {
    *out = orv_get_u64(r, "handle");
    if (!r->failed && *out == 0) orv_reader_fail(r, "the server returned handle 0");
    return done(r, "handle");
}

int orv_res_chunk(orv_reader *r, uint64_t *offset, const uint8_t **data, size_t *n) {
    *offset = orv_get_u64(r, "offset");
    *data = orv_get_rest(r, n);
    return r->failed ? -1 : 0;
}

int orv_res_function(orv_reader *r, orv_function_info *o) {
    o->params = NULL;
    o->argument_bytes = 0;
    o->handle = orv_get_u64(r, "handle");
    o->param_count = orv_get_u16(r, "paramCount");
    if (r->failed) return -1;
    if (o->handle == 0) {
        orv_reader_fail(r, "the server returned function handle 0");
        return -1;
    }
    /* every parameter is at least one byte inside the parameter space, so this bounds the count */
    if (o->param_count > ORV_MAX_PARAM_BYTES) {
        orv_reader_fail(r, "paramCount %u is impossible", o->param_count);
        return -1;
    }
    if (o->param_count) {
        o->params = calloc(o->param_count, sizeof *o->params);
        if (!o->params) {
            orv_reader_fail(r, "out of memory for %u parameters", o->param_count);
            return -1;
        }
    }
    for (unsigned i = 0; i < o->param_count && !r->failed; i++) {
        uint32_t off = orv_get_u32(r, "params.offset"), size = orv_get_u32(r, "params.size");
        if (r->failed) break;
        if (size == 0 || off > ORV_MAX_PARAM_BYTES || size > ORV_MAX_PARAM_BYTES - off) {
            orv_reader_fail(r, "parameter %u at [%u, +%u) lies outside the %d-byte parameter space", i, off, size, ORV_MAX_PARAM_BYTES);
            break;
        }
        o->params[i].offset = off;
        o->params[i].size = size;
        if (off + size > o->argument_bytes) o->argument_bytes = off + size;
    }
    if (done(r, "FUNCTION_GET")) {
        orv_function_info_free(o);
        return -1;
    }
    return 0;
}

void orv_function_info_free(orv_function_info *f) {
    free(f->params);
    f->params = NULL;
    f->param_count = 0;
}

int orv_res_global(orv_reader *r, uint64_t *address, uint64_t *size) {
    *address = orv_get_u64(r, "address");
    *size = orv_get_u64(r, "size");
    return done(r, "GLOBAL_GET");
}

int orv_res_attributes(orv_reader *r, orv_function_attributes *o) {
    o->max_threads_per_block = orv_get_i32(r, "maxThreadsPerBlock");
    o->shared_size_bytes = orv_get_i32(r, "sharedSizeBytes");
    o->const_size_bytes = orv_get_i32(r, "constSizeBytes");
    o->local_size_bytes = orv_get_i32(r, "localSizeBytes");
    o->num_regs = orv_get_i32(r, "numRegs");
    o->ptx_version = orv_get_i32(r, "ptxVersion");
    o->binary_version = orv_get_i32(r, "binaryVersion");
    o->max_dynamic_shared_size_bytes = orv_get_i32(r, "maxDynamicSharedSizeBytes");
    return done(r, "FUNCTION_ATTRIBUTES");
}

int orv_res_i32(orv_reader *r, const char *field, int32_t *out) {
    *out = orv_get_i32(r, field);
    return done(r, field);
}

int orv_res_f32(orv_reader *r, const char *field, float *out) {
    *out = orv_get_f32(r, field);
    return done(r, field);
}

int orv_res_empty(orv_reader *r) { return done(r, "the reply"); }
