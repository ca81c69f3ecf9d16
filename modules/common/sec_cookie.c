/* Cookie header parsing and Set-Cookie formatting; see sec_cookie.h.
 *
 * find and remove walk the header with one splitter (next_pair), so they
 * can never disagree about where a pair is or what it is called: a cookie
 * remove() keeps is a cookie find() would not have seen, and the other way
 * round.
 */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_cookie.h"

typedef struct {
    const char *start, *end;     /* the pair, separators excluded */
    const char *name, *name_end; /* trimmed; name == NULL: no '=' */
    const char *val, *val_end;   /* trimmed, quotes still on */
} pair_t;

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* The pair starting at s (just after a ';' or at the start); returns the
 * position after it (its ';' or the NUL). */
static const char *next_pair(const char *s, pair_t *pr)
{
    const char *e = s, *eq = NULL;

    while (*e && *e != ';') {
        if (!eq && *e == '=') {
            eq = e;
        }
        e++;
    }
    pr->start = s;
    pr->end = e;
    pr->name = NULL;
    if (eq) {
        const char *a = s, *b = eq;
        while (a < b && is_ows(*a)) {
            a++;
        }
        while (b > a && is_ows(b[-1])) {
            b--;
        }
        pr->name = a;
        pr->name_end = b;
        a = eq + 1;
        b = e;
        while (a < b && is_ows(*a)) {
            a++;
        }
        while (b > a && is_ows(b[-1])) {
            b--;
        }
        pr->val = a;
        pr->val_end = b;
    }
    return e;
}

static int pair_is(const pair_t *pr, const char *name, apr_size_t n)
{
    return pr->name && (apr_size_t)(pr->name_end - pr->name) == n && !memcmp(pr->name, name, n);
}

int sec_cookie_find(apr_pool_t *p, const char *header, const char *name, const char **first)
{
    const char *s;
    apr_size_t n;
    int count = 0;

    if (first) {
        *first = NULL;
    }
    if (!header || !name || strnlen(header, SEC_COOKIE_HEADER_MAX + 1) > SEC_COOKIE_HEADER_MAX) {
        return 0;
    }
    n = strlen(name);
    for (s = header;; s++) {
        pair_t pr;
        s = next_pair(s, &pr);
        if (pair_is(&pr, name, n)) {
            if (++count == 1 && first) {
                const char *v = pr.val, *ve = pr.val_end;
                if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
                    v++;
                    ve--;
                }
                *first = apr_pstrmemdup(p, v, (apr_size_t)(ve - v));
            }
        }
        if (!*s) {
            break;
        }
    }
    return count;
}

char *sec_cookie_remove(apr_pool_t *p, const char *header, const char *name)
{
    char *out, *o;
    const char *s, *prev_end = NULL;
    apr_size_t n;

    if (!header) {
        return NULL;
    }
    if (!name) {
        return apr_pstrdup(p, header);
    }
    n = strlen(name);
    o = out = apr_palloc(p, strlen(header) + 1);
    for (s = header;; s++) {
        pair_t pr;
        s = next_pair(s, &pr);
        if (!pair_is(&pr, name, n)) {
            /* Keep the pair as it was (minus the spaces around it), so the
             * application reads exactly the values it read before. */
            const char *a = pr.start, *b = pr.end;
            while (a < b && is_ows(*a)) {
                a++;
            }
            while (b > a && is_ows(b[-1])) {
                b--;
            }
            if (a < b) {
                /* "; " between pairs, or ";" where the input had no room
                 * for the space: the result is never longer than the
                 * header, so it stays within SEC_COOKIE_HEADER_MAX */
                if (prev_end) {
                    *o++ = ';';
                    if (a - prev_end >= 2) {
                        *o++ = ' ';
                    }
                }
                memcpy(o, a, (apr_size_t)(b - a));
                o += b - a;
                prev_end = b;
            }
        }
        if (!*s) {
            break;
        }
    }
    *o = '\0';
    return o > out ? out : NULL;
}

