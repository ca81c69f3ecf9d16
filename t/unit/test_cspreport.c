/* sec_cspreport: both report formats, secrets stripped, bad bodies refused. */
#include <string.h>
#include "unit.h"
#include "sec_cspreport.h"

START_TEST(content_types)
{
    ck_assert_int_eq(sec_cspreport_kind("application/csp-report"), SEC_CSPREPORT_URI);
    ck_assert_int_eq(sec_cspreport_kind("Application/CSP-Report; charset=utf-8"), SEC_CSPREPORT_URI);
    ck_assert_int_eq(sec_cspreport_kind("application/reports+json"), SEC_CSPREPORT_API);
    ck_assert_int_eq(sec_cspreport_kind("application/json"), SEC_CSPREPORT_NONE);
    ck_assert_int_eq(sec_cspreport_kind("application/csp-reportx"), SEC_CSPREPORT_NONE);
    ck_assert_int_eq(sec_cspreport_kind(NULL), SEC_CSPREPORT_NONE);
}
END_TEST

START_TEST(clean_uri)
{
    apr_pool_t *p = unit_pool();
    char big[2000];

    ck_assert_str_eq(sec_cspreport_clean_uri(p, "https://ex.com/a?token=secret#frag"),
                     "https://ex.com/a");
    ck_assert_str_eq(sec_cspreport_clean_uri(p, "https://user:pw@ex.com/a?x"), "https://ex.com/a");
    ck_assert_str_eq(sec_cspreport_clean_uri(p, "https://a@b@ex.com"), "https://ex.com");
    ck_assert_str_eq(sec_cspreport_clean_uri(p, "inline"), "inline");
    ck_assert_str_eq(sec_cspreport_clean_uri(p, "/p\x01\xc3\xa9 x"), "/p%01%C3%A9%20x");
    /* an '@' after the authority is a path character, kept */
    ck_assert_str_eq(sec_cspreport_clean_uri(p, "https://ex.com/@me?x"), "https://ex.com/@me");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_uint_eq(strlen(sec_cspreport_clean_uri(p, big)), SEC_CSPREPORT_FIELD_MAX);
    ck_assert_ptr_null(sec_cspreport_clean_uri(p, NULL));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(report_uri_format)
{
    apr_pool_t *p = unit_pool();
    const char *body =
        "{\"csp-report\":{\"document-uri\":\"https://ex.com/page?session=abc\","
        "\"referrer\":\"https://other.example/?q=private\","
        "\"violated-directive\":\"script-src-elem 'self'\","
        "\"effective-directive\":\"script-src-elem\","
        "\"original-policy\":\"script-src 'nonce-SECRETNONCE'\",\"disposition\":\"enforce\","
        "\"blocked-uri\":\"https://evil.example/x.js?k=1\",\"line-number\":12,"
        "\"column-number\":3,\"source-file\":\"https://ex.com/app.js?v=2\",\"status-code\":200,"
        "\"script-sample\":\"alert(document.cookie)\"}}";
    apr_array_header_t *list;
    int skipped;
    const char *err = NULL;
    sec_cspreport_t *r;
    json_t *j;
    char *text;

    ck_assert_int_eq(sec_cspreport_parse(p, SEC_CSPREPORT_URI, body, strlen(body), 10, &list,
                                         &skipped, &err), APR_SUCCESS);
    ck_assert_int_eq(list->nelts, 1);
    r = &APR_ARRAY_IDX(list, 0, sec_cspreport_t);
    ck_assert_str_eq(r->document_uri, "https://ex.com/page");
    ck_assert_str_eq(r->blocked_uri, "https://evil.example/x.js");
    ck_assert_str_eq(r->effective_directive, "script-src-elem");
    ck_assert_str_eq(r->violated_directive, "script-src-elem");
    ck_assert_str_eq(r->disposition, "enforce");
    ck_assert_str_eq(r->source_file, "https://ex.com/app.js");
    ck_assert_int_eq(r->line, 12);
    ck_assert_int_eq(r->column, 3);
    ck_assert_int_eq(r->status_code, 200);
    j = sec_cspreport_json(r, SEC_CSPREPORT_URI);
    text = json_dumps(j, JSON_COMPACT);
    ck_assert_ptr_null(strstr(text, "SECRETNONCE"));
    ck_assert_ptr_null(strstr(text, "cookie"));
    ck_assert_ptr_null(strstr(text, "session"));
    ck_assert_ptr_null(strstr(text, "private"));
    ck_assert_ptr_nonnull(strstr(text, "\"format\":\"report-uri\""));
    free(text);
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(reporting_api_format)
{
    apr_pool_t *p = unit_pool();
    const char *body =
        "[{\"type\":\"csp-violation\",\"age\":10,\"url\":\"https://ex.com/?t=1\","
        "\"user_agent\":\"UA\",\"body\":{\"blockedURL\":\"inline\","
        "\"effectiveDirective\":\"style-src-attr\",\"disposition\":\"report\","
        "\"lineNumber\":\"not a number\",\"statusCode\":-4,\"sample\":\"x\"}},"
        "{\"type\":\"deprecation\",\"body\":{}},"
        "{\"type\":\"csp-violation\",\"body\":{\"documentURL\":\"https://ex.com/b\","
        "\"effectiveDirective\":\"SCRIPT SRC\"}},"
        "{\"type\":\"csp-violation\",\"body\":{}}]";
    apr_array_header_t *list;
    int skipped;
    const char *err = NULL;
    sec_cspreport_t *r;

    ck_assert_int_eq(sec_cspreport_parse(p, SEC_CSPREPORT_API, body, strlen(body), 2, &list,
                                         &skipped, &err), APR_SUCCESS);
    ck_assert_int_eq(list->nelts, 2);
    ck_assert_int_eq(skipped, 2);   /* the deprecation and the one over the limit */
    r = &APR_ARRAY_IDX(list, 0, sec_cspreport_t);
    ck_assert_str_eq(r->document_uri, "https://ex.com/");
    ck_assert_str_eq(r->blocked_uri, "inline");
    ck_assert_str_eq(r->effective_directive, "style-src-attr");
    ck_assert_str_eq(r->disposition, "report");
    ck_assert_int_eq(r->line, -1);
    ck_assert_int_eq(r->status_code, -1);
    r = &APR_ARRAY_IDX(list, 1, sec_cspreport_t);
    ck_assert_ptr_null(r->effective_directive);   /* not a directive token */
    apr_pool_destroy(p);
}
END_TEST

START_TEST(bad_bodies)
{
    apr_pool_t *p = unit_pool();
    apr_array_header_t *list;
    int skipped;
    const char *err;
    static const char *const uri_bad[] = {"", "{", "[]", "{\"csp-report\":3}", "null",
                                          "{\"a\":1,\"a\":2}", NULL};
    static const char *const api_bad[] = {"{}", "[", "\"x\"", NULL};
    int i;

    for (i = 0; uri_bad[i]; i++) {
        err = NULL;
        ck_assert_msg(sec_cspreport_parse(p, SEC_CSPREPORT_URI, uri_bad[i], strlen(uri_bad[i]),
                                          5, &list, &skipped, &err) == APR_EINVAL,
                      "accepted %s", uri_bad[i]);
        ck_assert_ptr_nonnull(err);
    }
    for (i = 0; api_bad[i]; i++) {
        err = NULL;
        ck_assert_int_eq(sec_cspreport_parse(p, SEC_CSPREPORT_API, api_bad[i], strlen(api_bad[i]),
                                             5, &list, &skipped, &err), APR_EINVAL);
    }
    ck_assert_int_eq(sec_cspreport_parse(p, SEC_CSPREPORT_NONE, "{}", 2, 5, &list, &skipped,
                                         &err), APR_EINVAL);
    /* embedded NUL: jansson refuses it unless allowed */
    ck_assert_int_eq(sec_cspreport_parse(p, SEC_CSPREPORT_URI, "{\"csp-report\":{}}\0x", 19, 5,
                                         &list, &skipped, &err), APR_EINVAL);
    apr_pool_destroy(p);
}
END_TEST

Suite *cspreport_suite(void)
{
    Suite *s = suite_create("cspreport");
    TCase *tc = tcase_create("cspreport");

    tcase_add_test(tc, content_types);
    tcase_add_test(tc, clean_uri);
    tcase_add_test(tc, report_uri_format);
    tcase_add_test(tc, reporting_api_format);
    tcase_add_test(tc, bad_bodies);
    suite_add_tcase(s, tc);
    return s;
}
