/* mod_secheaders per response: the security headers, the CSP (with the
 * request's nonce), HSTS, Cache-Control for authenticated responses and the
 * removal of leaky headers.
 *
 * Everything is done by one output filter, on the first brigade of the
 * response, because only there are the header tables final: CGI and PHP
 * scripts' headers are parsed by the handler just before it passes its
 * first brigade, mod_proxy copies the backend's headers the same way, and
 * error responses (404, 500, and the 401/403/429 other modules send through
 * seccore_error) swap headers_out and err_headers_out in
 * ap_send_error_response. The filter is inserted by both insert_filter
 * (normal responses) and insert_error_filter (ap_send_error_response resets
 * the filter chain and re-runs only that hook), as mod_headers does for
 * "always". It sits just before mod_headers' own filter, so an admin's
 * explicit "Header set" still has the last word.
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_ssl.h>
#include <util_filter.h>
#include <apr_strings.h>
#include "secheaders.h"
#include "sec_crypto.h"
#include "sec_cidr.h"
#include "sec_log.h"

APLOG_USE_MODULE(secheaders);

#define HEADERS_FILTER "SECHEADERS"
#define NONCE_BYTES 18                 /* 144 bits, 24 base64url characters */

static ap_filter_rec_t *headers_filter;

/* Removed wherever the module is on, unless "SecHeadersRemove none". */
static const char *const DEFAULT_REMOVE[] = {
    "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version", NULL
};

static const char *const DEFAULT_HSTS = "max-age=31536000; includeSubDomains";

const char *hd_request_nonce(request_rec *r)
{
    const hd_dir_t *d = ap_get_module_config(r->per_dir_config, &secheaders_module);
    request_rec *top;
    const char *n;

    if (!hd_enabled(d) || d->nonce <= HD_NONCE_OFF) {
        return NULL;
    }
    /* One nonce per client request: subrequests and internal redirects
     * (ErrorDocument, DirectoryIndex) see the same one. */
    top = seccore_initial_request(r);
    n = apr_table_get(top->notes, SECHEADERS_NONCE_NOTE);
    if (!n) {
        n = sec_random_token(top->pool, NONCE_BYTES);
        if (!n) {
            /* No nonce rather than a weak one: nonce'd scripts are then
             * blocked, which is the safe way to fail. */
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(03004)
                          "secheaders: the CSPRNG failed; no CSP nonce for this request");
            return NULL;
        }
        apr_table_setn(top->notes, SECHEADERS_NONCE_NOTE, n);
    }
    return n;
}

static void set_field(request_rec *r, const char *name, const char *value)
{
    /* one copy only: the header filter sends both tables */
    if (!apr_is_empty_table(r->err_headers_out)) {
        apr_table_unset(r->err_headers_out, name);
    }
    apr_table_setn(r->headers_out, name, value);
}

static void unset_field(request_rec *r, const char *name)
{
    apr_table_unset(r->headers_out, name);
    if (!apr_is_empty_table(r->err_headers_out)) {
        apr_table_unset(r->err_headers_out, name);
    }
}

/* HTTPS as the client sees it: TLS on this connection, or a trusted proxy
 * (by the TCP peer's address, never a forwarded one) saying so. */
static int client_https(request_rec *r)
{
    hd_srv_t *sc = ap_get_module_config(r->server->module_config, &secheaders_module);
    sec_ip_t peer;

    if (ap_ssl_conn_is_ssl(r->connection)) {
        return 1;
    }
    if (!sc->trusted_proxies ||
        sec_ip_parse(r->connection->client_ip, &peer) != APR_SUCCESS ||
        !sec_cidr_list_contains(sc->trusted_proxies, &peer)) {
        return 0;
    }
    return sec_hdr_forwarded_https(apr_table_get(r->headers_in, "X-Forwarded-Proto"));
}

static void remove_leaky(request_rec *r, const hd_dir_t *d)
{
    int i;

    if (d->remove_defaults != 0) {
        for (i = 0; DEFAULT_REMOVE[i]; i++) {
            unset_field(r, DEFAULT_REMOVE[i]);
        }
    }
    for (i = 0; d->remove && i < d->remove->nelts; i++) {
        unset_field(r, APR_ARRAY_IDX(d->remove, i, const char *));
    }
}

