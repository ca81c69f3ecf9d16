/* Security header profiles (sec_headers.h). The values follow the OWASP
 * Secure Headers Project and helmet's defaults; docs/secheaders.md lists
 * them exactly and t/unit/test_headers.c pins them. */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_headers.h"
#include "sec_parse.h"

/* The powerful features of the Permissions-Policy registry that browsers
 * implement, each denied to every origin. */
#define PERMISSIONS_DENY_ALL                                                   \
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), "          \
    "encrypted-media=(), geolocation=(), gyroscope=(), hid=(), "              \
    "idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), " \
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), " \
    "serial=(), usb=(), xr-spatial-tracking=()"

static const sec_hdr_field_t FIXED[] = {
    {"X-Content-Type-Options", "nosniff"},
    /* The XSS auditor is gone from browsers and was itself an attack
     * surface; OWASP's advice is to switch it off explicitly. */
    {"X-XSS-Protection", "0"},
    {"X-Permitted-Cross-Domain-Policies", "none"},
    {NULL, NULL}
};

static const sec_hdr_profile_t PROFILES[SEC_HDR_NPROFILES] = {
    {"strict",
     "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
     "object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; "
     "img-src 'self' data:; font-src 'self'; connect-src 'self'",
     "DENY", "strict-origin-when-cross-origin", PERMISSIONS_DENY_ALL,
     "same-origin", "same-origin", 1, FIXED},
    /* An API serves data, never documents to render: nothing may load,
     * nothing may frame it, no referrer leaves. */
    {"api",
     "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
     "DENY", "no-referrer", PERMISSIONS_DENY_ALL,
     "same-origin", "same-origin", 1, FIXED},
    /* What old PHP applications need and no more: inline styles (style=
     * attributes and <style> blocks are everywhere in them), frames of the
     * same origin (framesets, editors), popups that keep their opener
     * (payment and OAuth windows), images from sub-domains. Inline
     * *scripts* stay forbidden: use SecCSPNonce with SecCSPNonceInject, or
     * SecCSP script-src 'unsafe-inline' knowingly. */
    {"legacy",
     "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; "
     "object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
     "img-src 'self' data:; frame-src 'self'",
     "SAMEORIGIN", "strict-origin-when-cross-origin", PERMISSIONS_DENY_ALL,
     "same-origin-allow-popups", "same-site", 0, FIXED},
};

const sec_hdr_profile_t *sec_hdr_profile(int profile)
{
    return profile >= 0 && profile < SEC_HDR_NPROFILES ? &PROFILES[profile] : NULL;
}

int sec_hdr_profile_parse(const char *name)
{
    int i;
    for (i = 0; name && i < SEC_HDR_NPROFILES; i++) {
        if (!strcasecmp(PROFILES[i].name, name)) {
            return i;
        }
    }
    return -1;
}

const char *sec_hdr_permissions_deny_all(void)
{
    return PERMISSIONS_DENY_ALL;
}

int sec_hdr_referrer_policy_valid(const char *v)
{
    static const char *const tokens[] = {
        "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
        "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin",
        "unsafe-url", NULL
    };
    int i;
    for (i = 0; v && tokens[i]; i++) {
        if (!strcmp(tokens[i], v)) {
            return 1;
        }
    }
    return 0;
}

int sec_hdr_name_valid(const char *name)
{
    apr_size_t i;

    if (!name || !*name) {
        return 0;
    }
    for (i = 0; name[i]; i++) {
        unsigned char c = (unsigned char)name[i];
        if (i >= 128 || !(apr_isalnum(c) || strchr("!#$%&'*+-.^_`|~", c))) {
            return 0;
        }
    }
    return 1;
}

char *sec_hdr_hsts_value(apr_pool_t *p, apr_uint64_t max_age, int subdomains, int preload)
{
    return apr_psprintf(p, "max-age=%" APR_UINT64_T_FMT "%s%s", max_age,
                        subdomains ? "; includeSubDomains" : "", preload ? "; preload" : "");
}

