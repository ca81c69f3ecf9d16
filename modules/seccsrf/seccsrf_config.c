/* mod_seccsrf directives. The policy (SecCSRF, trusted origins, tokens,
 * exemptions, injection) is per directory and allowed in .htaccess under
 * AllowOverride AuthConfig, beside the authentication it protects; cookie
 * names are per server, since every location of a site must agree on
 * them. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_core.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "seccsrf.h"
#include "sec_cookie.h"
#include "sec_origin.h"
#include "sec_parse.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccsrf);

typedef struct {
    server_rec *s;
    const char *directive;
    const char *file;
    int line;
} key_ref_t;

/* Where tokens were switched on while the server read its configuration:
 * each of those servers needs a keyring (checked in check_config). Reset in
 * pre_config. */
static apr_array_header_t *key_refs;

void csrf_config_reset(void)
{
    key_refs = NULL;
}

void *csrf_create_srv(apr_pool_t *p, server_rec *s)
{
    csrf_srv_t *c = apr_pcalloc(p, sizeof(*c));
    c->token_cookie_off = -1;
    return c;
}

void *csrf_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    csrf_srv_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));

    c->cookie = add->cookie ? add->cookie : base->cookie;
    c->token_cookie = add->token_cookie ? add->token_cookie : base->token_cookie;
    c->token_cookie_off = add->token_cookie_off != -1 ? add->token_cookie_off
                                                      : base->token_cookie_off;
    return c;
}

void *csrf_create_dir(apr_pool_t *p, char *dir)
{
    csrf_dir_t *c = apr_pcalloc(p, sizeof(*c));

    c->mode = CSRF_UNSET;
    c->token = -1;
    c->body_limit = -1;
    c->no_origin_refuse = -1;
    c->inject = -1;
    return c;
}

void *csrf_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    csrf_dir_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));

    /* The nearer setting wins, each directive on its own. */
    c->mode = add->mode != CSRF_UNSET ? add->mode : base->mode;
    c->trusted = add->trusted ? add->trusted : base->trusted;
    c->token = add->token != -1 ? add->token : base->token;
    c->token_header = add->token_header ? add->token_header : base->token_header;
    c->token_field = add->token_field ? add->token_field : base->token_field;
    c->body_limit = add->body_limit != -1 ? add->body_limit : base->body_limit;
    c->no_origin_refuse = add->no_origin_refuse != -1 ? add->no_origin_refuse
                                                      : base->no_origin_refuse;
    c->inject = add->inject != -1 ? add->inject : base->inject;
    c->exempt = add->exempt ? add->exempt : base->exempt;
    return c;
}

