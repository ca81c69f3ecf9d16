/* The memcached store; see sec_store_memcached.h.
 *
 * libmemcached does the protocol, consistent hashing, timeouts and dead-server
 * bookkeeping; libmemcachedutil's pool hands each thread its own connection
 * set. This file maps libmemcached's return codes onto the store contract:
 * a miss is APR_NOTFOUND, anything that means "could not answer" is one of
 * the SEC_STORE_E* outage codes, never a miss.
 */
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <libmemcached/memcached.h>
#include <libmemcachedutil-1.0/pool.h>
#include <apr_strings.h>
#include "sec_store_memcached.h"
#include "sec_parse.h"
#include "sec_log.h"

#define MC_DEFAULT_PORT 11211
#define MC_PREFIX_MAX 40
/* memcached reads an expiry above 30 days as an absolute unix time. */
#define MC_RELATIVE_TTL_MAX (30 * 86400)

typedef struct {
    sec_store_t base;          /* first: the store interface */
    const sec_mc_config_t *cfg;
    memcached_st *master;
    memcached_pool_st *pool;
} mc_store_t;

sec_mc_config_t *sec_mc_config_make(apr_pool_t *p)
{
    sec_mc_config_t *c = apr_pcalloc(p, sizeof(*c));

    c->servers = apr_array_make(p, 2, sizeof(sec_mc_server_t));
    c->timeout = apr_time_from_msec(100);
    c->retry = apr_time_from_sec(5);
    c->failure_limit = 2;
    c->replicas = 0;
    c->pool_max = 0;
    c->prefix = "sm:";
    return c;
}

/* sec_parse_uint for the int fields of the config. */
static apr_status_t parse_int(const char *v, int lo, int hi, int *out)
{
    apr_uint64_t n;
    apr_status_t rv = sec_parse_uint(v, (apr_uint64_t)lo, (apr_uint64_t)hi, &n);

    if (rv == APR_SUCCESS) {
        *out = (int)n;
    }
    return rv;
}

