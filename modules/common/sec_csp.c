/* Content-Security-Policy model, parser, merge and rendering (sec_csp.h).
 *
 * The grammar is CSP Level 3's (W3C, "serialized-source-list"), checked
 * strictly because every input here is configuration: a typo should fail
 * configtest rather than silently widen or break a policy.
 */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_csp.h"

typedef struct {
    const char *name;
    sec_csp_kind_e kind;
    const char *fallback;             /* fetch directives: the next in the chain */
} dir_info_t;

static const dir_info_t DIRS[] = {
    {"default-src", SEC_CSP_KIND_FETCH, NULL},
    {"child-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"connect-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"font-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"frame-src", SEC_CSP_KIND_FETCH, "child-src"},
    {"fenced-frame-src", SEC_CSP_KIND_FETCH, "frame-src"},
    {"img-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"manifest-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"media-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"object-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"script-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"script-src-elem", SEC_CSP_KIND_FETCH, "script-src"},
    {"script-src-attr", SEC_CSP_KIND_FETCH, "script-src"},
    {"style-src", SEC_CSP_KIND_FETCH, "default-src"},
    {"style-src-elem", SEC_CSP_KIND_FETCH, "style-src"},
    {"style-src-attr", SEC_CSP_KIND_FETCH, "style-src"},
    {"worker-src", SEC_CSP_KIND_FETCH, "child-src"},
    {"base-uri", SEC_CSP_KIND_SOURCES, NULL},
    {"form-action", SEC_CSP_KIND_SOURCES, NULL},
    {"frame-ancestors", SEC_CSP_KIND_ANCESTORS, NULL},
    {"upgrade-insecure-requests", SEC_CSP_KIND_FLAG, NULL},
    {"block-all-mixed-content", SEC_CSP_KIND_FLAG, NULL},
    {"sandbox", SEC_CSP_KIND_SANDBOX, NULL},
    {"report-uri", SEC_CSP_KIND_REPORT_URI, NULL},
    {"report-to", SEC_CSP_KIND_REPORT_TO, NULL},
    {"require-trusted-types-for", SEC_CSP_KIND_TT_FOR, NULL},
    {"trusted-types", SEC_CSP_KIND_TRUSTED_TYPES, NULL},
    {"webrtc", SEC_CSP_KIND_WEBRTC, NULL},
    {NULL, SEC_CSP_KIND_UNKNOWN, NULL}
};

/* Quoted keywords of source lists. */
static const char *const KEYWORDS[] = {
    "'self'", "'none'", "'unsafe-inline'", "'unsafe-eval'", "'strict-dynamic'",
    "'unsafe-hashes'", "'report-sample'", "'unsafe-allow-redirects'", "'wasm-unsafe-eval'",
    "'inline-speculation-rules'", NULL
};

static const char *const SANDBOX_TOKENS[] = {
    "allow-downloads", "allow-forms", "allow-modals", "allow-orientation-lock",
    "allow-pointer-lock", "allow-popups", "allow-popups-to-escape-sandbox",
    "allow-presentation", "allow-same-origin", "allow-scripts",
    "allow-storage-access-by-user-activation", "allow-top-navigation",
    "allow-top-navigation-by-user-activation", "allow-top-navigation-to-custom-protocols",
    NULL
};

static const dir_info_t *dir_info(const char *name)
{
    int i;

    if (!name) {
        return NULL;
    }
    for (i = 0; DIRS[i].name; i++) {
        if (!strcasecmp(DIRS[i].name, name)) {
            return &DIRS[i];
        }
    }
    return NULL;
}

sec_csp_kind_e sec_csp_directive_kind(const char *name)
{
    const dir_info_t *d = dir_info(name);
    return d ? d->kind : SEC_CSP_KIND_UNKNOWN;
}

static int in_list(const char *const *list, const char *s)
{
    int i;
    for (i = 0; list[i]; i++) {
        if (!strcasecmp(list[i], s)) {
            return 1;
        }
    }
    return 0;
}

static int is_b64_char(int c)
{
    return apr_isalnum(c) || c == '+' || c == '/' || c == '-' || c == '_';
}

/* base64 or base64url of exactly nbytes (padding optional but exact). */
static int b64_of_len(const char *s, apr_size_t len, apr_size_t nbytes)
{
    apr_size_t chars = (nbytes * 4 + 2) / 3, pad = (4 - chars % 4) % 4, i;

    if (len != chars && len != chars + pad) {
        return 0;
    }
    for (i = 0; i < chars; i++) {
        if (!is_b64_char((unsigned char)s[i])) {
            return 0;
        }
    }
    for (; i < len; i++) {
        if (s[i] != '=') {
            return 0;
        }
    }
    return 1;
}

/* A nonce value: base64-value = 1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" )*2( "=" ). */
static int nonce_value_ok(const char *s, apr_size_t len)
{
    apr_size_t i = 0, eq = 0;

    if (len == 0) {
        return 0;
    }
    while (i < len && is_b64_char((unsigned char)s[i])) {
        i++;
    }
    if (i == 0) {
        return 0;
    }
    while (i < len && s[i] == '=' && eq < 2) {
        i++, eq++;
    }
    return i == len;
}

static int scheme_ok(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0 || !apr_isalpha(s[0])) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if (!apr_isalnum(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.') {
            return 0;
        }
    }
    return 1;
}

/* host-part = "*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ] */
static const char *host_check(const char *s, apr_size_t len)
{
    apr_size_t i = 0, label = 0;

    if (len == 1 && s[0] == '*') {
        return NULL;
    }
    if (len > 0 && s[len - 1] == '.') {
        len--;                        /* one trailing dot (a FQDN) */
    }
    if (len == 0) {
        return "empty host";
    }
    if (s[0] == '*') {
        if (len < 3 || s[1] != '.') {
            return "'*' must be the whole first label (*.example.com)";
        }
        i = 2;
    }
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0) {
                return "empty label in host";
            }
            label = 0;
        }
        else if (c == '*') {
            return "'*' must be the whole first label (*.example.com)";
        }
        else if (!apr_isalnum(c) && c != '-') {
            return "bad character in host";
        }
        else {
            label++;
        }
    }
    return label == 0 ? "empty label in host" : NULL;
}

