/* mod_secheaders directives, per-directory merging and the CSP resolution
 * cache.
 *
 * Policy directives are per directory and, where a .htaccess author could
 * only tighten or loosen their own pages, allowed under AllowOverride
 * FileInfo (the class mod_headers uses). HSTS and the environment are
 * host-wide promises and trusted proxies are trust decisions: not in
 * .htaccess.
 *
 * httpd merges per-directory configs on every request, so the merge must be
 * cheap: every field is a pointer or an int picked from the nearer section,
 * and the CSP, which is an object, is resolved once per (inherited policy,
 * section) and cached in the section (hd_memo_t): after the first request
 * through a path, a merge is a short lock-free scan.
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "secheaders.h"
#include "sec_cidr.h"
#include "sec_parse.h"
#include "sec_log.h"

APLOG_USE_MODULE(secheaders);

#define DEFAULT_REPORT_GROUP "secmods-csp"

static hd_csp_t *profile_csps[SEC_HDR_NPROFILES];

/* --- resolved policies ---------------------------------------------------- */

static hd_csp_t *finish(apr_pool_t *p, sec_csp_t *model, const char *report_uri)
{
    hd_csp_t *c = apr_pcalloc(p, sizeof(*c));
    const char *err = NULL;

    c->model = model;
    c->report_uri = report_uri;
    if (report_uri) {
        /* Both mechanisms: report-to for browsers with the Reporting API,
         * report-uri for the others (browsers with report-to ignore it). */
        const char *uri[] = {report_uri}, *group[] = {DEFAULT_REPORT_GROUP};
        c->model = sec_csp_copy(p, model);
        sec_csp_replace(p, c->model, "report-uri", 1, uri, &err);
        sec_csp_replace(p, c->model, "report-to", 1, group, &err);
        c->reporting_endpoints = apr_psprintf(p, DEFAULT_REPORT_GROUP "=\"%s\"", report_uri);
    }
    c->header = sec_csp_render(p, c->model);
    c->tpl_script = sec_csp_nonce_template(p, c->model, 0);
    c->tpl_style = sec_csp_nonce_template(p, c->model, 1);
    return c;
}

apr_status_t hd_profiles_init(apr_pool_t *pconf)
{
    int i;

    for (i = 0; i < SEC_HDR_NPROFILES; i++) {
        sec_csp_t *m;
        const char *err = NULL;
        if (sec_csp_parse(pconf, sec_hdr_profile(i)->csp, &m, &err) != APR_SUCCESS) {
            ap_log_perror(APLOG_MARK, APLOG_EMERG, 0, pconf, SECLOGNO(03001)
                          "secheaders: built-in profile %s does not parse: %s",
                          sec_hdr_profile(i)->name, err);
            return APR_EGENERAL;
        }
        profile_csps[i] = finish(pconf, m, NULL);
    }
    return APR_SUCCESS;
}

const hd_csp_t *hd_profile_csp(int profile)
{
    return profile_csps[profile >= 0 && profile < SEC_HDR_NPROFILES ? profile : SEC_HDR_STRICT];
}

/* Applies a section's ops to a copy of start. Ops were validated when read,
 * so a failure here is a bug; it is logged and the op skipped. */
static hd_csp_t *apply_ops(apr_pool_t *p, const hd_csp_t *start, const hd_dir_t *add)
{
    sec_csp_t *m = sec_csp_copy(p, start->model);
    const char *report_uri = start->report_uri;
    int i;

    for (i = 0; add->csp_ops && i < add->csp_ops->nelts; i++) {
        const hd_op_t *op = &APR_ARRAY_IDX(add->csp_ops, i, hd_op_t);
        const char *err = NULL;
        apr_status_t rv = APR_SUCCESS;
        switch (op->kind) {
        case HD_OP_ADD:
            rv = sec_csp_add(p, m, op->directive, op->n, op->sources, &err);
            break;
        case HD_OP_REPLACE:
            rv = sec_csp_replace(p, m, op->directive, op->n, op->sources, &err);
            break;
        case HD_OP_PRESET:
            rv = sec_csp_preset_apply(p, m, op->directive, &err);
            break;
        case HD_OP_REPORT_URI:
            report_uri = *op->directive ? op->directive : NULL;
            break;
        }
        if (rv != APR_SUCCESS) {
            ap_log_perror(APLOG_MARK, APLOG_ERR, rv, p, SECLOGNO(03002)
                          "secheaders: CSP change skipped: %s", err ? err : "?");
        }
    }
    return finish(p, m, report_uri);
}

