/* Web origins and origin allow-list patterns; see sec_origin.h.
 *
 * One parser (parse_authority) serves the three entry points: a serialised
 * origin, the front of a URL and an allow-list entry. It is strict on
 * purpose: what browsers put in Origin and Referer is already canonical
 * (WHATWG URL serialisation), so anything unusual is either an attack or an
 * admin's typo, and both are better refused than guessed at.
 */
#include <string.h>
#include <arpa/inet.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_origin.h"

#define DNS_NAME_MAX 253
#define DNS_LABEL_MAX 63

static int is_ws_or_ctl(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

/* The WHATWG serialisation of an IPv6 address (what browsers send): lower
 * case hex, no leading zeros, the first longest run of two or more zero
 * pieces compressed to "::", no embedded IPv4 form. */
static char *ipv6_string(apr_pool_t *p, const unsigned char a[16])
{
    char buf[8 * 5 + 1], *o = buf;
    unsigned pieces[8];
    int i, best = -1, best_len = 0, cur = -1, cur_len = 0;

    for (i = 0; i < 8; i++) {
        pieces[i] = ((unsigned)a[2 * i] << 8) | a[2 * i + 1];
        if (pieces[i] == 0) {
            if (cur < 0) {
                cur = i;
                cur_len = 0;
            }
            if (++cur_len > best_len) {
                best = cur;
                best_len = cur_len;
            }
        }
        else {
            cur = -1;
        }
    }
    if (best_len < 2) {
        best = -1;
    }
    for (i = 0; i < 8; i++) {
        if (i == best) {
            *o++ = ':';
            if (i == 0) {
                *o++ = ':';
            }
            i += best_len - 1;
            continue;
        }
        o += apr_snprintf(o, sizeof(buf) - (apr_size_t)(o - buf), "%x", pieces[i]);
        if (i < 7) {
            *o++ = ':';
        }
    }
    *o = '\0';
    return apr_pstrdup(p, buf);
}

/* A DNS name as the header describes it, or a dotted-quad IPv4 address.
 * A name whose last label is a number (or 0x-hex) is an IPv4 address to a
 * browser ("1.2.3" is 1.2.0.3), so it must then be a strict dotted quad:
 * otherwise two spellings of one host would be two origins. */
static const char *check_host_name(const char *h, apr_size_t n, int *is_ipv4)
{
    apr_size_t i, label = 0;
    const char *last;
    int numeric = 1, hex;

    *is_ipv4 = 0;
    if (n == 0) {
        return "the host is empty";
    }
    if (n > DNS_NAME_MAX) {
        return "the host name is longer than 253 characters";
    }
    for (i = 0; i <= n; i++) {
        char c = i < n ? h[i] : '.';
        if (c == '.') {
            if (label == 0) {
                return "the host has an empty label (\"..\", or a leading or trailing dot)";
            }
            if (h[i - 1] == '-') {
                return "a host label ends with '-'";
            }
            label = 0;
            continue;
        }
        if (!apr_isalnum(c) && c != '-') {
            return "the host may only hold letters, digits, '-' and '.' (IDNs in punycode)";
        }
        if (label == 0 && c == '-') {
            return "a host label starts with '-'";
        }
        if (++label > DNS_LABEL_MAX) {
            return "a host label is longer than 63 characters";
        }
    }
    /* Does the name end in a number, as the WHATWG host parser sees it? */
    last = h + n;
    while (last > h && last[-1] != '.') {
        last--;
    }
    hex = (h + n - last >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X'));
    for (i = hex ? 2 : 0; last + i < h + n; i++) {
        if (hex ? !apr_isxdigit(last[i]) : !apr_isdigit(last[i])) {
            numeric = 0;
            break;
        }
    }
    if (numeric) {
        unsigned char a4[4];
        char tmp[16];
        if (n >= sizeof(tmp)) {
            return "a numeric host must be an IPv4 address in dotted-quad form";
        }
        memcpy(tmp, h, n);
        tmp[n] = '\0';
        /* glibc's inet_pton(AF_INET) is strict: four decimal parts, no
         * leading zeros, no hex or octal, so what it accepts is canonical. */
        if (inet_pton(AF_INET, tmp, a4) != 1) {
            return "a numeric host must be an IPv4 address in dotted-quad form";
        }
        *is_ipv4 = 1;
    }
    return NULL;
}

/* Parses "scheme://host[:port]" in s[0..n) into out. With allow_star, a
 * host "*.<name>" is accepted and *star set (the host is then the name).
 * Returns NULL or what is wrong. */
static const char *parse_authority(apr_pool_t *p, const char *s, apr_size_t n, int allow_star,
                                   sec_origin_t *out, int *star)
{
    const char *h, *hend, *e = s + n, *c, *err;
    apr_size_t i;
    int https, is_ipv4;
    char *host;

    if (star) {
        *star = 0;
    }
    if (n > SEC_ORIGIN_MAX) {
        return "longer than 512 characters";
    }
    for (i = 0; i < n; i++) {
        if (is_ws_or_ctl((unsigned char)s[i])) {
            return "contains whitespace or a control character";
        }
    }
    if (n >= 7 && !strncasecmp(s, "http://", 7)) {
        https = 0;
        h = s + 7;
    }
    else if (n >= 8 && !strncasecmp(s, "https://", 8)) {
        https = 1;
        h = s + 8;
    }
    else {
        return "the scheme must be http:// or https://";
    }
    for (c = h; c < e; c++) {
        if (*c == '@') {
            return "user information (\"user@\") is not allowed";
        }
        if (*c == '/' || *c == '?' || *c == '#' || *c == '\\') {
            return "an origin has no path, query or fragment (not even a trailing '/')";
        }
    }
    if (h < e && *h == '[') {
        unsigned char a6[16];
        char tmp[INET6_ADDRSTRLEN];
        hend = memchr(h, ']', (apr_size_t)(e - h));
        if (!hend) {
            return "an IPv6 address lacks its closing ']'";
        }
        if ((apr_size_t)(hend - h - 1) >= sizeof(tmp)) {
            return "not a valid IPv6 address";
        }
        memcpy(tmp, h + 1, (apr_size_t)(hend - h - 1));
        tmp[hend - h - 1] = '\0';
        if (inet_pton(AF_INET6, tmp, a6) != 1) {
            return "not a valid IPv6 address (zone ids are not allowed)";
        }
        host = ipv6_string(p, a6);
        c = hend + 1;
        if (c < e && *c != ':') {
            return "junk after the IPv6 address";
        }
    }
    else {
        apr_size_t hn;
        hend = memchr(h, ':', (apr_size_t)(e - h));
        if (!hend) {
            hend = e;
        }
        hn = (apr_size_t)(hend - h);
        if (hn >= 1 && memchr(h, '*', hn)) {
            if (!allow_star) {
                return "'*' is not allowed in an origin";
            }
            if (hn == 1) {
                return "a bare '*' host would allow every site: use https://*.example.com";
            }
            if (h[0] != '*' || h[1] != '.') {
                return "'*' is only allowed as the whole first label (https://*.example.com)";
            }
            if (memchr(h + 1, '*', hn - 1)) {
                return "only one '*', as the whole first label (https://*.example.com)";
            }
            h += 2;
            hn -= 2;
            if (!memchr(h, '.', hn)) {
                return "'*.' needs at least two labels after it (https://*.example.com), "
                       "so a typo cannot allow a whole top-level domain";
            }
            *star = 1;
        }
        if ((err = check_host_name(h, hn, &is_ipv4)) != NULL) {
            return err;
        }
        if (star && *star && is_ipv4) {
            return "'*.' must be followed by a DNS name, not an IP address";
        }
        host = apr_pstrmemdup(p, h, hn);
        for (i = 0; i < hn; i++) {
            host[i] = (char)apr_tolower(host[i]);
        }
        c = hend;
    }
    out->scheme = https ? "https" : "http";
    out->host = host;
    out->port = https ? 443 : 80;
    if (c < e) {
        /* c is at ':'. Ports as browsers serialise them: 1-65535, decimal,
         * no sign, no leading zero. */
        apr_uint32_t port = 0;
        c++;
        if (c == e) {
            return "the port after ':' is empty";
        }
        if (*c == '0') {
            return "the port must be 1-65535 without leading zeros";
        }
        for (; c < e; c++) {
            if (!apr_isdigit(*c)) {
                return "the port must be a decimal number";
            }
            port = port * 10 + (apr_uint32_t)(*c - '0');
            if (port > 65535) {
                return "the port must be 1-65535";
            }
        }
        out->port = (apr_port_t)port;
    }
    return NULL;
}

apr_status_t sec_origin_parse(apr_pool_t *p, const char *s, sec_origin_t *out)
{
    apr_size_t n;

    if (!s || !out) {
        return APR_EINVAL;
    }
    /* strnlen: never walk a huge header just to refuse it */
    n = strnlen(s, SEC_ORIGIN_MAX + 1);
    return parse_authority(p, s, n, 0, out, NULL) ? APR_EINVAL : APR_SUCCESS;
}

int sec_origin_is_null(const char *s)
{
    return s && !strcmp(s, "null");
}

apr_status_t sec_origin_from_url(apr_pool_t *p, const char *url, sec_origin_t *out)
{
    const char *h, *e;

    if (!url || !out) {
        return APR_EINVAL;
    }
    if (!strncasecmp(url, "http://", 7)) {
        h = url + 7;
    }
    else if (!strncasecmp(url, "https://", 8)) {
        h = url + 8;
    }
    else {
        return APR_EINVAL;
    }
    /* The authority ends at the path, query or fragment. A backslash is a
     * path separator to browsers; left in, it fails the host check, so
     * "https://evil\@good" is refused rather than read as good. */
    for (e = h; *e && *e != '/' && *e != '?' && *e != '#'; e++) {
        if ((apr_size_t)(e - url) >= SEC_ORIGIN_MAX) {
            return APR_EINVAL;      /* the origin part alone is too long */
        }
    }
    return parse_authority(p, url, (apr_size_t)(e - url), 0, out, NULL) ? APR_EINVAL
                                                                         : APR_SUCCESS;
}

static int default_port(const sec_origin_t *o)
{
    return o->port == (strcmp(o->scheme, "https") ? 80 : 443);
}

char *sec_origin_string(apr_pool_t *p, const sec_origin_t *o)
{
    int v6 = strchr(o->host, ':') != NULL;

    if (default_port(o)) {
        return apr_pstrcat(p, o->scheme, v6 ? "://[" : "://", o->host, v6 ? "]" : "", NULL);
    }
    return apr_psprintf(p, "%s://%s%s%s:%u", o->scheme, v6 ? "[" : "", o->host, v6 ? "]" : "",
                        (unsigned)o->port);
}

int sec_origin_equal(const sec_origin_t *a, const sec_origin_t *b)
{
    if (!a || !b || !a->scheme || !b->scheme || !a->host || !b->host) {
        return 0;
    }
    return a->port == b->port && !strcmp(a->scheme, b->scheme) && !strcmp(a->host, b->host);
}

apr_status_t sec_origin_pattern_parse(apr_pool_t *p, const char *s, sec_origin_pattern_t *out,
                                      const char **err)
{
    const char *why;
    apr_size_t n;
    int star = 0;

    if (!s || !*s) {
        why = "empty origin";
    }
    else if (!strcmp(s, "*")) {
        why = "'*' would allow every site: list origins, or use https://*.example.com";
    }
    else if (!strcasecmp(s, "null")) {
        why = "\"null\" (the opaque origin of sandboxed frames, files and redirects) cannot be "
              "allow-listed";
    }
    else {
        n = strnlen(s, SEC_ORIGIN_MAX + 1);
        why = parse_authority(p, s, n, 1, &out->origin, &star);
    }
    if (why) {
        if (err) {
            *err = why;
        }
        return APR_EINVAL;
    }
    out->subdomains = star;
    if (err) {
        *err = NULL;
    }
    return APR_SUCCESS;
}

int sec_origin_pattern_match(const sec_origin_pattern_t *pat, const sec_origin_t *o)
{
    apr_size_t hl, sl;

    if (!pat || !o || !o->host || !o->scheme) {
        return 0;
    }
    if (!pat->subdomains) {
        return sec_origin_equal(&pat->origin, o);
    }
    if (o->port != pat->origin.port || strcmp(o->scheme, pat->origin.scheme)) {
        return 0;
    }
    /* At least one whole label before ".suffix": never the suffix itself,
     * never "badexample.com" for "*.example.com". */
    hl = strlen(o->host);
    sl = strlen(pat->origin.host);
    return hl > sl + 1 && o->host[hl - sl - 1] == '.' && !strcmp(o->host + hl - sl,
                                                                 pat->origin.host);
}

int sec_origin_list_match(const apr_array_header_t *list, const sec_origin_t *o)
{
    int i;

    if (!list || !o) {
        return 0;
    }
    for (i = 0; i < list->nelts; i++) {
        if (sec_origin_pattern_match(&APR_ARRAY_IDX(list, i, sec_origin_pattern_t), o)) {
            return 1;
        }
    }
    return 0;
}
