/* mod_secsession directives.
 *
 * Server level (server config, virtual host): the cookie, the local cache
 * bound, the names of the application's login headers, the HMAC key file.
 * Per directory: everything that is policy. Policy an .htaccess author may
 * set (AllowOverride AuthConfig, like AuthType and Require) is OR_AUTHCFG;
 * what would let a directory's author create sessions for any user
 * (SecSessionAcceptLogin), read files (SecSessionLoginPage) or talk to the
 * backends on everyone's behalf (SecSessionIdentityHeaders) is not. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_request.h>
#include <mod_auth.h>
#include <ap_provider.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include "secsession.h"
#include "sec_parse.h"
#include "sec_origin.h"
#include "sec_file.h"
#include "sec_log.h"

APLOG_USE_MODULE(secsession);

#define LOGIN_PAGE_MAX (256 * 1024)

/* --- create / merge ---------------------------------------------------------- */

void *ss_create_srv(apr_pool_t *p, server_rec *s)
{
    ss_srv_t *c = apr_pcalloc(p, sizeof(*c));

    c->cookie_secure = c->cookie_httponly = c->cookie_persistent = -1;
    c->cache_ttl = -1;
    c->scrub = apr_array_make(p, 4, sizeof(const char *));
    ss_scrub_add(p, c, SS_DEFAULT_HDR_USER);
    ss_scrub_add(p, c, SS_DEFAULT_HDR_ROLES);
    ss_scrub_add(p, c, SS_DEFAULT_HDR_REF);
    return c;
}

#define PICK(f, unset) c->f = add->f != (unset) ? add->f : base->f
#define PICKP(f) c->f = add->f ? add->f : base->f

void *ss_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    ss_srv_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));
    int i;

    PICKP(cookie_name);
    PICK(cookie_secure, -1);
    PICK(cookie_httponly, -1);
    PICK(cookie_persistent, -1);
    PICKP(cookie_samesite);
    PICKP(cookie_path);
    PICKP(cookie_domain);
    PICK(cache_ttl, -1);
    c->cache_keep = add->cache_keep > base->cache_keep ? add->cache_keep : base->cache_keep;
    PICKP(login_header);
    PICKP(logout_header);
    /* <Location> sections of the main server apply in the virtual host too,
     * so its identity header names are stripped there as well */
    c->scrub = apr_array_copy(p, add->scrub);
    for (i = 0; i < base->scrub->nelts; i++) {
        ss_scrub_add(p, c, APR_ARRAY_IDX(base->scrub, i, const char *));
    }
    if (add->hmac_keyfile) {
        c->hmac_keyfile = add->hmac_keyfile;
        c->hmac_keyring = add->hmac_keyring;
        c->hmac_perm_warning = add->hmac_perm_warning;
    }
    else {
        c->hmac_keyfile = base->hmac_keyfile;
        c->hmac_keyring = base->hmac_keyring;
        c->hmac_perm_warning = base->hmac_perm_warning;
    }
    return c;
}

void *ss_create_dir(apr_pool_t *p, char *dir)
{
    ss_dir_t *c = apr_pcalloc(p, sizeof(*c));

    c->idle = c->absolute = -1;
    c->optional = -1;
    c->on_store_fail = SS_FAIL_UNSET;
    c->cached_max = -1;
    c->accept_login = -1;
    c->clear_site_data = -1;
    c->identity_headers = -1;
    c->pass_cookie = -1;
    c->hmac_max_age = c->hmac_skew = c->hmac_max_body = -1;
    c->hmac_on_store_fail = SS_FAIL_UNSET;
    return c;
}

