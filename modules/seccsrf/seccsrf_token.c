/* mod_seccsrf tokens: whom a token is bound to (the session, or a
 * pre-session cookie), issuing a token to the application (environment
 * variables, a JavaScript-readable cookie) and verifying one.
 *
 * The binding to mod_secsession is in csrf_binding() alone: when
 * secsession_current() names a session, tokens are bound to its reference
 * ("s:" ref); without a session (or without mod_secsession) to the
 * pre-session cookie ("p:" value), which is set when absent, so a login
 * form is protected before any session exists. A session store outage is
 * not "no session": the caller fails closed (see seccsrf_check.c). */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <apr_strings.h>
#include "seccsrf.h"
#include "sec_cookie.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccsrf);

const sec_keyring_t *csrf_keyring(request_rec *r)
{
    return csrf_core.keyring ? csrf_core.keyring(r->server) : NULL;
}

static int is_https(request_rec *r)
{
    return !strcasecmp(ap_http_scheme(r), "https");
}

/* "__Host-" on HTTPS: the cookie is then host-only, Secure and for Path=/,
 * and a sibling sub-domain can't plant one of that name. */
static const char *prefixed(request_rec *r, const char *name)
{
    return is_https(r) ? apr_pstrcat(r->pool, "__Host-", name, NULL) : name;
}

const char *csrf_cookie_name(request_rec *r)
{
    csrf_srv_t *c = ap_get_module_config(r->server->module_config, &seccsrf_module);
    return prefixed(r, c->cookie ? c->cookie : CSRF_DEFAULT_COOKIE);
}

const char *csrf_token_cookie_name(request_rec *r)
{
    csrf_srv_t *c = ap_get_module_config(r->server->module_config, &seccsrf_module);

    if (c->token_cookie_off == 1) {
        return NULL;
    }
    return prefixed(r, c->token_cookie ? c->token_cookie : CSRF_DEFAULT_TOKEN_COOKIE);
}

static void set_cookie(request_rec *r, const char *name, const char *value, int http_only)
{
    sec_cookie_attrs_t a;
    const char *v;

    memset(&a, 0, sizeof(a));
    a.path = "/";
    a.secure = is_https(r);
    a.http_only = http_only;
    a.same_site = "Lax";
    a.max_age = -1;
    v = sec_cookie_format(r->pool, name, value, &a);
    if (!v) {
        /* Names are checked at configtest and values are base64url: a
         * refusal here is a bug, never a reason to send a broken header. */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(06016)
                      "SecCSRF: cookie %s could not be formatted; not set", name);
        return;
    }
    /* err_headers_out: on refusals too, so the next try can succeed */
    apr_table_addn(r->err_headers_out, "Set-Cookie", v);
}

/* The value of cookie name when the request carries it exactly once. */
static const char *cookie_once(request_rec *r, const char *name, int *count)
{
    const char *hdr = apr_table_get(r->headers_in, "Cookie"), *v = NULL;
    int n = hdr ? sec_cookie_find(r->pool, hdr, name, &v) : 0;

    if (count) {
        *count = n;
    }
    return n == 1 ? v : NULL;
}

apr_status_t csrf_binding(request_rec *r, csrf_req_t *st, int create)
{
    const char *v;
    int n;

    if (st->binding_done && (st->binding || st->binding_rv != APR_NOTFOUND || !create)) {
        return st->binding_rv;
    }
    if (!st->binding_done && csrf_core.session_current) {
        const secsession_info_t *info = NULL;
        apr_status_t rv = csrf_core.session_current(r, &info);
        if (rv == APR_SUCCESS && info && info->ref && *info->ref) {
            st->binding = apr_pstrcat(r->pool, "s:", info->ref, NULL);
            st->binding_done = 1;
            st->binding_rv = APR_SUCCESS;
            return APR_SUCCESS;
        }
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
            /* The store could not say: an outage, never "no session". */
            st->binding_done = 1;
            st->binding_rv = rv;
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r, SECLOGNO(06005)
                          "SecCSRF: the session store could not be asked; tokens can't be "
                          "checked or issued for this request");
            return rv;
        }
    }
    st->binding_done = 1;
    st->binding_rv = APR_NOTFOUND;
    v = cookie_once(r, csrf_cookie_name(r), &n);
    if (v && sec_csrf_presession_valid(v)) {
        st->binding = apr_pstrcat(r->pool, "p:", v, NULL);
        st->binding_rv = APR_SUCCESS;
        return APR_SUCCESS;
    }
    /* Two cookies of that name: one was planted (cookie tossing from a
     * sibling domain). Neither is trusted. */
    st->binding_dup = n > 1;
    if (!create) {
        return APR_NOTFOUND;
    }
    v = sec_csrf_presession_make(r->pool);
    if (!v) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(06009)
                      "SecCSRF: the random number generator failed; no token issued");
        return APR_EGENERAL;
    }
    set_cookie(r, csrf_cookie_name(r), v, 1);
    st->binding = apr_pstrcat(r->pool, "p:", v, NULL);
    st->binding_rv = APR_SUCCESS;
    return APR_SUCCESS;
}

sec_csrf_token_status_e csrf_verify(request_rec *r, csrf_req_t *st, const char *token,
                                    apr_size_t len)
{
    return sec_csrf_token_verify(r->pool, csrf_keyring(r), st->binding, token, len);
}

static void set_env(request_rec *r, const csrf_dir_t *d, const csrf_req_t *st)
{
    apr_table_setn(r->subprocess_env, CSRF_ENV_TOKEN, st->token);
    apr_table_setn(r->subprocess_env, CSRF_ENV_FIELD, csrf_token_field(d));
    apr_table_setn(r->subprocess_env, CSRF_ENV_HEADER, csrf_token_header(d));
}

void csrf_issue(request_rec *r, const csrf_dir_t *d, csrf_req_t *st)
{
    const sec_keyring_t *kr;
    const char *name, *have;

    if (st->issued) {
        if (st->token) {
            set_env(r, d, st);   /* an internal redirect: its own environment */
        }
        return;
    }
    st->issued = 1;
    kr = csrf_keyring(r);
    if (!kr || !kr->current) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(06003)
                      "SecCSRFToken on, but this server has no SecKeyFile: no token issued");
        return;
    }
    if (csrf_binding(r, st, 1) != APR_SUCCESS) {
        return;   /* logged */
    }
    st->token = sec_csrf_token_make(r->pool, kr, st->binding);
    if (!st->token) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(06015)
                      "SecCSRF: the random number generator failed; no token issued");
        return;
    }
    /* The response now depends on the request's cookies. */
    apr_table_mergen(r->err_headers_out, "Vary", "Cookie");
    name = csrf_token_cookie_name(r);
    if (name) {
        have = cookie_once(r, name, NULL);
        if (!have || csrf_verify(r, st, have, strlen(have)) != SEC_CSRF_TOKEN_VALID) {
            set_cookie(r, name, st->token, 0);
        }
    }
    set_env(r, d, st);
}
