/* sec_ratelimit: rates, zones, presets, the sliding-window arithmetic,
 * Retry-After, leases, client keys, key hashing and masking, RateLimit
 * header items, and a million rate-limit keys in the embedded shm store. */
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_time.h>
#include "unit.h"
#include "sec_ratelimit.h"
#include "sec_store_shm.h"
#include "sec_cidr.h"
#include "sec_crypto.h"

#define USEC APR_USEC_PER_SEC

/* --- helpers -------------------------------------------------------------- */

static void rate_ok(const char *s, apr_uint32_t want_limit, apr_uint32_t want_window)
{
    apr_uint32_t limit = 12345, window = 12345;
    apr_status_t rv = sec_rl_rate_parse(s, &limit, &window);

    ck_assert_msg(rv == APR_SUCCESS, "sec_rl_rate_parse(\"%s\") failed (%d)", s, rv);
    ck_assert_msg(limit == want_limit && window == want_window,
                  "sec_rl_rate_parse(\"%s\") = %u/%us, want %u/%us", s, limit, window,
                  want_limit, want_window);
}

static void rate_bad(const char *s)
{
    apr_uint32_t limit = 12345, window = 12345;
    apr_status_t rv = sec_rl_rate_parse(s, &limit, &window);

    ck_assert_msg(rv != APR_SUCCESS, "sec_rl_rate_parse(\"%s\") accepted (%u/%us)",
                  s ? s : "(null)", limit, window);
}

/* Splits opts at spaces into argv words (as httpd hands them over). */
static int split_words(apr_pool_t *p, const char *opts, char **argv, int max)
{
    char *copy = apr_pstrdup(p, opts ? opts : ""), *last = NULL, *w;
    int argc = 0;

    for (w = apr_strtok(copy, " ", &last); w && argc < max; w = apr_strtok(NULL, " ", &last)) {
        argv[argc++] = w;
    }
    return argc;
}

static sec_rl_zone_t *zone_ok(apr_pool_t *p, const char *name, const char *opts)
{
    char *argv[32];
    int argc = split_words(p, opts, argv, 32);
    sec_rl_zone_t *z = NULL;
    const char *err = NULL;
    apr_status_t rv = sec_rl_zone_parse(p, name, argc, argv, &z, &err);

    ck_assert_msg(rv == APR_SUCCESS, "zone %s \"%s\" refused: %s", name, opts,
                  err ? err : "(no message)");
    ck_assert_ptr_nonnull(z);
    ck_assert_str_eq(z->name, name);
    return z;
}

/* The zone is refused and the message contains each of the needles. */
static void zone_bad(apr_pool_t *p, const char *name, const char *opts, const char *needle)
{
    char *argv[32];
    int argc = split_words(p, opts, argv, 32);
    sec_rl_zone_t *z = NULL;
    const char *err = NULL;
    apr_status_t rv = sec_rl_zone_parse(p, name, argc, argv, &z, &err);

    ck_assert_msg(rv != APR_SUCCESS, "zone %s \"%s\" accepted", name ? name : "(null)", opts);
    ck_assert_msg(err && *err, "zone %s \"%s\": no error message", name ? name : "(null)", opts);
    ck_assert_msg(strstr(err, needle) != NULL, "zone %s \"%s\": error \"%s\" doesn't name \"%s\"",
                  name ? name : "(null)", opts, err, needle);
}

/* A zone built by hand (what the parser would give for these values). */
static sec_rl_zone_t mkzone(const char *name, apr_uint32_t limit, apr_uint32_t burst,
                            apr_uint32_t window, apr_int32_t lease)
{
    sec_rl_zone_t z;

    memset(&z, 0, sizeof(z));
    z.name = name;
    z.limit = limit;
    z.burst = burst;
    z.window = window;
    z.failure_statuses[0] = 401;
    z.failure_statuses[1] = 403;
    z.ipv6_prefix = 64;
    z.lease = lease;
    return z;
}

/* Deterministic PRNG (xorshift64*) for the property tests. */
static apr_uint64_t rng_state;

static void rng_seed(apr_uint64_t s)
{
    rng_state = s ? s : 0x9e3779b97f4a7c15ULL;
}

static apr_uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [lo, hi]. */
static apr_uint64_t rng_range(apr_uint64_t lo, apr_uint64_t hi)
{
    return lo + rng() % (hi - lo + 1);
}

/* The estimate at elapsed microseconds after the start of the window whose
 * counts are prev and cur, when nothing more is counted meanwhile: in the
 * next window cur becomes "prev", and two windows on both are gone. */
static double estimate_later(apr_uint64_t prev, apr_uint64_t cur, apr_time_t elapsed,
                             apr_uint32_t window)
{
    apr_time_t w_us = (apr_time_t)window * USEC;

    if (elapsed < w_us) {
        return sec_rl_estimate(prev, cur, elapsed, window);
    }
    if (elapsed < 2 * w_us) {
        return sec_rl_estimate(cur, 0, elapsed - w_us, window);
    }
    return 0;
}

/* --- rates ---------------------------------------------------------------- */

START_TEST(rate_parse_valid)
{
    rate_ok("100/1m", 100, 60);
    rate_ok("5/15m", 5, 900);
    rate_ok("10/s", 10, 1);
    rate_ok("1000/1h", 1000, 3600);
    rate_ok("7/30s", 7, 30);
    rate_ok("10/m", 10, 60);
    rate_ok("10/h", 10, 3600);
    rate_ok("1/1d", 1, 86400);
    rate_ok("1/24h", 1, 86400);
    rate_ok("3/60", 3, 60);               /* a bare window is seconds */
    rate_ok("3/2000ms", 3, 2);            /* whole seconds written in ms */
    rate_ok("1000000000/1s", SEC_RL_LIMIT_MAX, 1);
}
END_TEST

START_TEST(rate_parse_rejects)
{
    rate_bad("0/1m");
    rate_bad("5/0s");
    rate_bad("5/0");
    rate_bad("5/1.5s");
    rate_bad("5/500ms");                  /* sub-second */
    rate_bad("5/1500ms");                 /* not whole seconds */
    rate_bad("5/ms");
    rate_bad("5/2d");                     /* over a day */
    rate_bad("5/86401s");
    rate_bad("5/1w");
    rate_bad("abc");
    rate_bad("/1m");
    rate_bad("5/");
    rate_bad("5");
    rate_bad("-1/1m");
    rate_bad("+1/1m");
    rate_bad("99999999999/1m");
    rate_bad("1000000001/1m");            /* over SEC_RL_LIMIT_MAX */
    rate_bad("5/1m ");                    /* trailing space */
    rate_bad(" 5/1m");
    rate_bad("5 /1m");
    rate_bad("5/ 1m");
    rate_bad("5/1m/1m");
    rate_bad("5/1x");
    rate_bad("5/-1m");
    rate_bad("5/1M");
    rate_bad("");
    rate_bad("/");
    rate_bad("5//1m");
    rate_bad("5/1mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm");
    rate_bad(NULL);
}
END_TEST

