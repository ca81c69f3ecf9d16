/* sec_origin_parse, sec_origin_from_url, sec_origin_pattern_parse and the
 * matchers (sec_origin.h): Origin and Referer headers are attacker input,
 * allow-list entries are admin input.
 *
 * Input layout: "<A>\n<B>" (the first '\n' splits; without one, B is A).
 * A is tried as an origin, a URL and a pattern; B as an origin the pattern
 * is matched against.
 */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_origin.h"

static int is_lower_host(const char *h)
{
    for (; *h; h++) {
        unsigned char c = (unsigned char)*h;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
              || c == ':')) {
            return 0;
        }
    }
    return 1;
}

/* What every parsed origin promises. */
static void check_origin(apr_pool_t *p, const sec_origin_t *o)
{
    sec_origin_t back;
    const char *s;

    FZ_ASSERT(!strcmp(o->scheme, "http") || !strcmp(o->scheme, "https"));
    FZ_ASSERT(o->host && *o->host);
    FZ_ASSERT(is_lower_host(o->host));
    FZ_ASSERT(o->port != 0);
    s = sec_origin_string(p, o);
    FZ_ASSERT(s && strlen(s) <= SEC_ORIGIN_MAX);
    /* the canonical string re-parses to an equal origin, and is a fixed point */
    FZ_ASSERT(sec_origin_parse(p, s, &back) == APR_SUCCESS);
    FZ_ASSERT(sec_origin_equal(o, &back));
    FZ_ASSERT(!strcmp(sec_origin_string(p, &back), s));
    /* an origin is a URL, with or without a path */
    FZ_ASSERT(sec_origin_from_url(p, s, &back) == APR_SUCCESS && sec_origin_equal(o, &back));
    FZ_ASSERT(sec_origin_from_url(p, apr_pstrcat(p, s, "/x?y#z", NULL), &back) == APR_SUCCESS
              && sec_origin_equal(o, &back));
    /* never "null", never a path, never a default port */
    FZ_ASSERT(!sec_origin_is_null(s));
    FZ_ASSERT(!strchr(s + strlen(o->scheme) + 3, '/'));
    {
        /* the port is written exactly when it is not the scheme's default */
        const char *ps = apr_psprintf(p, ":%u", (unsigned)o->port);
        int dflt = o->port == (strcmp(o->scheme, "https") ? 80 : 443);
        apr_size_t sl = strlen(s), pl = strlen(ps);
        FZ_ASSERT((sl > pl && !strcmp(s + sl - pl, ps)) == !dflt);
    }
    {
        /* an exact pattern of it matches it */
        sec_origin_pattern_t pt;
        const char *err = "unset";
        FZ_ASSERT(sec_origin_pattern_parse(p, s, &pt, &err) == APR_SUCCESS && err == NULL);
        FZ_ASSERT(!pt.subdomains && sec_origin_pattern_match(&pt, o));
    }
}

/* The oracle for a sub-domain pattern, written differently from the code. */
static int suffix_oracle(const sec_origin_pattern_t *pt, const sec_origin_t *o)
{
    apr_size_t hl = strlen(o->host), sl = strlen(pt->origin.host);
    const char *dot;

    if (strcmp(o->scheme, pt->origin.scheme) || o->port != pt->origin.port || hl <= sl) {
        return 0;
    }
    dot = o->host + (hl - sl) - 1;
    return *dot == '.' && !memcmp(dot + 1, pt->origin.host, sl) && dot > o->host;
}

static void check_pattern(apr_pool_t *p, const char *s, const sec_origin_pattern_t *pt,
                          int parsed_exact, const sec_origin_t *exact)
{
    sec_origin_t o;

    FZ_ASSERT(!strchr(pt->origin.host, '*'));
    if (!pt->subdomains) {
        /* an exact entry is exactly what sec_origin_parse makes of it */
        FZ_ASSERT(parsed_exact && sec_origin_equal(&pt->origin, exact));
        return;
    }
    FZ_ASSERT(!parsed_exact);
    /* at least two labels after the star, a DNS name, not an IP address */
    FZ_ASSERT(strchr(pt->origin.host, '.') && !strchr(pt->origin.host, ':'));
    FZ_ASSERT(s[0] != '*');
    /* a sub-domain matches; the suffix itself and a glued-on name don't */
    if (sec_origin_parse(p, apr_psprintf(p, "%s://a.%s:%u", pt->origin.scheme, pt->origin.host,
                                         (unsigned)pt->origin.port), &o) == APR_SUCCESS) {
        FZ_ASSERT(sec_origin_pattern_match(pt, &o));
    }
    FZ_ASSERT(sec_origin_parse(p, apr_psprintf(p, "%s://%s:%u", pt->origin.scheme,
                                               pt->origin.host, (unsigned)pt->origin.port),
                               &o) == APR_SUCCESS);
    FZ_ASSERT(!sec_origin_pattern_match(pt, &o));
    if (sec_origin_parse(p, apr_psprintf(p, "%s://a%s:%u", pt->origin.scheme, pt->origin.host,
                                         (unsigned)pt->origin.port), &o) == APR_SUCCESS) {
        FZ_ASSERT(!sec_origin_pattern_match(pt, &o));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *f[2];
    int n = fz_split(data, size, "\n", 1, f, 2);
    const char *a = f[0], *b = n > 1 ? f[1] : f[0];
    sec_origin_t oa, ob, ou;
    sec_origin_pattern_t pt;
    const char *err = "unset";
    int have_a, have_b, have_pt;

    have_a = sec_origin_parse(p, a, &oa) == APR_SUCCESS;
    if (have_a) {
        check_origin(p, &oa);
    }
    FZ_ASSERT(sec_origin_is_null(a) == !strcmp(a, "null"));
    if (sec_origin_from_url(p, a, &ou) == APR_SUCCESS) {
        check_origin(p, &ou);
        if (have_a) {
            FZ_ASSERT(sec_origin_equal(&oa, &ou));
        }
    }
    else {
        /* every serialised origin is also a URL */
        FZ_ASSERT(!have_a);
    }
    have_pt = sec_origin_pattern_parse(p, a, &pt, &err) == APR_SUCCESS;
    if (have_pt) {
        FZ_ASSERT(err == NULL);
        check_pattern(p, a, &pt, have_a, &oa);
    }
    else {
        FZ_ASSERT(err && *err);
        FZ_ASSERT(!have_a);
    }

    have_b = sec_origin_parse(p, b, &ob) == APR_SUCCESS;
    if (have_b) {
        check_origin(p, &ob);
        if (have_pt) {
            apr_array_header_t *list = apr_array_make(p, 1, sizeof(sec_origin_pattern_t));
            int m = sec_origin_pattern_match(&pt, &ob);
            FZ_ASSERT(m == (pt.subdomains ? suffix_oracle(&pt, &ob) : sec_origin_equal(&pt.origin, &ob)));
            APR_ARRAY_PUSH(list, sec_origin_pattern_t) = pt;
            FZ_ASSERT(sec_origin_list_match(list, &ob) == m);
        }
        if (have_a) {
            /* equality is equality of canonical strings */
            FZ_ASSERT(sec_origin_equal(&oa, &ob)
                      == !strcmp(sec_origin_string(p, &oa), sec_origin_string(p, &ob)));
        }
    }

    fz_free_fields(f, n);
    fz_pool_clear(p);
    return 0;
}
