/* sec_csrf: the layered decision (every branch, table-driven), tokens and
 * form-action checks. */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_csrf.h"
#include "sec_crypto.h"

#define SELF "http://app.example:8080"

typedef struct {
    const char *method, *fetch_site, *origin, *referer;
    int no_origin_refuse;
    sec_csrf_token_state_e token;
    sec_csrf_verdict_e verdict;
    const char *reason, *check;
    unsigned read;
} decide_case_t;

#define FS SEC_CSRF_READ_FETCH_SITE
#define OR SEC_CSRF_READ_ORIGIN
#define RF SEC_CSRF_READ_REFERER
#define U SEC_CSRF_TOKEN_UNCHECKED
#define PASS SEC_CSRF_PASS
#define REFUSE SEC_CSRF_REFUSE
#define NEED SEC_CSRF_NEED_TOKEN

static const decide_case_t decide_cases[] = {
    /* safe methods: nothing read */
    {"GET", "cross-site", "https://evil.example", NULL, 0, U, PASS, "safe-method", "method", 0},
    {"HEAD", "cross-site", NULL, NULL, 1, U, PASS, "safe-method", "method", 0},
    {"OPTIONS", NULL, "null", NULL, 0, U, PASS, "safe-method", "method", 0},
    {"TRACE", NULL, NULL, NULL, 0, U, PASS, "safe-method", "method", 0},
    /* methods are case-sensitive: "get" is not GET */
    {"get", "cross-site", NULL, NULL, 0, U, REFUSE, "cross-site", "fetch-metadata", FS},
    {NULL, "cross-site", NULL, NULL, 0, U, REFUSE, "cross-site", "fetch-metadata", FS},
    /* 1. Fetch Metadata */
    {"POST", "same-origin", NULL, NULL, 0, U, PASS, "same-origin", "fetch-metadata", FS},
    {"PUT", "same-origin", "https://evil.example", NULL, 0, U, PASS, "same-origin", "fetch-metadata", FS},
    {"POST", "none", NULL, NULL, 0, U, PASS, "user-initiated", "fetch-metadata", FS},
    {"DELETE", "cross-site", SELF, SELF "/x", 0, SEC_CSRF_TOKEN_OK, REFUSE, "cross-site", "fetch-metadata", FS},
    {"POST", "cross-site", "http://partner.example:8080", NULL, 0, U, REFUSE, "cross-site", "fetch-metadata", FS},
    {"POST", "same-site", "https://a.example.com", NULL, 0, U, PASS, "trusted-origin", "fetch-metadata", FS | OR},
    {"POST", "same-site", "https://b.a.example.com", NULL, 0, U, PASS, "trusted-origin", "fetch-metadata", FS | OR},
    {"POST", "same-site", "https://example.com", NULL, 0, U, REFUSE, "same-site", "fetch-metadata", FS | OR},
    {"POST", "same-site", "http://a.example.com", NULL, 0, U, REFUSE, "same-site", "fetch-metadata", FS | OR},
    {"POST", "same-site", NULL, NULL, 0, U, REFUSE, "same-site", "fetch-metadata", FS | OR},
    {"POST", "same-site", "null", NULL, 0, U, REFUSE, "same-site", "fetch-metadata", FS | OR},
    {"POST", "same-site", "garbage", NULL, 0, U, REFUSE, "same-site", "fetch-metadata", FS | OR},
    {"POST", "SAME-ORIGIN", NULL, NULL, 0, U, PASS, "same-origin", "fetch-metadata", FS},
    /* an unknown value is ignored: the next layers decide */
    {"POST", "same-planet", SELF, NULL, 0, U, PASS, "origin", "origin", FS | OR},
    {"POST", "same-origin, cross-site", "https://evil.example", NULL, 0, U, REFUSE, "bad-origin", "origin", FS | OR},
    {"POST", "", NULL, NULL, 0, U, NEED, NULL, "token", FS | OR | RF},
    /* 2. Origin */
    {"POST", NULL, SELF, NULL, 0, U, PASS, "origin", "origin", FS | OR},
    {"POST", NULL, "HTTP://APP.example:8080", NULL, 0, U, PASS, "origin", "origin", FS | OR},
    {"POST", NULL, "http://app.example", NULL, 0, U, REFUSE, "bad-origin", "origin", FS | OR},
    {"POST", NULL, "https://app.example:8080", NULL, 0, U, REFUSE, "bad-origin", "origin", FS | OR},
    {"POST", NULL, "http://partner.example:8080", NULL, 0, U, PASS, "trusted-origin", "origin", FS | OR},
    {"POST", NULL, "https://x.example.com", NULL, 1, U, PASS, "trusted-origin", "origin", FS | OR},
    {"POST", NULL, "https://evil.example", SELF "/", 0, SEC_CSRF_TOKEN_OK, REFUSE, "bad-origin", "origin", FS | OR},
    {"POST", NULL, "null", SELF "/", 0, U, REFUSE, "bad-origin", "origin", FS | OR},
    {"POST", NULL, SELF "/", NULL, 0, U, REFUSE, "bad-origin", "origin", FS | OR},
    {"POST", NULL, "", NULL, 0, U, REFUSE, "bad-origin", "origin", FS | OR},
    {"POST", NULL, SELF ", " SELF, NULL, 0, U, REFUSE, "bad-origin", "origin", FS | OR},
    /* 3. Referer, then the token */
    {"POST", NULL, NULL, SELF "/form?a=1#f", 0, U, PASS, "referer", "referer", FS | OR | RF},
    {"POST", NULL, NULL, "http://app.example:8080", 0, U, PASS, "referer", "referer", FS | OR | RF},
    {"POST", NULL, NULL, "http://app.example:8081/", 0, U, NEED, NULL, "token", FS | OR | RF},
    {"POST", NULL, NULL, "http://partner.example:8080/", 0, U, NEED, NULL, "token", FS | OR | RF},
    {"POST", NULL, NULL, "not a url", 0, SEC_CSRF_TOKEN_ABSENT, REFUSE, "missing-token", "token", FS | OR | RF},
    {"POST", NULL, NULL, NULL, 0, U, NEED, NULL, "token", FS | OR | RF},
    {"POST", NULL, NULL, NULL, 0, SEC_CSRF_TOKEN_OK, PASS, "token", "token", FS | OR | RF},
    {"POST", NULL, NULL, NULL, 0, SEC_CSRF_TOKEN_BAD, REFUSE, "bad-token", "token", FS | OR | RF},
    {"POST", NULL, NULL, NULL, 0, SEC_CSRF_TOKEN_ABSENT, REFUSE, "missing-token", "token", FS | OR | RF},
    {"POST", NULL, NULL, "https://evil.example/", 0, SEC_CSRF_TOKEN_OK, PASS, "token", "token", FS | OR | RF},
    /* refused outright by option: a token does not help */
    {"POST", NULL, NULL, NULL, 1, SEC_CSRF_TOKEN_OK, REFUSE, "no-origin", "referer", FS | OR | RF},
    {"PATCH", NULL, NULL, SELF "/", 1, U, PASS, "referer", "referer", FS | OR | RF},
};

