/* The store layer (sec_store.c) and the embedded shared-memory provider
 * (sec_store_shm.c). */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <time.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <apr_shm.h>
#include "unit.h"
#include "sec_store_shm.h"
#include "sec_crypto.h"

#define NS "t"
#define MB (1024 * 1024)

typedef struct {
    apr_pool_t *p;
    sec_shm_t *shm;
    sec_store_t *st;
} fixture_t;

/* A controllable wall clock. apr_time_now() reads gettimeofday(); this
 * definition in the test program takes its place for the whole process and
 * passes through to the real clock unless a test turns the fake on (CK_FORK:
 * only in that test's own process). With the fake on, time stands still at
 * fake_sec.5 and moves on by one second at the fake_tick_at-th reading. */
static int fake_on;
static long long fake_sec;
static int fake_tick_at;

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    if (!fake_on) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
        return 0;
    }
    if (fake_tick_at > 0 && --fake_tick_at == 0) {
        fake_sec++;
    }
    tv->tv_sec = (time_t)fake_sec;
    tv->tv_usec = 500000;
    return 0;
}

static fixture_t make_store(apr_uint64_t size)
{
    fixture_t f;
    apr_status_t rv;

    f.p = unit_pool();
    f.shm = NULL;
    rv = sec_shm_create(f.p, NULL, size, &f.shm);
    ck_assert_msg(rv == APR_SUCCESS, "sec_shm_create(anonymous, %" APR_UINT64_T_FMT ") = %d",
                  size, rv);
    ck_assert_ptr_nonnull(f.shm);
    f.st = sec_store_shm_make(f.p, f.shm);
    ck_assert_ptr_nonnull(f.st);
    return f;
}

static void fill_value(char *v, apr_size_t n, unsigned seed)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        v[i] = (char)((i * 7u + seed * 13u + (i >> 8)) & 0xff);
    }
}

/* get and compare */
static void expect_value(fixture_t *f, const char *key, const void *want, apr_size_t wlen)
{
    char *val = NULL;
    apr_size_t len = 0;
    apr_status_t rv = sec_store_get(f->st, f->p, NS, key, &val, &len);

    ck_assert_msg(rv == APR_SUCCESS, "get %s: %s", key, sec_store_strerror(f->p, rv));
    ck_assert_uint_eq(len, wlen);
    ck_assert_msg(memcmp(val, want, wlen) == 0, "value of %s differs (len %u)", key,
                  (unsigned)wlen);
    ck_assert_int_eq(val[len], '\0');
}

static void expect_missing(fixture_t *f, const char *key)
{
    char *val = NULL;
    apr_size_t len = 0;
    apr_status_t rv = sec_store_get(f->st, f->p, NS, key, &val, &len);

    ck_assert_msg(rv == APR_NOTFOUND, "get %s: want not found, got %s", key,
                  sec_store_strerror(f->p, rv));
}

/* Checked teardown: a failed test must not leave the fake clock on for the
 * next one when tests run without fork (CK_FORK=no). */
static void fake_clock_off(void)
{
    fake_on = 0;
    fake_tick_at = 0;
}

/* Waits (at most 2.5 s) until the wall clock's second is at least sec. */
static void wait_for_second(apr_time_t sec)
{
    apr_time_t deadline = apr_time_now() + apr_time_from_msec(2500);

    while (apr_time_sec(apr_time_now()) < sec) {
        ck_assert_msg(apr_time_now() < deadline, "clock did not reach second %" APR_TIME_T_FMT,
                      sec);
        apr_sleep(apr_time_from_msec(20));
    }
}

START_TEST(basic_ops)
{
    fixture_t f = make_store(4 * MB);
    apr_uint64_t n = 0;
    char *val;
    apr_size_t len;
    json_t *status = NULL;

    ck_assert_str_eq(f.st->name, "shm");
    ck_assert_int_eq(f.st->kind, SEC_STORE_KIND_SHM);
    expect_missing(&f, "k1");
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "k1", "hello", 5, 0), APR_SUCCESS);
    expect_value(&f, "k1", "hello", 5);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "k1", "bye", 3, 0), APR_SUCCESS);
    expect_value(&f, "k1", "bye", 3);
    /* add: only when absent */
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, "k1", "nope", 4, 0), SEC_STORE_EEXISTS);
    expect_value(&f, "k1", "bye", 3);
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, "k2", "new", 3, 0), APR_SUCCESS);
    expect_value(&f, "k2", "new", 3);
    /* the same key in another namespace is another key */
    ck_assert_int_eq(sec_store_get(f.st, f.p, "other", "k1", &val, &len), APR_NOTFOUND);
    /* del */
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, "k1"), APR_SUCCESS);
    expect_missing(&f, "k1");
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, "k1"), APR_NOTFOUND);
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, "k1", "again", 5, 0), APR_SUCCESS);
    expect_value(&f, "k1", "again", 5);
    /* an empty value */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "empty", "", 0, 0), APR_SUCCESS);
    expect_value(&f, "empty", "", 0);
    /* binary values with NULs */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "bin", "a\0b\0c", 5, 0), APR_SUCCESS);
    expect_value(&f, "bin", "a\0b\0c", 5);

    /* incr creates at delta, then adds; get returns decimal text */
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 5, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 1, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 0, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 6);
    expect_value(&f, "ctr", "6", 1);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 1000000, 0, &n), APR_SUCCESS);
    expect_value(&f, "ctr", "1000006", 7);
    /* add on a counter: exists */
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, "ctr", "x", 1, 0), SEC_STORE_EEXISTS);
    /* incr of a decimal text value set before */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "txt", "41", 2, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "txt", 1, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 42);
    expect_value(&f, "txt", "42", 2);
    /* incr of a long decimal value (in a chunk) */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "big", "12345678901234", 14, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "big", 1, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, APR_UINT64_C(12345678901235));
    expect_value(&f, "big", "12345678901235", 14);
    /* incr of something that isn't a number is refused (an error, not a miss) */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "word", "abc", 3, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "word", 1, 0, &n), SEC_STORE_EPROTOCOL);
    expect_value(&f, "word", "abc", 3);
    /* a counter overwritten by set is a plain value again */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "ctr", "zz", 2, 0), APR_SUCCESS);
    expect_value(&f, "ctr", "zz", 2);
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, "ctr"), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 3, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 3);

    /* status document */
    ck_assert_int_eq(f.st->status(f.st, f.p, &status), APR_SUCCESS);
    ck_assert_ptr_nonnull(status);
    ck_assert_str_eq(json_string_value(json_object_get(status, "kind")), "shm");
    ck_assert(json_is_true(json_object_get(status, "reachable")));
    ck_assert_int_eq(json_integer_value(json_object_get(status, "entries")), 8);
    json_decref(status);

    /* the wrappers counted every operation in the segment's metrics */
    ck_assert_ptr_eq(f.st->metrics, sec_shm_metrics(f.shm));
    ck_assert_uint_ge(sec_metrics_store_ops(f.st->metrics, SEC_STORE_KIND_SHM, SEC_OP_GET), 10);
    ck_assert_uint_eq(sec_metrics_store_ops(f.st->metrics, SEC_STORE_KIND_SHM, SEC_OP_ADD), 4);
    ck_assert_uint_eq(sec_metrics_store_ops(f.st->metrics, SEC_STORE_KIND_SHM, SEC_OP_DEL), 3);
    ck_assert_uint_eq(sec_metrics_store_errors(f.st->metrics, SEC_STORE_KIND_SHM,
                                               SEC_ERRK_PROTOCOL), 1);
    ck_assert_uint_eq(sec_metrics_store_errors(f.st->metrics, SEC_STORE_KIND_SHM,
                                               SEC_ERRK_OTHER), 0);
    apr_pool_destroy(f.p);
}
END_TEST

