/* The memcached store: libmemcached with the binary protocol (needed for an
 * atomic increment-with-initial), consistent (ketama) hashing across servers,
 * short timeouts, a retry interval for dead servers, and a pool of
 * connections per child created in child_init (never before fork). */
#ifndef SEC_STORE_MEMCACHED_H
#define SEC_STORE_MEMCACHED_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_network_io.h>
#include "sec_store.h"

typedef struct {
    const char *host;
    apr_port_t port;
} sec_mc_server_t;

typedef struct {
    apr_array_header_t *servers;        /* of sec_mc_server_t */
    apr_interval_time_t timeout;        /* connect, send and receive; default 100ms */
    apr_interval_time_t retry;          /* dead-server retry interval; default 5s */
    int failure_limit;                  /* errors before a server is marked dead; default 2 */
    int replicas;                       /* extra copies of every write; default 0 */
    int pool_max;                       /* connections per process; 0: set by caller */
    const char *prefix;                 /* key prefix, e.g. "secmods:"; default "sm:" */
} sec_mc_config_t;

/* Defaults filled in; servers empty. */
sec_mc_config_t *sec_mc_config_make(apr_pool_t *p);

/* Parse the arguments of "SecStore memcached ..." : host:port words and
 * name=value options (timeout=, retry=, failures=, replicas=, pool=, prefix=).
 * *err says what was wrong and names the bad value. */
apr_status_t sec_mc_config_parse(apr_pool_t *p, int argc, char *const argv[],
                                 sec_mc_config_t *cfg, const char **err);

/* A store that talks to the servers. Connections are made lazily from a pool
 * created here, so call this after fork. Released with pool. */
apr_status_t sec_store_memcached_make(apr_pool_t *pool, const sec_mc_config_t *cfg,
                                      sec_store_t **out);

#endif
