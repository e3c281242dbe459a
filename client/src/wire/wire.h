/*
 * The Orion remoting protocol, client side (docs/protocol.md is the specification; the golden
 * vectors in bundles/protocol/vectors pin this codec to the Java one byte for byte).
 *
 * Requests are built in an orv_writer: the fixed fields of the payload, then optionally a bulk
 * tail (copy data, a module image, kernel arguments) that is sent straight from the caller's
 * memory as a second piece, so large payloads are never copied into the writer.
 * Replies are read with an orv_reader that checks every length and value against the buffer
 * it came in; nothing from the wire is trusted.
 */
#ifndef ORION_WIRE_H
#define ORION_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define ORV_HEADER_SIZE 24
#define ORV_VERSION 1
#define ORV_HELLO_MAX_PAYLOAD (64u * 1024)
#define ORV_ABSOLUTE_MAX_PAYLOAD (1u << 30)
#define ORV_MAX_STRING 8192
#define ORV_MAX_DEVICES 64
#define ORV_MAX_PARAM_BYTES 32764
#define ORV_MAX_ATTRIBUTES 1024
#define ORV_INDIRECT_SIZE 16

enum orv_flag {
    ORV_REPLY = 0x01,
    ORV_ASYNC = 0x02,
    ORV_MORE = 0x04,
    ORV_INDIRECT = 0x08,
    ORV_KNOWN_FLAGS = 0x0F,
};

enum orv_type {
    ORV_HELLO = 0x0001,
    ORV_GOODBYE = 0x0002,
    ORV_PING = 0x0003,
    ORV_DEVICE_INFO = 0x0010,
    ORV_MEM_INFO = 0x0011,
    ORV_DEVICE_SYNC = 0x0012,
    ORV_MEM_ALLOC = 0x0020,
    ORV_MEM_FREE = 0x0021,
    ORV_MEMSET = 0x0022,
    ORV_COPY_HTOD = 0x0023,
    ORV_COPY_DTOH = 0x0024,
    ORV_COPY_DTOD = 0x0025,
    ORV_COPY_HTOD_REGION = 0x0026,
    ORV_COPY_DTOH_REGION = 0x0027,
    ORV_MODULE_LOAD = 0x0030,
    ORV_MODULE_UNLOAD = 0x0031,
    ORV_FUNCTION_GET = 0x0032,
    ORV_GLOBAL_GET = 0x0033,
    ORV_FUNCTION_ATTRIBUTES = 0x0034,
    ORV_OCCUPANCY = 0x0035,
    ORV_LAUNCH = 0x0040,
    ORV_STREAM_CREATE = 0x0050,
    ORV_STREAM_DESTROY = 0x0051,
    ORV_STREAM_SYNC = 0x0052,
    ORV_STREAM_QUERY = 0x0053,
    ORV_STREAM_WAIT_EVENT = 0x0054,
    ORV_EVENT_CREATE = 0x0060,
    ORV_EVENT_DESTROY = 0x0061,
    ORV_EVENT_RECORD = 0x0062,
    ORV_EVENT_QUERY = 0x0063,
    ORV_EVENT_SYNC = 0x0064,
    ORV_EVENT_ELAPSED = 0x0065,
};

/* The message's name as the specification writes it ("MEM_ALLOC"), or NULL for an unknown code. */
const char *orv_type_name(uint16_t type);
/* The code for a name, or 0. */
uint16_t orv_type_named(const char *name);
/* Whether the specification allows ASYNC on this type. */
int orv_type_async(uint16_t type);

typedef struct orv_header {
    uint8_t version;
    uint8_t flags;
    uint16_t type;
    uint32_t seq;
    uint32_t length;
    uint64_t session;
} orv_header;

void orv_header_write(uint8_t out[ORV_HEADER_SIZE], const orv_header *h);
/*
 * Reads and checks a header: magic, version, known flags, and a length at most max_payload.
 * A failure here means the stream cannot be delimited any more (the connection must close).
 * Returns 0, or -1 with the reason in err.
 */
int orv_header_read(const uint8_t *p, size_t avail, uint32_t max_payload, orv_header *h, char *err, size_t errlen);

/* ---- writing requests ------------------------------------------------------------------------- */

typedef struct orv_writer {
    uint8_t *buf;
    size_t len, cap;
    int failed;        /* out of memory: the frame must not be sent */
} orv_writer;