/* decr gives back what incr took: stops at 0, leaves a missing key missing,
 * refuses a non-number like incr does, keeps the counter's expiry. */
START_TEST(decr_gives_back)
{
    fixture_t f = make_store(4 * MB);
    apr_uint64_t n = 0;

    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 6, 0, &n), APR_SUCCESS);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, "ctr", 2, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 4);
    expect_value(&f, "ctr", "4", 1);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, "ctr", 10, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, "ctr", 1, NULL), APR_SUCCESS);
    expect_value(&f, "ctr", "0", 1);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 3, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 3);
    /* missing: not created */
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, "none", 1, &n), APR_NOTFOUND);
    expect_missing(&f, "none");
    /* decimal text becomes a counter; a word is refused and kept */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "txt", "41", 2, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, "txt", 1, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 40);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "word", "abc", 3, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, "word", 1, &n), SEC_STORE_EPROTOCOL);
    expect_value(&f, "word", "abc", 3);
    /* the expiry set by the creating incr is kept */
    {
        apr_time_t t;
        ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "short", 5, 1, &n), APR_SUCCESS);
        t = apr_time_sec(apr_time_now());
        ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, "short", 1, &n), APR_SUCCESS);
        wait_for_second(t + 1);   /* expiry was set no later than t + 1 */
        expect_missing(&f, "short");
    }
    apr_pool_destroy(f.p);
}
END_TEST

/* The listing index: newest first, each value once, expired entries and
 * what is past max skipped, and the walk stops when asked. */
static int collect(void *baton, const char *value, apr_size_t len)
{
    char *buf = baton;
    if (strlen(buf) + len + 2 > 256) {
        return 0;
    }
    strncat(buf, value, len);
    strcat(buf, ",");
    return strcmp(value, "stop") != 0;
}

