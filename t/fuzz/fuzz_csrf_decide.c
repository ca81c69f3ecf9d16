/* sec_csrf_decide and the form-action checks (sec_csrf.h) on header values
 * a client chooses.
 *
 * Input layout: fields separated by NUL: method, Sec-Fetch-Site, Origin,
 * Referer, a form action, a <base href>; a field that is the single byte
 * 0x01 stands for "header absent". The last byte's bits choose the token
 * state and the no-origin option.
 *
 * Invariants: safe methods always pass and read nothing; Sec-Fetch-Site
 * same-origin/none pass and cross-site refuses whatever else is sent;
 * every PASS and REFUSE has a reason and every result a check; NEED_TOKEN
 * only while the token is unchecked; the decision is deterministic and the
 * token state only matters when Fetch Metadata, Origin and Referer did not
 * decide; an action the checks call same-origin that starts like an
 * absolute or scheme-relative http(s) URL really parses to the page's
 * origin; javascript: and data: never pass; under a foreign <base> only
 * absolute (or empty) actions pass. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_csrf.h"

#define NF 6

/* Printable ASCII without '&' or '\\': what a browser reads as written. */
static int plain_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == '&' || *s == '\\') {
            return 0;
        }
    }
    return 1;
}

static const char *field(char **f, int n, int i)
{
    if (i >= n || (f[i][0] == '\x01' && f[i][1] == '\0')) {
        return NULL;
    }
    return f[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *f[NF];
    int n, i;
    sec_origin_t self;
    apr_array_header_t *trusted;
    const char *err = NULL;
    sec_csrf_input_t in;
    sec_csrf_result_t out, again;
    uint8_t last = size ? data[size - 1] : 0;
    const char *action, *base;
    int base_cross, same;

    n = fz_split(data, size ? size - 1 : 0, "\0", 1, f, NF);
    FZ_ASSERT(sec_origin_parse(p, "https://app.example", &self) == APR_SUCCESS);
    trusted = apr_array_make(p, 2, sizeof(sec_origin_pattern_t));
    FZ_ASSERT(sec_origin_pattern_parse(p, "https://*.example.com", apr_array_push(trusted), &err) == APR_SUCCESS);

    memset(&in, 0, sizeof(in));
    in.method = field(f, n, 0);
    in.fetch_site = field(f, n, 1);
    in.origin = field(f, n, 2);
    in.referer = field(f, n, 3);
    in.self = &self;
    in.trusted = trusted;
    in.no_origin_refuse = last & 1;
    in.token = (sec_csrf_token_state_e)((last >> 1) & 3);
    sec_csrf_decide(p, &in, &out);

    FZ_ASSERT(out.check != NULL);
    FZ_ASSERT(out.verdict == SEC_CSRF_PASS || out.verdict == SEC_CSRF_REFUSE ||
              out.verdict == SEC_CSRF_NEED_TOKEN);
    FZ_ASSERT((out.verdict == SEC_CSRF_NEED_TOKEN) == (out.reason == NULL));
    if (out.verdict == SEC_CSRF_NEED_TOKEN) {
        FZ_ASSERT(in.token == SEC_CSRF_TOKEN_UNCHECKED && !in.no_origin_refuse);
    }
    if (!sec_csrf_method_protected(in.method)) {
        FZ_ASSERT(out.verdict == SEC_CSRF_PASS && out.read == 0);
    }
    else if (in.fetch_site && !strcasecmp(in.fetch_site, "cross-site")) {
        FZ_ASSERT(out.verdict == SEC_CSRF_REFUSE && !strcmp(out.reason, "cross-site"));
    }
    else if (in.fetch_site && (!strcasecmp(in.fetch_site, "same-origin") ||
                               !strcasecmp(in.fetch_site, "none"))) {
        FZ_ASSERT(out.verdict == SEC_CSRF_PASS);
    }
    if (out.verdict == SEC_CSRF_PASS && strcmp(out.check, "token")) {
        /* decided by headers: the token state cannot change it */
        for (i = 0; i < 4; i++) {
            in.token = (sec_csrf_token_state_e)i;
            sec_csrf_decide(p, &in, &again);
            FZ_ASSERT(again.verdict == out.verdict && !strcmp(again.reason, out.reason));
        }
    }
    else {
        sec_csrf_decide(p, &in, &again);
        FZ_ASSERT(again.verdict == out.verdict && again.read == out.read);
    }

    action = field(f, n, 4);
    base = field(f, n, 5);
    base_cross = sec_csrf_base_cross(p, base, &self);
    same = sec_csrf_action_same_origin(p, action, &self, base_cross);
    FZ_ASSERT(same == 0 || same == 1);
    FZ_ASSERT(sec_csrf_action_same_origin(p, action, NULL, base_cross) == 0);
    if (same && action && plain_ascii(action)) {
        sec_origin_t o;
        /* plain absolute and scheme-relative URLs are same-origin only when
         * they really are; other schemes never are */
        if (!strncmp(action, "http://", 7) || !strncmp(action, "https://", 8)) {
            FZ_ASSERT(sec_origin_from_url(p, action, &o) == APR_SUCCESS &&
                      sec_origin_equal(&o, &self));
        }
        if (!strncmp(action, "//", 2)) {
            FZ_ASSERT(sec_origin_from_url(p, apr_pstrcat(p, "https:", action, NULL), &o) ==
                          APR_SUCCESS && sec_origin_equal(&o, &self));
        }
        FZ_ASSERT(strncasecmp(action, "javascript:", 11) && strncasecmp(action, "data:", 5));
        /* under a foreign <base>, a same-origin action is absolute or empty */
        if (base_cross) {
            const char *c = action;
            while (*c && (unsigned char)*c <= 0x20) {
                c++;
            }
            if (*c) {
                FZ_ASSERT(strchr(action, ':') || strstr(action, "//") || strchr(action, '\\') ||
                          strchr(action, '&') || strpbrk(action, "\t\n\r"));
            }
        }
    }

    fz_free_fields(f, n);
    fz_pool_clear(p);
    return 0;
}
