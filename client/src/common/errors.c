#include "common/errors.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

/* Our own wording for the errors programs meet most; the rest are spelled out from their names. */
static const struct {
    int code;
    const char *text;
} WORDS[] = {
    {0, "no error"},
    {1, "invalid argument"},
    {2, "out of memory (the vGPU's memory quota is used up)"},
    {3, "initialization error"},
    {4, "the CUDA library is shutting down"},
    {9, "invalid launch configuration"},
    {13, "invalid device symbol"},
    {17, "invalid device pointer"},
    {21, "invalid copy direction"},
    {46, "the vGPU is unavailable (the connection to its Orion server is lost)"},
    {98, "invalid device function"},
    {100, "no CUDA-capable device: no Orion vGPU could be obtained (see the orion log lines)"},
    {101, "invalid device ordinal"},
    {200, "invalid device kernel image"},
    {201, "invalid device context"},
    {209, "no kernel image is available for the device"},
    {218, "invalid PTX"},
    {400, "invalid resource handle"},
    {500, "named symbol not found"},
    {600, "device not ready"},
    {700, "an illegal memory access was encountered"},
    {701, "too many resources requested for launch"},
    {702, "the launch timed out"},
    {712, "host memory is already registered"},
    {713, "host memory is not registered"},
    {719, "unspecified launch failure"},
    {800, "operation not permitted"},
    {801, "operation not supported by the Orion client"},
    {999, "unknown error"},
};

const char *orion_error_name(const struct orion_error_name *table, int code) {
    for (int i = 0; table[i].name; i++)
        if (table[i].code == code) return table[i].name;
    return 0;
}

/* Descriptions made from names ("cudaErrorLaunchTimeout" -> "launch timeout"), kept per code. */
#define SPELLED 1024
static char spelled[SPELLED][96];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char *spell(const char *name, int code) {
    if (code < 0 || code >= SPELLED) return "unrecognized error code";
    pthread_mutex_lock(&lock);
    char *out = spelled[code];
    if (!out[0]) {
        const char *p = name;
        if (!strncmp(p, "cudaError", 9)) p += 9;
        else if (!strncmp(p, "CUDA_ERROR_", 11)) p += 11;
        size_t o = 0;
        for (; *p && o + 2 < sizeof spelled[0]; p++) {
            if (*p == '_') {
                out[o++] = ' ';
                continue;
            }
            if (isupper((unsigned char)*p) && o > 0 && out[o - 1] != ' ' && islower((unsigned char)p[-1])) out[o++] = ' ';
            out[o++] = (char)tolower((unsigned char)*p);
        }
        out[o] = 0;
    }
    pthread_mutex_unlock(&lock);
    return out;
}

const char *orion_error_description(const struct orion_error_name *table, int code) {
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++)
        if (WORDS[i].code == code) return WORDS[i].text;
    const char *name = orion_error_name(table, code);
    return name ? spell(name, code) : "unrecognized error code";
}