START_TEST(listing_index)
{
    fixture_t f = make_store(4 * MB);
    char buf[256] = "";
    apr_time_t t;

    sec_store_index_walk(f.st, f.p, "idx", 100, collect, buf);
    ck_assert_str_eq(buf, "");                       /* nothing yet */
    ck_assert_int_eq(sec_store_index_add(f.st, f.p, "idx", "a", 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_index_add(f.st, f.p, "idx", "b", 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_index_add(f.st, f.p, "idx", "a", 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_index_add(f.st, f.p, "idx", "gone", 1), APR_SUCCESS);
    t = apr_time_sec(apr_time_now());
    ck_assert_int_eq(sec_store_index_add(f.st, f.p, "idx", "c", 0), APR_SUCCESS);
    sec_store_index_walk(f.st, f.p, "idx", 100, collect, buf);
    ck_assert_str_eq(buf, "c,gone,a,b,");
    buf[0] = '\0';
    sec_store_index_walk(f.st, f.p, "idx", 2, collect, buf);
    ck_assert_str_eq(buf, "c,gone,");                /* max entries back */
    wait_for_second(t + 1);
    buf[0] = '\0';
    sec_store_index_walk(f.st, f.p, "idx", 100, collect, buf);
    ck_assert_str_eq(buf, "c,a,b,");                 /* expired entry skipped */
    ck_assert_int_eq(sec_store_index_add(f.st, f.p, "idx", "stop", 0), APR_SUCCESS);
    buf[0] = '\0';
    sec_store_index_walk(f.st, f.p, "idx", 100, collect, buf);
    ck_assert_str_eq(buf, "stop,");                  /* the callback ends the walk */
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(value_sizes)
{
    static const apr_size_t sizes[] = {1, 8, 9, 100, 5000, 65536, 16, 17, 4096, 32768};
    fixture_t f = make_store(4 * MB);
    char *v = malloc(SEC_SHM_VALUE_MAX + 2);
    apr_size_t i, j;

    ck_assert_ptr_nonnull(v);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const char *key = apr_psprintf(f.p, "size-%u", (unsigned)sizes[i]);
        fill_value(v, sizes[i], (unsigned)i);
        ck_assert_msg(sec_store_set(f.st, f.p, NS, key, v, sizes[i], 0) == APR_SUCCESS,
                      "set of %u bytes failed", (unsigned)sizes[i]);
        expect_value(&f, key, v, sizes[i]);
    }
    /* all still there (nothing overwrote anything else) */
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        fill_value(v, sizes[i], (unsigned)i);
        expect_value(&f, apr_psprintf(f.p, "size-%u", (unsigned)sizes[i]), v, sizes[i]);
    }
    /* one key rewritten through every size, growing and shrinking */
    for (j = 0; j < 3; j++) {
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            fill_value(v, sizes[i], (unsigned)(i + 100 * j));
            ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "resized", v, sizes[i], 0), APR_SUCCESS);
            expect_value(&f, "resized", v, sizes[i]);
        }
    }
    /* over the limit */
    fill_value(v, SEC_SHM_VALUE_MAX + 1, 9);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "toobig", v, SEC_SHM_VALUE_MAX + 1, 0),
                     SEC_STORE_ETOOBIG);
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, "toobig", v, SEC_SHM_VALUE_MAX + 1, 0),
                     SEC_STORE_ETOOBIG);
    expect_missing(&f, "toobig");
    ck_assert_uint_eq(sec_metrics_store_errors(f.st->metrics, SEC_STORE_KIND_SHM,
                                               SEC_ERRK_TOOBIG), 2);
    /* a too-big overwrite leaves the old value alone */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "size-100", v, SEC_SHM_VALUE_MAX + 1, 0),
                     SEC_STORE_ETOOBIG);
    fill_value(v, 100, 3);
    expect_value(&f, "size-100", v, 100);
    free(v);
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(ttl_expiry)
{
    fixture_t f = make_store(4 * MB);
    apr_uint64_t n = 0;
    apr_time_t t;
    char big[300];

    fill_value(big, sizeof(big), 1);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "short", "v", 1, 1), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "short-big", big, sizeof(big), 1), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "long", "v", 1, 3600), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "forever", "v", 1, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 1, 1, &n), APR_SUCCESS);
    /* an existing counter keeps its expiry, whatever ttl the incr passes */
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 1, 3600, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, "added", "v", 1, 1), APR_SUCCESS);
    t = apr_time_sec(apr_time_now());
    expect_value(&f, "short", "v", 1);
    expect_value(&f, "short-big", big, sizeof(big));

    wait_for_second(t + 1);   /* expiry was set no later than t + 1 */

    expect_missing(&f, "short");
    expect_missing(&f, "short-big");
    expect_missing(&f, "ctr");
    expect_missing(&f, "added");
    expect_value(&f, "long", "v", 1);
    expect_value(&f, "forever", "v", 1);
    /* an expired key is absent for add and incr too */
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, "added", "w", 1, 0), APR_SUCCESS);
    expect_value(&f, "added", "w", 1);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 7, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, "short"), APR_NOTFOUND);
    /* set refreshes a ttl: a key set with ttl 1 and then again with 0 stays */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "refresh", "a", 1, 1), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "refresh", "b", 1, 0), APR_SUCCESS);
    t = apr_time_sec(apr_time_now());
    wait_for_second(t + 1);
    expect_value(&f, "refresh", "b", 1);
    apr_pool_destroy(f.p);
}
END_TEST

/* ttl_s is any apr_uint32_t: a very long ttl must not wrap around into the
 * past (the entry would vanish at once although set returned success). */
START_TEST(ttl_huge_does_not_wrap)
{
    fixture_t f = make_store(SEC_SHM_MIN_SIZE);
    apr_uint64_t n = 0;

    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "month", "v", 1, 31 * 86400), APR_SUCCESS);
    expect_value(&f, "month", "v", 1);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "decades", "v", 1, 2000000000u), APR_SUCCESS);
    expect_value(&f, "decades", "v", 1);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "max", "v", 1, 0xffffffffu), APR_SUCCESS);
    expect_value(&f, "max", "v", 1);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 1, 0xffffffffu, &n), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr", 1, 0xffffffffu, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 2);
    apr_pool_destroy(f.p);
}
END_TEST

/* An entry overwritten in the very second it expires, by a value that needs a
 * new chunk while the data area is full: the reclaim sweep inside the write
 * must not free the slot being written (set would return success and the
 * value would be gone). The sweep covers 4096 of the ~10000 slots of a 1 MiB
 * segment, so each round hits the slot with p ~ 0.4; 30 rounds. */
START_TEST(overwrite_at_expiry_second)
{
    int round, lost = 0;
    char big[5000], mid[100];

    memset(big, 'b', sizeof(big));
    memset(mid, 'm', sizeof(mid));
    for (round = 0; round < 30; round++) {
        fixture_t f = make_store(SEC_SHM_MIN_SIZE);
        sec_shm_stats_t ss;
        apr_uint64_t i, chunks;
        apr_status_t rv, g;
        char *val;
        apr_size_t len;

        fake_sec = 1800000000LL + round * 100;
        fake_tick_at = 0;
        fake_on = 1;
        ck_assert_msg(apr_time_sec(apr_time_now()) == fake_sec,
                      "the test clock is not in effect (apr_time_now doesn't use gettimeofday?)");
        /* fill every page with 8 KiB chunks of long-lived entries */
        sec_shm_stats(f.shm, &ss);
        chunks = ss.data_bytes / (64 * 1024) * 8;
        for (i = 0; i < chunks; i++) {
            ck_assert_int_eq(sec_store_set(f.st, f.p, NS, apr_psprintf(f.p, "fill%" APR_UINT64_T_FMT,
                                           i), big, sizeof(big), 3600), APR_SUCCESS);
        }
        /* K: inline, expires at fake_sec + 1 */
        ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "K", "small", 5, 1), APR_SUCCESS);
        /* the overwrite: the wrapper's and find_slot's readings are in second
         * fake_sec, the sweep's (third reading) in fake_sec + 1 */
        fake_tick_at = 3;
        rv = sec_store_set(f.st, f.p, NS, "K", mid, sizeof(mid), 0);
        fake_tick_at = 0;
        ck_assert_int_eq(rv, APR_SUCCESS);
        g = sec_store_get(f.st, f.p, NS, "K", &val, &len);
        if (g != APR_SUCCESS || len != sizeof(mid)) {
            lost++;
        }
        fake_on = 0;
        apr_pool_destroy(f.p);
    }
    ck_assert_msg(lost == 0, "in %d of 30 rounds set() returned success and the value was "
                  "gone (the reclaim sweep freed the slot being written)", lost);
}
END_TEST

