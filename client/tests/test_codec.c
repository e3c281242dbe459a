/*
 * The C codec against the protocol's golden vectors (the JSON files in bundles/protocol/vectors), the same
 * files the Java codec is tested with: every request vector is encoded from its fields and must
 * give exactly the vector's bytes; every reply vector is decoded and must give exactly its
 * fields; the framing errors of invalid.json must be refused by the header reader.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/common/json.h"
#include "../src/wire/wire.h"
#include "check.h"

static const char *vectors_dir(void) {
    const char *d = getenv("ORION_VECTORS");
    return d && *d ? d : "../bundles/protocol/vectors";
}

static char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) b[len] = 0;
    *n = (size_t)len;
    return b;
}

static json_doc *load(const char *file) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", vectors_dir(), file);
    size_t n;
    char *text = read_file(path, &n);
    CHECK(text != NULL, "cannot read %s (set ORION_VECTORS to the vectors folder)", path);
    if (!text) return NULL;
    char err[256];
    json_doc *d = json_parse(text, n, err, sizeof err);
    CHECK(d != NULL, "%s: %s", path, err);
    free(text);
    return d;
}

/* Hex (spaces ignored) into bytes; returns the count, or -1 on a bad digit. */
static long unhex(const char *h, uint8_t *out, size_t cap) {
    size_t n = 0;
    int half = -1;
    for (; *h; h++) {
        if (*h == ' ') continue;
        int v;
        if (*h >= '0' && *h <= '9') v = *h - '0';
        else if (*h >= 'a' && *h <= 'f') v = *h - 'a' + 10;
        else if (*h >= 'A' && *h <= 'F') v = *h - 'A' + 10;
        else return -1;
        if (half < 0) half = v;
        else {
            if (n >= cap) return -1;
            out[n++] = (uint8_t)(half << 4 | v);
            half = -1;
        }
    }
    return half < 0 ? (long)n : -1;
}

static void hex(const uint8_t *p, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = 0;
}

/* ---- fields: "name type value" strings, normalized so both sides print values alike ---------- */

typedef struct {
    char **items;
    size_t n;
} fieldlist;

static void add_field(fieldlist *l, const char *name, const char *type, const char *value) {
    size_t len = strlen(name) + strlen(type) + strlen(value) + 3;
    char *s = malloc(len);
    snprintf(s, len, "%s %s %s", name, type, value);
    l->items = realloc(l->items, (l->n + 1) * sizeof *l->items);
    l->items[l->n++] = s;
}

static void add_num(fieldlist *l, const char *name, const char *type, long long v) {
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    add_field(l, name, type, b);
}

static void add_u64(fieldlist *l, const char *name, uint64_t v) {
    char b[32];
    snprintf(b, sizeof b, "0x%" PRIx64, v);
    add_field(l, name, "u64", b);
}

static void add_f32(fieldlist *l, const char *name, float v) {
    char b[32];
    snprintf(b, sizeof b, "%.9g", (double)v);
    add_field(l, name, "f32", b);
}

static void add_bytes(fieldlist *l, const char *name, const uint8_t *p, size_t n) {
    char *b = malloc(2 * n + 1);
    hex(p, n, b);
    add_field(l, name, "bytes", b);
    free(b);
}

