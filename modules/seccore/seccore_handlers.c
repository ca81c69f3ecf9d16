/* The metrics (Prometheus text) and status (JSON health) handlers. Access is
 * the admin's to restrict (Require ip ...); the shipped conf/ snippets do. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_mpm.h>
#include <apr_strings.h>
#include "mod_seccore.h"
#include "seccore_config.h"
#include "sec_store_shm.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccore);

static int only_get(request_rec *r)
{
    /* httpd 2.4 builds Allow from allowed_methods (GET implies HEAD). */
    ap_allow_methods(r, 1, "GET", NULL);
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    return OK;
}

static int metrics_handler(request_rec *r)
{
    sec_metrics_t *m = seccore_metrics();
    sec_shm_stats_t st;
    int rc;

    if (!r->handler || strcmp(r->handler, "secmods-metrics")) {
        return DECLINED;
    }
    if ((rc = only_get(r)) != OK) {
        return rc;
    }
    if (!m || !seccore_shm()) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    sec_shm_stats(seccore_shm(), &st);
    ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (r->header_only) {
        return OK;
    }
    ap_rputs(sec_metrics_render(r->pool, m), r);
    ap_rprintf(r,
               "# HELP secmods_shm_entries Entries in the embedded store.\n"
               "# TYPE secmods_shm_entries gauge\n"
               "secmods_shm_entries %" APR_UINT64_T_FMT "\n"
               "# HELP secmods_shm_capacity Entries the embedded store can hold.\n"
               "# TYPE secmods_shm_capacity gauge\n"
               "secmods_shm_capacity %" APR_UINT64_T_FMT "\n"
               "# HELP secmods_shm_bytes Size of the embedded store's segment.\n"
               "# TYPE secmods_shm_bytes gauge\n"
               "secmods_shm_bytes %" APR_UINT64_T_FMT "\n"
               "# HELP secmods_shm_value_bytes_used Value space handed out in the embedded store.\n"
               "# TYPE secmods_shm_value_bytes_used gauge\n"
               "secmods_shm_value_bytes_used %" APR_UINT64_T_FMT "\n",
               st.used, st.slots, st.size, st.data_used);
    return OK;
}

static int status_handler(request_rec *r)
{
    APR_OPTIONAL_FN_TYPE(seccore_store) *get_store = APR_RETRIEVE_OPTIONAL_FN(seccore_store);
    sec_store_t *store;
    json_t *doc, *sj = NULL, *shmj = NULL;
    sec_store_t *shm_store;
    char *text;
    int rc, reachable;

    if (!r->handler || strcmp(r->handler, "secmods-status")) {
        return DECLINED;
    }
    if ((rc = only_get(r)) != OK) {
        return rc;
    }
    store = get_store ? get_store(r->server) : NULL;
    doc = json_object();
    if (store) {
        store->status(store, r->pool, &sj);
    }
    if (!sj) {
        sj = json_pack("{s:s, s:b}", "kind", "none", "reachable", 0);
    }
    reachable = json_is_true(json_object_get(sj, "reachable"));
    json_object_set_new(doc, "status", json_string(
        reachable && !json_is_true(json_object_get(sj, "degraded")) ? "ok" : "degraded"));
    json_object_set_new(doc, "module", json_string("mod_seccore"));
    json_object_set_new(doc, "version", json_string(SECMODS_VERSION));
    json_object_set_new(doc, "mpm", json_string(ap_show_mpm()));
    json_object_set_new(doc, "store", sj);
    /* Key ids are not secrets; they let an operator confirm a rotation took
     * effect after the graceful restart. */
    {
        const sec_keyring_t *kr = seccore_srv(r->server)->keyring;
        json_object_set_new(doc, "keyring", kr ? json_pack("{s:b, s:s, s:i}", "configured", 1,
                                                           "current", kr->current->id,
                                                           "keys", kr->keys->nelts)
                                               : json_pack("{s:b}", "configured", 0));
    }
    /* The embedded segment also holds the metrics: show its fill even when
     * this server's store is memcached. */
    if (store && store->kind != SEC_STORE_KIND_SHM && seccore_shm()) {
        shm_store = sec_store_shm_make(r->pool, seccore_shm());
        if (shm_store->status(shm_store, r->pool, &shmj) == APR_SUCCESS) {
            json_object_set_new(doc, "shm", shmj);
        }
    }
    json_object_set_new(doc, "modules", seccore_module_status(r));
    json_object_set_new(doc, "requestId", json_string(seccore_request_id(r)));
    text = json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(doc);
    /* Always 200: "degraded" is for monitoring. A 503 here would make load
     * balancers pull every server out during a memcached outage, even where
     * the admin chose to fail open. */
    ap_set_content_type(r, "application/json");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (!r->header_only && text) {
        ap_rputs(text, r);
        ap_rputs("\n", r);
    }
    free(text);
    return OK;
}

void seccore_register_handlers(void)
{
    ap_hook_handler(metrics_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(status_handler, NULL, NULL, APR_HOOK_MIDDLE);
}