static void set_csp(request_rec *r, const hd_dir_t *d)
{
    int mode = d->csp_mode == -1 ? HD_CSP_ENFORCE : d->csp_mode;
    const hd_csp_t *csp;
    const char *value, *nonce;

    /* The module owns the policy here: an application's own header would
     * be enforced on top of ours (policies intersect), or be a leftover. */
    unset_field(r, "Content-Security-Policy");
    unset_field(r, "Content-Security-Policy-Report-Only");
    if (mode == HD_CSP_OFF) {
        return;
    }
    csp = hd_csp_of(d);
    if (!*csp->header) {
        return;
    }
    nonce = hd_request_nonce(r);
    value = nonce ? sec_csp_nonce_join(r->pool, d->nonce == HD_NONCE_SCRIPT_STYLE
                                                    ? csp->tpl_style : csp->tpl_script, nonce)
                  : csp->header;
    set_field(r, mode == HD_CSP_REPORT_ONLY ? "Content-Security-Policy-Report-Only"
                                            : "Content-Security-Policy", value);
    if (csp->reporting_endpoints) {
        set_field(r, "Reporting-Endpoints", csp->reporting_endpoints);
    }
}

void hd_apply_headers(request_rec *r, const hd_dir_t *d)
{
    const sec_hdr_profile_t *pr = sec_hdr_profile(hd_profile_of(d));
    const char *fo = d->frame_options ? d->frame_options : pr->frame_options;
    int no_store = d->no_store_auth == -1 ? pr->no_store_authenticated : d->no_store_auth;
    int i;

    remove_leaky(r, d);
    for (i = 0; pr->fixed[i].name; i++) {
        set_field(r, pr->fixed[i].name, pr->fixed[i].value);
    }
    if (*fo) {
        set_field(r, "X-Frame-Options", fo);
    }
    else {
        unset_field(r, "X-Frame-Options");
    }
    set_field(r, "Referrer-Policy", d->referrer_policy ? d->referrer_policy : pr->referrer_policy);
    set_field(r, "Permissions-Policy", pr->permissions_policy);
    set_field(r, "Cross-Origin-Opener-Policy", pr->coop);
    set_field(r, "Cross-Origin-Resource-Policy", pr->corp);
    if (d->coep && *d->coep) {
        set_field(r, "Cross-Origin-Embedder-Policy", d->coep);
    }
    set_csp(r, d);
    if (d->environment != HD_ENV_DEVELOPMENT && (!d->hsts || *d->hsts) && client_https(r)) {
        set_field(r, "Strict-Transport-Security", d->hsts ? d->hsts : DEFAULT_HSTS);
    }
    if (no_store && (r->user || seccore_initial_request(r)->user)) {
        /* a page made for one user must not be kept by shared caches, nor
         * by the browser for the next person at the same machine */
        set_field(r, "Cache-Control", "no-store");
    }
}

static apr_status_t headers_filter_fn(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    const hd_dir_t *d = ap_get_module_config(r->per_dir_config, &secheaders_module);

    if (hd_enabled(d)) {
        hd_apply_headers(r, d);
    }
    if (hd_cors_active(d)) {
        hd_cors_response(r, d);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static int wanted(request_rec *r, const hd_dir_t *d)
{
    /* subrequests' output joins the main request's: headers are its */
    return !r->main && (hd_enabled(d) || hd_cors_active(d));
}

static void hd_insert_filter(request_rec *r)
{
    const hd_dir_t *d = ap_get_module_config(r->per_dir_config, &secheaders_module);

    if (wanted(r, d)) {
        ap_add_output_filter_handle(headers_filter, NULL, r, r->connection);
        hd_insert_nonce_filter(r, d);
    }
}

static void hd_insert_error_filter(request_rec *r)
{
    const hd_dir_t *d = ap_get_module_config(r->per_dir_config, &secheaders_module);

    if (wanted(r, d)) {
        ap_add_output_filter_handle(headers_filter, NULL, r, r->connection);
    }
}

/* The nonce for CGI/PHP (SECMODS_CSP_NONCE) before the handler runs. */
static int hd_fixups(request_rec *r)
{
    const char *n;

    if (r->main) {
        return DECLINED;
    }
    if ((n = hd_request_nonce(r)) != NULL) {
        apr_table_setn(r->subprocess_env, SECHEADERS_NONCE_ENV, n);
    }
    return DECLINED;
}

void hd_register_apply_hooks(void)
{
    ap_hook_fixups(hd_fixups, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_filter(hd_insert_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(hd_insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
    /* Before mod_headers' filter (AP_FTYPE_CONTENT_SET), so its explicit
     * "Header" directives override ours, and before the HTTP header filter
     * (a protocol filter) that sends the tables. */
    headers_filter = ap_register_output_filter(HEADERS_FILTER, headers_filter_fn, NULL,
                                               AP_FTYPE_CONTENT_SET - 1);
}