/* --- zones ---------------------------------------------------------------- */

START_TEST(name_valid)
{
    ck_assert_int_eq(sec_rl_name_valid("api"), 1);
    ck_assert_int_eq(sec_rl_name_valid("login_v2-EU"), 1);
    ck_assert_int_eq(sec_rl_name_valid("a"), 1);
    ck_assert_int_eq(sec_rl_name_valid("0123456789abcdef0123456789abcdef"), 1); /* 32 */
    ck_assert_int_eq(sec_rl_name_valid("0123456789abcdef0123456789abcdef0"), 0); /* 33 */
    ck_assert_int_eq(sec_rl_name_valid(""), 0);
    ck_assert_int_eq(sec_rl_name_valid(NULL), 0);
    ck_assert_int_eq(sec_rl_name_valid("a b"), 0);
    ck_assert_int_eq(sec_rl_name_valid("a.b"), 0);
    ck_assert_int_eq(sec_rl_name_valid("a:b"), 0);
    ck_assert_int_eq(sec_rl_name_valid("a\"b"), 0);
    ck_assert_int_eq(sec_rl_name_valid("a\nb"), 0);
    ck_assert_int_eq(sec_rl_name_valid("caf\xc3\xa9"), 0);
}
END_TEST

START_TEST(zone_defaults)
{
    apr_pool_t *p = unit_pool();
    sec_rl_zone_t *z = zone_ok(p, "api", "rate=100/1m");

    ck_assert_uint_eq(z->limit, 100);
    ck_assert_uint_eq(z->window, 60);
    ck_assert_uint_eq(z->burst, 0);
    ck_assert_ptr_null(z->key_expr);
    ck_assert_uint_eq(z->ban, 0);
    ck_assert_int_eq(z->count_failures, 0);
    ck_assert_uint_eq(z->failure_statuses[0], 401);
    ck_assert_uint_eq(z->failure_statuses[1], 403);
    ck_assert_uint_eq(z->failure_statuses[2], 0);
    ck_assert_int_eq(z->report_only, 0);
    ck_assert_int_eq(z->fail_closed, 0);
    ck_assert_int_eq(z->ipv6_prefix, 64);
    ck_assert_int_eq(z->lease, -1);
    ck_assert_int_eq(z->builtin, 0);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(zone_every_option)
{
    apr_pool_t *p = unit_pool();
    sec_rl_zone_t *z;

    z = zone_ok(p, "login", "rate=5/15m key=%{REMOTE_USER} burst=3 ban=10m count=failures "
                "failures=401,403,429 mode=report onstorefail=closed ipv6prefix=48 lease=25");
    ck_assert_uint_eq(z->limit, 5);
    ck_assert_uint_eq(z->window, 900);
    ck_assert_str_eq(z->key_expr, "%{REMOTE_USER}");
    ck_assert_uint_eq(z->burst, 3);
    ck_assert_uint_eq(z->ban, 600);
    ck_assert_int_eq(z->count_failures, 1);
    ck_assert_uint_eq(z->failure_statuses[0], 401);
    ck_assert_uint_eq(z->failure_statuses[1], 403);
    ck_assert_uint_eq(z->failure_statuses[2], 429);
    ck_assert_uint_eq(z->failure_statuses[3], 0);
    ck_assert_int_eq(z->report_only, 1);
    ck_assert_int_eq(z->fail_closed, 1);
    ck_assert_int_eq(z->ipv6_prefix, 48);
    ck_assert_int_eq(z->lease, 25);
    ck_assert_uint_eq(sec_rl_ceiling(z), 8);

    /* the other value of every switch, option order free, later wins */
    z = zone_ok(p, "x", "count=all mode=enforce onstorefail=open lease=auto rate=1/s "
                "ipv6prefix=128 ban=30d burst=0 rate=2/s lease=100000");
    ck_assert_uint_eq(z->limit, 2);
    ck_assert_uint_eq(z->window, 1);
    ck_assert_int_eq(z->count_failures, 0);
    ck_assert_int_eq(z->report_only, 0);
    ck_assert_int_eq(z->fail_closed, 0);
    ck_assert_int_eq(z->ipv6_prefix, 128);
    ck_assert_uint_eq(z->ban, 30 * 86400);
    ck_assert_int_eq(z->lease, 100000);
    /* option names are case-insensitive (sec_parse_option), values are not */
    z = zone_ok(p, "ci", "RATE=5/s Mode=report");
    ck_assert_uint_eq(z->limit, 5);
    ck_assert_int_eq(z->report_only, 1);
    zone_bad(p, "ci", "rate=5/s mode=Report", "mode=Report");
    z = zone_ok(p, "y", "rate=1/s lease=7 lease=auto ipv6prefix=16 ban=1s failures=500 "
                "burst=1000000000");
    ck_assert_int_eq(z->lease, -1);
    ck_assert_int_eq(z->ipv6_prefix, 16);
    ck_assert_uint_eq(z->ban, 1);
    ck_assert_uint_eq(z->failure_statuses[0], 500);
    ck_assert_uint_eq(z->failure_statuses[1], 0);
    ck_assert_uint_eq(sec_rl_ceiling(z), 1000000001u);
    /* seven failure statuses fit */
    z = zone_ok(p, "z7", "rate=1/s failures=400,401,402,403,404,405,406");
    ck_assert_uint_eq(z->failure_statuses[6], 406);
    ck_assert_uint_eq(z->failure_statuses[7], 0);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(zone_errors_name_the_word)
{
    apr_pool_t *p = unit_pool();

    zone_bad(p, "api", "rate=100/1m ban=5x", "ban=5x");
    zone_bad(p, "api", "rate=100/1m ban=0s", "ban=0s");
    zone_bad(p, "api", "rate=100/1m ban=31d", "ban=31d");
    zone_bad(p, "api", "rate=100/1m ban=500ms", "ban=500ms");
    zone_bad(p, "api", "rate=0/1m", "rate=0/1m");
    zone_bad(p, "api", "rate=5/500ms", "rate=5/500ms");
    zone_bad(p, "api", "rate=", "rate=");
    zone_bad(p, "api", "rate=100/1m key=", "key=");
    zone_bad(p, "api", "rate=100/1m burst=-1", "burst=-1");
    zone_bad(p, "api", "rate=100/1m burst=lots", "burst=lots");
    zone_bad(p, "api", "rate=100/1m burst=1000000001", "burst=1000000001");
    zone_bad(p, "api", "rate=100/1m count=some", "count=some");
    zone_bad(p, "api", "rate=100/1m failures=200x", "failures=200x");
    zone_bad(p, "api", "rate=100/1m failures=99", "failures=99");
    zone_bad(p, "api", "rate=100/1m failures=600", "failures=600");
    zone_bad(p, "api", "rate=100/1m failures=", "failures=");
    zone_bad(p, "api", "rate=100/1m failures=400,401,402,403,404,405,406,407",
             "failures=400,401,402,403,404,405,406,407");
    zone_bad(p, "api", "rate=100/1m mode=audit", "mode=audit");
    zone_bad(p, "api", "rate=100/1m onstorefail=maybe", "onstorefail=maybe");
    zone_bad(p, "api", "rate=100/1m ipv6prefix=8", "ipv6prefix=8");
    zone_bad(p, "api", "rate=100/1m ipv6prefix=129", "ipv6prefix=129");
    zone_bad(p, "api", "rate=100/1m ipv6prefix=/64", "ipv6prefix=/64");
    zone_bad(p, "api", "rate=100/1m lease=0", "lease=0");
    zone_bad(p, "api", "rate=100/1m lease=100001", "lease=100001");
    zone_bad(p, "api", "rate=100/1m lease=manual", "lease=manual");
    /* unknown options, including a known name without '=' */
    zone_bad(p, "api", "rate=100/1m colour=blue", "colour=blue");
    zone_bad(p, "api", "rate=100/1m burst", "'burst'");
    /* missing rate */
    zone_bad(p, "api", "", "rate=");
    zone_bad(p, "api", "burst=5 ban=1m", "needs rate=");
    /* bad zone names */
    zone_bad(p, "bad zone", "rate=1/s", "bad zone");
    zone_bad(p, "a.b", "rate=1/s", "'a.b'");
    zone_bad(p, "", "rate=1/s", "zone name");
    zone_bad(p, "0123456789abcdef0123456789abcdef0", "rate=1/s",
             "0123456789abcdef0123456789abcdef0");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(builtin_presets)
{
    static const struct {
        const char *name;
        apr_uint32_t limit, window;
    } want[] = {
        {"auth", 5, 900},    {"strict", 20, 60},    {"api", 100, 60},
        {"web", 300, 60},    {"webhook", 1000, 60}, {"streaming", 60, 60},
    };
    apr_size_t i;

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const sec_rl_zone_t *z = sec_rl_builtin(want[i].name);
        ck_assert_msg(z != NULL, "no preset %s", want[i].name);
        ck_assert_str_eq(z->name, want[i].name);
        ck_assert_uint_eq(z->limit, want[i].limit);
        ck_assert_uint_eq(z->window, want[i].window);
        ck_assert_uint_eq(z->burst, 0);
        ck_assert_int_eq(z->builtin, 1);
        ck_assert_int_eq(z->ipv6_prefix, 64);
        ck_assert_int_eq(z->lease, -1);
        ck_assert_ptr_null(z->key_expr);
        ck_assert_uint_eq(z->failure_statuses[0], 401);
        ck_assert_uint_eq(z->failure_statuses[1], 403);
        ck_assert_uint_eq(z->failure_statuses[2], 0);
        ck_assert_uint_eq(sec_rl_ceiling(z), want[i].limit);
    }
    ck_assert_ptr_null(sec_rl_builtin("nope"));
    ck_assert_ptr_null(sec_rl_builtin(""));
    ck_assert_ptr_null(sec_rl_builtin("API"));
    ck_assert_ptr_null(sec_rl_builtin("api "));
}
END_TEST

START_TEST(is_failure)
{
    apr_pool_t *p = unit_pool();
    sec_rl_zone_t *z = zone_ok(p, "f", "rate=5/1m count=failures");

    ck_assert_int_eq(sec_rl_is_failure(z, 401), 1);
    ck_assert_int_eq(sec_rl_is_failure(z, 403), 1);
    ck_assert_int_eq(sec_rl_is_failure(z, 429), 0);
    ck_assert_int_eq(sec_rl_is_failure(z, 200), 0);
    ck_assert_int_eq(sec_rl_is_failure(z, 0), 0);   /* the terminator is no status */
    z = zone_ok(p, "g", "rate=5/1m failures=429,500");
    ck_assert_int_eq(sec_rl_is_failure(z, 429), 1);
    ck_assert_int_eq(sec_rl_is_failure(z, 500), 1);
    ck_assert_int_eq(sec_rl_is_failure(z, 401), 0);
    ck_assert_int_eq(sec_rl_is_failure(z, 403), 0);
    z = zone_ok(p, "h", "rate=5/1m failures=400,401,402,403,404,405,406");
    ck_assert_int_eq(sec_rl_is_failure(z, 406), 1);
    ck_assert_int_eq(sec_rl_is_failure(z, 407), 0);
    apr_pool_destroy(p);
}
END_TEST

/* --- window arithmetic ------------------------------------------------------ */

START_TEST(window_index)
{
    sec_rl_zone_t z = mkzone("w", 10, 0, 60, -1);
    apr_time_t e = -1;

    ck_assert_uint_eq(sec_rl_window_index(&z, 0, &e), 0);
    ck_assert_int_eq(e, 0);
    ck_assert_uint_eq(sec_rl_window_index(&z, apr_time_from_sec(59), &e), 0);
    ck_assert_int_eq(e, apr_time_from_sec(59));
    ck_assert_uint_eq(sec_rl_window_index(&z, apr_time_from_sec(60), &e), 1);
    ck_assert_int_eq(e, 0);
    ck_assert_uint_eq(sec_rl_window_index(&z, apr_time_from_sec(125) + 250000, &e), 2);
    ck_assert_int_eq(e, apr_time_from_sec(5) + 250000);
    ck_assert_uint_eq(sec_rl_window_index(&z, apr_time_from_sec(60) - 1, &e), 0);
    ck_assert_int_eq(e, apr_time_from_sec(60) - 1);
    /* a real date: 2026-01-01T00:00:30Z = 1767225630 */
    ck_assert_uint_eq(sec_rl_window_index(&z, apr_time_from_sec(1767225630), &e),
                      1767225630u / 60);
    ck_assert_int_eq(e, apr_time_from_sec(1767225630 % 60));
    /* negative times count as 0 */
    ck_assert_uint_eq(sec_rl_window_index(&z, -apr_time_from_sec(5), &e), 0);
    ck_assert_int_eq(e, 0);
    /* 1 s and 1 d windows */
    z.window = 1;
    ck_assert_uint_eq(sec_rl_window_index(&z, apr_time_from_sec(1000) + 999999, &e), 1000);
    ck_assert_int_eq(e, 999999);
    z.window = 86400;
    ck_assert_uint_eq(sec_rl_window_index(&z, apr_time_from_sec(86400 * 3 + 7), &e), 3);
    ck_assert_int_eq(e, apr_time_from_sec(7));
}
END_TEST

START_TEST(estimate_weighting)
{
    const apr_uint32_t W = 60;
    const apr_time_t Wus = (apr_time_t)W * USEC;

    /* prev counts fully at the start, half at the middle, not at the end */
    ck_assert_double_eq_tol(sec_rl_estimate(10, 3, 0, W), 13.0, 1e-9);
    ck_assert_double_eq_tol(sec_rl_estimate(10, 3, Wus / 2, W), 8.0, 1e-9);
    ck_assert_double_eq_tol(sec_rl_estimate(10, 3, Wus, W), 3.0, 1e-9);
    ck_assert_double_eq_tol(sec_rl_estimate(10, 3, Wus / 4, W), 10.5, 1e-9);
    ck_assert_double_eq_tol(sec_rl_estimate(0, 7, Wus / 3, W), 7.0, 1e-9);
    ck_assert_double_eq_tol(sec_rl_estimate(0, 0, 0, W), 0.0, 1e-9);
    /* clamps: elapsed past the window or negative */
    ck_assert_double_eq_tol(sec_rl_estimate(10, 3, 5 * Wus, W), 3.0, 1e-9);
    ck_assert_double_eq_tol(sec_rl_estimate(10, 3, -Wus, W), 13.0, 1e-9);
    /* large counts stay exact enough */
    ck_assert_double_eq_tol(sec_rl_estimate(2000000000u, 1000000000u, Wus / 2, W), 2e9, 1e-3);
    /* one-second window, microsecond steps */
    ck_assert_double_eq_tol(sec_rl_estimate(100, 0, 250000, 1), 75.0, 1e-9);
}
END_TEST

START_TEST(ceiling)
{
    sec_rl_zone_t z = mkzone("c", 100, 0, 60, -1);

    ck_assert_uint_eq(sec_rl_ceiling(&z), 100);
    z.burst = 20;
    ck_assert_uint_eq(sec_rl_ceiling(&z), 120);
    z.limit = SEC_RL_LIMIT_MAX;
    z.burst = SEC_RL_LIMIT_MAX;
    ck_assert_uint_eq(sec_rl_ceiling(&z), 2ULL * SEC_RL_LIMIT_MAX);   /* no 32-bit wrap */
}
END_TEST

/* The reason for the sliding window: a fixed-window counter lets a client send
 * a full window's worth at the end of window w and another at the start of
 * w+1, 2x the rate within a second. Simulated the way rl_check does it for a
 * direct store: increment, then decide on the estimate against the ceiling
 * (refused requests are counted too). */
static int admit(apr_uint64_t prev, apr_uint64_t *cur, apr_time_t e, const sec_rl_zone_t *z)
{
    (*cur)++;
    return sec_rl_estimate(prev, *cur, e, z->window) <= (double)sec_rl_ceiling(z);
}

START_TEST(anti_boundary_burst)
{
    sec_rl_zone_t z = mkzone("b", 10, 0, 60, -1);
    const apr_time_t Wus = apr_time_from_sec(60);
    apr_time_t ends[] = {Wus - 1, Wus - 1000, Wus - 100000, Wus - 500000};
    apr_time_t starts[] = {0, 1, 1000, 100000, 500000, 999999};
    apr_size_t a, b;

    for (a = 0; a < sizeof(ends) / sizeof(ends[0]); a++) {
        for (b = 0; b < sizeof(starts) / sizeof(starts[0]); b++) {
            apr_uint64_t prev0 = 0, cur_w = 0, cur_w1 = 0;
            int i, first = 0, second = 0, fixed_second = 0;

            /* 10 at the end of window w (nothing in w-1): all pass */
            for (i = 0; i < 10; i++) {
                first += admit(prev0, &cur_w, ends[a], &z);
            }
            ck_assert_int_eq(first, 10);
            /* 10 right after the boundary, in w+1, with w's 10 as prev */
            for (i = 0; i < 10; i++) {
                second += admit(cur_w, &cur_w1, starts[b], &z);
                fixed_second += (cur_w1 <= sec_rl_ceiling(&z));   /* fixed window */
            }
            ck_assert_msg(second <= 1, "boundary burst: %d of the second 10 admitted "
                          "(end of w at -%" APR_TIME_T_FMT " us, w+1 at +%" APR_TIME_T_FMT
                          " us)", second, Wus - ends[a], starts[b]);
            ck_assert_int_eq(fixed_second, 10);   /* what a fixed window would allow */
            ck_assert_int_le(first + second, 11);
        }
    }
    /* The window recovers linearly: 6 s into w+1 (a tenth of it), one more
     * request fits; half way through, five. */
    {
        apr_uint64_t cur = 0;
        int n = 0, i;
        for (i = 0; i < 10; i++) {
            n += admit(10, &cur, apr_time_from_sec(6), &z);
        }
        ck_assert_int_eq(n, 1);
        cur = 0;
        n = 0;
        for (i = 0; i < 10; i++) {
            n += admit(10, &cur, apr_time_from_sec(30), &z);
        }
        ck_assert_int_eq(n, 5);
    }
    /* A client at 20x the rate for 60 windows, a request every 0.3 s, that
     * obeys nothing: refusals are remembered until their Retry-After (the
     * module's deny cache), requests refused from that cache are not
     * counted, and a request refused by the count gives its place back (the
     * module's decrement). No window admits more than limit + 1, no 60 s
     * span more than twice the limit, and the client gets most of its rate:
     * 541 of 600 here (Retry-After is whole seconds, requests come every
     * 0.3 s); counting refusals gave 305. */
    {
        apr_uint64_t prev = 0, cur = 0, w, last_w = 0;
        apr_time_t deny_until = 0, times[1000];
        int t, admitted_in_w = 0, total = 0, max_w = 0, max_span = 0, nt = 0, j;
        for (t = 0; t < 60 * 200; t++) {
            apr_time_t e, now = (apr_time_t)t * 300000;
            w = sec_rl_window_index(&z, now, &e);
            if (w != last_w) {
                prev = (w == last_w + 1) ? cur : 0;
                cur = 0;
                admitted_in_w = 0;
                last_w = w;
            }
            if (now < deny_until) {
                continue;
            }
            if (admit(prev, &cur, e, &z)) {
                admitted_in_w++;
                total++;
                if (nt < 1000) {
                    times[nt++] = now;
                }
                if (admitted_in_w > max_w) {
                    max_w = admitted_in_w;
                }
            }
            else {
                cur--;
                deny_until = now + apr_time_from_sec(sec_rl_retry_after(&z, prev, cur, e));
            }
        }
        for (t = 0; t < nt; t++) {
            for (j = t; j < nt && times[j] < times[t] + apr_time_from_sec(60); j++) {
            }
            if (j - t > max_span) {
                max_span = j - t;
            }
        }
        ck_assert_msg(max_w <= 11, "%d admitted in one window", max_w);
        ck_assert_msg(max_span <= 20, "%d admitted in 60 s", max_span);
        ck_assert_msg(total >= 60 * 10 * 8 / 10, "only %d admitted in 60 windows", total);
        printf("ratelimit: 10/60s at 20x the rate for 60 windows: %d admitted, at most %d "
               "per window, %d per 60 s span\n", total, max_w, max_span);
        fflush(stdout);
    }
}
END_TEST

/* --- Retry-After ------------------------------------------------------------ */

/* After waiting retry_after seconds, one more request fits: the estimate is at
 * most ceiling - 1 (so the request, counted, makes it at most the ceiling). */
static void check_retry(const sec_rl_zone_t *z, apr_uint64_t prev, apr_uint64_t cur,
                        apr_time_t e)
{
    apr_uint32_t r = sec_rl_retry_after(z, prev, cur, e);
    double room = (double)sec_rl_ceiling(z) - 1;
    double later = estimate_later(prev, cur, e + apr_time_from_sec(r), z->window);

    ck_assert_msg(r >= 1 && r <= 2 * z->window,
                  "retry_after(%u/%us+%u, prev=%" APR_UINT64_T_FMT ", cur=%" APR_UINT64_T_FMT
                  ", e=%" APR_TIME_T_FMT ") = %u, outside [1, %u]", z->limit, z->window,
                  z->burst, prev, cur, e, r, 2 * z->window);
    ck_assert_msg(later <= room + 1e-9 * (room + 1),
                  "retry_after(%u/%us+%u, prev=%" APR_UINT64_T_FMT ", cur=%" APR_UINT64_T_FMT
                  ", e=%" APR_TIME_T_FMT "us) = %u s, but the estimate then is %.6f > %.0f "
                  "(ceiling - 1): the next request is refused again", z->limit, z->window,
                  z->burst, prev, cur, e, r, later, room);
}

START_TEST(retry_after_examples)
{
    sec_rl_zone_t z = mkzone("r", 10, 0, 60, -1);

    /* prev 20, cur 5 at the start: 20*(60-t)/60 + 5 <= 9  <=>  t >= 48 */
    ck_assert_uint_eq(sec_rl_retry_after(&z, 20, 5, 0), 48);
    check_retry(&z, 20, 5, 0);
    /* same, 10 s into the window */
    ck_assert_uint_eq(sec_rl_retry_after(&z, 20, 5, apr_time_from_sec(10)), 38);
    check_retry(&z, 20, 5, apr_time_from_sec(10));
    /* cur alone over the ceiling: wait for the window to end (30 s), then
     * for cur (as prev) to decay to 9: 15*(60-t)/60 <= 9 <=> t >= 24 */
    ck_assert_uint_eq(sec_rl_retry_after(&z, 0, 15, apr_time_from_sec(30)), 54);
    check_retry(&z, 0, 15, apr_time_from_sec(30));
    /* ... and not a second less */
    ck_assert_double_gt(estimate_later(0, 15, apr_time_from_sec(30 + 53), 60), 9.0);
    /* cur way over: close to two windows, never more */
    ck_assert_uint_le(sec_rl_retry_after(&z, 1000000, 1000000, 0), 120);
    check_retry(&z, 1000000, 1000000, 0);
    check_retry(&z, 0, 11, 0);
    check_retry(&z, 0, 11, apr_time_from_sec(60) - 1);
    /* no previous window and cur within room: at least 1 */
    ck_assert_uint_eq(sec_rl_retry_after(&z, 0, 3, 0), 1);
    /* limit 1: room 0, a full decay */
    z.limit = 1;
    ck_assert_uint_le(sec_rl_retry_after(&z, 0, 2, apr_time_from_sec(10)), 120);
    check_retry(&z, 0, 2, apr_time_from_sec(10));
    check_retry(&z, 5, 1, apr_time_from_sec(10));
}
END_TEST

/* Retry-After rounds the wait up with "+ 0.999": a wait of 47.0005 s becomes
 * 47 s, and the client that comes back after exactly 47 s is refused again. */
START_TEST(retry_after_rounds_up)
{
    sec_rl_zone_t z = mkzone("r", 10, 0, 60, -1);

    /* prev 20, cur 5, 0.9995 s in: the exact wait is 47.0005 s */
    check_retry(&z, 20, 5, 999500);
}
END_TEST

START_TEST(retry_after_property)
{
    int i, n = 0, out_of_range = 0, short_wait = 0, short_rounding = 0;
    char first[512] = "";

    rng_seed(0x5ec0de);
    for (i = 0; i < 200000; i++) {
        apr_uint32_t limit = (apr_uint32_t)rng_range(1, (rng() & 1) ? 20 : 5000);
        apr_uint32_t burst = (rng() % 3) ? 0 : (apr_uint32_t)rng_range(0, 100);
        static const apr_uint32_t windows[] = {1, 2, 10, 60, 900, 3600, 86400};
        sec_rl_zone_t z = mkzone("p", limit, burst, windows[rng() % 7], -1);
        apr_uint64_t c = sec_rl_ceiling(&z);
        apr_uint64_t prev = rng_range(0, 3 * c), cur = rng_range(0, 3 * c);
        apr_time_t e = (apr_time_t)rng_range(0, (apr_uint64_t)z.window * USEC - 1);
        double room = (double)c - 1, later;
        apr_uint32_t r;

        /* only states that get refused ask for Retry-After */
        if (sec_rl_estimate(prev, cur, e, z.window) <= (double)c) {
            continue;
        }
        n++;
        r = sec_rl_retry_after(&z, prev, cur, e);
        if (r < 1 || r > 2 * z.window) {
            out_of_range++;
        }
        later = estimate_later(prev, cur, e + apr_time_from_sec(r), z.window);
        if (later > room + 1e-9 * (room + 1)) {
            /* one millisecond more would do: the "+ 0.999" rounding */
            if (estimate_later(prev, cur, e + apr_time_from_sec(r) + 1000, z.window) <=
                room + 1e-9 * (room + 1)) {
                short_rounding++;
            }
            else {
                short_wait++;
            }
            if (!*first) {
                snprintf(first, sizeof(first), "e.g. %u/%us+%u prev=%" APR_UINT64_T_FMT
                         " cur=%" APR_UINT64_T_FMT " e=%" APR_TIME_T_FMT "us: retry %u s, "
                         "estimate then %.6f > %.0f", z.limit, z.window, z.burst, prev, cur,
                         e, r, later, room);
            }
        }
    }
    ck_assert_int_gt(n, 50000);
    ck_assert_msg(out_of_range == 0, "%d of %d Retry-After values outside [1, 2*window]",
                  out_of_range, n);
    ck_assert_msg(short_wait == 0 && short_rounding == 0,
                  "of %d refusals, %d Retry-After values are too short by under 1 ms "
                  "(rounding) and %d by more; %s", n, short_rounding, short_wait, first);
}
END_TEST

/* --- leases ----------------------------------------------------------------- */

START_TEST(lease_size)
{
    sec_rl_zone_t z = mkzone("l", 100, 0, 60, -1);

    ck_assert_uint_eq(sec_rl_lease_size(&z), 2);          /* 100/40 */
    z.limit = 1000;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 25);
    z.burst = 200;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 30);         /* of the ceiling */
    z.limit = 5;
    z.burst = 0;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 1);          /* at least 1 */
    z.limit = 1;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 1);
    z.limit = SEC_RL_LIMIT_MAX;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 100000);     /* capped */
    z.limit = 4000000;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 100000);
    z.limit = 3999960;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 99999);
    /* an explicit lease wins, even over the cap's reasoning */
    z.lease = 7;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 7);
    z.limit = 5;
    z.lease = 50;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 50);
    z.lease = 1;
    ck_assert_uint_eq(sec_rl_lease_size(&z), 1);
    /* the presets: about 2.5% */
    ck_assert_uint_eq(sec_rl_lease_size(sec_rl_builtin("api")), 2);
    ck_assert_uint_eq(sec_rl_lease_size(sec_rl_builtin("webhook")), 25);
    ck_assert_uint_eq(sec_rl_lease_size(sec_rl_builtin("auth")), 1);
}
END_TEST