apr_status_t sec_hdr_hsts_parse(apr_pool_t *p, int argc, const char *const *argv,
                                char **value, const char **err)
{
    apr_uint64_t max_age = SEC_HSTS_MIN_MAX_AGE;
    int subdomains = 1, preload = 0, i;

    for (i = 0; i < argc; i++) {
        const char *v;
        if (sec_parse_option(argv[i], "max-age", &v)) {
            apr_interval_time_t t;
            if (sec_parse_duration(v, &t) != APR_SUCCESS || t < 0) {
                *err = apr_psprintf(p, "max-age=%s: expected a duration, e.g. max-age=365d", v);
                return APR_EINVAL;
            }
            max_age = (apr_uint64_t)apr_time_sec(t);
            if (max_age < SEC_HSTS_MIN_MAX_AGE) {
                *err = apr_psprintf(p, "max-age=%s: at least one year (365d, 31536000) is "
                                    "needed for HSTS to protect first visits after a "
                                    "break", v);
                return APR_EINVAL;
            }
            if (max_age > 10u * SEC_HSTS_MIN_MAX_AGE) {
                *err = apr_psprintf(p, "max-age=%s: more than ten years is a typo", v);
                return APR_EINVAL;
            }
        }
        else if (!strcasecmp(argv[i], "includeSubDomains")) {
            subdomains = 1;
        }
        else if (!strcasecmp(argv[i], "noIncludeSubDomains")) {
            subdomains = 0;
        }
        else if (!strcasecmp(argv[i], "preload")) {
            preload = 1;
        }
        else {
            *err = apr_psprintf(p, "'%s': expected max-age=DURATION, includeSubDomains, "
                                "noIncludeSubDomains or preload", argv[i]);
            return APR_EINVAL;
        }
    }
    if (preload && !subdomains) {
        *err = "preload needs includeSubDomains (the preload list requires it)";
        return APR_EINVAL;
    }
    *value = sec_hdr_hsts_value(p, max_age, subdomains, preload);
    return APR_SUCCESS;
}

int sec_hdr_forwarded_https(const char *xfp)
{
    apr_size_t n;

    if (!xfp) {
        return 0;
    }
    while (*xfp == ' ' || *xfp == '\t') {
        xfp++;
    }
    n = strcspn(xfp, ", \t");
    return n == 5 && !strncasecmp(xfp, "https", 5);
}

static int is_token_char(unsigned char c)
{
    return apr_isalnum(c) || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int name_in(const char *s, apr_size_t n, const char *const *list)
{
    int i;
    for (i = 0; list[i]; i++) {
        if (strlen(list[i]) == n && !strncasecmp(list[i], s, n)) {
            return 1;
        }
    }
    return 0;
}

int sec_hdr_cors_headers_allowed(const char *requested, const apr_array_header_t *allowed)
{
    static const char *const safelisted[] = {"accept", "accept-language", "content-language",
                                             NULL};
    const char *s = requested;

    if (!s) {
        return 1;
    }
    while (*s) {
        const char *start, *end;
        apr_size_t n, i;
        int ok;

        while (*s == ' ' || *s == '\t' || *s == ',') {
            s++;
        }
        if (!*s) {
            break;
        }
        start = s;
        while (*s && *s != ',') {
            s++;
        }
        end = s;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }
        n = (apr_size_t)(end - start);
        for (i = 0; i < n; i++) {
            if (!is_token_char((unsigned char)start[i])) {
                return 0;
            }
        }
        ok = name_in(start, n, safelisted);
        for (i = 0; !ok && allowed && i < (apr_size_t)allowed->nelts; i++) {
            const char *a = APR_ARRAY_IDX(allowed, i, const char *);
            ok = strlen(a) == n && !strncasecmp(a, start, n);
        }
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

int sec_hdr_list_has(const char *list, const char *tok)
{
    apr_size_t n;

    if (!list || !tok || !*tok) {
        return 0;
    }
    n = strlen(tok);
    while (*list) {
        apr_size_t len = strcspn(list, ",");
        const char *e = list + len;
        while (len > 0 && (list[len - 1] == ' ' || list[len - 1] == '\t')) {
            len--;
        }
        if (len == n && !strncmp(list, tok, n)) {
            return 1;
        }
        list = *e ? e + 1 : e;
        while (*list == ' ' || *list == '\t') {
            list++;
        }
    }
    return 0;
}