/* RFC 7230 tchar */
static int is_tchar(unsigned char c)
{
    return apr_isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

int sec_cookie_name_valid(const char *s)
{
    if (!s || !*s) {
        return 0;
    }
    for (; *s; s++) {
        if (!is_tchar((unsigned char)*s)) {
            return 0;
        }
    }
    return 1;
}

/* RFC 6265 cookie-octet: visible ASCII except DQUOTE, ',', ';' and '\'. */
static int value_valid(const char *s)
{
    apr_size_t n = strlen(s);
    const unsigned char *c = (const unsigned char *)s, *e = c + n;

    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        c++;
        e--;
    }
    for (; c < e; c++) {
        if (*c < 0x21 || *c > 0x7e || *c == '"' || *c == ',' || *c == ';' || *c == '\\') {
            return 0;
        }
    }
    return 1;
}

/* An attribute value must not end the attribute or the header early. */
static int attr_value_valid(const char *s)
{
    const unsigned char *c = (const unsigned char *)s;

    if (!*c) {
        return 0;
    }
    for (; *c; c++) {
        if (*c < 0x20 || *c == 0x7f || *c == ';') {
            return 0;
        }
    }
    return 1;
}

static const char *same_site_canonical(const char *s)
{
    if (!s) {
        return NULL;
    }
    if (!strcasecmp(s, "Strict")) {
        return "Strict";
    }
    if (!strcasecmp(s, "Lax")) {
        return "Lax";
    }
    if (!strcasecmp(s, "None")) {
        return "None";
    }
    return "";
}

char *sec_cookie_format(apr_pool_t *p, const char *name, const char *value,
                        const sec_cookie_attrs_t *a)
{
    static const sec_cookie_attrs_t none = {NULL, NULL, 0, 0, NULL, -1};
    const char *ss;
    char *max_age = NULL;

    if (!a) {
        a = &none;
    }
    if (!value) {
        value = "";
    }
    ss = same_site_canonical(a->same_site);
    if (!sec_cookie_name_valid(name) || !value_valid(value)
        || (a->path && !attr_value_valid(a->path)) || (a->domain && !attr_value_valid(a->domain))
        || (ss && !*ss)) {
        return NULL;
    }
    if (a->max_age == 0) {
        /* Max-Age=0 for current browsers, a date in the past for old ones. */
        max_age = "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    }
    else if (a->max_age > 0) {
        max_age = apr_psprintf(p, "; Max-Age=%" APR_INT64_T_FMT, a->max_age);
    }
    return apr_pstrcat(p, name, "=", value,
                       a->path ? "; Path=" : "", a->path ? a->path : "",
                       a->domain ? "; Domain=" : "", a->domain ? a->domain : "",
                       max_age ? max_age : "",
                       a->secure ? "; Secure" : "",
                       a->http_only ? "; HttpOnly" : "",
                       ss ? "; SameSite=" : "", ss ? ss : "",
                       NULL);
}

const char *sec_cookie_check(const char *name, const sec_cookie_attrs_t *a)
{
    static const sec_cookie_attrs_t none = {NULL, NULL, 0, 0, NULL, -1};
    const char *ss;

    if (!a) {
        a = &none;
    }
    if (!sec_cookie_name_valid(name)) {
        return "the cookie name must be a non-empty token: letters, digits and "
               "!#$%&'*+-.^_`|~ (no spaces, '=', ';', quotes or control characters)";
    }
    ss = same_site_canonical(a->same_site);
    if (ss && !*ss) {
        return "SameSite must be Strict, Lax or None";
    }
    if (a->path && (a->path[0] != '/' || !attr_value_valid(a->path))) {
        return "the cookie Path must start with '/' and hold no ';' or control characters";
    }
    if (a->domain && (!attr_value_valid(a->domain) || strchr(a->domain, ' '))) {
        return "the cookie Domain must be a host name without spaces, ';' or control characters";
    }
    /* Browsers match the prefixes case-insensitively (RFC 6265bis), so
     * "__host-x" is held to the same rules as "__Host-x". */
    if (!strncasecmp(name, "__Host-", 7)) {
        if (!a->secure || !a->path || strcmp(a->path, "/") || a->domain) {
            return "a __Host- cookie needs Secure, Path=/ and no Domain";
        }
    }
    else if (!strncasecmp(name, "__Secure-", 9) && !a->secure) {
        return "a __Secure- cookie needs Secure";
    }
    if (ss && !strcmp(ss, "None") && !a->secure) {
        return "SameSite=None needs Secure";
    }
    return NULL;
}
