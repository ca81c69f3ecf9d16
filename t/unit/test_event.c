/* sec_event: audit event JSON lines. */
#include <string.h>
#include <apr_strings.h>
#include <jansson.h>
#include "unit.h"
#include "sec_event.h"

static json_t *parse_line(const char *line)
{
    json_error_t e;
    apr_size_t n;
    json_t *j;

    ck_assert_ptr_nonnull(line);
    n = strlen(line);
    ck_assert_msg(n > 1 && line[n - 1] == '\n', "line does not end in \\n: %s", line);
    ck_assert_msg(memchr(line, '\n', n - 1) == NULL, "more than one line: %s", line);
    ck_assert_msg(memchr(line, '\r', n) == NULL, "CR in line: %s", line);
    j = json_loads(line, 0, &e);
    ck_assert_msg(j && json_is_object(j), "not a JSON object (%s): %s", e.text, line);
    return j;
}

static const char *jstr(json_t *j, const char *k)
{
    json_t *v = json_object_get(j, k);
    ck_assert_msg(v && json_is_string(v), "field %s missing or not a string", k);
    return json_string_value(v);
}

static sec_event_t base_event(void)
{
    sec_event_t ev;

    memset(&ev, 0, sizeof(ev));
    /* 2026-11-22T08:14:14.123456Z */
    ev.time = apr_time_from_sec(1795335254) + 123456;
    ev.request_id = "rid-1";
    ev.module = "secratelimit";
    ev.event = "ratelimit.deny";
    ev.client_ip = "192.0.2.77";
    ev.user = "bob";
    ev.method = "POST";
    ev.path = "/login";
    ev.outcome = "deny";
    ev.reason = "rate";
    return ev;
}

