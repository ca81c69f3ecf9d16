/* The embedded shared-memory store; see sec_store_shm.h for the design.
 *
 * Everything in the segment is addressed by offset, never by pointer: each
 * process (httpd children, the CLI) maps it at its own address.
 */
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <sys/statvfs.h>
#include <apr_strings.h>
#include <apr_time.h>
#include "sec_store_shm.h"
#include "sec_crypto.h"
#include "sec_log.h"

#define SHM_MAGIC    APR_UINT64_C(0x31534d4f44434553) /* "SECMODS1" */
#define SHM_VERSION  1
#define PROBE_WINDOW 32
#define PAGE_SIZE    (64 * 1024)
#define MIN_CHUNK    16
#define NCLASSES     13               /* 16 B .. 64 KiB */
#define INLINE_MAX   8
#define SWEEP_LIMIT  4096
#define EVICT_LOG_INTERVAL 60

enum { SLOT_EMPTY = 0, SLOT_USED = 1, SLOT_TOMB = 2 };
#define CLS_INLINE 0xff

typedef struct {
    apr_uint64_t h1, h2;      /* keyed digest of the key */
    apr_uint32_t expires;     /* unix seconds; 0 = never */
    apr_uint32_t vlen;
    apr_uint32_t voff;        /* chunk offset in the data area */
    uint8_t state;
    uint8_t cls;          /* size class, or CLS_INLINE */
    uint8_t numeric;      /* inl.num holds a counter */
    uint8_t pad;
    union {
        unsigned char bytes[INLINE_MAX];
        apr_uint64_t num;
    } inl;
} slot_t;

typedef struct {
    apr_uint64_t magic;
    apr_uint32_t version;
    apr_uint32_t slot_size;
    apr_uint64_t size;
    apr_uint64_t nslots;
    apr_uint64_t npages;
    apr_uint64_t metrics_off;
    apr_uint64_t slots_off;
    apr_uint64_t pclass_off;
    apr_uint64_t data_off;
    unsigned char seed[32];
    pthread_mutex_t lock;
    /* below: guarded by lock */
    apr_uint64_t used;
    apr_uint64_t pages_used;
    apr_uint64_t clock;
    apr_uint64_t page_clock;
    apr_uint32_t free_head[NCLASSES];  /* chunk offset + 1; 0 = empty list */
    /* atomic */
    apr_uint64_t last_evict_log;
} shm_header_t;

struct sec_shm_t {
    apr_shm_t *shm;
    shm_header_t *h;
    sec_metrics_t *metrics;
    slot_t *slots;
    uint8_t *pclass;
    unsigned char *data;
};

typedef struct {
    sec_store_t base;   /* first: the store interface */
    sec_shm_t *s;
} shm_store_t;

#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

static apr_uint64_t header_bytes(void)
{
    return ALIGN_UP(sizeof(shm_header_t), 64) + ALIGN_UP(sec_metrics_size(), 64);
}

apr_uint64_t sec_shm_slots_for_size(apr_uint64_t size)
{
    /* 40% of the segment for slots, the rest for values: counters (the
     * common case) need no value chunk, sessions do. */
    return (size - header_bytes()) * 2 / 5 / sizeof(slot_t);
}

