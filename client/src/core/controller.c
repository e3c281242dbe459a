#include "controller.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "core/http.h"

#define REFUSED "Fail to get resource from controller: "

static int copy_str(const json_value *obj, const char *key, char *out, size_t cap, int required, const char *where,
                    char *err, size_t errlen) {
    const char *s = json_str(json_get(obj, key));
    if (!s) {
        if (!required) {
            out[0] = 0;
            return 0;
        }
        snprintf(err, errlen, "%s has no string field '%s'", where, key);
        return -1;
    }
    if (strlen(s) >= cap) {
        snprintf(err, errlen, "%s field '%s' is longer than %zu bytes", where, key, cap - 1);
        return -1;
    }
    strcpy(out, s);
    return 0;
}

int orion_parse_allocation(const char *json, size_t len, orion_allocation *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    char why[256];
    json_doc *d = json_parse(json, len, why, sizeof why);
    if (!d) {
        snprintf(err, errlen, "the controller's answer is not JSON: %s", why);
        return -1;
    }
    int rc = -1;
    const json_value *root = json_root(d);
    const json_value *vgpus = json_get(root, "vgpus");
    if (copy_str(root, "id", out->id, sizeof out->id, 1, "the allocation", err, errlen)) goto done;
    /* the id goes into URLs (renew, release): only plain characters */
    for (const char *c = out->id; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.')) {
            snprintf(err, errlen, "allocation id '%s' has a character other than letters, digits, '-', '_' and '.'", out->id);
            goto done;
        }
    }
    if (!vgpus || vgpus->kind != JSON_ARRAY || vgpus->length == 0) {
        snprintf(err, errlen, "allocation %s lists no vGPUs", out->id);
        goto done;
    }
    if (vgpus->length > ORION_MAX_VGPUS_SETTING) {
        snprintf(err, errlen, "allocation %s lists %zu vGPUs, more than %d", out->id, vgpus->length, ORION_MAX_VGPUS_SETTING);
        goto done;
    }
    for (size_t i = 0; i < vgpus->length; i++) {
        const json_value *v = vgpus->items[i];
        orion_grant *g = &out->grants[i];
        char where[64];
        snprintf(where, sizeof where, "vgpus[%zu]", i);
        int64_t n;
        if (copy_str(v, "id", g->vgpu_id, sizeof g->vgpu_id, 1, where, err, errlen)
            || copy_str(v, "node", g->node, sizeof g->node, 0, where, err, errlen)
            || copy_str(v, "gpu", g->gpu, sizeof g->gpu, 0, where, err, errlen))
            goto done;
        g->index = json_i64(json_get(v, "index"), &n) ? (int)i : (int)n;
        g->memory_mib = json_i64(json_get(v, "memoryMiB"), &n) ? 0 : (long)n;
        g->ratio = json_i64(json_get(v, "ratio"), &n) ? 100 : (int)n;
        const json_value *server = json_get(v, "server");
        if (!server || server->kind != JSON_OBJECT) {
            snprintf(err, errlen, "%s (%s) names no server", where, g->vgpu_id);
            goto done;
        }
        const json_value *t = json_get(server, "transports");
        if (copy_str(server, "node", g->server_node, sizeof g->server_node, 0, where, err, errlen)
            || copy_str(server, "address", g->server_address, sizeof g->server_address, 0, where, err, errlen)
            || copy_str(t, "tcp", g->tcp, sizeof g->tcp, 0, where, err, errlen)
            || copy_str(t, "shm", g->shm, sizeof g->shm, 0, where, err, errlen)
            || copy_str(t, "rdma", g->rdma, sizeof g->rdma, 0, where, err, errlen))
            goto done;
        if (!g->tcp[0] && !g->shm[0] && !g->rdma[0]) {
            snprintf(err, errlen, "%s (%s): server %s offers no tcp, shm or rdma transport", where, g->vgpu_id,
                     g->server_node);
            goto done;
        }
        out->count++;
    }
    rc = 0;
done:
    json_free(d);
    return rc;
}