START_TEST(decide_table)
{
    const decide_case_t *c = &decide_cases[_i];
    apr_pool_t *p = unit_pool();
    apr_array_header_t *trusted = apr_array_make(p, 2, sizeof(sec_origin_pattern_t));
    sec_origin_t self;
    sec_csrf_input_t in;
    sec_csrf_result_t out;
    const char *err = NULL;

    ck_assert_int_eq(sec_origin_parse(p, SELF, &self), APR_SUCCESS);
    ck_assert_int_eq(sec_origin_pattern_parse(p, "https://*.example.com", apr_array_push(trusted), &err),
                     APR_SUCCESS);
    ck_assert_int_eq(sec_origin_pattern_parse(p, "http://partner.example:8080", apr_array_push(trusted), &err),
                     APR_SUCCESS);
    memset(&in, 0, sizeof(in));
    in.method = c->method;
    in.fetch_site = c->fetch_site;
    in.origin = c->origin;
    in.referer = c->referer;
    in.self = &self;
    in.trusted = trusted;
    in.no_origin_refuse = c->no_origin_refuse;
    in.token = c->token;
    sec_csrf_decide(p, &in, &out);
    ck_assert_msg(out.verdict == c->verdict, "case %d: verdict %d, want %d", _i, out.verdict, c->verdict);
    if (c->reason) {
        ck_assert_ptr_nonnull(out.reason);
        ck_assert_msg(!strcmp(out.reason, c->reason), "case %d: reason %s, want %s", _i, out.reason,
                      c->reason);
    }
    else {
        ck_assert_ptr_null(out.reason);
    }
    ck_assert_msg(!strcmp(out.check, c->check), "case %d: check %s, want %s", _i, out.check, c->check);
    ck_assert_msg(out.read == c->read, "case %d: read %u, want %u", _i, out.read, c->read);
    apr_pool_destroy(p);
}
END_TEST

