/* The controller's answers and the client's request body (the shapes of the REST API's PoolDtos). */
#include <string.h>

#include "../src/common/json.h"
#include "../src/core/controller.h"
#include "check.h"

/* An answer as the standalone controller gives it (two vGPUs on two servers; extra fields kept). */
static const char *ANSWER =
    "{\"id\":\"alloc-406f4db061c445ef\",\"owner\":\"4242@node-1\",\"created\":\"2026-11-28T17:45:16Z\","
    "\"leaseUntil\":\"2026-11-28T17:45:46Z\",\"request\":{\"count\":2,\"memoryMiB\":512,\"ratio\":50,\"groupId\":\"\","
    "\"crossNode\":true,\"node\":\"\"},\"vgpus\":["
    "{\"id\":\"vgpu-a\",\"allocationId\":\"alloc-406f4db061c445ef\",\"index\":0,\"node\":\"vm\",\"gpu\":\"GPU-1\","
    "\"model\":\"H200\",\"memoryMiB\":512,\"ratio\":50,\"groupId\":\"\",\"server\":{\"node\":\"vm\",\"address\":\"10.0.0.7\","
    "\"transports\":{\"control\":\"http://10.0.0.7:9123/api/v1/server\",\"tcp\":\"tcp://10.0.0.7:9960\","
    "\"shm\":\"shm:///dev/shm/orion/orion.sock\",\"rdma\":\"rdma://10.0.0.7:9961\"}},\"usage\":null},"
    "{\"id\":\"vgpu-b\",\"index\":1,\"node\":\"vm2\",\"gpu\":\"GPU-2\",\"memoryMiB\":512,\"ratio\":50,"
    "\"server\":{\"node\":\"vm2\",\"address\":\"10.0.0.8\",\"transports\":{\"tcp\":\"tcp://10.0.0.8:9960\"}}}]}";

static void allocation_parsed(void) {
    orion_allocation a;
    char err[300];
    CHECK(orion_parse_allocation(ANSWER, strlen(ANSWER), &a, err, sizeof err) == 0, "%s", err);
    CHECK(a.count == 2 && !strcmp(a.id, "alloc-406f4db061c445ef"), "count %d id %s", a.count, a.id);
    CHECK(!strcmp(a.grants[0].vgpu_id, "vgpu-a") && a.grants[0].memory_mib == 512 && a.grants[0].ratio == 50, "grant 0");
    CHECK(!strcmp(a.grants[0].tcp, "tcp://10.0.0.7:9960") && !strcmp(a.grants[0].shm, "shm:///dev/shm/orion/orion.sock"),
          "transports of grant 0");
    CHECK(!strcmp(a.grants[0].rdma, "rdma://10.0.0.7:9961"), "the rdma transport of grant 0: '%s'", a.grants[0].rdma);
    CHECK(!strcmp(a.grants[1].server_address, "10.0.0.8") && a.grants[1].shm[0] == 0 && a.grants[1].rdma[0] == 0
              && a.grants[1].index == 1,
          "grant 1 has no shm and no rdma transport");
}

static void bad_answers_named(void) {
    static const struct { const char *json, *phrase; } bad[] = {
        {"{\"vgpus\":[]}", "'id'"},
        {"{\"id\":\"a/../../x\",\"vgpus\":[]}", "character"},
        {"{\"id\":\"a1\",\"vgpus\":[]}", "lists no vGPUs"},
        {"{\"id\":\"a1\",\"vgpus\":[{\"id\":\"v\"}]}", "names no server"},
        {"{\"id\":\"a1\",\"vgpus\":[{\"id\":\"v\",\"server\":{\"node\":\"n\",\"transports\":{\"control\":\"http://n\"}}}]}",
         "offers no tcp, shm or rdma transport"},
        {"not json", "not JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        orion_allocation a;
        char err[300] = "";
        CHECK(orion_parse_allocation(bad[i].json, strlen(bad[i].json), &a, err, sizeof err) != 0, "'%s' accepted", bad[i].json);
        CHECK(strstr(err, bad[i].phrase) != NULL, "'%s': '%s' lacks '%s'", bad[i].json, err, bad[i].phrase);
    }
}

static void request_body(void) {
    orion_config c;
    memset(&c, 0, sizeof c);
    c.vgpus = 2;
    c.gmem_mib = 4096;
    c.ratio = 25;
    c.cross_node = 1;
    strcpy(c.group_id, "pod \"7\"");
    char body[512];
    CHECK(orion_allocation_body(&c, "99@host", body, sizeof body) == 0, "body did not fit");
    char err[200];
    json_doc *d = json_parse(body, strlen(body), err, sizeof err);
    CHECK(d != NULL, "not JSON: %s (%s)", body, err);
    const json_value *r = json_root(d);
    uint64_t v;
    CHECK(!json_u64(json_get(r, "count"), &v) && v == 2, "count");
    CHECK(!json_u64(json_get(r, "memoryMiB"), &v) && v == 4096, "memoryMiB");
    CHECK(!json_u64(json_get(r, "ratio"), &v) && v == 25, "ratio");
    CHECK(json_get(r, "crossNode") && json_get(r, "crossNode")->boolean, "crossNode");
    CHECK(!strcmp(json_str(json_get(r, "groupId")), "pod \"7\"") && !strcmp(json_str(json_get(r, "owner")), "99@host"), "%s", body);
    json_free(d);
    c.group_id[0] = 0;
    CHECK(orion_allocation_body(&c, "1@h", body, sizeof body) == 0 && strstr(body, "\"groupId\":null"), "no group: %s", body);
    CHECK(orion_allocation_body(&c, "1@h", body, 20) != 0, "a body larger than its buffer");
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(allocation_parsed), CASE(bad_answers_named), CASE(request_body)};
    return check_main("controller", cases, sizeof cases / sizeof cases[0], argc, argv);
}