static void remember_key_need(cmd_parms *cmd, const char *directive)
{
    key_ref_t *ref;

    /* Only while the server reads its configuration: a .htaccess is read
     * per request, where a missing keyring is logged instead. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        return;
    }
    if (!key_refs) {
        key_refs = apr_array_make(cmd->pool, 4, sizeof(key_ref_t));
    }
    ref = apr_array_push(key_refs);
    ref->s = cmd->server;
    ref->directive = directive;
    ref->file = cmd->directive ? cmd->directive->filename : "?";
    ref->line = cmd->directive ? cmd->directive->line_num : 0;
}

const char *csrf_config_check_keys(apr_pool_t *p, server_rec *s)
{
    int i;

    for (i = 0; key_refs && i < key_refs->nelts; i++) {
        const key_ref_t *ref = &APR_ARRAY_IDX(key_refs, i, key_ref_t);
        if (!csrf_core.keyring || !csrf_core.keyring(ref->s)) {
            return apr_psprintf(p, "%s on (%s line %d): tokens need a key: add SecKeyFile "
                                "(mod_seccore) to this server", ref->directive, ref->file,
                                ref->line);
        }
    }
    return NULL;
}

static const char *cmd_mode(cmd_parms *cmd, void *dc, const char *arg)
{
    csrf_dir_t *c = dc;

    if (!strcasecmp(arg, "on")) c->mode = CSRF_ON;
    else if (!strcasecmp(arg, "off")) c->mode = CSRF_OFF;
    else if (!strcasecmp(arg, "report")) c->mode = CSRF_REPORT;
    else {
        return apr_psprintf(cmd->pool, "SecCSRF %s: expected on, off or report", arg);
    }
    return NULL;
}

static const char *cmd_trusted(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    csrf_dir_t *c = dc;
    int i;

    if (argc < 1) {
        return "SecCSRFTrustedOrigin: expected origins (https://app.example.com, "
               "https://*.example.com) or none";
    }
    c->trusted = apr_array_make(cmd->pool, argc, sizeof(sec_origin_pattern_t));
    if (argc == 1 && !strcasecmp(argv[0], "none")) {
        return NULL;
    }
    for (i = 0; i < argc; i++) {
        const char *err = NULL;
        if (!strcasecmp(argv[i], "none")) {
            return "SecCSRFTrustedOrigin: 'none' stands alone";
        }
        if (sec_origin_pattern_parse(cmd->pool, argv[i], apr_array_push(c->trusted), &err) !=
            APR_SUCCESS) {
            return apr_psprintf(cmd->pool, "SecCSRFTrustedOrigin %s: %s", argv[i],
                                err ? err : "not an origin");
        }
    }
    return NULL;
}

static const char *cmd_token(cmd_parms *cmd, void *dc, int flag)
{
    ((csrf_dir_t *)dc)->token = flag;
    if (flag) {
        remember_key_need(cmd, "SecCSRFToken");
    }
    return NULL;
}

static const char *cmd_inject(cmd_parms *cmd, void *dc, int flag)
{
    ((csrf_dir_t *)dc)->inject = flag;
    if (flag) {
        remember_key_need(cmd, "SecCSRFInjectForms");
    }
    return NULL;
}

/* An HTTP header name (RFC 7230 token), and not one whose value the
 * browser or a proxy owns. */
static const char *cmd_header(cmd_parms *cmd, void *dc, const char *arg)
{
    static const char *const reserved[] = {"Cookie", "Origin", "Referer", "Host",
                                           "Content-Type", "Content-Length",
                                           "Transfer-Encoding", "Authorization", NULL};
    int i;

    if (!sec_cookie_name_valid(arg) || strlen(arg) > 64) {
        return apr_psprintf(cmd->pool, "SecCSRFTokenHeader %s: not a header name "
                            "(1-64 token characters, e.g. X-CSRF-Token)", arg);
    }
    for (i = 0; reserved[i]; i++) {
        if (!strcasecmp(arg, reserved[i]) || !strncasecmp(arg, "Sec-", 4)) {
            return apr_psprintf(cmd->pool, "SecCSRFTokenHeader %s: a header the browser "
                                "sets itself can't carry the token", arg);
        }
    }
    ((csrf_dir_t *)dc)->token_header = arg;
    return NULL;
}

static const char *cmd_field(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_size_t i, n = strlen(arg);

    for (i = 0; i < n; i++) {
        if (!apr_isalnum(arg[i]) && !strchr("_-.:[]", arg[i])) {
            break;
        }
    }
    if (n == 0 || n > 64 || i < n) {
        return apr_psprintf(cmd->pool, "SecCSRFTokenField %s: use 1-64 characters of "
                            "A-Z a-z 0-9 _ - . : [ ]", arg);
    }
    ((csrf_dir_t *)dc)->token_field = arg;
    return NULL;
}

static const char *cmd_body_limit(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_uint64_t v;

    if (sec_parse_size(arg, &v) != APR_SUCCESS || v < CSRF_BODY_LIMIT_MIN ||
        v > CSRF_BODY_LIMIT_MAX) {
        return apr_psprintf(cmd->pool, "SecCSRFBodyLimit %s: expected a size from 1K to 64M, "
                            "e.g. 1M", arg);
    }
    ((csrf_dir_t *)dc)->body_limit = (apr_int64_t)v;
    return NULL;
}

static const char *cmd_no_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    csrf_dir_t *c = dc;

    if (!strcasecmp(arg, "token")) c->no_origin_refuse = 0;
    else if (!strcasecmp(arg, "refuse")) c->no_origin_refuse = 1;
    else {
        return apr_psprintf(cmd->pool, "SecCSRFNoOrigin %s: expected token or refuse", arg);
    }
    return NULL;
}

