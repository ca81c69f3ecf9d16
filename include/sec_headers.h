/* Security header profiles and the small value checks of mod_secheaders,
 * httpd-independent so the exact header values are unit tested and
 * documented from one place. */
#ifndef SEC_HEADERS_H
#define SEC_HEADERS_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef enum {
    SEC_HDR_STRICT = 0,
    SEC_HDR_API = 1,
    SEC_HDR_LEGACY = 2,
    SEC_HDR_NPROFILES = 3
} sec_hdr_profile_e;

typedef struct {
    const char *name;
    const char *value;
} sec_hdr_field_t;

typedef struct {
    const char *name;                 /* "strict", "api", "legacy" */
    const char *csp;                  /* Content-Security-Policy */
    const char *frame_options;        /* X-Frame-Options */
    const char *referrer_policy;      /* Referrer-Policy */
    const char *permissions_policy;   /* Permissions-Policy */
    const char *coop;                 /* Cross-Origin-Opener-Policy */
    const char *corp;                 /* Cross-Origin-Resource-Policy */
    int no_store_authenticated;       /* Cache-Control: no-store when r->user is set */
    const sec_hdr_field_t *fixed;     /* more fields, NULL-terminated */
} sec_hdr_profile_t;

/* The profile; NULL for an out-of-range value. */
const sec_hdr_profile_t *sec_hdr_profile(int profile);
/* "strict" -> SEC_HDR_STRICT ...; -1 for an unknown name (case-insensitive). */
int sec_hdr_profile_parse(const char *name);

/* Permissions-Policy denying the powerful features to every origin,
 * "accelerometer=(), camera=(), ..." (the strict and api profiles' value). */
const char *sec_hdr_permissions_deny_all(void);

/* One of the Referrer-Policy tokens of the W3C spec (lower case). */
int sec_hdr_referrer_policy_valid(const char *v);

/* A header field name: an RFC 9110 token of at most 128 characters. */
int sec_hdr_name_valid(const char *name);

#define SEC_HSTS_MIN_MAX_AGE 31536000u   /* one year: below it HSTS protects little */

/* "max-age=31536000; includeSubDomains[; preload]". */
char *sec_hdr_hsts_value(apr_pool_t *p, apr_uint64_t max_age, int subdomains, int preload);

/* The arguments of SecHSTS: [max-age=DURATION] [includeSubDomains|
 * noIncludeSubDomains] [preload]; defaults one year, includeSubDomains.
 * Refused: max-age under one year, preload without includeSubDomains,
 * unknown words. */
apr_status_t sec_hdr_hsts_parse(apr_pool_t *p, int argc, const char *const *argv,
                                char **value, const char **err);

/* 1 when an X-Forwarded-Proto value says the client's scheme was https (the
 * first element of a comma list, as the nearest proxy appended it last but
 * the client-facing one wrote it first; case-insensitive). */
int sec_hdr_forwarded_https(const char *xfp);

/* CORS preflight checks on attacker-supplied lists (no allocation):
 *
 * 1 when every element of the comma-separated `requested` (a preflight's
 * Access-Control-Request-Headers) is a header name in `allowed` (const
 * char*, lower case; may be NULL) or CORS-safelisted (accept,
 * accept-language, content-language), compared case-insensitively; empty
 * elements are skipped. 0 as soon as one element is neither, or is not a
 * token. */
int sec_hdr_cors_headers_allowed(const char *requested, const apr_array_header_t *allowed);

/* 1 when tok is exactly one element of the ", "-separated list (methods are
 * case-sensitive: "get" is not "GET"). */
int sec_hdr_list_has(const char *list, const char *tok);

#endif