/* The policy a section gives on top of base (NULL: nothing inherited). */
static const hd_csp_t *compute(apr_pool_t *p, const hd_csp_t *base, const hd_dir_t *add,
                               int inherited_profile)
{
    const hd_csp_t *start;

    if (add->profile != -1) {
        /* A profile starts afresh: additions written for another profile
         * do not carry over. The report endpoint is site-wide and does. */
        start = hd_profile_csp(add->profile);
        if (base && base->report_uri) {
            hd_csp_t *s = apr_pmemdup(p, start, sizeof(*start));
            s->report_uri = base->report_uri;
            start = s;
        }
    }
    else {
        start = base ? base : hd_profile_csp(inherited_profile);
    }
    return apply_ops(p, start, add);
}

static const hd_csp_t *memo_resolve(apr_pool_t *p, const hd_csp_t *base, const hd_dir_t *add,
                                    int inherited_profile)
{
    hd_memo_t *m = add->memo;
    /* For an unmerged section, the profile it inherits is part of the key. */
    const void *key = base ? (const void *)base : (const void *)hd_profile_csp(inherited_profile);
    const hd_csp_t *r;
    int i, n = __atomic_load_n(&m->n, __ATOMIC_ACQUIRE);
    static int full_logged;

    for (i = 0; i < n; i++) {
        if (m->e[i].base == key) {
            return m->e[i].result;
        }
    }
    apr_thread_mutex_lock(m->lock);
    n = m->n;
    for (i = 0; i < n; i++) {
        if (m->e[i].base == key) {
            apr_thread_mutex_unlock(m->lock);
            return m->e[i].result;
        }
    }
    if (n < HD_MEMO_MAX) {
        r = compute(m->pool, base, add, inherited_profile);
        m->e[n].base = key;
        m->e[n].result = r;
        __atomic_store_n(&m->n, n + 1, __ATOMIC_RELEASE);
        apr_thread_mutex_unlock(m->lock);
        return r;
    }
    apr_thread_mutex_unlock(m->lock);
    if (!__atomic_exchange_n(&full_logged, 1, __ATOMIC_RELAXED)) {
        ap_log_perror(APLOG_MARK, APLOG_NOTICE, 0, p, SECLOGNO(03003)
                      "secheaders: a section is reached through more than %d different "
                      "inherited policies; its CSP is now resolved per request",
                      HD_MEMO_MAX);
    }
    return compute(p, base, add, inherited_profile);
}

const hd_csp_t *hd_csp_of(const hd_dir_t *d)
{
    if (d->csp) {
        return d->csp;
    }
    if (d->memo) {
        /* an unmerged section with changes (the main server's own config) */
        return memo_resolve(d->memo->pool, NULL, d, SEC_HDR_STRICT);
    }
    return hd_profile_csp(hd_profile_of(d));
}

/* --- create / merge ------------------------------------------------------- */

void *hd_create_dir(apr_pool_t *p, char *dir)
{
    hd_dir_t *c = apr_pcalloc(p, sizeof(*c));

    c->enabled = -1;
    c->profile = -1;
    c->environment = -1;
    c->no_store_auth = -1;
    c->remove_defaults = -1;
    c->csp_mode = -1;
    c->nonce = -1;
    c->nonce_inject = -1;
    c->cors_credentials = -1;
    c->cors_max_age = -1;
    c->report_max_body = -1;
    c->report_events_per_minute = -1;
    return c;
}

