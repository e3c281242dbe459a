/*
 * Asks UCX which devices this node has (its transport layer, as ucx_info -d lists them): the
 * RDMA ones are those of UCX's "ib" component (InfiniBand and RoCE, verbs or mlx5).
 */
#include <stdio.h>
#include <string.h>

#include <uct/api/uct.h>

int ucx_rdma_devices(char *buf, size_t cap);

/* Appends "tl/dev" (as ucx_info names them) to a list unless it is there already. */
static void note(char *list, size_t cap, const char *dev, const char *tl) {
    char item[160];
    snprintf(item, sizeof item, "%s/%s", tl, dev);
    if (strstr(list, item)) return;
    size_t n = strlen(list);
    if (n + strlen(item) + 3 < cap) snprintf(list + n, cap - n, "%s%s", n ? ", " : "", item);
}

int ucx_rdma_devices(char *buf, size_t cap) {
    uct_component_h *comps;
    unsigned ncomps;
    if (uct_query_components(&comps, &ncomps) != UCS_OK) {
        snprintf(buf, cap, "uct_query_components failed");
        return -1;
    }
    char rdma[512] = "", other[512] = "";
    int count = 0;
    for (unsigned i = 0; i < ncomps; i++) {
        uct_component_attr_t a = {0};
        a.field_mask = UCT_COMPONENT_ATTR_FIELD_NAME | UCT_COMPONENT_ATTR_FIELD_MD_RESOURCE_COUNT;
        if (uct_component_query(comps[i], &a) != UCS_OK || a.md_resource_count == 0) continue;
        uct_md_resource_desc_t mds[a.md_resource_count];
        a.field_mask = UCT_COMPONENT_ATTR_FIELD_MD_RESOURCES;
        a.md_resources = mds;
        if (uct_component_query(comps[i], &a) != UCS_OK) continue;
        int ib = !strcmp(a.name, "ib");
        for (unsigned m = 0; m < a.md_resource_count; m++) {
            uct_md_config_t *mc;
            uct_md_h md;
            if (uct_md_config_read(comps[i], NULL, NULL, &mc) != UCS_OK) continue;
            ucs_status_t st = uct_md_open(comps[i], mds[m].md_name, mc, &md);
            uct_config_release(mc);
            if (st != UCS_OK) continue;
            uct_tl_resource_desc_t *tls;
            unsigned ntl;
            if (uct_md_query_tl_resources(md, &tls, &ntl) == UCS_OK) {
                for (unsigned t = 0; t < ntl; t++) {
                    if (ib && !strstr(rdma, tls[t].dev_name)) count++;
                    note(ib ? rdma : other, sizeof rdma, tls[t].dev_name, tls[t].tl_name);
                }
                uct_release_tl_resource_list(tls);
            }
            uct_md_close(md);
        }
    }
    uct_release_component_list(comps);
    if (count) snprintf(buf, cap, "%s; other transports: %s", rdma, other[0] ? other : "none");
    else snprintf(buf, cap, "UCX transports: %s", other[0] ? other : "none");
    return count;
}