START_TEST(key_namespacing)
{
    apr_pool_t *p = unit_pool();
    char k198[199], k199[200], k300[301];
    const char *k;
    unsigned char d[SEC_SHA256_LEN];

    ck_assert_str_eq(sec_store_key(p, "ns", "key"), "ns:key");
    ck_assert_str_eq(sec_store_key(p, "rl_ip-4", "192.0.2.7:/login"), "rl_ip-4:192.0.2.7:/login");
    ck_assert_str_eq(sec_store_key(p, "n", ""), "n:");
    memset(k198, 'x', 198);
    k198[198] = '\0';
    memset(k199, 'x', 199);
    k199[199] = '\0';
    memset(k300, 'y', 300);
    k300[300] = '\0';
    /* "t:" + 198 = 200 bytes: still plain */
    k = sec_store_key(p, "t", k198);
    ck_assert_uint_eq(strlen(k), 200);
    ck_assert_int_eq(strncmp(k, "t:xxx", 5), 0);
    /* 201 bytes: digest */
    k = sec_store_key(p, "t", k199);
    ck_assert_uint_eq(strlen(k), 2 + 1 + 43);
    ck_assert_int_eq(strncmp(k, "t:#", 3), 0);
    sec_sha256(k199, 199, d);
    ck_assert_str_eq(k + 3, sec_base64url_encode(p, d, sizeof(d)));
    k = sec_store_key(p, "sess", k300);
    ck_assert_uint_eq(strlen(k), 5 + 1 + 43);
    ck_assert_int_eq(strncmp(k, "sess:#", 6), 0);
    /* spaces, control characters, DEL, non-ASCII, a leading '#' */
    {
        static const char *odd[] = {"with space", "tab\there", "nl\n", "cr\r", "del\x7f",
                                    "caf\xc3\xa9", "#looks-hashed", "\x01"};
        apr_size_t i, j;
        for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
            k = sec_store_key(p, "ns", odd[i]);
            ck_assert_ptr_nonnull(k);
            ck_assert_msg(strncmp(k, "ns:#", 4) == 0 && strlen(k) == 4 + 43,
                          "key %u not hashed: %s", (unsigned)i, k);
            for (j = 0; k[j]; j++) {
                ck_assert_msg((unsigned char)k[j] > ' ' && (unsigned char)k[j] < 0x7f,
                              "unsafe byte in %s", k);
            }
            sec_sha256(odd[i], strlen(odd[i]), d);
            ck_assert_str_eq(k + 4, sec_base64url_encode(p, d, sizeof(d)));
        }
    }
    /* '#' later in a key is fine */
    ck_assert_str_eq(sec_store_key(p, "ns", "a#b"), "ns:a#b");
    /* bad namespaces */
    ck_assert_ptr_null(sec_store_key(p, NULL, "k"));
    ck_assert_ptr_null(sec_store_key(p, "", "k"));
    ck_assert_ptr_null(sec_store_key(p, "Upper", "k"));
    ck_assert_ptr_null(sec_store_key(p, "a b", "k"));
    ck_assert_ptr_null(sec_store_key(p, "a:b", "k"));
    ck_assert_ptr_null(sec_store_key(p, "a.b", "k"));
    ck_assert_ptr_null(sec_store_key(p, "123456789012345678901234567890123", "k"));
    ck_assert_ptr_nonnull(sec_store_key(p, "12345678901234567890123456789012", "k"));
    ck_assert_ptr_null(sec_store_key(p, "ns", NULL));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(wrappers_reject_bad_keys)
{
    fixture_t f = make_store(SEC_SHM_MIN_SIZE);
    apr_uint64_t n = 0;
    char *val;
    apr_size_t len;
    char k300a[301], k300b[301];

    ck_assert_int_eq(sec_store_get(f.st, f.p, "BAD", "k", &val, &len), SEC_STORE_EBADKEY);
    ck_assert_int_eq(sec_store_set(f.st, f.p, "", "k", "v", 1, 0), SEC_STORE_EBADKEY);
    ck_assert_int_eq(sec_store_add(f.st, f.p, "a b", "k", "v", 1, 0), SEC_STORE_EBADKEY);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NULL, "k", 1, 0, &n), SEC_STORE_EBADKEY);
    ck_assert_int_eq(sec_store_del(f.st, f.p, "x!", "k"), SEC_STORE_EBADKEY);
    ck_assert_int_eq(sec_store_get(f.st, f.p, NS, NULL, &val, &len), SEC_STORE_EBADKEY);

    /* long and odd keys work through the wrappers, and stay distinct */
    memset(k300a, 'z', 300);
    k300a[300] = '\0';
    memcpy(k300b, k300a, sizeof(k300b));
    k300b[299] = 'Z';
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, k300a, "A", 1, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, k300b, "B", 1, 0), APR_SUCCESS);
    expect_value(&f, k300a, "A", 1);
    expect_value(&f, k300b, "B", 1);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "user name\n", "C", 1, 0), APR_SUCCESS);
    expect_value(&f, "user name\n", "C", 1);
    expect_missing(&f, "user name");
    apr_pool_destroy(f.p);
}
END_TEST

/* The always-unavailable store (sec_store.c): every operation is an outage,
 * never a miss. */