#define PICK(f, unset) c->f = add->f != (unset) ? add->f : base->f

void *hd_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    hd_dir_t *base = basev, *add = addv, *c = apr_palloc(p, sizeof(*c));

    PICK(enabled, -1);
    PICK(profile, -1);
    PICK(environment, -1);
    PICK(frame_options, NULL);
    PICK(referrer_policy, NULL);
    PICK(coep, NULL);
    PICK(hsts, NULL);
    PICK(no_store_auth, -1);
    PICK(csp_mode, -1);
    PICK(nonce, -1);
    PICK(nonce_inject, -1);
    PICK(cors_credentials, -1);
    PICK(cors_methods, NULL);
    PICK(cors_expose, NULL);
    PICK(cors_max_age, -1);
    PICK(report_max_body, -1);
    PICK(report_events_per_minute, -1);
    c->cors_set = add->cors_set || base->cors_set;
    if (add->cors_origins) {
        c->cors_origins = add->cors_origins;
        c->cors_any = add->cors_any;
    }
    else {
        c->cors_origins = base->cors_origins;
        c->cors_any = base->cors_any;
    }
    if (add->cors_headers) {
        c->cors_headers = add->cors_headers;
        c->cors_headers_text = add->cors_headers_text;
    }
    else {
        c->cors_headers = base->cors_headers;
        c->cors_headers_text = base->cors_headers_text;
    }

    /* leaky headers: lists add up down the tree until "none", which drops
     * everything before it (in a merge of merges too) */
    c->remove_reset = add->remove_reset || base->remove_reset;
    if (add->remove_reset) {
        c->remove = add->remove;
    }
    else {
        c->remove = !add->remove ? base->remove
                    : !base->remove ? add->remove
                    : apr_array_append(p, base->remove, add->remove);
    }
    c->remove_defaults = c->remove_reset ? 0 : base->remove_defaults;

    /* CSP: resolved, never re-rendered per request */
    c->csp_ops = NULL;
    c->memo = NULL;
    {
        const apr_array_header_t *bchain = base->chain, *achain = add->chain;
        const hd_csp_t *cur = base->csp || base->memo ? hd_csp_of(base) : NULL;
        int i;

        for (i = 0; achain && i < achain->nelts; i++) {
            const hd_dir_t *sec = APR_ARRAY_IDX(achain, i, const hd_dir_t *);
            cur = memo_resolve(p, cur, sec, hd_profile_of(base));
        }
        c->csp = cur;
        c->chain = !achain ? (apr_array_header_t *)bchain
                   : !bchain ? (apr_array_header_t *)achain
                   : apr_array_append(p, bchain, achain);
    }
    return c;
}

void *hd_create_srv(apr_pool_t *p, server_rec *s)
{
    return apr_pcalloc(p, sizeof(hd_srv_t));
}

void *hd_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    hd_srv_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));
    c->trusted_proxies = add->trusted_proxies ? add->trusted_proxies : base->trusted_proxies;
    return c;
}

/* --- directives ------------------------------------------------------------ */

static void need_memo(cmd_parms *cmd, hd_dir_t *d)
{
    if (!d->memo) {
        d->memo = apr_pcalloc(cmd->pool, sizeof(*d->memo));
        apr_pool_create(&d->memo->pool, cmd->pool);
        apr_pool_tag(d->memo->pool, "secheaders-csp");
        apr_thread_mutex_create(&d->memo->lock, APR_THREAD_MUTEX_DEFAULT, cmd->pool);
        /* a section with changes stands for itself when merged */
        d->chain = apr_array_make(cmd->pool, 1, sizeof(const hd_dir_t *));
        APR_ARRAY_PUSH(d->chain, const hd_dir_t *) = d;
    }
}