void orv_writer_init(orv_writer *w);
void orv_writer_free(orv_writer *w);
/* Starts a frame: room for the header, then the payload's fixed fields follow. */
void orv_begin(orv_writer *w);
/* Completes the header; tail_len bytes sent after the writer's bytes belong to the payload too. */
int orv_finish(orv_writer *w, uint16_t type, uint8_t flags, uint32_t seq, uint64_t session, size_t tail_len);

void orv_put_u8(orv_writer *w, uint8_t v);
void orv_put_u16(orv_writer *w, uint16_t v);
void orv_put_u32(orv_writer *w, uint32_t v);
void orv_put_i32(orv_writer *w, int32_t v);
void orv_put_u64(orv_writer *w, uint64_t v);
void orv_put_f32(orv_writer *w, float v);
/* A str field; strings longer than ORV_MAX_STRING are cut at a UTF-8 boundary (names for operators only). */
void orv_put_str(orv_writer *w, const char *s);
void orv_put_raw(orv_writer *w, const void *p, size_t n);

typedef struct orv_hello {
    uint8_t min_version, max_version;
    int resume;
    uint64_t resume_session;
    uint32_t last_reply_seq;
    uint32_t pid;
    const char *host, *client, *group_id;
    uint16_t vgpu_count;
    const char *const *vgpu_ids;
    uint16_t auto_count;
    uint32_t auto_memory_mib;
    uint8_t auto_ratio;
} orv_hello;

/* Payload encoders: each writes the fixed fields of one request (the tail, where there is one,
 * is passed to orv_finish as tail_len and sent separately). */
void orv_req_hello(orv_writer *w, const orv_hello *h);
void orv_req_device(orv_writer *w, uint16_t device);                           /* DEVICE_INFO, MEM_INFO, DEVICE_SYNC */
void orv_req_mem_alloc(orv_writer *w, uint16_t device, uint64_t bytes);
void orv_req_mem_free(orv_writer *w, uint16_t device, uint64_t address);
void orv_req_memset(orv_writer *w, uint16_t device, uint64_t address, uint8_t value, uint64_t bytes, uint64_t stream);
void orv_req_copy_htod(orv_writer *w, uint16_t device, uint64_t dst, uint64_t stream);  /* tail: the data */
void orv_req_copy_dtoh(orv_writer *w, uint16_t device, uint64_t src, uint64_t bytes, uint64_t stream);
void orv_req_copy_dtod(orv_writer *w, uint16_t device, uint64_t dst, uint64_t src, uint64_t bytes, uint64_t stream);
void orv_req_copy_htod_region(orv_writer *w, uint16_t device, uint64_t dst, uint64_t region_offset, uint64_t bytes, uint64_t stream);
void orv_req_copy_dtoh_region(orv_writer *w, uint16_t device, uint64_t src, uint64_t region_offset, uint64_t bytes, uint64_t stream);
void orv_req_module_load(orv_writer *w, uint16_t device);                      /* tail: the image */
void orv_req_handle(orv_writer *w, uint16_t device, uint64_t handle);          /* MODULE_UNLOAD, FUNCTION_ATTRIBUTES, STREAM_DESTROY/SYNC/QUERY, EVENT_DESTROY/QUERY/SYNC */
void orv_req_named(orv_writer *w, uint16_t device, uint64_t module, const char *name); /* FUNCTION_GET, GLOBAL_GET */
void orv_req_occupancy(orv_writer *w, uint16_t device, uint64_t function, uint32_t block_size, uint64_t dynamic_shared);
void orv_req_launch(orv_writer *w, uint16_t device, uint64_t function, const uint32_t grid[3], const uint32_t block[3],
                    uint32_t shared_bytes, uint64_t stream);                   /* tail: the packed arguments */
void orv_req_stream_create(orv_writer *w, uint16_t device, uint8_t flags, int32_t priority);
void orv_req_handle_pair(orv_writer *w, uint16_t device, uint64_t a, uint64_t b); /* STREAM_WAIT_EVENT(stream, event), EVENT_RECORD(event, stream), EVENT_ELAPSED(start, end) */
void orv_req_event_create(orv_writer *w, uint16_t device, uint8_t flags);
void orv_req_indirect(orv_writer *w, uint64_t offset, uint64_t length);        /* an INDIRECT frame's payload */

