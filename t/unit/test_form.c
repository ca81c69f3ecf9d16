/* sec_form: the streaming form-field extractor. Every case is fed whole,
 * one byte at a time and in pseudo-random chunks (fixed seed): the result
 * must be the same. */
#include <string.h>
#include <stdlib.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_form.h"

#define MP "multipart/form-data; boundary=XyZ"

typedef struct {
    const char *ctype;
    const char *body;
    const char *field;
    int found;              /* expected: 1 found, 0 not */
    const char *value;      /* when found */
    int overlong;
} form_case_t;

static const form_case_t cases[] = {
    /* urlencoded */
    {"application/x-www-form-urlencoded", "_csrf=abc&x=1", "_csrf", 1, "abc", 0},
    {"application/x-www-form-urlencoded", "x=1&_csrf=abc", "_csrf", 1, "abc", 0},
    {"application/x-www-form-urlencoded; charset=UTF-8", "x=1&_csrf=a%2Eb.c", "_csrf", 1, "a.b.c", 0},
    {"Application/X-WWW-Form-URLEncoded", "_csrf=v", "_csrf", 1, "v", 0},
    {"application/x-www-form-urlencoded", "%5Fcsrf=enc", "_csrf", 1, "enc", 0},
    {"application/x-www-form-urlencoded", "_csr%66=enc2", "_csrf", 1, "enc2", 0},
    {"application/x-www-form-urlencoded", "_csrf=first&_csrf=second", "_csrf", 1, "first", 0},
    {"application/x-www-form-urlencoded", "a+b=1&_csrf=x+y", "_csrf", 1, "x y", 0},
    {"application/x-www-form-urlencoded", "_csrfx=1&x_csrf=2&_csr=3", "_csrf", 0, NULL, 0},
    {"application/x-www-form-urlencoded", "_csrfx=1&_csrf=ok", "_csrf", 1, "ok", 0},
    {"application/x-www-form-urlencoded", "", "_csrf", 0, NULL, 0},
    {"application/x-www-form-urlencoded", "&&&", "_csrf", 0, NULL, 0},
    {"application/x-www-form-urlencoded", "_csrf", "_csrf", 1, "", 0},
    {"application/x-www-form-urlencoded", "_csrf&x=1", "_csrf", 1, "", 0},
    {"application/x-www-form-urlencoded", "_csrf=", "_csrf", 1, "", 0},
    {"application/x-www-form-urlencoded", "x=%zz&_csrf=%4", "_csrf", 1, "%4", 0},
    {"application/x-www-form-urlencoded", "_csrf=%%41%4G", "_csrf", 1, "%A%4G", 0},
    {"application/x-www-form-urlencoded", "x=a=b&_csrf=c=d", "_csrf", 1, "c=d", 0},
    {"application/x-www-form-urlencoded", "_csrf=0123456789abcdefXYZ", "_csrf", 1, "0123456789abcdef", 1},
    {"application/x-www-form-urlencoded", "_csrf=%00z", "_csrf", 1, "", 0},  /* NUL ends the C string */
    /* multipart */
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n--XyZ--\r\n", "_csrf", 1, "tok", 0},
    {MP, "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ\r\n"
         "content-disposition: FORM-DATA; name=_csrf\r\nContent-Type: text/plain\r\n\r\ntok2\r\n--XyZ--",
     "_csrf", 1, "tok2", 0},
    /* the value may hold CRs, LFs and delimiter-like prefixes */
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\na\r\n--Xy\r\n--XyQ\r\r\n--XyZ\r\n", "_csrf", 1,
     "a\r\n--Xy\r\n--XyQ\r", 0},
    /* a file part of that name is not the token */
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"; filename=\"t.txt\"\r\n\r\nfile\r\n--XyZ\r\n"
         "Content-Disposition: form-data; name=\"_csrf\"\r\n\r\nreal\r\n--XyZ--\r\n", "_csrf", 1, "real", 0},
    {MP, "--XyZ\r\nContent-Disposition: form-data; filename=\"x\"; name=\"_csrf\"\r\n\r\nfile\r\n--XyZ--\r\n",
     "_csrf", 0, NULL, 0},
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrfx\"\r\n\r\nno\r\n--XyZ--\r\n", "_csrf", 0, NULL, 0},
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"x\"; xname=\"_csrf\"\r\n\r\nno\r\n--XyZ--\r\n", "_csrf", 0, NULL, 0},
    {MP, "--XyZ\r\nContent-Disposition: attachment; name=\"_csrf\"\r\n\r\nno\r\n--XyZ--\r\n", "_csrf", 0, NULL, 0},
    /* transport padding after the delimiter */
    {MP, "--XyZ  \t\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\npad\r\n--XyZ--", "_csrf", 1, "pad", 0},
    /* a part without its closing delimiter is incomplete */
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ncut", "_csrf", 0, NULL, 0},
    /* malformed: junk after the delimiter, no headers end */
    {MP, "--XyZjunk\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nv\r\n--XyZ--", "_csrf", 0, NULL, 0},
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n", "_csrf", 0, NULL, 0},
    {MP, "--XyZ--\r\n--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nafter\r\n--XyZ--", "_csrf", 0, NULL, 0},
    {MP, "--XyZ\r\n\r\nno headers\r\n--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nok\r\n--XyZ--",
     "_csrf", 1, "ok", 0},
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\r\n\r\nv\r\n--XyZ--", "_csrf", 0, NULL, 0},
    {MP, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n0123456789abcdefXYZ\r\n--XyZ--", "_csrf", 1,
     "0123456789abcdef", 1},
    /* a boundary that overlaps itself */
    {"multipart/form-data; boundary=\"aaa\"", "--aaa\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
     "x\r\n--a\r\n--aa\r\n--aaa\r\n", "_csrf", 1, "x\r\n--a\r\n--aa", 0},
};

