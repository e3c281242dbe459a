/*
 * The client core's session engine (src/core/session.c) over the rdma transport, against a live
 * server: vector_add (PTX) on the server's device, data through the region by one-sided RDMA (or
 * in messages when the server offers no region), an INDIRECT module load, and the rule that a
 * queued device-to-host copy reaches the local region only with the synchronization that proves
 * it done. Run by transports/rdma's NativeRdmaClientTest:
 *   rdma_e2e rdma://HOST:PORT path/to/vector_add.ptx
 * prints "ok rdma region=0|1" and exits 0, or says what went wrong and exits 1. ORION_TIMEOUT_MS
 * (default 5000) is the connect timeout, as in the client.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/region.h"
#include "core/session.h"
#include "ucx/orion_rdma.h"

#define N (1 << 16)

static void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("FAILED: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    exit(1);
}

static orion_session *s;

static uint64_t call_u64(uint16_t type, const void *tail, size_t n, const char *what) {
    orv_reply r;
    uint64_t v = 0;
    int rc = sess_call(s, type, tail, n, &r, NULL, NULL);
    if (rc) fail("%s: %d %s", what, rc, rc == ORION_ERR_LOST ? s->broken_why : r.message);
    if (type != ORV_COPY_HTOD_REGION && type != ORV_COPY_DTOH_REGION && type != ORV_DEVICE_SYNC && type != ORV_COPY_HTOD &&
        orv_res_u64(&r.result, "value", &v))
        fail("%s: malformed result", what);
    sess_end(s);
    return v;
}

static void post(uint16_t type, const void *tail, size_t n, const char *what) {
    int rc = sess_post(s, type, tail, n);
    sess_end(s);
    if (rc) fail("%s: %d", what, rc);
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) fail("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)len + 1);
    if (!b || fread(b, 1, (size_t)len, f) != (size_t)len) fail("cannot read %s", path);
    fclose(f);
    b[len] = 0;
    *n = (size_t)len + 1; /* PTX text with its terminating NUL, as cuModuleLoadData takes it */
    return b;
}