static hd_op_t *push_op(cmd_parms *cmd, hd_dir_t *d, hd_op_kind_e kind)
{
    hd_op_t *op;

    need_memo(cmd, d);
    if (!d->csp_ops) {
        d->csp_ops = apr_array_make(cmd->pool, 4, sizeof(hd_op_t));
    }
    op = apr_array_push(d->csp_ops);
    memset(op, 0, sizeof(*op));
    op->kind = kind;
    return op;
}

static const char *cmd_enable(cmd_parms *cmd, void *dc, int flag)
{
    ((hd_dir_t *)dc)->enabled = flag;
    return NULL;
}

static const char *cmd_profile(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;
    int pr = sec_hdr_profile_parse(arg);

    if (pr < 0) {
        return apr_psprintf(cmd->pool, "SecHeadersProfile %s: expected strict, api or legacy",
                            arg);
    }
    d->profile = pr;
    need_memo(cmd, d);
    return NULL;
}

static const char *cmd_environment(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;

    if (!strcasecmp(arg, "production")) d->environment = HD_ENV_PRODUCTION;
    else if (!strcasecmp(arg, "development")) d->environment = HD_ENV_DEVELOPMENT;
    else {
        return apr_psprintf(cmd->pool, "SecHeadersEnvironment %s: expected production or "
                            "development", arg);
    }
    return NULL;
}

static const char *cmd_frame_options(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;

    if (!strcasecmp(arg, "deny")) d->frame_options = "DENY";
    else if (!strcasecmp(arg, "sameorigin")) d->frame_options = "SAMEORIGIN";
    else if (!strcasecmp(arg, "off")) d->frame_options = "";
    else {
        return apr_psprintf(cmd->pool, "SecHeadersFrameOptions %s: expected deny, sameorigin "
                            "or off", arg);
    }
    return NULL;
}

static const char *cmd_referrer(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!sec_hdr_referrer_policy_valid(arg)) {
        return apr_psprintf(cmd->pool, "SecHeadersReferrerPolicy %s: expected no-referrer, "
                            "strict-origin-when-cross-origin, same-origin, strict-origin, "
                            "origin, origin-when-cross-origin, no-referrer-when-downgrade or "
                            "unsafe-url", arg);
    }
    ((hd_dir_t *)dc)->referrer_policy = arg;
    return NULL;
}

static const char *cmd_coep(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;

    if (!strcasecmp(arg, "require-corp")) d->coep = "require-corp";
    else if (!strcasecmp(arg, "credentialless")) d->coep = "credentialless";
    else if (!strcasecmp(arg, "off")) d->coep = "";
    else {
        return apr_psprintf(cmd->pool, "SecHeadersCOEP %s: expected require-corp, "
                            "credentialless or off", arg);
    }
    return NULL;
}

