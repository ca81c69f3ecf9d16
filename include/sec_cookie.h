/* Cookies: reading a Cookie request header and writing Set-Cookie values.
 *
 * Reading follows the lenient parsing browsers and servers agree on
 * (RFC 6265 section 5.4 and its successor draft): pairs separated by ';',
 * optional spaces around them, the name up to the first '=', a value in
 * double quotes loses them. Pairs without '=' are skipped. Never reads past
 * the NUL; any input is valid input.
 */
#ifndef SEC_COOKIE_H
#define SEC_COOKIE_H

#include <apr_pools.h>

#define SEC_COOKIE_HEADER_MAX 16384   /* longer Cookie headers are not parsed */

/* How many pairs named name (case-sensitive) the header carries; *first is
 * set to the value of the first one (NULL when none). Callers that must not
 * be confused by cookie tossing (a sub-domain planting a second cookie of
 * the same name) refuse counts above 1. */
int sec_cookie_find(apr_pool_t *p, const char *header, const char *name, const char **first);

/* The header without any pair named name, or NULL when nothing is left: so
 * a secret cookie need not reach the application or a backend. The other
 * pairs keep their order and text (trimmed of the spaces around them; pairs
 * without '=' are kept too, empty ones dropped), joined by "; " (or ";" where
 * the input had no room for the space): the result is never longer than
 * the header. Unlike find, remove works on headers of any length, so a pair
 * is never passed on because its header was too long to parse. */
char *sec_cookie_remove(apr_pool_t *p, const char *header, const char *name);

typedef struct {
    const char *path;          /* NULL: no Path attribute */
    const char *domain;        /* NULL: host-only */
    int secure;
    int http_only;
    const char *same_site;     /* "Strict", "Lax", "None" or NULL */
    apr_int64_t max_age;       /* seconds; -1: a session cookie (no Max-Age);
                                  0: delete it (Max-Age=0 and an Expires in the past) */
} sec_cookie_attrs_t;

/* "name=value; Path=/; Domain=...; Max-Age=...; Secure; HttpOnly;
 * SameSite=Lax", attributes in that order and only those asked for; value
 * NULL is "", a NULL a is no attributes; same_site is written in its
 * canonical case. The value must already be cookie-safe (base64url tokens
 * are). NULL, never a broken header, when the name is not a token, the value
 * is not RFC 6265 cookie-octets (optionally in double quotes), path or
 * domain is empty or holds ';' or a control character, or same_site is not
 * one of the three. */
char *sec_cookie_format(apr_pool_t *p, const char *name, const char *value,
                        const sec_cookie_attrs_t *a);

/* Whether browsers would accept such a cookie: NULL when yes, else why not
 * (for configtest): the name must be an RFC 7230 token; "__Host-" needs
 * Secure, Path=/ and no Domain; "__Secure-" needs Secure; SameSite=None
 * needs Secure; same_site must be one of the three (case-insensitive). The
 * prefixes are matched case-insensitively, as browsers do (RFC 6265bis).
 * Also refused: a Path not starting with '/', and a Path or Domain that
 * format would refuse (or a Domain with a space). a NULL: no attributes. */
const char *sec_cookie_check(const char *name, const sec_cookie_attrs_t *a);

/* 1 when s is a valid cookie name (an RFC 7230 token). */
int sec_cookie_name_valid(const char *s);

#endif