void *ss_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    ss_dir_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));

    PICK(idle, -1);
    PICK(absolute, -1);
    PICKP(login_url);
    PICK(optional, -1);
    if (add->on_store_fail != SS_FAIL_UNSET) {
        c->on_store_fail = add->on_store_fail;
        c->cached_max = add->cached_max;
    }
    else {
        c->on_store_fail = base->on_store_fail;
        c->cached_max = base->cached_max;
    }
    PICK(accept_login, -1);
    PICKP(providers);
    PICKP(login_page);
    PICKP(role_file);
    PICKP(redirect_allow);
    PICKP(logout_url);
    PICK(clear_site_data, -1);
    if (add->identity_headers != -1) {
        c->identity_headers = add->identity_headers;
        c->hdr_user = add->hdr_user;
        c->hdr_roles = add->hdr_roles;
        c->hdr_ref = add->hdr_ref;
    }
    else {
        c->identity_headers = base->identity_headers;
        c->hdr_user = base->hdr_user;
        c->hdr_roles = base->hdr_roles;
        c->hdr_ref = base->hdr_ref;
    }
    PICK(pass_cookie, -1);
    PICKP(hmac_sig);
    PICKP(hmac_ts);
    PICKP(hmac_kid);
    PICK(hmac_max_age, -1);
    PICK(hmac_skew, -1);
    PICK(hmac_max_body, -1);
    PICKP(hmac_origins);
    PICK(hmac_on_store_fail, SS_FAIL_UNSET);
    return c;
}

/* --- values with defaults ---------------------------------------------------- */

apr_interval_time_t ss_idle(const ss_dir_t *d)
{
    return d->idle > 0 ? d->idle : SS_DEFAULT_IDLE;
}

apr_interval_time_t ss_absolute(const ss_dir_t *d)
{
    return d->absolute > 0 ? d->absolute : SS_DEFAULT_ABSOLUTE;
}

apr_interval_time_t ss_cache_ttl(const ss_srv_t *c)
{
    return c->cache_ttl >= 0 ? c->cache_ttl : SS_DEFAULT_CACHE_TTL;
}

const char *ss_cookie_name(const ss_srv_t *c)
{
    return c->cookie_name ? c->cookie_name : SS_DEFAULT_COOKIE_NAME;
}

void ss_cookie_attrs(const ss_srv_t *c, sec_cookie_attrs_t *a)
{
    memset(a, 0, sizeof(*a));
    a->path = c->cookie_path ? c->cookie_path : "/";
    a->domain = c->cookie_domain;
    a->secure = c->cookie_secure != 0;
    a->http_only = c->cookie_httponly != 0;
    a->same_site = c->cookie_samesite ? c->cookie_samesite : "Lax";
    a->max_age = -1;
}

const char *ss_login_header(const ss_srv_t *c)
{
    return c->login_header ? c->login_header : SS_DEFAULT_LOGIN_HEADER;
}

const char *ss_logout_header(const ss_srv_t *c)
{
    return c->logout_header ? c->logout_header : SS_DEFAULT_LOGOUT_HEADER;
}

const char *ss_config_check(apr_pool_t *p, server_rec *s)
{
    server_rec *v;

    for (v = s; v; v = v->next) {
        ss_srv_t *c = ss_srv(v);
        sec_cookie_attrs_t a;
        const char *why;
        ss_cookie_attrs(c, &a);
        if ((why = sec_cookie_check(ss_cookie_name(c), &a))) {
            return apr_psprintf(p, "SecSessionCookie name=%s%s%s: %s (browsers would "
                                "refuse the cookie)", ss_cookie_name(c),
                                v->server_hostname ? " in " : "",
                                v->server_hostname ? v->server_hostname : "", why);
        }
    }
    return NULL;
}

/* --- helpers ------------------------------------------------------------------- */

static const char *on_off(const char *v, int *out)
{
    if (!strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcmp(v, "1")) {
        *out = 1;
    }
    else if (!strcasecmp(v, "off") || !strcasecmp(v, "no") || !strcmp(v, "0")) {
        *out = 0;
    }
    else {
        return "expected on or off";
    }
    return NULL;
}