static const char *cmd_remove(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;

    if (!strcasecmp(arg, "none")) {
        d->remove_reset = 1;
        d->remove_defaults = 0;
        d->remove = NULL;
        return NULL;
    }
    if (!sec_hdr_name_valid(arg)) {
        return apr_psprintf(cmd->pool, "SecHeadersRemove %s: not a header name", arg);
    }
    if (!d->remove) {
        d->remove = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    APR_ARRAY_PUSH(d->remove, const char *) = arg;
    return NULL;
}

static const char *cmd_no_store(cmd_parms *cmd, void *dc, int flag)
{
    ((hd_dir_t *)dc)->no_store_auth = flag;
    return NULL;
}

static const char *cmd_trusted_proxy(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_srv_t *c = ap_get_module_config(cmd->server->module_config, &secheaders_module);
    apr_array_header_t *list;
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if (sec_cidr_list_parse(cmd->pool, arg, &list, &err) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SecHeadersTrustedProxy: %s", err);
    }
    c->trusted_proxies = c->trusted_proxies ? apr_array_append(cmd->pool, c->trusted_proxies, list)
                                            : list;
    return NULL;
}

static const char *cmd_hsts(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    hd_dir_t *d = dc;
    char *value;
    const char *err = NULL;

    if (argc == 1 && !strcasecmp(argv[0], "off")) {
        d->hsts = "";
        return NULL;
    }
    if (sec_hdr_hsts_parse(cmd->pool, argc, (const char *const *)argv, &value, &err) !=
        APR_SUCCESS) {
        return apr_pstrcat(cmd->pool, "SecHSTS: ", err, NULL);
    }
    d->hsts = value;
    return NULL;
}

/* SecCSP/SecCSPReplace take their line raw: httpd's word splitter would eat
 * the single quotes of 'self'. Double quotes are allowed around any part. */
static int split_sources(apr_pool_t *p, const char *args, const char ***out)
{
    char *s = apr_pstrdup(p, args), *last = NULL, *w;
    apr_array_header_t *a = apr_array_make(p, 8, sizeof(const char *));
    char *q;

    for (q = s; *q; q++) {
        if (*q == '"') {
            *q = ' ';
        }
    }
    for (w = apr_strtok(s, " \t\r\n", &last); w; w = apr_strtok(NULL, " \t\r\n", &last)) {
        APR_ARRAY_PUSH(a, const char *) = w;
    }
    *out = (const char **)a->elts;
    return a->nelts;
}

static const char *csp_change(cmd_parms *cmd, hd_dir_t *d, const char *args, int replace)
{
    const char *name = replace ? "SecCSPReplace" : "SecCSP";
    const char **w, *err = NULL;
    int n = split_sources(cmd->pool, args, &w), i;
    sec_csp_t *scratch = sec_csp_make(cmd->temp_pool);
    hd_op_t *op;

    if (n < 1) {
        return apr_pstrcat(cmd->pool, name, ": expected a CSP directive and sources", NULL);
    }
    for (i = 1; i < n; i++) {
        if (!strncasecmp(w[i], "'nonce-", 7)) {
            return apr_psprintf(cmd->pool, "%s %s %s: a fixed nonce is no nonce; use "
                                "SecCSPNonce on for a fresh one per request", name, w[0], w[i]);
        }
    }
    /* validated now, against an empty policy, so configtest names the line */
    if ((replace ? sec_csp_replace : sec_csp_add)(cmd->temp_pool, scratch, w[0], n - 1, w + 1,
                                                  &err) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "%s %s: %s", name, args, err);
    }
    if (!strcasecmp(w[0], "report-uri") || !strcasecmp(w[0], "report-to")) {
        return apr_psprintf(cmd->pool, "%s %s: use SecCSPReportURI", name, w[0]);
    }
    op = push_op(cmd, d, replace ? HD_OP_REPLACE : HD_OP_ADD);
    op->directive = w[0];
    op->n = n - 1;
    op->sources = w + 1;
    return NULL;
}

static const char *cmd_csp(cmd_parms *cmd, void *dc, const char *args)
{
    return csp_change(cmd, dc, args, 0);
}

static const char *cmd_csp_replace(cmd_parms *cmd, void *dc, const char *args)
{
    return csp_change(cmd, dc, args, 1);
}

static const char *cmd_csp_preset(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_op_t *op;

    if (!sec_csp_preset_policy(arg)) {
        return apr_psprintf(cmd->pool, "SecCSPPreset %s: unknown preset (known: %s)", arg,
                            sec_csp_preset_names());
    }
    op = push_op(cmd, dc, HD_OP_PRESET);
    op->directive = arg;
    return NULL;
}

static const char *cmd_csp_mode(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;

    if (!strcasecmp(arg, "enforce")) d->csp_mode = HD_CSP_ENFORCE;
    else if (!strcasecmp(arg, "report-only")) d->csp_mode = HD_CSP_REPORT_ONLY;
    else if (!strcasecmp(arg, "off")) d->csp_mode = HD_CSP_OFF;
    else {
        return apr_psprintf(cmd->pool, "SecCSPMode %s: expected enforce, report-only or off",
                            arg);
    }
    return NULL;
}

