/* sec_cookie: reading Cookie headers, removing a cookie, Set-Cookie values. */
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_cookie.h"

/* find(header, name) gives count and, when count > 0, first. */
static void found(const char *header, const char *name, int count, const char *first)
{
    apr_pool_t *p = unit_pool();
    const char *v = "unset";
    int n = sec_cookie_find(p, header, name, &v);

    ck_assert_msg(n == count, "find(\"%s\", \"%s\") = %d, want %d", header ? header : "(null)",
                  name ? name : "(null)", n, count);
    if (count == 0) {
        ck_assert_msg(v == NULL, "find(\"%s\", \"%s\"): first is \"%s\", want NULL",
                      header ? header : "(null)", name ? name : "(null)", v);
    }
    else {
        ck_assert_msg(v && !strcmp(v, first), "find(\"%s\", \"%s\"): first is \"%s\", want \"%s\"",
                      header, name, v ? v : "(null)", first);
    }
    /* first is optional */
    ck_assert_int_eq(sec_cookie_find(p, header, name, NULL), count);
    apr_pool_destroy(p);
}

START_TEST(find_basics)
{
    found("sid=abc", "sid", 1, "abc");
    found("a=1; sid=abc; b=2", "sid", 1, "abc");
    found("a=1;sid=abc;b=2", "sid", 1, "abc");
    found("  sid  =  abc  ;b=2", "sid", 1, "abc");
    found("\tsid=abc\t", "sid", 1, "abc");
    found("a=1; b=2", "sid", 0, NULL);
    found("", "sid", 0, NULL);
    found(NULL, "sid", 0, NULL);
    found("sid=abc", NULL, 0, NULL);
    /* case-sensitive names */
    found("SID=abc", "sid", 0, NULL);
    found("Sid=x; sid=y", "sid", 1, "y");
}
END_TEST

START_TEST(find_quotes_and_values)
{
    found("sid=\"abc\"", "sid", 1, "abc");
    found("sid= \"abc\" ", "sid", 1, "abc");
    found("sid=\"\"", "sid", 1, "");
    found("sid=\"", "sid", 1, "\"");
    found("sid=\"abc", "sid", 1, "\"abc");
    found("sid=abc\"", "sid", 1, "abc\"");
    found("sid=\"a b\"", "sid", 1, "a b");
    found("sid=a=b=c", "sid", 1, "a=b=c");
    found("sid==", "sid", 1, "=");
    found("sid=", "sid", 1, "");
    found("sid=;x=1", "sid", 1, "");
    found("sid= ; x=1", "sid", 1, "");
    found("sid=a b", "sid", 1, "a b");
    found("sid=a,b=c", "sid", 1, "a,b=c");
}
END_TEST

START_TEST(find_duplicates_and_prefixes)
{
    found("sid=1; sid=2", "sid", 2, "1");
    found("sid=1; x=0; sid=2; sid=3", "sid", 3, "1");
    found("sid=; sid=2", "sid", 2, "");
    found("sid2=x", "sid", 0, NULL);
    found("xsid=x", "sid", 0, NULL);
    found("sid2=x; xsid=y; sid=z; sidsid=w", "sid", 1, "z");
    found("sid2=x; sid=z", "sid2", 1, "x");
    found("s=1; sid=2", "s", 1, "1");
    found("sid_x=1", "sid", 0, NULL);
    found("a=sid=x", "sid", 0, NULL);
    found("a=\"sid=x\"", "sid", 0, NULL);
}
END_TEST

START_TEST(find_odd_headers)
{
    found(";", "sid", 0, NULL);
    found(";;;;", "sid", 0, NULL);
    found(" ; ; ", "sid", 0, NULL);
    found(";sid=1;", "sid", 1, "1");
    found(";;sid=1;;sid=2;;", "sid", 2, "1");
    /* pairs without '=' are skipped */
    found("sid", "sid", 0, NULL);
    found("sid; sid=1", "sid", 1, "1");
    found("foo; sid=1; bar", "sid", 1, "1");
    /* an empty name is a name */
    found("=x; sid=1", "", 1, "x");
    found("=x; sid=1", "sid", 1, "1");
    found("sid=\x01\x7f\xff\xfe", "sid", 1, "\x01\x7f\xff\xfe");
    found("\xff=1; sid=2", "\xff", 1, "1");
    found("sid=1,sid=2", "sid", 1, "1,sid=2");
}
END_TEST