static apr_status_t layout(sec_shm_t *s, apr_uint64_t size, int init)
{
    unsigned char *base = apr_shm_baseaddr_get(s->shm);
    shm_header_t *h = (shm_header_t *)base;

    if (init) {
        apr_uint64_t off, nslots = sec_shm_slots_for_size(size), npages;
        pthread_mutexattr_t ma;

        memset(h, 0, sizeof(*h));
        h->magic = SHM_MAGIC;
        h->version = SHM_VERSION;
        h->slot_size = sizeof(slot_t);
        h->size = size;
        h->nslots = nslots;
        h->metrics_off = ALIGN_UP(sizeof(shm_header_t), 64);
        h->slots_off = header_bytes();
        off = h->slots_off + nslots * sizeof(slot_t);
        h->pclass_off = off;
        /* pages: what's left after the slot table and one class byte per page */
        npages = (size - off) / (PAGE_SIZE + 1);
        h->npages = npages;
        h->data_off = ALIGN_UP(off + npages, 64);
        while (h->data_off + h->npages * PAGE_SIZE > size && h->npages > 0) {
            h->npages--;
        }
        if (sec_random_bytes(h->seed, sizeof(h->seed)) != APR_SUCCESS) {
            return APR_EGENERAL;
        }
        /* The slot table and page classes are not cleared: a new segment
         * comes zero-filled from the kernel, and touching it here would
         * make every byte resident whether it is used or not. */
        sec_metrics_init((sec_metrics_t *)(base + h->metrics_off));
        pthread_mutexattr_init(&ma);
        pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
        pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
        if (pthread_mutex_init(&h->lock, &ma) != 0) {
            pthread_mutexattr_destroy(&ma);
            return APR_EGENERAL;
        }
        pthread_mutexattr_destroy(&ma);
    }
    else if (h->magic != SHM_MAGIC || h->version != SHM_VERSION ||
             h->slot_size != sizeof(slot_t) || h->size > apr_shm_size_get(s->shm)) {
        return APR_EINVAL;
    }
    s->h = h;
    s->metrics = (sec_metrics_t *)(base + h->metrics_off);
    s->slots = (slot_t *)(base + h->slots_off);
    s->pclass = base + h->pclass_off;
    s->data = base + h->data_off;
    return APR_SUCCESS;
}

apr_status_t sec_shm_create(apr_pool_t *pool, const char *file, apr_uint64_t size,
                            sec_shm_t **out)
{
    sec_shm_t *s = apr_pcalloc(pool, sizeof(*s));
    apr_status_t rv;

    if (size < SEC_SHM_MIN_SIZE || size > SEC_SHM_MAX_SIZE) {
        return APR_EINVAL;
    }
#if APR_USE_SHMEM_MMAP_SHM
    if (file) {
        /* A named segment is a sparse file in /dev/shm: created fine, and
         * then a SIGBUS for whoever first touches a page that doesn't fit.
         * Refuse up front instead. */
        struct statvfs fs;
        if (statvfs("/dev/shm", &fs) == 0 &&
            (apr_uint64_t)fs.f_bavail * fs.f_frsize < size) {
            return APR_ENOSPC;
        }
    }
#endif
    rv = apr_shm_create(&s->shm, (apr_size_t)size, file, pool);
    if (rv == APR_EEXIST && file) {
        /* Left behind by a server that did not stop cleanly. */
        apr_shm_remove(file, pool);
        rv = apr_shm_create(&s->shm, (apr_size_t)size, file, pool);
    }
    if (rv != APR_SUCCESS) {
        return rv;
    }
    if ((rv = layout(s, size, 1)) != APR_SUCCESS) {
        apr_shm_destroy(s->shm);
        return rv;
    }
    *out = s;
    return APR_SUCCESS;
}

apr_status_t sec_shm_attach(apr_pool_t *pool, const char *file, sec_shm_t **out)
{
    sec_shm_t *s = apr_pcalloc(pool, sizeof(*s));
    apr_status_t rv = apr_shm_attach(&s->shm, file, pool);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    if ((rv = layout(s, 0, 0)) != APR_SUCCESS) {
        apr_shm_detach(s->shm);
        return rv;
    }
    *out = s;
    return APR_SUCCESS;
}

apr_status_t sec_shm_wrap(apr_pool_t *pool, apr_shm_t *shm, sec_shm_t **out)
{
    sec_shm_t *s = apr_pcalloc(pool, sizeof(*s));
    apr_status_t rv;

    s->shm = shm;
    if ((rv = layout(s, 0, 0)) != APR_SUCCESS) {
        return rv;
    }
    *out = s;
    return APR_SUCCESS;
}

apr_shm_t *sec_shm_segment(sec_shm_t *s)
{
    return s->shm;
}

sec_metrics_t *sec_shm_metrics(sec_shm_t *s)
{
    return s->metrics;
}

apr_uint64_t sec_shm_size(sec_shm_t *s)
{
    return s->h->size;
}