apr_status_t sec_mc_config_parse(apr_pool_t *p, int argc, char *const argv[],
                                 sec_mc_config_t *cfg, const char **err)
{
    int i;

    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (sec_parse_option(a, "timeout", &v)) {
            if (sec_parse_duration(v, &cfg->timeout) != APR_SUCCESS || cfg->timeout <= 0 ||
                cfg->timeout > apr_time_from_sec(10)) {
                *err = apr_psprintf(p, "timeout=%s: expected a duration from 1ms to 10s, "
                                    "e.g. timeout=100ms", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "retry", &v)) {
            if (sec_parse_duration(v, &cfg->retry) != APR_SUCCESS ||
                cfg->retry < apr_time_from_sec(1) || cfg->retry > apr_time_from_sec(3600)) {
                *err = apr_psprintf(p, "retry=%s: expected a duration from 1s to 1h", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "failures", &v)) {
            if (parse_int(v, 1, 100, &cfg->failure_limit) != APR_SUCCESS) {
                *err = apr_psprintf(p, "failures=%s: expected a number from 1 to 100", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "replicas", &v)) {
            if (parse_int(v, 0, 4, &cfg->replicas) != APR_SUCCESS) {
                *err = apr_psprintf(p, "replicas=%s: expected a number from 0 to 4", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "pool", &v)) {
            if (parse_int(v, 1, 1024, &cfg->pool_max) != APR_SUCCESS) {
                *err = apr_psprintf(p, "pool=%s: expected a number from 1 to 1024", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "prefix", &v)) {
            const char *c;
            if (strlen(v) > MC_PREFIX_MAX) {
                *err = apr_psprintf(p, "prefix=%s: at most %d characters", v, MC_PREFIX_MAX);
                return APR_EINVAL;
            }
            for (c = v; *c; c++) {
                if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f) {
                    *err = apr_psprintf(p, "prefix=%s: no spaces or control characters", v);
                    return APR_EINVAL;
                }
            }
            cfg->prefix = apr_pstrdup(p, v);
        }
        else if (strchr(a, '=') && !strchr(a, '[')) {
            *err = apr_psprintf(p, "unknown option '%s' (known: timeout=, retry=, failures=, "
                                "replicas=, pool=, prefix=)", a);
            return APR_EINVAL;
        }
        else {
            sec_mc_server_t *srv = apr_array_push(cfg->servers);
            char *host;
            if (sec_parse_hostport(p, a, MC_DEFAULT_PORT, &host, &srv->port) != APR_SUCCESS) {
                *err = apr_psprintf(p, "'%s' is not a server address (host:port, "
                                    "[v6addr]:port)", a);
                return APR_EINVAL;
            }
            srv->host = host;
        }
    }
    if (cfg->servers->nelts == 0) {
        *err = "no memcached server given (e.g. SecStore memcached 127.0.0.1:11211)";
        return APR_EINVAL;
    }
    if (cfg->replicas >= cfg->servers->nelts) {
        *err = apr_psprintf(p, "replicas=%d needs at least %d servers", cfg->replicas,
                            cfg->replicas + 1);
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

static apr_status_t map_rc(memcached_return_t rc)
{
    switch (rc) {
    case MEMCACHED_SUCCESS:
    case MEMCACHED_STORED:
    case MEMCACHED_DELETED:
    case MEMCACHED_BUFFERED:
        return APR_SUCCESS;
    case MEMCACHED_NOTFOUND:
        return APR_NOTFOUND;
    case MEMCACHED_DATA_EXISTS:
    case MEMCACHED_NOTSTORED:
        return SEC_STORE_EEXISTS;
    case MEMCACHED_TIMEOUT:
        return SEC_STORE_ETIMEOUT;
    case MEMCACHED_E2BIG:
        return SEC_STORE_ETOOBIG;
    case MEMCACHED_BAD_KEY_PROVIDED:
        return SEC_STORE_EBADKEY;
    case MEMCACHED_PROTOCOL_ERROR:
    case MEMCACHED_CLIENT_ERROR:
    case MEMCACHED_SERVER_ERROR:
    case MEMCACHED_UNKNOWN_STAT_KEY:
    case MEMCACHED_NOT_SUPPORTED:
        return SEC_STORE_EPROTOCOL;
    default:
        /* connection failures, dead or disabled servers, no servers, read
         * and write failures, lookups, allocation: the store is away. */
        return SEC_STORE_EUNAVAILABLE;
    }
}

static memcached_st *borrow(mc_store_t *m, apr_status_t *rv)
{
    memcached_return_t rc;
    struct timespec wait;
    memcached_st *mc;

    wait.tv_sec = (time_t)apr_time_sec(m->cfg->timeout);
    wait.tv_nsec = (long)(m->cfg->timeout % APR_USEC_PER_SEC) * 1000;
    mc = memcached_pool_fetch(m->pool, &wait, &rc);
    if (!mc) {
        *rv = rc == MEMCACHED_TIMEOUT ? SEC_STORE_ETIMEOUT : SEC_STORE_EUNAVAILABLE;
    }
    return mc;
}

static void give_back(mc_store_t *m, memcached_st *mc)
{
    memcached_pool_release(m->pool, mc);
}

static time_t mc_expiry(apr_uint32_t ttl_s)
{
    if (ttl_s > MC_RELATIVE_TTL_MAX) {
        /* memcached's expiry is 32 bits on the wire: clamp, don't wrap. */
        apr_uint64_t when = (apr_uint64_t)apr_time_sec(apr_time_now()) + ttl_s;
        return (time_t)(when > APR_UINT32_MAX ? APR_UINT32_MAX : when);
    }
    return (time_t)ttl_s;
}

/* With replicas, libmemcached sends the copies as quiet commands that sit
 * in the write buffer until the connection is next used; push them out
 * before the connection goes back to the pool. */
static void flush_replicas(mc_store_t *m, memcached_st *mc)
{
    if (m->cfg->replicas > 0) {
        memcached_flush_buffers(mc);
    }
}

static apr_status_t mc_get(sec_store_t *st, apr_pool_t *p, const char *key, char **val,
                           apr_size_t *len)
{
    mc_store_t *m = (mc_store_t *)st;
    apr_status_t rv = APR_SUCCESS;
    memcached_st *mc = borrow(m, &rv);
    memcached_return_t rc;
    uint32_t flags;
    size_t vlen = 0;
    char *v;

    if (!mc) {
        return rv;
    }
    v = memcached_get(mc, key, strlen(key), &vlen, &flags, &rc);
    give_back(m, mc);
    if (v) {
        *val = apr_pstrmemdup(p, v, vlen);
        *len = vlen;
        free(v);
        return APR_SUCCESS;
    }
    rv = map_rc(rc);
    /* memcached_get can answer SUCCESS with no value for an empty one. */
    if (rv == APR_SUCCESS) {
        *val = apr_pstrdup(p, "");
        *len = 0;
    }
    return rv;
}

static apr_status_t mc_store(sec_store_t *st, const char *key, const void *val, apr_size_t len,
                             apr_uint32_t ttl_s, int only_add)
{
    mc_store_t *m = (mc_store_t *)st;
    apr_status_t rv = APR_SUCCESS;
    memcached_st *mc = borrow(m, &rv);
    memcached_return_t rc;

    if (!mc) {
        return rv;
    }
    if (only_add) {
        rc = memcached_add(mc, key, strlen(key), val, len, mc_expiry(ttl_s), 0);
    }
    else {
        rc = memcached_set(mc, key, strlen(key), val, len, mc_expiry(ttl_s), 0);
    }
    flush_replicas(m, mc);
    give_back(m, mc);
    rv = map_rc(rc);
    if (!only_add && rv == SEC_STORE_EEXISTS) {
        rv = SEC_STORE_EPROTOCOL;   /* a plain set can't "exist" */
    }
    return rv;
}

static apr_status_t mc_set(sec_store_t *st, const char *key, const void *val, apr_size_t len,
                           apr_uint32_t ttl_s)
{
    return mc_store(st, key, val, len, ttl_s, 0);
}

static apr_status_t mc_add(sec_store_t *st, const char *key, const void *val, apr_size_t len,
                           apr_uint32_t ttl_s)
{
    return mc_store(st, key, val, len, ttl_s, 1);
}

/* The status of an incr/decr answer; gives the connection back. The binary
 * protocol's "not a number" answer arrives as the same code as a lost
 * connection; a get tells the two apart (error path only). */
static apr_status_t counter_result(mc_store_t *m, memcached_st *mc, const char *key,
                                   memcached_return_t rc)
{
    if (rc == MEMCACHED_UNKNOWN_READ_FAILURE) {
        size_t vlen;
        uint32_t flags;
        memcached_return_t grc;
        char *v = memcached_get(mc, key, strlen(key), &vlen, &flags, &grc);
        if (v) {
            free(v);
            give_back(m, mc);
            return SEC_STORE_EPROTOCOL;
        }
    }
    give_back(m, mc);
    return map_rc(rc);
}

static apr_status_t mc_incr(sec_store_t *st, const char *key, apr_uint64_t delta,
                            apr_uint32_t ttl_s, apr_uint64_t *out)
{
    mc_store_t *m = (mc_store_t *)st;
    apr_status_t rv = APR_SUCCESS;
    memcached_st *mc = borrow(m, &rv);
    memcached_return_t rc;
    uint64_t value = 0;

    if (!mc) {
        return rv;
    }
    /* Binary protocol: creates the key at delta atomically when missing. */
    rc = memcached_increment_with_initial(mc, key, strlen(key), delta, delta,
                                          mc_expiry(ttl_s), &value);
    if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) {
        /* Another client created the key between the server's miss and its
         * add of the initial value: the key exists now, so increment again. */
        rc = memcached_increment_with_initial(mc, key, strlen(key), delta, delta,
                                              mc_expiry(ttl_s), &value);
    }
    flush_replicas(m, mc);
    rv = counter_result(m, mc, key, rc);
    if (rv == APR_SUCCESS) {
        *out = value;
    }
    else if (rv == APR_NOTFOUND) {
        rv = SEC_STORE_EPROTOCOL;  /* can't happen with an initial value */
    }
    return rv;
}

static apr_status_t mc_decr(sec_store_t *st, const char *key, apr_uint64_t delta,
                            apr_uint64_t *out)
{
    mc_store_t *m = (mc_store_t *)st;
    apr_status_t rv = APR_SUCCESS;
    memcached_st *mc = borrow(m, &rv);
    memcached_return_t rc;
    uint64_t value = 0;

    if (!mc) {
        return rv;
    }
    /* memcached stops at 0 and leaves a missing key missing. */
    rc = memcached_decrement_by_key(mc, key, strlen(key), key, strlen(key), delta, &value);
    flush_replicas(m, mc);
    rv = counter_result(m, mc, key, rc);
    if (rv == APR_SUCCESS) {
        *out = value;
    }
    return rv;
}

static apr_status_t mc_del(sec_store_t *st, const char *key)
{
    mc_store_t *m = (mc_store_t *)st;
    apr_status_t rv = APR_SUCCESS;
    memcached_st *mc = borrow(m, &rv);
    memcached_return_t rc;

    if (!mc) {
        return rv;
    }
    rc = memcached_delete(mc, key, strlen(key), 0);
    flush_replicas(m, mc);
    give_back(m, mc);
    return map_rc(rc);
}

static void apply_behaviors(memcached_st *mc, const sec_mc_config_t *cfg)
{
    apr_uint64_t ms = (apr_uint64_t)apr_time_as_msec(cfg->timeout);
    if (ms == 0) {
        ms = 1;
    }
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_NO_BLOCK, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, ms);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, (uint64_t)cfg->timeout);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, (uint64_t)cfg->timeout);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT,
                           (uint64_t)apr_time_sec(cfg->retry));
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DEAD_TIMEOUT,
                           (uint64_t)apr_time_sec(cfg->retry));
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT,
                           (uint64_t)cfg->failure_limit);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION,
                           MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
    if (cfg->replicas > 0) {
        memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_NUMBER_OF_REPLICAS,
                               (uint64_t)cfg->replicas);
    }
}

