// What every sample program shares: a check that names the failing call and its CUDA error and
// ends the program with status 1, and the rule for output: stdout carries only what must be the
// same wherever the program runs (results, checksums, "ok"), stderr what depends on the machine
// (names, sizes, timings), so runs can be compared byte for byte.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#define CHECK(call)                                                                              \
    do {                                                                                         \
        cudaError_t err_ = (call);                                                               \
        if (err_ != cudaSuccess) {                                                               \
            std::fprintf(stderr, "%s:%d: %s failed: %s (%s)\n", __FILE__, __LINE__, #call,       \
                         cudaGetErrorName(err_), cudaGetErrorString(err_));                      \
            std::exit(1);                                                                        \
        }                                                                                        \
    } while (0)

#define EXPECT(cond, ...)                                                                        \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            std::fprintf(stderr, "%s:%d: expected %s: ", __FILE__, __LINE__, #cond);             \
            std::fprintf(stderr, __VA_ARGS__);                                                   \
            std::fputc('\n', stderr);                                                            \
            std::exit(1);                                                                        \
        }                                                                                        \
    } while (0)

// The problem size: argv[1] when given, else the default (small: CI runs on a PTX interpreter).
static inline long size_arg(int argc, char **argv, long dflt) {
    if (argc < 2) return dflt;
    char *end;
    long v = std::strtol(argv[1], &end, 10);
    if (*end || v <= 0) {
        std::fprintf(stderr, "usage: %s [SIZE]  (SIZE a positive integer, was '%s')\n", argv[0], argv[1]);
        std::exit(2);
    }
    return v;
}

// A deterministic pseudo-random sequence (the same on every machine).
static inline unsigned next_random(unsigned *state) {
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}