static apr_status_t shm_lock(sec_shm_t *s)
{
    int rc = pthread_mutex_lock(&s->h->lock);

    if (rc == EOWNERDEAD) {
        /* A process died holding the lock. Every update below leaves the
         * table consistent at each step except for a possibly leaked chunk,
         * so carrying on is safe. */
        pthread_mutex_consistent(&s->h->lock);
        sec_log(SEC_LOG_WARNING, 0, SECLOGNO(01001) "shm store: a process died holding "
                "the store lock; recovered");
        return APR_SUCCESS;
    }
    return rc ? APR_FROM_OS_ERROR(rc) : APR_SUCCESS;
}

static void shm_unlock(sec_shm_t *s)
{
    pthread_mutex_unlock(&s->h->lock);
}

void sec_shm_stats(sec_shm_t *s, sec_shm_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    out->size = s->h->size;
    out->slots = s->h->nslots;
    out->data_bytes = s->h->npages * PAGE_SIZE;
    out->evictions = sec_metrics_evictions(s->metrics);
    if (shm_lock(s) == APR_SUCCESS) {
        out->used = s->h->used;
        out->data_used = s->h->pages_used * PAGE_SIZE;
        shm_unlock(s);
    }
}

/* --- keys and time ------------------------------------------------------ */

static void digest(sec_shm_t *s, const char *key, apr_uint64_t *h1, apr_uint64_t *h2)
{
    apr_size_t len = strlen(key);

    /* Keyed with the segment's random seed: keys are attacker-influenced
     * (addresses, user names) and must not be aimable at one probe window.
     * Two independent 64-bit SipHashes give a 128-bit identity. */
    *h1 = sec_siphash24(s->h->seed, key, len);
    *h2 = sec_siphash24(s->h->seed + 16, key, len);
}

static apr_uint32_t now_s(void)
{
    return (apr_uint32_t)apr_time_sec(apr_time_now());
}

static apr_uint32_t expiry(apr_uint32_t ttl_s)
{
    apr_uint64_t when = (apr_uint64_t)now_s() + ttl_s;

    /* A huge ttl means "as long as possible", not a wrapped time in the past. */
    return ttl_s ? (when > APR_UINT32_MAX ? APR_UINT32_MAX : (apr_uint32_t)when) : 0;
}

static int expired(const slot_t *sl, apr_uint32_t now)
{
    return sl->expires != 0 && sl->expires <= now;
}

/* --- chunks --------------------------------------------------------------- */

static int size_class(apr_size_t len)
{
    int c = 0;
    apr_size_t sz = MIN_CHUNK;

    while (sz < len && c < NCLASSES) {
        sz <<= 1;
        c++;
    }
    return c < NCLASSES ? c : -1;
}

static apr_uint32_t *chunk_next(sec_shm_t *s, apr_uint32_t off)
{
    return (apr_uint32_t *)(s->data + off);
}

static void chunk_free(sec_shm_t *s, int cls, apr_uint32_t off)
{
    *chunk_next(s, off) = s->h->free_head[cls];
    s->h->free_head[cls] = off + 1;
}

static void slot_release(sec_shm_t *s, slot_t *sl)
{
    if (sl->state == SLOT_USED) {
        if (sl->cls != CLS_INLINE) {
            chunk_free(s, sl->cls, sl->voff);
        }
        s->h->used--;
    }
    sl->state = SLOT_TOMB;
    sl->cls = CLS_INLINE;
}

static void carve_page(sec_shm_t *s, apr_uint64_t page, int cls)
{
    apr_uint32_t csize = MIN_CHUNK << cls, off;
    apr_uint32_t start = (apr_uint32_t)(page * PAGE_SIZE);

    s->pclass[page] = (uint8_t)cls;
    for (off = start + PAGE_SIZE - csize; ; off -= csize) {
        chunk_free(s, cls, off);
        if (off == start) {
            break;
        }
    }
}