/* Without a known own origin nothing is same-origin, but Fetch Metadata
 * still decides. */
START_TEST(decide_no_self)
{
    apr_pool_t *p = unit_pool();
    sec_csrf_input_t in;
    sec_csrf_result_t out;

    memset(&in, 0, sizeof(in));
    in.method = "POST";
    in.origin = SELF;
    sec_csrf_decide(p, &in, &out);
    ck_assert_int_eq(out.verdict, SEC_CSRF_REFUSE);
    ck_assert_str_eq(out.reason, "bad-origin");
    in.origin = NULL;
    in.referer = SELF "/";
    sec_csrf_decide(p, &in, &out);
    ck_assert_int_eq(out.verdict, SEC_CSRF_NEED_TOKEN);
    in.fetch_site = "same-origin";
    sec_csrf_decide(p, &in, &out);
    ck_assert_int_eq(out.verdict, SEC_CSRF_PASS);
    apr_pool_destroy(p);
}
END_TEST

static sec_keyring_t *test_keyring(apr_pool_t *p, const char *text)
{
    sec_keyring_t *kr = NULL;
    const char *err = NULL;

    ck_assert_int_eq(sec_keyring_parse(p, text, strlen(text), &kr, &err), APR_SUCCESS);
    return kr;
}

#define K1 "key k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n"
#define K2 "key k2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8\n"

