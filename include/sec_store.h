/* The store: one small interface, two providers (embedded shared memory,
 * memcached), chosen by configuration.
 *
 * Status contract, the one thing every caller relies on:
 *   APR_SUCCESS            done
 *   APR_NOTFOUND           a miss (get, del of a key that is not there)
 *   SEC_STORE_EEXISTS      add of a key that is there
 *   anything else          the store could not answer: an outage, not a miss.
 *                          Callers apply their failure policy (fail open /
 *                          fail closed); sec_store_is_outage() tells which.
 *
 * Providers embed sec_store_t as their first member (the md_store idiom).
 * Callers go through the sec_store_* wrappers below, which namespace keys,
 * keep them within memcached's 250-byte limit, count operations, errors and
 * latency, and never log a key.
 */
#ifndef SEC_STORE_H
#define SEC_STORE_H

#include <apr_pools.h>
#include <apr_errno.h>
#include <jansson.h>
#include "sec_metrics.h"

#define SEC_STORE_ERRSPACE   (APR_OS_START_USERERR + 7300)
#define SEC_STORE_EEXISTS      (SEC_STORE_ERRSPACE + 1)
#define SEC_STORE_EUNAVAILABLE (SEC_STORE_ERRSPACE + 2) /* no server reachable */
#define SEC_STORE_ETIMEOUT     (SEC_STORE_ERRSPACE + 3)
#define SEC_STORE_EPROTOCOL    (SEC_STORE_ERRSPACE + 4) /* unexpected answer */
#define SEC_STORE_EFULL        (SEC_STORE_ERRSPACE + 5) /* no room even after eviction */
#define SEC_STORE_ETOOBIG      (SEC_STORE_ERRSPACE + 6) /* value over the provider's limit */
#define SEC_STORE_EBADKEY      (SEC_STORE_ERRSPACE + 7)

/* Longest namespaced key handed to a provider; longer ones are replaced by a
 * digest. 200 leaves room for a memcached prefix within its 250-byte limit. */
#define SEC_STORE_KEY_MAX 200

typedef struct sec_store_t sec_store_t;
struct sec_store_t {
    const char *name;            /* "shm" or "memcached" */
    sec_store_kind_e kind;
    apr_status_t (*get)(sec_store_t *st, apr_pool_t *p, const char *key,
                        char **val, apr_size_t *len);
    apr_status_t (*set)(sec_store_t *st, const char *key, const void *val,
                        apr_size_t len, apr_uint32_t ttl_s);
    apr_status_t (*add)(sec_store_t *st, const char *key, const void *val,
                        apr_size_t len, apr_uint32_t ttl_s);
    /* Adds delta; a missing key is created at delta with ttl_s (an existing
     * key keeps its expiry). *out is the new value. */
    apr_status_t (*incr)(sec_store_t *st, const char *key, apr_uint64_t delta,
                         apr_uint32_t ttl_s, apr_uint64_t *out);
    /* Subtracts delta, stopping at 0 (memcached's rule); a missing key stays
     * missing (APR_NOTFOUND) and an existing one keeps its expiry. For
     * giving back what an incr took, e.g. a refused request's count. */
    apr_status_t (*decr)(sec_store_t *st, const char *key, apr_uint64_t delta,
                         apr_uint64_t *out);
    apr_status_t (*del)(sec_store_t *st, const char *key);
    /* Health document: {"kind":..., "reachable":bool, ...}. A round trip. */
    apr_status_t (*status)(sec_store_t *st, apr_pool_t *p, json_t **out);
    sec_metrics_t *metrics;      /* may be NULL (CLI, unit tests) */
};

/* A store whose every operation answers SEC_STORE_EUNAVAILABLE: what a
 * server configured for memcached gets when its client could not be made,
 * so callers apply their failure policy instead of silently keeping state
 * somewhere else. */
sec_store_t *sec_store_unavailable_make(apr_pool_t *p, const char *name, sec_store_kind_e kind);

/* 1 for statuses that mean "the store could not answer". */
int sec_store_is_outage(apr_status_t rv);
/* The metric kind of an outage status. */
sec_store_errkind_e sec_store_errkind(apr_status_t rv);
/* Human text for our statuses (falls back to apr_strerror). */
const char *sec_store_strerror(apr_pool_t *p, apr_status_t rv);

/* The key a provider sees: "<ns>:<key>" when that is at most 200 bytes of
 * printable non-space ASCII, else "<ns>:#<base64url(sha256(key))>". ns is
 * 1-32 characters of [a-z0-9_-]. */
const char *sec_store_key(apr_pool_t *p, const char *ns, const char *key);

apr_status_t sec_store_get(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                           char **val, apr_size_t *len);
apr_status_t sec_store_set(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                           const void *val, apr_size_t len, apr_uint32_t ttl_s);
apr_status_t sec_store_add(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                           const void *val, apr_size_t len, apr_uint32_t ttl_s);
/* out may be NULL. */
apr_status_t sec_store_incr(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                            apr_uint64_t delta, apr_uint32_t ttl_s, apr_uint64_t *out);
/* out may be NULL. Counted as an increment in the metrics (by -delta). */
apr_status_t sec_store_decr(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                            apr_uint64_t delta, apr_uint64_t *out);
apr_status_t sec_store_del(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key);

/* An index for listing what a module stored, since neither store can scan
 * its keys: entry n of namespace ns is the key "<n>", numbered by the
 * counter "seq" of the same namespace; each entry expires with what it
 * indexes (ttl_s). */
apr_status_t sec_store_index_add(sec_store_t *st, apr_pool_t *p, const char *ns,
                                 const char *value, apr_uint32_t ttl_s);

/* Calls fn once per distinct value, newest first, reading at most max
 * entries back; stops early when fn returns 0. Entries that expired are
 * skipped. */
typedef int sec_store_index_fn(void *baton, const char *value, apr_size_t len);
void sec_store_index_walk(sec_store_t *st, apr_pool_t *p, const char *ns, apr_uint64_t max,
                          sec_store_index_fn *fn, void *baton);

#endif