static void note_eviction(sec_shm_t *s)
{
    apr_uint64_t now = now_s(), last;

    sec_metrics_eviction(s->metrics);
    last = __atomic_load_n(&s->h->last_evict_log, __ATOMIC_RELAXED);
    if (now >= last + EVICT_LOG_INTERVAL &&
        __atomic_compare_exchange_n(&s->h->last_evict_log, &last, now, 0, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
        sec_log(SEC_LOG_WARNING, 0, SECLOGNO(01002) "shm store is full: evicting entries "
                "before they expire (%" APR_UINT64_T_FMT " so far); raise SecStore shm size=",
                sec_metrics_evictions(s->metrics));
    }
}

/* Empties one whole page (evicting what lives in it) and gives it to cls.
 * O(slots); only reached when a size class has no chunk and no page is left. */
static int steal_page(sec_shm_t *s, int cls)
{
    apr_uint64_t page = s->h->page_clock++ % s->h->npages, i;
    int old = s->pclass[page];
    apr_uint32_t lo = (apr_uint32_t)(page * PAGE_SIZE), hi = lo + PAGE_SIZE;
    apr_uint32_t *link;
    apr_uint32_t now = now_s();

    for (i = 0; i < s->h->nslots; i++) {
        slot_t *sl = &s->slots[i];
        if (sl->state == SLOT_USED && sl->cls == old && sl->voff >= lo && sl->voff < hi) {
            if (!expired(sl, now)) {
                note_eviction(s);
            }
            slot_release(s, sl);
        }
    }
    /* unlink the page's chunks from its old class's free list */
    link = &s->h->free_head[old];
    while (*link) {
        apr_uint32_t off = *link - 1;
        if (off >= lo && off < hi) {
            *link = *chunk_next(s, off);
        }
        else {
            link = chunk_next(s, off);
        }
    }
    carve_page(s, page, cls);
    return 1;
}

static apr_status_t chunk_alloc(sec_shm_t *s, int cls, apr_uint32_t *off)
{
    if (!s->h->free_head[cls]) {
        if (s->h->pages_used < s->h->npages) {
            carve_page(s, s->h->pages_used++, cls);
        }
        else {
            /* Reclaim: sweep a stretch of the table freeing expired entries,
             * remembering the live entry of this class nearest to expiry. */
            apr_uint32_t now = now_s();
            slot_t *victim = NULL;
            apr_uint64_t n;
            for (n = 0; n < SWEEP_LIMIT && n < s->h->nslots; n++) {
                slot_t *sl = &s->slots[s->h->clock++ % s->h->nslots];
                if (sl->state != SLOT_USED) {
                    continue;
                }
                if (expired(sl, now)) {
                    slot_release(s, sl);
                }
                else if (sl->cls == cls &&
                         (!victim || (sl->expires && (!victim->expires ||
                                                      sl->expires < victim->expires)))) {
                    victim = sl;
                }
            }
            if (!s->h->free_head[cls] && victim) {
                note_eviction(s);
                slot_release(s, victim);
            }
            if (!s->h->free_head[cls] && s->h->npages > 0) {
                steal_page(s, cls);
            }
        }
    }
    if (!s->h->free_head[cls]) {
        return SEC_STORE_EFULL;
    }
    *off = s->h->free_head[cls] - 1;
    s->h->free_head[cls] = *chunk_next(s, *off);
    return APR_SUCCESS;
}

/* --- slots -------------------------------------------------------------- */

typedef struct {
    slot_t *found;
    slot_t *free_sl;          /* first reusable slot */
    apr_uint64_t free_dist;   /* its distance from the window's start */
    slot_t *victim;           /* live entry nearest to expiry */
} window_scan_t;

/* Scans one probe window from home: stops at the key, or at a never-used
 * slot (no key was placed beyond one). Expired entries passed on the way are
 * reclaimed. */
static void scan_window(sec_shm_t *s, apr_uint64_t home, apr_uint64_t h1, apr_uint64_t h2,
                        apr_uint32_t now, window_scan_t *w)
{
    apr_uint64_t i;

    memset(w, 0, sizeof(*w));
    for (i = 0; i < PROBE_WINDOW && i < s->h->nslots; i++) {
        slot_t *sl = &s->slots[(home + i) % s->h->nslots];
        if (sl->state == SLOT_EMPTY) {
            if (!w->free_sl) {
                w->free_sl = sl;
                w->free_dist = i;
            }
            return;
        }
        if (sl->state == SLOT_USED && expired(sl, now)) {
            slot_release(s, sl);   /* lazy expiry */
        }
        if (sl->state == SLOT_TOMB) {
            if (!w->free_sl) {
                w->free_sl = sl;
                w->free_dist = i;
            }
            continue;
        }
        if (sl->h1 == h1 && sl->h2 == h2) {
            w->found = sl;
            return;
        }
        if (!w->victim ||
            (sl->expires && (!w->victim->expires || sl->expires < w->victim->expires))) {
            w->victim = sl;
        }
    }
}

/* Finds the key's slot. Each key has two candidate windows, at h1 and at h2
 * ("two choices"): a new key goes to the one with a free slot sooner, which
 * keeps windows from overflowing until the table is nearly full (one window
 * alone starts evicting live keys well below 75% load). With create, returns
 * a slot to (re)use when absent, else the entry of both windows nearest to
 * expiry, evicted. *found says whether a live entry was there. */
static slot_t *find_slot(sec_shm_t *s, apr_uint64_t h1, apr_uint64_t h2, int create, int *found)
{
    apr_uint32_t now = now_s();
    window_scan_t a, b;
    slot_t *use, *victim;

    *found = 0;
    scan_window(s, h1 % s->h->nslots, h1, h2, now, &a);
    if (a.found) {
        *found = 1;
        return a.found;
    }
    scan_window(s, h2 % s->h->nslots, h1, h2, now, &b);
    if (b.found) {
        *found = 1;
        return b.found;
    }
    if (!create) {
        return NULL;
    }
    if (a.free_sl && (!b.free_sl || a.free_dist <= b.free_dist)) {
        return a.free_sl;
    }
    if (b.free_sl) {
        return b.free_sl;
    }
    victim = a.victim;
    if (b.victim && (!victim || (b.victim->expires &&
                                 (!victim->expires || b.victim->expires < victim->expires)))) {
        victim = b.victim;
    }
    use = victim;
    if (use) {
        note_eviction(s);
        slot_release(s, use);
    }
    return use;
}

static void slot_claim(sec_shm_t *s, slot_t *sl, apr_uint64_t h1, apr_uint64_t h2)
{
    sl->h1 = h1;
    sl->h2 = h2;
    sl->state = SLOT_USED;
    sl->cls = CLS_INLINE;
    sl->numeric = 0;
    sl->vlen = 0;
    sl->expires = 0;
    s->h->used++;
}

/* Writes val into sl (already claimed or found), reusing its chunk when the
 * class fits. */
static apr_status_t slot_write(sec_shm_t *s, slot_t *sl, const void *val, apr_size_t len)
{
    if (len <= INLINE_MAX) {
        if (sl->cls != CLS_INLINE) {
            chunk_free(s, sl->cls, sl->voff);
            sl->cls = CLS_INLINE;
        }
        memcpy(sl->inl.bytes, val, len);
    }
    else {
        int cls = size_class(len);
        if (cls < 0) {
            return SEC_STORE_ETOOBIG;
        }
        if (sl->cls != cls) {
            apr_uint32_t off;
            apr_status_t rv;
            if (sl->cls != CLS_INLINE) {
                chunk_free(s, sl->cls, sl->voff);
                sl->cls = CLS_INLINE;
            }
            /* chunk_alloc may sweep and evict. Our slot is inline now, so
             * it is never the size-class victim; clearing its expiry keeps
             * the sweep from reclaiming it as expired should the clock tick
             * past its old expiry meanwhile (the caller sets the new one). */
            sl->expires = 0;
            if ((rv = chunk_alloc(s, cls, &off)) != APR_SUCCESS) {
                return rv;
            }
            sl->cls = (uint8_t)cls;
            sl->voff = off;
        }
        memcpy(s->data + sl->voff, val, len);
    }
    sl->vlen = (apr_uint32_t)len;
    sl->numeric = 0;
    return APR_SUCCESS;
}

/* --- the store interface -------------------------------------------------- */

static apr_status_t shm_store_put(sec_store_t *st, const char *key, const void *val,
                                  apr_size_t len, apr_uint32_t ttl_s, int only_add)
{
    sec_shm_t *s = ((shm_store_t *)st)->s;
    apr_uint64_t h1, h2;
    slot_t *sl;
    int found;
    apr_status_t rv;

    if (len > SEC_SHM_VALUE_MAX) {
        return SEC_STORE_ETOOBIG;
    }
    digest(s, key, &h1, &h2);
    if ((rv = shm_lock(s)) != APR_SUCCESS) {
        return rv;
    }
    sl = find_slot(s, h1, h2, 1, &found);
    if (found && only_add) {
        rv = SEC_STORE_EEXISTS;
    }
    else if (!sl) {
        rv = SEC_STORE_EFULL;
    }
    else {
        if (!found) {
            slot_claim(s, sl, h1, h2);
        }
        rv = slot_write(s, sl, val, len);
        if (rv == APR_SUCCESS) {
            sl->expires = expiry(ttl_s);
        }
        else {
            slot_release(s, sl);
        }
    }
    shm_unlock(s);
    return rv;
}

static apr_status_t shm_store_set(sec_store_t *st, const char *key, const void *val,
                                  apr_size_t len, apr_uint32_t ttl_s)
{
    return shm_store_put(st, key, val, len, ttl_s, 0);
}

static apr_status_t shm_store_add(sec_store_t *st, const char *key, const void *val,
                                  apr_size_t len, apr_uint32_t ttl_s)
{
    return shm_store_put(st, key, val, len, ttl_s, 1);
}

static apr_status_t shm_store_get(sec_store_t *st, apr_pool_t *p, const char *key,
                                  char **val, apr_size_t *len)
{
    sec_shm_t *s = ((shm_store_t *)st)->s;
    apr_uint64_t h1, h2;
    slot_t *sl;
    int found;
    apr_status_t rv;

    digest(s, key, &h1, &h2);
    if ((rv = shm_lock(s)) != APR_SUCCESS) {
        return rv;
    }
    sl = find_slot(s, h1, h2, 0, &found);
    if (!found) {
        rv = APR_NOTFOUND;
    }
    else if (sl->numeric) {
        /* Counters read back as decimal text, as memcached returns them. */
        *val = apr_psprintf(p, "%" APR_UINT64_T_FMT, sl->inl.num);
        *len = strlen(*val);
    }
    else {
        const void *src = sl->cls == CLS_INLINE ? (const void *)sl->inl.bytes
                                                : (const void *)(s->data + sl->voff);
        *val = apr_palloc(p, sl->vlen + 1);
        memcpy(*val, src, sl->vlen);
        (*val)[sl->vlen] = '\0';
        *len = sl->vlen;
    }
    shm_unlock(s);
    return rv;
}

/* Parses a stored decimal value for incr/decr; 0 on anything else. */
static int parse_counter(const unsigned char *v, apr_size_t len, apr_uint64_t *out)
{
    apr_uint64_t n = 0;
    apr_size_t i;

    if (len == 0 || len > 20) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9' || n > (APR_UINT64_MAX - (v[i] - '0')) / 10) {
            return 0;
        }
        n = n * 10 + (v[i] - '0');
    }
    *out = n;
    return 1;
}