int orion_allocation_body(const orion_config *cfg, const char *owner, char *buf, size_t cap) {
    size_t pos = 0;
    int n = snprintf(buf, cap, "{\"count\":%d,\"memoryMiB\":%ld,\"ratio\":%d,\"crossNode\":%s,\"groupId\":", cfg->vgpus,
                     cfg->gmem_mib, cfg->ratio, cfg->cross_node ? "true" : "false");
    if (n < 0 || (size_t)n >= cap) return -1;
    pos = (size_t)n;
    if (cfg->group_id[0]) {
        if (json_put_string(buf, cap, &pos, cfg->group_id)) return -1;
    } else {
        if (pos + 5 >= cap) return -1;
        memcpy(buf + pos, "null", 5);
        pos += 4;
    }
    if (pos + 10 >= cap) return -1;
    memcpy(buf + pos, ",\"owner\":", 10);
    pos += 9;
    if (json_put_string(buf, cap, &pos, owner)) return -1;
    if (pos + 2 >= cap) return -1;
    buf[pos++] = '}';
    buf[pos] = 0;
    return 0;
}

/* The reason of a refusal: the body's "error" (Orion's sentence), else its "reason", else the status. */
static void refusal(const http_response *r, char *err, size_t errlen) {
    char why[256];
    json_doc *d = json_parse(r->body, r->body_len, why, sizeof why);
    const char *error = d ? json_str(json_get(json_root(d), "error")) : NULL;
    const char *reason = d ? json_str(json_get(json_root(d), "reason")) : NULL;
    if (error && !strncmp(error, REFUSED, strlen(REFUSED))) snprintf(err, errlen, "%s", error);
    else if (error) snprintf(err, errlen, REFUSED "%s", error);
    else if (reason) snprintf(err, errlen, REFUSED "%s", reason);
    else snprintf(err, errlen, REFUSED "HTTP %d from the controller", r->status);
    json_free(d);
}

int orion_controller_allocate(const orion_config *cfg, const char *owner, orion_allocation *out, char *err, size_t errlen) {
    if (cfg->gmem_mib <= 0) {
        snprintf(err, errlen, REFUSED "ORION_GMEM is not set (the memory of each vGPU in MiB)");
        return -1;
    }
    char body[1024];
    if (orion_allocation_body(cfg, owner, body, sizeof body)) {
        snprintf(err, errlen, REFUSED "the request does not fit in %zu bytes (ORION_GROUP_ID too long?)", sizeof body);
        return -1;
    }
    http_response r;
    char why[512];
    if (http_request(cfg->controller_host, cfg->controller_port, "POST", "/api/v1/allocations", body, cfg->timeout_ms, &r,
                     why, sizeof why)) {
        snprintf(err, errlen, REFUSED "the controller at %s:%d is unreachable: %s", cfg->controller_host,
                 cfg->controller_port, why);
        return -1;
    }
    int rc = -1;
    if (r.status == 201 || r.status == 200) {
        if (orion_parse_allocation(r.body, r.body_len, out, why, sizeof why) == 0) rc = 0;
        else snprintf(err, errlen, REFUSED "%s", why);
        if (rc == 0 && out->count != cfg->vgpus) {
            snprintf(err, errlen, REFUSED "asked for %d vGPUs, the controller granted %d", cfg->vgpus, out->count);
            char ignored[256];
            orion_controller_release(cfg, out->id, ignored, sizeof ignored);
            rc = -1;
        }
    } else {
        refusal(&r, err, errlen);
    }
    http_response_free(&r);
    return rc;
}

static int simple(const orion_config *cfg, const char *method, const char *path, char *err, size_t errlen) {
    http_response r;
    if (http_request(cfg->controller_host, cfg->controller_port, method, path, NULL, cfg->timeout_ms, &r, err, errlen))
        return -1;
    int ok = r.status >= 200 && r.status < 300;
    if (!ok) snprintf(err, errlen, "%s %s answered HTTP %d: %.200s", method, path, r.status, r.body ? r.body : "");
    http_response_free(&r);
    return ok ? 0 : -1;
}

int orion_controller_renew(const orion_config *cfg, const char *id, char *err, size_t errlen) {
    char path[256];
    snprintf(path, sizeof path, "/api/v1/allocations/%s/lease", id);
    return simple(cfg, "PUT", path, err, errlen);
}

int orion_controller_release(const orion_config *cfg, const char *id, char *err, size_t errlen) {
    char path[256];
    snprintf(path, sizeof path, "/api/v1/allocations/%s", id);
    return simple(cfg, "DELETE", path, err, errlen);
}