START_TEST(find_header_bound)
{
    apr_pool_t *p = unit_pool();
    char *h = apr_palloc(p, SEC_COOKIE_HEADER_MAX + 2);
    const char *v;

    /* exactly at the bound: parsed */
    memset(h, 'a', SEC_COOKIE_HEADER_MAX);
    memcpy(h, "sid=1; x=", 9);
    h[SEC_COOKIE_HEADER_MAX] = '\0';
    ck_assert_int_eq(sec_cookie_find(p, h, "sid", &v), 1);
    ck_assert_str_eq(v, "1");
    /* one byte more: not parsed */
    h[SEC_COOKIE_HEADER_MAX] = 'a';
    h[SEC_COOKIE_HEADER_MAX + 1] = '\0';
    v = "unset";
    ck_assert_int_eq(sec_cookie_find(p, h, "sid", &v), 0);
    ck_assert_ptr_null(v);
    apr_pool_destroy(p);
}
END_TEST

static void removed(const char *header, const char *name, const char *want)
{
    apr_pool_t *p = unit_pool();
    char *got = sec_cookie_remove(p, header, name);

    if (!want) {
        ck_assert_msg(got == NULL, "remove(\"%s\", \"%s\") = \"%s\", want NULL",
                      header ? header : "(null)", name ? name : "(null)", got);
    }
    else {
        ck_assert_msg(got && !strcmp(got, want), "remove(\"%s\", \"%s\") = \"%s\", want \"%s\"",
                      header ? header : "(null)", name ? name : "(null)", got ? got : "(null)",
                      want);
        ck_assert_int_eq(sec_cookie_find(p, got, name, NULL), 0);
        /* never longer than the header, so never pushed past the find bound */
        ck_assert_uint_le(strlen(got), strlen(header));
    }
    apr_pool_destroy(p);
}

START_TEST(remove_keeps_others_in_order)
{
    removed("a=1; sid=x; b=2", "sid", "a=1; b=2");
    removed("sid=x; a=1; b=2", "sid", "a=1; b=2");
    removed("a=1; b=2; sid=x", "sid", "a=1; b=2");
    removed("a=1;sid=x;b=\"2\"", "sid", "a=1; b=\"2\"");
    removed("sid=1; a=1; sid=2; b=2; sid=3", "sid", "a=1; b=2");
    removed("sid2=1; sid=x; xsid=2", "sid", "sid2=1; xsid=2");
    removed("a = 1 ; sid = x ; b=2", "sid", "a = 1; b=2");
    removed("a=1; b=2", "sid", "a=1; b=2");
    removed("a=1;b=2", "sid", "a=1;b=2");
    removed("a=1;b=2;sid=3", "sid", "a=1;b=2");
    removed("a=1;sid=3;b=2", "sid", "a=1; b=2");
    /* pairs without '=' are not cookies called sid: kept */
    removed("sid; a=1", "sid", "sid; a=1");
    removed("flag; sid=x", "sid", "flag");
    /* empty pairs are dropped */
    removed(";; a=1 ;; ; b=2;", "sid", "a=1; b=2");
    removed("a=1; sid=x; b=2", "a", "sid=x; b=2");
    removed("a=1; sid=x; b=2", NULL, "a=1; sid=x; b=2");
}
END_TEST

START_TEST(remove_to_nothing)
{
    removed("sid=x", "sid", NULL);
    removed("sid=x; sid=y", "sid", NULL);
    removed(" sid = \"x\" ;", "sid", NULL);
    removed("", "sid", NULL);
    removed(";", "sid", NULL);
    removed(" ; ", "sid", NULL);
    removed(NULL, "sid", NULL);
}
END_TEST

/* A secret cookie never survives remove, however long the header. */
START_TEST(remove_beyond_the_find_bound)
{
    apr_pool_t *p = unit_pool();
    apr_size_t n = SEC_COOKIE_HEADER_MAX * 2;
    char *h = apr_palloc(p, n + 1), *got;

    memset(h, 'a', n);
    memcpy(h, "x=", 2);
    memcpy(h + n - 6, "; sid=", 6);
    h[n] = '\0';
    got = sec_cookie_remove(p, apr_pstrcat(p, h, "secret", NULL), "sid");
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_null(strstr(got, "secret"));
    ck_assert_uint_eq(strlen(got), n - 6);
    apr_pool_destroy(p);
}
END_TEST

static const sec_cookie_attrs_t session_attrs = {"/", NULL, 1, 1, "Lax", -1};

