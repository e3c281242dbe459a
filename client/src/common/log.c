#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int screen_level = OLOG_INFO;
static int file_level = OLOG_OFF;
static int with_time = 0;
static FILE *file;

static const char *const NAMES[] = {"OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

int olog_level_named(const char *name) {
    if (!name) return -1;
    for (int i = 0; i <= OLOG_TRACE; i++)
        if (!strcasecmp(name, NAMES[i])) return i;
    if (!strcasecmp(name, "WARNING")) return OLOG_WARN;
    return -1;
}

void olog_configure(const olog_settings *s) {
    pthread_mutex_lock(&lock);
    screen_level = s->screen_level;
    with_time = s->with_time;
    if (file) {
        fclose(file);
        file = NULL;
    }
    file_level = OLOG_OFF;
    if (s->file_level > OLOG_OFF && s->file_path && *s->file_path) {
        char path[4096];
        size_t o = 0;
        for (const char *c = s->file_path; *c && o + 24 < sizeof path; c++) {
            if (c[0] == '%' && c[1] == 'p') {
                o += (size_t)snprintf(path + o, sizeof path - o, "%d", (int)getpid());
                c++;
            } else {
                path[o++] = *c;
            }
        }
        path[o] = 0;
        file = fopen(path, "a");
        if (file) {
            setvbuf(file, NULL, _IOLBF, 0);
            file_level = s->file_level;
        } else if (screen_level >= OLOG_WARN) {
            fprintf(stderr, "orion: WARN  cannot open log file %s: %s; logging to the screen only\n", path, strerror(errno));
        }
    }
    pthread_mutex_unlock(&lock);
}

int olog_enabled(int level) {
    return level <= screen_level || level <= file_level;
}

static void vlog(int level, const char *fmt, va_list ap) {
    if (!olog_enabled(level)) return;
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    char stamp[40] = "";
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(stamp + n, sizeof stamp - n, ".%03d ", (int)(tv.tv_usec / 1000));
    int pid = (int)getpid();
    pthread_mutex_lock(&lock);
    if (level <= screen_level)
        fprintf(stderr, "%sorion[%d]: %-5s %s\n", with_time ? stamp : "", pid, NAMES[level], msg);
    if (file && level <= file_level) fprintf(file, "%sorion[%d]: %-5s %s\n", stamp, pid, NAMES[level], msg);
    pthread_mutex_unlock(&lock);
}

void olog(int level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

/* Keys seen by olog_once: a small open-addressing set of string copies. */
static char **seen;
static size_t seen_cap, seen_count;

static unsigned long hash(const char *s) {
    unsigned long h = 5381;
    while (*s) h = h * 33 + (unsigned char)*s++;
    return h;
}

static int first_time(const char *key) {
    if (seen_count * 2 >= seen_cap) {
        size_t cap = seen_cap ? seen_cap * 2 : 64;
        char **n = calloc(cap, sizeof *n);
        if (!n) return 1; /* better to repeat a line than to lose it */
        for (size_t i = 0; i < seen_cap; i++) {
            if (!seen[i]) continue;
            size_t j = hash(seen[i]) & (cap - 1);
            while (n[j]) j = (j + 1) & (cap - 1);
            n[j] = seen[i];
        }
        free(seen);
        seen = n;
        seen_cap = cap;
    }
    size_t j = hash(key) & (seen_cap - 1);
    while (seen[j]) {
        if (!strcmp(seen[j], key)) return 0;
        j = (j + 1) & (seen_cap - 1);
    }
    seen[j] = strdup(key);
    if (seen[j]) seen_count++;
    return 1;
}

int olog_once(const char *key, int level, const char *fmt, ...) {
    static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&once_lock);
    int first = first_time(key);
    pthread_mutex_unlock(&once_lock);
    if (!first) return 0;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
    return 1;
}
