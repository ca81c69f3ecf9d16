/* Logins the application asserts: a legacy app keeps its own login script
 * and, once it has checked the password, answers with
 *
 *     X-SecSession-Login: alice; roles=admin,editor
 *
 * (or X-SecSession-Logout: 1 / everywhere). Where SecSessionAcceptLogin is
 * on, the module creates (ends) the session and adds its Set-Cookie to the
 * same response. The headers are removed from every response, wherever
 * they come from, so they never reach a client and a response from a
 * location that is not trusted to log users in cannot do so.
 *
 * An output filter, because CGI, PHP handlers and proxied backends set
 * response headers only while the handler runs: the filter sees the first
 * brigade of the response, before the HTTP header filter sends anything. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>
#include "secsession.h"
#include "sec_log.h"

APLOG_USE_MODULE(secsession);

static ap_filter_rec_t *app_filter_handle;

/* The header's value from either table (CGI puts some headers in
 * err_headers_out), removed from both. The first one counts; several are
 * refused. */
static int count_in(const apr_table_t *t, const char *name)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i, n = 0;

    for (i = 0; i < arr->nelts; i++) {
        if (e[i].key && !strcasecmp(e[i].key, name)) {
            n++;
        }
    }
    return n;
}

static const char *take_header(request_rec *r, const char *name, int *count)
{
    const char *v = apr_table_get(r->headers_out, name);
    const char *w = apr_table_get(r->err_headers_out, name);

    *count = count_in(r->headers_out, name) + count_in(r->err_headers_out, name);
    if (*count) {
        apr_table_unset(r->headers_out, name);
        apr_table_unset(r->err_headers_out, name);
    }
    return v ? v : w;
}

static void app_logout(request_rec *r, const char *value)
{
    ss_dir_t *d = ss_dir(r);
    ss_req_t *st;
    int everywhere = sec_session_logout_everywhere(value);
    json_t *extra = NULL;

    if (ss_load(r, &st) == APR_SUCCESS) {
        extra = json_pack("{s:s, s:s}", "ref", st->ref, "via", "app");
        if (!r->user) {
            r->user = (char *)st->info.user;
        }
    }
    ss_end(r, "app-logout", everywhere);
    if (d->clear_site_data == 1) {
        ss_clear_site_data(r);
    }
    ss_event(r, everywhere ? "logout.everywhere" : "logout", "allow", "app", extra);
    ss_metric(r, "secmods_session_logouts_total", "method=\"app\"");
    json_decref(extra);
}

static void app_login(request_rec *r, const char *value)
{
    ss_req_t *st;
    const char *user, *roles, *err = NULL;
    json_t *extra;
    apr_status_t rv;

    if (sec_session_login_header_parse(r->pool, value, &user, &roles, &err) != APR_SUCCESS) {
        /* the value itself is not logged: it may be what a user typed */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05040)
                      "%s from the application refused: %s; no session created",
                      ss_login_header(ss_srv(r->server)), err);
        ss_event(r, "login.failure", "error", "app-header-invalid", NULL);
        return;
    }
    /* A new id at every login: whatever session the request came with ends
     * (fixation), and the Set-Cookie below replaces the client's cookie. */
    ss_load(r, &st);
    if (st->status == APR_SUCCESS) {
        ss_end(r, "relogin", 0);
    }
    rv = ss_create(r, user, roles, "app");
    r->user = apr_pstrdup(r->pool, user);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05041)
                      "the application logged a user in, but the session could not be stored "
                      "(%s); the response carries no session", sec_store_strerror(r->pool, rv));
        ss_event(r, "login.failure", "error", "store-unavailable", NULL);
        ss_metric(r, "secmods_session_logins_total", "method=\"app\",outcome=\"error\"");
        return;
    }
    extra = json_pack("{s:s, s:s, s:s}", "ref", st->ref, "via", "app", "roles", roles);
    ss_event(r, "login.success", "allow", "app", extra);
    json_decref(extra);
    ss_metric(r, "secmods_session_logins_total", "method=\"app\",outcome=\"success\"");
}

static apr_status_t app_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    ss_srv_t *c = ss_srv(r->server);
    ss_dir_t *d = ss_dir(r);
    int nin, nout;
    const char *in = take_header(r, ss_login_header(c), &nin);
    const char *out = take_header(r, ss_logout_header(c), &nout);

    ap_remove_output_filter(f);
    if (!nin && !nout) {
        return ap_pass_brigade(f->next, bb);
    }
    if (d->accept_login != 1) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(05042)
                      "the response carries %s; removed and ignored: SecSessionAcceptLogin is "
                      "not on for %s", nin ? ss_login_header(c) : ss_logout_header(c), r->uri);
        ss_event(r, nin ? "login.app-refused" : "logout.app-refused", "deny",
                 "not-accepted-here", NULL);
        return ap_pass_brigade(f->next, bb);
    }
    if (r->status >= 400) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SECLOGNO(05043)
                      "the response carries %s with status %d; ignored (only 2xx and 3xx "
                      "responses log users in or out)",
                      nin ? ss_login_header(c) : ss_logout_header(c), r->status);
        return ap_pass_brigade(f->next, bb);
    }
    if (nin > 1 || nout > 1) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05044)
                      "the response carries %s more than once; ignored",
                      nin > 1 ? ss_login_header(c) : ss_logout_header(c));
        ss_event(r, "login.failure", "error", "app-header-repeated", NULL);
        return ap_pass_brigade(f->next, bb);
    }
    if (nout) {
        app_logout(r, out);
    }
    if (nin) {
        app_login(r, in);
    }
    return ap_pass_brigade(f->next, bb);
}

void ss_insert_app_filter(request_rec *r)
{
    /* Only the response the client gets: a subrequest's headers are not sent. */
    if (r->main) {
        return;
    }
    ap_add_output_filter_handle(app_filter_handle, NULL, r, r->connection);
}

void ss_register_app_filter(void)
{
    /* Before the HTTP header filter (PROTOCOL), after content filters. */
    app_filter_handle = ap_register_output_filter(SS_APP_FILTER, app_filter, NULL,
                                                  AP_FTYPE_CONTENT_SET);
}
