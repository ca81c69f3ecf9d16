/* Content-Security-Policy as an object: directives holding sets of sources,
 * parsed and validated (CSP Level 3 grammar), merged per directive, and
 * rendered once into header text.
 *
 *   default-src 'self'; script-src 'self' https://cdn.example.com; object-src 'none'
 *
 * Sources are kept normalised (keywords, schemes and hosts in lower case) and
 * without duplicates, in the order they were added. Every function that
 * takes a source or a directive name validates it and, on failure, sets
 * *err to a message naming it (for configtest).
 */
#ifndef SEC_CSP_H
#define SEC_CSP_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct {
    const char *name;                 /* lower case */
    apr_array_header_t *sources;      /* const char *, normalised, no duplicates */
} sec_csp_dir_t;

typedef struct {
    apr_array_header_t *dirs;         /* sec_csp_dir_t, in order */
} sec_csp_t;

/* What a directive's value is. */
typedef enum {
    SEC_CSP_KIND_UNKNOWN = 0,
    SEC_CSP_KIND_FETCH,               /* default-src, script-src, ...: source lists */
    SEC_CSP_KIND_SOURCES,             /* base-uri, form-action: source lists */
    SEC_CSP_KIND_ANCESTORS,           /* frame-ancestors: 'self', 'none', schemes, hosts */
    SEC_CSP_KIND_FLAG,                /* upgrade-insecure-requests: no value */
    SEC_CSP_KIND_SANDBOX,             /* allow-* tokens */
    SEC_CSP_KIND_REPORT_URI,          /* URLs */
    SEC_CSP_KIND_REPORT_TO,           /* one group name */
    SEC_CSP_KIND_TT_FOR,              /* require-trusted-types-for 'script' */
    SEC_CSP_KIND_TRUSTED_TYPES,       /* policy names */
    SEC_CSP_KIND_WEBRTC               /* 'allow' | 'block' */
} sec_csp_kind_e;

/* The kind of a directive name (case-insensitive), UNKNOWN for names CSP
 * does not define (typos included: "script_src", "scriptsrc"). */
sec_csp_kind_e sec_csp_directive_kind(const char *name);

/* Validates one source for a directive; on success *norm (may be NULL) is
 * its normalised form. Refused, with a message: keywords without their
 * single quotes (self, 'self), unknown keywords, malformed nonces and hashes
 * (wrong digest length for sha256/384/512), bad schemes, hosts (empty
 * labels, bad characters, a '*' anywhere but the first label), ports (0,
 * > 65535) and paths (';' ',' or control characters), and sources the
 * directive does not take. */
apr_status_t sec_csp_check_source(apr_pool_t *p, const char *directive, const char *source,
                                  const char **norm, const char **err);

sec_csp_t *sec_csp_make(apr_pool_t *p);
/* A deep copy (arrays copied; strings shared, they are never modified). */
sec_csp_t *sec_csp_copy(apr_pool_t *p, const sec_csp_t *c);

/* Parses a serialised policy ("a b; c d"). Empty directives (";;") are
 * skipped; a directive named twice, an unknown directive or a bad source
 * is an error. */
apr_status_t sec_csp_parse(apr_pool_t *p, const char *policy, sec_csp_t **out,
                           const char **err);

/* The directive, or NULL. */
const sec_csp_dir_t *sec_csp_get(const sec_csp_t *c, const char *name);

/* Adds sources to a directive (merge semantics):
 * - a directive that holds only 'none' loses it when a real source comes;
 * - an absent fetch directive starts from the sources of the directive it
 *   falls back to (script-src-elem -> script-src -> default-src; frame-src
 *   -> child-src -> default-src ...), so adding a CDN to script-src does not
 *   silently drop 'self' inherited from default-src;
 * - 'none' cannot be added (that would drop what is there): replace instead;
 * - a flag directive takes no sources (adding it switches it on);
 * - report-to and webrtc take one value, which replaces the old one. */
apr_status_t sec_csp_add(apr_pool_t *p, sec_csp_t *c, const char *directive, int n,
                         const char *const *sources, const char **err);

/* Replaces a directive's sources; n == 0 removes the directive (for a flag
 * directive, n == 0 with replace=on is sec_csp_add). 'none' must stand alone. */
apr_status_t sec_csp_replace(apr_pool_t *p, sec_csp_t *c, const char *directive, int n,
                             const char *const *sources, const char **err);

/* Removes a directive; 1 when it was there. */
int sec_csp_remove(sec_csp_t *c, const char *directive);

/* The header value; "" for an empty policy. */
char *sec_csp_render(apr_pool_t *p, const sec_csp_t *c);

/* A rendering with a per-request nonce in script-src (and style-src when
 * style is set), cut where the nonce goes: segs holds n+1 strings for n
 * insertions. The nonce is added with sec_csp_add's rules (fallback copied,
 * 'none' dropped). Per request only sec_csp_nonce_join runs: one
 * concatenation, no rendering. */
apr_array_header_t *sec_csp_nonce_template(apr_pool_t *p, const sec_csp_t *c, int style);
char *sec_csp_nonce_join(apr_pool_t *p, const apr_array_header_t *segs, const char *nonce);

/* Named vendor presets (the sources each vendor documents for its CSP):
 * the preset's additions are applied with sec_csp_add. APR_NOTFOUND for an
 * unknown name. */
apr_status_t sec_csp_preset_apply(apr_pool_t *p, sec_csp_t *c, const char *name,
                                  const char **err);
/* The presets' names, ", "-separated, for messages and docs. */
const char *sec_csp_preset_names(void);
/* The preset's policy text (its additions), or NULL. */
const char *sec_csp_preset_policy(const char *name);

#endif
