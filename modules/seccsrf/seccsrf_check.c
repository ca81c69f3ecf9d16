/* mod_seccsrf: the checks of a request with a protected method, in fixups.
 *
 * The decision is sec_csrf_decide() (the core library); this file gathers
 * its inputs from the request, looks for a token only when the headers
 * could not decide, and turns the result into Vary, an audit event, a
 * metric and, unless in report mode, the 403 envelope.
 *
 * The request's own origin is scheme://host:port as httpd itself would
 * build a self-referencing URL: ap_http_scheme() (https under mod_ssl or
 * with "ServerName https://..."), ap_get_server_name() and
 * ap_get_server_port(). With the default UseCanonicalName Off that is the
 * Host the request was routed by; behind a proxy that rewrites Host or
 * terminates TLS, set "ServerName https://www.example.com" and
 * "UseCanonicalName On". A forged Host header only matters for a client
 * that forges Origin too, and such a client is not a victim's browser: a
 * browser sends the Host of the site it is talking to, and carries that
 * site's cookies only.
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "seccsrf.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccsrf);

const sec_origin_t *csrf_self_origin(request_rec *r, csrf_req_t *st)
{
    const char *host, *s;
    sec_origin_t *o;
    apr_size_t n;

    if (st->self_done) {
        return st->self;
    }
    st->self_done = 1;
    host = ap_get_server_name(r);
    if (!host || !*host) {
        return NULL;
    }
    n = strlen(host);
    if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
        host = apr_pstrmemdup(r->pool, host + 1, n - 2);
    }
    s = apr_psprintf(r->pool, strchr(host, ':') ? "%s://[%s]:%u" : "%s://%s:%u",
                     ap_http_scheme(r), host, (unsigned)ap_get_server_port(r));
    o = apr_pcalloc(r->pool, sizeof(*o));
    if (sec_origin_parse(r->pool, s, o) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SECLOGNO(06010)
                      "SecCSRF: this request's own origin is not a valid origin; nothing "
                      "is same-origin here (check ServerName)");
        return NULL;
    }
    st->self = o;
    return o;
}

static const char *seccore_request_id_or(request_rec *r)
{
    return csrf_core.request_id ? csrf_core.request_id(r) : "-";
}

/* A header value as an event field: printable ASCII, at most max bytes. */
static const char *printable(apr_pool_t *p, const char *s, apr_size_t max)
{
    apr_size_t n, i;
    char *out;

    if (!s) {
        return NULL;
    }
    n = strlen(s);
    if (n > max) {
        n = max;
    }
    out = apr_pstrmemdup(p, s, n);
    for (i = 0; i < n; i++) {
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f) {
            out[i] = '?';
        }
    }
    return out;
}

static int is_exempt(request_rec *r, const csrf_dir_t *d)
{
    int i;

    for (i = 0; d->exempt && i < d->exempt->nelts; i++) {
        const char *err = NULL;
        int rc = ap_expr_exec(r, APR_ARRAY_IDX(d->exempt, i, ap_expr_info_t *), &err);
        if (err) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(06002)
                          "SecCSRFExempt: expression failed: %s", err);
        }
        else if (rc > 0) {
            return 1;
        }
    }
    return 0;
}

static void metric(request_rec *r, const char *outcome, const char *reason)
{
    if (csrf_core.metric_add) {
        csrf_core.metric_add("secmods_csrf_requests_total",
                             apr_psprintf(r->pool, "outcome=\"%s\",reason=\"%s\"", outcome,
                                          reason),
                             1);
    }
}

typedef struct {
    const char *via;       /* "header", "field" or NULL */
    const char *detail;    /* why a token was refused */
} token_info_t;

