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
 * a secret cookie need not reach the application or a backend. */
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

/* "name=value; Path=/; Max-Age=...; Secure; HttpOnly; SameSite=Lax". The
 * value must already be cookie-safe (base64url tokens are). */
char *sec_cookie_format(apr_pool_t *p, const char *name, const char *value,
                        const sec_cookie_attrs_t *a);

/* Whether browsers would accept such a cookie: NULL when yes, else why not
 * (for configtest): the name must be an RFC 7230 token; "__Host-" needs
 * Secure, Path=/ and no Domain; "__Secure-" needs Secure; SameSite=None
 * needs Secure; same_site must be one of the three (case-insensitive). */
const char *sec_cookie_check(const char *name, const sec_cookie_attrs_t *a);

/* 1 when s is a valid cookie name (an RFC 7230 token). */
int sec_cookie_name_valid(const char *s);

#endif
