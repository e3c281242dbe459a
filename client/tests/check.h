/*
 * A minimal test harness for the C unit tests: CHECK records a failure and carries on, each test
 * function is one test case, and the run writes a JUnit XML report (into $ORION_TEST_REPORTS
 * when set) so that bin/build test counts these tests with the Java ones.
 */
#ifndef ORION_CHECK_H
#define ORION_CHECK_H

#include <stddef.h>

typedef struct check_case {
    const char *name;
    void (*fn)(void);
} check_case;

void check_fail(const char *file, int line, const char *cond, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (!(cond)) check_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);          \
    } while (0)

#define CASE(fn) {#fn, fn}

/* Runs the cases (all, or those named on the command line); exit status 1 when one failed. */
int check_main(const char *suite, const check_case *cases, size_t n, int argc, char **argv);

#endif