START_TEST(lease_grant_examples)
{
    sec_rl_zone_t z = mkzone("g", 100, 0, 60, -1);

    /* empty window: the full lease */
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 0, 10, 0, 10), 10);
    /* 95 taken before this lease: 5 of 10 */
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 0, 105, 0, 10), 5);
    /* 100 taken before: none */
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 0, 110, 0, 10), 0);
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 0, 1000, 0, 10), 0);
    /* prev counts: 100 prev at the start leaves nothing, half-way 50 */
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 100, 10, 0, 10), 0);
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 100, 10, apr_time_from_sec(30), 10), 10);
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 100, 55, apr_time_from_sec(30), 10), 5);
    /* exactly at the ceiling after the lease: the full lease */
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 0, 100, 0, 10), 10);
    /* a fraction of room is not a token */
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 1, 100, apr_time_from_sec(30), 1), 0);
    /* cur smaller than the lease (counter reset, eviction): as if nothing before */
    ck_assert_uint_eq(sec_rl_lease_grant(&z, 0, 3, 0, 10), 10);
}
END_TEST

/* Several servers lease from one shared counter while the window goes by:
 * whatever the interleaving, the estimate over what was actually granted never
 * passes the ceiling; a lease is granted in full when it fits and not at all
 * when nothing does. */
