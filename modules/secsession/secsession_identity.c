/* Who the application sees: r->user (REMOTE_USER), environment variables,
 * and -- for proxied backends, by option -- request headers. Clients must
 * not be able to send any of these themselves, so incoming headers of those
 * names are removed when the request has been read, before any other hook
 * looks at them, in every spelling a CGI gateway or a backend would take
 * for the same name: any case, '-' or '_' (CGI and PHP both turn
 * "X-Remote-User" and "X_Remote_User" into HTTP_X_REMOTE_USER). */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "secsession.h"
#include "sec_log.h"

APLOG_USE_MODULE(secsession);

/* "X_Remote-USER" -> "x-remote-user" */
static char *normalise(apr_pool_t *p, const char *name)
{
    char *n = apr_pstrdup(p, name), *c;

    for (c = n; *c; c++) {
        *c = *c == '_' ? '-' : (char)apr_tolower((unsigned char)*c);
    }
    return n;
}

void ss_scrub_add(apr_pool_t *p, ss_srv_t *c, const char *name)
{
    char *n = normalise(p, name);
    int i;

    for (i = 0; i < c->scrub->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(c->scrub, i, const char *), n)) {
            return;
        }
    }
    APR_ARRAY_PUSH(c->scrub, const char *) = n;
}

/* Same name under normalisation, without allocating: this runs for every
 * header of every request. */
static int same_name(const char *header, const char *normalised)
{
    for (; *header && *normalised; header++, normalised++) {
        char h = *header == '_' ? '-' : (char)apr_tolower((unsigned char)*header);
        if (h != *normalised) {
            return 0;
        }
    }
    return !*header && !*normalised;
}

int ss_post_read_request(request_rec *r)
{
    ss_srv_t *c = ss_srv(r->server);
    const apr_array_header_t *arr = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    apr_array_header_t *doomed = NULL;
    int i, j;

    for (i = 0; i < arr->nelts; i++) {
        if (!e[i].key) {
            continue;
        }
        for (j = 0; j < c->scrub->nelts; j++) {
            if (same_name(e[i].key, APR_ARRAY_IDX(c->scrub, j, const char *))) {
                if (!doomed) {
                    doomed = apr_array_make(r->pool, 2, sizeof(const char *));
                }
                APR_ARRAY_PUSH(doomed, const char *) = e[i].key;
                break;
            }
        }
    }
    for (i = 0; doomed && i < doomed->nelts; i++) {
        const char *k = APR_ARRAY_IDX(doomed, i, const char *);
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SECLOGNO(05001)
                      "removed the client's %s request header (identity headers come from "
                      "the server only)", k);
        /* apr_table_unset matches case-insensitively, and "_" spellings are
         * their own keys: each is in the list */
        apr_table_unset(r->headers_in, k);
    }
    return DECLINED;
}

void ss_set_identity(request_rec *r, ss_req_t *st)
{
    ss_dir_t *d = ss_dir(r);

    if (st->status != APR_SUCCESS) {
        return;
    }
    if (!r->user) {
        r->user = (char *)st->info.user;
        r->ap_auth_type = (char *)SS_AUTH_TYPE;
    }
    apr_table_setn(r->subprocess_env, SS_ENV_USER, st->info.user);
    apr_table_setn(r->subprocess_env, SS_ENV_ROLES, st->info.roles);
    apr_table_setn(r->subprocess_env, SS_ENV_REF, st->info.ref);
    if (d->identity_headers == 1) {
        apr_table_setn(r->headers_in, d->hdr_user, st->info.user);
        apr_table_setn(r->headers_in, d->hdr_roles, st->info.roles);
        apr_table_setn(r->headers_in, d->hdr_ref, st->info.ref);
    }
}

/* Every Cookie header of the request, joined as one (HTTP/2 and some
 * clients send several). */
static const char *all_cookies(request_rec *r, int *n)
{
    const apr_array_header_t *arr = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    const char *joined = NULL;
    int i;

    *n = 0;
    for (i = 0; i < arr->nelts; i++) {
        if (e[i].key && !strcasecmp(e[i].key, "Cookie") && e[i].val) {
            joined = joined ? apr_pstrcat(r->pool, joined, "; ", e[i].val, NULL) : e[i].val;
            (*n)++;
        }
    }
    return joined;
}

void ss_stash_cookie(request_rec *r, ss_req_t *st)
{
    request_rec *top = seccore_initial_request(r);
    int n;
    const char *h;

    if (st->cookie_stashed) {
        return;
    }
    st->cookie_stashed = 1;
    h = all_cookies(top, &n);
    st->cookie_count = h ? sec_cookie_find(top->pool, h, ss_cookie_name(ss_srv(top->server)),
                                           &st->cookie_value)
                         : 0;
}

/* The application and backends need not see the session cookie: one less
 * place a secret can leak from (a debug page, a backend's log). */
void ss_hide_cookie(request_rec *r, ss_req_t *st)
{
    ss_dir_t *d = ss_dir(r);
    const char *name, *h, *rest;
    int n;

    if (d->pass_cookie == 1) {
        return;
    }
    h = all_cookies(r, &n);
    if (!h) {
        return;
    }
    name = ss_cookie_name(ss_srv(r->server));
    /* cheap test first: most requests of most sites carry other cookies only */
    if (!strstr(h, name)) {
        return;
    }
    ss_stash_cookie(r, st);
    rest = sec_cookie_remove(r->pool, h, name);
    apr_table_unset(r->headers_in, "Cookie");
    if (rest) {
        apr_table_setn(r->headers_in, "Cookie", rest);
    }
}