static int path_char_ok(unsigned char c)
{
    if (c <= 0x20 || c >= 0x7f) {
        return 0;
    }
    return c != ';' && c != ',' && c != '"' && c != '\'' && c != '<' && c != '>' &&
           c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' && c != '}';
}

/* scheme-source "https:" or host-source "[scheme://]host[:port][/path]".
 * *norm gets the scheme and host in lower case. */
static const char *url_source_check(apr_pool_t *p, const char *s, const char **norm)
{
    apr_size_t len = strlen(s), i;
    const char *host, *colon, *slash, *end = s + len, *scheme_end = strstr(s, "://");
    char *n;

    /* scheme-source */
    if (len > 1 && s[len - 1] == ':' && !strchr(s, '/')) {
        if (!scheme_ok(s, len - 1)) {
            return "bad scheme";
        }
        if (norm) {
            n = apr_pstrdup(p, s);
            for (i = 0; n[i]; i++) n[i] = apr_tolower(n[i]);
            *norm = n;
        }
        return NULL;
    }
    host = s;
    if (scheme_end) {
        if (!scheme_ok(s, (apr_size_t)(scheme_end - s))) {
            return "bad scheme";
        }
        host = scheme_end + 3;
    }
    slash = strchr(host, '/');
    if (!slash) {
        slash = end;
    }
    /* port: the last ':' before the path */
    colon = NULL;
    for (i = 0; host + i < slash; i++) {
        if (host[i] == ':') {
            colon = host + i;
        }
    }
    {
        const char *herr = host_check(host, (apr_size_t)((colon ? colon : slash) - host));
        if (herr) {
            return herr;
        }
    }
    if (colon) {
        const char *ps = colon + 1;
        apr_size_t plen = (apr_size_t)(slash - ps);
        if (plen == 1 && ps[0] == '*') {
            /* any port */
        }
        else {
            apr_size_t k;
            long port = 0;
            if (plen == 0 || plen > 5) {
                return "bad port";
            }
            for (k = 0; k < plen; k++) {
                if (!apr_isdigit(ps[k])) {
                    return "bad port";
                }
                port = port * 10 + (ps[k] - '0');
            }
            if (port < 1 || port > 65535) {
                return "port out of range (1-65535)";
            }
        }
    }
    for (i = 0; slash + i < end; i++) {
        if (!path_char_ok((unsigned char)slash[i])) {
            return "bad character in path";
        }
    }
    if (slash[0] == '/' && slash[1] == '/') {
        return "path starts with //";
    }
    if (norm) {
        n = apr_pstrdup(p, s);
        for (i = 0; i < (apr_size_t)(slash - s); i++) {
            n[i] = apr_tolower(n[i]);
        }
        *norm = n;
    }
    return NULL;
}

