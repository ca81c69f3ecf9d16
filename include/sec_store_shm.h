/* The embedded store: a hash table and a slab of values in one shared-memory
 * segment that every httpd child (and the secctl CLI, by attaching to the
 * segment's file) sees.
 *
 * - Keys are reduced to a 128-bit digest, two SipHash-2-4 values keyed with a
 *   random per-segment seed, so an attacker can't aim keys at one probe window.
 * - Open addressing, linear probing in windows of 32 slots, two candidate
 *   windows per key (at h1 and at h2, the emptier wins); tombstones on delete. Counters and values up to 8 bytes live in the slot itself; larger
 *   values in slab chunks of power-of-two size classes.
 * - Expiry is checked on access; expired slots are reused. When a window or a
 *   size class is full, the entry nearest to expiry is evicted, counted in the
 *   metrics and logged (at most once a minute).
 * - One robust, process-shared pthread mutex in the segment: all processes
 *   and threads of all MPMs, and the CLI, use the same lock; a child that dies
 *   holding it does not wedge the server.
 */
#ifndef SEC_STORE_SHM_H
#define SEC_STORE_SHM_H

#include <apr_pools.h>
#include <apr_shm.h>
#include "sec_store.h"

#define SEC_SHM_MIN_SIZE (1024 * 1024)
#define SEC_SHM_MAX_SIZE ((apr_uint64_t)3 * 1024 * 1024 * 1024)
#define SEC_SHM_VALUE_MAX (64 * 1024)

typedef struct sec_shm_t sec_shm_t;

typedef struct {
    apr_uint64_t size;        /* segment bytes */
    apr_uint64_t slots;       /* capacity in keys */
    apr_uint64_t used;        /* live or expired-but-unreclaimed entries */
    apr_uint64_t data_bytes;  /* slab bytes */
    apr_uint64_t data_used;   /* slab bytes in pages handed out */
    apr_uint64_t evictions;
} sec_shm_stats_t;

/* Create a segment of size bytes. file: a path for a named segment that the
 * CLI can attach to (an existing stale segment there is removed first), or
 * NULL for an anonymous one. The segment lives as long as pool. */
apr_status_t sec_shm_create(apr_pool_t *pool, const char *file, apr_uint64_t size,
                            sec_shm_t **out);

/* Attach to a named segment created by a running server. */
apr_status_t sec_shm_attach(apr_pool_t *pool, const char *file, sec_shm_t **out);

/* Wrap a segment this process already maps (after a graceful restart). */
apr_status_t sec_shm_wrap(apr_pool_t *pool, apr_shm_t *shm, sec_shm_t **out);
apr_shm_t *sec_shm_segment(sec_shm_t *s);

sec_store_t *sec_store_shm_make(apr_pool_t *pool, sec_shm_t *s);
sec_metrics_t *sec_shm_metrics(sec_shm_t *s);
void sec_shm_stats(sec_shm_t *s, sec_shm_stats_t *out);
apr_uint64_t sec_shm_size(sec_shm_t *s);

/* How many keys a segment of this size holds. */
apr_uint64_t sec_shm_slots_for_size(apr_uint64_t size);

#endif