static const char *duration(cmd_parms *cmd, const char *directive, const char *what,
                            const char *v, apr_interval_time_t min, apr_interval_time_t max,
                            apr_interval_time_t *out)
{
    apr_interval_time_t d;

    if (sec_parse_duration(v, &d) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "%s %s%s: not a duration (e.g. 250ms, 30s, 15m, 8h, 1d)",
                            directive, what, v);
    }
    if (d < min || d > max) {
        return apr_psprintf(cmd->pool, "%s %s%s: out of range (%" APR_TIME_T_FMT " s to %"
                            APR_TIME_T_FMT " s)", directive, what, v, apr_time_sec(min),
                            apr_time_sec(max));
    }
    *out = d;
    return NULL;
}

/* A header name: an RFC 7230 token. */
static int header_name_valid(const char *s)
{
    return sec_cookie_name_valid(s);
}

/* --- server level -------------------------------------------------------------- */

static const char *cmd_cookie(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    ss_srv_t *c = ss_srv(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    int i;

    if (err) {
        return err;
    }
    if (argc < 1) {
        return "SecSessionCookie: expected name=, secure=, httponly=, samesite=, path=, "
               "domain= or persistent=";
    }
    for (i = 0; i < argc; i++) {
        const char *v, *why = NULL;
        if (sec_parse_option(argv[i], "name", &v)) {
            if (!sec_cookie_name_valid(v)) {
                why = "not a cookie name (an HTTP token)";
            }
            c->cookie_name = v;
        }
        else if (sec_parse_option(argv[i], "secure", &v)) why = on_off(v, &c->cookie_secure);
        else if (sec_parse_option(argv[i], "httponly", &v)) why = on_off(v, &c->cookie_httponly);
        else if (sec_parse_option(argv[i], "persistent", &v)) why = on_off(v, &c->cookie_persistent);
        else if (sec_parse_option(argv[i], "samesite", &v)) {
            if (!strcasecmp(v, "lax")) c->cookie_samesite = "Lax";
            else if (!strcasecmp(v, "strict")) c->cookie_samesite = "Strict";
            else if (!strcasecmp(v, "none")) c->cookie_samesite = "None";
            else why = "expected Lax, Strict or None";
        }
        else if (sec_parse_option(argv[i], "path", &v)) {
            if (v[0] != '/' || strpbrk(v, ";, \t\r\n")) {
                why = "must start with / and contain no ; , or spaces";
            }
            c->cookie_path = v;
        }
        else if (sec_parse_option(argv[i], "domain", &v)) {
            if (!*v || strpbrk(v, ";, \t\r\n/")) {
                why = "not a domain";
            }
            c->cookie_domain = v;
        }
        else {
            return apr_psprintf(cmd->pool, "SecSessionCookie %s: unknown option (name=, "
                                "secure=, httponly=, samesite=, path=, domain=, persistent=)",
                                argv[i]);
        }
        if (why) {
            return apr_psprintf(cmd->pool, "SecSessionCookie %s: %s", argv[i], why);
        }
    }
    /* The combination is checked once the section is complete (check_config):
     * "__Host-" needs secure=on and path=/ whichever order they come in. */
    return NULL;
}

static const char *cmd_cache_ttl(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    return duration(cmd, "SecSessionCacheTTL", "", arg, 0, SS_MAX_CACHE_TTL,
                    &ss_srv(cmd->server)->cache_ttl);
}

/* "role=Header-Name ..." arguments of a directive that renames headers:
 * names[i] sets *slots[i]; NULL-terminated; known lists the options for
 * messages. */
static const char *header_options(cmd_parms *cmd, const char *directive, int argc,
                                  char *const argv[], const char *const *names,
                                  const char **const *slots, const char *known)
{
    int i, k;

    if (argc < 1) {
        return apr_psprintf(cmd->pool, "%s: expected header names as %s", directive, known);
    }
    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        for (k = 0; names[k] && !sec_parse_option(argv[i], names[k], &v); k++) {
        }
        if (!names[k]) {
            return apr_psprintf(cmd->pool, "%s %s: unknown option (%s)", directive, argv[i],
                                known);
        }
        if (!header_name_valid(v)) {
            return apr_psprintf(cmd->pool, "%s %s: not a header name", directive, argv[i]);
        }
        *slots[k] = v;
    }
    return NULL;
}

