/* sec_cidr: addresses, ranges, lists, prefixes and log truncation. */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_cidr.h"

static sec_ip_t ip(const char *s)
{
    sec_ip_t a;
    ck_assert_msg(sec_ip_parse(s, &a) == APR_SUCCESS, "sec_ip_parse(\"%s\") failed", s);
    return a;
}

static sec_cidr_t cidr(const char *s)
{
    sec_cidr_t c;
    ck_assert_msg(sec_cidr_parse(s, &c) == APR_SUCCESS, "sec_cidr_parse(\"%s\") failed", s);
    return c;
}

static void cidr_bad(const char *s)
{
    sec_cidr_t c;
    ck_assert_msg(sec_cidr_parse(s, &c) != APR_SUCCESS, "sec_cidr_parse(\"%s\") accepted",
                  s ? s : "(null)");
}

static void ip_bad(const char *s)
{
    sec_ip_t a;
    ck_assert_msg(sec_ip_parse(s, &a) != APR_SUCCESS, "sec_ip_parse(\"%s\") accepted",
                  s ? s : "(null)");
}

START_TEST(ip_parse_families)
{
    static const unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                         0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char v4[4] = {192, 0, 2, 7};
    sec_ip_t a;

    a = ip("192.0.2.7");
    ck_assert_int_eq(a.family, 4);
    ck_assert_int_eq(memcmp(a.addr, v4, 4), 0);
    a = ip("2001:db8::1");
    ck_assert_int_eq(a.family, 6);
    ck_assert_int_eq(memcmp(a.addr, v6, 16), 0);
    /* IPv4-mapped IPv6 is the IPv4 address it carries */
    a = ip("::ffff:192.0.2.7");
    ck_assert_int_eq(a.family, 4);
    ck_assert_int_eq(memcmp(a.addr, v4, 4), 0);
    a = ip("::FFFF:c000:0207");
    ck_assert_int_eq(a.family, 4);
    ck_assert_int_eq(memcmp(a.addr, v4, 4), 0);
    a = ip("::1");
    ck_assert_int_eq(a.family, 6);
    a = ip("::");
    ck_assert_int_eq(a.family, 6);
    a = ip("0.0.0.0");
    ck_assert_int_eq(a.family, 4);
    a = ip("255.255.255.255");
    ck_assert_int_eq(a.family, 4);
}
END_TEST

START_TEST(ip_parse_strict)
{
    ip_bad(NULL);
    ip_bad("");
    ip_bad("1.2.3");
    ip_bad("1.2.3.4.5");
    ip_bad("256.1.1.1");
    ip_bad("01.2.3.4");           /* no octal */
    ip_bad("1.2.3.4 ");
    ip_bad(" 1.2.3.4");
    ip_bad("1.2.3.4:80");
    ip_bad("[::1]");
    ip_bad("fe80::1%eth0");
    ip_bad("2001:db8::/32");
    ip_bad("2001:db8:::1");
    ip_bad("example.com");
    ip_bad("0x7f.0.0.1");
    ip_bad("1111:2222:3333:4444:5555:6666:7777:8888:9999");
    ip_bad("0000:0000:0000:0000:0000:ffff:255.255.255.255xxxxxxxxxxxxxxxxxxxxxxxxxxx");
}
END_TEST

START_TEST(cidr_parse_ranges)
{
    sec_cidr_t c;

    c = cidr("10.0.0.0/8");
    ck_assert_int_eq(c.net.family, 4);
    ck_assert_int_eq(c.bits, 8);
    c = cidr("192.0.2.7");
    ck_assert_int_eq(c.bits, 32);
    c = cidr("2001:db8::/32");
    ck_assert_int_eq(c.net.family, 6);
    ck_assert_int_eq(c.bits, 32);
    c = cidr("2001:db8::1");
    ck_assert_int_eq(c.bits, 128);
    c = cidr("0.0.0.0/0");
    ck_assert_int_eq(c.bits, 0);
    c = cidr("::/0");
    ck_assert_int_eq(c.bits, 0);
    c = cidr("192.0.2.128/25");
    ck_assert_int_eq(c.bits, 25);
    c = cidr("10.0.0.1/32");
    ck_assert_int_eq(c.bits, 32);
    c = cidr("2001:db8::1/128");
    ck_assert_int_eq(c.bits, 128);
    /* ::ffff:10.0.0.0/104 is 10.0.0.0/8 */
    c = cidr("::ffff:10.0.0.0/104");
    ck_assert_int_eq(c.net.family, 4);
    ck_assert_int_eq(c.bits, 8);
    ck_assert_int_eq(c.net.addr[0], 10);
    ck_assert_int_eq(c.net.addr[1], 0);
    {
        sec_cidr_t d = cidr("10.0.0.0/8");
        ck_assert_int_eq(memcmp(&c.net, &d.net, sizeof(c.net)), 0);
        ck_assert_int_eq(c.bits, d.bits);
    }
    c = cidr("::ffff:192.0.2.7");
    ck_assert_int_eq(c.net.family, 4);
    ck_assert_int_eq(c.bits, 32);
}
END_TEST