static void run_case(const form_case_t *c, int mode, unsigned seed)
{
    apr_pool_t *p = unit_pool();
    sec_form_t *f;
    apr_size_t len = strlen(c->body), i = 0, vlen = 0;
    sec_form_state_e st = SEC_FORM_MORE;
    const char *v;

    ck_assert_int_eq(sec_form_make(p, c->ctype, c->field, 16, &f), APR_SUCCESS);
    srand(seed);
    while (i < len && st == SEC_FORM_MORE) {
        apr_size_t n = mode == 0 ? len : mode == 1 ? 1 : 1 + (apr_size_t)(rand() % 7);
        if (n > len - i) {
            n = len - i;
        }
        st = sec_form_feed(f, c->body + i, n);
        i += n;
    }
    if (st == SEC_FORM_MORE) {
        st = sec_form_finish(f);
    }
    ck_assert_msg((st == SEC_FORM_FOUND) == c->found, "case '%s' mode %d: state %d", c->body, mode, st);
    v = sec_form_value(f, &vlen);
    if (c->found) {
        ck_assert_ptr_nonnull(v);
        ck_assert_msg(!strcmp(v, c->value), "case '%s' mode %d: value '%s'", c->body, mode, v);
        ck_assert_int_eq(sec_form_overlong(f), c->overlong);
    }
    else {
        ck_assert_ptr_null(v);
    }
    apr_pool_destroy(p);
}

START_TEST(table)
{
    int mode;
    unsigned seed;

    for (mode = 0; mode < 3; mode++) {
        for (seed = 1; seed <= (mode == 2 ? 20u : 1u); seed++) {
            run_case(&cases[_i], mode, seed);
        }
    }
}
END_TEST

START_TEST(kinds)
{
    apr_pool_t *p = unit_pool();
    const char *b;
    sec_form_t *f;

    ck_assert_int_eq(sec_form_kind(p, NULL, &b), 0);
    ck_assert_int_eq(sec_form_kind(p, "text/plain", &b), 0);
    ck_assert_int_eq(sec_form_kind(p, "application/x-www-form-urlencodedx", &b), 0);
    ck_assert_int_eq(sec_form_kind(p, "application/json", &b), 0);
    ck_assert_int_eq(sec_form_kind(p, " application/x-www-form-urlencoded ;charset=utf-8", &b),
                     SEC_FORM_URLENCODED);
    ck_assert_int_eq(sec_form_kind(p, "multipart/form-data; boundary=----WebKitFormBoundaryAbc", &b),
                     SEC_FORM_MULTIPART);
    ck_assert_str_eq(b, "----WebKitFormBoundaryAbc");
    ck_assert_int_eq(sec_form_kind(p, "multipart/form-data; charset=x; BOUNDARY=\"a b;c\"", &b),
                     SEC_FORM_MULTIPART);
    ck_assert_str_eq(b, "a b;c");
    ck_assert_int_eq(sec_form_kind(p, "multipart/form-data", &b), SEC_FORM_MULTIPART);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(sec_form_kind(p, "multipart/form-data; boundary=", &b), SEC_FORM_MULTIPART);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(sec_form_kind(p, "multipart/form-data; boundary=\"unterminated", &b),
                     SEC_FORM_MULTIPART);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(sec_form_kind(p, "multipart/mixed; boundary=x", &b), 0);

    ck_assert_int_eq(sec_form_make(p, "text/plain", "_csrf", 64, &f), APR_ENOTIMPL);
    ck_assert_int_eq(sec_form_make(p, "multipart/form-data", "_csrf", 64, &f), APR_EINVAL);
    ck_assert_int_eq(sec_form_make(p, "application/x-www-form-urlencoded", "", 64, &f), APR_EINVAL);
    apr_pool_destroy(p);
}
END_TEST

