/* sec_parse: durations, sizes, host:port, name=value options. */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_parse.h"

static void dur_ok(const char *s, apr_interval_time_t want)
{
    apr_interval_time_t got = -12345;
    apr_status_t rv = sec_parse_duration(s, &got);

    ck_assert_msg(rv == APR_SUCCESS, "sec_parse_duration(\"%s\") failed (%d)", s, rv);
    ck_assert_msg(got == want, "sec_parse_duration(\"%s\") = %" APR_INT64_T_FMT
                  ", want %" APR_INT64_T_FMT, s, (apr_int64_t)got, (apr_int64_t)want);
}

static void dur_bad(const char *s)
{
    apr_interval_time_t got = -12345;
    apr_status_t rv = sec_parse_duration(s, &got);

    ck_assert_msg(rv != APR_SUCCESS, "sec_parse_duration(\"%s\") accepted (%" APR_INT64_T_FMT ")",
                  s ? s : "(null)", (apr_int64_t)got);
}

START_TEST(duration_units)
{
    dur_ok("250ms", 250 * 1000);
    dur_ok("30s", apr_time_from_sec(30));
    dur_ok("15m", apr_time_from_sec(15 * 60));
    dur_ok("8h", apr_time_from_sec(8 * 3600));
    dur_ok("1d", apr_time_from_sec(86400));
    dur_ok("2w", apr_time_from_sec(14 * 86400));
    dur_ok("0", 0);
    dur_ok("0ms", 0);
    dur_ok("1ms", 1000);
}
END_TEST

START_TEST(duration_bare_is_seconds)
{
    dur_ok("45", apr_time_from_sec(45));
    dur_ok("1", APR_USEC_PER_SEC);
    dur_ok("3600", apr_time_from_sec(3600));
}
END_TEST

START_TEST(duration_rejects)
{
    dur_bad(NULL);
    dur_bad("");
    dur_bad("-1");
    dur_bad("-1s");
    dur_bad("5x");
    dur_bad("1.5m");
    dur_bad("s");
    dur_bad("ms");
    dur_bad(" 5s");
    dur_bad("5s ");
    dur_bad("5 s");
    dur_bad("5S5");
    dur_bad("5sec");
    dur_bad("+5s");
    dur_bad("0x10");
    dur_bad("99999999999999999999d");   /* overflows the number itself */
    dur_bad("99999999999999999999");
    dur_bad("18446744073709551616");    /* 2^64 */
    dur_bad("99999999999w");            /* fits u64, but not in usec */
    dur_bad("9223372036855s");          /* just over INT64_MAX usec */
}
END_TEST

START_TEST(duration_limits)
{
    /* the largest whole-second value that fits in apr_interval_time_t */
    dur_ok("9223372036854s", (apr_interval_time_t)9223372036854 * APR_USEC_PER_SEC);
}
END_TEST

static void size_ok(const char *s, apr_uint64_t want)
{
    apr_uint64_t got = 12345;
    apr_status_t rv = sec_parse_size(s, &got);

    ck_assert_msg(rv == APR_SUCCESS, "sec_parse_size(\"%s\") failed (%d)", s, rv);
    ck_assert_msg(got == want, "sec_parse_size(\"%s\") = %" APR_UINT64_T_FMT ", want %"
                  APR_UINT64_T_FMT, s, got, want);
}

static void size_bad(const char *s)
{
    apr_uint64_t got = 12345;
    apr_status_t rv = sec_parse_size(s, &got);

    ck_assert_msg(rv != APR_SUCCESS, "sec_parse_size(\"%s\") accepted (%" APR_UINT64_T_FMT ")",
                  s ? s : "(null)", got);
}

START_TEST(size_units)
{
    size_ok("4096", 4096);
    size_ok("0", 0);
    size_ok("512K", 512 * 1024);
    size_ok("512k", 512 * 1024);
    size_ok("64M", APR_UINT64_C(64) * 1024 * 1024);
    size_ok("64MB", APR_UINT64_C(64) * 1024 * 1024);
    size_ok("64mb", APR_UINT64_C(64) * 1024 * 1024);
    size_ok("1G", APR_UINT64_C(1024) * 1024 * 1024);
    size_ok("1GB", APR_UINT64_C(1024) * 1024 * 1024);
    size_ok("3G", APR_UINT64_C(3) * 1024 * 1024 * 1024);
    size_ok("18446744073709551615", APR_UINT64_MAX);
}
END_TEST

START_TEST(size_rejects)
{
    size_bad(NULL);
    size_bad("");
    size_bad("K");
    size_bad("abc");
    size_bad("-1");
    size_bad("1.5M");
    size_bad("64MBB");
    size_bad("64 M");
    size_bad("64T");
    size_bad("64X");
    size_bad(" 64");
    size_bad("64M ");
    size_bad("18446744073709551616");   /* 2^64 */
    size_bad("99999999999999999999");
    size_bad("17179869184G");            /* 2^34 G = 2^64 bytes */
    size_bad("18014398509481984K");      /* 2^54 K = 2^64 bytes */
}
END_TEST

static void hp_ok(const char *s, apr_port_t defport, const char *want_host, apr_port_t want_port)
{
    apr_pool_t *p = unit_pool();
    char *host = NULL;
    apr_port_t port = 1;
    apr_status_t rv = sec_parse_hostport(p, s, defport, &host, &port);

    ck_assert_msg(rv == APR_SUCCESS, "sec_parse_hostport(\"%s\") failed (%d)", s, rv);
    ck_assert_ptr_nonnull(host);
    ck_assert_str_eq(host, want_host);
    ck_assert_uint_eq(port, want_port);
    apr_pool_destroy(p);
}

