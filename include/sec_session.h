/* Sessions, login assertions, redirect targets and service-to-service HMAC
 * signatures: the httpd-independent half of mod_secsession, shared with
 * secctl and the tests.
 *
 * Session cookie value (all of it cookie-safe ASCII):
 *
 *     1.<kid>.<id>.<mac>
 *
 *   1     format version
 *   kid   id of the keyring key that made the MAC (1-32 of [A-Za-z0-9_-])
 *   id    base64url of 32 CSPRNG bytes (256 bits): the session id
 *   mac   base64url of HMAC-SHA256(sec_derive_key(key, "session-cookie"),
 *         "1.<kid>.<id>"), 32 bytes
 *
 * A cookie is checked (format, key, MAC in constant time) before anything
 * looks in the store, so forged or mangled cookies cost no store lookup.
 *
 * The store never sees the id: the session record lives under its
 * reference, base64url(SHA-256("secmods-session-ref:" id)) cut to 16 bytes
 * (22 characters). The reference is key-independent (stable across key
 * rotation), safe to log, and what the admin revokes by.
 */
#ifndef SEC_SESSION_H
#define SEC_SESSION_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>
#include "sec_crypto.h"
#include "sec_keyring.h"

/* --- store layout, shared by mod_secsession and secctl ------------------------ */

#define SEC_SESSION_NS            "session"   /* shared store */
#define SEC_SESSION_KEY_RECORD    "r:"        /* r:<ref>  the record (JSON) */
#define SEC_SESSION_KEY_SEEN      "s:"        /* s:<ref>  last seen, microseconds */
#define SEC_SESSION_KEY_TOMB      "x:"        /* x:<ref>  why it ended ("logout", "revoked") */
#define SEC_SESSION_KEY_USERGEN   "u:"        /* u:<user> the user's generation */
#define SEC_SESSION_KEY_GLOBALGEN "g"         /* everyone's generation */
#define SEC_SESSION_NS_CACHE      "sessc"     /* local: <ref> validated records */
#define SEC_SESSION_NS_GENCACHE   "sessg"     /* local: g, u:<user> generations */
#define SEC_HMAC_NS               "hmac"      /* shared: <digest> signatures seen */

/* --- keys --------------------------------------------------------------------- */

#define SEC_SESSION_ID_BYTES 32
#define SEC_SESSION_COOKIE_MAX 160   /* longer values are refused unread */
#define SEC_SESSION_REF_LEN 22

/* One keyring key turned into a per-purpose key, once, not per request. */
typedef struct {
    const char *kid;
    unsigned char key[SEC_HMAC_LEN];
} sec_session_key_t;

typedef struct {
    apr_array_header_t *keys;            /* of sec_session_key_t */
    const sec_session_key_t *current;
} sec_session_keys_t;

/* Derive every key of kr for purpose (sec_derive_key); the derived keys are
 * wiped when p is cleared. NULL kr gives NULL. */
sec_session_keys_t *sec_session_keys_make(apr_pool_t *p, const sec_keyring_t *kr,
                                          const char *purpose);
const sec_session_key_t *sec_session_keys_find(const sec_session_keys_t *ks, const char *kid,
                                               apr_size_t len);

/* --- the cookie --------------------------------------------------------------- */

typedef enum {
    SEC_SC_OK = 0,
    SEC_SC_MALFORMED,     /* not "1.kid.id.mac", wrong lengths or characters */
    SEC_SC_UNKNOWN_KEY,   /* kid not in the keyring (retired, or never ours) */
    SEC_SC_BAD_MAC        /* forged or altered */
} sec_session_cookie_e;

/* A fresh session id: base64url of SEC_SESSION_ID_BYTES from the CSPRNG
 * (NULL when the generator fails). */
char *sec_session_id_new(apr_pool_t *p);

/* The cookie value for id, MAC'd with the current key. */
char *sec_session_cookie_make(apr_pool_t *p, const sec_session_keys_t *ks, const char *id);

/* Checks a cookie value; on SEC_SC_OK *id and *kid are set. Any input is
 * valid input; nothing is read past the NUL. */
