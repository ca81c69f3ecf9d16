/* Where a login or logout may send the browser afterwards. The target comes
 * from the client (a redirect= parameter), so this is an open-redirect
 * filter: local paths, or origins the admin listed, nothing else.
 *
 * Browsers are generous with URLs: "//evil", "/\evil" and "\\evil" are all
 * other hosts to them, tabs and newlines inside a URL are dropped before it
 * is parsed, and some applications decode a redirect target once more
 * before using it. So the rules are stricter than the URL grammar. */
#include <string.h>
#include <apr_strings.h>
#include "sec_session.h"
#include "sec_origin.h"

#define DECODE_ROUNDS 3

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One round of percent-decoding; malformed escapes stay as they are. */
static char *decode_once(apr_pool_t *p, const char *s, int *changed)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    *changed = 0;
    while (*s) {
        int h, l;
        if (s[0] == '%' && (h = hexval(s[1])) >= 0 && (l = hexval(s[2])) >= 0) {
            *o++ = (char)(h * 16 + l);
            s += 3;
            *changed = 1;
        }
        else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* What decoding may not reveal: control characters (also NUL, which ends
 * the decoded string early: a decoded length shorter than expected) and
 * backslashes. */
static int bad_decoded(const char *s, apr_size_t expect_len)
{
    const unsigned char *u = (const unsigned char *)s;

    if (strlen(s) != expect_len) {
        return 1;   /* a %00 */
    }
    for (; *u; u++) {
        if (*u < 0x20 || *u == 0x7f || *u == '\\') {
            return 1;
        }
    }
    return 0;
}

static apr_size_t decoded_len(const char *s)
{
    apr_size_t n = 0;

    while (*s) {
        if (s[0] == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            s += 3;
        }
        else {
            s++;
        }
        n++;
    }
    return n;
}

/* Every decoding of s (up to DECODE_ROUNDS) is free of control characters
 * and backslashes; when local, none of them starts with "//" or "/\". */
static const char *check_decodings(apr_pool_t *p, const char *s, int local)
{
    const char *d = s;
    int round, changed;

    for (round = 0; round < DECODE_ROUNDS; round++) {
        apr_size_t want = decoded_len(d);
        char *next = decode_once(p, d, &changed);
        if (!changed) {
            break;
        }
        if (bad_decoded(next, want)) {
            return "an encoded control character or backslash";
        }
        if (local && next[0] == '/' && (next[1] == '/' || next[1] == '\\')) {
            return "a path that decodes to another host (\"//\")";
        }
        if (local && next[0] != '/') {
            return "a path that decodes to something else than a path";
        }
        d = next;
    }
    return NULL;
}

const char *sec_redirect_check(apr_pool_t *p, const char *target,
                               const apr_array_header_t *allowed, const char **why)
{
    const unsigned char *u;
    apr_size_t len;
    const char *bad;

    *why = NULL;
    if (!target || !*target) {
        *why = "empty";
        return NULL;
    }
    len = strnlen(target, SEC_REDIRECT_MAX + 1);
    if (len > SEC_REDIRECT_MAX) {
        *why = "longer than 2048 bytes";
        return NULL;
    }
    for (u = (const unsigned char *)target; *u; u++) {
        if (*u <= 0x20 || *u >= 0x7f || *u == '\\') {
            *why = "a space, control character, backslash or non-ASCII byte";
            return NULL;
        }
    }
    if (target[0] == '/') {
        if (target[1] == '/') {
            *why = "a protocol-relative URL (\"//\")";
            return NULL;
        }
        if ((bad = check_decodings(p, target, 1))) {
            *why = bad;
            return NULL;
        }
        return target;
    }
    if (strncasecmp(target, "https://", 8) && strncasecmp(target, "http://", 7)) {
        *why = "neither a local path nor an http(s) URL";
        return NULL;
    }
    {
        sec_origin_t o;
        if (!allowed || allowed->nelts == 0) {
            *why = "an absolute URL, and no origin is allowed";
            return NULL;
        }
        if (sec_origin_from_url(p, target, &o) != APR_SUCCESS) {
            *why = "not a well-formed http(s) URL";
            return NULL;
        }
        if (!sec_origin_list_match(allowed, &o)) {
            *why = "an origin that is not allowed";
            return NULL;
        }
        if ((bad = check_decodings(p, target, 0))) {
            *why = bad;
            return NULL;
        }
    }
    return target;
}
