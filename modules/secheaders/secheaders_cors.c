/* mod_secheaders: CORS allow-lists.
 *
 * - A preflight (OPTIONS with Origin and Access-Control-Request-Method) at a
 *   location with SecCORSAllowOrigin is answered here, in header_parser:
 *   204, no handler, no authentication (a browser's preflight carries no
 *   cookies or credentials, so a location behind "Require valid-user" must
 *   still answer it). The grant is given only when the origin, the method
 *   and every requested header are allowed; otherwise the 204 carries no
 *   Access-Control-* header at all, and the browser refuses the request.
 * - Actual responses get Access-Control-Allow-Origin (the canonical origin,
 *   never the first listed one, never "null"), -Allow-Credentials and
 *   -Expose-Headers when the Origin is allowed, nothing otherwise; any
 *   Access-Control-* the application set is removed first, so the module's
 *   decision is the only one. Vary: Origin is on every response of such a
 *   location, since the answer depends on the Origin (its presence included).
 * Origins are parsed and matched by the core library (sec_origin.h).
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include "secheaders.h"
#include "sec_origin.h"
#include "sec_log.h"

APLOG_USE_MODULE(secheaders);

#define DEFAULT_METHODS "GET, HEAD, POST"
#define DEFAULT_MAX_AGE 600

const char *hd_cmd_cors_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;
    sec_origin_pattern_t *pat;
    const char *err = NULL;

    d->cors_set = 1;
    if (!d->cors_origins) {
        d->cors_origins = apr_array_make(cmd->pool, 4, sizeof(sec_origin_pattern_t));
    }
    if (!strcmp(arg, "*")) {
        d->cors_any = 1;
        return NULL;
    }
    if (sec_origin_is_null(arg) || !strcasecmp(arg, "null")) {
        return "SecCORSAllowOrigin null: the opaque origin (sandboxed frames, file: pages, "
               "redirects) can be sent by any site and is never allowed";
    }
    pat = apr_array_push(d->cors_origins);
    if (sec_origin_pattern_parse(cmd->pool, arg, pat, &err) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SecCORSAllowOrigin %s: %s", arg,
                            err ? err : "not an origin (https://example.com)");
    }
    return NULL;
}

int hd_cors_active(const hd_dir_t *d)
{
    return d->cors_origins != NULL;
}

/* The value for Access-Control-Allow-Origin, or NULL when the request's
 * Origin is absent, "null", malformed or not allowed. */
static const char *allowed_origin(request_rec *r, const hd_dir_t *d)
{
    const char *o = apr_table_get(r->headers_in, "Origin");
    sec_origin_t parsed;

    if (!o || !*o || sec_origin_is_null(o) ||
        sec_origin_parse(r->pool, o, &parsed) != APR_SUCCESS) {
        return NULL;
    }
    if (d->cors_any) {
        return "*";
    }
    if (!sec_origin_list_match(d->cors_origins, &parsed)) {
        return NULL;
    }
    return sec_origin_string(r->pool, &parsed);
}

static int credentials(request_rec *r, const hd_dir_t *d)
{
    if (d->cors_credentials != 1) {
        return 0;
    }
    if (d->cors_any) {
        /* configtest refuses this combination; a .htaccess may still make it */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(03030)
                      "SecCORSAllowOrigin * with SecCORSAllowCredentials on: credentials "
                      "not allowed");
        return 0;
    }
    return 1;
}

static void clear_app_cors(request_rec *r)
{
    static const char *const names[] = {
        "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
        "Access-Control-Expose-Headers", "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers", "Access-Control-Max-Age", NULL
    };
    int i;

    for (i = 0; names[i]; i++) {
        apr_table_unset(r->headers_out, names[i]);
        apr_table_unset(r->err_headers_out, names[i]);
    }
}

/* Vary gains v unless the response already varies on it (an application
 * or another module may have said so). */
static void add_vary(request_rec *r, const char *v)
{
    const char *cur = apr_table_get(r->headers_out, "Vary");
    const char *err = apr_table_get(r->err_headers_out, "Vary");

    if ((cur && ap_find_token(r->pool, cur, v)) || (err && ap_find_token(r->pool, err, v))) {
        return;
    }
    apr_table_mergen(r->headers_out, "Vary", v);
}

int hd_cors_preflight(request_rec *r, const hd_dir_t *d)
{
    const char *acrm, *acrh, *origin;
    apr_bucket_brigade *bb;
    const char *methods;

    if (r->method_number != M_OPTIONS || !hd_cors_active(d) || r->main) {
        return DECLINED;
    }
    acrm = apr_table_get(r->headers_in, "Access-Control-Request-Method");
    if (!acrm || !apr_table_get(r->headers_in, "Origin")) {
        return DECLINED;            /* a plain OPTIONS: the handler answers it */
    }
    acrh = apr_table_get(r->headers_in, "Access-Control-Request-Headers");
    methods = d->cors_methods ? d->cors_methods : DEFAULT_METHODS;
    add_vary(r, "Origin");
    add_vary(r, "Access-Control-Request-Method");
    add_vary(r, "Access-Control-Request-Headers");
    origin = allowed_origin(r, d);
    if (origin && sec_hdr_list_has(methods, acrm) &&
        sec_hdr_cors_headers_allowed(acrh, d->cors_headers)) {
        apr_table_setn(r->headers_out, "Access-Control-Allow-Origin", origin);
        if (credentials(r, d)) {
            apr_table_setn(r->headers_out, "Access-Control-Allow-Credentials", "true");
        }
        apr_table_setn(r->headers_out, "Access-Control-Allow-Methods", methods);
        if (acrh && *acrh && d->cors_headers_text) {
            apr_table_setn(r->headers_out, "Access-Control-Allow-Headers", d->cors_headers_text);
        }
        apr_table_setn(r->headers_out, "Access-Control-Max-Age",
                       apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                    d->cors_max_age == -1 ? (apr_int64_t)DEFAULT_MAX_AGE
                                                          : d->cors_max_age));
    }
    else {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SECLOGNO(03031)
                      "CORS preflight not granted (origin %s, method %s)",
                      origin ? "allowed" : "not allowed", acrm);
    }
    if (hd_enabled(d)) {
        hd_apply_headers(r, d);
    }
    if (hd_core.metric_add) {
        hd_core.metric_add("secmods_cors_preflights_total",
                           origin ? "outcome=\"granted\"" : "outcome=\"refused\"", 1);
    }
    r->status = HTTP_NO_CONTENT;
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    ap_pass_brigade(r->output_filters, bb);
    /* DONE: no authentication, no handler; httpd finishes the request */
    return DONE;
}

void hd_cors_response(request_rec *r, const hd_dir_t *d)
{
    const char *origin;

    if (r->main) {
        return;
    }
    clear_app_cors(r);
    add_vary(r, "Origin");
    origin = allowed_origin(r, d);
    if (!origin) {
        return;
    }
    apr_table_setn(r->headers_out, "Access-Control-Allow-Origin", origin);
    if (credentials(r, d)) {
        apr_table_setn(r->headers_out, "Access-Control-Allow-Credentials", "true");
    }
    if (d->cors_expose && *d->cors_expose) {
        apr_table_setn(r->headers_out, "Access-Control-Expose-Headers", d->cors_expose);
    }
}