static const char *cmd_csp_report_uri(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *norm, *err = NULL;
    hd_op_t *op;

    if (strcasecmp(arg, "off") &&
        sec_csp_check_source(cmd->temp_pool, "report-uri", arg, &norm, &err) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SecCSPReportURI %s: %s", arg, err);
    }
    op = push_op(cmd, dc, HD_OP_REPORT_URI);
    op->directive = strcasecmp(arg, "off") ? arg : "";
    return NULL;
}

static const char *cmd_csp_nonce(cmd_parms *cmd, void *dc, const char *a1, const char *a2)
{
    hd_dir_t *d = dc;

    if (!strcasecmp(a1, "off") && !a2) {
        d->nonce = HD_NONCE_OFF;
    }
    else if (!strcasecmp(a1, "on") && !a2) {
        d->nonce = HD_NONCE_SCRIPT;
    }
    else if (!strcasecmp(a1, "on") && !strcasecmp(a2, "style")) {
        d->nonce = HD_NONCE_SCRIPT_STYLE;
    }
    else {
        return apr_psprintf(cmd->pool, "SecCSPNonce %s%s%s: expected on, on style, or off", a1,
                            a2 ? " " : "", a2 ? a2 : "");
    }
    return NULL;
}

static const char *cmd_nonce_inject(cmd_parms *cmd, void *dc, int flag)
{
    ((hd_dir_t *)dc)->nonce_inject = flag;
    return NULL;
}

static const char *cmd_report_max(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_uint64_t n;

    if (sec_parse_size(arg, &n) != APR_SUCCESS || n < 1024 || n > 1024 * 1024) {
        return apr_psprintf(cmd->pool, "SecCSPReportMaxSize %s: expected a size from 1K to 1M",
                            arg);
    }
    ((hd_dir_t *)dc)->report_max_body = (apr_int64_t)n;
    return NULL;
}

static const char *cmd_report_limit(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_uint64_t n;

    if (sec_parse_uint(arg, 0, 1000000, &n) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SecCSPReportEventLimit %s: expected a number of events "
                            "per minute, 0 to 1000000", arg);
    }
    ((hd_dir_t *)dc)->report_events_per_minute = (int)n;
    return NULL;
}

/* --- CORS ------------------------------------------------------------------ */

static const char *cmd_cors_credentials(cmd_parms *cmd, void *dc, int flag)
{
    hd_dir_t *d = dc;
    d->cors_set = 1;
    d->cors_credentials = flag;
    return NULL;
}

static int method_valid(const char *m)
{
    apr_size_t i;
    for (i = 0; m[i]; i++) {
        if (!apr_isupper(m[i]) && m[i] != '-' && m[i] != '_') {
            return 0;
        }
    }
    return i > 0 && i <= 32;
}

static const char *append_list(apr_pool_t *p, const char *list, const char *item)
{
    return list && *list ? apr_pstrcat(p, list, ", ", item, NULL) : item;
}

static const char *cmd_cors_methods(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;
    char *m = apr_pstrdup(cmd->pool, arg);

    ap_str_toupper(m);
    if (!method_valid(m)) {
        return apr_psprintf(cmd->pool, "SecCORSAllowMethods %s: not a method name", arg);
    }
    d->cors_set = 1;
    d->cors_methods = append_list(cmd->pool, d->cors_methods, m);
    return NULL;
}

