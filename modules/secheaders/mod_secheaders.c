/* mod_secheaders: security headers, CSP, HSTS, CORS allow-lists and the
 * removal of leaky headers, per directory. Needs no store; uses mod_seccore
 * (events, error envelope, metrics) when it is loaded.
 *
 * Hooks:
 *   pre_config           the built-in profiles' policies, parsed once
 *   check_config         CORS combinations that would be holes (configtest)
 *   post_config          seccore's optional functions; ServerTokens advice
 *   header_parser FIRST  CORS preflights, answered before authentication
 *   fixups               the CSP nonce for CGI/PHP (SECMODS_CSP_NONCE)
 *   insert_filter,
 *   insert_error_filter  the headers filter (and the nonce filter)
 *   handler              seccsp-report
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_main.h>
#include <http_request.h>
#include <apr_strings.h>
#include "secheaders.h"
#include "sec_log.h"

hd_core_t hd_core;

static int hd_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    return hd_profiles_init(pconf) == APR_SUCCESS ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

static int hd_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                           server_rec *s)
{
    const char *err = hd_check_sections(ptemp, s);

    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(03005) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static int hd_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    const char *banner;

    hd_core.event = APR_RETRIEVE_OPTIONAL_FN(seccore_event);
    hd_core.error = APR_RETRIEVE_OPTIONAL_FN(seccore_error);
    hd_core.metric_add = APR_RETRIEVE_OPTIONAL_FN(seccore_metric_add);
    hd_core.local_store = APR_RETRIEVE_OPTIONAL_FN(seccore_local_store);
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;   /* the first of the two start-up passes */
    }
    /* A module cannot cleanly take the version out of the Server header
     * (httpd sets it after every filter); ServerTokens Prod does. */
    banner = ap_get_server_banner();
    if (banner && strcmp(banner, "Apache")) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, SECLOGNO(03006)
                     "secheaders: the Server header says \"%s\"; set \"ServerTokens Prod\" "
                     "(and \"ServerSignature Off\") so it does not name versions", banner);
    }
    if (!hd_core.event) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, SECLOGNO(03007)
                     "secheaders: mod_seccore is not loaded; CSP reports go to the error log");
    }
    return OK;
}

/* Preflights carry no credentials, so they are answered before
 * authentication and authorization run (and before any handler). */
static int hd_header_parser(request_rec *r)
{
    const hd_dir_t *d = ap_get_module_config(r->per_dir_config, &secheaders_module);
    return hd_cors_preflight(r, d);
}

static void hd_register_hooks(apr_pool_t *p)
{
    /* seccore's optional functions exist once its post_config ran */
    static const char *const after_seccore[] = {"mod_seccore.c", NULL};

    ap_hook_pre_config(hd_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(hd_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(hd_post_config, after_seccore, NULL, APR_HOOK_MIDDLE);
    ap_hook_header_parser(hd_header_parser, NULL, NULL, APR_HOOK_FIRST);
    hd_register_apply_hooks();
    hd_register_nonce_filter();
    hd_register_report_handler();
}

AP_DECLARE_MODULE(secheaders) = {
    STANDARD20_MODULE_STUFF,
    hd_create_dir,
    hd_merge_dir,
    hd_create_srv,
    hd_merge_srv,
    secheaders_cmds,
    hd_register_hooks
};