static const char *cmd_app_headers(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    ss_srv_t *c = ss_srv(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    static const char *const names[] = {"login", "logout", NULL};
    const char **const slots[] = {&c->login_header, &c->logout_header};

    if (err) {
        return err;
    }
    return header_options(cmd, "SecSessionAppHeaders", argc, argv, names, slots,
                          "login=, logout=");
}

static const char *cmd_hmac_keyfile(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_srv_t *c = ss_srv(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT), *why = NULL;
    const char *path;
    apr_status_t rv;

    if (err) {
        return err;
    }
    path = ap_server_root_relative(cmd->pool, arg);
    if (!path) {
        return apr_psprintf(cmd->pool, "SecHMACKeyFile %s: not a valid path", arg);
    }
    /* Read now, as root, like SecKeyFile: configtest catches a bad file, and
     * children never need to open it. */
    rv = sec_keyring_load(cmd->pool, path, &c->hmac_keyring, &why, &c->hmac_perm_warning);
    if (rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SecHMACKeyFile %s: %s", path,
                            why ? why : "cannot be read");
    }
    c->hmac_keyfile = path;
    return NULL;
}

/* --- per directory ------------------------------------------------------------- */

static const char *cmd_timeout(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    ss_dir_t *d = dc;
    int i;

    if (argc < 1) {
        return "SecSessionTimeout: expected idle=<duration> and/or absolute=<duration>";
    }
    for (i = 0; i < argc; i++) {
        const char *v, *err;
        if (sec_parse_option(argv[i], "idle", &v)) {
            err = duration(cmd, "SecSessionTimeout", "idle=", v, apr_time_from_sec(1),
                           apr_time_from_sec(30 * 86400), &d->idle);
        }
        else if (sec_parse_option(argv[i], "absolute", &v)) {
            err = duration(cmd, "SecSessionTimeout", "absolute=", v, apr_time_from_sec(1),
                           apr_time_from_sec(365 * 86400), &d->absolute);
        }
        else {
            return apr_psprintf(cmd->pool, "SecSessionTimeout %s: unknown option (idle=, "
                                "absolute=)", argv[i]);
        }
        if (err) {
            return err;
        }
    }
    if (d->idle > 0 && d->absolute > 0 && d->idle > d->absolute) {
        return apr_psprintf(cmd->pool, "SecSessionTimeout: idle=%" APR_TIME_T_FMT "s is longer "
                            "than absolute=%" APR_TIME_T_FMT "s", apr_time_sec(d->idle),
                            apr_time_sec(d->absolute));
    }
    return NULL;
}

/* A URL the module redirects to: a local path or an absolute http(s) URL,
 * nothing a browser could read as another scheme or host by accident. */
static const char *check_url(cmd_parms *cmd, const char *directive, const char *arg)
{
    const unsigned char *u;

    for (u = (const unsigned char *)arg; *u; u++) {
        if (*u <= 0x20 || *u >= 0x7f || *u == '\\') {
            return apr_psprintf(cmd->pool, "%s %s: spaces, control characters, backslashes "
                                "and non-ASCII bytes are not allowed (percent-encode them)",
                                directive, arg);
        }
    }
    if (arg[0] == '/' && arg[1] != '/') {
        return NULL;
    }
    if (!strncasecmp(arg, "https://", 8) || !strncasecmp(arg, "http://", 7)) {
        sec_origin_t o;
        if (sec_origin_from_url(cmd->pool, arg, &o) != APR_SUCCESS) {
            return apr_psprintf(cmd->pool, "%s %s: not a well-formed http(s) URL", directive, arg);
        }
        return NULL;
    }
    return apr_psprintf(cmd->pool, "%s %s: expected a local path (/login) or an http(s) URL",
                        directive, arg);
}

static const char *cmd_login_url(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;
    const char *err;

    if (!strcasecmp(arg, "none")) {
        d->login_url = "";
        return NULL;
    }
    if ((err = check_url(cmd, "SecSessionLoginURL", arg))) {
        return err;
    }
    d->login_url = arg;
    return NULL;
}

