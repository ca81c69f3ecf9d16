/* sec_reqid: validation and generation of request ids. */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_reqid.h"
#include "sec_crypto.h"

START_TEST(valid_ids)
{
    char buf[SEC_REQID_MAX + 2];

    ck_assert_int_eq(sec_reqid_valid("a"), 1);
    ck_assert_int_eq(sec_reqid_valid("Zb3-_x"), 1);
    ck_assert_int_eq(sec_reqid_valid("req.1:node@host+x=y-z_"), 1);
    ck_assert_int_eq(sec_reqid_valid("550e8400-e29b-41d4-a716-446655440000"), 1);
    memset(buf, 'x', SEC_REQID_MAX);
    buf[SEC_REQID_MAX] = '\0';
    ck_assert_int_eq(sec_reqid_valid(buf), 1);           /* 128 */
    buf[SEC_REQID_MAX] = 'x';
    buf[SEC_REQID_MAX + 1] = '\0';
    ck_assert_int_eq(sec_reqid_valid(buf), 0);           /* 129 */
}
END_TEST

START_TEST(invalid_ids)
{
    ck_assert_int_eq(sec_reqid_valid(NULL), 0);
    ck_assert_int_eq(sec_reqid_valid(""), 0);
    ck_assert_int_eq(sec_reqid_valid("has space"), 0);
    ck_assert_int_eq(sec_reqid_valid("cr\r"), 0);
    ck_assert_int_eq(sec_reqid_valid("lf\nX-Injected: 1"), 0);
    ck_assert_int_eq(sec_reqid_valid("quo\"te"), 0);
    ck_assert_int_eq(sec_reqid_valid("apos'"), 0);
    ck_assert_int_eq(sec_reqid_valid("tab\t"), 0);
    ck_assert_int_eq(sec_reqid_valid("semi;colon"), 0);
    ck_assert_int_eq(sec_reqid_valid("comma,"), 0);
    ck_assert_int_eq(sec_reqid_valid("<script>"), 0);
    ck_assert_int_eq(sec_reqid_valid("back\\slash"), 0);
    ck_assert_int_eq(sec_reqid_valid("utf8\xc3\xa9"), 0);
    ck_assert_int_eq(sec_reqid_valid("del\x7f"), 0);
}
END_TEST

START_TEST(generate)
{
    apr_pool_t *p = unit_pool();
    char *a = sec_reqid_generate(p), *b = sec_reqid_generate(p);
    unsigned char *raw;
    apr_size_t rawlen;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(strlen(a), 22);
    ck_assert_uint_eq(strlen(b), 22);
    ck_assert_int_eq(sec_reqid_valid(a), 1);
    ck_assert_int_eq(sec_reqid_valid(b), 1);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(sec_base64url_decode(p, a, 22, &raw, &rawlen), APR_SUCCESS);
    ck_assert_uint_eq(rawlen, 16);
    apr_pool_destroy(p);
}
END_TEST

Suite *reqid_suite(void)
{
    Suite *s = suite_create("reqid");
    TCase *tc = tcase_create("reqid");

    tcase_add_test(tc, valid_ids);
    tcase_add_test(tc, invalid_ids);
    tcase_add_test(tc, generate);
    suite_add_tcase(s, tc);
    return s;
}