static memcached_st *make_client(const sec_mc_config_t *cfg, int first, int count)
{
    memcached_st *mc = memcached_create(NULL);
    int i;

    if (!mc) {
        return NULL;
    }
    apply_behaviors(mc, cfg);
    for (i = first; i < first + count; i++) {
        const sec_mc_server_t *s = &APR_ARRAY_IDX(cfg->servers, i, sec_mc_server_t);
        memcached_server_add(mc, s->host, s->port);
    }
    if (cfg->prefix && *cfg->prefix) {
        memcached_callback_set(mc, MEMCACHED_CALLBACK_NAMESPACE, cfg->prefix);
    }
    return mc;
}

static apr_status_t mc_status(sec_store_t *st, apr_pool_t *p, json_t **out)
{
    mc_store_t *m = (mc_store_t *)st;
    json_t *j = json_object(), *servers = json_array();
    char *v;
    apr_size_t vlen;
    apr_status_t rv;
    int i, up = 0;

    /* Each server on its own: a ring-wide answer would hide one dead node. */
    for (i = 0; i < m->cfg->servers->nelts; i++) {
        const sec_mc_server_t *s = &APR_ARRAY_IDX(m->cfg->servers, i, sec_mc_server_t);
        memcached_st *one = make_client(m->cfg, i, 1);
        json_t *js = json_object();
        int ok = 0;
        if (one) {
            ok = memcached_version(one) == MEMCACHED_SUCCESS;
            memcached_free(one);
        }
        up += ok;
        json_object_set_new(js, "host", json_string(s->host));
        json_object_set_new(js, "port", json_integer(s->port));
        json_object_set_new(js, "up", json_boolean(ok));
        json_array_append_new(servers, js);
    }
    /* And one round trip the way requests make them. */
    rv = mc_get(st, p, "status-probe", &v, &vlen);
    json_object_set_new(j, "kind", json_string("memcached"));
    json_object_set_new(j, "reachable", json_boolean(!sec_store_is_outage(rv)));
    if (sec_store_is_outage(rv)) {
        json_object_set_new(j, "error", json_string(sec_store_strerror(p, rv)));
    }
    json_object_set_new(j, "serversUp", json_integer(up));
    json_object_set_new(j, "degraded", json_boolean(up < m->cfg->servers->nelts));
    json_object_set_new(j, "serversTotal", json_integer(m->cfg->servers->nelts));
    json_object_set_new(j, "servers", servers);
    *out = j;
    return APR_SUCCESS;
}

