/* mod_seccsrf: CSRF defence for cookie-backed applications that can't be
 * changed: Fetch Metadata, Origin and Referer checks, signed double-submit
 * tokens bound to the session (mod_secsession) or a pre-session cookie,
 * and hidden token fields injected into legacy forms.
 *
 * Hooks only; the work is in seccsrf_check.c (the checks, in fixups: after
 * authentication, before the handler, and run whatever Satisfy says),
 * seccsrf_token.c, seccsrf_body.c (the body read ahead and replayed) and
 * seccsrf_inject.c (the output filter).
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include "seccsrf.h"
#include "sec_log.h"

csrf_core_t csrf_core;

csrf_req_t *csrf_req(request_rec *r)
{
    request_rec *top = seccore_initial_request(r);
    csrf_req_t *st = ap_get_module_config(top->request_config, &seccsrf_module);

    if (!st) {
        st = apr_pcalloc(top->pool, sizeof(*st));
        ap_set_module_config(top->request_config, &seccsrf_module, st);
    }
    return st;
}

/* Whether this response may carry a token: anything a handler produces
 * (a script may print SECMODS_CSRF_TOKEN) and static HTML (injection, and
 * the page whose scripts read the token cookie) -- not images, style sheets
 * and other static files, which would only get a Set-Cookie and a
 * "Vary: Cookie" that keeps shared caches from storing them. Directory
 * requests count as HTML: mod_dir turns them into their index page after
 * fixups. */
static int may_use_token(request_rec *r)
{
    const char *ct = r->content_type;

    if (r->handler && *r->handler && strcmp(r->handler, "default-handler")) {
        return 1;
    }
    return !ct || !strncasecmp(ct, "text/html", 9) || !strcmp(ct, DIR_MAGIC_TYPE);
}

static int csrf_fixups(request_rec *r)
{
    const csrf_dir_t *d;
    csrf_req_t *st;
    int rc;

    if (r->main || !csrf_core.error) {
        return DECLINED;
    }
    d = ap_get_module_config(r->per_dir_config, &seccsrf_module);
    if (d->mode != CSRF_ON && d->mode != CSRF_REPORT && !csrf_tokens_on(d)) {
        return DECLINED;
    }
    st = csrf_req(r);
    /* Once per client request: an internal redirect into another location
     * is checked there unless the request already passed. */
    if ((d->mode == CSRF_ON || d->mode == CSRF_REPORT) && !st->decided) {
        if ((rc = csrf_check(r, d, st)) != DECLINED) {
            return rc;
        }
    }
    if (csrf_tokens_on(d) && may_use_token(r)) {
        csrf_issue(r, d, st);
    }
    return DECLINED;
}

static void csrf_insert_filter(request_rec *r)
{
    csrf_inject_insert(r);
}

static void retrieve(void)
{
    csrf_core.keyring = APR_RETRIEVE_OPTIONAL_FN(seccore_keyring);
    csrf_core.error = APR_RETRIEVE_OPTIONAL_FN(seccore_error);
    csrf_core.event = APR_RETRIEVE_OPTIONAL_FN(seccore_event);
    csrf_core.metric_add = APR_RETRIEVE_OPTIONAL_FN(seccore_metric_add);
    csrf_core.request_id = APR_RETRIEVE_OPTIONAL_FN(seccore_request_id);
    csrf_core.body_read = APR_RETRIEVE_OPTIONAL_FN(seccore_body_read);
    csrf_core.session_current = APR_RETRIEVE_OPTIONAL_FN(secsession_current);
}

static int csrf_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    csrf_config_reset();
    return OK;
}

/* check_config runs for apachectl configtest too: a server that issues
 * tokens without a key fails there. */
static int csrf_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    const char *err;

    retrieve();
    if ((err = csrf_config_check_keys(ptemp, s)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(06004) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static int csrf_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    retrieve();
    if (!csrf_core.keyring || !csrf_core.error || !csrf_core.event) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(06001)
                     "mod_seccsrf needs mod_seccore (LoadModule seccore_module before it)");
        csrf_core.error = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SECLOGNO(06013)
                     "mod_seccsrf: tokens bind to %s", csrf_core.session_current
                     ? "mod_secsession's sessions (pre-session cookie without one)"
                     : "the pre-session cookie (mod_secsession is not loaded)");
    }
    return OK;
}

static void csrf_register_hooks(apr_pool_t *p)
{
    static const char *const after_seccore[] = {"mod_seccore.c", NULL};

    ap_hook_pre_config(csrf_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(csrf_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(csrf_post_config, after_seccore, NULL, APR_HOOK_MIDDLE);
    /* fixups, not access_checker: access checkers can be skipped under
     * "Satisfy Any"; fixups always run before the handler. First, so a
     * refused request costs no other module's work. */
    ap_hook_fixups(csrf_fixups, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_insert_filter(csrf_insert_filter, NULL, NULL, APR_HOOK_MIDDLE);
    csrf_inject_register();
}

AP_DECLARE_MODULE(seccsrf) = {
    STANDARD20_MODULE_STUFF,
    csrf_create_dir,
    csrf_merge_dir,
    csrf_create_srv,
    csrf_merge_srv,
    seccsrf_cmds,
    csrf_register_hooks
};
