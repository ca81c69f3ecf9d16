/* sec_redirect_check (sec_session.h) on the NUL-terminated input: the
 * redirect= target a client hands the login and logout handlers, with an
 * allow-list of two origins (one sub-domain pattern).
 *
 * Invariants: an accepted target is the input itself; it is at most
 * SEC_REDIRECT_MAX bytes of printable non-space ASCII without a backslash;
 * it is either a local path -- one '/' first, not followed by '/' or '\',
 * and no decoding of it (up to three rounds of percent-decoding) starts
 * with "//" or "/\" or contains a control character or backslash -- or an
 * http(s) URL whose origin is on the list. A refusal always says why. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_session.h"
#include "sec_origin.h"

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* An independent decoder: malformed escapes stay; returns the decoded
 * length (NUL bytes included), writing into out. */
static size_t decode(const char *in, size_t n, char *out)
{
    size_t i = 0, o = 0;

    while (i < n) {
        if (in[i] == '%' && i + 2 < n && hexv(in[i + 1]) >= 0 && hexv(in[i + 2]) >= 0) {
            out[o++] = (char)(hexv(in[i + 1]) * 16 + hexv(in[i + 2]));
            i += 3;
        }
        else {
            out[o++] = in[i++];
        }
    }
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static apr_pool_t *keep;
    static apr_array_header_t *allowed;
    apr_pool_t *p = fz_init();
    char *s = fz_cstr(data, size);
    const char *why = NULL, *got;

    if (!keep) {
        const char *err;
        apr_pool_create(&keep, NULL);
        allowed = apr_array_make(keep, 2, sizeof(sec_origin_pattern_t));
        FZ_ASSERT(sec_origin_pattern_parse(keep, "https://app.example.com", apr_array_push(allowed),
                                           &err) == APR_SUCCESS);
        FZ_ASSERT(sec_origin_pattern_parse(keep, "https://*.corp.example", apr_array_push(allowed),
                                           &err) == APR_SUCCESS);
    }
    got = sec_redirect_check(p, s, allowed, &why);
    if (!got) {
        FZ_ASSERT(why && *why);
    }
    else {
        size_t n = strlen(got), i;
        FZ_ASSERT(got == s || !strcmp(got, s));
        FZ_ASSERT(n > 0 && n <= SEC_REDIRECT_MAX && n == strlen(s));
        for (i = 0; i < n; i++) {
            FZ_ASSERT((unsigned char)got[i] > 0x20 && (unsigned char)got[i] < 0x7f &&
                      got[i] != '\\');
        }
        if (got[0] == '/') {
            char *a = malloc(n + 1), *b = malloc(n + 1);
            size_t len = n;
            int round;
            FZ_ASSERT(got[1] != '/' && got[1] != '\\');
            memcpy(a, got, n);
            for (round = 0; round < 3; round++) {
                size_t m = decode(a, len, b);
                FZ_ASSERT(!(m >= 2 && b[0] == '/' && (b[1] == '/' || b[1] == '\\')));
                for (i = 0; i < m; i++) {
                    FZ_ASSERT((unsigned char)b[i] >= 0x20 && b[i] != 0x7f && b[i] != '\\');
                }
                memcpy(a, b, m);
                len = m;
            }
            free(a);
            free(b);
        }
        else {
            sec_origin_t o;
            FZ_ASSERT(!strncasecmp(got, "http://", 7) || !strncasecmp(got, "https://", 8));
            FZ_ASSERT(sec_origin_from_url(p, got, &o) == APR_SUCCESS);
            FZ_ASSERT(sec_origin_list_match(allowed, &o));
        }
    }
    free(s);
    fz_pool_clear(p);
    return 0;
}