START_TEST(lease_grant_property)
{
    int trial, full = 0, none = 0, partial = 0, bad = 0, steps = 0;
    char first[512] = "";

    /* No ck_assert in the loop: each passing one is a write to the parent
     * process (CK_FORK), too slow for a million steps. */
    rng_seed(0x1ea5e);
    for (trial = 0; trial < 20000; trial++) {
        apr_uint32_t limit = (apr_uint32_t)rng_range(1, (rng() & 1) ? 50 : 20000);
        apr_uint32_t burst = (rng() % 3) ? 0 : (apr_uint32_t)rng_range(0, 500);
        static const apr_uint32_t windows[] = {1, 10, 60, 900, 3600};
        sec_rl_zone_t z = mkzone("p", limit, burst, windows[rng() % 5],
                                 (rng() % 2) ? -1 : (apr_int32_t)rng_range(1, 300));
        apr_uint64_t c = sec_rl_ceiling(&z), prev = rng_range(0, 2 * c), cur = 0;
        apr_uint64_t admitted = 0;
        apr_time_t w_us = (apr_time_t)z.window * USEC;
        apr_time_t e = (apr_time_t)rng_range(0, (apr_uint64_t)w_us - 1);
        apr_uint32_t lease = sec_rl_lease_size(&z);
        int step;

        for (step = 0; step < 400 && e < w_us; step++) {
            apr_uint32_t g, want;
            double before, after;
            const char *why = NULL;

            /* another server's lease, not spent here (or lost) */
            if (rng() % 8 == 0) {
                cur += lease;
            }
            cur += lease;
            steps++;
            before = sec_rl_estimate(prev, cur - lease, e, z.window);
            g = sec_rl_lease_grant(&z, prev, cur, e, lease);
            if (before + lease <= (double)c) {
                want = lease;            /* room for all of it */
                full++;
            }
            else if (before >= (double)c) {
                want = 0;                /* no room */
                none++;
            }
            else {
                want = (apr_uint32_t)((double)c - before);   /* the whole tokens that fit */
                partial++;
            }
            admitted += g;
            /* prev alone may be over the ceiling: then nothing is granted */
            after = sec_rl_estimate(prev, admitted, e, z.window);
            if (g > lease) {
                why = "more than the lease";
            }
            else if (g != want) {
                why = "not what fits";
            }
            else if (admitted > 0 && after > (double)c + 1e-9 * (double)c) {
                why = "over-admitted";
            }
            if (why && !bad++) {
                snprintf(first, sizeof(first), "%s: %u/%us+%u lease %u prev %" APR_UINT64_T_FMT
                         " cur %" APR_UINT64_T_FMT " e=%" APR_TIME_T_FMT "us: granted %u "
                         "(want %u), admitted %" APR_UINT64_T_FMT ", estimate %.3f vs %"
                         APR_UINT64_T_FMT, why, z.limit, z.window, z.burst, lease, prev, cur,
                         e, g, want, admitted, after, c);
            }
            e += (apr_time_t)rng_range(0, (apr_uint64_t)w_us / 50);
        }
        if (admitted > c && !bad++) {
            snprintf(first, sizeof(first), "%" APR_UINT64_T_FMT " admitted over a ceiling of %"
                     APR_UINT64_T_FMT, admitted, c);
        }
    }
    ck_assert_msg(bad == 0, "%d of %d lease grants wrong; first: %s", bad, steps, first);
    ck_assert_int_gt(steps, 100000);
    /* the generator reached all three cases */
    ck_assert_int_gt(full, 1000);
    ck_assert_int_gt(none, 1000);
    ck_assert_int_gt(partial, 100);
}
END_TEST

