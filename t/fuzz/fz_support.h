/* Shared helpers for the libFuzzer targets in t/fuzz (not a target itself:
 * the Makefile builds every fuzz_*.c as a target and links fz_support.c into
 * each).
 *
 * Pool shim. APR pools hand out memory from large blocks, so AddressSanitizer
 * cannot see an overflow of one apr_palloc'd buffer into the next. The
 * Makefile therefore compiles the core library and the targets with
 *     -Dapr_palloc=fz_palloc -Dapr_pstrdup=fz_pstrdup ... (FZ_SHIM_DEFS)
 * so that every allocation *our* code makes from a pool is an exact-size
 * malloc() block that ASan guards, registered to the pool and freed by
 * fz_pool_clear() after the pool's cleanups have run. (Allocations APR makes
 * internally -- apr_pstrcat, apr_psprintf, apr_array_push -- still come from
 * the pool; libapr binds those calls internally.) Set FZ_POOL_SHIM=0 in the
 * environment to fall back to plain pool allocation at run time.
 */
#ifndef FZ_SUPPORT_H
#define FZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <apr_pools.h>

/* apr_initialize() once per process (static flag) and the target's pool. */
apr_pool_t *fz_init(void);

/* Clear the pool: runs its cleanups (apr_pool_clear), calls the clear hook,
 * then frees the shim's blocks. Call at the end of every input. */
void fz_pool_clear(apr_pool_t *p);

/* Called by fz_pool_clear after the pool's cleanups ran but before the shim
 * frees its blocks: lets a target check what cleanups did (e.g. wipe keys). */
typedef void fz_clear_hook_fn(void *baton);
void fz_set_clear_hook(fz_clear_hook_fn *fn, void *baton);

/* 1 when the pool shim is active (FZ_POOL_SHIM is not "0"). */
int fz_shim_enabled(void);

/* A malloc'd NUL-terminated copy of the input (exactly size + 1 bytes, so
 * ASan catches a read past the NUL). Free with free(). */
char *fz_cstr(const uint8_t *data, size_t size);

/* Split data at every byte in seps into at most max NUL-terminated fields
 * (malloc'd copies, exact size); empty fields are kept. Returns the count.
 * Free with fz_free_fields. */
int fz_split(const uint8_t *data, size_t size, const char *seps, size_t nseps,
             char **fields, int max);
void fz_free_fields(char **fields, int n);

/* An invariant the library promises: abort() (a libFuzzer crash) when false. */
#define FZ_ASSERT(cond)                                                        \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "\nFUZZ INVARIANT FAILED: %s\n  at %s:%d\n", #cond, \
                    __FILE__, __LINE__);                                       \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* The shim (see above). Declared here for fz_support.c; library code reaches
 * them through the -D renames. */
void *fz_palloc(apr_pool_t *p, apr_size_t size);
void *fz_pcalloc(apr_pool_t *p, apr_size_t size);
char *fz_pstrdup(apr_pool_t *p, const char *s);
char *fz_pstrndup(apr_pool_t *p, const char *s, apr_size_t n);
char *fz_pstrmemdup(apr_pool_t *p, const char *s, apr_size_t n);
void *fz_pmemdup(apr_pool_t *p, const void *m, apr_size_t n);

#endif
