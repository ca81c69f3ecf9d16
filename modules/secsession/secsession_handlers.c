/* The login and logout handlers.
 *
 *   SetHandler secsession-login    GET: a login page; POST username,
 *                                  password, redirect: checks the password
 *                                  with httpd's authn providers (file, dbm,
 *                                  dbd, ldap ... AuthBasicProvider-style),
 *                                  then 303 to the redirect target, or 401
 *   SetHandler secsession-logout   POST only (a GET could be an <img> on
 *                                  another site logging users out)
 *
 * Failures are 401 responses, so mod_secratelimit's count=failures zones
 * throttle password guessing on the login location. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_script.h>
#include <mod_auth.h>
#include <ap_provider.h>
#include <apr_strings.h>
#include "secsession.h"
#include "sec_envelope.h"
#include "sec_file.h"
#include "sec_log.h"

APLOG_USE_MODULE(secsession);

#define USER_FIELD "username"
#define PASSWORD_FIELD "password"
#define REDIRECT_FIELD "redirect"
#define EVERYWHERE_FIELD "everywhere"
#define PASSWORD_MAX 1024

static const char default_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\"><title>Sign in</title></head>\n"
    "<body style=\"font-family:sans-serif;margin:3em\"><h1>Sign in</h1>\n"
    "<form method=\"post\" action=\"{{action}}\">\n"
    "<p><label>User name<br><input name=\"username\" autocomplete=\"username\" required "
    "autofocus></label></p>\n"
    "<p><label>Password<br><input name=\"password\" type=\"password\" "
    "autocomplete=\"current-password\" required></label></p>\n"
    "<input type=\"hidden\" name=\"redirect\" value=\"{{redirect}}\">\n"
    "<p><button type=\"submit\">Sign in</button></p>\n"
    "</form>\n</body></html>\n";

const char *ss_redirect_target(request_rec *r, const ss_dir_t *d, const char *want,
                               const char *fallback)
{
    const char *why = NULL, *ok;

    if (!want || !*want) {
        return fallback;
    }
    ok = sec_redirect_check(r->pool, want, d->redirect_allow, &why);
    if (ok) {
        return ok;
    }
    /* the target is the client's text: its reason is logged, not the text */
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SECLOGNO(05050)
                  "redirect target refused (%s); using %s", why, fallback);
    ss_event(r, "redirect.refused", "deny", why, NULL);
    return fallback;
}

static const char *fill(apr_pool_t *p, const char *tpl, const char *name, const char *value)
{
    const char *hit;
    const char *out = "";
    apr_size_t n = strlen(name);

    while ((hit = strstr(tpl, name))) {
        out = apr_pstrcat(p, out, apr_pstrmemdup(p, tpl, (apr_size_t)(hit - tpl)), value, NULL);
        tpl = hit + n;
    }
    return apr_pstrcat(p, out, tpl, NULL);
}

static int login_page(request_rec *r, const ss_dir_t *d)
{
    apr_table_t *args = NULL;
    const char *target, *page;

    ap_args_to_table(r, &args);
    target = ss_redirect_target(r, d, args ? apr_table_get(args, REDIRECT_FIELD) : NULL, "/");
    page = fill(r->pool, d->login_page ? d->login_page : default_page, "{{redirect}}",
                sec_html_escape(r->pool, target));
    page = fill(r->pool, page, "{{action}}",
                sec_html_escape(r->pool, ap_escape_uri(r->pool, r->uri)));
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    /* a login form in someone else's frame is a clickjacking kit */
    apr_table_setn(r->headers_out, "X-Frame-Options", "DENY");
    apr_table_setn(r->headers_out, "Content-Security-Policy", "frame-ancestors 'none'");
    if (!r->header_only) {
        ap_rputs(page, r);
    }
    return OK;
}

/* The value of one form field (the first), at most max bytes; NULL when
 * absent or longer. */
static char *form_field(request_rec *r, apr_array_header_t *pairs, const char *name,
                        apr_size_t max)
{
    int i;

    for (i = 0; pairs && i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        apr_off_t len;
        apr_size_t size;
        char *buf;
        if (strcmp(pair->name, name)) {
            continue;
        }
        apr_brigade_length(pair->value, 1, &len);
        if (len < 0 || (apr_size_t)len > max) {
            return NULL;
        }
        size = (apr_size_t)len;
        buf = apr_palloc(r->pool, size + 1);
        apr_brigade_flatten(pair->value, buf, &size);
        buf[size] = '\0';
        if (strlen(buf) != size) {
            return NULL;   /* a NUL inside */
        }
        return buf;
    }
    return NULL;
}

static int is_form(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    return ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33) &&
           (ct[33] == '\0' || ct[33] == ';' || ct[33] == ' ');
}

