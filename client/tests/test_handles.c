/*
 * The handle registry: what the program gets back is found again, with its kind; what was removed
 * is refused, also by a thread that looked it up (and remembered it) before the removal.
 */
#include <pthread.h>
#include <stdlib.h>

#include "../src/core/internal.h"
#include "check.h"

static void found_with_its_kind(void) {
    int *a = calloc(1, 16), *b = calloc(1, 16);
    handle_add(a, H_STREAM);
    handle_add(b, H_EVENT);
    CHECK(handle_is(a, H_STREAM) && handle_is(a, H_STREAM), "a registered stream (looked up twice)");
    CHECK(!handle_is(a, H_EVENT), "a stream taken for an event");
    CHECK(handle_is(b, H_EVENT) && !handle_is(b, H_STREAM), "an event");
    CHECK(!handle_is(NULL, H_STREAM) && !handle_is((char *)a + 1, H_STREAM), "made-up pointers");
    handle_del(a);
    handle_del(b);
    free(a);
    free(b);
}

static void removed_is_refused_although_remembered(void) {
    int *a = calloc(1, 16);
    handle_add(a, H_FUNCTION);
    CHECK(handle_is(a, H_FUNCTION), "registered");
    handle_del(a);
    CHECK(!handle_is(a, H_FUNCTION), "a removed kernel is still taken");
    handle_add(a, H_MODULE); /* the same address handed out again, as another kind */
    CHECK(handle_is(a, H_MODULE) && !handle_is(a, H_FUNCTION), "the address again, as a module");
    handle_del(a);
    free(a);
}

static int *shared_handle;

static void *look_up_twice(void *unused) {
    return (void *)(long)(handle_is(shared_handle, H_CTX) && handle_is(shared_handle, H_CTX));
}

static void *look_up_once(void *unused) { return (void *)(long)handle_is(shared_handle, H_CTX); }

static void *remove_it(void *unused) {
    handle_del(shared_handle);
    return NULL;
}

static void another_threads_removal_is_seen(void) {
    shared_handle = calloc(1, 16);
    handle_add(shared_handle, H_CTX);
    pthread_t t;
    void *ok;
    pthread_create(&t, NULL, look_up_twice, NULL);
    pthread_join(t, &ok);
    CHECK(ok, "found by another thread");
    CHECK(handle_is(shared_handle, H_CTX), "found here (and remembered)");
    pthread_create(&t, NULL, remove_it, NULL);
    pthread_join(t, NULL);
    CHECK(!handle_is(shared_handle, H_CTX), "removed by another thread, still taken here");
    pthread_create(&t, NULL, look_up_once, NULL);
    pthread_join(t, &ok);
    CHECK(!ok, "removed, still taken by a third thread");
    free(shared_handle);
}

static void many_handles(void) {
    enum { N = 5000 };
    static int *h[N];
    for (int i = 0; i < N; i++) {
        h[i] = calloc(1, 16);
        handle_add(h[i], H_EVENT);
    }
    int found = 0;
    for (int i = 0; i < N; i++) found += handle_is(h[i], H_EVENT);
    for (int i = 0; i < N; i += 2) handle_del(h[i]);
    int left = 0;
    for (int i = 0; i < N; i++) left += handle_is(h[i], H_EVENT);
    CHECK(found == N && left == N / 2, "%d found of %d, %d left of %d", found, N, left, N / 2);
    for (int i = 1; i < N; i += 2) handle_del(h[i]);
    for (int i = 0; i < N; i++) free(h[i]);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(found_with_its_kind), CASE(removed_is_refused_although_remembered),
                                       CASE(another_threads_removal_is_seen), CASE(many_handles)};
    return check_main("handles", cases, sizeof cases / sizeof cases[0], argc, argv);
}
