/* The payload region's allocator: pinned host buffers and staging pieces. */
#include <stdlib.h>

#include "../src/core/region.h"
#include "check.h"

static void pieces_are_aligned_and_come_back(void) {
    size_t size = 64 * 4096;
    uint8_t *base = aligned_alloc(4096, size);
    orion_region *r = region_create(base, size);
    void *a = region_alloc(r, 1), *b = region_alloc(r, 5000), *c = region_alloc(r, 4096);
    CHECK(a && b && c, "allocations failed");
    CHECK(((uintptr_t)a - (uintptr_t)base) % 4096 == 0 && ((uintptr_t)b - (uintptr_t)base) % 4096 == 0, "not 4 KiB aligned");
    CHECK((uint8_t *)b - (uint8_t *)a == 4096 && (uint8_t *)c - (uint8_t *)b == 8192, "pieces overlap or leave gaps");
    CHECK(region_free_bytes(r) == size - 4 * 4096, "free %zu", region_free_bytes(r));
    region_free(r, b, 5000);
    region_free(r, a, 1);
    region_free(r, c, 4096);
    CHECK(region_free_bytes(r) == size, "everything back, free %zu", region_free_bytes(r));
    void *all = region_alloc(r, size); /* merged back into one range */
    CHECK(all == base, "the whole region could not be had again");
    CHECK(region_alloc(r, 1) == NULL, "an allocation from a full region");
    region_free(r, all, size);
    free(base);
}

static void contains_checks_bounds(void) {
    static uint8_t memory[3 * 8192];
    uint8_t *base = memory + 8192; /* memory on both sides, so the checks below stay inside the array */
    orion_region *r = region_create(base, 8192);
    uint64_t off;
    CHECK(region_contains(r, base + 100, 50, &off) && off == 100, "inside");
    CHECK(!region_contains(r, base + 8000, 500, &off), "running past the end");
    CHECK(!region_contains(r, base - 1, 1, &off), "before the start");
    CHECK(!region_contains(NULL, base, 1, &off), "no region (TCP)");
    CHECK(region_alloc(NULL, 10) == NULL && region_alloc(r, 0) == NULL, "a piece of nothing");
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(pieces_are_aligned_and_come_back), CASE(contains_checks_bounds)};
    return check_main("region", cases, sizeof cases / sizeof cases[0], argc, argv);
}