static const char *cmd_exempt(cmd_parms *cmd, void *dc, const char *arg)
{
    csrf_dir_t *c = dc;
    const char *err = NULL;
    ap_expr_info_t *e = ap_expr_parse_cmd(cmd, arg, 0, &err, NULL);

    if (err) {
        return apr_psprintf(cmd->pool, "SecCSRFExempt %s: %s", arg, err);
    }
    if (!c->exempt) {
        c->exempt = apr_array_make(cmd->pool, 2, sizeof(ap_expr_info_t *));
    }
    APR_ARRAY_PUSH(c->exempt, ap_expr_info_t *) = e;
    return NULL;
}

static const char *cookie_name_error(cmd_parms *cmd, const char *directive, const char *arg)
{
    if (!sec_cookie_name_valid(arg) || strlen(arg) > 64) {
        return apr_psprintf(cmd->pool, "%s %s: not a cookie name (1-64 token characters)",
                            directive, arg);
    }
    if (!strncasecmp(arg, "__Host-", 7) || !strncasecmp(arg, "__Secure-", 9)) {
        return apr_psprintf(cmd->pool, "%s %s: leave the prefix out: __Host- is added on "
                            "HTTPS requests", directive, arg);
    }
    return NULL;
}

static const char *cmd_cookie(cmd_parms *cmd, void *dc, const char *arg)
{
    csrf_srv_t *c = ap_get_module_config(cmd->server->module_config, &seccsrf_module);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if ((err = cookie_name_error(cmd, "SecCSRFCookie", arg)) != NULL) {
        return err;
    }
    c->cookie = arg;
    return NULL;
}

static const char *cmd_token_cookie(cmd_parms *cmd, void *dc, const char *arg)
{
    csrf_srv_t *c = ap_get_module_config(cmd->server->module_config, &seccsrf_module);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if (!strcasecmp(arg, "off")) {
        c->token_cookie_off = 1;
        return NULL;
    }
    if ((err = cookie_name_error(cmd, "SecCSRFTokenCookie", arg)) != NULL) {
        return err;
    }
    c->token_cookie = arg;
    c->token_cookie_off = 0;
    return NULL;
}

const command_rec seccsrf_cmds[] = {
    AP_INIT_TAKE1("SecCSRF", cmd_mode, NULL, RSRC_CONF | OR_AUTHCFG,
                  "CSRF checks for unsafe methods here: on, off or report"),
    AP_INIT_TAKE_ARGV("SecCSRFTrustedOrigin", cmd_trusted, NULL, RSRC_CONF | OR_AUTHCFG,
                      "Other origins whose requests pass (https://a.example.com, "
                      "https://*.example.com), or none"),
    AP_INIT_FLAG("SecCSRFToken", cmd_token, NULL, RSRC_CONF | OR_AUTHCFG,
                 "Issue tokens here (cookie, SECMODS_CSRF_TOKEN) and accept them when the "
                 "headers can't decide"),
    AP_INIT_TAKE1("SecCSRFTokenHeader", cmd_header, NULL, RSRC_CONF | OR_AUTHCFG,
                  "The request header that carries a token (default X-CSRF-Token)"),
    AP_INIT_TAKE1("SecCSRFTokenField", cmd_field, NULL, RSRC_CONF | OR_AUTHCFG,
                  "The form field that carries a token (default _csrf)"),
    AP_INIT_TAKE1("SecCSRFBodyLimit", cmd_body_limit, NULL, RSRC_CONF | OR_AUTHCFG,
                  "How much of a form body is read to find the token field (default 1M)"),
    AP_INIT_TAKE1("SecCSRFNoOrigin", cmd_no_origin, NULL, RSRC_CONF | OR_AUTHCFG,
                  "Requests without Fetch Metadata, Origin or same-origin Referer: token "
                  "(default) or refuse"),
    AP_INIT_FLAG("SecCSRFInjectForms", cmd_inject, NULL, RSRC_CONF | OR_AUTHCFG,
                 "Add a hidden token field to every same-origin POST form of HTML pages"),
    AP_INIT_TAKE1("SecCSRFExempt", cmd_exempt, NULL, RSRC_CONF | OR_AUTHCFG,
                  "An expression; requests for which it is true are not checked"),
    AP_INIT_TAKE1("SecCSRFCookie", cmd_cookie, NULL, RSRC_CONF,
                  "Name of the pre-session cookie tokens bind to without a session"),
    AP_INIT_TAKE1("SecCSRFTokenCookie", cmd_token_cookie, NULL, RSRC_CONF,
                  "Name of the JavaScript-readable token cookie, or off"),
    {NULL}
};