static void event(request_rec *r, const sec_csrf_input_t *in, const sec_csrf_result_t *res,
                  const token_info_t *ti, int report, const char *reason)
{
    json_t *extra;
    sec_origin_t ro;

    if (!csrf_core.event) {
        return;
    }
    /* Field names that look like secrets ("token", "csrf", "cookie") would
     * be dropped by seccore: these carry none. */
    extra = json_object();
    json_object_set_new(extra, "check", json_string(res ? res->check : "token"));
    if (in->fetch_site) {
        json_object_set_new(extra, "fetchSite", json_string(printable(r->pool, in->fetch_site, 64)));
    }
    if (in->origin) {
        json_object_set_new(extra, "origin", json_string(printable(r->pool, in->origin, 256)));
    }
    if (in->referer) {
        /* Only its origin: a Referer's path and query may hold secrets. */
        json_object_set_new(extra, "refererOrigin",
                            json_string(sec_origin_from_url(r->pool, in->referer, &ro) == APR_SUCCESS
                                            ? sec_origin_string(r->pool, &ro) : "(invalid)"));
    }
    if (ti && ti->via) {
        json_object_set_new(extra, "via", json_string(ti->via));
    }
    if (ti && ti->detail) {
        json_object_set_new(extra, "detail", json_string(ti->detail));
    }
    csrf_core.event(r, CSRF_MODULE_NAME, report ? "csrf.report" : "csrf.deny",
                    report ? "report" : (res ? "deny" : "error"), reason, extra);
    json_decref(extra);
}

static const char *refusal_message(const char *reason)
{
    if (!strcmp(reason, "cross-site")) {
        return "Cross-site request refused.";
    }
    if (!strcmp(reason, "same-site")) {
        return "Request from another site of this domain refused.";
    }
    if (!strcmp(reason, "bad-origin")) {
        return "Request from another origin refused.";
    }
    if (!strcmp(reason, "no-origin")) {
        return "Request without an origin refused.";
    }
    if (!strcmp(reason, "missing-token")) {
        return "Missing CSRF token. Reload the page and try again.";
    }
    return "Invalid or expired CSRF token. Reload the page and try again.";
}

/* The session store could not be asked while a token was needed: fail
 * closed (a token can't be verified without knowing whose it is). */
static int store_down(request_rec *r, const csrf_dir_t *d, const sec_csrf_input_t *in)
{
    json_t *extra;
    int rc;

    if (d->mode == CSRF_REPORT) {
        metric(r, "report", "store-unavailable");
        event(r, in, NULL, NULL, 1, "store-unavailable");
        return DECLINED;
    }
    metric(r, "error", "store-unavailable");
    event(r, in, NULL, NULL, 0, "store-unavailable");
    extra = json_pack("{s:s}", "reason", "store-unavailable");
    rc = csrf_core.error(r, CSRF_MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                         "The service is temporarily unavailable. Try again shortly.", extra);
    json_decref(extra);
    return rc;
}

/* Looks for the token (header first, then the form body) and verifies it.
 * Returns DECLINED, or a status to answer with (a broken body, an outage). */
static int look_for_token(request_rec *r, const csrf_dir_t *d, csrf_req_t *st,
                          sec_csrf_input_t *in, token_info_t *ti)
{
    const char *tok;
    apr_size_t len = 0;
    apr_status_t rv;
    int overlong = 0, status = HTTP_BAD_REQUEST;
    sec_csrf_token_status_e ts;

    apr_table_mergen(r->err_headers_out, "Vary", csrf_token_header(d));
    apr_table_mergen(r->err_headers_out, "Vary", "Cookie");
    tok = apr_table_get(r->headers_in, csrf_token_header(d));
    if (tok) {
        ti->via = "header";
        len = strlen(tok);
    }
    else {
        switch (csrf_body_field(r, d, &tok, &len, &overlong, &status)) {
        case CSRF_FIELD_FOUND:
            ti->via = "field";
            break;
        case CSRF_FIELD_ERROR:
            return status;
        default:
            in->token = SEC_CSRF_TOKEN_ABSENT;
            return DECLINED;
        }
    }
    if (!csrf_keyring(r)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(06014)
                      "SecCSRFToken on, but this server has no SecKeyFile: tokens can't be "
                      "verified");
        in->token = SEC_CSRF_TOKEN_BAD;
        ti->detail = "no-key";
        return DECLINED;
    }
    rv = csrf_binding(r, st, 0);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return store_down(r, d, in);
    }
    if (rv == APR_NOTFOUND) {
        in->token = SEC_CSRF_TOKEN_BAD;
        ti->detail = st->binding_dup ? "duplicate-cookie" : "unbound";
        return DECLINED;
    }
    ts = overlong ? SEC_CSRF_TOKEN_MALFORMED : csrf_verify(r, st, tok, len);
    in->token = ts == SEC_CSRF_TOKEN_VALID ? SEC_CSRF_TOKEN_OK : SEC_CSRF_TOKEN_BAD;
    if (ts != SEC_CSRF_TOKEN_VALID) {
        ti->detail = sec_csrf_token_status_name(ts);
    }
    return DECLINED;
}