sec_session_cookie_e sec_session_cookie_parse(apr_pool_t *p, const sec_session_keys_t *ks,
                                              const char *value, const char **id,
                                              const char **kid);
const char *sec_session_cookie_reason(sec_session_cookie_e e);

/* The reference of a session id (see the top of this file). */
char *sec_session_ref(apr_pool_t *p, const char *id);
/* 1 for a well-formed reference (22 characters of base64url). */
int sec_session_ref_valid(const char *ref);

/* --- users and roles ---------------------------------------------------------- */

#define SEC_SESSION_USER_MAX 256
#define SEC_SESSION_ROLE_MAX 64
#define SEC_SESSION_ROLES_MAX 32

/* 1 when s can be a session's user: 1-256 bytes of valid UTF-8 without
 * control characters, not starting or ending with a space. */
int sec_session_user_valid(const char *s);

/* 1 when s is a role name: 1-64 of [A-Za-z0-9_.:-]. */
int sec_session_role_valid(const char *s, apr_size_t len);

/* "a, b,a" -> "a,b": roles separated by commas (spaces around them are
 * ignored), duplicates dropped, order kept; "" for none. At most 32. */
apr_status_t sec_session_roles_parse(apr_pool_t *p, const char *s, const char **canonical,
                                     const char **err);

/* A role file in AuthGroupFile's format ("role: user user ...", '#'
 * comments): the roles whose line names user, as a canonical list ("" for
 * none). Lines without a ':' or with a bad role name are skipped and
 * counted in *bad_lines. */
apr_status_t sec_session_roles_from_groups(apr_pool_t *p, const char *text, apr_size_t len,
                                           const char *user, const char **roles,
                                           int *bad_lines);

/* 1 when the canonical list roles contains role. */
int sec_session_roles_has(const char *roles, const char *role);

/* --- the record ----------------------------------------------------------------- */

typedef struct {
    const char *user;
    const char *roles;               /* canonical, "" for none */
    apr_time_t created;
    apr_time_t seen;                 /* last seen as far as the writer knew */
    const char *kid;                 /* key of the cookie it was issued with */
    const char *ip;                  /* client address at login (may be NULL) */
    const char *method;              /* "form" or "app" */
    apr_uint64_t user_gen;           /* generations at creation */
    apr_uint64_t global_gen;
    apr_interval_time_t idle;        /* timeouts in effect at creation */
    apr_interval_time_t absolute;
    apr_time_t validated;            /* local cache entries: when checked with the
                                        store; 0 in the shared record */
} sec_session_record_t;

/* Compact JSON: {"v":1,"u":..,"r":..,"c":..,"s":..,"k":..,"ip":..,"m":..,
 * "ug":..,"gg":..,"i":..,"a":..[,"at":..]} with times in microseconds. */
char *sec_session_record_encode(apr_pool_t *p, const sec_session_record_t *rec);

/* Strict: refuses anything that is not a record this code wrote (an
 * unparseable or foreign value in the store is no session). */
apr_status_t sec_session_record_decode(apr_pool_t *p, const char *buf, apr_size_t len,
                                       sec_session_record_t *rec);

/* The local cache's entry for a validated record: the same fields as one
 * tab-separated line, "c1\t<validated>\t<created>\t<seen>\t<idle>\t<absolute>
 * \t<user_gen>\t<global_gen>\t<kid>\t<method>\t<ip>\t<roles>\t<user>" (ip "-"
 * when unknown). Read on every request of a cached session, so it is parsed
 * with a few strchr calls instead of a JSON parser (about 20 times faster);
 * tabs cannot occur in any field (users and roles refuse control
 * characters). Decoding is as strict as for the JSON record. */
char *sec_session_cache_encode(apr_pool_t *p, const sec_session_record_t *rec);
apr_status_t sec_session_cache_decode(apr_pool_t *p, const char *buf, apr_size_t len,
                                      sec_session_record_t *rec);

typedef enum {
    SEC_SR_VALID = 0,
    SEC_SR_IDLE,            /* idle for longer than the idle timeout */
    SEC_SR_ABSOLUTE         /* older than the absolute timeout */
} sec_session_check_e;