static int refuse_cross_site(request_rec *r, const char *what)
{
    ss_event(r, apr_pstrcat(r->pool, what, ".cross-site", NULL), "deny", "cross-site", NULL);
    return ss_core.error(r, SS_MODULE_NAME, HTTP_FORBIDDEN, "CROSS_SITE_REQUEST",
                         "This form can only be sent from this site.", NULL);
}

static int method_not_allowed(request_rec *r, const char *allow)
{
    /* httpd writes Allow from r->allowed_methods on a 405 */
    if (strchr(allow, 'G')) {
        ap_allow_methods(r, 1, "GET", "POST", NULL);
    }
    else {
        ap_allow_methods(r, 1, "POST", NULL);
    }
    return ss_core.error(r, SS_MODULE_NAME, HTTP_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                         apr_psprintf(r->pool, "Use %s.", allow), NULL);
}

static int login_failed(request_rec *r, const char *reason)
{
    ss_event(r, "login.failure", "deny", reason, NULL);
    ss_metric(r, "secmods_session_logins_total", "method=\"form\",outcome=\"failure\"");
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", SS_AUTH_TYPE);
    return ss_core.error(r, SS_MODULE_NAME, HTTP_UNAUTHORIZED, "LOGIN_FAILED", "Invalid user name or password.",
                         NULL);
}

static authn_status check_password(request_rec *r, const ss_dir_t *d, const char *user,
                                   const char *password)
{
    authn_status result = AUTH_USER_NOT_FOUND;
    int i;

    if (!d->providers) {
        /* the default, as for AuthBasicProvider */
        const authn_provider *p = ap_lookup_provider(AUTHN_PROVIDER_GROUP, "file",
                                                     AUTHN_PROVIDER_VERSION);
        if (!p || !p->check_password) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05051)
                          "secsession-login: no SecSessionAuthProvider here and mod_authn_file "
                          "is not loaded");
            return AUTH_GENERAL_ERROR;
        }
        apr_table_setn(r->notes, AUTHN_PROVIDER_NAME_NOTE, "file");
        result = p->check_password(r, user, password);
        apr_table_unset(r->notes, AUTHN_PROVIDER_NAME_NOTE);
        return result;
    }
    for (i = 0; i < d->providers->nelts; i++) {
        const authn_provider_list *item = APR_ARRAY_IDX(d->providers, i, authn_provider_list *);
        apr_table_setn(r->notes, AUTHN_PROVIDER_NAME_NOTE, item->provider_name);
        result = item->provider->check_password(r, user, password);
        apr_table_unset(r->notes, AUTHN_PROVIDER_NAME_NOTE);
        /* the next provider only when this one does not know the user */
        if (result != AUTH_USER_NOT_FOUND) {
            break;
        }
    }
    return result;
}

#define ROLE_FILE_MAX (1024 * 1024)

/* The roles SecSessionRoleFile gives user; none (and an error logged) when
 * the file can't be read: fewer rights, never more. */
static const char *login_roles(request_rec *r, const ss_dir_t *d, const char *user)
{
    apr_status_t rv;
    apr_size_t n;
    char *text;
    const char *roles = "";
    int bad = 0;

    if (!d->role_file || !*d->role_file) {
        return "";
    }
    rv = sec_file_read_all(r->pool, d->role_file, ROLE_FILE_MAX, &text, &n);
    if (rv == APR_SUCCESS &&
        sec_session_roles_from_groups(r->pool, text, n, user, &roles, &bad) != APR_SUCCESS) {
        rv = APR_EINVAL;
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, SECLOGNO(05053)
                      "SecSessionRoleFile %s: cannot be read, is over 1 MiB or gives more "
                      "than 32 roles; the login carries no roles", d->role_file);
        return "";
    }
    if (bad) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(05054)
                      "SecSessionRoleFile %s: %d line(s) skipped (no ':' or a bad role name)",
                      d->role_file, bad);
    }
    return roles;
}