/* --- keys ------------------------------------------------------------------- */

START_TEST(client_key)
{
    apr_pool_t *p = unit_pool();
    const char *junk[] = {"not-an-ip", "", "1.2.3.4:80", "[::1]", "1.2.3", "fe80::1%eth0",
                          "1.2.3.4 ", "unknown"};
    apr_size_t i;

    ck_assert_str_eq(sec_rl_client_key(p, "192.0.2.7", 64), "192.0.2.7");
    ck_assert_str_eq(sec_rl_client_key(p, "192.0.2.7", 16), "192.0.2.7");  /* v4 whole */
    ck_assert_str_eq(sec_rl_client_key(p, "2001:db8:1:2:3:4:5:6", 64), "2001:db8:1:2::/64");
    ck_assert_str_eq(sec_rl_client_key(p, "2001:db8:1:2:ffff:ffff:ffff:ffff", 64),
                     "2001:db8:1:2::/64");
    /* spellings of the same /64 give one key */
    ck_assert_str_eq(sec_rl_client_key(p, "2001:0DB8:0001:0002::9", 64), "2001:db8:1:2::/64");
    ck_assert_str_eq(sec_rl_client_key(p, "2001:db8:1:2:3:4:5:6", 48), "2001:db8:1::/48");
    ck_assert_str_eq(sec_rl_client_key(p, "2001:db8:1:2:3:4:5:6", 128),
                     "2001:db8:1:2:3:4:5:6/128");
    ck_assert_str_eq(sec_rl_client_key(p, "2001:db8:1:2:3:4:5:6", 16), "2001::/16");
    ck_assert_str_eq(sec_rl_client_key(p, "::1", 64), "::/64");
    /* IPv4-mapped IPv6 is the IPv4 client */
    ck_assert_str_eq(sec_rl_client_key(p, "::ffff:1.2.3.4", 64), "1.2.3.4");
    ck_assert_str_eq(sec_rl_client_key(p, "::ffff:1.2.3.4", 128), "1.2.3.4");
    /* Observed: what isn't a strict address comes back unchanged (the same
     * pointer), so it is limited as an opaque key of its own; NULL gives "-". */
    for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        ck_assert_ptr_eq(sec_rl_client_key(p, junk[i], 64), junk[i]);
    }
    ck_assert_str_eq(sec_rl_client_key(p, NULL, 64), "-");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(key_hash)
{
    apr_pool_t *p = unit_pool();
    const char *h = sec_rl_key_hash(p, "api", "192.0.2.7"), *c;

    ck_assert_uint_eq(strlen(h), 22);
    for (c = h; *c; c++) {
        ck_assert_msg(apr_isalnum(*c) || *c == '-' || *c == '_', "'%c' in %s", *c, h);
    }
    ck_assert_str_eq(sec_rl_key_hash(p, "api", "192.0.2.7"), h);               /* stable */
    ck_assert_str_ne(sec_rl_key_hash(p, "web", "192.0.2.7"), h);               /* by zone */
    ck_assert_str_ne(sec_rl_key_hash(p, "api", "192.0.2.8"), h);               /* by key */
    ck_assert_ptr_null(strstr(h, "192"));
    /* zone and key don't slide into each other */
    ck_assert_str_ne(sec_rl_key_hash(p, "ab", "c"), sec_rl_key_hash(p, "a", "bc"));
    ck_assert_uint_eq(strlen(sec_rl_key_hash(p, "api", "")), 22);
    ck_assert_str_ne(sec_rl_key_hash(p, "api", ""), sec_rl_key_hash(p, "api", " "));
    /* a known value, so a change of the derivation (which would reset every
     * counter and ban of a running fleet) doesn't go unnoticed:
     * base64url(sha256("secratelimit\napi\n192.0.2.7")[0..16]) */
    {
        unsigned char d[SEC_SHA256_LEN];
        const char *m = "secratelimit\napi\n192.0.2.7";
        sec_sha256(m, strlen(m), d);
        ck_assert_str_eq(h, sec_base64url_encode(p, d, 16));
    }
    apr_pool_destroy(p);
}
END_TEST

