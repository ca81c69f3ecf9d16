/* AuthType SecSession: authentication from the session cookie, what a
 * request without a session gets, and the secsession-role authz provider.
 *
 * Without a session, navigations (a browser loading a page) are sent to the
 * login page with ?redirect=<where they were going>; everything else
 * (XHR, fetch, API clients) gets 401 with the suite's envelope, because a
 * redirect to an HTML form is useless to a program and breaks CORS.
 *
 * A logged-in user whom the Require lines refuse gets 403, not httpd's
 * usual 401: a 401 sends browsers and single-page apps back to the login
 * page, where the same user logs in again and is refused again. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mod_auth.h>
#include <mod_core.h>
#include <ap_provider.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "secsession.h"
#include "sec_accept.h"
#include "sec_origin.h"
#include "sec_log.h"

APLOG_USE_MODULE(secsession);

#define NOTE_FORBID "secsession-forbid"

int ss_is_navigation(request_rec *r)
{
    const char *mode = apr_table_get(r->headers_in, "Sec-Fetch-Mode");

    /* Fetch Metadata says exactly what the request is, when the browser
     * sends it; older browsers and other clients are judged by Accept. */
    if (mode) {
        return !strcasecmp(mode, "navigate") || !strcasecmp(mode, "nested-navigate");
    }
    return sec_accept_preferred(apr_table_get(r->headers_in, "Accept")) == SEC_FORMAT_HTML;
}

int ss_cross_site(request_rec *r)
{
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *host = apr_table_get(r->headers_in, "Host");
    sec_origin_t o;

    if (site && !strcasecmp(site, "cross-site")) {
        return 1;
    }
    if (!origin || sec_origin_is_null(origin)) {
        /* no Origin: not a browser's cross-origin form (those send one) */
        return 0;
    }
    if (sec_origin_parse(r->pool, origin, &o) != APR_SUCCESS || !host) {
        return 1;
    }
    /* Compare host[:port] with the Host header, not the scheme: behind a
     * TLS-terminating proxy httpd may see http for an https origin. */
    {
        char *h = apr_pstrdup(r->pool, host), *c;
        char *want = strchr(o.host, ':') ? apr_psprintf(r->pool, "[%s]", o.host)
                                          : apr_pstrdup(r->pool, o.host);
        int default_port = (!strcmp(o.scheme, "https") && o.port == 443) ||
                           (!strcmp(o.scheme, "http") && o.port == 80);
        for (c = h; *c; c++) {
            *c = apr_tolower(*c);
        }
        if (!default_port) {
            want = apr_psprintf(r->pool, "%s:%u", want, (unsigned)o.port);
        }
        if (!strcmp(h, want)) {
            return 0;
        }
        /* "host:443" for an https origin, "host:80" for http */
        if (default_port && !strcmp(h, apr_psprintf(r->pool, "%s:%u", want, (unsigned)o.port))) {
            return 0;
        }
        return 1;
    }
}

/* Path and query of the request the client sent, as it sent them. */
static const char *original_target(request_rec *r)
{
    request_rec *top = seccore_initial_request(r);
    const char *path = top->parsed_uri.path ? top->parsed_uri.path : top->uri;

    if (!path || path[0] != '/') {
        path = "/";
    }
    return top->parsed_uri.query ? apr_pstrcat(r->pool, path, "?", top->parsed_uri.query, NULL)
                                 : path;
}

/* The login URL's path equals the request's: redirecting would loop. */
static int is_login_page(request_rec *r, const char *login)
{
    request_rec *top = seccore_initial_request(r);
    const char *path = top->parsed_uri.path ? top->parsed_uri.path : top->uri;
    apr_size_t n = strcspn(login, "?#");

    if (login[0] != '/') {
        return 0;   /* on another host: no loop here */
    }
    return path && strlen(path) == n && !strncmp(path, login, n);
}

/* as_none: answer a store outage as "no session" (optional locations) */
static int unauthenticated(request_rec *r, ss_req_t *st, int as_none)
{
    ss_dir_t *d = ss_dir(r);
    const char *login = d->login_url && *d->login_url ? d->login_url : NULL;
    json_t *extra = NULL;
    int rc;

    if (st->expire_cookie) {
        ss_expire_cookie(r, st);
    }
    if (st->status != APR_NOTFOUND && !as_none) {
        /* The store did not answer. Never the login page: the user may well
         * have a session, and sending them to log in again would loop. */
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
        return ss_core.error(r, SS_MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                             "Sessions cannot be checked right now. Try again shortly.", NULL);
    }
    if (login && ss_is_navigation(r) && !is_login_page(r, login)) {
        const char *target = apr_pstrcat(r->pool, login, strchr(login, '?') ? "&" : "?",
                                         "redirect=",
                                         ap_escape_urlencoded(r->pool, original_target(r)),
                                         NULL);
        apr_table_setn(r->headers_out, "Location", target);
        apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
        return HTTP_MOVED_TEMPORARILY;
    }
    /* RFC 9110: a 401 names a scheme. Browsers know none by this name, so
     * they show no password prompt. */
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", SS_AUTH_TYPE);
    if (login) {
        extra = json_pack("{s:s}", "loginUrl", login);
    }
    rc = ss_core.error(r, SS_MODULE_NAME, HTTP_UNAUTHORIZED, "UNAUTHORIZED", "Authentication required", extra);
    json_decref(extra);
    return rc;
}