START_TEST(unavailable_store)
{
    apr_pool_t *p = unit_pool();
    sec_store_t *st = sec_store_unavailable_make(p, "memcached", SEC_STORE_KIND_MEMCACHED);
    sec_metrics_t *m = apr_pcalloc(p, sec_metrics_size());
    json_t *j = NULL;
    char *val = NULL;
    apr_size_t len = 0;
    apr_uint64_t n = 0;

    ck_assert_ptr_nonnull(st);
    ck_assert_str_eq(st->name, "memcached");
    ck_assert_int_eq(st->kind, SEC_STORE_KIND_MEMCACHED);
    sec_metrics_init(m);
    st->metrics = m;
    ck_assert_int_eq(sec_store_get(st, p, NS, "k", &val, &len), SEC_STORE_EUNAVAILABLE);
    ck_assert_int_eq(sec_store_set(st, p, NS, "k", "v", 1, 0), SEC_STORE_EUNAVAILABLE);
    ck_assert_int_eq(sec_store_add(st, p, NS, "k", "v", 1, 0), SEC_STORE_EUNAVAILABLE);
    ck_assert_int_eq(sec_store_incr(st, p, NS, "k", 1, 0, &n), SEC_STORE_EUNAVAILABLE);
    ck_assert_int_eq(sec_store_del(st, p, NS, "k"), SEC_STORE_EUNAVAILABLE);
    ck_assert_int_eq(sec_store_get(st, p, "BAD NS", "k", &val, &len), SEC_STORE_EBADKEY);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_MEMCACHED, SEC_ERRK_UNAVAILABLE),
                      5);
    ck_assert_uint_eq(sec_metrics_store_ops(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_INCR), 1);
    ck_assert_int_eq(st->status(st, p, &j), APR_SUCCESS);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "kind")), "memcached");
    ck_assert(json_is_false(json_object_get(j, "reachable")));
    ck_assert(json_is_string(json_object_get(j, "error")));
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(stats_sane)
{
    fixture_t f = make_store(4 * MB);
    sec_shm_stats_t s;
    char v[5000];
    int i;

    sec_shm_stats(f.shm, &s);
    ck_assert_uint_eq(s.size, 4 * MB);
    ck_assert_uint_eq(sec_shm_size(f.shm), 4 * MB);
    ck_assert_uint_eq(s.slots, sec_shm_slots_for_size(4 * MB));
    ck_assert_uint_gt(s.slots, 1000);
    ck_assert_uint_eq(s.used, 0);
    ck_assert_uint_gt(s.data_bytes, 0);
    ck_assert_uint_lt(s.data_bytes + s.slots * 32, s.size);   /* slots are >= 32 bytes */
    ck_assert_uint_eq(s.data_used, 0);
    ck_assert_uint_eq(s.evictions, 0);
    /* bigger segments hold more keys */
    ck_assert_uint_gt(sec_shm_slots_for_size(64 * MB), sec_shm_slots_for_size(4 * MB));
    ck_assert_uint_gt(sec_shm_slots_for_size(4 * MB), sec_shm_slots_for_size(1 * MB));

    for (i = 0; i < 10; i++) {
        ck_assert_int_eq(sec_store_set(f.st, f.p, NS, apr_psprintf(f.p, "small%d", i), "12345678",
                                       8, 0), APR_SUCCESS);
    }
    sec_shm_stats(f.shm, &s);
    ck_assert_uint_eq(s.used, 10);
    ck_assert_uint_eq(s.data_used, 0);          /* inline values take no chunk */
    fill_value(v, sizeof(v), 1);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(sec_store_set(f.st, f.p, NS, apr_psprintf(f.p, "large%d", i), v,
                                       sizeof(v), 0), APR_SUCCESS);
    }
    sec_shm_stats(f.shm, &s);
    ck_assert_uint_eq(s.used, 13);
    ck_assert_uint_eq(s.data_used, 64 * 1024);  /* one page of the 8 KiB class */
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, "large0"), APR_SUCCESS);
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, "small0"), APR_SUCCESS);
    sec_shm_stats(f.shm, &s);
    ck_assert_uint_eq(s.used, 11);
    ck_assert_uint_eq(s.evictions, 0);
    /* overwriting doesn't add entries */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "small1", "x", 1, 0), APR_SUCCESS);
    sec_shm_stats(f.shm, &s);
    ck_assert_uint_eq(s.used, 11);
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(create_limits)
{
    apr_pool_t *p = unit_pool();
    sec_shm_t *s = NULL;

    ck_assert_int_ne(sec_shm_create(p, NULL, SEC_SHM_MIN_SIZE - 1, &s), APR_SUCCESS);
    ck_assert_int_ne(sec_shm_create(p, NULL, 0, &s), APR_SUCCESS);
    ck_assert_int_ne(sec_shm_create(p, NULL, SEC_SHM_MAX_SIZE + 1, &s), APR_SUCCESS);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(sec_shm_create(p, NULL, SEC_SHM_MIN_SIZE, &s), APR_SUCCESS);
    ck_assert_ptr_nonnull(s);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(eviction_instead_of_failure)
{
    fixture_t f = make_store(SEC_SHM_MIN_SIZE);
    apr_uint64_t slots = sec_shm_slots_for_size(SEC_SHM_MIN_SIZE), i, n = 0;
    sec_shm_stats_t s;
    apr_pool_t *it;
    char v[5000];
    apr_status_t rv;

    ck_assert_int_eq(apr_pool_create(&it, f.p), APR_SUCCESS);
    unit_log_reset();
    /* more small keys than there are slots */
    for (i = 0; i < slots + slots / 4; i++) {
        const char *key = apr_psprintf(it, "user-%" APR_UINT64_T_FMT "@example.com", i);
        rv = sec_store_set(f.st, it, NS, key, "12345678", 8, 600);
        ck_assert_msg(rv == APR_SUCCESS, "set #%" APR_UINT64_T_FMT " of %" APR_UINT64_T_FMT
                      " failed: %s", i, slots, sec_store_strerror(f.p, rv));
        if (i % 1024 == 0) apr_pool_clear(it);
    }
    sec_shm_stats(f.shm, &s);
    ck_assert_uint_gt(s.evictions, 0);
    ck_assert_uint_le(s.used, s.slots);
    /* counters still work in a full table */
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr-in-full-table", 2, 0, &n), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "ctr-in-full-table", 2, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 4);

    /* large values: far more than the data area holds */
    for (i = 0; i < 400; i++) {
        const char *key = apr_psprintf(it, "session-%" APR_UINT64_T_FMT, i);
        fill_value(v, sizeof(v), (unsigned)i);
        rv = sec_store_set(f.st, it, NS, key, v, sizeof(v), (apr_uint32_t)(60 + i));
        ck_assert_msg(rv == APR_SUCCESS, "large set #%" APR_UINT64_T_FMT " failed: %s", i,
                      sec_store_strerror(f.p, rv));
        /* what was just written reads back intact */
        expect_value(&f, key, v, sizeof(v));
        apr_pool_clear(it);
    }
    /* and a mix of sizes */
    for (i = 0; i < 300; i++) {
        apr_size_t len = 9 + (apr_size_t)(i * 997) % (sizeof(v) - 9);
        const char *key = apr_psprintf(it, "mix-%" APR_UINT64_T_FMT, i);
        fill_value(v, len, (unsigned)i);
        rv = sec_store_set(f.st, it, NS, key, v, len, 0);
        ck_assert_msg(rv == APR_SUCCESS, "mixed set #%" APR_UINT64_T_FMT " (%u bytes) failed: %s",
                      i, (unsigned)len, sec_store_strerror(f.p, rv));
        expect_value(&f, key, v, len);
        apr_pool_clear(it);
    }
    sec_shm_stats(f.shm, &s);
    ck_assert_uint_gt(s.evictions, slots / 8);
    ck_assert_uint_le(s.used, s.slots);
    ck_assert_uint_le(s.data_used, s.data_bytes);
    ck_assert_uint_eq(s.evictions, sec_metrics_evictions(sec_shm_metrics(f.shm)));
    /* the eviction was logged, without any key */
    ck_assert_msg(unit_log_contains("SEC01002"), "eviction was not logged");
    ck_assert_msg(!unit_log_contains("example.com") && !unit_log_contains("session-"),
                  "a key was logged");
    /* no operation failed */
    ck_assert_uint_eq(sec_metrics_store_errors(f.st->metrics, SEC_STORE_KIND_SHM, SEC_ERRK_FULL), 0);
    ck_assert_uint_eq(sec_metrics_store_errors(f.st->metrics, SEC_STORE_KIND_SHM, SEC_ERRK_OTHER), 0);
    apr_pool_destroy(f.p);
}
END_TEST

#define WORKERS 4
#define INCRS 2000
#define STRESS_INCRS 100000

/* WORKERS processes, forked after the segment was created (anonymous shared
 * memory is inherited), each add 1 to one counter incrs times; through the
 * sec_store_* wrappers, or (tight loop, more contention) the provider. */
static void run_processes(int incrs, int direct)
{
    fixture_t f = make_store(4 * MB);
    pid_t pids[WORKERS];
    apr_uint64_t n = 0;
    const char *pkey = sec_store_key(f.p, NS, "shared-counter");
    int i, gate[2];

    /* all children start together when the gate (a pipe) is closed */
    ck_assert_int_eq(pipe(gate), 0);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, "before-fork", "yes", 3, 0), APR_SUCCESS);
    for (i = 0; i < WORKERS; i++) {
        pids[i] = fork();
        ck_assert_msg(pids[i] >= 0, "fork failed");
        if (pids[i] == 0) {
            apr_pool_t *cp;
            int j, bad = 0;
            char c;
            alarm(15);   /* never outlive a stuck test */
            close(gate[1]);
            if (apr_pool_create(&cp, NULL) != APR_SUCCESS) {
                _exit(3);
            }
            if (read(gate[0], &c, 1) != 0) {
                _exit(4);
            }
            for (j = 0; j < incrs; j++) {
                apr_uint64_t out = 0;
                apr_status_t rv = direct ? f.st->incr(f.st, pkey, 1, 0, &out)
                                         : sec_store_incr(f.st, cp, NS, "shared-counter", 1, 0,
                                                          &out);
                if (rv != APR_SUCCESS || out == 0 || out > (apr_uint64_t)WORKERS * incrs) {
                    bad++;
                }
                if (j % 256 == 0) apr_pool_clear(cp);
            }
            /* each child also leaves a key of its own */
            if (sec_store_set(f.st, cp, NS, apr_psprintf(cp, "child-%d", i), "x", 1, 0)
                != APR_SUCCESS) {
                bad++;
            }
            _exit(bad ? 1 : 0);   /* no atexit/pool cleanups in the child */
        }
    }
    close(gate[0]);
    close(gate[1]);   /* go */
    for (i = 0; i < WORKERS; i++) {
        int status = 0;
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "child %d failed (status 0x%x)", i, status);
    }
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "shared-counter", 0, 0, &n), APR_SUCCESS);
    ck_assert_msg(n == (apr_uint64_t)WORKERS * incrs, "%d processes x %d incr: counter is %"
                  APR_UINT64_T_FMT, WORKERS, incrs, n);
    expect_value(&f, "shared-counter", apr_psprintf(f.p, "%d", WORKERS * incrs),
                 strlen(apr_psprintf(f.p, "%d", WORKERS * incrs)));
    for (i = 0; i < WORKERS; i++) {
        expect_value(&f, apr_psprintf(f.p, "child-%d", i), "x", 1);
    }
    expect_value(&f, "before-fork", "yes", 3);
    /* the metrics live in the segment too: the children's operations count */
    ck_assert_uint_eq(sec_metrics_store_ops(sec_shm_metrics(f.shm), SEC_STORE_KIND_SHM,
                                            SEC_OP_INCR), (direct ? 0 : WORKERS * incrs) + 1);
    apr_pool_destroy(f.p);
}