/* Unquoted words that are almost certainly a keyword missing its quotes. */
static const char *const BARE_KEYWORDS[] = {
    "self", "none", "unsafe-inline", "unsafe-eval", "strict-dynamic", "unsafe-hashes",
    "report-sample", "wasm-unsafe-eval", "unsafe-allow-redirects", "script", "allow", "block",
    "allow-duplicates", NULL
};

static const char *quoted_check(apr_pool_t *p, sec_csp_kind_e kind, const char *s,
                                apr_size_t len, const char **norm)
{
    char *lower;
    apr_size_t i;

    if (len < 3 || s[len - 1] != '\'') {
        return "unbalanced single quote";
    }
    lower = apr_pstrdup(p, s);
    /* nonces and hashes are case-sensitive in their value only */
    if (!strncasecmp(s, "'nonce-", 7)) {
        if (kind != SEC_CSP_KIND_FETCH && kind != SEC_CSP_KIND_SOURCES) {
            return "a nonce is not allowed in this directive";
        }
        if (!nonce_value_ok(s + 7, len - 8)) {
            return "bad nonce value (base64 expected)";
        }
        memcpy(lower, "'nonce-", 7);
        *norm = lower;
        return NULL;
    }
    if (!strncasecmp(s, "'sha256-", 8) || !strncasecmp(s, "'sha384-", 8) ||
        !strncasecmp(s, "'sha512-", 8)) {
        apr_size_t bytes = s[4] == '2' ? 32 : s[4] == '3' ? 48 : 64;
        if (kind != SEC_CSP_KIND_FETCH && kind != SEC_CSP_KIND_SOURCES) {
            return "a hash is not allowed in this directive";
        }
        if (!b64_of_len(s + 8, len - 9, bytes)) {
            return apr_psprintf(p, "bad hash: sha%s- needs the base64 of a %u-byte digest",
                                bytes == 32 ? "256" : bytes == 48 ? "384" : "512",
                                (unsigned)bytes);
        }
        for (i = 0; i < 8; i++) lower[i] = apr_tolower(lower[i]);
        *norm = lower;
        return NULL;
    }
    for (i = 0; lower[i]; i++) lower[i] = apr_tolower(lower[i]);
    switch (kind) {
    case SEC_CSP_KIND_ANCESTORS:
        if (strcmp(lower, "'self'") && strcmp(lower, "'none'")) {
            return "frame-ancestors takes only 'self', 'none', schemes and hosts";
        }
        break;
    case SEC_CSP_KIND_TT_FOR:
        if (strcmp(lower, "'script'")) {
            return "require-trusted-types-for takes only 'script'";
        }
        break;
    case SEC_CSP_KIND_TRUSTED_TYPES:
        if (strcmp(lower, "'allow-duplicates'") && strcmp(lower, "'none'")) {
            return "trusted-types takes policy names, 'allow-duplicates' or 'none'";
        }
        break;
    case SEC_CSP_KIND_WEBRTC:
        if (strcmp(lower, "'allow'") && strcmp(lower, "'block'")) {
            return "webrtc takes 'allow' or 'block'";
        }
        break;
    default:
        if (!in_list(KEYWORDS, lower)) {
            return "unknown keyword";
        }
    }
    *norm = lower;
    return NULL;
}