/* A found slot as a number: a value stored as decimal text becomes a counter,
 * as memcached treats it; anything else can't be counted. */
static apr_status_t slot_as_counter(sec_shm_t *s, slot_t *sl)
{
    apr_uint64_t cur = 0;

    if (sl->numeric) {
        return APR_SUCCESS;
    }
    if (!parse_counter(sl->cls == CLS_INLINE ? sl->inl.bytes : s->data + sl->voff, sl->vlen,
                       &cur)) {
        return SEC_STORE_EPROTOCOL;   /* memcached refuses non-numeric incr too */
    }
    if (sl->cls != CLS_INLINE) {
        chunk_free(s, sl->cls, sl->voff);
        sl->cls = CLS_INLINE;
    }
    sl->numeric = 1;
    sl->inl.num = cur;
    return APR_SUCCESS;
}

static apr_status_t shm_store_incr(sec_store_t *st, const char *key, apr_uint64_t delta,
                                   apr_uint32_t ttl_s, apr_uint64_t *out)
{
    sec_shm_t *s = ((shm_store_t *)st)->s;
    apr_uint64_t h1, h2;
    slot_t *sl;
    int found;
    apr_status_t rv;

    digest(s, key, &h1, &h2);
    if ((rv = shm_lock(s)) != APR_SUCCESS) {
        return rv;
    }
    sl = find_slot(s, h1, h2, 1, &found);
    if (!sl) {
        rv = SEC_STORE_EFULL;
    }
    else if (found) {
        if ((rv = slot_as_counter(s, sl)) == APR_SUCCESS) {
            /* memcached wraps a 64-bit counter; so do we. */
            sl->inl.num += delta;
            *out = sl->inl.num;
        }
    }
    else {
        slot_claim(s, sl, h1, h2);
        sl->numeric = 1;
        sl->vlen = 0;
        sl->inl.num = delta;
        sl->expires = expiry(ttl_s);
        *out = delta;
    }
    shm_unlock(s);
    return rv;
}