START_TEST(cross_process_incr)
{
    run_processes(INCRS, 0);
}
END_TEST

START_TEST(cross_process_incr_stress)
{
    run_processes(STRESS_INCRS, 1);
}
END_TEST

typedef struct {
    sec_store_t *st;
    apr_pool_t *p;
    const char *pkey;  /* provider key, for direct calls */
    int incrs;
    int direct;
    int gate;          /* read end of a pipe; EOF means start */
    int failures;
} worker_t;

static void *APR_THREAD_FUNC incr_thread(apr_thread_t *t, void *data)
{
    worker_t *w = data;
    int j;
    char c;

    if (read(w->gate, &c, 1) != 0) {
        w->failures++;
    }
    for (j = 0; j < w->incrs; j++) {
        apr_uint64_t out = 0;
        apr_status_t rv = w->direct ? w->st->incr(w->st, w->pkey, 1, 0, &out)
                                    : sec_store_incr(w->st, w->p, NS, "thread-counter", 1, 0, &out);
        if (rv != APR_SUCCESS || out == 0 || out > (apr_uint64_t)WORKERS * w->incrs) {
            w->failures++;
        }
        if (j % 256 == 0) apr_pool_clear(w->p);
    }
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static void run_threads(int incrs, int direct)
{
    fixture_t f = make_store(4 * MB);
    apr_thread_t *th[WORKERS];
    worker_t w[WORKERS];
    apr_uint64_t n = 0;
    int i, gate[2];

    ck_assert_int_eq(pipe(gate), 0);
    for (i = 0; i < WORKERS; i++) {
        w[i].st = f.st;
        w[i].pkey = sec_store_key(f.p, NS, "thread-counter");
        w[i].incrs = incrs;
        w[i].direct = direct;
        w[i].gate = gate[0];
        w[i].failures = 0;
        ck_assert_int_eq(apr_pool_create(&w[i].p, NULL), APR_SUCCESS);
    }
    for (i = 0; i < WORKERS; i++) {
        ck_assert_int_eq(apr_thread_create(&th[i], NULL, incr_thread, &w[i], f.p), APR_SUCCESS);
    }
    close(gate[1]);   /* go */
    for (i = 0; i < WORKERS; i++) {
        apr_status_t trv = APR_EGENERAL;
        ck_assert_int_eq(apr_thread_join(&trv, th[i]), APR_SUCCESS);
        ck_assert_int_eq(trv, APR_SUCCESS);
        ck_assert_int_eq(w[i].failures, 0);
        apr_pool_destroy(w[i].p);
    }
    close(gate[0]);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "thread-counter", 0, 0, &n), APR_SUCCESS);
    ck_assert_msg(n == (apr_uint64_t)WORKERS * incrs, "%d threads x %d incr: counter is %"
                  APR_UINT64_T_FMT, WORKERS, incrs, n);
    apr_pool_destroy(f.p);
}

