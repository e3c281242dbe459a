/* The JSON reader: what the controller answers, and what it must refuse without crashing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/common/json.h"
#include "check.h"

static json_doc *parse(const char *s) {
    char err[200];
    return json_parse(s, strlen(s), err, sizeof err);
}

static void allocation_answer(void) {
    const char *body =
        "{\"id\":\"alloc-7\",\"owner\":\"42@node-1\",\"created\":1764345600.123,\"vgpus\":[{\"id\":\"vgpu-1\",\"index\":0,"
        "\"node\":\"node-1\",\"gpu\":\"GPU-abc\",\"memoryMiB\":1024,\"ratio\":50,\"server\":{\"node\":\"node-1\","
        "\"address\":\"10.0.0.7\",\"transports\":{\"tcp\":\"tcp://10.0.0.7:9960\",\"shm\":\"shm:///dev/shm/orion/orion.sock\"}}}]}";
    json_doc *d = parse(body);
    CHECK(d != NULL, "the allocation answer did not parse");
    if (!d) return;
    const json_value *r = json_root(d);
    CHECK(!strcmp(json_str(json_get(r, "id")), "alloc-7"), "id");
    const json_value *v = json_at(json_get(r, "vgpus"), 0);
    uint64_t mem;
    CHECK(!json_u64(json_get(v, "memoryMiB"), &mem) && mem == 1024, "memoryMiB");
    const json_value *t = json_get(json_get(json_get(v, "server"), "transports"), "shm");
    CHECK(!strcmp(json_str(t), "shm:///dev/shm/orion/orion.sock"), "shm transport %s", json_str(t));
    CHECK(json_at(json_get(r, "vgpus"), 1) == NULL, "a second vGPU appeared");
    CHECK(json_u64(json_get(r, "created"), &mem) != 0, "a fraction read as an integer");
    json_free(d);
}

static void strings_and_escapes(void) {
    json_doc *d = parse("[\"a\\\"b\\\\c\\/\\n\", \"\\u00e9\\ud83d\\ude00\", \"\"]");
    CHECK(d != NULL, "escapes did not parse");
    if (!d) return;
    const json_value *r = json_root(d);
    CHECK(!strcmp(json_str(json_at(r, 0)), "a\"b\\c/\n"), "simple escapes: %s", json_str(json_at(r, 0)));
    CHECK(!strcmp(json_str(json_at(r, 1)), "\xc3\xa9\xf0\x9f\x98\x80"), "unicode escapes");
    CHECK(json_at(r, 2)->length == 0, "empty string");
    json_free(d);
}

static void numbers(void) {
    json_doc *d = parse("[0, -12, 18446744073709551615, 1.5e3, \"0x7f3a00000000\", -9223372036854775808]");
    CHECK(d != NULL, "numbers did not parse");
    if (!d) return;
    const json_value *r = json_root(d);
    uint64_t u;
    int64_t s;
    CHECK(!json_u64(json_at(r, 0), &u) && u == 0, "0");
    CHECK(json_u64(json_at(r, 1), &u) != 0 && !json_i64(json_at(r, 1), &s) && s == -12, "-12");
    CHECK(!json_u64(json_at(r, 2), &u) && u == UINT64_MAX, "2^64-1 exactly");
    CHECK(json_at(r, 3)->number == 1500.0 && json_u64(json_at(r, 3), &u) != 0, "1.5e3");
    CHECK(!json_u64(json_at(r, 4), &u) && u == 0x7f3a00000000ull, "hex string");
    CHECK(!json_i64(json_at(r, 5), &s) && s == INT64_MIN, "INT64_MIN");
    json_free(d);
}

static void malformed_refused(void) {
    static const char *bad[] = {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":}", "01", "1.", "-", "\"\\x\"", "\"abc",
                                "[1] 2", "tru", "\"\\ud800\"", "\"a\x01\"", "{1:2}", "[\"\\u12g4\"]", NULL};
    for (int i = 0; bad[i]; i++) {
        char err[200] = "";
        json_doc *d = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
        CHECK(d == NULL, "'%s' was accepted", bad[i]);
        CHECK(d != NULL || strstr(err, "at byte"), "'%s': the error names no position: %s", bad[i], err);
        json_free(d);
    }
}

static void deep_nesting_refused(void) {
    char s[512];
    memset(s, '[', 300);
    s[300] = 0;
    char err[200];
    CHECK(json_parse(s, strlen(s), err, sizeof err) == NULL && strstr(err, "nesting"), "300 levels: %s", err);
    /* 60 levels are fine */
    char ok[200];
    memset(ok, '[', 60);
    memset(ok + 60, ']', 60);
    ok[120] = 0;
    json_doc *d = json_parse(ok, 120, err, sizeof err);
    CHECK(d != NULL, "60 levels refused: %s", err);
    json_free(d);
}

static void writer_escapes(void) {
    char buf[64];
    size_t pos = 0;
    CHECK(!json_put_string(buf, sizeof buf, &pos, "pod \"a\"\\\n\x01"), "fits");
    CHECK(!strcmp(buf, "\"pod \\\"a\\\"\\\\\\n\\u0001\""), "escaped: %s", buf);
    char tiny[6];
    pos = 0;
    CHECK(json_put_string(tiny, sizeof tiny, &pos, "toolong") != 0 && pos == 0, "overflow refused");
    /* what the writer makes, the reader reads back */
    pos = 0;
    json_put_string(buf, sizeof buf, &pos, "x\ty\"z");
    json_doc *d = parse(buf);
    CHECK(d && !strcmp(json_str(json_root(d)), "x\ty\"z"), "round trip");
    json_free(d);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(allocation_answer), CASE(strings_and_escapes), CASE(numbers),
                                       CASE(malformed_refused), CASE(deep_nesting_refused), CASE(writer_escapes)};
    return check_main("json", cases, sizeof cases / sizeof cases[0], argc, argv);
}
