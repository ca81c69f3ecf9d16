/* The layer above the store providers; see sec_store.h.
 *
 * What every provider needs, done once: key namespacing and length limits,
 * operation counts, error kinds and latency for the metrics page. Keys are
 * never logged here: they may be derived from a session id or a user name.
 */
#include <string.h>
#include <apr_strings.h>
#include <apr_hash.h>
#include "sec_store.h"
#include "sec_parse.h"
#include "sec_crypto.h"

int sec_store_is_outage(apr_status_t rv)
{
    return rv != APR_SUCCESS && rv != APR_NOTFOUND && rv != SEC_STORE_EEXISTS;
}

sec_store_errkind_e sec_store_errkind(apr_status_t rv)
{
    switch (rv) {
    case SEC_STORE_EUNAVAILABLE: return SEC_ERRK_UNAVAILABLE;
    case SEC_STORE_ETIMEOUT: return SEC_ERRK_TIMEOUT;
    case SEC_STORE_EPROTOCOL: return SEC_ERRK_PROTOCOL;
    case SEC_STORE_EFULL: return SEC_ERRK_FULL;
    case SEC_STORE_ETOOBIG: return SEC_ERRK_TOOBIG;
    default: return SEC_ERRK_OTHER;
    }
}

const char *sec_store_strerror(apr_pool_t *p, apr_status_t rv)
{
    char buf[256];

    switch (rv) {
    case APR_SUCCESS: return "ok";
    case APR_NOTFOUND: return "not found";
    case SEC_STORE_EEXISTS: return "key exists";
    case SEC_STORE_EUNAVAILABLE: return "store unavailable";
    case SEC_STORE_ETIMEOUT: return "store timed out";
    case SEC_STORE_EPROTOCOL: return "unexpected answer from the store";
    case SEC_STORE_EFULL: return "store full";
    case SEC_STORE_ETOOBIG: return "value too large for the store";
    case SEC_STORE_EBADKEY: return "invalid key";
    default: return apr_pstrdup(p, apr_strerror(rv, buf, sizeof(buf)));
    }
}

static int ns_ok(const char *ns)
{
    const char *c;
    if (!ns || !*ns || strlen(ns) > 32) {
        return 0;
    }
    for (c = ns; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-')) {
            return 0;
        }
    }
    return 1;
}

const char *sec_store_key(apr_pool_t *p, const char *ns, const char *key)
{
    apr_size_t nslen, klen;
    const char *c;
    int plain = 1;

    if (!ns_ok(ns) || !key) {
        return NULL;
    }
    nslen = strlen(ns);
    klen = strlen(key);
    /* memcached keys: at most 250 bytes, no spaces or control characters.
     * A leading '#' is reserved for digests so the two forms can't collide. */
    if (nslen + 1 + klen > SEC_STORE_KEY_MAX || key[0] == '#') {
        plain = 0;
    }
    for (c = key; plain && *c; c++) {
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f) {
            plain = 0;
        }
    }
    if (plain) {
        return apr_pstrcat(p, ns, ":", key, NULL);
    }
    else {
        unsigned char d[SEC_SHA256_LEN];
        sec_sha256(key, klen, d);
        return apr_pstrcat(p, ns, ":#", sec_base64url_encode(p, d, sizeof(d)), NULL);
    }
}

/* Times one provider call and records it. */
#define TIMED(st, op, call)                                                    \
    do {                                                                       \
        apr_time_t t0_ = apr_time_now();                                       \
        rv = (call);                                                           \
        sec_metrics_store_op((st)->metrics, (st)->kind, (op), rv,              \
                             apr_time_now() - t0_);                            \
    } while (0)

apr_status_t sec_store_get(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                           char **val, apr_size_t *len)
{
    const char *k = sec_store_key(p, ns, key);
    apr_status_t rv;

    if (!k) {
        return SEC_STORE_EBADKEY;
    }
    TIMED(st, SEC_OP_GET, st->get(st, p, k, val, len));
    return rv;
}

apr_status_t sec_store_set(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                           const void *val, apr_size_t len, apr_uint32_t ttl_s)
{
    const char *k = sec_store_key(p, ns, key);
    apr_status_t rv;

    if (!k) {
        return SEC_STORE_EBADKEY;
    }
    TIMED(st, SEC_OP_SET, st->set(st, k, val, len, ttl_s));
    return rv;
}

apr_status_t sec_store_add(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                           const void *val, apr_size_t len, apr_uint32_t ttl_s)
{
    const char *k = sec_store_key(p, ns, key);
    apr_status_t rv;

    if (!k) {
        return SEC_STORE_EBADKEY;
    }
    TIMED(st, SEC_OP_ADD, st->add(st, k, val, len, ttl_s));
    return rv;
}

