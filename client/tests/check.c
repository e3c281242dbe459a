#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int failures;          /* in the running case */
static char first_failure[1024];

void check_fail(const char *file, int line, const char *cond, const char *fmt, ...) {
    char why[700], msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s: %s", cond, why);
    fprintf(stderr, "    FAIL %s:%d: %s\n", file, line, msg);
    if (!failures) snprintf(first_failure, sizeof first_failure, "%s:%d: %s", file, line, msg);
    failures++;
}

static void xml_escaped(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') fputc(*s, f);
        }
    }
}

int check_main(const char *suite, const check_case *cases, size_t n, int argc, char **argv) {
    int *failed = calloc(n, sizeof *failed);
    double *secs = calloc(n, sizeof *secs);
    char **why = calloc(n, sizeof *why);
    int *ran = calloc(n, sizeof *ran);
    int total_failed = 0, total_run = 0;
    for (size_t i = 0; i < n; i++) {
        int wanted = argc <= 1;
        for (int a = 1; a < argc; a++)
            if (!strcmp(argv[a], cases[i].name)) wanted = 1;
        if (!wanted) continue;
        failures = 0;
        first_failure[0] = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cases[i].fn();
        clock_gettime(CLOCK_MONOTONIC, &t1);
        secs[i] = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        ran[i] = 1;
        total_run++;
        if (failures) {
            failed[i] = 1;
            why[i] = strdup(first_failure);
            total_failed++;
        }
        fprintf(stderr, "%s %s.%s\n", failures ? "FAILED" : "ok    ", suite, cases[i].name);
    }
    const char *dir = getenv("ORION_TEST_REPORTS");
    if (dir && *dir) {
        mkdir(dir, 0777);
        char path[4096];
        snprintf(path, sizeof path, "%s/TEST-c.%s.xml", dir, suite);
        FILE *f = fopen(path, "w");
        if (f) {
            fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"c.%s\" tests=\"%d\" failures=\"%d\">\n",
                    suite, total_run, total_failed);
            for (size_t i = 0; i < n; i++) {
                if (!ran[i]) continue;
                fprintf(f, "  <testcase classname=\"c.%s\" name=\"%s\" time=\"%.3f\"", suite, cases[i].name, secs[i]);
                if (failed[i]) {
                    fputs("><failure message=\"", f);
                    xml_escaped(f, why[i]);
                    fputs("\"/></testcase>\n", f);
                } else {
                    fputs("/>\n", f);
                }
            }
            fputs("</testsuite>\n", f);
            fclose(f);
        }
    }
    fprintf(stderr, "%s: %d run, %d failed\n", suite, total_run, total_failed);
    for (size_t i = 0; i < n; i++) free(why[i]);
    free(failed);
    free(secs);
    free(why);
    free(ran);
    return total_failed ? 1 : 0;
}
