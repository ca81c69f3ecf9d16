/* mod_sectest: a test-only consumer of mod_seccore's optional functions, so
 * the Apache::Test suite can drive the store, audit events and the error
 * envelope over HTTP exactly as the other secmods modules will. Never
 * installed; loaded only by t/conf/extra.conf.in.
 *
 *   SetHandler sectest-store   ?op=get|set|add|incr|del&key=K[&val=V][&ttl=N]
 *   SetHandler sectest-event   ?user=U  (writes one audit event)
 *   SetHandler sectest-error   ?status=N&code=C&message=M
 */
#include <httpd.h>
#include <http_config.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <apr_strings.h>
#include <apr_optional.h>
#include <util_script.h>
#include "mod_seccore.h"

module AP_MODULE_DECLARE_DATA sectest_module;

static APR_OPTIONAL_FN_TYPE(seccore_store) *get_store;
static APR_OPTIONAL_FN_TYPE(seccore_event) *emit_event;
static APR_OPTIONAL_FN_TYPE(seccore_error) *send_error;
static APR_OPTIONAL_FN_TYPE(seccore_metric_add) *metric_add;

static void retrieve(void)
{
    get_store = APR_RETRIEVE_OPTIONAL_FN(seccore_store);
    emit_event = APR_RETRIEVE_OPTIONAL_FN(seccore_event);
    send_error = APR_RETRIEVE_OPTIONAL_FN(seccore_error);
    metric_add = APR_RETRIEVE_OPTIONAL_FN(seccore_metric_add);
}

static const char *param(request_rec *r, const char *name)
{
    apr_table_t *t;
    ap_args_to_table(r, &t);
    return apr_table_get(t, name);
}

static const char *rv_name(apr_status_t rv)
{
    if (rv == APR_SUCCESS) return "ok";
    if (rv == APR_NOTFOUND) return "notfound";
    if (rv == SEC_STORE_EEXISTS) return "exists";
    if (sec_store_is_outage(rv)) return "outage";
    return "other";
}

static int store_handler(request_rec *r)
{
    const char *op = param(r, "op"), *key = param(r, "key"), *val = param(r, "val");
    const char *ttls = param(r, "ttl");
    apr_uint32_t ttl = ttls ? (apr_uint32_t)atoi(ttls) : 60;
    sec_store_t *st = get_store ? get_store(r->server) : NULL;
    apr_status_t rv = APR_EINVAL;
    json_t *j = json_object();
    char *out;

    if (!st || !op || !key) {
        return HTTP_BAD_REQUEST;
    }
    if (!strcmp(op, "get")) {
        char *v;
        apr_size_t len;
        rv = sec_store_get(st, r->pool, "sectest", key, &v, &len);
        if (rv == APR_SUCCESS) {
            json_object_set_new(j, "value", json_stringn(v, len));
        }
    }
    else if (!strcmp(op, "set") || !strcmp(op, "add")) {
        val = val ? val : "";
        rv = (*op == 's' ? sec_store_set : sec_store_add)(st, r->pool, "sectest", key, val,
                                                          strlen(val), ttl);
    }
    else if (!strcmp(op, "incr")) {
        apr_uint64_t n = 0;
        rv = sec_store_incr(st, r->pool, "sectest", key, 1, ttl, &n);
        if (rv == APR_SUCCESS) {
            json_object_set_new(j, "value", json_integer((json_int_t)n));
        }
    }
    else if (!strcmp(op, "del")) {
        rv = sec_store_del(st, r->pool, "sectest", key);
    }
    else {
        json_decref(j);
        return HTTP_BAD_REQUEST;
    }
    json_object_set_new(j, "store", json_string(st->name));
    json_object_set_new(j, "result", json_string(rv_name(rv)));
    json_object_set_new(j, "error", json_string(sec_store_strerror(r->pool, rv)));
    out = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    ap_set_content_type(r, "application/json");
    ap_rputs(out, r);
    free(out);
    return OK;
}

static int event_handler(request_rec *r)
{
    const char *user = param(r, "user");
    json_t *extra;

    if (!emit_event) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (user) {
        r->user = apr_pstrdup(r->pool, user);
    }
    /* The secret-looking fields must never reach the log. */
    extra = json_pack("{s:s, s:s, s:s, s:i}", "password", "hunter2", "csrfToken", "tok-SECRET",
                      "detail", "kept", "count", 3);
    emit_event(r, "sectest", "sectest.probe", "allow", "test", extra);
    json_decref(extra);
    if (metric_add) {
        metric_add("secmods_sectest_probes_total", "module=\"sectest\"", 1);
    }
    ap_set_content_type(r, "text/plain");
    ap_rputs("event written\n", r);
    return OK;
}

static int error_handler(request_rec *r)
{
    const char *st = param(r, "status"), *code = param(r, "code"), *msg = param(r, "message");
    int status = st ? atoi(st) : 429;
    json_t *extra;
    int rc;

    if (!send_error) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (status < 400 || status > 599) {
        return HTTP_BAD_REQUEST;
    }
    extra = json_pack("{s:i}", "retryAfter", 45);
    if (status == 429) {
        apr_table_setn(r->err_headers_out, "Retry-After", "45");
    }
    rc = send_error(r, "sectest", status, code ? code : "RATE_LIMITED",
                    msg ? msg : "Rate limit exceeded. Try again in 45 seconds.", extra);
    json_decref(extra);
    return rc;
}

static int sectest_handler(request_rec *r)
{
    if (!r->handler) {
        return DECLINED;
    }
    if (!strcmp(r->handler, "sectest-store")) return store_handler(r);
    if (!strcmp(r->handler, "sectest-event")) return event_handler(r);
    if (!strcmp(r->handler, "sectest-error")) return error_handler(r);
    return DECLINED;
}

static int sectest_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s)
{
    retrieve();
    return OK;
}

static void sectest_register_hooks(apr_pool_t *p)
{
    ap_hook_post_config(sectest_post_config, NULL, NULL, APR_HOOK_LAST);
    ap_hook_handler(sectest_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(sectest) = {
    STANDARD20_MODULE_STUFF,
    NULL, NULL, NULL, NULL, NULL,
    sectest_register_hooks
};