START_TEST(format_exact_attributes)
{
    apr_pool_t *p = unit_pool();
    sec_cookie_attrs_t a;

    ck_assert_str_eq(sec_cookie_format(p, "sid", "abc", &session_attrs),
                     "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
    ck_assert_str_eq(sec_cookie_format(p, "sid", "abc", NULL), "sid=abc");
    ck_assert_str_eq(sec_cookie_format(p, "sid", NULL, NULL), "sid=");
    memset(&a, 0, sizeof(a));
    a.max_age = -1;
    ck_assert_str_eq(sec_cookie_format(p, "sid", "abc", &a), "sid=abc");
    a.max_age = 3600;
    ck_assert_str_eq(sec_cookie_format(p, "sid", "abc", &a), "sid=abc; Max-Age=3600");
    a.max_age = 0;
    ck_assert_str_eq(sec_cookie_format(p, "sid", "", &a),
                     "sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    a.max_age = -5;
    ck_assert_str_eq(sec_cookie_format(p, "sid", "abc", &a), "sid=abc");
    a.max_age = APR_INT64_C(400) * 86400;
    ck_assert_str_eq(sec_cookie_format(p, "sid", "abc", &a), "sid=abc; Max-Age=34560000");
    a.max_age = 60;
    a.path = "/app";
    a.domain = "example.com";
    a.secure = 1;
    a.http_only = 0;
    a.same_site = "strict";
    ck_assert_str_eq(sec_cookie_format(p, "__Secure-t", "x-y_z", &a),
                     "__Secure-t=x-y_z; Path=/app; Domain=example.com; Max-Age=60; Secure; "
                     "SameSite=Strict");
    a.same_site = "NONE";
    a.secure = 0;
    a.http_only = 1;
    a.domain = NULL;
    ck_assert_str_eq(sec_cookie_format(p, "t", "1", &a),
                     "t=1; Path=/app; Max-Age=60; HttpOnly; SameSite=None");
    a.same_site = "lax";
    ck_assert_str_eq(sec_cookie_format(p, "t", "\"q\"", &a),
                     "t=\"q\"; Path=/app; Max-Age=60; HttpOnly; SameSite=Lax");
    apr_pool_destroy(p);
}
END_TEST

/* Nothing that could split the header or add an attribute gets through. */
START_TEST(format_refuses_header_breakers)
{
    apr_pool_t *p = unit_pool();
    sec_cookie_attrs_t a = session_attrs;

    ck_assert_ptr_null(sec_cookie_format(p, "sid", "a;b", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "a\r\nSet-Cookie: x=y", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "a b", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "a,b", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "a\\b", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "a\"b", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "\xc3\xa4", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "s id", "x", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "s=id", "x", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, "", "x", NULL));
    ck_assert_ptr_null(sec_cookie_format(p, NULL, "x", NULL));
    a.path = "/a; Domain=evil.com";
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "x", &a));
    a.path = "/a\n";
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "x", &a));
    a.path = "/";
    a.domain = "a.com; Secure";
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "x", &a));
    a.domain = NULL;
    a.same_site = "Lax; x";
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "x", &a));
    a.same_site = "Sometimes";
    ck_assert_ptr_null(sec_cookie_format(p, "sid", "x", &a));
    apr_pool_destroy(p);
}
END_TEST

static void check_ok(const char *name, const sec_cookie_attrs_t *a)
{
    const char *why = sec_cookie_check(name, a);
    ck_assert_msg(why == NULL, "check(\"%s\") refused: %s", name ? name : "(null)", why);
}

static void check_bad(const char *name, const sec_cookie_attrs_t *a, const char *has)
{
    const char *why = sec_cookie_check(name, a);
    ck_assert_msg(why != NULL, "check(\"%s\") accepted", name ? name : "(null)");
    ck_assert_msg(strstr(why, has), "check(\"%s\"): \"%s\" lacks \"%s\"", name ? name : "(null)",
                  why, has);
}