int csrf_check(request_rec *r, const csrf_dir_t *d, csrf_req_t *st)
{
    sec_csrf_input_t in;
    sec_csrf_result_t res;
    token_info_t ti = {NULL, NULL};
    json_t *extra;
    int rc;

    if (!sec_csrf_method_protected(r->method)) {
        return DECLINED;
    }
    if (is_exempt(r, d)) {
        st->decided = 1;
        metric(r, "exempt", "exempt");
        return DECLINED;
    }
    memset(&in, 0, sizeof(in));
    in.method = r->method;
    in.fetch_site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    in.origin = apr_table_get(r->headers_in, "Origin");
    in.referer = apr_table_get(r->headers_in, "Referer");
    in.trusted = d->trusted;
    in.no_origin_refuse = d->no_origin_refuse == 1;
    in.token = SEC_CSRF_TOKEN_UNCHECKED;
    /* Fetch Metadata usually decides alone: the own origin only when not. */
    if (!in.fetch_site || (strcasecmp(in.fetch_site, "same-origin") &&
                           strcasecmp(in.fetch_site, "none") &&
                           strcasecmp(in.fetch_site, "cross-site"))) {
        in.self = csrf_self_origin(r, st);
    }
    sec_csrf_decide(r->pool, &in, &res);
    if (res.verdict == SEC_CSRF_NEED_TOKEN) {
        if (!csrf_tokens_on(d)) {
            in.token = SEC_CSRF_TOKEN_ABSENT;
        }
        else if ((rc = look_for_token(r, d, st, &in, &ti)) != DECLINED) {
            return rc;
        }
        else if (in.token == SEC_CSRF_TOKEN_UNCHECKED) {
            /* report mode let an outage through */
            st->decided = 1;
            return DECLINED;
        }
        sec_csrf_decide(r->pool, &in, &res);
    }

    if (res.read & SEC_CSRF_READ_FETCH_SITE) {
        apr_table_mergen(r->err_headers_out, "Vary", "Sec-Fetch-Site");
    }
    if (res.read & SEC_CSRF_READ_ORIGIN) {
        apr_table_mergen(r->err_headers_out, "Vary", "Origin");
    }
    if (res.read & SEC_CSRF_READ_REFERER) {
        apr_table_mergen(r->err_headers_out, "Vary", "Referer");
    }

    if (res.verdict == SEC_CSRF_PASS) {
        st->decided = 1;
        metric(r, "pass", res.reason);
        return DECLINED;
    }
    if (d->mode == CSRF_REPORT) {
        st->decided = 1;
        metric(r, "report", res.reason);
        event(r, &in, &res, &ti, 1, res.reason);
        return DECLINED;
    }
    metric(r, "deny", res.reason);
    event(r, &in, &res, &ti, 0, res.reason);
    /* ap_log_cerror: httpd appends the Referer to request-level log lines,
     * and a Referer's query may hold a secret. The request id ties the
     * line to the event. */
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, r->connection, SECLOGNO(06008)
                  "SecCSRF: refused %s %s (%s, by %s), request %s",
                  ap_escape_logitem(r->pool, r->method), ap_escape_logitem(r->pool, r->uri),
                  res.reason, res.check, seccore_request_id_or(r));
    extra = json_pack("{s:s}", "reason", res.reason);
    rc = csrf_core.error(r, CSRF_MODULE_NAME, HTTP_FORBIDDEN, "CSRF", refusal_message(res.reason), extra);
    json_decref(extra);
    return rc;
}