static int login_post(request_rec *r, const ss_dir_t *d)
{
    apr_array_header_t *pairs = NULL;
    char *user, *password;
    const char *target;
    authn_status result;
    ss_req_t *st;
    apr_status_t rv;
    int rc;
    json_t *extra;

    if (ss_cross_site(r)) {
        return refuse_cross_site(r, "login");
    }
    if (!is_form(r)) {
        ap_discard_request_body(r);
        return login_failed(r, "not-a-form");
    }
    rc = ap_parse_form_data(r, NULL, &pairs, 16, SS_FORM_MAX);
    if (rc != OK) {
        return rc == HTTP_REQUEST_ENTITY_TOO_LARGE ? login_failed(r, "form-too-large") : rc;
    }
    user = form_field(r, pairs, USER_FIELD, SEC_SESSION_USER_MAX);
    password = form_field(r, pairs, PASSWORD_FIELD, PASSWORD_MAX);
    target = ss_redirect_target(r, d, form_field(r, pairs, REDIRECT_FIELD, SEC_REDIRECT_MAX),
                                "/");
    if (!user || !sec_session_user_valid(user) || !password || !*password) {
        if (password) {
            sec_cleanse(password, strlen(password));
        }
        return login_failed(r, "malformed");
    }
    /* providers (and the access log's %u) look at r->user */
    r->user = user;
    result = check_password(r, d, user, password);
    sec_cleanse(password, strlen(password));
    switch (result) {
    case AUTH_GRANTED:
        break;
    case AUTH_USER_NOT_FOUND:
        return login_failed(r, "unknown-user");
    case AUTH_GENERAL_ERROR:
        ss_event(r, "login.failure", "error", "provider-error", NULL);
        return ss_core.error(r, SS_MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "AUTH_UNAVAILABLE",
                             "Sign-in is not available right now. Try again shortly.", NULL);
    default:
        return login_failed(r, "bad-password");
    }
    /* a new id at every login; whatever the client came with is gone */
    if (ss_load(r, &st) == APR_SUCCESS) {
        ss_end(r, "relogin", 0);
    }
    rv = ss_create(r, user, login_roles(r, d, user), "form");
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05052)
                      "secsession-login: the session could not be stored (%s)",
                      sec_store_strerror(r->pool, rv));
        ss_event(r, "login.failure", "error", "store-unavailable", NULL);
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
        return ss_core.error(r, SS_MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                             "Sign-in is not available right now. Try again shortly.", NULL);
    }
    extra = json_pack("{s:s, s:s}", "ref", st->ref, "via", "form");
    ss_event(r, "login.success", "allow", "form", extra);
    json_decref(extra);
    ss_metric(r, "secmods_session_logins_total", "method=\"form\",outcome=\"success\"");
    apr_table_setn(r->headers_out, "Location", target);
    return HTTP_SEE_OTHER;
}

static int logout_post(request_rec *r, const ss_dir_t *d)
{
    apr_array_header_t *pairs = NULL;
    apr_table_t *args = NULL;
    const char *want = NULL, *target;
    ss_req_t *st;
    int everywhere = 0;
    json_t *extra = NULL;

    if (ss_cross_site(r)) {
        return refuse_cross_site(r, "logout");
    }
    if (is_form(r) && ap_parse_form_data(r, NULL, &pairs, 8, SS_FORM_MAX) == OK) {
        const char *e = form_field(r, pairs, EVERYWHERE_FIELD, 8);
        want = form_field(r, pairs, REDIRECT_FIELD, SEC_REDIRECT_MAX);
        everywhere = e && (!strcmp(e, "1") || !strcasecmp(e, "on"));
    }
    else {
        ap_discard_request_body(r);
    }
    if (!want) {
        ap_args_to_table(r, &args);
        want = args ? apr_table_get(args, REDIRECT_FIELD) : NULL;
    }
    target = ss_redirect_target(r, d, want, d->logout_url ? d->logout_url : "/");
    if (ss_load(r, &st) == APR_SUCCESS) {
        r->user = (char *)st->info.user;
        extra = json_pack("{s:s, s:s}", "ref", st->ref, "via", "handler");
        ss_event(r, everywhere ? "logout.everywhere" : "logout", "allow", "handler", extra);
        json_decref(extra);
        ss_metric(r, "secmods_session_logouts_total", "method=\"handler\"");
    }
    /* Always: expire the cookie, even when the session was already gone. */
    ss_end(r, "logout", everywhere);
    if (d->clear_site_data == 1) {
        ss_clear_site_data(r);
    }
    apr_table_setn(r->headers_out, "Location", target);
    return HTTP_SEE_OTHER;
}

int ss_handler(request_rec *r)
{
    ss_dir_t *d;
    int login;

    if (!r->handler) {
        return DECLINED;
    }
    login = !strcmp(r->handler, SS_LOGIN_HANDLER);
    if (!login && strcmp(r->handler, SS_LOGOUT_HANDLER)) {
        return DECLINED;
    }
    if (!ss_core.store) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    d = ss_dir(r);
    if (login) {
        if (r->method_number == M_GET) {
            return login_page(r, d);
        }
        if (r->method_number != M_POST) {
            return method_not_allowed(r, "GET, HEAD, POST");
        }
        return login_post(r, d);
    }
    if (r->method_number != M_POST) {
        return method_not_allowed(r, "POST");
    }
    return logout_post(r, d);
}