START_TEST(threads_incr)
{
    run_threads(INCRS, 0);
}
END_TEST

START_TEST(threads_incr_stress)
{
    run_threads(STRESS_INCRS, 1);
}
END_TEST

/* A process killed while it may hold the store lock must not wedge the
 * others (robust mutex). The test's timeout catches a hang. */
START_TEST(dead_holder_does_not_wedge)
{
    fixture_t f = make_store(SEC_SHM_MIN_SIZE);
    apr_uint64_t n = 0;
    int round;

    for (round = 0; round < 5; round++) {
        int status, ready[2];
        char c = 0;
        pid_t pid;

        ck_assert_int_eq(pipe(ready), 0);
        pid = fork();
        ck_assert_msg(pid >= 0, "fork failed");
        if (pid == 0) {
            apr_pool_t *cp;
            apr_uint64_t out;
            int j;
            alarm(5);   /* never outlive the test */
            close(ready[0]);
            if (apr_pool_create(&cp, NULL) != APR_SUCCESS) _exit(3);
            for (j = 0; ; j++) {
                sec_store_incr(f.st, cp, NS, "busy", 1, 0, &out);
                if (j == 1000 && write(ready[1], "r", 1) != 1) _exit(4);
                if (j % 256 == 0) apr_pool_clear(cp);
            }
        }
        close(ready[1]);
        /* the child is in its loop, taking and releasing the lock: kill it */
        ck_assert_int_eq((int)read(ready[0], &c, 1), 1);
        close(ready[0]);
        ck_assert_int_eq(kill(pid, SIGKILL), 0);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFSIGNALED(status));
        ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "after", 1, 0, &n), APR_SUCCESS);
        ck_assert_uint_eq(n, (apr_uint64_t)round + 1);
    }
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, "busy", 0, 0, &n), APR_SUCCESS);
    ck_assert_uint_gt(n, 5 * 1000);
    apr_pool_destroy(f.p);
}
END_TEST

static char *named_dir;

static void named_setup(void)
{
    named_dir = unit_mkdtemp("shm");
}

static void named_teardown(void)
{
    apr_pool_t *p;
    if (apr_pool_create(&p, NULL) == APR_SUCCESS) {
        /* a test that failed midway leaves its named segments behind */
        apr_shm_remove(apr_pstrcat(p, named_dir, "/store.shm", NULL), p);
        apr_shm_remove(apr_pstrcat(p, named_dir, "/restart.shm", NULL), p);
        apr_pool_destroy(p);
    }
    unit_rmtree(named_dir);
}