static void mask_hides(apr_pool_t *p, const char *key)
{
    const char *m = sec_rl_key_mask(p, key, 0);
    const char *hash = strchr(m, '#');

    ck_assert_msg(strlen(m) == 13 && !strncmp(m + 1, "***#", 4), "mask(%s) = %s", key, m);
    ck_assert_int_eq(m[0], apr_isalnum(key[0]) ? key[0] : '?');
    for (hash++; *hash; hash++) {
        ck_assert_msg(apr_isxdigit(*hash) && !apr_isupper(*hash), "mask(%s) = %s", key, m);
    }
    ck_assert_msg(strstr(m, key) == NULL, "mask(%s) = %s contains the key", key, m);
    ck_assert_str_eq(sec_rl_key_mask(p, key, 0), m);   /* stable */
}

START_TEST(key_mask)
{
    apr_pool_t *p = unit_pool();
    static const char *keys[] = {"alice", "bob@example.com", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                                 "Bearer abc.def.ghi", "user name with spaces",
                                 "/api/v1/items", "\xc3\xa9l\xc3\xa8ve", "zz",
                                 "192.0.2.7-as-a-user-key"};
    apr_size_t i;
    int r;

    /* addresses: /24 and /48 */
    ck_assert_str_eq(sec_rl_key_mask(p, "192.0.2.7", 1), "192.0.2.0");
    ck_assert_str_eq(sec_rl_key_mask(p, "2001:db8:1:2::/64", 1), "2001:db8:1::");
    ck_assert_str_eq(sec_rl_key_mask(p, "2001:db8:1:2:3:4:5:6", 1), "2001:db8:1::");
    ck_assert_str_eq(sec_rl_key_mask(p, "not-an-ip", 1), "invalid");
    /* other keys */
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        mask_hides(p, keys[i]);
    }
    ck_assert_str_ne(sec_rl_key_mask(p, "alice", 0), sec_rl_key_mask(p, "alicf", 0));
    ck_assert_str_eq(sec_rl_key_mask(p, "", 0), "(empty)");
    ck_assert_int_eq(sec_rl_key_mask(p, "/x", 0)[0], '?');
    /* random keys of 3 to 40 letters and digits */
    rng_seed(42);
    for (r = 0; r < 2000; r++) {
        char k[41];
        int n = (int)rng_range(3, 40), j;
        static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (j = 0; j < n; j++) {
            k[j] = al[rng() % (sizeof(al) - 1)];
        }
        k[n] = '\0';
        mask_hides(p, k);
    }
    apr_pool_destroy(p);
}
END_TEST

