/* sec_envelope: the JSON and HTML error bodies. */
#include <string.h>
#include <apr_strings.h>
#include <jansson.h>
#include "unit.h"
#include "sec_envelope.h"

static json_t *load(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    ck_assert_msg(j != NULL, "not JSON (%s): %s", e.text, s);
    ck_assert_msg(json_is_object(j), "not an object: %s", s);
    return j;
}

static const char *jstr(json_t *j, const char *k)
{
    json_t *v = json_object_get(j, k);
    ck_assert_msg(v && json_is_string(v), "field %s missing or not a string", k);
    return json_string_value(v);
}

START_TEST(json_fields_and_extra)
{
    apr_pool_t *p = unit_pool();
    json_t *extra = json_pack("{s:i,s:s}", "retryAfter", 30, "limit", "10/min");
    sec_envelope_t e = {429, "Too many requests", "Rate limit exceeded. Try again later.",
                        "RATE_LIMITED", "req-123", extra};
    char *s = sec_envelope_json(p, &e);
    json_t *j;

    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_null(strchr(s, '\n'));
    j = load(s);
    ck_assert_str_eq(jstr(j, "error"), "Too many requests");
    ck_assert_str_eq(jstr(j, "message"), "Rate limit exceeded. Try again later.");
    ck_assert_str_eq(jstr(j, "code"), "RATE_LIMITED");
    ck_assert_str_eq(jstr(j, "requestId"), "req-123");
    ck_assert(json_is_integer(json_object_get(j, "status")));
    ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), 429);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "retryAfter")), 30);
    ck_assert_str_eq(jstr(j, "limit"), "10/min");
    ck_assert_int_eq((int)json_object_size(j), 7);
    /* the caller's object is borrowed, not consumed or changed */
    ck_assert_int_eq((int)json_object_size(extra), 2);
    ck_assert_int_eq((int)extra->refcount, 1);
    json_decref(j);
    json_decref(extra);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(extra_cannot_override)
{
    apr_pool_t *p = unit_pool();
    json_t *extra = json_pack("{s:s,s:s,s:s,s:i,s:s,s:b}", "error", "pwned", "message", "pwned",
                              "code", "PWNED", "status", 200, "requestId", "forged", "ok", 1);
    sec_envelope_t e = {403, NULL, "Forbidden here.", "FORBIDDEN", "rid-1", extra};
    json_t *j = load(sec_envelope_json(p, &e));

    ck_assert_str_eq(jstr(j, "error"), "Forbidden");
    ck_assert_str_eq(jstr(j, "message"), "Forbidden here.");
    ck_assert_str_eq(jstr(j, "code"), "FORBIDDEN");
    ck_assert_str_eq(jstr(j, "requestId"), "rid-1");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), 403);
    ck_assert(json_is_true(json_object_get(j, "ok")));
    json_decref(j);

    /* reserved fields the envelope leaves out can't be smuggled in either */
    {
        sec_envelope_t e2 = {503, NULL, NULL, NULL, NULL, extra};
        j = load(sec_envelope_json(p, &e2));
        ck_assert_str_eq(jstr(j, "error"), "Service Unavailable");
        ck_assert_int_eq(json_integer_value(json_object_get(j, "status")), 503);
        ck_assert_ptr_null(json_object_get(j, "message"));
        ck_assert_ptr_null(json_object_get(j, "code"));
        ck_assert_ptr_null(json_object_get(j, "requestId"));
        json_decref(j);
    }
    /* an extra that isn't an object is ignored */
    {
        json_t *arr = json_pack("[s]", "x");
        sec_envelope_t e3 = {400, NULL, "m", "BAD", NULL, arr};
        j = load(sec_envelope_json(p, &e3));
        ck_assert_int_eq((int)json_object_size(j), 4);
        json_decref(j);
        json_decref(arr);
    }
    json_decref(extra);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(status_reasons)
{
    ck_assert_str_eq(sec_status_reason(401), "Unauthorized");
    ck_assert_str_eq(sec_status_reason(403), "Forbidden");
    ck_assert_str_eq(sec_status_reason(429), "Too Many Requests");
    ck_assert_str_eq(sec_status_reason(503), "Service Unavailable");
    ck_assert_str_eq(sec_status_reason(400), "Bad Request");
    ck_assert_str_eq(sec_status_reason(418), "Error");
    ck_assert_str_eq(sec_status_reason(0), "Error");
    ck_assert_str_eq(sec_status_reason(-1), "Error");
}
END_TEST