static const char *cmd_cors_headers(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;
    char *h = apr_pstrdup(cmd->pool, arg);

    if (!sec_hdr_name_valid(h)) {
        return apr_psprintf(cmd->pool, "SecCORSAllowHeaders %s: not a header name", arg);
    }
    d->cors_set = 1;
    if (!d->cors_headers) {
        d->cors_headers = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    ap_str_tolower(h);
    APR_ARRAY_PUSH(d->cors_headers, const char *) = h;
    d->cors_headers_text = append_list(cmd->pool, d->cors_headers_text, arg);
    return NULL;
}

static const char *cmd_cors_expose(cmd_parms *cmd, void *dc, const char *arg)
{
    hd_dir_t *d = dc;

    d->cors_set = 1;
    if (!strcasecmp(arg, "none")) {
        d->cors_expose = "";
        return NULL;
    }
    if (!sec_hdr_name_valid(arg)) {
        return apr_psprintf(cmd->pool, "SecCORSExposeHeaders %s: not a header name", arg);
    }
    d->cors_expose = append_list(cmd->pool, d->cors_expose, arg);
    return NULL;
}

static const char *cmd_cors_max_age(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_interval_time_t t;
    hd_dir_t *d = dc;

    if (sec_parse_duration(arg, &t) != APR_SUCCESS || t < 0 ||
        apr_time_sec(t) > 86400) {
        return apr_psprintf(cmd->pool, "SecCORSMaxAge %s: expected a duration up to 1d "
                            "(browsers cap it: Chrome at 2h)", arg);
    }
    d->cors_set = 1;
    d->cors_max_age = apr_time_sec(t);
    return NULL;
}

/* "*" (any origin) with credentials would let every site read responses
 * made with the user's cookies; browsers refuse it, and reflecting the
 * Origin instead is the classic CORS hole. Checked for every section as
 * merged onto its server's defaults, since the two directives may be in
 * different places. */
static const char *check_one(apr_pool_t *p, const hd_dir_t *d, const char *where)
{
    if (d->cors_any && d->cors_credentials == 1) {
        return apr_psprintf(p, "SecCORSAllowOrigin * with SecCORSAllowCredentials on (%s): "
                            "any site could read responses made with your users' "
                            "credentials; list the origins instead", where);
    }
    return NULL;
}

const char *hd_check_sections(apr_pool_t *p, server_rec *s)
{
    for (; s; s = s->next) {
        core_server_config *sconf = ap_get_core_module_config(s->module_config);
        hd_dir_t *defaults = ap_get_module_config(s->lookup_defaults, &secheaders_module);
        apr_array_header_t *lists[2] = {sconf->sec_dir, sconf->sec_url};
        const char *err;
        int l, i;

        if (defaults && (err = check_one(p, defaults, "server config"))) {
            return err;
        }
        for (l = 0; l < 2; l++) {
            for (i = 0; lists[l] && i < lists[l]->nelts; i++) {
                ap_conf_vector_t *v = APR_ARRAY_IDX(lists[l], i, ap_conf_vector_t *);
                hd_dir_t *sec = ap_get_module_config(v, &secheaders_module);
                core_dir_config *cd = ap_get_core_module_config(v);
                if (!sec || !sec->cors_set) {
                    continue;
                }
                err = check_one(p, hd_merge_dir(p, defaults, sec),
                                apr_psprintf(p, "<%s %s>", l ? "Location" : "Directory",
                                             cd && cd->d ? cd->d : "?"));
                if (err) {
                    return err;
                }
            }
        }
    }
    return NULL;
}

const command_rec secheaders_cmds[] = {
    AP_INIT_FLAG("SecHeaders", cmd_enable, NULL, OR_FILEINFO,
                 "Security headers on or off here"),
    AP_INIT_TAKE1("SecHeadersProfile", cmd_profile, NULL, OR_FILEINFO,
                  "Header profile: strict (default), api or legacy"),
    AP_INIT_TAKE1("SecHeadersEnvironment", cmd_environment, NULL, RSRC_CONF | ACCESS_CONF,
                  "production (default: HSTS on HTTPS) or development (no HSTS)"),
    AP_INIT_TAKE1("SecHeadersFrameOptions", cmd_frame_options, NULL, OR_FILEINFO,
                  "X-Frame-Options: deny, sameorigin or off"),
    AP_INIT_TAKE1("SecHeadersReferrerPolicy", cmd_referrer, NULL, OR_FILEINFO,
                  "Referrer-Policy value"),
    AP_INIT_TAKE1("SecHeadersCOEP", cmd_coep, NULL, OR_FILEINFO,
                  "Cross-Origin-Embedder-Policy: require-corp, credentialless or off"),
    AP_INIT_ITERATE("SecHeadersRemove", cmd_remove, NULL, OR_FILEINFO,
                    "Response headers to remove (besides X-Powered-By, X-AspNet-Version, "
                    "X-AspNetMvc-Version), or none"),
    AP_INIT_FLAG("SecHeadersNoStoreAuthenticated", cmd_no_store, NULL, OR_FILEINFO,
                 "Cache-Control: no-store on responses to authenticated requests"),
    AP_INIT_ITERATE("SecHeadersTrustedProxy", cmd_trusted_proxy, NULL, RSRC_CONF,
                    "Proxies (addresses, CIDR ranges) whose X-Forwarded-Proto is believed"),
    AP_INIT_TAKE_ARGV("SecHSTS", cmd_hsts, NULL, RSRC_CONF | ACCESS_CONF,
                      "Strict-Transport-Security: [max-age=365d] [includeSubDomains|"
                      "noIncludeSubDomains] [preload], or off"),
    AP_INIT_RAW_ARGS("SecCSP", cmd_csp, NULL, OR_FILEINFO,
                     "Add sources to a CSP directive: directive 'self' https://cdn.example.com"),
    AP_INIT_RAW_ARGS("SecCSPReplace", cmd_csp_replace, NULL, OR_FILEINFO,
                     "Replace a CSP directive's sources (none given: remove the directive)"),
    AP_INIT_ITERATE("SecCSPPreset", cmd_csp_preset, NULL, OR_FILEINFO,
                    "Add a vendor's documented sources: stripe, google-analytics, ..."),
    AP_INIT_TAKE1("SecCSPMode", cmd_csp_mode, NULL, OR_FILEINFO,
                  "enforce (default), report-only or off"),
    AP_INIT_TAKE1("SecCSPReportURI", cmd_csp_report_uri, NULL, OR_FILEINFO,
                  "Where browsers send violation reports (report-uri and report-to), or off"),
    AP_INIT_TAKE12("SecCSPNonce", cmd_csp_nonce, NULL, OR_FILEINFO,
                   "A fresh nonce per request in script-src (on), also style-src (on style)"),
    AP_INIT_FLAG("SecCSPNonceInject", cmd_nonce_inject, NULL, OR_FILEINFO,
                 "Add the nonce to <script> tags of text/html responses"),
    AP_INIT_TAKE1("SecCSPReportMaxSize", cmd_report_max, NULL, RSRC_CONF | ACCESS_CONF,
                  "Largest report body accepted (default 64K)"),
    AP_INIT_TAKE1("SecCSPReportEventLimit", cmd_report_limit, NULL, RSRC_CONF | ACCESS_CONF,
                  "At most this many report events per minute and server (default 100)"),
    AP_INIT_ITERATE("SecCORSAllowOrigin", hd_cmd_cors_origin, NULL, OR_FILEINFO,
                    "Origins allowed to read responses: https://app.example.com, "
                    "https://*.example.com, or *"),
    AP_INIT_FLAG("SecCORSAllowCredentials", cmd_cors_credentials, NULL, OR_FILEINFO,
                 "Allow credentialed requests (cookies, HTTP auth)"),
    AP_INIT_ITERATE("SecCORSAllowMethods", cmd_cors_methods, NULL, OR_FILEINFO,
                    "Methods allowed in preflights (default GET, HEAD, POST)"),
    AP_INIT_ITERATE("SecCORSAllowHeaders", cmd_cors_headers, NULL, OR_FILEINFO,
                    "Request headers allowed in preflights"),
    AP_INIT_ITERATE("SecCORSExposeHeaders", cmd_cors_expose, NULL, OR_FILEINFO,
                    "Response headers scripts may read, or none"),
    AP_INIT_TAKE1("SecCORSMaxAge", cmd_cors_max_age, NULL, OR_FILEINFO,
                  "How long browsers may cache a preflight (default 10m)"),
    {NULL}
};
