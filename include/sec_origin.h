/* Web origins (RFC 6454): scheme, host and port, as the Origin request
 * header carries them and as admins list them (CORS allow-lists, CSRF
 * trusted origins, login redirect allow-lists).
 *
 * One canonical form: the scheme and host in lower case, the scheme's
 * default port left out, IPv6 hosts in brackets. Two origins are the same
 * exactly when their canonical strings are equal.
 */
#ifndef SEC_ORIGIN_H
#define SEC_ORIGIN_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_network_io.h>

#define SEC_ORIGIN_MAX 512     /* longer input is refused, never truncated */

typedef struct {
    const char *scheme;        /* "http" or "https" */
    const char *host;          /* lower case; an IPv6 literal without brackets */
    apr_port_t port;           /* explicit, or the scheme's default (80, 443) */
} sec_origin_t;

/* Strict parse of a serialised origin: "https://example.com",
 * "http://127.0.0.1:8080", "https://[2001:db8::1]:8443". Refused with
 * APR_EINVAL: other schemes, userinfo, a path (even "/"), query, fragment,
 * whitespace or control characters anywhere, an empty or malformed host
 * (a DNS name is dot-separated labels of [A-Za-z0-9-] not starting or
 * ending with '-'; an IP literal must parse), port 0, > 65535 or with a
 * sign or leading junk, input over SEC_ORIGIN_MAX. "null" is not an
 * origin here: callers test sec_origin_is_null() first.
 * In detail: the scheme is case-insensitive; a DNS name has labels of at
 * most 63 and at most 253 characters in all, no empty label (so no
 * trailing dot); a host whose last label is a number (or 0x...) is an IPv4
 * address to a browser ("1.2.3" is 1.2.0.3), so it must be a strict
 * dotted quad; IPv6 is in brackets, without zone id, kept in the WHATWG
 * serialisation browsers send (lower-case hex, "::" for the first longest
 * zero run, "::ffff:c000:201" for "::ffff:192.0.2.1"); a port is 1-65535
 * in decimal without leading zeros, and ":" alone is refused. */
apr_status_t sec_origin_parse(apr_pool_t *p, const char *s, sec_origin_t *out);

/* 1 for the opaque origin a browser sends as "null" (exactly that text). */
int sec_origin_is_null(const char *s);

/* The origin of an absolute http(s) URL, e.g. a Referer header:
 * "https://Example.com:443/a?b#c" -> https://example.com. Same host and port
 * rules as sec_origin_parse; anything after the authority (from the first
 * '/', '?' or '#') is ignored, userinfo is refused, and so is a backslash
 * in the authority (browsers read it as '/': "https://evil\@good/").
 * The URL may be of any length; its scheme and authority must fit in
 * SEC_ORIGIN_MAX. Every string sec_origin_parse accepts is accepted here
 * too, with the same result. */
apr_status_t sec_origin_from_url(apr_pool_t *p, const char *url, sec_origin_t *out);

/* The canonical string. */
char *sec_origin_string(apr_pool_t *p, const sec_origin_t *o);

int sec_origin_equal(const sec_origin_t *a, const sec_origin_t *b);

/* An allow-list entry: an exact origin, or a pattern for every sub-domain,
 * written as the scheme, "://", then "*.example.com[:port]" (the star and
 * the slashes are spelt apart here only because C comments cannot hold
 * them together): matches a.example.com and a.b.example.com (same scheme
 * and port), never example.com itself nor badexample.com. The '*' is only
 * allowed as the whole first label; a bare "*", a star alone as the host
 * and "*.com"-style patterns with a single label after the star are
 * refused, so a typo can't allow the whole web. Neither can "null" be
 * listed. A pattern cannot know public suffixes: "*.co.uk" is accepted. */
typedef struct {
    sec_origin_t origin;       /* for a pattern: host is the suffix after "*." */
    int subdomains;
} sec_origin_pattern_t;

/* On failure *err says what is wrong with s (for configtest messages; it
 * does not quote s, so the caller names the directive and the value); on
 * success *err is NULL. err may be NULL. An entry without '*' gives what
 * sec_origin_parse gives. */
apr_status_t sec_origin_pattern_parse(apr_pool_t *p, const char *s, sec_origin_pattern_t *out,
                                      const char **err);
int sec_origin_pattern_match(const sec_origin_pattern_t *pat, const sec_origin_t *o);
/* list: an array of sec_origin_pattern_t; 0 for an empty or NULL list. */
int sec_origin_list_match(const apr_array_header_t *list, const sec_origin_t *o);

#endif