START_TEST(cidr_parse_rejects)
{
    cidr_bad(NULL);
    cidr_bad("");
    cidr_bad("/8");
    cidr_bad("10.0.0.1/8");        /* host bits set */
    cidr_bad("192.0.2.1/24");
    cidr_bad("2001:db8::1/32");
    cidr_bad("10.0.0.0/33");
    cidr_bad("2001:db8::/129");
    cidr_bad("10.0.0.0/");
    cidr_bad("10.0.0.0/-1");
    cidr_bad("10.0.0.0/8x");
    cidr_bad("10.0.0.0/ 8");
    cidr_bad("10.0.0.0/0008");
    cidr_bad("10.0.0.0/8/8");
    cidr_bad("::ffff:10.0.0.0/95");   /* mapped needs >= /96 */
    cidr_bad("::ffff:10.0.0.0/129");
    cidr_bad("::ffff:10.0.0.1/104");  /* host bits */
    cidr_bad("10.0.0/8");
    cidr_bad("not-an-ip/8");
}
END_TEST

START_TEST(contains_v4_v6_mixed)
{
    sec_cidr_t ten = cidr("10.0.0.0/8"), net25 = cidr("192.0.2.128/25"), host = cidr("192.0.2.7");
    sec_cidr_t v6 = cidr("2001:db8::/32"), v6_48 = cidr("2001:db8:1::/48"), all4 = cidr("0.0.0.0/0");
    sec_cidr_t all6 = cidr("::/0"), mapped = cidr("::ffff:10.0.0.0/104");
    sec_ip_t a;

    a = ip("10.255.255.255");
    ck_assert_int_eq(sec_cidr_contains(&ten, &a), 1);
    ck_assert_int_eq(sec_cidr_contains(&mapped, &a), 1);
    a = ip("11.0.0.0");
    ck_assert_int_eq(sec_cidr_contains(&ten, &a), 0);
    ck_assert_int_eq(sec_cidr_contains(&mapped, &a), 0);
    a = ip("9.255.255.255");
    ck_assert_int_eq(sec_cidr_contains(&ten, &a), 0);
    a = ip("192.0.2.128");
    ck_assert_int_eq(sec_cidr_contains(&net25, &a), 1);
    a = ip("192.0.2.255");
    ck_assert_int_eq(sec_cidr_contains(&net25, &a), 1);
    a = ip("192.0.2.127");
    ck_assert_int_eq(sec_cidr_contains(&net25, &a), 0);
    a = ip("192.0.2.7");
    ck_assert_int_eq(sec_cidr_contains(&host, &a), 1);
    ck_assert_int_eq(sec_cidr_contains(&all4, &a), 1);
    ck_assert_int_eq(sec_cidr_contains(&all6, &a), 0);   /* families don't mix */
    ck_assert_int_eq(sec_cidr_contains(&v6, &a), 0);
    a = ip("192.0.2.8");
    ck_assert_int_eq(sec_cidr_contains(&host, &a), 0);
    /* mapped client address against an IPv4 range */
    a = ip("::ffff:10.1.2.3");
    ck_assert_int_eq(sec_cidr_contains(&ten, &a), 1);
    a = ip("::ffff:192.0.2.7");
    ck_assert_int_eq(sec_cidr_contains(&host, &a), 1);

    a = ip("2001:db8:ffff::1");
    ck_assert_int_eq(sec_cidr_contains(&v6, &a), 1);
    ck_assert_int_eq(sec_cidr_contains(&v6_48, &a), 0);
    ck_assert_int_eq(sec_cidr_contains(&all6, &a), 1);
    ck_assert_int_eq(sec_cidr_contains(&all4, &a), 0);
    ck_assert_int_eq(sec_cidr_contains(&ten, &a), 0);
    a = ip("2001:db9::1");
    ck_assert_int_eq(sec_cidr_contains(&v6, &a), 0);
    a = ip("2001:db8:1:ffff::1");
    ck_assert_int_eq(sec_cidr_contains(&v6_48, &a), 1);
    a = ip("2001:db8:2::1");
    ck_assert_int_eq(sec_cidr_contains(&v6_48, &a), 0);
    /* an IPv4 address whose bytes equal the start of an IPv6 range */
    a = ip("32.1.13.184");   /* 0x20 0x01 0x0d 0xb8 */
    ck_assert_int_eq(sec_cidr_contains(&v6, &a), 0);
}
END_TEST