apr_status_t sec_store_incr(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                            apr_uint64_t delta, apr_uint32_t ttl_s, apr_uint64_t *out)
{
    const char *k = sec_store_key(p, ns, key);
    apr_uint64_t ignored;
    apr_status_t rv;

    if (!k) {
        return SEC_STORE_EBADKEY;
    }
    TIMED(st, SEC_OP_INCR, st->incr(st, k, delta, ttl_s, out ? out : &ignored));
    return rv;
}

apr_status_t sec_store_decr(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key,
                            apr_uint64_t delta, apr_uint64_t *out)
{
    const char *k = sec_store_key(p, ns, key);
    apr_uint64_t ignored;
    apr_status_t rv;

    if (!k) {
        return SEC_STORE_EBADKEY;
    }
    TIMED(st, SEC_OP_INCR, st->decr(st, k, delta, out ? out : &ignored));
    return rv;
}

apr_status_t sec_store_del(sec_store_t *st, apr_pool_t *p, const char *ns, const char *key)
{
    const char *k = sec_store_key(p, ns, key);
    apr_status_t rv;

    if (!k) {
        return SEC_STORE_EBADKEY;
    }
    TIMED(st, SEC_OP_DEL, st->del(st, k));
    return rv;
}

/* --- listing indexes --------------------------------------------------------- */

apr_status_t sec_store_index_add(sec_store_t *st, apr_pool_t *p, const char *ns,
                                 const char *value, apr_uint32_t ttl_s)
{
    apr_uint64_t seq;
    apr_status_t rv = sec_store_incr(st, p, ns, "seq", 1, 0, &seq);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    return sec_store_set(st, p, ns, apr_psprintf(p, "%" APR_UINT64_T_FMT, seq), value,
                         strlen(value), ttl_s);
}

void sec_store_index_walk(sec_store_t *st, apr_pool_t *p, const char *ns, apr_uint64_t max,
                          sec_store_index_fn *fn, void *baton)
{
    apr_hash_t *seen = apr_hash_make(p);
    apr_uint64_t seq, n;
    char *v;
    apr_size_t len;

    if (sec_store_get(st, p, ns, "seq", &v, &len) != APR_SUCCESS ||
        sec_parse_uint(v, 0, APR_UINT64_MAX, &seq) != APR_SUCCESS) {
        return;
    }
    for (n = seq; n > 0 && seq - n < max; n--) {
        if (sec_store_get(st, p, ns, apr_psprintf(p, "%" APR_UINT64_T_FMT, n), &v, &len) !=
                APR_SUCCESS ||
            apr_hash_get(seen, v, len)) {
            continue;
        }
        apr_hash_set(seen, v, len, "");
        if (!fn(baton, v, len)) {
            return;
        }
    }
}

/* --- the always-unavailable store ----------------------------------------- */

static apr_status_t na_get(sec_store_t *st, apr_pool_t *p, const char *key, char **val,
                           apr_size_t *len)
{
    return SEC_STORE_EUNAVAILABLE;
}

static apr_status_t na_put(sec_store_t *st, const char *key, const void *val, apr_size_t len,
                           apr_uint32_t ttl_s)
{
    return SEC_STORE_EUNAVAILABLE;
}

static apr_status_t na_incr(sec_store_t *st, const char *key, apr_uint64_t delta,
                            apr_uint32_t ttl_s, apr_uint64_t *out)
{
    return SEC_STORE_EUNAVAILABLE;
}

static apr_status_t na_decr(sec_store_t *st, const char *key, apr_uint64_t delta,
                            apr_uint64_t *out)
{
    return SEC_STORE_EUNAVAILABLE;
}

static apr_status_t na_del(sec_store_t *st, const char *key)
{
    return SEC_STORE_EUNAVAILABLE;
}

static apr_status_t na_status(sec_store_t *st, apr_pool_t *p, json_t **out)
{
    *out = json_pack("{s:s, s:b, s:s}", "kind", st->name, "reachable", 0, "error",
                     "the store client could not be created; see the error log");
    return APR_SUCCESS;
}

sec_store_t *sec_store_unavailable_make(apr_pool_t *p, const char *name, sec_store_kind_e kind)
{
    sec_store_t *st = apr_pcalloc(p, sizeof(*st));

    st->name = name;
    st->kind = kind;
    st->get = na_get;
    st->set = na_put;
    st->add = na_put;
    st->incr = na_incr;
    st->decr = na_decr;
    st->del = na_del;
    st->status = na_status;
    return st;
}
