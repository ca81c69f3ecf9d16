/* sec_origin: serialised origins, origins of URLs, allow-list patterns. */
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_origin.h"

/* s parses and its canonical string is want. */
static void canon(const char *s, const char *want)
{
    apr_pool_t *p = unit_pool();
    sec_origin_t o, back;
    const char *str;

    ck_assert_msg(sec_origin_parse(p, s, &o) == APR_SUCCESS, "sec_origin_parse(\"%s\") refused",
                  s);
    str = sec_origin_string(p, &o);
    ck_assert_msg(!strcmp(str, want), "\"%s\" -> \"%s\", want \"%s\"", s, str, want);
    /* the canonical string is a fixed point */
    ck_assert_int_eq(sec_origin_parse(p, str, &back), APR_SUCCESS);
    ck_assert(sec_origin_equal(&o, &back));
    ck_assert_str_eq(sec_origin_string(p, &back), str);
    apr_pool_destroy(p);
}

static void bad(const char *s)
{
    apr_pool_t *p = unit_pool();
    sec_origin_t o;

    ck_assert_msg(sec_origin_parse(p, s, &o) == APR_EINVAL, "sec_origin_parse(\"%s\") accepted",
                  s ? s : "(null)");
    apr_pool_destroy(p);
}

static void url(const char *u, const char *want)
{
    apr_pool_t *p = unit_pool();
    sec_origin_t o;

    if (!want) {
        ck_assert_msg(sec_origin_from_url(p, u, &o) == APR_EINVAL,
                      "sec_origin_from_url(\"%s\") accepted", u ? u : "(null)");
    }
    else {
        ck_assert_msg(sec_origin_from_url(p, u, &o) == APR_SUCCESS,
                      "sec_origin_from_url(\"%s\") refused", u);
        ck_assert_str_eq(sec_origin_string(p, &o), want);
    }
    apr_pool_destroy(p);
}

START_TEST(canonical_strings)
{
    canon("https://example.com", "https://example.com");
    canon("HTTPS://X", "https://x");
    canon("HtTp://ExAmPlE.CoM", "http://example.com");
    canon("https://example.com:443", "https://example.com");
    canon("http://example.com:80", "http://example.com");
    canon("https://example.com:80", "https://example.com:80");
    canon("http://example.com:443", "http://example.com:443");
    canon("http://127.0.0.1:8080", "http://127.0.0.1:8080");
    canon("http://localhost", "http://localhost");
    canon("https://xn--bcher-kva.example", "https://xn--bcher-kva.example");
    canon("https://a-b.c-d.example", "https://a-b.c-d.example");
    canon("https://1.example", "https://1.example");
    canon("https://example.123x", "https://example.123x");
    canon("http://a:65535", "http://a:65535");
    canon("http://a:1", "http://a:1");
    /* IPv6: brackets, lower case, the WHATWG (browser) serialisation */
    canon("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443");
    canon("https://[2001:DB8::1]", "https://[2001:db8::1]");
    canon("https://[2001:0db8:0000:0000:0000:0000:0000:0001]", "https://[2001:db8::1]");
    canon("http://[::1]", "http://[::1]");
    canon("http://[::]", "http://[::]");
    canon("http://[1::]:81", "http://[1::]:81");
    canon("http://[2001:db8:0:1:0:0:0:1]", "http://[2001:db8:0:1::1]");
    canon("http://[2001:db8:0:0:1:0:0:1]", "http://[2001:db8::1:0:0:1]");
    canon("http://[2001:db8:1:1:1:1:0:1]", "http://[2001:db8:1:1:1:1:0:1]");
    canon("http://[::ffff:192.0.2.1]", "http://[::ffff:c000:201]");
    canon("http://[::ffff:c000:201]", "http://[::ffff:c000:201]");
}
END_TEST

