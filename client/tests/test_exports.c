/*
 * The built libraries as a program's dynamic loader sees them: every symbol of NVIDIA's runtime
 * exported under its version node, unimplemented calls answering "not supported" with their name
 * logged once, entry points by name, error names. No server is involved (nothing here initializes
 * the client).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void *lib(const char *name) {
    const char *dir = getenv("ORION_CLIENT_LIB");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "target/lib", name);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CHECK(h != NULL, "cannot load %s: %s (set ORION_CLIENT_LIB)", path, dlerror());
    return h;
}

/* Calls each name of a list file, one per line ('#' lines skipped), with fn. */
static int each_name(const char *file, void (*fn)(const char *name, void *ctx), void *ctx) {
    FILE *f = fopen(file, "r");
    if (!f) return -1;
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        fn(line, ctx);
        n++;
    }
    fclose(f);
    return n;
}

typedef struct {
    void *h;
    const char *version;
    int missing;
} vcheck;

static void versioned(const char *name, void *ctx) {
    vcheck *v = ctx;
    if (!dlvsym(v->h, name, v->version)) {
        if (v->missing++ < 5) check_fail(__FILE__, __LINE__, "dlvsym", "%s@%s is not exported", name, v->version);
    }
}

static void runtime_exports_every_symbol_with_its_version(void) {
    void *h13 = lib("libcudart.so.13"), *h12 = lib("libcudart.so.12");
    if (!h13 || !h12) return;
    vcheck v13 = {h13, "libcudart.so.13", 0}, v12 = {h12, "libcudart.so.12", 0};
    int n = each_name("src/runtime/exports.txt", versioned, &v13);
    CHECK(n > 400, "src/runtime/exports.txt lists %d names (run from the client folder)", n);
    each_name("src/runtime/exports.txt", versioned, &v12);
    each_name("src/runtime/exports12-extra.txt", versioned, &v12);
    CHECK(v13.missing == 0 && v12.missing == 0, "%d names missing from .so.13, %d from .so.12", v13.missing, v12.missing);
    CHECK(!dlvsym(h13, "cudaGetDeviceProperties_v2", "libcudart.so.13"), "a CUDA 12 name in libcudart.so.13");
}

typedef struct {
    char **names;
    int n;
} nameset;

static void add_name(const char *name, void *ctx) {
    nameset *s = ctx;
    s->names = realloc(s->names, (size_t)(s->n + 1) * sizeof *s->names);
    s->names[s->n++] = strdup(name);
}

/* The export list against NVIDIA's own library where the toolkit is installed (it is in CI). */
static void export_list_matches_nvidias_runtime(void) {
    const char *candidates[] = {"/usr/local/cuda-13.0/lib64/libcudart.so.13", "/usr/local/cuda/lib64/libcudart.so.13", NULL};
    const char *real = NULL;
    for (int i = 0; candidates[i]; i++)
        if (access(candidates[i], R_OK) == 0) real = candidates[i];
    if (!real) {
        fprintf(stderr, "    (NVIDIA's libcudart.so.13 is not installed here: nothing to compare)\n");
        return;
    }
    nameset mine = {0};
    each_name("src/runtime/exports.txt", add_name, &mine);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "readelf --dyn-syms -W %s", real);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL, "cannot run readelf");
    if (!p) return;
    char line[1024];
    int theirs = 0, unknown = 0;
    while (fgets(line, sizeof line, p)) {
        char num[32], value[64], size[32], type[32], bind[32], vis[32], ndx[32], name[512];
        if (sscanf(line, "%31s %63s %31s %31s %31s %31s %31s %511s", num, value, size, type, bind, vis, ndx, name) != 8) continue;
        if (strcmp(type, "FUNC") || !strcmp(ndx, "UND") || strcmp(bind, "GLOBAL")) continue;
        char *at = strchr(name, '@');
        if (at) *at = 0;
        theirs++;
        int found = 0;
        for (int i = 0; i < mine.n && !found; i++) found = !strcmp(mine.names[i], name);
        if (!found && unknown++ < 5) check_fail(__FILE__, __LINE__, "export list", "NVIDIA's %s is not in exports.txt", name);
    }
    pclose(p);
    CHECK(unknown == 0 && theirs == mine.n, "NVIDIA exports %d functions, exports.txt lists %d (%d unknown)", theirs, mine.n, unknown);
}

static void unsupported_call_answers_and_logs_its_name_once(void) {
    void *h = lib("libcudart.so.13");
    if (!h) return;
    int (*managed)(void **, size_t, unsigned) = (int (*)(void **, size_t, unsigned))dlsym(h, "cudaMallocManaged");
    CHECK(managed != NULL, "no cudaMallocManaged");
    if (!managed) return;
    char path[] = "/tmp/orion-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    dup2(fd, 2);
    void *p = NULL;
    int a = managed(&p, 64, 1), b = managed(&p, 64, 1);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    CHECK(a == 801 && b == 801, "cudaMallocManaged answered %d and %d, not cudaErrorNotSupported (801)", a, b);
    char log[4096] = "";
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, log, sizeof log - 1);
    log[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
    char *first = strstr(log, "cudaMallocManaged");
    CHECK(first && strstr(log, "not supported"), "the log does not name the call: '%s'", log);
    CHECK(first && !strstr(first + 1, "cudaMallocManaged"), "the call was logged more than once: '%s'", log);
}