static const char *cmd_logout_url(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;
    const char *err = check_url(cmd, "SecSessionLogoutURL", arg);

    if (err) {
        return err;
    }
    d->logout_url = arg;
    return NULL;
}

static const char *cmd_optional(cmd_parms *cmd, void *dc, int flag)
{
    ((ss_dir_t *)dc)->optional = flag;
    return NULL;
}

static const char *cmd_accept_login(cmd_parms *cmd, void *dc, int flag)
{
    ((ss_dir_t *)dc)->accept_login = flag;
    return NULL;
}

static const char *cmd_clear_site_data(cmd_parms *cmd, void *dc, int flag)
{
    ((ss_dir_t *)dc)->clear_site_data = flag;
    return NULL;
}

static const char *cmd_pass_cookie(cmd_parms *cmd, void *dc, int flag)
{
    ((ss_dir_t *)dc)->pass_cookie = flag;
    return NULL;
}

static const char *cmd_on_store_fail(cmd_parms *cmd, void *dc, const char *mode,
                                     const char *window)
{
    ss_dir_t *d = dc;

    if (!strcasecmp(mode, "deny")) {
        if (window) {
            return apr_psprintf(cmd->pool, "SecSessionOnStoreFail deny %s: deny takes no "
                                "duration", window);
        }
        d->on_store_fail = SS_FAIL_DENY;
        d->cached_max = 0;
        return NULL;
    }
    if (!strcasecmp(mode, "allow-cached")) {
        const char *err;
        d->on_store_fail = SS_FAIL_CACHED;
        d->cached_max = SS_DEFAULT_CACHED_MAX;
        if (window && (err = duration(cmd, "SecSessionOnStoreFail allow-cached", "", window,
                                      apr_time_from_sec(1), apr_time_from_sec(24 * 3600),
                                      &d->cached_max))) {
            return err;
        }
        /* Validated sessions must be kept locally that long. Only while the
         * server reads its configuration: an .htaccess can shorten, not
         * lengthen, what the server keeps. */
        if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_RUN_MPM) {
            ss_srv_t *c = ss_srv(cmd->server);
            if (d->cached_max > c->cache_keep) {
                c->cache_keep = d->cached_max;
            }
        }
        return NULL;
    }
    return apr_psprintf(cmd->pool, "SecSessionOnStoreFail %s: expected deny or allow-cached "
                        "[duration]", mode);
}

static const char *cmd_provider(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;
    authn_provider_list *item;

    item = apr_pcalloc(cmd->pool, sizeof(*item));
    item->provider_name = arg;
    /* Providers register in their modules' register_hooks, so they are all
     * known when directives are read (mod_auth_basic does the same). */
    item->provider = ap_lookup_provider(AUTHN_PROVIDER_GROUP, arg, AUTHN_PROVIDER_VERSION);
    if (!item->provider) {
        return apr_psprintf(cmd->pool, "SecSessionAuthProvider %s: unknown authn provider "
                            "(is its module, e.g. mod_authn_%s, loaded?)", arg, arg);
    }
    if (!item->provider->check_password) {
        return apr_psprintf(cmd->pool, "SecSessionAuthProvider %s: this provider cannot check "
                            "passwords", arg);
    }
    if (!d->providers) {
        d->providers = apr_array_make(cmd->pool, 2, sizeof(authn_provider_list *));
    }
    APR_ARRAY_PUSH(d->providers, authn_provider_list *) = item;
    return NULL;
}

/* Read at every form login (an edit takes effect without a restart, as
 * AuthGroupFile's does), checked here so configtest reports a wrong path. */