/* The record's state at now under a location's timeouts (0: take the
 * record's). The stricter of the record's and the location's applies, so a
 * location can shorten a session's life but never extend it. */
sec_session_check_e sec_session_record_check(const sec_session_record_t *rec, apr_time_t now,
                                             apr_interval_time_t idle,
                                             apr_interval_time_t absolute);

/* How stale a stored last-seen time may get before it is written again:
 * idle/8, at least 1 s, at most 60 s. Sessions can thus end up to that much
 * before their idle timeout, never after it. */
apr_interval_time_t sec_session_seen_interval(apr_interval_time_t idle);

/* Seconds the shared record still has to live (>= 1). */
apr_uint32_t sec_session_record_ttl(const sec_session_record_t *rec, apr_time_t now);

/* --- login assertions from the application ------------------------------------ */

/* "alice; roles=admin,editor": the user, then optional parameters separated
 * by ';' (only roles= is known; its value may be quoted). Spaces around
 * parts are ignored. Unknown or repeated parameters, an invalid user or
 * role, a ',' in the user (a header sent twice arrives merged as
 * "alice, bob"), control characters: APR_EINVAL with *err saying why. */
apr_status_t sec_session_login_header_parse(apr_pool_t *p, const char *value,
                                            const char **user, const char **roles,
                                            const char **err);

/* The logout header: 1 for "everywhere" (any case: end every session of the
 * user), 0 for anything else (end this session). */
int sec_session_logout_everywhere(const char *value);

/* --- redirect targets ------------------------------------------------------------- */

#define SEC_REDIRECT_MAX 2048

/* The target when it is safe to redirect a browser to, else NULL with *why
 * set. Safe: a local path -- exactly one '/' first, then no '/' or '\',
 * also after up to three rounds of percent-decoding ("/%2F%2Fevil") -- or
 * an absolute http(s) URL whose origin is in allowed (an array of
 * sec_origin_pattern_t, may be NULL). Never: backslashes, control
 * characters or spaces (raw or percent-encoded), non-ASCII bytes, other
 * schemes ("https:evil", "javascript:"), userinfo, more than
 * SEC_REDIRECT_MAX bytes. */
const char *sec_redirect_check(apr_pool_t *p, const char *target,
                               const apr_array_header_t *allowed, const char **why);

/* --- service-to-service HMAC signatures ------------------------------------------ */

/* signature = base64(HMAC-SHA256(key, "<timestamp>:<body>")), timestamp in
 * Unix seconds. The key is the secret exactly as written in the key file
 * (its base64url text, used as bytes), as webhook senders use theirs. */

#define SEC_HMAC_TS_DIGITS_MAX 12

/* 1-12 decimal digits, nothing else. */
apr_status_t sec_hmac_parse_timestamp(const char *s, apr_int64_t *out);

typedef enum { SEC_HMAC_TIME_OK = 0, SEC_HMAC_TIME_EXPIRED, SEC_HMAC_TIME_FUTURE }
    sec_hmac_time_e;

/* ts against now (seconds): older than max_age is expired, more than skew
 * ahead is future. */
sec_hmac_time_e sec_hmac_check_time(apr_int64_t ts, apr_int64_t now, apr_int64_t max_age,
                                    apr_int64_t skew);

/* The signature header: base64 (standard alphabet, padding optional) or
 * base64url of exactly 32 bytes. */
apr_status_t sec_hmac_parse_signature(const char *s, unsigned char mac[SEC_HMAC_LEN]);

/* HMAC over "<ts>:" and the body pieces, in order. */
void sec_hmac_sign(const void *key, apr_size_t keylen, const char *ts, const sec_buf_t *body,
                   int nbody, unsigned char mac[SEC_HMAC_LEN]);

/* Standard base64 with padding (44 characters). */
char *sec_hmac_signature_string(apr_pool_t *p, const unsigned char mac[SEC_HMAC_LEN]);

/* The key bytes of a keyring key for signatures: its secret's base64url text. */
const char *sec_hmac_key_text(apr_pool_t *p, const sec_key_t *k);

#endif