START_TEST(list_parse_and_contains)
{
    apr_pool_t *p = unit_pool();
    apr_array_header_t *list = NULL;
    const char *err = NULL;
    sec_ip_t a;

    ck_assert_int_eq(sec_cidr_list_parse(p, "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32\t127.0.0.1,,",
                                         &list, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(list);
    ck_assert_int_eq(list->nelts, 4);
    a = ip("10.9.9.9");
    ck_assert_int_eq(sec_cidr_list_contains(list, &a), 1);
    a = ip("192.0.2.7");
    ck_assert_int_eq(sec_cidr_list_contains(list, &a), 1);
    a = ip("192.0.2.8");
    ck_assert_int_eq(sec_cidr_list_contains(list, &a), 0);
    a = ip("2001:db8::42");
    ck_assert_int_eq(sec_cidr_list_contains(list, &a), 1);
    a = ip("::ffff:127.0.0.1");
    ck_assert_int_eq(sec_cidr_list_contains(list, &a), 1);
    a = ip("::1");
    ck_assert_int_eq(sec_cidr_list_contains(list, &a), 0);
    ck_assert_int_eq(sec_cidr_list_contains(NULL, &a), 0);

    err = NULL;
    ck_assert_int_ne(sec_cidr_list_parse(p, "10.0.0.0/8, 10.0.0.1/8, 192.0.2.0/24", &list, &err),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "10.0.0.1/8") != NULL, "error doesn't name the item: %s", err);
    err = NULL;
    ck_assert_int_ne(sec_cidr_list_parse(p, "127.0.0.1 bogus", &list, &err), APR_SUCCESS);
    ck_assert_msg(err && strstr(err, "bogus"), "error: %s", err ? err : "(null)");
    err = NULL;
    ck_assert_int_ne(sec_cidr_list_parse(p, " , ,", &list, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(err);
    err = NULL;
    ck_assert_int_ne(sec_cidr_list_parse(p, NULL, &list, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(err);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(prefix_strings)
{
    apr_pool_t *p = unit_pool();
    sec_ip_t a = ip("192.0.2.77"), b = ip("2001:db8:1:2:3:4:5:6");

    ck_assert_str_eq(sec_ip_prefix_string(p, &a, 24), "192.0.2.0");
    ck_assert_str_eq(sec_ip_prefix_string(p, &a, 32), "192.0.2.77");
    ck_assert_str_eq(sec_ip_prefix_string(p, &a, 16), "192.0.0.0");
    ck_assert_str_eq(sec_ip_prefix_string(p, &a, 26), "192.0.2.64");
    ck_assert_str_eq(sec_ip_prefix_string(p, &a, 0), "0.0.0.0");
    ck_assert_str_eq(sec_ip_prefix_string(p, &b, 64), "2001:db8:1:2::");
    ck_assert_str_eq(sec_ip_prefix_string(p, &b, 48), "2001:db8:1::");
    ck_assert_str_eq(sec_ip_prefix_string(p, &b, 128), "2001:db8:1:2:3:4:5:6");
    ck_assert_str_eq(sec_ip_prefix_string(p, &b, 0), "::");
    a = ip("::ffff:198.51.100.200");
    ck_assert_str_eq(sec_ip_prefix_string(p, &a, 24), "198.51.100.0");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(truncate_for_logs)
{
    apr_pool_t *p = unit_pool();

    ck_assert_str_eq(sec_ip_truncate(p, "192.0.2.77"), "192.0.2.0");
    ck_assert_str_eq(sec_ip_truncate(p, "2001:db8:1:2::5"), "2001:db8:1::");
    ck_assert_str_eq(sec_ip_truncate(p, "::ffff:192.0.2.77"), "192.0.2.0");
    ck_assert_str_eq(sec_ip_truncate(p, "junk"), "invalid");
    ck_assert_str_eq(sec_ip_truncate(p, ""), "invalid");
    ck_assert_str_eq(sec_ip_truncate(p, "192.0.2.77:443"), "invalid");
    ck_assert_str_eq(sec_ip_truncate(p, NULL), "invalid");
    apr_pool_destroy(p);
}
END_TEST

Suite *cidr_suite(void)
{
    Suite *s = suite_create("cidr");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, ip_parse_families);
    tcase_add_test(tc, ip_parse_strict);
    tcase_add_test(tc, cidr_parse_ranges);
    tcase_add_test(tc, cidr_parse_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("match");
    tcase_add_test(tc, contains_v4_v6_mixed);
    tcase_add_test(tc, list_parse_and_contains);
    tcase_add_test(tc, prefix_strings);
    tcase_add_test(tc, truncate_for_logs);
    suite_add_tcase(s, tc);
    return s;
}