/* ---- reading replies -------------------------------------------------------------------------- */

typedef struct orv_reader {
    const uint8_t *p;
    size_t len, pos;
    int failed;
    char err[192];
} orv_reader;

void orv_reader_init(orv_reader *r, const void *p, size_t len);
uint8_t orv_get_u8(orv_reader *r, const char *field);
uint16_t orv_get_u16(orv_reader *r, const char *field);
uint32_t orv_get_u32(orv_reader *r, const char *field);
int32_t orv_get_i32(orv_reader *r, const char *field);
uint64_t orv_get_u64(orv_reader *r, const char *field);
float orv_get_f32(orv_reader *r, const char *field);
/* A str field copied into out (cap bytes, NUL-terminated; a longer string is cut at cap-1). */
void orv_get_str(orv_reader *r, const char *field, char *out, size_t cap);
/* The rest of the payload (a bytes field). */
const uint8_t *orv_get_rest(orv_reader *r, size_t *n);
/* Fails the reader unless every byte was read. */
void orv_expect_end(orv_reader *r, const char *what);
/* Marks the reader failed with a message (for values out of range). */
void orv_reader_fail(orv_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct orv_reply {
    int32_t status;
    int32_t deferred_status;
    uint32_t deferred_seq;
    char deferred_message[512];
    char message[512];
    orv_reader result;   /* positioned at the result when status == 0 */
} orv_reply;

/* Reads the common start of a reply payload (§3.1). -1 with the reason in err when malformed. */
int orv_reply_read(const uint8_t *payload, size_t len, orv_reply *out, char *err, size_t errlen);

typedef struct orv_hello_ok {
    uint8_t version, flags;
    uint64_t session;
    uint32_t last_handled_seq, max_payload;
    uint16_t device_count;
    char server[256];
} orv_hello_ok;

typedef struct orv_device_info {
    char vgpu_id[160];
    char gpu_uuid[80];
    char name[256];
    uint64_t memory_bytes, physical_memory_bytes;
    uint32_t multiprocessors;
    uint8_t cc_major, cc_minor;
    char pci_bus_id[64];
    uint8_t ratio;
    uint16_t attribute_count;
    int32_t attribute_code[ORV_MAX_ATTRIBUTES];
    int32_t attribute_value[ORV_MAX_ATTRIBUTES];
} orv_device_info;

typedef struct orv_param {
    uint32_t offset, size;
} orv_param;

typedef struct orv_function_info {
    uint64_t handle;
    uint16_t param_count;
    orv_param *params;       /* malloc'd; orv_function_info_free releases it */
    uint32_t argument_bytes; /* the end of the layout: max(offset + size) */
} orv_function_info;

typedef struct orv_function_attributes {
    int32_t max_threads_per_block, shared_size_bytes, const_size_bytes, local_size_bytes, num_regs, ptx_version,
        binary_version, max_dynamic_shared_size_bytes;
} orv_function_attributes;

/* Result decoders: each reads the whole result (no byte may be left) and checks its ranges. */
int orv_res_hello_ok(orv_reader *r, orv_hello_ok *out);
int orv_res_device_info(orv_reader *r, orv_device_info *out);
int orv_res_mem_info(orv_reader *r, uint64_t *free_bytes, uint64_t *total_bytes);
int orv_res_u64(orv_reader *r, const char *field, uint64_t *out);              /* MEM_ALLOC address; handles */
int orv_res_handle(orv_reader *r, uint64_t *out);                              /* a handle is never 0 */
int orv_res_chunk(orv_reader *r, uint64_t *offset, const uint8_t **data, size_t *n);  /* COPY_DTOH */
int orv_res_function(orv_reader *r, orv_function_info *out);
void orv_function_info_free(orv_function_info *f);
int orv_res_global(orv_reader *r, uint64_t *address, uint64_t *size);
int orv_res_attributes(orv_reader *r, orv_function_attributes *out);
int orv_res_i32(orv_reader *r, const char *field, int32_t *out);               /* OCCUPANCY */
int orv_res_f32(orv_reader *r, const char *field, float *out);                 /* EVENT_ELAPSED */
int orv_res_empty(orv_reader *r);

/* Checks that s[0..n) is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
int orv_utf8_valid(const uint8_t *s, size_t n);

#endif
