/*
 * orion-run: runs a program with the Orion client libraries first on its library path, so that
 * an unmodified CUDA program (built with the shared CUDA runtime) talks to vGPUs instead of a
 * local GPU. Before starting it, the program file is looked at: one linked statically to the
 * CUDA runtime, or one whose RPATH would load NVIDIA's runtime first, cannot be served, and
 * orion-run says so instead of letting it fail obscurely.
 *
 *   orion-run [--force] [--check] [--] PROGRAM [ARGS...]
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *me = "orion-run";

static void usage(FILE *f) {
    fprintf(f,
            "usage: %s [--force] [--check] [--] PROGRAM [ARGS...]\n"
            "  Runs PROGRAM with the Orion client (libcudart.so.13/.12, libcuda.so.1) first on the library path.\n"
            "  --check  only inspect PROGRAM and say whether Orion can serve it\n"
            "  --force  run it even when it cannot be served (linked statically to the CUDA runtime)\n"
            "  The client reads ORION_VGPU, ORION_GMEM, ORION_RATIO, ORION_GROUP_ID, ORION_CONTROLLER (or\n"
            "  /etc/orion/client.conf); see docs/client.md. ORION_CLIENT_LIB overrides where the libraries are.\n",
            me);
}

/* The client libraries: $ORION_CLIENT_LIB, else ../lib next to this executable. */
static int find_libdir(char *out, size_t cap) {
    const char *env = getenv("ORION_CLIENT_LIB");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
    } else {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) return -1;
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (!slash) return -1;
        *slash = 0;
        snprintf(out, cap, "%s/../lib", self);
    }
    char real[PATH_MAX];
    if (!realpath(out, real)) return -1;
    snprintf(out, cap, "%s", real);
    char probe[PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s/libcuda.so.1", out);
    return access(probe, R_OK) == 0 ? 0 : -1;
}

/* PROGRAM as execvp would find it. */
static int resolve(const char *prog, char *out, size_t cap) {
    if (strchr(prog, '/')) {
        snprintf(out, cap, "%s", prog);
        return access(out, X_OK);
    }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    char *copy = strdup(path), *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        snprintf(out, cap, "%s/%s", *dir ? dir : ".", prog);
        if (access(out, X_OK) == 0) {
            free(copy);
            return 0;
        }
    }
    free(copy);
    return -1;
}

typedef struct {
    int elf64;
    int cuda_code;          /* it carries CUDA device code (a fat binary section) */
    int shared_cudart;      /* it needs libcudart.so.* */
    char rpath[PATH_MAX];   /* DT_RPATH (searched before LD_LIBRARY_PATH) */
} elf_facts;

/* Reads what matters from an ELF file; 0 when it is one this tool understands. */
static int inspect(const char *file, elf_facts *f) {
    memset(f, 0, sizeof *f);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    const unsigned char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) return -1;
    int rc = -1;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64) goto done;
    f->elf64 = 1;
    if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > size
        || (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > size - eh->e_shoff || eh->e_shstrndx >= eh->e_shnum)
        goto done;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(m + eh->e_shoff);
    const Elf64_Shdr *names = &sh[eh->e_shstrndx];
    if (names->sh_offset > size || names->sh_size > size - names->sh_offset) goto done;
    const char *shstr = (const char *)m + names->sh_offset;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_name >= names->sh_size) continue;
        const char *name = shstr + sh[i].sh_name;
        if (!strcmp(name, ".nv_fatbin") || !strcmp(name, ".nvFatBinSegment") || !strcmp(name, "__nv_relfatbin"))
            f->cuda_code = 1;
        if (sh[i].sh_type != SHT_DYNAMIC || sh[i].sh_link >= eh->e_shnum) continue;
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset || strs->sh_offset > size
            || strs->sh_size > size - strs->sh_offset)
            continue;
        const Elf64_Dyn *dyn = (const Elf64_Dyn *)(m + sh[i].sh_offset);
        size_t n = sh[i].sh_size / sizeof(Elf64_Dyn);
        for (size_t k = 0; k < n && dyn[k].d_tag != DT_NULL; k++) {
            if (dyn[k].d_un.d_val >= strs->sh_size) continue;
            const char *s = (const char *)m + strs->sh_offset + dyn[k].d_un.d_val;
            if (dyn[k].d_tag == DT_NEEDED && !strncmp(s, "libcudart.so", 12)) f->shared_cudart = 1;
            if (dyn[k].d_tag == DT_RPATH) snprintf(f->rpath, sizeof f->rpath, "%s", s);
        }
    }
    rc = 0;