START_TEST(check_browser_rules)
{
    sec_cookie_attrs_t a = session_attrs;

    check_ok("sid", &a);
    check_ok("sid", NULL);
    check_ok("__Host-sid", &a);
    check_ok("__Secure-sid", &a);
    a.same_site = "none";
    check_ok("sid", &a);
    a.same_site = NULL;
    check_ok("sid", &a);

    /* names */
    check_bad(NULL, &a, "token");
    check_bad("", &a, "token");
    check_bad("s id", &a, "token");
    check_bad("s=id", &a, "token");
    check_bad("s;id", &a, "token");
    check_bad("s\"id", &a, "token");
    check_bad("s,id", &a, "token");
    check_bad("s(id)", &a, "token");
    check_bad("s\x01id", &a, "token");
    check_bad("s\xc3\xa4", &a, "token");

    /* SameSite */
    a = session_attrs;
    a.same_site = "Sometimes";
    check_bad("sid", &a, "SameSite");
    a.same_site = "";
    check_bad("sid", &a, "SameSite");
    a.same_site = "None";
    a.secure = 0;
    check_bad("sid", &a, "SameSite=None needs Secure");
    a.same_site = "none";
    check_bad("sid", &a, "SameSite=None needs Secure");

    /* __Host- */
    a = session_attrs;
    a.secure = 0;
    check_bad("__Host-sid", &a, "__Host-");
    a = session_attrs;
    a.path = NULL;
    check_bad("__Host-sid", &a, "Path=/");
    a.path = "/app";
    check_bad("__Host-sid", &a, "Path=/");
    a = session_attrs;
    a.domain = "example.com";
    check_bad("__Host-sid", &a, "no Domain");
    check_ok("sid", &a);
    /* prefixes are matched case-insensitively by browsers */
    a = session_attrs;
    a.secure = 0;
    check_bad("__host-sid", &a, "__Host-");
    check_bad("__SECURE-sid", &a, "__Secure-");
    check_bad("__Secure-sid", &a, "__Secure-");
    check_ok("__Securesid", &a);
    check_ok("_Host-sid", &a);

    /* Path and Domain syntax */
    a = session_attrs;
    a.path = "app";
    check_bad("sid", &a, "Path");
    a.path = "/a;b";
    check_bad("sid", &a, "Path");
    a.path = "";
    check_bad("sid", &a, "Path");
    a = session_attrs;
    a.domain = "a.com;x";
    check_bad("sid", &a, "Domain");
    a.domain = "a com";
    check_bad("sid", &a, "Domain");
    a.domain = "";
    check_bad("sid", &a, "Domain");
}
END_TEST

START_TEST(name_valid)
{
    ck_assert(sec_cookie_name_valid("sid"));
    ck_assert(sec_cookie_name_valid("__Host-sid"));
    ck_assert(sec_cookie_name_valid("a!#$%&'*+-.^_`|~9Z"));
    ck_assert(!sec_cookie_name_valid(NULL));
    ck_assert(!sec_cookie_name_valid(""));
    ck_assert(!sec_cookie_name_valid("a b"));
    ck_assert(!sec_cookie_name_valid("a=b"));
    ck_assert(!sec_cookie_name_valid("a/b"));
    ck_assert(!sec_cookie_name_valid("a@b"));
    ck_assert(!sec_cookie_name_valid("[a]"));
    ck_assert(!sec_cookie_name_valid("{a}"));
    ck_assert(!sec_cookie_name_valid("a?"));
    ck_assert(!sec_cookie_name_valid("a:"));
    ck_assert(!sec_cookie_name_valid("a\x7f"));
    ck_assert(!sec_cookie_name_valid("\x80"));
}
END_TEST

/* Headers end exactly at a page boundary with an inaccessible page after
 * it: a read past the NUL crashes the test. */
START_TEST(no_read_past_nul)
{
    static const char *tails[] = {"", ";", "s", "sid", "sid=", "sid=\"", "sid=\"x", "sid=x ",
                                  "sid=x;", " ", "=", "a=1; sid", "\"", "sid=x; sid"};
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
        const char *v;
        memcpy(buf, tails[i], n);
        (void)sec_cookie_find(p, buf, "sid", &v);
        (void)sec_cookie_remove(p, buf, "sid");
        (void)sec_cookie_name_valid(buf);
        (void)sec_cookie_check(buf, NULL);
    }
    munmap(map, (size_t)pg * 2);
    apr_pool_destroy(p);
}
END_TEST

Suite *cookie_suite(void)
{
    Suite *s = suite_create("cookie");
    TCase *tc = tcase_create("cookie");

    tcase_add_test(tc, find_basics);
    tcase_add_test(tc, find_quotes_and_values);
    tcase_add_test(tc, find_duplicates_and_prefixes);
    tcase_add_test(tc, find_odd_headers);
    tcase_add_test(tc, find_header_bound);
    tcase_add_test(tc, remove_keeps_others_in_order);
    tcase_add_test(tc, remove_to_nothing);
    tcase_add_test(tc, remove_beyond_the_find_bound);
    tcase_add_test(tc, format_exact_attributes);
    tcase_add_test(tc, format_refuses_header_breakers);
    tcase_add_test(tc, check_browser_rules);
    tcase_add_test(tc, name_valid);
    tcase_add_test(tc, no_read_past_nul);
    suite_add_tcase(s, tc);
    return s;
}