static apr_status_t shm_store_decr(sec_store_t *st, const char *key, apr_uint64_t delta,
                                   apr_uint64_t *out)
{
    sec_shm_t *s = ((shm_store_t *)st)->s;
    apr_uint64_t h1, h2;
    slot_t *sl;
    int found;
    apr_status_t rv;

    digest(s, key, &h1, &h2);
    if ((rv = shm_lock(s)) != APR_SUCCESS) {
        return rv;
    }
    sl = find_slot(s, h1, h2, 0, &found);
    if (!sl) {
        rv = APR_NOTFOUND;
    }
    else if ((rv = slot_as_counter(s, sl)) == APR_SUCCESS) {
        /* memcached stops at 0 rather than wrap downwards; so do we. */
        sl->inl.num = sl->inl.num > delta ? sl->inl.num - delta : 0;
        *out = sl->inl.num;
    }
    shm_unlock(s);
    return rv;
}

static apr_status_t shm_store_del(sec_store_t *st, const char *key)
{
    sec_shm_t *s = ((shm_store_t *)st)->s;
    apr_uint64_t h1, h2;
    slot_t *sl;
    int found;
    apr_status_t rv;

    digest(s, key, &h1, &h2);
    if ((rv = shm_lock(s)) != APR_SUCCESS) {
        return rv;
    }
    sl = find_slot(s, h1, h2, 0, &found);
    if (found) {
        slot_release(s, sl);
    }
    else {
        rv = APR_NOTFOUND;
    }
    shm_unlock(s);
    return rv;
}

