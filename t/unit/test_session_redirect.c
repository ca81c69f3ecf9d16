/* sec_redirect_check: where a login or logout may send the browser. */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_session.h"
#include "sec_origin.h"

static apr_array_header_t *allow(apr_pool_t *p, const char *const *list)
{
    apr_array_header_t *a = apr_array_make(p, 2, sizeof(sec_origin_pattern_t));
    int i;

    for (i = 0; list[i]; i++) {
        const char *err = NULL;
        ck_assert_int_eq(sec_origin_pattern_parse(p, list[i], apr_array_push(a), &err),
                         APR_SUCCESS);
    }
    return a;
}

static void good(apr_pool_t *p, const apr_array_header_t *a, const char *t)
{
    const char *why = NULL, *got = sec_redirect_check(p, t, a, &why);
    ck_assert_msg(got && !strcmp(got, t), "refused \"%s\": %s", t, why ? why : "?");
}

static void bad(apr_pool_t *p, const apr_array_header_t *a, const char *t)
{
    const char *why = NULL, *got = sec_redirect_check(p, t, a, &why);
    ck_assert_msg(!got, "accepted \"%s\"", t ? t : "(null)");
    ck_assert_ptr_nonnull(why);
}

START_TEST(local_paths)
{
    apr_pool_t *p = unit_pool();

    good(p, NULL, "/");
    good(p, NULL, "/admin/");
    good(p, NULL, "/admin/page.php?id=3&x=%2F#top");
    good(p, NULL, "/a/b/../c");
    good(p, NULL, "/my%20file");
    good(p, NULL, "/caf%C3%A9");
    good(p, NULL, "/search?q=http://example.com");
    good(p, NULL, "/a//b");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(open_redirect_tricks)
{
    apr_pool_t *p = unit_pool();
    const char *const origins[] = {"https://app.example.com", NULL};
    apr_array_header_t *a = allow(p, origins);
    static const char *const tricks[] = {
        "//evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
        "https:evil.example", "http:/evil.example", "https:/\\evil.example",
        "javascript:alert(1)", "data:text/html,x", "JavaScript:alert(1)",
        "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%252F%252Fevil.example",
        "/%25252F%25252Fevil.example",
        "/x%0d%0aSet-Cookie:a=b", "/x%0D%0ALocation:x", "/x%00", "/x%09", "/%7f",
        "/x\r\nSet-Cookie: a=b", "/x\ny", "/\t/evil.example", "/ evil", "/caf\xc3\xa9",
        "evil.example", "", "relative/path", "?x=1", "#frag", ".", "..",
        "https://evil.example/", "https://app.example.com.evil.example/",
        "https://app.example.com@evil.example/", "https://evil.example\\@app.example.com/",
        "http://app.example.com/",            /* another scheme: another origin */
        "https://app.example.com:8443/",      /* another port */
        "https://app.example.com/%0d%0ax", "https://app.example.com\\",
        "ftp://app.example.com/",
        NULL
    };
    int i;

    for (i = 0; tricks[i]; i++) {
        bad(p, a, tricks[i]);
    }
    bad(p, NULL, NULL);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(allowed_origins)
{
    apr_pool_t *p = unit_pool();
    const char *const origins[] = {"https://app.example.com", "https://*.corp.example", NULL};
    apr_array_header_t *a = allow(p, origins);

    good(p, a, "https://app.example.com/");
    good(p, a, "https://APP.example.com/dash?x=1");
    good(p, a, "https://app.example.com");
    good(p, a, "https://app.example.com:443/x");
    good(p, a, "https://wiki.corp.example/page");
    bad(p, a, "https://corp.example/");
    bad(p, NULL, "https://app.example.com/");
    bad(p, apr_array_make(p, 1, sizeof(sec_origin_pattern_t)), "https://app.example.com/");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(length_limit)
{
    apr_pool_t *p = unit_pool();
    char *t = apr_palloc(p, SEC_REDIRECT_MAX + 2);

    memset(t, 'a', SEC_REDIRECT_MAX + 1);
    t[0] = '/';
    t[SEC_REDIRECT_MAX] = '\0';
    good(p, NULL, t);
    t[SEC_REDIRECT_MAX] = 'a';
    t[SEC_REDIRECT_MAX + 1] = '\0';
    bad(p, NULL, t);
    apr_pool_destroy(p);
}
END_TEST

Suite *session_redirect_suite(void)
{
    Suite *s = suite_create("session_redirect");
    TCase *tc = tcase_create("redirect");

    tcase_add_test(tc, local_paths);
    tcase_add_test(tc, open_redirect_tricks);
    tcase_add_test(tc, allowed_origins);
    tcase_add_test(tc, length_limit);
    suite_add_tcase(s, tc);
    return s;
}