static const char *cmd_role_file(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;
    const char *path;
    apr_finfo_t fi;
    apr_status_t rv;

    if (!strcasecmp(arg, "none")) {
        d->role_file = "";
        return NULL;
    }
    if (!(path = ap_server_root_relative(cmd->pool, arg))) {
        return apr_psprintf(cmd->pool, "SecSessionRoleFile %s: not a valid path", arg);
    }
    rv = apr_stat(&fi, path, APR_FINFO_TYPE, cmd->temp_pool);
    if (rv != APR_SUCCESS || fi.filetype != APR_REG) {
        return apr_psprintf(cmd->pool, "SecSessionRoleFile %s: not a readable file", path);
    }
    d->role_file = path;
    return NULL;
}

static const char *cmd_login_page(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_status_t rv;
    char *buf;
    apr_size_t n;

    if (!path) {
        return apr_psprintf(cmd->pool, "SecSessionLoginPage %s: not a valid path", arg);
    }
    /* Read once, at start-up: configtest reports a missing page, and no
     * request ever opens a file for it. A graceful restart re-reads it. */
    rv = sec_file_read_all(cmd->pool, path, LOGIN_PAGE_MAX, &buf, &n);
    if (rv == APR_EINVAL) {
        return apr_psprintf(cmd->pool, "SecSessionLoginPage %s: must be a regular file of at "
                            "most 256 KiB", path);
    }
    if (rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SecSessionLoginPage %s: cannot read it (%pm)", path, &rv);
    }
    d->login_page = buf;
    return NULL;
}

static const char *add_origin(cmd_parms *cmd, apr_array_header_t **list, const char *directive,
                              const char *arg)
{
    sec_origin_pattern_t pat;
    const char *why = NULL;

    if (sec_origin_pattern_parse(cmd->pool, arg, &pat, &why) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "%s %s: %s", directive, arg, why ? why : "not an origin");
    }
    if (!*list) {
        *list = apr_array_make(cmd->pool, 2, sizeof(sec_origin_pattern_t));
    }
    *(sec_origin_pattern_t *)apr_array_push(*list) = pat;
    return NULL;
}

static const char *cmd_redirect_allow(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;

    if (!strcasecmp(arg, "none")) {
        d->redirect_allow = apr_array_make(cmd->pool, 1, sizeof(sec_origin_pattern_t));
        return NULL;
    }
    return add_origin(cmd, &d->redirect_allow, "SecSessionRedirectAllow", arg);
}

static const char *cmd_identity_headers(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    ss_dir_t *d = dc;
    ss_srv_t *c = ss_srv(cmd->server);
    int i, flag = 1;

    if (argc < 1) {
        return "SecSessionIdentityHeaders: expected on, off, or user=/roles=/ref= header names";
    }
    d->hdr_user = SS_DEFAULT_HDR_USER;
    d->hdr_roles = SS_DEFAULT_HDR_ROLES;
    d->hdr_ref = SS_DEFAULT_HDR_REF;
    for (i = 0; i < argc; i++) {
        const char *v;
        const char **slot = NULL;
        if (!strcasecmp(argv[i], "on")) { flag = 1; continue; }
        if (!strcasecmp(argv[i], "off")) { flag = 0; continue; }
        if (sec_parse_option(argv[i], "user", &v)) slot = &d->hdr_user;
        else if (sec_parse_option(argv[i], "roles", &v)) slot = &d->hdr_roles;
        else if (sec_parse_option(argv[i], "ref", &v)) slot = &d->hdr_ref;
        else {
            return apr_psprintf(cmd->pool, "SecSessionIdentityHeaders %s: expected on, off, "
                                "user=, roles= or ref=", argv[i]);
        }
        if (!header_name_valid(v)) {
            return apr_psprintf(cmd->pool, "SecSessionIdentityHeaders %s: not a header name",
                                argv[i]);
        }
        *slot = v;
    }
    d->identity_headers = flag;
    /* Whatever name a backend may trust must be stripped from every request
     * this server reads, before any hook looks at it. */
    ss_scrub_add(cmd->pool, c, d->hdr_user);
    ss_scrub_add(cmd->pool, c, d->hdr_roles);
    ss_scrub_add(cmd->pool, c, d->hdr_ref);
    return NULL;
}

/* --- SecHMAC ------------------------------------------------------------------- */

