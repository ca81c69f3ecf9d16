/* Shared helpers for the fuzz targets; see fz_support.h.
 * Compiled WITHOUT the FZ_SHIM_DEFS renames: it calls APR's real functions. */
#include <string.h>
#include <apr_general.h>
#include <apr_strings.h>
#include "fz_support.h"

typedef struct fz_block {
    apr_pool_t *pool;
    void *mem;
    struct fz_block *next;
} fz_block;

static fz_block *blocks;        /* every live shim block, newest first */
static int shim_on = -1;        /* -1: not decided yet */
static fz_clear_hook_fn *clear_hook;
static void *clear_baton;

int fz_shim_enabled(void)
{
    if (shim_on < 0) {
        const char *e = getenv("FZ_POOL_SHIM");
        shim_on = !(e && !strcmp(e, "0"));
    }
    return shim_on;
}

apr_pool_t *fz_init(void)
{
    static int initialized;
    static apr_pool_t *pool;

    if (!initialized) {
        initialized = 1;
        if (apr_initialize() != APR_SUCCESS) {
            fprintf(stderr, "apr_initialize failed\n");
            abort();
        }
        if (apr_pool_create(&pool, NULL) != APR_SUCCESS) {
            abort();
        }
        fz_shim_enabled();
    }
    return pool;
}

void fz_set_clear_hook(fz_clear_hook_fn *fn, void *baton)
{
    clear_hook = fn;
    clear_baton = baton;
}

void fz_pool_clear(apr_pool_t *p)
{
    fz_block **bp = &blocks;

    apr_pool_clear(p);          /* cleanups first: they may read shim blocks */
    if (clear_hook) {
        clear_hook(clear_baton);
    }
    while (*bp) {
        fz_block *b = *bp;
        if (b->pool == p) {
            *bp = b->next;
            free(b->mem);
            free(b);
        }
        else {
            bp = &b->next;
        }
    }
}

void *fz_palloc(apr_pool_t *p, apr_size_t size)
{
    fz_block *b;
    void *mem;

    if (!fz_shim_enabled()) {
        return apr_palloc(p, size);
    }
    mem = malloc(size ? size : 1);
    b = malloc(sizeof(*b));
    if (!mem || !b) {
        /* apr_palloc's behaviour on exhaustion is the pool's abort function. */
        fprintf(stderr, "fz_palloc: out of memory (%lu bytes)\n", (unsigned long)size);
        abort();
    }
    b->pool = p;
    b->mem = mem;
    b->next = blocks;
    blocks = b;
    return mem;
}

void *fz_pcalloc(apr_pool_t *p, apr_size_t size)
{
    return memset(fz_palloc(p, size), 0, size);
}

char *fz_pstrmemdup(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *r;

    if (!s) {
        return NULL;
    }
    r = fz_palloc(p, n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *fz_pstrdup(apr_pool_t *p, const char *s)
{
    return s ? fz_pstrmemdup(p, s, strlen(s)) : NULL;
}

char *fz_pstrndup(apr_pool_t *p, const char *s, apr_size_t n)
{
    const char *end;

    if (!s) {
        return NULL;
    }
    end = memchr(s, '\0', n);
    return fz_pstrmemdup(p, s, end ? (apr_size_t)(end - s) : n);
}

void *fz_pmemdup(apr_pool_t *p, const void *m, apr_size_t n)
{
    void *r;

    if (!m) {
        return NULL;
    }
    r = fz_palloc(p, n);
    memcpy(r, m, n);
    return r;
}

char *fz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s) {
        abort();
    }
    if (size) {
        memcpy(s, data, size);
    }
    s[size] = '\0';
    return s;
}

int fz_split(const uint8_t *data, size_t size, const char *seps, size_t nseps,
             char **fields, int max)
{
    size_t start = 0, i;
    int n = 0;

    if (max <= 0) {
        return 0;
    }
    for (i = 0; i <= size && n < max; i++) {
        if (i == size || memchr(seps, data[i], nseps)) {
            fields[n++] = fz_cstr(data + start, i - start);
            start = i + 1;
        }
    }
    return n;
}

void fz_free_fields(char **fields, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        free(fields[i]);
        fields[i] = NULL;
    }
}