START_TEST(token_roundtrip)
{
    apr_pool_t *p = unit_pool();
    sec_keyring_t *kr = test_keyring(p, K1 K2 "current k1\n");
    char *t = sec_csrf_token_make(p, kr, "p:abc"), *t2 = sec_csrf_token_make(p, kr, "p:abc");
    apr_size_t i;

    ck_assert_ptr_nonnull(t);
    ck_assert_str_ne(t, t2);                      /* a fresh random part each time */
    ck_assert_int_eq(strncmp(t, "k1.", 3), 0);
    ck_assert_uint_eq(strlen(t), 3 + 22 + 1 + 43);
    for (i = 0; t[i]; i++) {
        ck_assert_msg(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", t[i]),
                      "token character %c", t[i]);
    }
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "p:abc", t, strlen(t)), SEC_CSRF_TOKEN_VALID);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "p:abc", t2, strlen(t2)), SEC_CSRF_TOKEN_VALID);
    /* bound: another binding, session or pre-session, is refused */
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "p:abd", t, strlen(t)), SEC_CSRF_TOKEN_MISMATCH);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:abc", t, strlen(t)), SEC_CSRF_TOKEN_MISMATCH);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "p:ab", t, strlen(t)), SEC_CSRF_TOKEN_MISMATCH);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, NULL, t, strlen(t)), SEC_CSRF_TOKEN_MISMATCH);
    /* explicit length: trailing bytes are part of the token */
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "p:abc", apr_pstrcat(p, t, "x", NULL), strlen(t) + 1),
                     SEC_CSRF_TOKEN_MALFORMED);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "p:abc", apr_pstrcat(p, t, "x", NULL), strlen(t)),
                     SEC_CSRF_TOKEN_VALID);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(token_tampering)
{
    apr_pool_t *p = unit_pool();
    sec_keyring_t *kr = test_keyring(p, K1 K2 "current k1\n");
    sec_keyring_t *k2only = test_keyring(p, K2 "current k2\n");
    sec_keyring_t *rotated = test_keyring(p, K1 K2 "current k2\n");
    char *t = sec_csrf_token_make(p, kr, "s:ref"), *m;
    apr_size_t i, n = strlen(t);

    /* every single-character change is refused */
    for (i = 0; i < n; i++) {
        m = apr_pstrdup(p, t);
        m[i] = m[i] == 'A' ? 'B' : 'A';
        ck_assert_int_ne(sec_csrf_token_verify(p, kr, "s:ref", m, n), SEC_CSRF_TOKEN_VALID);
    }
    /* swapped key id: the MAC was made with k1 */
    m = apr_pstrcat(p, "k2", t + 2, NULL);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", m, strlen(m)), SEC_CSRF_TOKEN_MISMATCH);
    /* a retired key */
    ck_assert_int_eq(sec_csrf_token_verify(p, k2only, "s:ref", t, n), SEC_CSRF_TOKEN_UNKNOWN_KEY);
    /* rotation: k1 is no longer current but still in the file */
    ck_assert_int_eq(sec_csrf_token_verify(p, rotated, "s:ref", t, n), SEC_CSRF_TOKEN_VALID);
    ck_assert_int_eq(strncmp(sec_csrf_token_make(p, rotated, "s:ref"), "k2.", 3), 0);
    /* malformed shapes */
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", "", 0), SEC_CSRF_TOKEN_MALFORMED);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", NULL, 0), SEC_CSRF_TOKEN_MALFORMED);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", "k1", 2), SEC_CSRF_TOKEN_MALFORMED);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", "k1..", 4), SEC_CSRF_TOKEN_MALFORMED);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", ".a.b", 4), SEC_CSRF_TOKEN_MALFORMED);
    m = apr_pstrcat(p, t, ".x", NULL);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", m, strlen(m)), SEC_CSRF_TOKEN_MALFORMED);
    m = apr_pstrcat(p, "k!", t + 2, NULL);
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", m, strlen(m)), SEC_CSRF_TOKEN_MALFORMED);
    m = apr_pstrdup(p, t);
    m[5] = '\0';
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", m, n), SEC_CSRF_TOKEN_MALFORMED);
    m = apr_palloc(p, SEC_CSRF_TOKEN_MAX + 2);
    memset(m, 'a', SEC_CSRF_TOKEN_MAX + 1);
    m[SEC_CSRF_TOKEN_MAX + 1] = '\0';
    ck_assert_int_eq(sec_csrf_token_verify(p, kr, "s:ref", m, strlen(m)), SEC_CSRF_TOKEN_MALFORMED);
    ck_assert_str_eq(sec_csrf_token_status_name(SEC_CSRF_TOKEN_MISMATCH), "mismatch");
    ck_assert_str_eq(sec_csrf_token_status_name(SEC_CSRF_TOKEN_UNKNOWN_KEY), "unknown-key");
    /* no current key: nothing is made */
    ck_assert_ptr_null(sec_csrf_token_make(p, sec_keyring_make(p), "s:ref"));
    ck_assert_ptr_null(sec_csrf_token_make(p, NULL, "s:ref"));
    ck_assert_int_eq(sec_csrf_token_verify(p, NULL, "s:ref", t, n), SEC_CSRF_TOKEN_UNKNOWN_KEY);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(presession)
{
    apr_pool_t *p = unit_pool();
    char *a = sec_csrf_presession_make(p), *b = sec_csrf_presession_make(p);

    ck_assert_uint_eq(strlen(a), SEC_CSRF_PRESESSION_LEN);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(sec_csrf_presession_valid(a), 1);
    ck_assert_int_eq(sec_csrf_presession_valid("AAAAAAAAAAAAAAAAAAAAA-"), 1);
    ck_assert_int_eq(sec_csrf_presession_valid("AAAAAAAAAAAAAAAAAAAAA"), 0);
    ck_assert_int_eq(sec_csrf_presession_valid("AAAAAAAAAAAAAAAAAAAAAAA"), 0);
    ck_assert_int_eq(sec_csrf_presession_valid("AAAAAAAAAAAAAAAAAAAAA="), 0);
    ck_assert_int_eq(sec_csrf_presession_valid("AAAAAAAAAAAAAAAAAAAA A"), 0);
    ck_assert_int_eq(sec_csrf_presession_valid(""), 0);
    ck_assert_int_eq(sec_csrf_presession_valid(NULL), 0);
    apr_pool_destroy(p);
}
END_TEST

typedef struct {
    const char *action;
    int base_cross;
    int same;
} action_case_t;