START_TEST(header_items)
{
    apr_pool_t *p = unit_pool();
    sec_rl_zone_t z = mkzone("api", 100, 0, 60, -1);

    ck_assert_str_eq(sec_rl_policy_item(p, &z), "\"api\";q=100;w=60");
    ck_assert_str_eq(sec_rl_limit_item(p, &z, 42, 17), "\"api\";r=42;t=17");
    ck_assert_str_eq(sec_rl_limit_item(p, &z, 0, 0), "\"api\";r=0;t=0");
    ck_assert_str_eq(sec_rl_policy_item(p, sec_rl_builtin("auth")), "\"auth\";q=5;w=900");
    z.burst = 20;   /* q is the limit, not the ceiling */
    ck_assert_str_eq(sec_rl_policy_item(p, &z), "\"api\";q=100;w=60");
    ck_assert_str_eq(sec_rl_limit_item(p, &z, 2000000001ULL, 86400),
                     "\"api\";r=2000000001;t=86400");
    apr_pool_destroy(p);
}
END_TEST

/* --- a million keys in the embedded store ------------------------------------ */

#define MEM_KEYS 1000000u
#define MEM_SLOTS 1333334u   /* MEM_KEYS at 75% load */

START_TEST(shm_million_keys)
{
    apr_pool_t *p = unit_pool(), *it;
    sec_rl_zone_t z = mkzone("api", 100, 0, 60, -1);
    apr_uint64_t size, w;
    apr_time_t e;
    sec_shm_t *shm = NULL;
    sec_store_t *st;
    sec_shm_stats_t stats;
    apr_uint32_t i, ttl = 2 * z.window + 1, failed = 0, bad_read = 0;
    apr_status_t first_rv = APR_SUCCESS;
    apr_time_t t0 = apr_time_now();

    /* the smallest size (in KiB steps) whose slot table holds MEM_SLOTS */
    size = (apr_uint64_t)MEM_SLOTS * 100;
    while (sec_shm_slots_for_size(size) < MEM_SLOTS) {
        size += 1024;
    }
    size = (size + 1023) / 1024 * 1024;
    ck_assert_int_eq(sec_shm_create(p, NULL, size, &shm), APR_SUCCESS);
    st = sec_store_shm_make(p, shm);
    ck_assert_ptr_nonnull(st);
    sec_shm_stats(shm, &stats);
    ck_assert_uint_ge(stats.slots, MEM_SLOTS);

    w = sec_rl_window_index(&z, apr_time_now(), &e);
    apr_pool_create(&it, p);
    for (i = 0; i < MEM_KEYS; i++) {
        /* 1M distinct IPv4 clients from 10.0.0.0 up */
        const char *ip = apr_psprintf(it, "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff,
                                      i & 0xff);
        const char *key = apr_psprintf(it, "%s:%" APR_UINT64_T_FMT,
                                       sec_rl_key_hash(it, z.name, ip), w);
        apr_uint64_t n = 0;
        apr_status_t rv = sec_store_incr(st, it, "rl", key, 1 + (i % 3), ttl, &n);
        if (rv != APR_SUCCESS || n != 1 + (i % 3)) {
            if (!failed++) {
                first_rv = rv;
            }
        }
        if ((i & 1023) == 1023) {
            apr_pool_clear(it);
        }
    }
    apr_pool_clear(it);
    sec_shm_stats(shm, &stats);

    /* every key reads back with its count */
    for (i = 0; i < MEM_KEYS; i++) {
        const char *ip = apr_psprintf(it, "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff,
                                      i & 0xff);
        const char *key = apr_psprintf(it, "%s:%" APR_UINT64_T_FMT,
                                       sec_rl_key_hash(it, z.name, ip), w);
        char *v = NULL;
        apr_size_t len = 0;
        if (sec_store_get(st, it, "rl", key, &v, &len) != APR_SUCCESS ||
            apr_atoi64(v) != (apr_int64_t)(1 + (i % 3))) {
            bad_read++;
        }
        if ((i & 1023) == 1023) {
            apr_pool_clear(it);
        }
    }
    /* the figure first, so the log has it even when a check below fails */
    printf("shm: %u keys in %" APR_UINT64_T_FMT " bytes = %.1f bytes per key "
           "(%" APR_UINT64_T_FMT " slots, %.1f%% load; %" APR_UINT64_T_FMT " evictions, "
           "%u not read back; %.2f s)\n", MEM_KEYS, size, (double)size / MEM_KEYS,
           stats.slots, 100.0 * MEM_KEYS / (double)stats.slots, stats.evictions, bad_read,
           (double)(apr_time_now() - t0) / USEC);
    fflush(stdout);
    ck_assert_msg(failed == 0, "%u of %u incr failed (first: %d)", failed, MEM_KEYS, first_rv);
    ck_assert_msg(stats.evictions == 0, "%" APR_UINT64_T_FMT " evictions with %u keys in %"
                  APR_UINT64_T_FMT " slots (%.1f%% load): the 32-slot probe window of the "
                  "shm store overflows", stats.evictions, MEM_KEYS, stats.slots,
                  100.0 * MEM_KEYS / (double)stats.slots);
    ck_assert_uint_eq(stats.used, MEM_KEYS);
    ck_assert_msg(bad_read == 0, "%u of %u keys did not read back", bad_read, MEM_KEYS);
    apr_pool_destroy(p);
}
END_TEST