static apr_status_t shm_store_status(sec_store_t *st, apr_pool_t *p, json_t **out)
{
    sec_shm_t *s = ((shm_store_t *)st)->s;
    sec_shm_stats_t stats;
    json_t *j = json_object();

    sec_shm_stats(s, &stats);
    json_object_set_new(j, "kind", json_string("shm"));
    json_object_set_new(j, "reachable", json_true());
    json_object_set_new(j, "size", json_integer((json_int_t)stats.size));
    json_object_set_new(j, "entries", json_integer((json_int_t)stats.used));
    json_object_set_new(j, "capacity", json_integer((json_int_t)stats.slots));
    json_object_set_new(j, "fill", json_real(stats.slots ? (double)stats.used / stats.slots : 0));
    json_object_set_new(j, "dataFill", json_real(stats.data_bytes ? (double)stats.data_used /
                                                 stats.data_bytes : 0));
    json_object_set_new(j, "evictions", json_integer((json_int_t)stats.evictions));
    *out = j;
    return APR_SUCCESS;
}

sec_store_t *sec_store_shm_make(apr_pool_t *pool, sec_shm_t *s)
{
    shm_store_t *st = apr_pcalloc(pool, sizeof(*st));

    st->base.name = "shm";
    st->base.kind = SEC_STORE_KIND_SHM;
    st->base.get = shm_store_get;
    st->base.set = shm_store_set;
    st->base.add = shm_store_add;
    st->base.incr = shm_store_incr;
    st->base.decr = shm_store_decr;
    st->base.del = shm_store_del;
    st->base.status = shm_store_status;
    st->base.metrics = s->metrics;
    st->s = s;
    return &st->base;
}