START_TEST(parsed_fields)
{
    apr_pool_t *p = unit_pool();
    sec_origin_t o;

    ck_assert_int_eq(sec_origin_parse(p, "HTTPS://Example.COM", &o), APR_SUCCESS);
    ck_assert_str_eq(o.scheme, "https");
    ck_assert_str_eq(o.host, "example.com");
    ck_assert_uint_eq(o.port, 443);
    ck_assert_int_eq(sec_origin_parse(p, "http://a.b", &o), APR_SUCCESS);
    ck_assert_uint_eq(o.port, 80);
    ck_assert_int_eq(sec_origin_parse(p, "https://[2001:db8::1]:8443", &o), APR_SUCCESS);
    ck_assert_str_eq(o.host, "2001:db8::1");
    ck_assert_uint_eq(o.port, 8443);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(refusals)
{
    char longhost[SEC_ORIGIN_MAX + 64];
    char label64[80];

    bad(NULL);
    bad("");
    bad("null");
    bad("example.com");
    bad("//example.com");
    bad("https:example.com");
    bad("https:/example.com");
    bad("https://");
    bad("https://:443");
    /* a path, even "/", query, fragment */
    bad("https://example.com/");
    bad("https://example.com/a");
    bad("https://example.com?");
    bad("https://example.com?a=b");
    bad("https://b#");
    bad("https://b#x");
    bad("https://example.com\\");
    /* userinfo */
    bad("https://a@b");
    bad("https://user:pw@example.com");
    bad("https://@example.com");
    /* ports */
    bad("https://a.com:0");
    bad("https://a.com:65536");
    bad("https://a.com:99999999999999999999");
    bad("https://a.com:+80");
    bad("https://a.com:-80");
    bad("https://a.com:080");
    bad("https://a.com:00");
    bad("https://a.com:");
    bad("https://a.com:8x");
    bad("https://a.com:80:80");
    bad("https://a.com: 80");
    bad("https://[::1]:");
    bad("https://[::1]x");
    /* whitespace and control characters anywhere */
    bad(" https://a.com");
    bad("https://a.com ");
    bad("https://a .com");
    bad("https://a.com\t");
    bad("https://a.com\r\n");
    bad("https://a.com\x7f");
    bad("https://a.com\x01");
    /* other schemes */
    bad("javascript:alert(1)");
    bad("javascript://example.com");
    bad("file://");
    bad("file:///etc/passwd");
    bad("ftp://example.com");
    bad("ws://example.com");
    bad("data:text/html,x");
    bad("httpx://a.com");
    /* host shape */
    bad("https://-a.com");
    bad("https://a-.com");
    bad("https://a.-b.com");
    bad("https://a..com");
    bad("https://.a.com");
    bad("https://a.com.");
    bad("https://a_b.com");
    bad("https://a%62.com");
    bad("https://ex\xc3\xa4mple.com");
    bad("https://*.example.com");
    bad("https://*");
    bad("https://[::1");
    bad("https://::1");
    bad("https://[]");
    bad("https://[fe80::1%25eth0]");
    bad("https://[fe80::1%eth0]");
    bad("https://[1.2.3.4]");
    bad("https://[::1]]");
    /* numeric hosts must be dotted quads (a browser reads 1.2.3 as 1.2.0.3) */
    bad("http://1.2.3");
    bad("http://256.1.1.1");
    bad("http://01.2.3.4");
    bad("http://1.2.3.4.5");
    bad("http://0x7f.0.0.1");
    bad("http://127.1");
    bad("http://2130706433");
    bad("http://foo.0x10");
    bad("http://foo.123");
    /* overlong */
    memset(label64, 'a', 64);
    label64[64] = '\0';
    bad(apr_pstrcat(unit_pool(), "https://", label64, ".com", NULL));
    memset(longhost, 'a', sizeof(longhost) - 1);
    longhost[sizeof(longhost) - 1] = '\0';
    bad(apr_pstrcat(unit_pool(), "https://", longhost, NULL));
    {
        /* 63-character labels are fine, up to 253 characters of host */
        char *ok = apr_pstrcat(unit_pool(), "https://", apr_pstrndup(unit_pool(), longhost, 63), ".",
                               apr_pstrndup(unit_pool(), longhost, 63), ".",
                               apr_pstrndup(unit_pool(), longhost, 63), ".",
                               apr_pstrndup(unit_pool(), longhost, 61), NULL);
        canon(ok, ok);
        bad(apr_pstrcat(unit_pool(), ok, "a", NULL));       /* 254 */
    }
}
END_TEST

START_TEST(is_null)
{
    ck_assert(sec_origin_is_null("null"));
    ck_assert(!sec_origin_is_null("NULL"));
    ck_assert(!sec_origin_is_null("null "));
    ck_assert(!sec_origin_is_null(""));
    ck_assert(!sec_origin_is_null(NULL));
    ck_assert(!sec_origin_is_null("https://null"));
}
END_TEST

START_TEST(from_url)
{
    url("https://Example.com:443/a?b#c", "https://example.com");
    url("https://example.com", "https://example.com");
    url("https://example.com/", "https://example.com");
    url("https://example.com?q=1", "https://example.com");
    url("https://example.com#frag", "https://example.com");
    url("https://example.com:8443/path/to?x=https://evil.com", "https://example.com:8443");
    url("http://a.example.com/@evil.com", "http://a.example.com");
    url("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080");
    url("http://127.0.0.1/login.php?next=/", "http://127.0.0.1");
    url("HTTP://EXAMPLE.COM/PATH", "http://example.com");
    url("https://example.com/a b\tc", "https://example.com");
    url(NULL, NULL);
    url("", NULL);
    url("/relative/path", NULL);
    url("example.com/a", NULL);
    url("//example.com/a", NULL);
    url("ftp://example.com/", NULL);
    url("javascript:alert(document.domain)//", NULL);
    url("https://user@example.com/", NULL);
    url("https://user:pass@example.com/", NULL);
    url("https://evil.com\\@good.com/", NULL);
    url("https://evil.com\\.good.com/", NULL);
    url("https:///path", NULL);
    url("https://:443/", NULL);
    url("https://a.com:0/", NULL);
    url("https://a.com:65536/", NULL);
    url("https://a..com/", NULL);
    url("https://a .com/", NULL);
    url("https://a.com:/", NULL);
    url("https:/a.com/", NULL);
    {
        /* a long URL is fine as long as the origin part is short */
        char *path = malloc(20000);
        ck_assert_ptr_nonnull(path);
        memset(path, 'p', 19999);
        path[19999] = '\0';
        url(apr_pstrcat(unit_pool(), "https://example.com/", path, NULL), "https://example.com");
        url(apr_pstrcat(unit_pool(), "https://", path, "/", NULL), NULL);
        free(path);
    }
}
END_TEST

START_TEST(equality)
{
    apr_pool_t *p = unit_pool();
    sec_origin_t a, b;

    ck_assert_int_eq(sec_origin_parse(p, "https://EXAMPLE.com:443", &a), APR_SUCCESS);
    ck_assert_int_eq(sec_origin_parse(p, "https://example.com", &b), APR_SUCCESS);
    ck_assert(sec_origin_equal(&a, &b));
    ck_assert_int_eq(sec_origin_parse(p, "http://example.com", &b), APR_SUCCESS);
    ck_assert(!sec_origin_equal(&a, &b));
    ck_assert_int_eq(sec_origin_parse(p, "https://example.com:8443", &b), APR_SUCCESS);
    ck_assert(!sec_origin_equal(&a, &b));
    ck_assert_int_eq(sec_origin_parse(p, "https://www.example.com", &b), APR_SUCCESS);
    ck_assert(!sec_origin_equal(&a, &b));
    ck_assert_int_eq(sec_origin_parse(p, "https://[2001:db8::1]", &a), APR_SUCCESS);
    ck_assert_int_eq(sec_origin_parse(p, "https://[2001:db8:0::0001]:443", &b), APR_SUCCESS);
    ck_assert(sec_origin_equal(&a, &b));
    ck_assert(!sec_origin_equal(&a, NULL));
    ck_assert(!sec_origin_equal(NULL, &b));
    apr_pool_destroy(p);
}
END_TEST

static sec_origin_pattern_t pat(apr_pool_t *p, const char *s)
{
    sec_origin_pattern_t pt;
    const char *err = "unset";

    ck_assert_msg(sec_origin_pattern_parse(p, s, &pt, &err) == APR_SUCCESS,
                  "pattern \"%s\" refused: %s", s, err ? err : "(null)");
    ck_assert_ptr_null(err);
    return pt;
}

static int matches(apr_pool_t *p, const sec_origin_pattern_t *pt, const char *origin)
{
    sec_origin_t o;

    ck_assert_msg(sec_origin_parse(p, origin, &o) == APR_SUCCESS, "origin \"%s\" refused", origin);
    return sec_origin_pattern_match(pt, &o);
}

static void pat_bad(const char *s, const char *err_has)
{
    apr_pool_t *p = unit_pool();
    sec_origin_pattern_t pt;
    const char *err = NULL;

    ck_assert_msg(sec_origin_pattern_parse(p, s, &pt, &err) == APR_EINVAL, "pattern \"%s\" accepted",
                  s ? s : "(null)");
    ck_assert_msg(err && *err, "pattern \"%s\": no message", s ? s : "(null)");
    ck_assert_msg(strstr(err, err_has), "pattern \"%s\": message \"%s\" lacks \"%s\"",
                  s ? s : "(null)", err, err_has);
    /* err is optional */
    ck_assert_int_eq(sec_origin_pattern_parse(p, s, &pt, NULL), APR_EINVAL);
    apr_pool_destroy(p);
}

START_TEST(patterns)
{
    apr_pool_t *p = unit_pool();
    sec_origin_pattern_t pt;

    pt = pat(p, "https://*.example.com");
    ck_assert(pt.subdomains);
    ck_assert_str_eq(pt.origin.host, "example.com");
    ck_assert(matches(p, &pt, "https://a.example.com"));
    ck_assert(matches(p, &pt, "https://x.y.example.com"));
    ck_assert(matches(p, &pt, "https://A.EXAMPLE.COM:443"));
    ck_assert(!matches(p, &pt, "https://example.com"));
    ck_assert(!matches(p, &pt, "https://evilexample.com"));
    ck_assert(!matches(p, &pt, "https://a.evilexample.com"));
    ck_assert(!matches(p, &pt, "https://example.com.evil.com"));
    ck_assert(!matches(p, &pt, "https://a.example.com.evil.com"));
    ck_assert(!matches(p, &pt, "http://a.example.com"));
    ck_assert(!matches(p, &pt, "https://a.example.com:8443"));
    ck_assert(!matches(p, &pt, "https://a.example.org"));
    ck_assert(!matches(p, &pt, "https://[::1]"));

    pt = pat(p, "HTTPS://*.Example.COM:8443");
    ck_assert(matches(p, &pt, "https://a.example.com:8443"));
    ck_assert(!matches(p, &pt, "https://a.example.com"));

    pt = pat(p, "http://*.a.b.c");
    ck_assert(matches(p, &pt, "http://x.a.b.c"));
    ck_assert(!matches(p, &pt, "http://a.b.c"));
    ck_assert(!matches(p, &pt, "http://xa.b.c"));

    /* exact entries */
    pt = pat(p, "https://Example.com:443");
    ck_assert(!pt.subdomains);
    ck_assert(matches(p, &pt, "https://example.com"));
    ck_assert(!matches(p, &pt, "https://a.example.com"));
    ck_assert(!matches(p, &pt, "http://example.com"));
    pt = pat(p, "http://[::1]:8080");
    ck_assert(matches(p, &pt, "http://[0:0::1]:8080"));
    pt = pat(p, "http://127.0.0.1:8529");
    ck_assert(matches(p, &pt, "http://127.0.0.1:8529"));
    ck_assert(!matches(p, &pt, "http://127.0.0.1"));

    ck_assert(!sec_origin_pattern_match(NULL, NULL));
    ck_assert(!sec_origin_pattern_match(&pt, NULL));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(refused_patterns)
{
    pat_bad(NULL, "empty");
    pat_bad("", "empty");
    pat_bad("*", "every");
    pat_bad("https://*", "every");
    pat_bad("https://*:443", "every");
    pat_bad("https://*.com", "two labels");
    pat_bad("https://*.com:8443", "two labels");
    pat_bad("https://a.*.com", "first label");
    pat_bad("https://*example.com", "first label");
    pat_bad("https://ex*ample.com", "first label");
    pat_bad("https://*.*.example.com", "one '*'");
    pat_bad("https://*.example.*", "one '*'");
    pat_bad("https://**.example.com", "first label");
    pat_bad("*.example.com", "scheme");
    pat_bad("null", "null");
    pat_bad("https://*.1.2.3.4", "IP");
    pat_bad("https://*.example.com/", "path");
    pat_bad("https://example.com/", "path");
    pat_bad("https://a@example.com", "user");
    pat_bad("https://example.com:0", "port");
    pat_bad("https://example.com:65536", "port");
    pat_bad("https://example.com:080", "port");
    pat_bad("https://example.com:", "port");
    pat_bad("https://exa mple.com", "whitespace");
    pat_bad("https://-a.com", "'-'");
    pat_bad("https://a..com", "empty label");
    pat_bad("https://*..com", "empty label");
    pat_bad("ftp://example.com", "scheme");
    pat_bad("https://[::1", "']'");
    pat_bad("https://[zz::1]", "IPv6");
    pat_bad("http://1.2.3", "IPv4");
}
END_TEST

START_TEST(list_match)
{
    apr_pool_t *p = unit_pool();
    apr_array_header_t *list = apr_array_make(p, 2, sizeof(sec_origin_pattern_t));
    sec_origin_t o;

    ck_assert_int_eq(sec_origin_parse(p, "https://a.example.com", &o), APR_SUCCESS);
    ck_assert(!sec_origin_list_match(NULL, &o));
    ck_assert(!sec_origin_list_match(list, &o));
    APR_ARRAY_PUSH(list, sec_origin_pattern_t) = pat(p, "https://other.org");
    ck_assert(!sec_origin_list_match(list, &o));
    APR_ARRAY_PUSH(list, sec_origin_pattern_t) = pat(p, "https://*.example.com");
    ck_assert(sec_origin_list_match(list, &o));
    ck_assert(!sec_origin_list_match(list, NULL));
    ck_assert_int_eq(sec_origin_parse(p, "https://other.org", &o), APR_SUCCESS);
    ck_assert(sec_origin_list_match(list, &o));
    ck_assert_int_eq(sec_origin_parse(p, "https://example.com", &o), APR_SUCCESS);
    ck_assert(!sec_origin_list_match(list, &o));
    apr_pool_destroy(p);
}
END_TEST

/* Inputs end exactly at a page boundary with an inaccessible page after
 * it: a read past the NUL crashes the test. */
START_TEST(no_read_past_nul)
{
    static const char *tails[] = {"h", "http", "https:", "https:/", "https://", "https://a",
                                  "https://a:", "https://a:8", "https://[", "https://[::1",
                                  "https://[::1]", "https://[::1]:", "https://*", "https://*.",
                                  "https://a.b/", "https://a@", ""};
    long pg = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    apr_pool_t *p = unit_pool();
    apr_size_t i;

    ck_assert(map != MAP_FAILED);
    ck_assert_int_eq(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        apr_size_t n = strlen(tails[i]) + 1;
        char *buf = map + pg - n;
        sec_origin_t o;
        sec_origin_pattern_t pt;
        memcpy(buf, tails[i], n);
        (void)sec_origin_parse(p, buf, &o);
        (void)sec_origin_from_url(p, buf, &o);
        (void)sec_origin_pattern_parse(p, buf, &pt, NULL);
        (void)sec_origin_is_null(buf);
    }
    munmap(map, (size_t)pg * 2);
    apr_pool_destroy(p);
}
END_TEST

Suite *origin_suite(void)
{
    Suite *s = suite_create("origin");
    TCase *tc = tcase_create("origin");

    tcase_add_test(tc, canonical_strings);
    tcase_add_test(tc, parsed_fields);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, is_null);
    tcase_add_test(tc, from_url);
    tcase_add_test(tc, equality);
    tcase_add_test(tc, patterns);
    tcase_add_test(tc, refused_patterns);
    tcase_add_test(tc, list_match);
    tcase_add_test(tc, no_read_past_nul);
    suite_add_tcase(s, tc);
    return s;
}
