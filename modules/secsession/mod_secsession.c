/* mod_secsession: server-side sessions behind a MAC'd cookie, revocable on
 * every server at once; AuthType SecSession with Require valid-user, user
 * and secsession-role; a login handler on httpd's authn providers, logins
 * asserted by the application's own script, a logout handler; AuthType
 * SecHMAC for signed service-to-service requests.
 *
 * Hooks, in request order:
 *   post_read_request  strip identity headers the client sent
 *   check_authn        AuthType SecSession / SecHMAC
 *   note_auth_failure  a signed-in user the Require lines refuse: 403
 *   fixups             identity for the application (r->user, env, headers);
 *                      the session cookie is taken off the request
 *   handler            secsession-login, secsession-logout
 *   insert_filter      the application's login/logout headers (SECSESSION_APP)
 *   insert_error_filter  the same, and the 401 -> 403 switch
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include "secsession.h"
#include "sec_log.h"

ss_core_t ss_core;

void ss_event(request_rec *r, const char *event, const char *outcome, const char *reason,
              json_t *extra)
{
    if (ss_core.event) {
        ss_core.event(r, SS_MODULE_NAME, event, outcome, reason, extra);
    }
}

void ss_metric(request_rec *r, const char *family, const char *labels)
{
    if (ss_core.metric_add) {
        ss_core.metric_add(family, labels, 1);
    }
}

/* --- the API for other modules ------------------------------------------------------ */

static apr_status_t secsession_current(request_rec *r, const secsession_info_t **info)
{
    ss_req_t *st;
    apr_status_t rv = ss_load(r, &st);

    *info = rv == APR_SUCCESS ? &st->info : NULL;
    return rv;
}

/* --- requests ------------------------------------------------------------------------ */

static int is_session_location(request_rec *r)
{
    const char *type = ap_auth_type(r);
    return type && !strcasecmp(type, SS_AUTH_TYPE);
}

static int ss_fixups(request_rec *r)
{
    ss_req_t *st;

    if (!ss_core.store) {
        return DECLINED;
    }
    st = ss_req(r);
    if (is_session_location(r)) {
        /* Optional locations reach here without check_authn (no Require line
         * needed a user): load now. An outage there reads as no session. */
        if (ss_load(r, &st) == APR_SUCCESS) {
            ss_set_identity(r, st);
        }
        else if (st->expire_cookie) {
            ss_expire_cookie(r, st);
        }
    }
    ss_hide_cookie(r, st);
    return DECLINED;
}

static void ss_insert_filter(request_rec *r)
{
    ss_insert_app_filter(r);
}

static void ss_insert_error_filter(request_rec *r)
{
    ss_forbid_status(r);
    ss_insert_app_filter(r);
}

/* --- start-up ------------------------------------------------------------------------- */

static int ss_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                           server_rec *s)
{
    const char *err = ss_config_check(ptemp, s);

    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(05002) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static json_t *ss_status(request_rec *r)
{
    ss_srv_t *c = ss_srv(r->server);

    return json_pack("{s:s, s:I, s:s?, s:i}", "cookie", ss_cookie_name(c),
                     "cacheTTLms", (json_int_t)apr_time_as_msec(ss_cache_ttl(c)),
                     "keyId", c->keys ? c->keys->current->kid : NULL,
                     "hmacKeys", c->hmac_keyring ? c->hmac_keyring->keys->nelts : 0);
}

static int ss_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                          server_rec *s)
{
    server_rec *v;

    ss_core.store = APR_RETRIEVE_OPTIONAL_FN(seccore_store);
    ss_core.local_store = APR_RETRIEVE_OPTIONAL_FN(seccore_local_store);
    ss_core.keyring = APR_RETRIEVE_OPTIONAL_FN(seccore_keyring);
    ss_core.error = APR_RETRIEVE_OPTIONAL_FN(seccore_error);
    ss_core.event = APR_RETRIEVE_OPTIONAL_FN(seccore_event);
    ss_core.metric_add = APR_RETRIEVE_OPTIONAL_FN(seccore_metric_add);
    ss_core.register_status = APR_RETRIEVE_OPTIONAL_FN(seccore_register_status);
    ss_core.body_read = APR_RETRIEVE_OPTIONAL_FN(seccore_body_read);
    if (!ss_core.store || !ss_core.local_store || !ss_core.keyring || !ss_core.error ||
        !ss_core.body_read) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(05003)
                     "mod_secsession needs mod_seccore (LoadModule seccore_module before it)");
        ss_core.store = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (v = s; v; v = v->next) {
        ss_srv_t *c = ss_srv(v);
        /* Derived once per key and start: no key derivation per request. */
        c->keys = sec_session_keys_make(pconf, ss_core.keyring(v), "session-cookie");
        if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
            continue;
        }
        if (!c->keys && (v == s || ss_core.keyring(v) != ss_core.keyring(s))) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, v, SECLOGNO(05004)
                         "no SecKeyFile: mod_secsession cannot sign session cookies, so no "
                         "session can be created or accepted on %s",
                         v->server_hostname ? v->server_hostname : "this server");
        }
        if (c->hmac_keyfile && c->hmac_perm_warning &&
            (v == s || c->hmac_keyfile != ss_srv(s)->hmac_keyfile)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, v, SECLOGNO(05005)
                         "SecHMACKeyFile %s is readable by group or others; it should be mode "
                         "0600 and owned by root", c->hmac_keyfile);
        }
    }
    if (ss_core.register_status) {
        ss_core.register_status(SS_MODULE_NAME, ss_status);
    }
    return OK;
}

static void ss_register_hooks(apr_pool_t *p)
{
    static const char *const after_seccore[] = {"mod_seccore.c", NULL};

    ap_hook_check_config(ss_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(ss_post_config, after_seccore, NULL, APR_HOOK_MIDDLE);
    /* first, after seccore's request id: before mod_setenvif, mod_rewrite and
     * anything else reads a header */
    ap_hook_post_read_request(ss_post_read_request, after_seccore, NULL, APR_HOOK_FIRST);
    ap_hook_check_authn(ss_check_authn, NULL, NULL, APR_HOOK_MIDDLE, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(ss_note_auth_failure, NULL, NULL, APR_HOOK_MIDDLE);
    /* early among fixups: other modules' fixups (mod_headers, seccsrf) see
     * the identity, and the cookie is gone before any handler runs */
    ap_hook_fixups(ss_fixups, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(ss_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_filter(ss_insert_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(ss_insert_error_filter, NULL, NULL, APR_HOOK_FIRST);
    ss_register_authz(p);
    ss_register_app_filter();
    APR_REGISTER_OPTIONAL_FN(secsession_current);
}

AP_DECLARE_MODULE(secsession) = {
    STANDARD20_MODULE_STUFF,
    ss_create_dir,
    ss_merge_dir,
    ss_create_srv,
    ss_merge_srv,
    secsession_cmds,
    ss_register_hooks
};
