/* mod_secratelimit directives. Zones are defined per server; which zones
 * apply, exemptions, headers and kill switches are per-directory policy,
 * allowed in .htaccess under AllowOverride Limit. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_core.h>
#include <apr_strings.h>
#include "secratelimit.h"
#include "sec_cidr.h"
#include "sec_log.h"

APLOG_USE_MODULE(secratelimit);

typedef struct {
    const char *name;
    const char *file;
    int line;
} zone_ref_t;

/* SecRateLimit names seen while reading the configuration, checked once all
 * SecRateLimitZone lines are known (a zone may be defined after its use).
 * Reset in pre_config; read in test_config and post_config. */
static apr_array_header_t *zone_refs;

void rl_config_reset(void)
{
    zone_refs = NULL;
}

void *rl_create_srv(apr_pool_t *p, server_rec *s)
{
    rl_srv_t *c = apr_pcalloc(p, sizeof(*c));
    c->zones = apr_hash_make(p);
    return c;
}

void *rl_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    rl_srv_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));
    c->zones = apr_hash_overlay(p, add->zones, base->zones);
    return c;
}

void *rl_create_dir(apr_pool_t *p, char *dir)
{
    rl_dir_t *c = apr_pcalloc(p, sizeof(*c));
    c->enabled = -1;
    c->headers = RL_HEADERS_UNSET;
    c->legacy_headers = -1;
    return c;
}

void *rl_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    rl_dir_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));

    /* The nearer setting wins, each directive on its own. */
    c->enabled = add->enabled != -1 ? add->enabled : base->enabled;
    c->zones = add->enabled != -1 ? add->zones : base->zones;
    c->exempt_set = add->exempt_set || base->exempt_set;
    c->exempt_ips = add->exempt_set ? add->exempt_ips : base->exempt_ips;
    c->exempt_exprs = add->exempt_set ? add->exempt_exprs : base->exempt_exprs;
    c->headers = add->headers != RL_HEADERS_UNSET ? add->headers : base->headers;
    c->legacy_headers = add->legacy_headers != -1 ? add->legacy_headers : base->legacy_headers;
    c->kill_switches = add->kill_switches ? add->kill_switches : base->kill_switches;
    return c;
}

/* What a zone's requests need that is the same for every request. */
static void zone_prepare(apr_pool_t *p, rl_zone_t *rz)
{
    rz->policy_item = sec_rl_policy_item(p, &rz->z);
    rz->allow_labels = apr_psprintf(p, "zone=\"%s\",outcome=\"allow\"", rz->z.name);
}

/* The presets as zones, made in post_config and only read afterwards. */
static apr_hash_t *builtin_zones;

void rl_builtins_prepare(apr_pool_t *p)
{
    const sec_rl_zone_t *b;
    apr_size_t i;

    builtin_zones = apr_hash_make(p);
    for (i = 0; (b = sec_rl_builtin_at(i)) != NULL; i++) {
        rl_zone_t *rz = apr_pcalloc(p, sizeof(*rz));
        rz->z = *b;
        zone_prepare(p, rz);
        apr_hash_set(builtin_zones, rz->z.name, APR_HASH_KEY_STRING, rz);
    }
}

void rl_zones_each(apr_pool_t *p, server_rec *s,
                   void (*fn)(const rl_zone_t *zone, void *baton), void *baton)
{
    rl_srv_t *c = ap_get_module_config(s->module_config, &secratelimit_module);
    apr_hash_index_t *hi;

    /* Iterators from p: without a pool, apr_hash_first hands every thread
     * the hash's one built-in iterator. */
    for (hi = apr_hash_first(p, c->zones); hi; hi = apr_hash_next(hi)) {
        fn(apr_hash_this_val(hi), baton);
    }
    for (hi = builtin_zones ? apr_hash_first(p, builtin_zones) : NULL; hi;
         hi = apr_hash_next(hi)) {
        const rl_zone_t *z = apr_hash_this_val(hi);
        if (!apr_hash_get(c->zones, z->z.name, APR_HASH_KEY_STRING)) {
            fn(z, baton);
        }
    }
}

