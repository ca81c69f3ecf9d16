/* CSRF defence: the layered decision, the token format and the checks on
 * form actions, as pure functions of their inputs (mod_seccsrf is the httpd
 * glue around them).
 *
 * The decision, for a request with a protected method (every method but
 * GET, HEAD, OPTIONS and TRACE; method names are case-sensitive):
 *   1. Sec-Fetch-Site (Fetch Metadata): "same-origin" and "none" pass,
 *      "cross-site" is refused, "same-site" is refused unless Origin is a
 *      trusted origin. Any other value is ignored (as if absent).
 *   2. Otherwise Origin, when present: the request's own origin or a
 *      trusted one passes; anything else, "null" and unparsable values
 *      included, is refused.
 *   3. Otherwise a same-origin Referer passes; failing that the request
 *      needs a valid token, or is refused outright where the caller asked
 *      for that (no_origin_refuse).
 *
 * Tokens:  <key id> "." base64url(16 random bytes) "." base64url(HMAC)
 * where HMAC = HMAC-SHA256(K, "secmods-csrf-v1" NUL binding NUL random)
 * and K = sec_derive_key(keyring key, "csrf-token"). The binding says whom
 * the token belongs to ("s:" + a session reference, "p:" + a pre-session
 * cookie value): a token is valid only with the binding it was made for,
 * so a token taken from one session is refused in another. The token uses
 * only [A-Za-z0-9_.-]: safe in a cookie, a header and an HTML attribute.
 */
#ifndef SEC_CSRF_H
#define SEC_CSRF_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "sec_keyring.h"
#include "sec_origin.h"

#define SEC_CSRF_TOKEN_MAX 200        /* longer input is never a token */
#define SEC_CSRF_RANDOM_LEN 16
#define SEC_CSRF_KEY_PURPOSE "csrf-token"
#define SEC_CSRF_PRESESSION_LEN 22    /* base64url of 16 random bytes */

/* --- tokens ---------------------------------------------------------------- */

typedef enum {
    SEC_CSRF_TOKEN_VALID = 0,
    SEC_CSRF_TOKEN_MALFORMED,         /* not the format (or too long) */
    SEC_CSRF_TOKEN_UNKNOWN_KEY,       /* its key is not (any more) in the keyring */
    SEC_CSRF_TOKEN_MISMATCH           /* the MAC does not match this binding */
} sec_csrf_token_status_e;

/* A new token for binding (non-NULL), signed with the keyring's current key; NULL when
 * there is no current key or the CSPRNG fails. */
char *sec_csrf_token_make(apr_pool_t *p, const sec_keyring_t *kr, const char *binding);

/* Verifies token (len bytes, need not be NUL-terminated) for binding, with
 * whichever keyring key its id names; the MAC is compared in constant time. */
sec_csrf_token_status_e sec_csrf_token_verify(apr_pool_t *p, const sec_keyring_t *kr,
                                              const char *binding, const char *token,
                                              apr_size_t len);

/* "malformed", "unknown-key", "mismatch" (for events), "valid". */
const char *sec_csrf_token_status_name(sec_csrf_token_status_e st);

/* A new pre-session cookie value (SEC_CSRF_PRESESSION_LEN characters of
 * base64url), NULL when the CSPRNG fails. */
char *sec_csrf_presession_make(apr_pool_t *p);

/* 1 when s looks like one (length and alphabet): anything else a client
 * sends is ignored and replaced. */
int sec_csrf_presession_valid(const char *s);

/* --- the decision ------------------------------------------------------------ */

/* 1 for methods the checks apply to. */
int sec_csrf_method_protected(const char *method);

typedef enum {
    SEC_CSRF_TOKEN_UNCHECKED = 0,     /* not looked at yet */
    SEC_CSRF_TOKEN_ABSENT,            /* looked for: none sent (or tokens off) */
    SEC_CSRF_TOKEN_OK,
    SEC_CSRF_TOKEN_BAD
} sec_csrf_token_state_e;

typedef struct {
    const char *method;
    const char *fetch_site;           /* Sec-Fetch-Site, NULL when absent */
    const char *origin;               /* Origin, NULL when absent */
    const char *referer;              /* Referer, NULL when absent */
    const sec_origin_t *self;         /* the request's own origin; NULL: unknown
                                         (then nothing is same-origin) */
    const apr_array_header_t *trusted;  /* sec_origin_pattern_t; may be NULL */
    int no_origin_refuse;             /* layer 3: refuse instead of asking for a token */
    sec_csrf_token_state_e token;
} sec_csrf_input_t;

typedef enum {
    SEC_CSRF_PASS = 0,
    SEC_CSRF_REFUSE,
    SEC_CSRF_NEED_TOKEN               /* call again with the token looked at */
} sec_csrf_verdict_e;

/* Which request headers the decision read (for Vary). */
#define SEC_CSRF_READ_FETCH_SITE 0x1
#define SEC_CSRF_READ_ORIGIN     0x2
#define SEC_CSRF_READ_REFERER    0x4

typedef struct {
    sec_csrf_verdict_e verdict;
    /* Why, as a short word for envelopes, events and metrics.
     * pass:   "safe-method", "same-origin", "user-initiated" (Sec-Fetch-Site:
     *         none), "trusted-origin", "origin", "referer", "token"
     * refuse: "cross-site", "same-site", "bad-origin", "no-origin",
     *         "missing-token", "bad-token" */
    const char *reason;
    /* The layer that decided: "method", "fetch-metadata", "origin",
     * "referer", "token". */
    const char *check;
    unsigned read;                    /* SEC_CSRF_READ_* */
} sec_csrf_result_t;

void sec_csrf_decide(apr_pool_t *p, const sec_csrf_input_t *in, sec_csrf_result_t *out);

/* --- form actions ------------------------------------------------------------ */

/* Whether a form whose action attribute is action (raw, as in the page:
 * NULL when absent) submits to self. base_cross: the page's <base href>
 * points to another origin (sec_csrf_base_cross), so relative actions
 * leave self. The browser's parsing is followed where it matters for the
 * origin: character references are decoded, leading and trailing spaces
 * and control characters dropped, tabs and newlines anywhere removed, '\'
 * counts as '/'. Anything unclear (an unknown "&name;" or a non-ASCII
 * character before the query, other schemes, javascript:) counts as
 * another origin: a token is never handed to a form that might post it
 * elsewhere. */
int sec_csrf_action_same_origin(apr_pool_t *p, const char *action, const sec_origin_t *self,
                                int base_cross);

/* 1 when a <base href="..."> makes relative URLs resolve outside self
 * (same rules as above); 0 for NULL, empty, relative or same-origin. */
int sec_csrf_base_cross(apr_pool_t *p, const char *href, const sec_origin_t *self);

#endif