static apr_status_t mc_cleanup(void *data)
{
    mc_store_t *m = data;

    if (m->pool) {
        memcached_pool_destroy(m->pool);
        m->pool = NULL;
    }
    if (m->master) {
        memcached_free(m->master);
        m->master = NULL;
    }
    return APR_SUCCESS;
}

apr_status_t sec_store_memcached_make(apr_pool_t *pool, const sec_mc_config_t *cfg,
                                      sec_store_t **out)
{
    mc_store_t *m = apr_pcalloc(pool, sizeof(*m));
    int max = cfg->pool_max > 0 ? cfg->pool_max : 1;

    m->cfg = cfg;
    m->master = make_client(cfg, 0, cfg->servers->nelts);
    if (!m->master) {
        return APR_ENOMEM;
    }
    m->pool = memcached_pool_create(m->master, 1, (uint32_t)max);
    if (!m->pool) {
        memcached_free(m->master);
        return APR_ENOMEM;
    }
    apr_pool_cleanup_register(pool, m, mc_cleanup, apr_pool_cleanup_null);
    m->base.name = "memcached";
    m->base.kind = SEC_STORE_KIND_MEMCACHED;
    m->base.get = mc_get;
    m->base.set = mc_set;
    m->base.add = mc_add;
    m->base.incr = mc_incr;
    m->base.decr = mc_decr;
    m->base.del = mc_del;
    m->base.status = mc_status;
    *out = &m->base;
    return APR_SUCCESS;
}