const rl_zone_t *rl_zone_lookup(server_rec *s, const char *name)
{
    rl_srv_t *c = ap_get_module_config(s->module_config, &secratelimit_module);
    const rl_zone_t *z = apr_hash_get(c->zones, name, APR_HASH_KEY_STRING);

    if (!z && builtin_zones) {
        z = apr_hash_get(builtin_zones, name, APR_HASH_KEY_STRING);
    }
    return z;
}

/* SecRateLimitZone name rate=N/W [key=expr] [burst=N] [ban=D] [count=..] ... */
static const char *cmd_zone(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    rl_srv_t *c = ap_get_module_config(cmd->server->module_config, &secratelimit_module);
    sec_rl_zone_t *z;
    rl_zone_t *rz;
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if (argc < 2) {
        return "SecRateLimitZone: expected a name and rate=<requests>/<window>";
    }
    if (sec_rl_zone_parse(cmd->pool, argv[0], argc - 1, argv + 1, &z, &err) != APR_SUCCESS) {
        return apr_pstrcat(cmd->pool, "SecRateLimitZone ", argv[0], ": ", err, NULL);
    }
    if (apr_hash_get(c->zones, z->name, APR_HASH_KEY_STRING)) {
        return apr_psprintf(cmd->pool, "SecRateLimitZone %s: defined twice", z->name);
    }
    rz = apr_pcalloc(cmd->pool, sizeof(*rz));
    rz->z = *z;
    if (z->key_expr) {
        rz->key = ap_expr_parse_cmd(cmd, z->key_expr, AP_EXPR_FLAG_STRING_RESULT, &err, NULL);
        if (err) {
            return apr_psprintf(cmd->pool, "SecRateLimitZone %s: key=%s: %s", z->name,
                                z->key_expr, err);
        }
        /* A user is known only after authentication: such zones are checked
         * in fixups, still before the handler. */
        rz->key_needs_user = strstr(z->key_expr, "REMOTE_USER") != NULL;
    }
    zone_prepare(cmd->pool, rz);
    apr_hash_set(c->zones, rz->z.name, APR_HASH_KEY_STRING, rz);
    return NULL;
}

static const char *cmd_ratelimit(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    rl_dir_t *c = dc;
    int i;

    if (argc < 1) {
        return "SecRateLimit: expected zone names or off";
    }
    if (argc == 1 && !strcasecmp(argv[0], "off")) {
        c->enabled = 0;
        c->zones = apr_array_make(cmd->pool, 1, sizeof(const char *));
        return NULL;
    }
    c->enabled = 1;
    c->zones = apr_array_make(cmd->pool, argc, sizeof(const char *));
    for (i = 0; i < argc; i++) {
        zone_ref_t *ref;
        if (!strcasecmp(argv[i], "off")) {
            return "SecRateLimit: 'off' stands alone";
        }
        if (!sec_rl_name_valid(argv[i])) {
            return apr_psprintf(cmd->pool, "SecRateLimit %s: not a zone name", argv[i]);
        }
        APR_ARRAY_PUSH(c->zones, const char *) = argv[i];
        /* Only while the server reads its configuration: a .htaccess is
         * parsed per request (an unknown zone there is logged and skipped). */
        if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_RUN_MPM) {
            if (!zone_refs) {
                zone_refs = apr_array_make(cmd->pool, 8, sizeof(zone_ref_t));
            }
            ref = apr_array_push(zone_refs);
            ref->name = argv[i];
            ref->file = cmd->directive ? cmd->directive->filename : "?";
            ref->line = cmd->directive ? cmd->directive->line_num : 0;
        }
    }
    return NULL;
}

const char *rl_config_check_references(apr_pool_t *p, server_rec *s)
{
    int i;

    for (i = 0; zone_refs && i < zone_refs->nelts; i++) {
        const zone_ref_t *ref = &APR_ARRAY_IDX(zone_refs, i, zone_ref_t);
        server_rec *v;
        int found = sec_rl_builtin(ref->name) != NULL;
        for (v = s; v && !found; v = v->next) {
            rl_srv_t *c = ap_get_module_config(v->module_config, &secratelimit_module);
            found = apr_hash_get(c->zones, ref->name, APR_HASH_KEY_STRING) != NULL;
        }
        if (!found) {
            return apr_psprintf(p, "SecRateLimit %s (%s line %d): no such zone; define it "
                                "with SecRateLimitZone or use a preset (auth, strict, api, "
                                "web, webhook, streaming)", ref->name, ref->file, ref->line);
        }
    }
    return NULL;
}