/* The field first in a big body: found after its own bytes, the rest unread. */
START_TEST(stops_early)
{
    apr_pool_t *p = unit_pool();
    sec_form_t *f;
    const char *head = "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nearly\r\n--XyZ";
    char *body = apr_pstrcat(p, head, "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n\r\n", NULL);
    apr_size_t i;
    sec_form_state_e st;

    ck_assert_int_eq(sec_form_make(p, MP, "_csrf", 128, &f), APR_SUCCESS);
    st = sec_form_feed(f, body, strlen(body));
    ck_assert_int_eq(st, SEC_FORM_FOUND);
    ck_assert_uint_eq(sec_form_consumed(f), strlen(head));
    for (i = 0; i < 1000; i++) {
        ck_assert_int_eq(sec_form_feed(f, "more", 4), SEC_FORM_FOUND);
    }
    ck_assert_str_eq(sec_form_value(f, NULL), "early");

    ck_assert_int_eq(sec_form_make(p, "application/x-www-form-urlencoded", "_csrf", 128, &f),
                     APR_SUCCESS);
    ck_assert_int_eq(sec_form_feed(f, "_csrf=t&rest=", 13), SEC_FORM_FOUND);
    ck_assert_uint_eq(sec_form_consumed(f), 8);
    apr_pool_destroy(p);
}
END_TEST

/* A large file part before the field: scanned, never copied. */
START_TEST(large_part_first)
{
    apr_pool_t *p = unit_pool();
    sec_form_t *f;
    apr_size_t n = 1 << 20, i;
    char *big = apr_palloc(p, n);
    const char *tail = "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nlate\r\n--XyZ--\r\n";
    const char *headp = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n";

    for (i = 0; i < n; i++) {
        big[i] = "\r\n-XyZ"[i % 6];   /* many partial delimiter matches */
    }
    ck_assert_int_eq(sec_form_make(p, MP, "_csrf", 128, &f), APR_SUCCESS);
    ck_assert_int_eq(sec_form_feed(f, headp, strlen(headp)), SEC_FORM_MORE);
    for (i = 0; i < n; i += 4096) {
        ck_assert_int_eq(sec_form_feed(f, big + i, n - i < 4096 ? n - i : 4096), SEC_FORM_MORE);
    }
    ck_assert_int_eq(sec_form_feed(f, tail, strlen(tail)), SEC_FORM_FOUND);
    ck_assert_str_eq(sec_form_value(f, NULL), "late");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(header_block_bound)
{
    apr_pool_t *p = unit_pool();
    sec_form_t *f;
    char *hdr = apr_palloc(p, SEC_FORM_HEADERS_MAX + 64);

    memset(hdr, 'a', SEC_FORM_HEADERS_MAX + 63);
    hdr[SEC_FORM_HEADERS_MAX + 63] = '\0';
    ck_assert_int_eq(sec_form_make(p, MP, "_csrf", 128, &f), APR_SUCCESS);
    ck_assert_int_eq(sec_form_feed(f, "--XyZ\r\nX-Long: ", 15), SEC_FORM_MORE);
    ck_assert_int_eq(sec_form_feed(f, hdr, strlen(hdr)), SEC_FORM_DONE);
    apr_pool_destroy(p);
}
END_TEST

Suite *form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("form");

    tcase_add_loop_test(tc, table, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, kinds);
    tcase_add_test(tc, stops_early);
    tcase_add_test(tc, large_part_first);
    tcase_add_test(tc, header_block_bound);
    suite_add_tcase(s, tc);
    return s;
}