static int token_char(unsigned char c)
{
    return apr_isalnum(c) || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

apr_status_t sec_csp_check_source(apr_pool_t *p, const char *directive, const char *source,
                                  const char **norm, const char **err)
{
    const dir_info_t *d = dir_info(directive);
    const char *e = NULL, *n = NULL;
    apr_size_t len, i;

    if (!d) {
        *err = apr_psprintf(p, "unknown CSP directive '%s'", directive ? directive : "");
        return APR_EINVAL;
    }
    if (!source || !*source) {
        *err = "empty source";
        return APR_EINVAL;
    }
    len = strlen(source);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)source[i];
        if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',') {
            *err = apr_psprintf(p, "%s: '%s': whitespace, control characters, ';' and ',' "
                                "are not allowed in a source", d->name, source);
            return APR_EINVAL;
        }
    }
    switch (d->kind) {
    case SEC_CSP_KIND_FLAG:
        e = "takes no value";
        break;
    case SEC_CSP_KIND_SANDBOX:
        if (!in_list(SANDBOX_TOKENS, source)) {
            e = "not a sandbox flag (allow-forms, allow-scripts, allow-same-origin, ...)";
        }
        else {
            char *l = apr_pstrdup(p, source);
            for (i = 0; l[i]; i++) l[i] = apr_tolower(l[i]);
            n = l;
        }
        break;
    case SEC_CSP_KIND_REPORT_URI:
        if (source[0] == '\'') {
            e = "report-uri takes URLs";
        }
        else if (source[0] != '/' && !strstr(source, "://")) {
            e = "report-uri takes an absolute path (/csp-report) or an absolute URL";
        }
        else {
            for (i = 0; i < len && !e; i++) {
                if (!path_char_ok((unsigned char)source[i]) && source[i] != '\'') {
                    e = "bad character in URL";
                }
            }
            n = source;
        }
        break;
    case SEC_CSP_KIND_REPORT_TO:
        for (i = 0; i < len; i++) {
            if (!token_char((unsigned char)source[i]) || source[i] == '\'') {
                e = "report-to takes a group name (letters, digits, '-', '_', '.')";
                break;
            }
        }
        n = source;
        break;
    case SEC_CSP_KIND_TRUSTED_TYPES:
        if (source[0] == '\'') {
            e = quoted_check(p, d->kind, source, len, &n);
        }
        else if (!strcmp(source, "*")) {
            n = source;
        }
        else {
            for (i = 0; i < len; i++) {
                if (!apr_isalnum(source[i]) && !strchr("-#=_/@.%", source[i])) {
                    e = "bad trusted-types policy name";
                    break;
                }
            }
            n = source;
        }
        break;
    case SEC_CSP_KIND_TT_FOR:
    case SEC_CSP_KIND_WEBRTC:
        if (source[0] != '\'') {
            if (in_list(BARE_KEYWORDS, source)) {
                *err = apr_psprintf(p, "%s: '%s': keywords are written in single quotes: '%s'",
                                    d->name, source, source);
                return APR_EINVAL;
            }
            e = "bad value";
        }
        else {
            e = quoted_check(p, d->kind, source, len, &n);
        }
        break;
    default:
        if (source[0] == '\'') {
            e = quoted_check(p, d->kind, source, len, &n);
        }
        else if (in_list(BARE_KEYWORDS, source) || !strncasecmp(source, "nonce-", 6) ||
                 !strncasecmp(source, "sha256-", 7) || !strncasecmp(source, "sha384-", 7) ||
                 !strncasecmp(source, "sha512-", 7)) {
            *err = apr_psprintf(p, "%s: '%s': keywords, nonces and hashes are written in "
                                "single quotes: '%s'", d->name, source, source);
            return APR_EINVAL;
        }
        else if (source[len - 1] == '\'') {
            e = "unbalanced single quote";
        }
        else {
            e = url_source_check(p, source, &n);
        }
    }
    if (e) {
        *err = apr_psprintf(p, "%s: '%s': %s", d->name, source, e);
        return APR_EINVAL;
    }
    if (norm) {
        *norm = n ? n : source;
    }
    return APR_SUCCESS;
}