static const char *cmd_hmac_headers(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    ss_dir_t *d = dc;
    static const char *const names[] = {"signature", "timestamp", "key-id", NULL};
    const char **const slots[] = {&d->hmac_sig, &d->hmac_ts, &d->hmac_kid};

    return header_options(cmd, "SecHMACHeaders", argc, argv, names, slots,
                          "signature=, timestamp=, key-id=");
}

static const char *cmd_hmac_window(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    ss_dir_t *d = dc;
    int i;

    if (argc < 1) {
        return "SecHMACWindow: expected max-age=<duration> and/or future=<duration>";
    }
    for (i = 0; i < argc; i++) {
        const char *v, *err;
        apr_interval_time_t t;
        if (sec_parse_option(argv[i], "max-age", &v)) {
            if ((err = duration(cmd, "SecHMACWindow", "max-age=", v, apr_time_from_sec(1),
                                apr_time_from_sec(86400), &t))) {
                return err;
            }
            d->hmac_max_age = apr_time_sec(t);
        }
        else if (sec_parse_option(argv[i], "future", &v)) {
            if ((err = duration(cmd, "SecHMACWindow", "future=", v, 0, apr_time_from_sec(3600),
                                &t))) {
                return err;
            }
            d->hmac_skew = apr_time_sec(t);
        }
        else {
            return apr_psprintf(cmd->pool, "SecHMACWindow %s: unknown option (max-age=, "
                                "future=)", argv[i]);
        }
    }
    return NULL;
}

static const char *cmd_hmac_max_body(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;
    apr_uint64_t n;

    if (sec_parse_size(arg, &n) != APR_SUCCESS || n > 64 * 1024 * 1024) {
        return apr_psprintf(cmd->pool, "SecHMACMaxBody %s: expected a size up to 64M "
                            "(e.g. 512K, 1M)", arg);
    }
    d->hmac_max_body = (apr_int64_t)n;
    return NULL;
}

static const char *cmd_hmac_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    return add_origin(cmd, &((ss_dir_t *)dc)->hmac_origins, "SecHMACAllowOrigin", arg);
}

static const char *cmd_hmac_on_store_fail(cmd_parms *cmd, void *dc, const char *arg)
{
    ss_dir_t *d = dc;

    if (!strcasecmp(arg, "deny")) d->hmac_on_store_fail = SS_FAIL_DENY;
    else if (!strcasecmp(arg, "allow")) d->hmac_on_store_fail = SS_FAIL_ALLOW;
    else {
        return apr_psprintf(cmd->pool, "SecHMACOnStoreFail %s: expected deny or allow", arg);
    }
    return NULL;
}

#define NO_HTACCESS (ACCESS_CONF | RSRC_CONF)