static const char *cmd_exempt(cmd_parms *cmd, void *dc, const char *arg)
{
    rl_dir_t *c = dc;
    const char *err = NULL;

    c->exempt_set = 1;
    if (!strncasecmp(arg, "expr=", 5)) {
        ap_expr_info_t *e = ap_expr_parse_cmd(cmd, arg + 5, 0, &err, NULL);
        if (err) {
            return apr_psprintf(cmd->pool, "SecRateLimitExempt %s: %s", arg, err);
        }
        if (!c->exempt_exprs) {
            c->exempt_exprs = apr_array_make(cmd->pool, 2, sizeof(ap_expr_info_t *));
        }
        APR_ARRAY_PUSH(c->exempt_exprs, ap_expr_info_t *) = e;
    }
    else {
        apr_array_header_t *list;
        if (sec_cidr_list_parse(cmd->pool, arg, &list, &err) != APR_SUCCESS) {
            return apr_psprintf(cmd->pool, "SecRateLimitExempt: %s (or use \"expr=...\")", err);
        }
        c->exempt_ips = c->exempt_ips ? apr_array_append(cmd->pool, c->exempt_ips, list) : list;
    }
    return NULL;
}

static const char *cmd_headers(cmd_parms *cmd, void *dc, const char *arg)
{
    rl_dir_t *c = dc;

    if (!strcasecmp(arg, "off")) c->headers = RL_HEADERS_OFF;
    else if (!strcasecmp(arg, "denied")) c->headers = RL_HEADERS_DENIED;
    else if (!strcasecmp(arg, "all")) c->headers = RL_HEADERS_ALL;
    else {
        return apr_psprintf(cmd->pool, "SecRateLimitHeaders %s: expected off, denied or all", arg);
    }
    return NULL;
}

static const char *cmd_legacy(cmd_parms *cmd, void *dc, int flag)
{
    ((rl_dir_t *)dc)->legacy_headers = flag;
    return NULL;
}

static const char *cmd_kill(cmd_parms *cmd, void *dc, const char *arg)
{
    rl_dir_t *c = dc;

    if (!sec_rl_name_valid(arg)) {
        return apr_psprintf(cmd->pool, "SecKillSwitch %s: use 1-32 characters of A-Z a-z 0-9 _ -",
                            arg);
    }
    if (!c->kill_switches) {
        c->kill_switches = apr_array_make(cmd->pool, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(c->kill_switches, const char *) = arg;
    return NULL;
}

const command_rec secratelimit_cmds[] = {
    AP_INIT_TAKE_ARGV("SecRateLimitZone", cmd_zone, NULL, RSRC_CONF,
                      "Define a zone: name rate=N/window [key=expr] [burst=N] [ban=dur] "
                      "[count=all|failures] [mode=enforce|report] [onstorefail=open|closed]"),
    AP_INIT_TAKE_ARGV("SecRateLimit", cmd_ratelimit, NULL, OR_LIMIT,
                      "Zones that apply here (all must pass), or off"),
    AP_INIT_ITERATE("SecRateLimitExempt", cmd_exempt, NULL, OR_LIMIT,
                    "Addresses/CIDR ranges or \"expr=...\" conditions exempt from limits"),
    AP_INIT_TAKE1("SecRateLimitHeaders", cmd_headers, NULL, OR_LIMIT,
                  "RateLimit headers on: off, denied (default) or all responses"),
    AP_INIT_FLAG("SecRateLimitLegacyHeaders", cmd_legacy, NULL, OR_LIMIT,
                 "Also send X-RateLimit-Limit/Remaining/Reset"),
    AP_INIT_ITERATE("SecKillSwitch", cmd_kill, NULL, OR_LIMIT,
                    "Answer 503 here while the named flag is set in the store (secctl kill)"),
    {NULL}
};