done:
    munmap((void *)m, size);
    return rc;
}

/* The directory of the DT_RPATH that holds a libcudart.so.*, if any ($ORIGIN is resolved). */
static int rpath_cudart(const char *prog, const char *rpath, char *dir, size_t cap) {
    char copy[PATH_MAX], origin[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", rpath);
    snprintf(origin, sizeof origin, "%s", prog);
    char *slash = strrchr(origin, '/');
    if (slash) *slash = 0;
    char *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        char path[PATH_MAX];
        if (!strncmp(d, "$ORIGIN", 7)) snprintf(path, sizeof path, "%s%s", origin, d + 7);
        else snprintf(path, sizeof path, "%s", d);
        static const char *const libs[] = {"libcudart.so.13", "libcudart.so.12", "libcudart.so"};
        for (int i = 0; i < 3; i++) {
            char probe[PATH_MAX + 32];
            snprintf(probe, sizeof probe, "%s/%s", path, libs[i]);
            if (access(probe, R_OK) == 0) {
                snprintf(dir, cap, "%s", path);
                return 1;
            }
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    int force = 0, check = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "--force")) force = 1;
        else if (!strcmp(argv[i], "--check")) check = 1;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", me, argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    char libdir[PATH_MAX];
    if (find_libdir(libdir, sizeof libdir)) {
        fprintf(stderr, "%s: the Orion client libraries were not found (libcuda.so.1 in %s); set ORION_CLIENT_LIB\n", me,
                getenv("ORION_CLIENT_LIB") ? getenv("ORION_CLIENT_LIB") : "../lib next to orion-run");
        return 127;
    }
    char prog[PATH_MAX];
    if (resolve(argv[i], prog, sizeof prog)) {
        fprintf(stderr, "%s: %s: command not found or not executable\n", me, argv[i]);
        return 127;
    }
    elf_facts f;
    int ok = 1;
    if (inspect(prog, &f) == 0) {
        char dir[PATH_MAX];
        if (f.cuda_code && !f.shared_cudart) {
            fprintf(stderr,
                    "%s: %s is statically linked to the CUDA runtime (libcudart_static.a, nvcc's default). Orion "
                    "forwards the shared CUDA runtime's API, like every API-remoting system, and cannot serve it: "
                    "rebuild it with 'nvcc -cudart shared'.\n",
                    me, prog);
            ok = 0;
        } else if (f.rpath[0] && rpath_cudart(prog, f.rpath, dir, sizeof dir)) {
            fprintf(stderr, "%s: %s has an RPATH with NVIDIA's CUDA runtime (%s), which is searched before orion-run's "
                            "library path; remove it (patchelf --remove-rpath) or relink without it.\n",
                    me, prog, dir);
            ok = 0;
        } else if (check) {
            printf("%s: %s %s\n", me, prog,
                   f.shared_cudart ? "uses the shared CUDA runtime: Orion can serve it"
                                   : "does not need the CUDA runtime directly (it may load it or the driver at run time)");
        }
    } else if (check) {
        printf("%s: %s is not a 64-bit ELF program (a script?); it is run as it is\n", me, prog);
    }
    if (check) return ok ? 0 : 1;
    if (!ok && !force) return 1;

    const char *old = getenv("LD_LIBRARY_PATH");
    size_t len = strlen(libdir) + (old ? strlen(old) : 0) + 2;
    char *path = malloc(len);
    if (!path) return 1;
    snprintf(path, len, "%s%s%s", libdir, old && *old ? ":" : "", old ? old : "");
    setenv("LD_LIBRARY_PATH", path, 1);
    free(path);
    execv(prog, argv + i);
    fprintf(stderr, "%s: cannot run %s: %s\n", me, prog, strerror(errno));
    return 126;
}