static const action_case_t action_cases[] = {
    {NULL, 0, 1}, {"", 0, 1}, {"   ", 0, 1}, {NULL, 1, 1}, {"", 1, 1},
    {"/save.php?id=1", 0, 1}, {"save.php", 0, 1}, {"?x=1", 0, 1}, {"#f", 0, 1},
    {"/save.php?id=1", 1, 0}, {"save.php", 1, 0},
    {SELF "/save", 0, 1}, {"HTTP://App.Example:8080/save", 0, 1}, {SELF, 1, 1},
    {"http://app.example/save", 0, 0}, {"https://app.example:8080/save", 0, 0},
    {"https://evil.example/", 0, 0}, {"//evil.example/x", 0, 0}, {"//app.example:8080/x", 0, 1},
    {"\\\\evil.example/x", 0, 0}, {"/\\evil.example/x", 0, 0}, {"\\/evil.example", 0, 0},
    {" \t//evil.example", 0, 0}, {"/\t/evil.example", 0, 0}, {"/\n/evil.example", 0, 0},
    {"&#47;&#47;evil.example", 0, 0}, {"&#x2F;&#x2f;evil.example", 0, 0}, {"&sol;&sol;evil.example", 0, 0},
    {"&#47&#47evil.example", 0, 0}, {"&unknown;x", 0, 0}, {"/a&b/c", 0, 0},
    {"/save.php?id=1&amp;b=2", 0, 1}, {"/save.php?id=1&b=2&unknown;", 0, 1},
    {"/save&quest;a=&unknown;", 0, 1}, {"/caf\xc3\xa9", 0, 0}, {"/x?caf\xc3\xa9", 0, 1},
    {"javascript:alert(1)", 0, 0}, {"JaVaScRiPt:x", 0, 0}, {"java\tscript:x", 0, 0},
    {"mailto:a@b", 0, 0}, {"data:text/html,x", 0, 0}, {"http:save", 0, 0},
    {"http://user@app.example:8080/", 0, 0}, {"http://app.example:8080@evil.example/", 0, 0},
    {"&#0;//evil.example", 0, 0}, {"a:b", 0, 0}, {"1a:b", 0, 1}, {"./x:y", 0, 1},
};

START_TEST(action_table)
{
    const action_case_t *c = &action_cases[_i];
    apr_pool_t *p = unit_pool();
    sec_origin_t self;

    ck_assert_int_eq(sec_origin_parse(p, SELF, &self), APR_SUCCESS);
    ck_assert_msg(sec_csrf_action_same_origin(p, c->action, &self, c->base_cross) == c->same,
                  "action '%s' base_cross %d: want %d", c->action ? c->action : "(null)",
                  c->base_cross, c->same);
    ck_assert_int_eq(sec_csrf_action_same_origin(p, c->action, NULL, c->base_cross), 0);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(base_cross)
{
    apr_pool_t *p = unit_pool();
    sec_origin_t self;

    ck_assert_int_eq(sec_origin_parse(p, SELF, &self), APR_SUCCESS);
    ck_assert_int_eq(sec_csrf_base_cross(p, NULL, &self), 0);
    ck_assert_int_eq(sec_csrf_base_cross(p, "", &self), 0);
    ck_assert_int_eq(sec_csrf_base_cross(p, "/static/", &self), 0);
    ck_assert_int_eq(sec_csrf_base_cross(p, SELF "/app/", &self), 0);
    ck_assert_int_eq(sec_csrf_base_cross(p, "https://cdn.example/", &self), 1);
    ck_assert_int_eq(sec_csrf_base_cross(p, "//cdn.example/", &self), 1);
    ck_assert_int_eq(sec_csrf_base_cross(p, "javascript:x", &self), 1);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(methods)
{
    ck_assert_int_eq(sec_csrf_method_protected("GET"), 0);
    ck_assert_int_eq(sec_csrf_method_protected("HEAD"), 0);
    ck_assert_int_eq(sec_csrf_method_protected("OPTIONS"), 0);
    ck_assert_int_eq(sec_csrf_method_protected("TRACE"), 0);
    ck_assert_int_eq(sec_csrf_method_protected("POST"), 1);
    ck_assert_int_eq(sec_csrf_method_protected("PUT"), 1);
    ck_assert_int_eq(sec_csrf_method_protected("DELETE"), 1);
    ck_assert_int_eq(sec_csrf_method_protected("PATCH"), 1);
    ck_assert_int_eq(sec_csrf_method_protected("PROPFIND"), 1);
    ck_assert_int_eq(sec_csrf_method_protected("Get"), 1);
    ck_assert_int_eq(sec_csrf_method_protected(""), 1);
}
END_TEST

Suite *csrf_suite(void)
{
    Suite *s = suite_create("csrf");
    TCase *tc = tcase_create("csrf");

    tcase_add_loop_test(tc, decide_table, 0, sizeof(decide_cases) / sizeof(decide_cases[0]));
    tcase_add_test(tc, decide_no_self);
    tcase_add_test(tc, token_roundtrip);
    tcase_add_test(tc, token_tampering);
    tcase_add_test(tc, presession);
    tcase_add_loop_test(tc, action_table, 0, sizeof(action_cases) / sizeof(action_cases[0]));
    tcase_add_test(tc, base_cross);
    tcase_add_test(tc, methods);
    suite_add_tcase(s, tc);
    return s;
}