static void free_fields(fieldlist *l) {
    for (size_t i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* The vector's "fields" in the same normal form. */
static int vector_fields(const json_value *fields, fieldlist *out) {
    for (size_t i = 0; i < fields->length; i++) {
        const json_value *f = fields->items[i];
        const char *name = json_str(json_at(f, 0)), *type = json_str(json_at(f, 1));
        const json_value *v = json_at(f, 2);
        if (!name || !type || !v) return -1;
        if (!strcmp(type, "u64")) {
            uint64_t u;
            if (json_u64(v, &u)) return -1;
            add_u64(out, name, u);
        } else if (!strcmp(type, "f32")) {
            add_f32(out, name, (float)v->number);
        } else if (!strcmp(type, "str") || !strcmp(type, "bytes")) {
            add_field(out, name, type, json_str(v) ? json_str(v) : "?");
        } else {
            int64_t s;
            if (json_i64(v, &s)) return -1;
            add_num(out, name, type, s);
        }
    }
    return 0;
}

/* Looks a field up by name in the vector's fields list. */
static const json_value *field(const json_value *fields, const char *name) {
    for (size_t i = 0; fields && fields->kind == JSON_ARRAY && i < fields->length; i++) {
        const char *n = json_str(json_at(fields->items[i], 0));
        if (n && !strcmp(n, name)) return json_at(fields->items[i], 2);
    }
    return NULL;
}

static uint64_t fu(const json_value *fields, const char *name) {
    uint64_t v = 0;
    const json_value *f = field(fields, name);
    CHECK(f && !json_u64(f, &v), "field '%s' missing or not a number", name);
    return v;
}

static int64_t fi(const json_value *fields, const char *name) {
    int64_t v = 0;
    const json_value *f = field(fields, name);
    CHECK(f && !json_i64(f, &v), "field '%s' missing or not a number", name);
    return v;
}

static const char *fs(const json_value *fields, const char *name) {
    const char *s = json_str(field(fields, name));
    CHECK(s != NULL, "field '%s' missing or not a string", name);
    return s ? s : "";
}

static uint8_t tailbuf[1 << 16];

/* The bytes field as raw bytes in tailbuf. */
static size_t fb(const json_value *fields, const char *name) {
    long n = unhex(fs(fields, name), tailbuf, sizeof tailbuf);
    CHECK(n >= 0, "field '%s' is not hex", name);
    return n < 0 ? 0 : (size_t)n;
}

/* Types seen in request and reply vectors, to check that every message is covered. */
static int seen_request[0x70], seen_reply[0x70];

/* Encodes a request from its fields with the client's encoder; returns the tail length. */
static size_t encode_request(orv_writer *w, uint16_t type, uint8_t flags, const json_value *f) {
    orv_begin(w);
    uint16_t dev = 0;
    if (type >= ORV_DEVICE_INFO && !(flags & ORV_INDIRECT)) dev = (uint16_t)fu(f, "device");
    if (flags & ORV_INDIRECT) {
        orv_req_indirect(w, fu(f, "offset"), fu(f, "length"));
        return 0;
    }
    switch (type) {
    case ORV_HELLO: {
        const char *ids[ORV_MAX_DEVICES];
        uint16_t count = (uint16_t)fu(f, "vgpuCount");
        for (unsigned i = 0; i < count && i < ORV_MAX_DEVICES; i++) {
            char name[32];
            snprintf(name, sizeof name, "vgpuIds[%u]", i);
            ids[i] = fs(f, name);
        }
        orv_hello h = {(uint8_t)fu(f, "minVersion"), (uint8_t)fu(f, "maxVersion"), (int)fu(f, "flags"),
                       fu(f, "resumeSession"), (uint32_t)fu(f, "lastReplySeq"), (uint32_t)fu(f, "pid"), fs(f, "host"),
                       fs(f, "client"), fs(f, "groupId"), count, ids, (uint16_t)fu(f, "autoCount"),
                       (uint32_t)fu(f, "autoMemoryMiB"), (uint8_t)fu(f, "autoRatio")};
        orv_req_hello(w, &h);
        return 0;
    }
    case ORV_GOODBYE: return 0;
    case ORV_PING: return fb(f, "data");
    case ORV_DEVICE_INFO: case ORV_MEM_INFO: case ORV_DEVICE_SYNC:
        orv_req_device(w, dev);
        return 0;
    case ORV_MEM_ALLOC: orv_req_mem_alloc(w, dev, fu(f, "bytes")); return 0;
    case ORV_MEM_FREE: orv_req_mem_free(w, dev, fu(f, "address")); return 0;
    case ORV_MEMSET:
        orv_req_memset(w, dev, fu(f, "address"), (uint8_t)fu(f, "value"), fu(f, "bytes"), fu(f, "stream"));
        return 0;
    case ORV_COPY_HTOD: orv_req_copy_htod(w, dev, fu(f, "dst"), fu(f, "stream")); return fb(f, "data");
    case ORV_COPY_DTOH: orv_req_copy_dtoh(w, dev, fu(f, "src"), fu(f, "bytes"), fu(f, "stream")); return 0;
    case ORV_COPY_DTOD:
        orv_req_copy_dtod(w, dev, fu(f, "dst"), fu(f, "src"), fu(f, "bytes"), fu(f, "stream"));
        return 0;
    case ORV_COPY_HTOD_REGION:
        orv_req_copy_htod_region(w, dev, fu(f, "dst"), fu(f, "regionOffset"), fu(f, "bytes"), fu(f, "stream"));
        return 0;
    case ORV_COPY_DTOH_REGION:
        orv_req_copy_dtoh_region(w, dev, fu(f, "src"), fu(f, "regionOffset"), fu(f, "bytes"), fu(f, "stream"));
        return 0;
    case ORV_MODULE_LOAD: orv_req_module_load(w, dev); return fb(f, "image");
    case ORV_MODULE_UNLOAD: orv_req_handle(w, dev, fu(f, "module")); return 0;
    case ORV_FUNCTION_GET: case ORV_GLOBAL_GET: orv_req_named(w, dev, fu(f, "module"), fs(f, "name")); return 0;
    case ORV_FUNCTION_ATTRIBUTES: orv_req_handle(w, dev, fu(f, "function")); return 0;
    case ORV_OCCUPANCY:
        orv_req_occupancy(w, dev, fu(f, "function"), (uint32_t)fu(f, "blockSize"), fu(f, "dynamicSharedBytes"));
        return 0;
    case ORV_LAUNCH: {
        uint32_t grid[3] = {(uint32_t)fu(f, "grid.x"), (uint32_t)fu(f, "grid.y"), (uint32_t)fu(f, "grid.z")};
        uint32_t block[3] = {(uint32_t)fu(f, "block.x"), (uint32_t)fu(f, "block.y"), (uint32_t)fu(f, "block.z")};
        orv_req_launch(w, dev, fu(f, "function"), grid, block, (uint32_t)fu(f, "sharedBytes"), fu(f, "stream"));
        return fb(f, "args");
    }
    case ORV_STREAM_CREATE: orv_req_stream_create(w, dev, (uint8_t)fu(f, "flags"), (int32_t)fi(f, "priority")); return 0;
    case ORV_STREAM_DESTROY: case ORV_STREAM_SYNC: case ORV_STREAM_QUERY: orv_req_handle(w, dev, fu(f, "stream")); return 0;
    case ORV_STREAM_WAIT_EVENT: orv_req_handle_pair(w, dev, fu(f, "stream"), fu(f, "event")); return 0;
    case ORV_EVENT_CREATE: orv_req_event_create(w, dev, (uint8_t)fu(f, "flags")); return 0;
    case ORV_EVENT_DESTROY: case ORV_EVENT_QUERY: case ORV_EVENT_SYNC: orv_req_handle(w, dev, fu(f, "event")); return 0;
    case ORV_EVENT_RECORD: orv_req_handle_pair(w, dev, fu(f, "event"), fu(f, "stream")); return 0;
    case ORV_EVENT_ELAPSED: orv_req_handle_pair(w, dev, fu(f, "start"), fu(f, "end")); return 0;
    }
    CHECK(0, "no encoder for type 0x%04x", type);
    return 0;
}

/* Decodes a reply with the client's decoders into fields. */
static void decode_reply(uint16_t type, uint8_t flags, const uint8_t *payload, size_t n, fieldlist *out, const char *vname) {
    orv_reply r;
    char err[256];
    int rc = orv_reply_read(payload, n, &r, err, sizeof err);
    CHECK(rc == 0, "%s: %s", vname, err);
    if (rc) return;
    add_num(out, "status", "i32", r.status);
    add_num(out, "deferredStatus", "i32", r.deferred_status);
    add_num(out, "deferredSeq", "u32", r.deferred_seq);
    if (r.deferred_status) add_field(out, "deferredMessage", "str", r.deferred_message);
    if (r.status) {
        add_field(out, "message", "str", r.message);
        return;
    }
    orv_reader *rd = &r.result;
    int bad = 0;
    switch (type) {
    case ORV_HELLO: {
        orv_hello_ok o;
        bad = orv_res_hello_ok(rd, &o);
        add_num(out, "version", "u8", o.version);
        add_num(out, "flags", "u8", o.flags);
        add_u64(out, "session", o.session);
        add_num(out, "lastHandledSeq", "u32", o.last_handled_seq);
        add_num(out, "maxPayload", "u32", o.max_payload);
        add_num(out, "deviceCount", "u16", o.device_count);
        add_field(out, "server", "str", o.server);
        break;
    }
    case ORV_PING: {
        size_t k;
        const uint8_t *d = orv_get_rest(rd, &k);
        add_bytes(out, "data", d, k);
        break;
    }
    case ORV_DEVICE_INFO: {
        orv_device_info *o = malloc(sizeof *o);
        bad = orv_res_device_info(rd, o);
        add_field(out, "vgpuId", "str", o->vgpu_id);
        add_field(out, "gpuUuid", "str", o->gpu_uuid);
        add_field(out, "name", "str", o->name);
        add_u64(out, "memoryBytes", o->memory_bytes);
        add_u64(out, "physicalMemoryBytes", o->physical_memory_bytes);
        add_num(out, "multiprocessors", "u32", o->multiprocessors);
        add_num(out, "ccMajor", "u8", o->cc_major);
        add_num(out, "ccMinor", "u8", o->cc_minor);
        add_field(out, "pciBusId", "str", o->pci_bus_id);
        add_num(out, "ratio", "u8", o->ratio);
        add_num(out, "attributeCount", "u16", o->attribute_count);
        for (unsigned i = 0; i < o->attribute_count; i++) {
            char a[48], b[48];
            snprintf(a, sizeof a, "attributes[%u].code", i);
            snprintf(b, sizeof b, "attributes[%u].value", i);
            add_num(out, a, "i32", o->attribute_code[i]);
            add_num(out, b, "i32", o->attribute_value[i]);
        }
        free(o);
        break;
    }
    case ORV_MEM_INFO: {
        uint64_t fr, tot;
        bad = orv_res_mem_info(rd, &fr, &tot);
        add_u64(out, "freeBytes", fr);
        add_u64(out, "totalBytes", tot);
        break;
    }
    case ORV_MEM_ALLOC: {
        uint64_t a;
        bad = orv_res_u64(rd, "address", &a);
        add_u64(out, "address", a);
        break;
    }
    case ORV_COPY_DTOH: {
        uint64_t off;
        const uint8_t *d;
        size_t k;
        bad = orv_res_chunk(rd, &off, &d, &k);
        add_u64(out, "offset", off);
        add_bytes(out, "data", d, k);
        CHECK(((flags & ORV_MORE) != 0) == (strstr(vname, "MORE") != NULL), "%s: MORE flag", vname);
        break;
    }
    case ORV_MODULE_LOAD: case ORV_STREAM_CREATE: case ORV_EVENT_CREATE: {
        uint64_t h;
        bad = orv_res_handle(rd, &h);
        add_u64(out, "handle", h);
        break;
    }
    case ORV_FUNCTION_GET: {
        orv_function_info fi_;
        bad = orv_res_function(rd, &fi_);
        add_u64(out, "handle", fi_.handle);
        add_num(out, "paramCount", "u16", fi_.param_count);
        for (unsigned i = 0; !bad && i < fi_.param_count; i++) {
            char a[48], b[48];
            snprintf(a, sizeof a, "params[%u].offset", i);
            snprintf(b, sizeof b, "params[%u].size", i);
            add_num(out, a, "u32", fi_.params[i].offset);
            add_num(out, b, "u32", fi_.params[i].size);
        }
        orv_function_info_free(&fi_);
        break;
    }
    case ORV_GLOBAL_GET: {
        uint64_t a, s;
        bad = orv_res_global(rd, &a, &s);
        add_u64(out, "address", a);
        add_u64(out, "size", s);
        break;
    }
    case ORV_FUNCTION_ATTRIBUTES: {
        orv_function_attributes a;
        bad = orv_res_attributes(rd, &a);
        add_num(out, "maxThreadsPerBlock", "i32", a.max_threads_per_block);
        add_num(out, "sharedSizeBytes", "i32", a.shared_size_bytes);
        add_num(out, "constSizeBytes", "i32", a.const_size_bytes);
        add_num(out, "localSizeBytes", "i32", a.local_size_bytes);
        add_num(out, "numRegs", "i32", a.num_regs);
        add_num(out, "ptxVersion", "i32", a.ptx_version);
        add_num(out, "binaryVersion", "i32", a.binary_version);
        add_num(out, "maxDynamicSharedSizeBytes", "i32", a.max_dynamic_shared_size_bytes);
        break;
    }
    case ORV_OCCUPANCY: {
        int32_t v;
        bad = orv_res_i32(rd, "value", &v);
        add_num(out, "value", "i32", v);
        break;
    }
    case ORV_EVENT_ELAPSED: {
        float ms;
        bad = orv_res_f32(rd, "millis", &ms);
        add_f32(out, "millis", ms);
        break;
    }
    default:
        bad = orv_res_empty(rd);
    }
    CHECK(!bad, "%s: %s", vname, rd->err);
}

static void compare(const fieldlist *got, const fieldlist *want, const char *vname) {
    CHECK(got->n == want->n, "%s: %zu fields decoded, the vector has %zu", vname, got->n, want->n);
    for (size_t i = 0; i < got->n && i < want->n; i++)
        CHECK(!strcmp(got->items[i], want->items[i]), "%s: field %zu is '%s', the vector says '%s'", vname, i,
              got->items[i], want->items[i]);
}

static void check_vector(const json_value *v) {
    const char *name = json_str(json_get(v, "name"));
    const char *kind = json_str(json_get(v, "kind"));
    const json_value *hdr = json_get(v, "header");
    static uint8_t frame[1 << 17];
    long n = unhex(json_str(json_get(v, "frame")), frame, sizeof frame);
    CHECK(name && kind && hdr && n >= 0, "malformed vector '%s'", name ? name : "?");
    if (!name || !kind || !hdr || n < 0) return;

    orv_header h;
    char err[256];
    int rc = orv_header_read(frame, (size_t)n, ORV_ABSOLUTE_MAX_PAYLOAD, &h, err, sizeof err);
    CHECK(rc == 0, "%s: header refused: %s", name, err);
    if (rc) return;
    uint64_t typecode = 0, seq = 0, len = 0, flags = 0, session = 0;
    CHECK(!json_u64(json_get(hdr, "typeCode"), &typecode) && !json_u64(json_get(hdr, "seq"), &seq)
          && !json_u64(json_get(hdr, "length"), &len) && !json_u64(json_get(hdr, "flags"), &flags)
          && !json_u64(json_get(hdr, "session"), &session), "%s: unreadable header", name);
    CHECK(h.type == typecode && h.seq == seq && h.length == len && h.flags == flags && h.session == session,
          "%s: header fields differ from the vector's", name);
    CHECK(orv_type_name(h.type) && !strcmp(orv_type_name(h.type), json_str(json_get(hdr, "type"))),
          "%s: type name %s", name, orv_type_name(h.type));
    CHECK(h.length == (uint64_t)n - ORV_HEADER_SIZE, "%s: header length %u for %ld payload bytes", name, h.length,
          n - ORV_HEADER_SIZE);
    const json_value *fields = json_get(v, "fields");
    fieldlist want = {0};
    CHECK(fields && !vector_fields(fields, &want), "%s: unreadable fields", name);

    if (!strcmp(kind, "request")) {
        CHECK(!(h.flags & ORV_ASYNC) || orv_type_async(h.type), "%s: ASYNC on a type that has a result", name);
        orv_writer w;
        orv_writer_init(&w);
        size_t tail = encode_request(&w, h.type, h.flags, fields);
        CHECK(orv_finish(&w, h.type, h.flags, h.seq, h.session, tail) == 0, "%s: encoder failed", name);
        CHECK(w.len + tail == (size_t)n && !memcmp(w.buf, frame, w.len) && !memcmp(tailbuf, frame + w.len, tail),
              "%s: encoded bytes differ from the vector", name);
        orv_writer_free(&w);
    } else {
        CHECK(h.flags & ORV_REPLY, "%s: a reply without the REPLY flag", name);
        fieldlist got = {0};
        decode_reply(h.type, h.flags, frame + ORV_HEADER_SIZE, (size_t)n - ORV_HEADER_SIZE, &got, name);
        compare(&got, &want, name);
        free_fields(&got);
    }
    free_fields(&want);
}

static void check_file(const char *file) {
    json_doc *d = load(file);
    if (!d) return;
    const json_value *vs = json_get(json_root(d), "vectors");
    CHECK(vs && vs->kind == JSON_ARRAY && vs->length > 0, "%s has no vectors", file);
    for (size_t i = 0; vs && i < vs->length; i++) check_vector(vs->items[i]);
    json_free(d);
}

static void session_vectors(void) { check_file("session.json"); }
static void device_vectors(void) { check_file("device.json"); }
static void memory_vectors(void) { check_file("memory.json"); }
static void module_vectors(void) { check_file("module.json"); }
static void exec_vectors(void) { check_file("exec.json"); }
static void error_vectors(void) { check_file("errors.json"); }

/* Records which types the vectors of a file hold, by kind. */
static void record_types(const char *file) {
    json_doc *d = load(file);
    if (!d) return;
    const json_value *vs = json_get(json_root(d), "vectors");
    for (size_t i = 0; vs && i < vs->length; i++) {
        uint64_t code;
        const char *kind = json_str(json_get(vs->items[i], "kind"));
        if (!kind || json_u64(json_get(json_get(vs->items[i], "header"), "typeCode"), &code) || code >= 0x70) continue;
        if (!strcmp(kind, "request")) seen_request[code] = 1;
        else seen_reply[code] = 1;
    }
    json_free(d);
}

/* Every message has a request vector and every message with a result a reply vector, so the
 * file checks covered each encoder and decoder the client uses. */
static void every_message_covered(void) {
    static const char *files[] = {"session.json", "device.json", "memory.json", "module.json", "exec.json", "errors.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) record_types(files[i]);
    static const uint16_t all[] = {ORV_HELLO, ORV_GOODBYE, ORV_PING, ORV_DEVICE_INFO, ORV_MEM_INFO, ORV_DEVICE_SYNC,
        ORV_MEM_ALLOC, ORV_MEM_FREE, ORV_MEMSET, ORV_COPY_HTOD, ORV_COPY_DTOH, ORV_COPY_DTOD, ORV_COPY_HTOD_REGION,
        ORV_COPY_DTOH_REGION, ORV_MODULE_LOAD, ORV_MODULE_UNLOAD, ORV_FUNCTION_GET, ORV_GLOBAL_GET, ORV_FUNCTION_ATTRIBUTES,
        ORV_OCCUPANCY, ORV_LAUNCH, ORV_STREAM_CREATE, ORV_STREAM_DESTROY, ORV_STREAM_SYNC, ORV_STREAM_QUERY,
        ORV_STREAM_WAIT_EVENT, ORV_EVENT_CREATE, ORV_EVENT_DESTROY, ORV_EVENT_RECORD, ORV_EVENT_QUERY, ORV_EVENT_SYNC,
        ORV_EVENT_ELAPSED};
    static const uint16_t with_result[] = {ORV_HELLO, ORV_PING, ORV_DEVICE_INFO, ORV_MEM_INFO, ORV_MEM_ALLOC,
        ORV_COPY_DTOH, ORV_MODULE_LOAD, ORV_FUNCTION_GET, ORV_GLOBAL_GET, ORV_FUNCTION_ATTRIBUTES, ORV_OCCUPANCY,
        ORV_STREAM_CREATE, ORV_EVENT_CREATE, ORV_EVENT_ELAPSED};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        CHECK(seen_request[all[i]], "no request vector for %s", orv_type_name(all[i]));
    for (size_t i = 0; i < sizeof with_result / sizeof with_result[0]; i++)
        CHECK(seen_reply[with_result[i]], "no reply vector for %s", orv_type_name(with_result[i]));
}

/* The framing errors of invalid.json: the header reader (or the record length check every
 * transport makes) refuses each; content errors of requests are the server's to find. */
static void invalid_frames_refused(void) {
    json_doc *d = load("invalid.json");
    if (!d) return;
    const json_value *vs = json_get(json_root(d), "vectors");
    int fatal = 0;
    for (size_t i = 0; vs && i < vs->length; i++) {
        const json_value *v = vs->items[i];
        if (!json_get(v, "fatal") || !json_get(v, "fatal")->boolean) continue;
        fatal++;
        uint8_t frame[4096];
        long n = unhex(json_str(json_get(v, "frame")), frame, sizeof frame);
        orv_header h;
        char err[256];
        int refused = orv_header_read(frame, (size_t)n, ORV_ABSOLUTE_MAX_PAYLOAD, &h, err, sizeof err) != 0
                      || h.length != (uint64_t)n - ORV_HEADER_SIZE;
        CHECK(refused, "'%s' was accepted", json_str(json_get(v, "name")));
    }
    CHECK(fatal >= 5, "invalid.json holds %d framing errors, expected at least 5", fatal);
    json_free(d);
}

/* A reply that lies: lengths past the end, strings that are not UTF-8, impossible layouts. */
static void hostile_replies_refused(void) {
    uint8_t p[64];
    orv_reply r;
    char err[256];
    /* status 1 with a message length past the end */
    memset(p, 0, sizeof p);
    p[0] = 1;
    p[12] = 0xff;
    p[13] = 0x00;
    CHECK(orv_reply_read(p, 20, &r, err, sizeof err) != 0, "message length past the end accepted");
    /* status 1 with invalid UTF-8 */
    uint8_t q[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xc3, 0x28};
    CHECK(orv_reply_read(q, sizeof q, &r, err, sizeof err) != 0, "invalid UTF-8 accepted");
    /* FUNCTION_GET result whose parameter leaves the parameter space */
    uint8_t f[] = {2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0xfc, 0x7f, 0, 0, 8, 0, 0, 0};
    orv_reader rd;
    orv_reader_init(&rd, f, sizeof f);
    orv_function_info fi_;
    CHECK(orv_res_function(&rd, &fi_) != 0, "parameter outside the parameter space accepted");
    /* a handle of 0 */
    uint8_t z[8] = {0};
    orv_reader_init(&rd, z, sizeof z);
    uint64_t h;
    CHECK(orv_res_handle(&rd, &h) != 0, "handle 0 accepted");
    /* HELLO_OK announcing 65 devices */
    orv_writer w;
    orv_writer_init(&w);
    orv_begin(&w);
    orv_put_u8(&w, 1); orv_put_u8(&w, 0); orv_put_u64(&w, 7); orv_put_u32(&w, 0); orv_put_u32(&w, 1 << 20);
    orv_put_u16(&w, 65); orv_put_str(&w, "s");
    orv_reader_init(&rd, w.buf + ORV_HEADER_SIZE, w.len - ORV_HEADER_SIZE);
    orv_hello_ok ok;
    CHECK(orv_res_hello_ok(&rd, &ok) != 0 && strstr(rd.err, "65"), "65 devices accepted: %s", rd.err);
    /* a trailing byte after a result */
    orv_begin(&w);
    orv_put_u64(&w, 9); orv_put_u8(&w, 0);
    orv_reader_init(&rd, w.buf + ORV_HEADER_SIZE, w.len - ORV_HEADER_SIZE);
    CHECK(orv_res_handle(&rd, &h) != 0 && strstr(rd.err, "unexpected"), "trailing byte accepted");
    orv_writer_free(&w);
}

static void utf8_rules(void) {
    CHECK(orv_utf8_valid((const uint8_t *)"h\xc3\xa9llo", 6), "é refused");
    CHECK(!orv_utf8_valid((const uint8_t *)"\xc0\xaf", 2), "overlong accepted");
    CHECK(!orv_utf8_valid((const uint8_t *)"\xed\xa0\x80", 3), "surrogate accepted");
    CHECK(!orv_utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4), "above U+10FFFF accepted");
    CHECK(orv_utf8_valid((const uint8_t *)"\xf0\x9f\x98\x80", 4), "emoji refused");
    CHECK(!orv_utf8_valid((const uint8_t *)"\xe2\x82", 2), "truncated sequence accepted");
}

int main(int argc, char **argv) {
    static const check_case cases[] = {
        CASE(session_vectors), CASE(device_vectors), CASE(memory_vectors), CASE(module_vectors), CASE(exec_vectors),
        CASE(error_vectors), CASE(every_message_covered), CASE(invalid_frames_refused), CASE(hostile_replies_refused),
        CASE(utf8_rules),
    };
    return check_main("codec", cases, sizeof cases / sizeof cases[0], argc, argv);
}