const command_rec secsession_cmds[] = {
    /* server config, virtual host */
    AP_INIT_TAKE_ARGV("SecSessionCookie", cmd_cookie, NULL, RSRC_CONF,
                      "The session cookie: name=, secure=on|off, httponly=on|off, "
                      "samesite=Lax|Strict|None, path=, domain=, persistent=on|off"),
    AP_INIT_TAKE1("SecSessionCacheTTL", cmd_cache_ttl, NULL, RSRC_CONF,
                  "How long a validated session is trusted locally without asking the "
                  "store (0 to 60s; default 2s): the bound on revocation"),
    AP_INIT_TAKE_ARGV("SecSessionAppHeaders", cmd_app_headers, NULL, RSRC_CONF,
                      "Names of the application's response headers: login=, logout="),
    AP_INIT_TAKE1("SecHMACKeyFile", cmd_hmac_keyfile, NULL, RSRC_CONF,
                  "Key file (SecKeyFile format) of the secrets shared with signing services"),
    /* per directory, .htaccess with AllowOverride AuthConfig */
    AP_INIT_TAKE_ARGV("SecSessionTimeout", cmd_timeout, NULL, OR_AUTHCFG | NO_HTACCESS,
                      "idle=<duration> absolute=<duration> (defaults 30m, 8h)"),
    AP_INIT_TAKE1("SecSessionLoginURL", cmd_login_url, NULL, OR_AUTHCFG | NO_HTACCESS,
                  "Where navigations without a session are sent (?redirect= is added), or none"),
    AP_INIT_TAKE1("SecSessionLogoutURL", cmd_logout_url, NULL, OR_AUTHCFG | NO_HTACCESS,
                  "Where the logout handler sends the browser when no redirect is given"),
    AP_INIT_FLAG("SecSessionOptional", cmd_optional, NULL, OR_AUTHCFG | NO_HTACCESS,
                 "Load a session when there is one, never refuse for lack of one"),
    AP_INIT_TAKE12("SecSessionOnStoreFail", cmd_on_store_fail, NULL, OR_AUTHCFG | NO_HTACCESS,
                   "When the store cannot answer: deny (503) or allow-cached [duration]"),
    AP_INIT_ITERATE("SecSessionAuthProvider", cmd_provider, NULL, OR_AUTHCFG | NO_HTACCESS,
                    "Authn providers the login handler checks passwords with (default file)"),
    AP_INIT_ITERATE("SecSessionRedirectAllow", cmd_redirect_allow, NULL, OR_AUTHCFG | NO_HTACCESS,
                    "Origins (https://app.example.com, https://*.example.com) a login or "
                    "logout may redirect to, besides local paths; or none"),
    AP_INIT_FLAG("SecSessionClearSiteData", cmd_clear_site_data, NULL, OR_AUTHCFG | NO_HTACCESS,
                 "Send Clear-Site-Data: \"cookies\", \"storage\" when a session ends"),
    AP_INIT_FLAG("SecSessionPassCookie", cmd_pass_cookie, NULL, OR_AUTHCFG | NO_HTACCESS,
                 "Let the application see the session cookie (default off: it is removed)"),
    /* per directory, not in .htaccess */
    AP_INIT_FLAG("SecSessionAcceptLogin", cmd_accept_login, NULL, NO_HTACCESS,
                 "Honour the application's login/logout response headers here"),
    AP_INIT_TAKE1("SecSessionRoleFile", cmd_role_file, NULL, OR_AUTHCFG | NO_HTACCESS,
                  "Roles of form logins, in AuthGroupFile's format (role: user ...), or none"),
    AP_INIT_TAKE1("SecSessionLoginPage", cmd_login_page, NULL, NO_HTACCESS,
                  "HTML file the login handler serves for GET ({{redirect}} is filled in)"),
    AP_INIT_TAKE_ARGV("SecSessionIdentityHeaders", cmd_identity_headers, NULL, NO_HTACCESS,
                      "Pass the user, roles and session reference to backends as request "
                      "headers: on|off [user=Name] [roles=Name] [ref=Name]"),
    /* SecHMAC, per directory */
    AP_INIT_TAKE_ARGV("SecHMACHeaders", cmd_hmac_headers, NULL, OR_AUTHCFG | NO_HTACCESS,
                      "Header names: signature=, timestamp=, key-id="),
    AP_INIT_TAKE_ARGV("SecHMACWindow", cmd_hmac_window, NULL, OR_AUTHCFG | NO_HTACCESS,
                      "max-age=<duration> (300s) future=<duration> (60s)"),
    AP_INIT_TAKE1("SecHMACMaxBody", cmd_hmac_max_body, NULL, OR_AUTHCFG | NO_HTACCESS,
                  "Largest body that is read to verify a signature (default 1M; more: 413)"),
    AP_INIT_ITERATE("SecHMACAllowOrigin", cmd_hmac_origin, NULL, OR_AUTHCFG | NO_HTACCESS,
                    "Origins a signed request may come from (its Origin header)"),
    AP_INIT_TAKE1("SecHMACOnStoreFail", cmd_hmac_on_store_fail, NULL, OR_AUTHCFG | NO_HTACCESS,
                  "When the replay check cannot reach the store: deny (503) or allow"),
    {NULL}
};