Suite *ratelimit_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, rate_parse_valid);
    tcase_add_test(tc, rate_parse_rejects);
    tcase_add_test(tc, name_valid);
    tcase_add_test(tc, zone_defaults);
    tcase_add_test(tc, zone_every_option);
    tcase_add_test(tc, zone_errors_name_the_word);
    tcase_add_test(tc, builtin_presets);
    tcase_add_test(tc, is_failure);
    suite_add_tcase(s, tc);

    tc = tcase_create("window");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, window_index);
    tcase_add_test(tc, estimate_weighting);
    tcase_add_test(tc, ceiling);
    tcase_add_test(tc, anti_boundary_burst);
    tcase_add_test(tc, retry_after_examples);
    tcase_add_test(tc, retry_after_rounds_up);
    tcase_add_test(tc, retry_after_property);
    tcase_add_test(tc, lease_size);
    tcase_add_test(tc, lease_grant_examples);
    tcase_add_test(tc, lease_grant_property);
    suite_add_tcase(s, tc);

    tc = tcase_create("keys");
    tcase_add_test(tc, client_key);
    tcase_add_test(tc, key_hash);
    tcase_add_test(tc, key_mask);
    tcase_add_test(tc, header_items);
    suite_add_tcase(s, tc);

    tc = tcase_create("memory");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, shm_million_keys);
    suite_add_tcase(s, tc);
    return s;
}