START_TEST(json_is_ascii_and_slash_safe)
{
    apr_pool_t *p = unit_pool();
    sec_envelope_t e = {400, NULL, "caf\xc3\xa9 </script><script>alert(1)</script>", "BAD",
                        NULL, NULL};
    char *s = sec_envelope_json(p, &e);
    json_t *j;
    const unsigned char *c;

    ck_assert_ptr_null(strstr(s, "</script"));
    for (c = (const unsigned char *)s; *c; c++) {
        ck_assert_msg(*c < 0x80, "non-ASCII byte in %s", s);
    }
    j = load(s);
    ck_assert_str_eq(jstr(j, "message"), e.message);
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(html_escapes)
{
    apr_pool_t *p = unit_pool();
    sec_envelope_t e = {403, "<b>Denied</b>", "<script>alert('x')</script> & \"quoted\"",
                        "CODE<i>", "rid\"><script>evil()</script>", NULL};
    char *h = sec_envelope_html(p, &e);

    ck_assert_ptr_nonnull(h);
    ck_assert_ptr_null(strstr(h, "<script>"));
    ck_assert_ptr_null(strstr(h, "<b>"));
    ck_assert_ptr_null(strstr(h, "<i>"));
    ck_assert_ptr_null(strstr(h, "'x'"));
    ck_assert_ptr_null(strstr(h, "\"quoted\""));
    ck_assert_ptr_nonnull(strstr(h, "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; "
                                    "&quot;quoted&quot;"));
    ck_assert_ptr_nonnull(strstr(h, "rid&quot;&gt;&lt;script&gt;evil()&lt;/script&gt;"));
    ck_assert_ptr_nonnull(strstr(h, "&lt;b&gt;Denied&lt;/b&gt;"));
    ck_assert_ptr_nonnull(strstr(h, "403"));
    ck_assert_ptr_nonnull(strstr(h, "<!DOCTYPE html>"));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(html_defaults)
{
    apr_pool_t *p = unit_pool();
    sec_envelope_t e = {429, NULL, NULL, NULL, NULL, NULL};
    char *h = sec_envelope_html(p, &e);

    ck_assert_ptr_nonnull(strstr(h, "<title>429 Too Many Requests</title>"));
    ck_assert_ptr_nonnull(strstr(h, "<h1>Too Many Requests</h1>"));
    ck_assert_ptr_null(strstr(h, "request id"));
    ck_assert_ptr_null(strstr(h, "(null)"));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(html_escape_function)
{
    apr_pool_t *p = unit_pool();

    ck_assert_str_eq(sec_html_escape(p, "<>&\"'"), "&lt;&gt;&amp;&quot;&#x27;");
    ck_assert_str_eq(sec_html_escape(p, "plain text"), "plain text");
    ck_assert_str_eq(sec_html_escape(p, ""), "");
    ck_assert_str_eq(sec_html_escape(p, NULL), "");
    ck_assert_str_eq(sec_html_escape(p, "&amp;"), "&amp;amp;");
    apr_pool_destroy(p);
}
END_TEST

/* Text that is not valid UTF-8 (a message quoting attacker input) keeps its
 * field, with the offending bytes replaced, instead of vanishing. */
START_TEST(json_keeps_fields_with_invalid_utf8)
{
    apr_pool_t *p = unit_pool();
    sec_envelope_t e = {403, "Bad \xff title", "bad \xc3\x28 byte", "CODE\x80", "id\xfe", NULL};
    json_t *j = load(sec_envelope_json(p, &e));

    ck_assert_str_eq(jstr(j, "error"), "Bad ? title");
    ck_assert_str_eq(jstr(j, "message"), "bad ?( byte");
    ck_assert_str_eq(jstr(j, "code"), "CODE?");
    ck_assert_str_eq(jstr(j, "requestId"), "id?");
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

Suite *envelope_suite(void)
{
    Suite *s = suite_create("envelope");
    TCase *tc = tcase_create("envelope");

    tcase_add_test(tc, json_fields_and_extra);
    tcase_add_test(tc, extra_cannot_override);
    tcase_add_test(tc, status_reasons);
    tcase_add_test(tc, json_is_ascii_and_slash_safe);
    tcase_add_test(tc, html_escapes);
    tcase_add_test(tc, html_defaults);
    tcase_add_test(tc, html_escape_function);
    tcase_add_test(tc, json_keeps_fields_with_invalid_utf8);
    suite_add_tcase(s, tc);
    return s;
}