START_TEST(named_segment_attach)
{
    apr_pool_t *p = unit_pool(), *p2 = unit_pool();
    const char *file = apr_pstrcat(p, named_dir, "/store.shm", NULL);
    sec_shm_t *s = NULL, *a = NULL, *w = NULL;
    sec_store_t *st, *sta, *stw;
    sec_shm_stats_t ss, sa;
    char *val;
    apr_size_t len;
    apr_uint64_t n = 0;
    char big[3000];

    ck_assert_int_eq(sec_shm_create(p, file, 2 * MB, &s), APR_SUCCESS);
    st = sec_store_shm_make(p, s);
    fill_value(big, sizeof(big), 5);
    ck_assert_int_eq(sec_store_set(st, p, NS, "shared", "value", 5, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(st, p, NS, "shared-big", big, sizeof(big), 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(st, p, NS, "ctr", 10, 0, &n), APR_SUCCESS);

    /* the CLI's view: attach to the file */
    ck_assert_int_eq(sec_shm_attach(p2, file, &a), APR_SUCCESS);
    ck_assert_ptr_nonnull(a);
    sta = sec_store_shm_make(p2, a);
    ck_assert_uint_eq(sec_shm_size(a), 2 * MB);
    ck_assert_int_eq(sec_store_get(sta, p2, NS, "shared", &val, &len), APR_SUCCESS);
    ck_assert_uint_eq(len, 5);
    ck_assert_str_eq(val, "value");
    ck_assert_int_eq(sec_store_get(sta, p2, NS, "shared-big", &val, &len), APR_SUCCESS);
    ck_assert_uint_eq(len, sizeof(big));
    ck_assert_int_eq(memcmp(val, big, sizeof(big)), 0);
    ck_assert_int_eq(sec_store_get(sta, p2, NS, "ctr", &val, &len), APR_SUCCESS);
    ck_assert_str_eq(val, "10");
    /* writes through the attachment are seen by the creator */
    ck_assert_int_eq(sec_store_incr(sta, p2, NS, "ctr", 5, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 15);
    ck_assert_int_eq(sec_store_set(sta, p2, NS, "from-cli", "c", 1, 0), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(st, p, NS, "ctr", 0, 0, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 15);
    ck_assert_int_eq(sec_store_get(st, p, NS, "from-cli", &val, &len), APR_SUCCESS);
    ck_assert_int_eq(sec_store_del(sta, p2, NS, "shared"), APR_SUCCESS);
    ck_assert_int_eq(sec_store_get(st, p, NS, "shared", &val, &len), APR_NOTFOUND);
    sec_shm_stats(s, &ss);
    sec_shm_stats(a, &sa);
    ck_assert_uint_eq(ss.used, sa.used);
    ck_assert_uint_eq(ss.slots, sa.slots);
    ck_assert_uint_eq(ss.used, 3);

    /* wrapping the already-mapped segment (graceful restart) */
    ck_assert_int_eq(sec_shm_wrap(p, sec_shm_segment(s), &w), APR_SUCCESS);
    stw = sec_store_shm_make(p, w);
    ck_assert_int_eq(sec_store_get(stw, p, NS, "from-cli", &val, &len), APR_SUCCESS);
    ck_assert_str_eq(val, "c");

    /* nothing to attach to */
    a = NULL;
    ck_assert_int_ne(sec_shm_attach(p2, apr_pstrcat(p2, named_dir, "/nothing.shm", NULL), &a),
                     APR_SUCCESS);
    ck_assert_ptr_null(a);
    apr_pool_destroy(p2);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(named_segment_stale_replaced)
{
    apr_pool_t *p = unit_pool(), *p2 = unit_pool();
    const char *file = apr_pstrcat(p, named_dir, "/restart.shm", NULL);
    sec_shm_t *s1 = NULL, *s2 = NULL;
    sec_store_t *st2;
    char *val;
    apr_size_t len;

    ck_assert_int_eq(sec_shm_create(p, file, SEC_SHM_MIN_SIZE, &s1), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(sec_store_shm_make(p, s1), p, NS, "old", "1", 1, 0),
                     APR_SUCCESS);
    /* a server that did not stop cleanly left the segment: create replaces it */
    ck_assert_int_eq(sec_shm_create(p2, file, SEC_SHM_MIN_SIZE, &s2), APR_SUCCESS);
    st2 = sec_store_shm_make(p2, s2);
    ck_assert_int_eq(sec_store_get(st2, p2, NS, "old", &val, &len), APR_NOTFOUND);
    apr_pool_destroy(p2);
    apr_pool_destroy(p);
}
END_TEST

Suite *store_shm_suite(void)
{
    Suite *s = suite_create("store_shm");
    TCase *tc = tcase_create("ops");

    tcase_set_timeout(tc, 20);
    tcase_add_checked_fixture(tc, NULL, fake_clock_off);
    tcase_add_test(tc, basic_ops);
    tcase_add_test(tc, decr_gives_back);
    tcase_add_test(tc, listing_index);
    tcase_add_test(tc, value_sizes);
    tcase_add_test(tc, ttl_expiry);
    tcase_add_test(tc, ttl_huge_does_not_wrap);
    tcase_add_test(tc, overwrite_at_expiry_second);
    tcase_add_test(tc, key_namespacing);
    tcase_add_test(tc, wrappers_reject_bad_keys);
    tcase_add_test(tc, unavailable_store);
    tcase_add_test(tc, stats_sane);
    tcase_add_test(tc, create_limits);
    suite_add_tcase(s, tc);

    tc = tcase_create("pressure");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, eviction_instead_of_failure);
    tcase_add_test(tc, cross_process_incr);
    tcase_add_test(tc, cross_process_incr_stress);
    tcase_add_test(tc, threads_incr);
    tcase_add_test(tc, threads_incr_stress);
    tcase_add_test(tc, dead_holder_does_not_wedge);
    suite_add_tcase(s, tc);

    tc = tcase_create("named");
    tcase_set_timeout(tc, 20);
    tcase_add_unchecked_fixture(tc, named_setup, named_teardown);
    tcase_add_test(tc, named_segment_attach);
    tcase_add_test(tc, named_segment_stale_replaced);
    suite_add_tcase(s, tc);
    return s;
}