static void error_names(void) {
    void *h = lib("libcudart.so.13"), *d = lib("libcuda.so.1");
    if (!h || !d) return;
    const char *(*name)(int) = (const char *(*)(int))dlsym(h, "cudaGetErrorName");
    const char *(*text)(int) = (const char *(*)(int))dlsym(h, "cudaGetErrorString");
    CHECK(!strcmp(name(9), "cudaErrorInvalidConfiguration") && !strcmp(name(0), "cudaSuccess") && !strcmp(name(801), "cudaErrorNotSupported"),
          "runtime names");
    CHECK(strstr(text(2), "out of memory") != NULL && text(123456) != NULL, "runtime descriptions");
    int (*cu_name)(int, const char **) = (int (*)(int, const char **))dlsym(d, "cuGetErrorName");
    int (*cu_text)(int, const char **) = (int (*)(int, const char **))dlsym(d, "cuGetErrorString");
    const char *s = NULL;
    CHECK(cu_name(1, &s) == 0 && !strcmp(s, "CUDA_ERROR_INVALID_VALUE"), "driver name %s", s);
    CHECK(cu_text(700, &s) == 0 && strstr(s, "illegal"), "driver description %s", s);
    CHECK(cu_text(123456, &s) == 1 && s == NULL, "an unknown code is refused");
}

static void driver_entry_points(void) {
    void *d = lib("libcuda.so.1");
    if (!d) return;
    typedef int (*proc_fn)(const char *, void **, int, unsigned long long, int *);
    proc_fn proc = (proc_fn)dlsym(d, "cuGetProcAddress_v2");
    CHECK(proc != NULL, "no cuGetProcAddress_v2");
    if (!proc) return;
    void *p = NULL;
    int status = -1;
    CHECK(proc("cuMemAlloc", &p, 13000, 0, &status) == 0 && status == 0 && p == dlsym(d, "cuMemAlloc_v2"), "cuMemAlloc -> _v2");
    CHECK(proc("cuCtxCreate", &p, 12000, 0, &status) == 0 && p == dlsym(d, "cuCtxCreate_v2"), "cuCtxCreate for CUDA 12.0 -> _v2");
    CHECK(proc("cuCtxCreate", &p, 13000, 0, &status) == 0 && p == dlsym(d, "cuCtxCreate_v4"), "cuCtxCreate for CUDA 13 -> _v4");
    CHECK(proc("cuLaunchKernel", &p, 13000, 0, &status) == 0 && p == dlsym(d, "cuLaunchKernel"), "cuLaunchKernel");
    /* a function CUDA has and this client does not implement: its not-supported definition */
    CHECK(proc("cuGraphCreate", &p, 13000, 0, &status) == 0 && p != NULL, "cuGraphCreate has no entry");
    CHECK(proc("cuNoSuchFunction", &p, 13000, 0, &status) == 500 && p == NULL && status == 1, "an unknown name was found");
    CHECK(proc("malloc", &p, 13000, 0, &status) == 500 && p == NULL, "a libc function came through cuGetProcAddress");
    /* before cuInit the driver answers as CUDA's does */
    int (*count)(int *) = (int (*)(int *))dlsym(d, "cuDeviceGetCount");
    int n = -1;
    CHECK(count(&n) == 3 && n == 0, "cuDeviceGetCount before cuInit answered %d", n);
}

static void runtime_registration_tolerates_nonsense(void) {
    void *h = lib("libcudart.so.13");
    if (!h) return;
    void **(*reg)(void *) = (void **(*)(void *))dlsym(h, "__cudaRegisterFatBinary");
    void (*fn)(void **, const char *, char *, const char *, int, void *, void *, void *, void *, int *) =
        (void (*)(void **, const char *, char *, const char *, int, void *, void *, void *, void *, int *))dlsym(h, "__cudaRegisterFunction");
    void (*unreg)(void **) = (void (*)(void **))dlsym(h, "__cudaUnregisterFatBinary");
    int bogus[8] = {0x12345678};
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2); /* the complaints are expected */
    void **handle = reg(bogus);
    fn(handle, "host", NULL, "kernel", -1, NULL, NULL, NULL, NULL, NULL);
    fn((void **)bogus, "host", NULL, "kernel", -1, NULL, NULL, NULL, NULL, NULL);
    unreg(handle);
    unreg(handle);
    unreg((void **)bogus);
    dup2(saved, 2);
    close(saved);
    close(devnull);
    CHECK(handle != NULL, "no handle for an unusable fat binary");
}

int main(int argc, char **argv) {
    /* nothing here may reach a real controller or server */
    setenv("ORION_CONTROLLER", "127.0.0.1:1", 1);
    setenv("ORION_CLIENT_CONF", "/dev/null", 1);
    static const check_case cases[] = {CASE(runtime_exports_every_symbol_with_its_version), CASE(export_list_matches_nvidias_runtime),
                                       CASE(unsupported_call_answers_and_logs_its_name_once), CASE(error_names),
                                       CASE(driver_entry_points), CASE(runtime_registration_tolerates_nonsense)};
    return check_main("exports", cases, sizeof cases / sizeof cases[0], argc, argv);
}
