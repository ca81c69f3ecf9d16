/* Counters that every httpd child adds to. The block lives in shared memory
 * (the embedded store's segment) and is updated with atomic operations, so
 * no lock is taken on the request path. Rendered as Prometheus text. */
#ifndef SEC_METRICS_H
#define SEC_METRICS_H

#include <apr_pools.h>
#include <apr_time.h>

typedef enum { SEC_STORE_KIND_SHM = 0, SEC_STORE_KIND_MEMCACHED, SEC_STORE_KIND_N } sec_store_kind_e;
typedef enum { SEC_OP_GET = 0, SEC_OP_SET, SEC_OP_ADD, SEC_OP_INCR, SEC_OP_DEL, SEC_OP_N } sec_store_op_e;
typedef enum {
    SEC_ERRK_UNAVAILABLE = 0, SEC_ERRK_TIMEOUT, SEC_ERRK_PROTOCOL, SEC_ERRK_FULL,
    SEC_ERRK_TOOBIG, SEC_ERRK_OTHER, SEC_ERRK_N
} sec_store_errkind_e;

#define SEC_METRICS_LAT_BUCKETS 12
#define SEC_METRICS_COUNTERS 512
#define SEC_METRICS_NAME_MAX 64
#define SEC_METRICS_LABELS_MAX 128

typedef struct sec_metrics_t sec_metrics_t;

apr_size_t sec_metrics_size(void);
void sec_metrics_init(sec_metrics_t *m);

const char *sec_store_op_name(sec_store_op_e op);
const char *sec_store_kind_name(sec_store_kind_e k);
const char *sec_store_errkind_name(sec_store_errkind_e k);

/* One store operation: counts it, its error kind (when rv is an error, not a
 * miss) and its latency. */
void sec_metrics_store_op(sec_metrics_t *m, sec_store_kind_e kind, sec_store_op_e op,
                          apr_status_t rv, apr_interval_time_t latency);

void sec_metrics_eviction(sec_metrics_t *m);
apr_uint64_t sec_metrics_evictions(const sec_metrics_t *m);

/* A counter family later modules add to, e.g.
 *   family "secmods_denials_total", labels "module=\"secratelimit\",reason=\"rate\"".
 * Lock-free: a slot is claimed with compare-and-swap the first time a
 * (family, labels) pair is seen. Returns APR_ENOSPC when all slots are used
 * or the names are too long / not of Prometheus's charset. */
apr_status_t sec_metrics_counter_add(sec_metrics_t *m, const char *family, const char *labels,
                                     apr_uint64_t delta);

/* Prometheus text exposition of everything above; gauges (shm fill etc.) are
 * appended by the caller. */
char *sec_metrics_render(apr_pool_t *p, const sec_metrics_t *m);

/* Value of one store counter, for tests and the status page. */
apr_uint64_t sec_metrics_store_ops(const sec_metrics_t *m, sec_store_kind_e kind, sec_store_op_e op);
apr_uint64_t sec_metrics_store_errors(const sec_metrics_t *m, sec_store_kind_e kind,
                                      sec_store_errkind_e ek);

#endif