/* COPY_DTOH chunks (messages path) land in ctx at their offsets. */
static int chunk(void *ctx, orv_reader *res) {
    uint64_t off;
    const uint8_t *data;
    size_t n;
    if (orv_res_chunk(res, &off, &data, &n) || off + n > 4u * N) return 1;
    memcpy((uint8_t *)ctx + off, data, n);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) fail("usage: rdma_e2e rdma://HOST:PORT vector_add.ptx");
    char why[1024], err[1024];
    int usable = orion_rdma_usable(why, sizeof why);
    printf("usable=%d (%s)\n", usable, why);
    orion_endpoint ep;
    if (orion_rdma_endpoint_parse(argv[1], &ep, err, sizeof err)) fail("%s", err);
    const char *timeout = getenv("ORION_TIMEOUT_MS");
    orion_channel *ch = orion_rdma_connect(&ep, 16, timeout ? atoi(timeout) : 5000, 50, err, sizeof err);
    if (!ch) fail("connect: %s", err);
    if (strcmp(ch->name, "rdma")) fail("channel named %s", ch->name);
    char host[256];
    gethostname(host, sizeof host);
    orv_hello h = {0};
    h.min_version = h.max_version = ORV_VERSION;
    h.pid = (uint32_t)getpid();
    h.host = host;
    h.client = "rdma_e2e";
    h.group_id = "";
    h.auto_count = 1;
    h.auto_memory_mib = 256;
    h.auto_ratio = 100;
    int32_t status;
    s = sess_open(ch, &h, &status, err, sizeof err);
    if (!s) fail("HELLO: %d %s", status, err);
    int region = s->region != NULL;

    float *x, *y, *z, *w;
    if (region) {
        x = region_alloc(s->region, 4u * N), y = region_alloc(s->region, 4u * N);
        z = region_alloc(s->region, 4u * N), w = region_alloc(s->region, 4u * N);
        if (!x || !y || !z || !w) fail("the region has no room for four vectors");
    } else {
        x = malloc(4u * N), y = malloc(4u * N), z = malloc(4u * N), w = malloc(4u * N);
    }
    for (int i = 0; i < N; i++) x[i] = (float)i, y[i] = 0.25f * (float)i;
    memset(z, 0xab, 4u * N);

    orv_req_mem_alloc(sess_begin(s), 0, 4u * N);
    uint64_t dx = call_u64(ORV_MEM_ALLOC, NULL, 0, "MEM_ALLOC");
    orv_req_mem_alloc(sess_begin(s), 0, 4u * N);
    uint64_t dy = call_u64(ORV_MEM_ALLOC, NULL, 0, "MEM_ALLOC");
    orv_req_mem_alloc(sess_begin(s), 0, 4u * N);
    uint64_t dz = call_u64(ORV_MEM_ALLOC, NULL, 0, "MEM_ALLOC");

    uint64_t off;
    if (region) {
        region_contains(s->region, x, 1, &off);
        orv_req_copy_htod_region(sess_begin(s), 0, dx, off, 4u * N, 0);
        call_u64(ORV_COPY_HTOD_REGION, NULL, 0, "COPY_HTOD_REGION");
        region_contains(s->region, y, 1, &off);
        orv_req_copy_htod_region(sess_begin(s), 0, dy, off, 4u * N, 0);
        post(ORV_COPY_HTOD_REGION, NULL, 0, "COPY_HTOD_REGION async");
    } else {
        orv_req_copy_htod(sess_begin(s), 0, dx, 0);
        call_u64(ORV_COPY_HTOD, x, 4u * N, "COPY_HTOD");
        orv_req_copy_htod(sess_begin(s), 0, dy, 0);
        call_u64(ORV_COPY_HTOD, y, 4u * N, "COPY_HTOD");
    }

    /* the module: INDIRECT through the region when there is one, else inline */
    size_t ptx_len;
    uint8_t *ptx = read_file(argv[2], &ptx_len);
    uint64_t module;
    if (region) {
        uint8_t *p = region_alloc(s->region, ptx_len + 2);
        p[0] = 0, p[1] = 0; /* device 0, then the image */
        memcpy(p + 2, ptx, ptx_len);
        region_contains(s->region, p, 1, &off);
        orv_reply r;
        sess_begin(s);
        int rc = sess_call_indirect(s, ORV_MODULE_LOAD, off, ptx_len + 2, &r);
        if (rc || orv_res_handle(&r.result, &module)) fail("INDIRECT MODULE_LOAD: %d %s", rc, r.message);
        sess_end(s);
        region_free(s->region, p, ptx_len + 2);
    } else {
        orv_req_module_load(sess_begin(s), 0);
        orv_reply r;
        int rc = sess_call(s, ORV_MODULE_LOAD, ptx, ptx_len, &r, NULL, NULL);
        if (rc || orv_res_handle(&r.result, &module)) fail("MODULE_LOAD: %d %s", rc, r.message);
        sess_end(s);
    }
    orv_req_named(sess_begin(s), 0, module, "vector_add");
    orv_reply r;
    orv_function_info fn;
    int rc = sess_call(s, ORV_FUNCTION_GET, NULL, 0, &r, NULL, NULL);
    if (rc || orv_res_function(&r.result, &fn) || fn.param_count != 4) fail("FUNCTION_GET: %d %s", rc, r.message);
    sess_end(s);
    uint8_t args[64] = {0};
    int32_t n = N;
    memcpy(args + fn.params[0].offset, &dx, 8);
    memcpy(args + fn.params[1].offset, &dy, 8);
    memcpy(args + fn.params[2].offset, &dz, 8);
    memcpy(args + fn.params[3].offset, &n, 4);
    uint32_t grid[3] = {N / 256, 1, 1}, block[3] = {256, 1, 1};
    orv_req_launch(sess_begin(s), 0, fn.handle, grid, block, 0, 0);
    post(ORV_LAUNCH, args, fn.argument_bytes, "LAUNCH");

    if (region) {
        /* queued: the local copy must not change before a synchronization proves the copy done */
        region_contains(s->region, z, 1, &off);
        orv_req_copy_dtoh_region(sess_begin(s), 0, dz, off, 4u * N, 0);
        post(ORV_COPY_DTOH_REGION, NULL, 0, "COPY_DTOH_REGION async");
        orv_req_mem_alloc(sess_begin(s), 0, 4096); /* a round trip that proves nothing about the copy */
        call_u64(ORV_MEM_ALLOC, NULL, 0, "MEM_ALLOC");
        if (((uint8_t *)z)[0] != 0xab || ((uint8_t *)z)[4u * N - 1] != 0xab) fail("the region changed before DEVICE_SYNC");
        orv_req_device(sess_begin(s), 0);
        call_u64(ORV_DEVICE_SYNC, NULL, 0, "DEVICE_SYNC");
        /* synchronous on stream 0: in place when the call returns */
        region_contains(s->region, w, 1, &off);
        orv_req_copy_dtoh_region(sess_begin(s), 0, dx, off, 4u * N, 0);
        call_u64(ORV_COPY_DTOH_REGION, NULL, 0, "COPY_DTOH_REGION");
    } else {
        orv_req_copy_dtoh(sess_begin(s), 0, dz, 4u * N, 0);
        if ((rc = sess_call(s, ORV_COPY_DTOH, NULL, 0, &r, chunk, z)) || chunk(z, &r.result)) fail("COPY_DTOH: %d", rc);
        sess_end(s);
        orv_req_copy_dtoh(sess_begin(s), 0, dx, 4u * N, 0);
        if ((rc = sess_call(s, ORV_COPY_DTOH, NULL, 0, &r, chunk, w)) || chunk(w, &r.result)) fail("COPY_DTOH: %d", rc);
        sess_end(s);
    }
    for (int i = 0; i < N; i++) {
        if (z[i] != 1.25f * (float)i) fail("z[%d] = %g, expected %g", i, z[i], 1.25f * (float)i);
        if (w[i] != (float)i) fail("w[%d] = %g", i, w[i]);
    }
    orv_function_info_free(&fn);
    free(ptx);
    sess_close(s, 1);
    printf("ok rdma region=%d\n", region);
    return 0;
}