int ss_check_authn(request_rec *r)
{
    const char *type = ap_auth_type(r);
    ss_dir_t *d;
    ss_req_t *st;
    apr_status_t rv;

    if (!type) {
        return DECLINED;
    }
    if (!strcasecmp(type, SS_HMAC_AUTH_TYPE)) {
        return ss_hmac_authn(r);
    }
    if (strcasecmp(type, SS_AUTH_TYPE)) {
        return DECLINED;
    }
    if (!ss_core.store) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05020)
                      "AuthType SecSession needs mod_seccore");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    d = ss_dir(r);
    rv = ss_load(r, &st);
    if (rv == APR_SUCCESS) {
        r->user = (char *)st->info.user;
        r->ap_auth_type = (char *)SS_AUTH_TYPE;
        return OK;
    }
    /* Optional locations reach here only when a Require line needs a user:
     * "never refuse" is for the session, the Require line is the admin's.
     * An outage reads as "no session" there: a public page must not go
     * down with the store. */
    return unauthenticated(r, st, d->optional == 1);
}

/* Called by mod_authz_core just before it answers 401 to a request whose
 * Require lines refused it. */
int ss_note_auth_failure(request_rec *r, const char *auth_type)
{
    const char *body;

    if (strcasecmp(auth_type, SS_AUTH_TYPE) && strcasecmp(auth_type, SS_HMAC_AUTH_TYPE)) {
        return DECLINED;
    }
    if (!r->user || !ss_core.error) {
        return OK;
    }
    /* Authenticated, not authorised: 403. httpd is about to answer 401 and
     * looks its error body up under 401, so the 403 envelope goes there too;
     * the status itself is switched when the error response is built
     * (ss_forbid_status, from insert_error_filter), before any byte is sent. */
    apr_table_setn(seccore_initial_request(r)->notes, NOTE_FORBID, "1");
    ss_core.error(r, SS_MODULE_NAME, HTTP_FORBIDDEN, "FORBIDDEN",
                  "You are signed in, but not allowed to see this page.", NULL);
    body = ap_response_code_string(r, ap_index_of_response(HTTP_FORBIDDEN));
    if (body && body[0] == '"') {
        ap_custom_response(r, HTTP_UNAUTHORIZED, body + 1);
    }
    return OK;
}

void ss_forbid_status(request_rec *r)
{
    if (r->status == HTTP_UNAUTHORIZED &&
        apr_table_get(seccore_initial_request(r)->notes, NOTE_FORBID)) {
        r->status = HTTP_FORBIDDEN;
        r->status_line = NULL;
    }
}

/* --- Require secsession-role ------------------------------------------------------ */

static const char *role_parse(cmd_parms *cmd, const char *line, const void **parsed)
{
    apr_array_header_t *roles = apr_array_make(cmd->pool, 2, sizeof(const char *));
    const char *t = line, *w;

    while (*(w = ap_getword_conf(cmd->pool, &t))) {
        if (!sec_session_role_valid(w, strlen(w))) {
            return apr_psprintf(cmd->pool, "Require secsession-role %s: not a role name "
                                "(1-64 of A-Z a-z 0-9 _ . : -)", w);
        }
        APR_ARRAY_PUSH(roles, const char *) = w;
    }
    if (roles->nelts == 0) {
        return "Require secsession-role: name at least one role";
    }
    *parsed = roles;
    return NULL;
}

/* Any of the roles named on the line (like "Require user a b"); combine
 * lines in <RequireAll> for "all of them". */
static authz_status role_check(request_rec *r, const char *line, const void *parsed)
{
    const apr_array_header_t *roles = parsed;
    ss_req_t *st;
    int i;

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    /* the session must be the one that authenticated r->user */
    if (ss_load(r, &st) != APR_SUCCESS || strcmp(st->info.user, r->user)) {
        return AUTHZ_DENIED;
    }
    for (i = 0; i < roles->nelts; i++) {
        if (sec_session_roles_has(st->info.roles, APR_ARRAY_IDX(roles, i, const char *))) {
            return AUTHZ_GRANTED;
        }
    }
    return AUTHZ_DENIED;
}

static const authz_provider role_provider = {
    &role_check,
    &role_parse,
};

void ss_register_authz(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "secsession-role",
                              AUTHZ_PROVIDER_VERSION, &role_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
}
