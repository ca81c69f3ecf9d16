/* Parsers for configuration values; see sec_parse.h. */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_parse.h"

/* Reads a non-negative decimal number; returns the end or NULL on overflow. */
static const char *read_u64(const char *s, apr_uint64_t *out)
{
    apr_uint64_t v = 0;
    const char *p = s;

    while (*p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p - '0');
        if (v > (APR_UINT64_MAX - d) / 10) {
            return NULL;
        }
        v = v * 10 + d;
        p++;
    }
    if (p == s) {
        return NULL;
    }
    *out = v;
    return p;
}

apr_status_t sec_parse_uint(const char *s, apr_uint64_t lo, apr_uint64_t hi, apr_uint64_t *out)
{
    apr_uint64_t v;
    const char *end = s ? read_u64(s, &v) : NULL;

    if (!end || *end || v < lo || v > hi) {
        return APR_EINVAL;
    }
    *out = v;
    return APR_SUCCESS;
}

apr_status_t sec_parse_duration(const char *s, apr_interval_time_t *out)
{
    apr_uint64_t n, mult;
    const char *end;

    if (!s || !*s) {
        return APR_EINVAL;
    }
    end = read_u64(s, &n);
    if (!end) {
        return APR_EINVAL;
    }
    if (!strcmp(end, "") || !strcmp(end, "s")) {
        mult = APR_USEC_PER_SEC;
    }
    else if (!strcmp(end, "ms")) {
        mult = 1000;
    }
    else if (!strcmp(end, "m")) {
        mult = 60 * APR_USEC_PER_SEC;
    }
    else if (!strcmp(end, "h")) {
        mult = 3600 * APR_USEC_PER_SEC;
    }
    else if (!strcmp(end, "d")) {
        mult = 86400 * APR_USEC_PER_SEC;
    }
    else if (!strcmp(end, "w")) {
        mult = 7 * 86400 * APR_USEC_PER_SEC;
    }
    else {
        return APR_EINVAL;
    }
    /* apr_interval_time_t is signed 64-bit: keep well inside it. */
    if (n > (apr_uint64_t)APR_INT64_MAX / mult) {
        return APR_EINVAL;
    }
    *out = (apr_interval_time_t)(n * mult);
    return APR_SUCCESS;
}

apr_status_t sec_parse_size(const char *s, apr_uint64_t *out)
{
    apr_uint64_t n, mult = 1;
    const char *end;

    if (!s || !*s) {
        return APR_EINVAL;
    }
    end = read_u64(s, &n);
    if (!end) {
        return APR_EINVAL;
    }
    switch (apr_toupper(*end)) {
    case '\0': break;
    case 'K': mult = 1024; end++; break;
    case 'M': mult = 1024 * 1024; end++; break;
    case 'G': mult = 1024 * 1024 * 1024; end++; break;
    default: return APR_EINVAL;
    }
    if (mult > 1 && (*end == 'B' || *end == 'b')) {
        end++;
    }
    if (*end) {
        return APR_EINVAL;
    }
    if (n > APR_UINT64_MAX / mult) {
        return APR_EINVAL;
    }
    *out = n * mult;
    return APR_SUCCESS;
}

static int host_char_ok(char c)
{
    return apr_isalnum(c) || c == '.' || c == '-' || c == '_';
}

apr_status_t sec_parse_hostport(apr_pool_t *p, const char *s, apr_port_t default_port,
                                char **host, apr_port_t *port)
{
    const char *h, *hend, *ps = NULL;
    apr_uint64_t pn;

    if (!s || !*s) {
        return APR_EINVAL;
    }
    if (*s == '[') {
        const char *c;
        h = s + 1;
        hend = strchr(h, ']');
        if (!hend || hend == h) {
            return APR_EINVAL;
        }
        for (c = h; c < hend; c++) {
            if (!apr_isxdigit(*c) && *c != ':' && *c != '.') {
                return APR_EINVAL;
            }
        }
        if (hend[1] == ':') {
            ps = hend + 2;
        }
        else if (hend[1] != '\0') {
            return APR_EINVAL;
        }
    }
    else {
        const char *c;
        h = s;
        hend = strchr(s, ':');
        if (hend) {
            if (strchr(hend + 1, ':')) {
                return APR_EINVAL;   /* bare IPv6 needs brackets */
            }
            ps = hend + 1;
        }
        else {
            hend = s + strlen(s);
        }
        if (hend == h) {
            return APR_EINVAL;
        }
        for (c = h; c < hend; c++) {
            if (!host_char_ok(*c)) {
                return APR_EINVAL;
            }
        }
    }
    if (ps) {
        const char *e = read_u64(ps, &pn);
        if (!e || *e || pn == 0 || pn > 65535) {
            return APR_EINVAL;
        }
        *port = (apr_port_t)pn;
    }
    else {
        *port = default_port;
    }
    *host = apr_pstrmemdup(p, h, (apr_size_t)(hend - h));
    return APR_SUCCESS;
}

int sec_parse_option(const char *s, const char *name, const char **value)
{
    apr_size_t n = strlen(name);

    if (!strncasecmp(s, name, n) && s[n] == '=') {
        *value = s + n + 1;
        return 1;
    }
    return 0;
}
