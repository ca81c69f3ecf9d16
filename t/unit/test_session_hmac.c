/* Service-to-service signatures: timestamps, the signature header, the MAC
 * over "<timestamp>:<body>" (checked against openssl's own output). */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_session.h"

START_TEST(timestamps)
{
    apr_int64_t t;

    ck_assert_int_eq(sec_hmac_parse_timestamp("1700000000", &t), APR_SUCCESS);
    ck_assert(t == 1700000000);
    ck_assert_int_eq(sec_hmac_parse_timestamp("0", &t), APR_SUCCESS);
    ck_assert_int_eq(sec_hmac_parse_timestamp("999999999999", &t), APR_SUCCESS);
    ck_assert_int_eq(sec_hmac_parse_timestamp("1000000000000", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp("", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp(NULL, &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp("-5", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp("+5", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp(" 5", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp("5 ", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp("1.5", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp("0x10", &t), APR_EINVAL);
    ck_assert_int_eq(sec_hmac_parse_timestamp("2023-11-14T22:13:20Z", &t), APR_EINVAL);

    ck_assert_int_eq(sec_hmac_check_time(1000, 1000, 300, 60), SEC_HMAC_TIME_OK);
    ck_assert_int_eq(sec_hmac_check_time(700, 1000, 300, 60), SEC_HMAC_TIME_OK);
    ck_assert_int_eq(sec_hmac_check_time(699, 1000, 300, 60), SEC_HMAC_TIME_EXPIRED);
    ck_assert_int_eq(sec_hmac_check_time(1060, 1000, 300, 60), SEC_HMAC_TIME_OK);
    ck_assert_int_eq(sec_hmac_check_time(1061, 1000, 300, 60), SEC_HMAC_TIME_FUTURE);
    ck_assert_int_eq(sec_hmac_check_time(0, 1000, 300, 60), SEC_HMAC_TIME_EXPIRED);
}
END_TEST

/* printf '1700000000:{"a":1}' | openssl dgst -sha256 -hmac 'test-key' -binary | base64 */
#define KNOWN_SIG "OSWgGv8TrjVoHH02mZ3DLpIWhaptTbnzUsjetGPQmHw="

START_TEST(signatures)
{
    apr_pool_t *p = unit_pool();
    unsigned char mac[SEC_HMAC_LEN], parsed[SEC_HMAC_LEN];
    sec_buf_t body[3];
    char *s;

    body[0].data = "{\"a\"";
    body[0].len = 4;
    body[1].data = ":";
    body[1].len = 1;
    body[2].data = "1}";
    body[2].len = 2;
    sec_hmac_sign("test-key", 8, "1700000000", body, 3, mac);
    s = sec_hmac_signature_string(p, mac);
    ck_assert_str_eq(s, KNOWN_SIG);
    ck_assert_int_eq(sec_hmac_parse_signature(s, parsed), APR_SUCCESS);
    ck_assert(!memcmp(mac, parsed, sizeof(mac)));
    /* unpadded and base64url spellings of the same bytes */
    ck_assert_int_eq(sec_hmac_parse_signature(apr_pstrndup(p, s, 43), parsed), APR_SUCCESS);
    ck_assert(!memcmp(mac, parsed, sizeof(mac)));
    {
        char *u = apr_pstrndup(p, s, 43), *c;
        for (c = u; *c; c++) {
            if (*c == '+') *c = '-';
            if (*c == '/') *c = '_';
        }
        ck_assert_int_eq(sec_hmac_parse_signature(u, parsed), APR_SUCCESS);
        ck_assert(!memcmp(mac, parsed, sizeof(mac)));
    }
    /* an empty body signs "<ts>:" */
    sec_hmac_sign("test-key", 8, "1700000000", NULL, 0, mac);
    ck_assert_str_ne(sec_hmac_signature_string(p, mac), KNOWN_SIG);
    /* many pieces: same MAC as one */
    {
        sec_buf_t many[20];
        const char *text = "abcdefghijklmnopqrst";
        unsigned char one[SEC_HMAC_LEN];
        int i;
        for (i = 0; i < 20; i++) {
            many[i].data = text + i;
            many[i].len = 1;
        }
        sec_hmac_sign("k", 1, "1", many, 20, mac);
        body[0].data = text;
        body[0].len = 20;
        sec_hmac_sign("k", 1, "1", body, 1, one);
        ck_assert(!memcmp(mac, one, sizeof(mac)));
    }
    apr_pool_destroy(p);
}
END_TEST

START_TEST(bad_signatures)
{
    unsigned char mac[SEC_HMAC_LEN];
    static const char *bad[] = {
        "", "abc", KNOWN_SIG "=", KNOWN_SIG "A", "OSWgGv8TrjVoHH02mZ3DLpIWhaptTbnzUsjetGPQmH",
        /* mixed alphabets, stray characters, wrong padding, non-canonical bits */
        "OSWgGv8TrjVoHH02mZ3DLpIWhaptTbnzUsjetGP-mH/=",
        "OSWgGv8TrjVoHH02mZ3DLpIWhaptTbnzUsjetGP QmHw",
        "OSWgGv8TrjVoHH02mZ3DLpIWhaptTbnzUsjetGPQmHw*",
        "OSWgGv8TrjVoHH02mZ3DLpIWhaptTbnzUsjetGPQmHx=",
        "sha256=OSWgGv8TrjVoHH02mZ3DLpIWhaptTbnzUsjetGPQmHw=",
        NULL
    };
    int i;

    for (i = 0; bad[i]; i++) {
        ck_assert_msg(sec_hmac_parse_signature(bad[i], mac) != APR_SUCCESS, "accepted %s", bad[i]);
    }
    ck_assert(sec_hmac_parse_signature(NULL, mac) != APR_SUCCESS);
}
END_TEST

START_TEST(key_text)
{
    apr_pool_t *p = unit_pool();
    const char *text = "key h1 lzVikPg8ISQWZRCGnbvWoIDHgb1BXWQgFJ0qD8LFlB4\n";
    sec_keyring_t *kr = NULL;
    const char *err = NULL;

    ck_assert_int_eq(sec_keyring_parse(p, text, strlen(text), &kr, &err), APR_SUCCESS);
    ck_assert_str_eq(sec_hmac_key_text(p, kr->current), "lzVikPg8ISQWZRCGnbvWoIDHgb1BXWQgFJ0qD8LFlB4");
    apr_pool_destroy(p);
}
END_TEST

Suite *session_hmac_suite(void)
{
    Suite *s = suite_create("session_hmac");
    TCase *tc = tcase_create("hmac");

    tcase_add_test(tc, timestamps);
    tcase_add_test(tc, signatures);
    tcase_add_test(tc, bad_signatures);
    tcase_add_test(tc, key_text);
    suite_add_tcase(s, tc);
    return s;
}