sec_csp_t *sec_csp_make(apr_pool_t *p)
{
    sec_csp_t *c = apr_pcalloc(p, sizeof(*c));
    c->dirs = apr_array_make(p, 12, sizeof(sec_csp_dir_t));
    return c;
}

sec_csp_t *sec_csp_copy(apr_pool_t *p, const sec_csp_t *src)
{
    sec_csp_t *c = apr_pcalloc(p, sizeof(*c));
    int i;

    c->dirs = apr_array_copy(p, src->dirs);
    for (i = 0; i < c->dirs->nelts; i++) {
        sec_csp_dir_t *d = &APR_ARRAY_IDX(c->dirs, i, sec_csp_dir_t);
        d->sources = apr_array_copy(p, d->sources);
    }
    return c;
}

static sec_csp_dir_t *find(const sec_csp_t *c, const char *name)
{
    int i;
    for (i = 0; i < c->dirs->nelts; i++) {
        sec_csp_dir_t *d = &APR_ARRAY_IDX(c->dirs, i, sec_csp_dir_t);
        if (!strcasecmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

const sec_csp_dir_t *sec_csp_get(const sec_csp_t *c, const char *name)
{
    return find(c, name);
}

static int has_source(const sec_csp_dir_t *d, const char *s)
{
    int i;
    for (i = 0; i < d->sources->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(d->sources, i, const char *), s)) {
            return 1;
        }
    }
    return 0;
}

static int only_none(const sec_csp_dir_t *d)
{
    return d->sources->nelts == 1 && !strcmp(APR_ARRAY_IDX(d->sources, 0, const char *), "'none'");
}

static sec_csp_dir_t *append_dir(apr_pool_t *p, sec_csp_t *c, const dir_info_t *info)
{
    sec_csp_dir_t *d = apr_array_push(c->dirs);
    d->name = info->name;
    d->sources = apr_array_make(p, 4, sizeof(const char *));
    return d;
}

/* Validates and normalises n sources; 'none' must stand alone. */
static apr_status_t check_all(apr_pool_t *p, const dir_info_t *info, int n,
                              const char *const *sources, const char ***out, int *has_none,
                              const char **err)
{
    const char **norm = apr_pcalloc(p, sizeof(*norm) * (n > 0 ? n : 1));
    int i;

    *has_none = 0;
    for (i = 0; i < n; i++) {
        if (sec_csp_check_source(p, info->name, sources[i], &norm[i], err) != APR_SUCCESS) {
            return APR_EINVAL;
        }
        if (!strcmp(norm[i], "'none'")) {
            *has_none = 1;
        }
    }
    if (*has_none && n > 1) {
        *err = apr_psprintf(p, "%s: 'none' must be the only source", info->name);
        return APR_EINVAL;
    }
    if ((info->kind == SEC_CSP_KIND_REPORT_TO || info->kind == SEC_CSP_KIND_WEBRTC) && n > 1) {
        *err = apr_psprintf(p, "%s takes one value", info->name);
        return APR_EINVAL;
    }
    *out = norm;
    return APR_SUCCESS;
}

static const dir_info_t *known(apr_pool_t *p, const char *directive, const char **err)
{
    const dir_info_t *info = dir_info(directive);
    if (!info) {
        *err = apr_psprintf(p, "unknown CSP directive '%s'", directive ? directive : "");
    }
    return info;
}

/* The nearest present directive along the fallback chain. */
static const sec_csp_dir_t *fallback_of(const sec_csp_t *c, const dir_info_t *info)
{
    const char *f = info->fallback;
    int guard = 0;

    while (f && guard++ < 8) {
        const sec_csp_dir_t *d = find(c, f);
        const dir_info_t *fi;
        if (d) {
            return d;
        }
        fi = dir_info(f);
        f = fi ? fi->fallback : NULL;
        /* child-src falls back to default-src; frame-src and worker-src
         * reach it through child-src. worker-src also passes script-src
         * in CSP3; default-src is the common end either way. */
    }
    return NULL;
}

static void add_normalised(apr_pool_t *p, sec_csp_t *c, const dir_info_t *info, int n,
                           const char **norm)
{
    sec_csp_dir_t *d = find(c, info->name);
    int i;

    if (!d) {
        const sec_csp_dir_t *fb = info->kind == SEC_CSP_KIND_FETCH ? fallback_of(c, info) : NULL;
        d = append_dir(p, c, info);
        if (fb && !only_none(fb)) {
            apr_array_cat(d->sources, fb->sources);
        }
    }
    if (n > 0 && only_none(d)) {
        apr_array_clear(d->sources);
    }
    if (info->kind == SEC_CSP_KIND_REPORT_TO || info->kind == SEC_CSP_KIND_WEBRTC) {
        apr_array_clear(d->sources);
    }
    for (i = 0; i < n; i++) {
        if (!has_source(d, norm[i])) {
            APR_ARRAY_PUSH(d->sources, const char *) = norm[i];
        }
    }
}

apr_status_t sec_csp_add(apr_pool_t *p, sec_csp_t *c, const char *directive, int n,
                         const char *const *sources, const char **err)
{
    const dir_info_t *info = known(p, directive, err);
    const char **norm;
    int has_none;

    if (!info) {
        return APR_EINVAL;
    }
    if (n == 0 && info->kind != SEC_CSP_KIND_FLAG && info->kind != SEC_CSP_KIND_SANDBOX) {
        *err = apr_psprintf(p, "%s: at least one source expected", info->name);
        return APR_EINVAL;
    }
    if (check_all(p, info, n, sources, &norm, &has_none, err) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    if (has_none) {
        *err = apr_psprintf(p, "%s: 'none' cannot be added to a directive (it would drop the "
                            "sources already there); replace the directive instead",
                            info->name);
        return APR_EINVAL;
    }
    add_normalised(p, c, info, n, norm);
    return APR_SUCCESS;
}

apr_status_t sec_csp_replace(apr_pool_t *p, sec_csp_t *c, const char *directive, int n,
                             const char *const *sources, const char **err)
{
    const dir_info_t *info = known(p, directive, err);
    const char **norm;
    sec_csp_dir_t *d;
    int has_none, i;

    if (!info) {
        return APR_EINVAL;
    }
    if (check_all(p, info, n, sources, &norm, &has_none, err) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    if (n == 0) {
        sec_csp_remove(c, info->name);
        return APR_SUCCESS;
    }
    d = find(c, info->name);
    if (!d) {
        d = append_dir(p, c, info);
    }
    else {
        d->sources = apr_array_make(p, n, sizeof(const char *));
    }
    for (i = 0; i < n; i++) {
        if (!has_source(d, norm[i])) {
            APR_ARRAY_PUSH(d->sources, const char *) = norm[i];
        }
    }
    return APR_SUCCESS;
}

int sec_csp_remove(sec_csp_t *c, const char *directive)
{
    int i;

    for (i = 0; i < c->dirs->nelts; i++) {
        sec_csp_dir_t *d = &APR_ARRAY_IDX(c->dirs, i, sec_csp_dir_t);
        if (!strcasecmp(d->name, directive)) {
            /* keep the order of the others */
            memmove(d, d + 1, (size_t)(c->dirs->nelts - i - 1) * sizeof(*d));
            c->dirs->nelts--;
            return 1;
        }
    }
    return 0;
}

static int is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

apr_status_t sec_csp_parse(apr_pool_t *p, const char *policy, sec_csp_t **out,
                           const char **err)
{
    sec_csp_t *c = sec_csp_make(p);
    char *copy = apr_pstrdup(p, policy ? policy : ""), *last = NULL, *part;

    for (part = apr_strtok(copy, ";", &last); part; part = apr_strtok(NULL, ";", &last)) {
        apr_array_header_t *words = apr_array_make(p, 8, sizeof(const char *));
        const dir_info_t *info;
        char *w = part;

        while (*w) {
            char *start;
            while (*w && is_ws(*w)) w++;
            if (!*w) break;
            start = w;
            while (*w && !is_ws(*w)) w++;
            if (*w) *w++ = '\0';
            APR_ARRAY_PUSH(words, const char *) = start;
        }
        if (words->nelts == 0) {
            continue;
        }
        info = known(p, APR_ARRAY_IDX(words, 0, const char *), err);
        if (!info) {
            return APR_EINVAL;
        }
        if (find(c, info->name)) {
            *err = apr_psprintf(p, "directive %s given twice", info->name);
            return APR_EINVAL;
        }
        if (words->nelts == 1 && info->kind != SEC_CSP_KIND_FLAG &&
            info->kind != SEC_CSP_KIND_SANDBOX) {
            *err = apr_psprintf(p, "%s: at least one source expected", info->name);
            return APR_EINVAL;
        }
        if (sec_csp_replace(p, c, info->name, words->nelts - 1,
                            (const char *const *)words->elts + 1, err) != APR_SUCCESS) {
            return APR_EINVAL;
        }
        if (words->nelts == 1) {
            append_dir(p, c, info);
        }
    }
    *out = c;
    return APR_SUCCESS;
}

char *sec_csp_render(apr_pool_t *p, const sec_csp_t *c)
{
    apr_size_t len = 0, off = 0;
    int i, j;
    char *out;

    for (i = 0; i < c->dirs->nelts; i++) {
        const sec_csp_dir_t *d = &APR_ARRAY_IDX(c->dirs, i, sec_csp_dir_t);
        len += strlen(d->name) + 2;
        for (j = 0; j < d->sources->nelts; j++) {
            len += 1 + strlen(APR_ARRAY_IDX(d->sources, j, const char *));
        }
    }
    out = apr_palloc(p, len + 1);
    for (i = 0; i < c->dirs->nelts; i++) {
        const sec_csp_dir_t *d = &APR_ARRAY_IDX(c->dirs, i, sec_csp_dir_t);
        apr_size_t l;
        if (i > 0) {
            memcpy(out + off, "; ", 2);
            off += 2;
        }
        l = strlen(d->name);
        memcpy(out + off, d->name, l);
        off += l;
        for (j = 0; j < d->sources->nelts; j++) {
            const char *s = APR_ARRAY_IDX(d->sources, j, const char *);
            out[off++] = ' ';
            l = strlen(s);
            memcpy(out + off, s, l);
            off += l;
        }
    }
    out[off] = '\0';
    return out;
}

/* The placeholder where the nonce goes: a control character, which no
 * validated source can contain. */
#define NONCE_MARK "'nonce-\001'"

apr_array_header_t *sec_csp_nonce_template(apr_pool_t *p, const sec_csp_t *c, int style)
{
    sec_csp_t *t = sec_csp_copy(p, c);
    const char *mark = NONCE_MARK;
    apr_array_header_t *segs = apr_array_make(p, 3, sizeof(const char *));
    char *text, *s, *hit;

    add_normalised(p, t, dir_info("script-src"), 1, &mark);
    if (style) {
        add_normalised(p, t, dir_info("style-src"), 1, &mark);
    }
    text = sec_csp_render(p, t);
    s = text;
    while ((hit = strchr(s, '\001')) != NULL) {
        *hit = '\0';
        APR_ARRAY_PUSH(segs, const char *) = s;
        s = hit + 1;
    }
    APR_ARRAY_PUSH(segs, const char *) = s;
    return segs;
}

char *sec_csp_nonce_join(apr_pool_t *p, const apr_array_header_t *segs, const char *nonce)
{
    apr_size_t nl = strlen(nonce), len = 0, off = 0;
    int i;
    char *out;

    for (i = 0; i < segs->nelts; i++) {
        len += strlen(APR_ARRAY_IDX(segs, i, const char *)) + (i ? nl : 0);
    }
    out = apr_palloc(p, len + 1);
    for (i = 0; i < segs->nelts; i++) {
        const char *s = APR_ARRAY_IDX(segs, i, const char *);
        apr_size_t l = strlen(s);
        if (i) {
            memcpy(out + off, nonce, nl);
            off += nl;
        }
        memcpy(out + off, s, l);
        off += l;
    }
    out[off] = '\0';
    return out;
}

/* --- presets ---------------------------------------------------------------
 * The sources each vendor's own CSP guidance lists (docs/secheaders.md
 * quotes them with their origin). Applied with sec_csp_add, so they extend
 * whatever the profile and the admin already have. */
typedef struct {
    const char *name;
    const char *policy;
} preset_t;

static const preset_t PRESETS[] = {
    {"stripe",
     "script-src https://js.stripe.com https://*.js.stripe.com; "
     "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; "
     "connect-src https://api.stripe.com https://maps.googleapis.com"},
    {"google-analytics",
     "script-src https://*.googletagmanager.com; "
     "img-src https://*.google-analytics.com https://*.googletagmanager.com; "
     "connect-src https://*.google-analytics.com https://*.analytics.google.com "
     "https://*.googletagmanager.com"},
    {"google-fonts",
     "style-src https://fonts.googleapis.com; font-src https://fonts.gstatic.com"},
    {"youtube",
     "frame-src https://www.youtube.com https://www.youtube-nocookie.com; "
     "img-src https://i.ytimg.com"},
    {"vimeo",
     "frame-src https://player.vimeo.com; img-src https://i.vimeocdn.com"},
    {"recaptcha",
     "script-src https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/; "
     "frame-src https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/"},
    {NULL, NULL}
};

const char *sec_csp_preset_names(void)
{
    return "stripe, google-analytics, google-fonts, youtube, vimeo, recaptcha";
}

const char *sec_csp_preset_policy(const char *name)
{
    int i;
    for (i = 0; name && PRESETS[i].name; i++) {
        if (!strcasecmp(PRESETS[i].name, name)) {
            return PRESETS[i].policy;
        }
    }
    return NULL;
}

apr_status_t sec_csp_preset_apply(apr_pool_t *p, sec_csp_t *c, const char *name,
                                  const char **err)
{
    const char *text = sec_csp_preset_policy(name);
    sec_csp_t *pre;
    int i;

    if (!text) {
        *err = apr_psprintf(p, "unknown CSP preset '%s' (known: %s)", name ? name : "",
                            sec_csp_preset_names());
        return APR_NOTFOUND;
    }
    if (sec_csp_parse(p, text, &pre, err) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    for (i = 0; i < pre->dirs->nelts; i++) {
        const sec_csp_dir_t *d = &APR_ARRAY_IDX(pre->dirs, i, sec_csp_dir_t);
        if (sec_csp_add(p, c, d->name, d->sources->nelts,
                        (const char *const *)d->sources->elts, err) != APR_SUCCESS) {
            return APR_EINVAL;
        }
    }
    return APR_SUCCESS;
}