START_TEST(line_has_fields)
{
    apr_pool_t *p = unit_pool();
    sec_event_t ev = base_event();
    json_t *j = parse_line(sec_event_json_line(p, &ev, NULL));

    ck_assert_str_eq(jstr(j, "time"), "2026-11-22T08:14:14.123Z");
    ck_assert_str_eq(jstr(j, "requestId"), "rid-1");
    ck_assert_str_eq(jstr(j, "module"), "secratelimit");
    ck_assert_str_eq(jstr(j, "event"), "ratelimit.deny");
    ck_assert_str_eq(jstr(j, "clientIp"), "192.0.2.77");
    ck_assert_str_eq(jstr(j, "user"), "bob");
    ck_assert_str_eq(jstr(j, "method"), "POST");
    ck_assert_str_eq(jstr(j, "path"), "/login");
    ck_assert_str_eq(jstr(j, "outcome"), "deny");
    ck_assert_str_eq(jstr(j, "reason"), "rate");
    ck_assert_int_eq((int)json_object_size(j), 10);
    json_decref(j);

    /* absent fields are left out, time defaults to now */
    memset(&ev, 0, sizeof(ev));
    ev.event = "x";
    j = parse_line(sec_event_json_line(p, &ev, NULL));
    ck_assert_str_eq(jstr(j, "event"), "x");
    ck_assert_ptr_nonnull(json_object_get(j, "time"));
    ck_assert_uint_eq(strlen(jstr(j, "time")), 24);
    ck_assert_ptr_null(json_object_get(j, "user"));
    ck_assert_ptr_null(json_object_get(j, "clientIp"));
    ck_assert_ptr_null(json_object_get(j, "path"));
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(path_loses_query)
{
    apr_pool_t *p = unit_pool();
    sec_event_t ev = base_event();
    char *line;
    json_t *j;

    ev.path = "/login?token=s3cr3t&next=/";
    line = sec_event_json_line(p, &ev, NULL);
    ck_assert_ptr_null(strstr(line, "s3cr3t"));
    j = parse_line(line);
    ck_assert_str_eq(jstr(j, "path"), "/login");
    json_decref(j);

    ev.path = "/a/b#frag?x=1";
    j = parse_line(sec_event_json_line(p, &ev, NULL));
    ck_assert_str_eq(jstr(j, "path"), "/a/b");
    json_decref(j);

    ev.path = "?only=query";
    j = parse_line(sec_event_json_line(p, &ev, NULL));
    ck_assert_str_eq(jstr(j, "path"), "");
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(email_masked)
{
    apr_pool_t *p = unit_pool();
    sec_event_t ev = base_event();
    char *line;
    json_t *j;

    ck_assert_str_eq(sec_mask_email(p, "alice@example.com"), "a***@example.com");
    ck_assert_str_eq(sec_mask_email(p, "b@example.org"), "b***@example.org");
    ck_assert_str_eq(sec_mask_email(p, "alice"), "alice");
    ck_assert_str_eq(sec_mask_email(p, "@example.com"), "@example.com");
    ck_assert_str_eq(sec_mask_email(p, "user@localhost"), "user@localhost");
    ck_assert_ptr_null(sec_mask_email(p, NULL));

    ev.user = "alice@example.com";
    line = sec_event_json_line(p, &ev, NULL);
    ck_assert_ptr_null(strstr(line, "alice"));
    j = parse_line(line);
    ck_assert_str_eq(jstr(j, "user"), "a***@example.com");
    json_decref(j);

    ev.user = "CN=svc-backup,O=Example";
    j = parse_line(sec_event_json_line(p, &ev, NULL));
    ck_assert_str_eq(jstr(j, "user"), "CN=svc-backup,O=Example");
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(truncate_ip_option)
{
    apr_pool_t *p = unit_pool();
    sec_event_t ev = base_event();
    sec_event_opts_t on = {1}, off = {0};
    json_t *j;

    j = parse_line(sec_event_json_line(p, &ev, &on));
    ck_assert_str_eq(jstr(j, "clientIp"), "192.0.2.0");
    json_decref(j);
    j = parse_line(sec_event_json_line(p, &ev, &off));
    ck_assert_str_eq(jstr(j, "clientIp"), "192.0.2.77");
    json_decref(j);
    ev.client_ip = "2001:db8:1:2::5";
    j = parse_line(sec_event_json_line(p, &ev, &on));
    ck_assert_str_eq(jstr(j, "clientIp"), "2001:db8:1::");
    json_decref(j);
    ev.client_ip = "not an ip";
    j = parse_line(sec_event_json_line(p, &ev, &on));
    ck_assert_str_eq(jstr(j, "clientIp"), "invalid");
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(secret_fields_dropped)
{
    apr_pool_t *p = unit_pool();
    sec_event_t ev = base_event();
    json_t *extra = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s}",
                              "password", "hunter2", "token", "tok-SECRET1",
                              "X-CSRF-Token", "csrf-SECRET2", "sessionId", "sess-SECRET3",
                              "apiKey", "key-SECRET4", "cookie", "c=SECRET5",
                              "Authorization", "Bearer SECRET6", "clientSecret", "SECRET7",
                              "retryAfter", 30, "limit", "10/min", "route", "/api");
    char *line;
    json_t *j;

    ev.extra = extra;
    line = sec_event_json_line(p, &ev, NULL);
    ck_assert_ptr_null(strstr(line, "hunter2"));
    ck_assert_msg(strstr(line, "SECRET") == NULL, "a secret leaked: %s", line);
    j = parse_line(line);
    ck_assert_ptr_null(json_object_get(j, "password"));
    ck_assert_ptr_null(json_object_get(j, "token"));
    ck_assert_ptr_null(json_object_get(j, "X-CSRF-Token"));
    ck_assert_ptr_null(json_object_get(j, "sessionId"));
    ck_assert_ptr_null(json_object_get(j, "apiKey"));
    ck_assert_ptr_null(json_object_get(j, "cookie"));
    ck_assert_ptr_null(json_object_get(j, "Authorization"));
    ck_assert_int_eq(json_integer_value(json_object_get(j, "retryAfter")), 30);
    ck_assert_str_eq(jstr(j, "limit"), "10/min");
    ck_assert_str_eq(jstr(j, "route"), "/api");
    json_decref(j);

    ck_assert_int_eq(sec_event_field_is_secret("password"), 1);
    ck_assert_int_eq(sec_event_field_is_secret("X-CSRF-Token"), 1);
    ck_assert_int_eq(sec_event_field_is_secret("SESSIONID"), 1);
    ck_assert_int_eq(sec_event_field_is_secret("apiKey"), 1);
    ck_assert_int_eq(sec_event_field_is_secret("Set-Cookie"), 1);
    ck_assert_int_eq(sec_event_field_is_secret("retryAfter"), 0);
    ck_assert_int_eq(sec_event_field_is_secret("limit"), 0);
    ck_assert_int_eq(sec_event_field_is_secret("status"), 0);
    /* the caller's object is borrowed */
    ck_assert_int_eq((int)json_object_size(extra), 11);
    json_decref(extra);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(extra_cannot_override_standard)
{
    apr_pool_t *p = unit_pool();
    sec_event_t ev = base_event();
    json_t *extra = json_pack("{s:s,s:s,s:s}", "outcome", "allow", "user", "admin", "x", "y");
    json_t *j;

    ev.extra = extra;
    j = parse_line(sec_event_json_line(p, &ev, NULL));
    ck_assert_str_eq(jstr(j, "outcome"), "deny");
    ck_assert_str_eq(jstr(j, "user"), "bob");
    ck_assert_str_eq(jstr(j, "x"), "y");
    json_decref(j);
    json_decref(extra);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(invalid_utf8_and_control_chars)
{
    apr_pool_t *p = unit_pool();
    sec_event_t ev = base_event();
    char *line;
    json_t *j;
    const unsigned char *c;

    ev.user = "m\xc3\x28llory\xff";
    ev.path = "/caf\xe9/\x80\x81?q=\xff";
    ev.method = "GE\nT";
    ev.reason = "line1\r\nline2\t\"quoted\"";
    line = sec_event_json_line(p, &ev, NULL);
    for (c = (const unsigned char *)line; *c; c++) {
        ck_assert_msg(*c < 0x80, "non-ASCII byte in %s", line);
    }
    j = parse_line(line);
    ck_assert_ptr_nonnull(json_object_get(j, "user"));
    ck_assert_uint_eq(strlen(jstr(j, "user")), 9);
    ck_assert_ptr_nonnull(strstr(jstr(j, "user"), "llory"));
    ck_assert_ptr_nonnull(json_object_get(j, "path"));
    ck_assert_msg(!strncmp(jstr(j, "path"), "/caf", 4), "path %s", jstr(j, "path"));
    ck_assert_str_eq(jstr(j, "method"), "GE\nT");
    ck_assert_str_eq(jstr(j, "reason"), "line1\r\nline2\t\"quoted\"");
    json_decref(j);

    /* a masked e-mail whose first character is multi-byte UTF-8 */
    ev.user = "\xc3\xa9lise@example.com";
    line = sec_event_json_line(p, &ev, NULL);
    j = parse_line(line);
    ck_assert_ptr_nonnull(strstr(jstr(j, "user"), "***@example.com"));
    ck_assert_ptr_null(strstr(jstr(j, "user"), "lise"));
    json_decref(j);
    apr_pool_destroy(p);
}
END_TEST

Suite *event_suite(void)
{
    Suite *s = suite_create("event");
    TCase *tc = tcase_create("event");

    tcase_add_test(tc, line_has_fields);
    tcase_add_test(tc, path_loses_query);
    tcase_add_test(tc, email_masked);
    tcase_add_test(tc, truncate_ip_option);
    tcase_add_test(tc, secret_fields_dropped);
    tcase_add_test(tc, extra_cannot_override_standard);
    tcase_add_test(tc, invalid_utf8_and_control_chars);
    suite_add_tcase(s, tc);
    return s;
}