static void hp_bad(const char *s)
{
    apr_pool_t *p = unit_pool();
    char *host = NULL;
    apr_port_t port = 1;
    apr_status_t rv = sec_parse_hostport(p, s, 11211, &host, &port);

    ck_assert_msg(rv != APR_SUCCESS, "sec_parse_hostport(\"%s\") accepted: host=%s port=%u",
                  s ? s : "(null)", host ? host : "(null)", (unsigned)port);
    apr_pool_destroy(p);
}

START_TEST(hostport_valid)
{
    hp_ok("127.0.0.1:11211", 1, "127.0.0.1", 11211);
    hp_ok("1.2.3.4:1", 1, "1.2.3.4", 1);
    hp_ok("cache-1.example.com:65535", 1, "cache-1.example.com", 65535);
    hp_ok("localhost", 11211, "localhost", 11211);
    hp_ok("10.0.0.5", 4242, "10.0.0.5", 4242);
    hp_ok("[::1]:11211", 1, "::1", 11211);
    hp_ok("[::1]", 22122, "::1", 22122);
    hp_ok("[2001:db8::7]:8080", 1, "2001:db8::7", 8080);
    hp_ok("[::ffff:192.0.2.1]:99", 1, "::ffff:192.0.2.1", 99);
    hp_ok("my_host:80", 1, "my_host", 80);
}
END_TEST

START_TEST(hostport_invalid)
{
    hp_bad(NULL);
    hp_bad("");
    hp_bad(":11211");          /* empty host */
    hp_bad("[]:11211");        /* empty bracketed host */
    hp_bad("[]");
    hp_bad("host:0");          /* port 0 */
    hp_bad("host:65536");      /* port too large */
    hp_bad("host:99999999999999999999999");
    hp_bad("host:");           /* empty port */
    hp_bad("host:-1");
    hp_bad("host:12ab");
    hp_bad("host:+80");
    hp_bad("host: 80");
    hp_bad("::1");             /* bare IPv6 needs brackets */
    hp_bad("2001:db8::1:11211");
    hp_bad("[::1]:0");
    hp_bad("[::1]:65536");
    hp_bad("[::1");            /* unbalanced */
    hp_bad("[::1]x");
    hp_bad("[::1]:");
    hp_bad("[hostname]:80");   /* not an address inside brackets */
    hp_bad("ho st:80");
    hp_bad("host/path:80");
    hp_bad("host:80:81");
    hp_bad("user@host:80");
}
END_TEST

START_TEST(option_split)
{
    const char *v = NULL;

    ck_assert_int_eq(sec_parse_option("timeout=100ms", "timeout", &v), 1);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, "100ms");
    v = NULL;
    ck_assert_int_eq(sec_parse_option("timeout=", "timeout", &v), 1);
    ck_assert_str_eq(v, "");
    v = NULL;
    ck_assert_int_eq(sec_parse_option("prefix=a=b", "prefix", &v), 1);
    ck_assert_str_eq(v, "a=b");
    v = NULL;
    ck_assert_int_eq(sec_parse_option("timeout", "timeout", &v), 0);
    ck_assert_int_eq(sec_parse_option("timeouts=1", "timeout", &v), 0);
    ck_assert_int_eq(sec_parse_option("retry=5s", "timeout", &v), 0);
    ck_assert_int_eq(sec_parse_option("", "timeout", &v), 0);
    ck_assert_int_eq(sec_parse_option("time=1", "timeout", &v), 0);
    ck_assert_ptr_null(v);
}
END_TEST

/* The one bounded number parser: digits only, within [lo, hi]. */
START_TEST(uint_bounded)
{
    static const char *bad[] = {"", " 1", "1 ", "+1", "-1", "0x10", "1e3", "١", "12a",
                                "18446744073709551616", "99999999999999999999999", NULL};
    apr_uint64_t v = 7;
    int i;

    ck_assert_int_eq(sec_parse_uint("0", 0, 10, &v), APR_SUCCESS);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(sec_parse_uint("0010", 0, 10, &v), APR_SUCCESS);
    ck_assert_uint_eq(v, 10);
    ck_assert_int_eq(sec_parse_uint("18446744073709551615", 0, APR_UINT64_MAX, &v), APR_SUCCESS);
    ck_assert_uint_eq(v, APR_UINT64_MAX);
    v = 7;
    ck_assert_int_eq(sec_parse_uint("11", 0, 10, &v), APR_EINVAL);
    ck_assert_int_eq(sec_parse_uint("4", 5, 10, &v), APR_EINVAL);
    ck_assert_int_eq(sec_parse_uint(NULL, 0, 10, &v), APR_EINVAL);
    for (i = 0; bad[i]; i++) {
        ck_assert_msg(sec_parse_uint(bad[i], 0, APR_UINT64_MAX, &v) == APR_EINVAL,
                      "accepted '%s'", bad[i]);
    }
    ck_assert_uint_eq(v, 7);   /* untouched on failure */
}
END_TEST

Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("duration");

    tcase_add_test(tc, duration_units);
    tcase_add_test(tc, duration_bare_is_seconds);
    tcase_add_test(tc, duration_rejects);
    tcase_add_test(tc, duration_limits);
    tcase_add_test(tc, uint_bounded);
    suite_add_tcase(s, tc);

    tc = tcase_create("size");
    tcase_add_test(tc, size_units);
    tcase_add_test(tc, size_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostport");
    tcase_add_test(tc, hostport_valid);
    tcase_add_test(tc, hostport_invalid);
    tcase_add_test(tc, option_split);
    suite_add_tcase(s, tc);
    return s;
}
