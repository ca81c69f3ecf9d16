/* sec_headers: the profiles' exact values, HSTS, small validators. */
#include <string.h>
#include "unit.h"
#include "sec_headers.h"
#include "sec_csp.h"

START_TEST(profiles_exact)
{
    const sec_hdr_profile_t *s = sec_hdr_profile(SEC_HDR_STRICT);
    const sec_hdr_profile_t *a = sec_hdr_profile(SEC_HDR_API);
    const sec_hdr_profile_t *l = sec_hdr_profile(SEC_HDR_LEGACY);
    apr_pool_t *p = unit_pool();
    int i;

    ck_assert_str_eq(s->csp, "default-src 'self'; base-uri 'self'; form-action 'self'; "
                             "frame-ancestors 'none'; object-src 'none'; script-src 'self'; "
                             "script-src-attr 'none'; style-src 'self'; img-src 'self' data:; "
                             "font-src 'self'; connect-src 'self'");
    ck_assert_str_eq(s->frame_options, "DENY");
    ck_assert_str_eq(s->referrer_policy, "strict-origin-when-cross-origin");
    ck_assert_str_eq(s->coop, "same-origin");
    ck_assert_str_eq(s->corp, "same-origin");
    ck_assert_int_eq(s->no_store_authenticated, 1);
    ck_assert_str_eq(a->csp, "default-src 'none'; base-uri 'none'; form-action 'none'; "
                             "frame-ancestors 'none'");
    ck_assert_str_eq(a->referrer_policy, "no-referrer");
    ck_assert_int_eq(a->no_store_authenticated, 1);
    ck_assert_ptr_nonnull(strstr(l->csp, "style-src 'self' 'unsafe-inline'"));
    ck_assert_ptr_null(strstr(l->csp, "script-src 'self' 'unsafe-inline'"));
    ck_assert_ptr_nonnull(strstr(l->csp, "frame-ancestors 'self'"));
    ck_assert_str_eq(l->frame_options, "SAMEORIGIN");
    ck_assert_str_eq(l->coop, "same-origin-allow-popups");
    ck_assert_int_eq(l->no_store_authenticated, 0);
    ck_assert_str_eq(s->fixed[0].name, "X-Content-Type-Options");
    ck_assert_str_eq(s->fixed[0].value, "nosniff");
    for (i = 0; i < SEC_HDR_NPROFILES; i++) {
        sec_csp_t *c;
        const char *err = NULL;
        const sec_hdr_profile_t *pr = sec_hdr_profile(i);
        /* every profile's policy is valid and already in canonical form */
        ck_assert_msg(sec_csp_parse(p, pr->csp, &c, &err) == APR_SUCCESS, "%s: %s", pr->name, err);
        ck_assert_str_eq(sec_csp_render(p, c), pr->csp);
        ck_assert_int_eq(sec_hdr_profile_parse(pr->name), i);
        ck_assert_ptr_nonnull(strstr(pr->permissions_policy, "camera=()"));
        ck_assert_ptr_nonnull(strstr(pr->permissions_policy, "microphone=()"));
        ck_assert_ptr_nonnull(strstr(pr->permissions_policy, "geolocation=()"));
        ck_assert_ptr_nonnull(strstr(pr->permissions_policy, "payment=()"));
        ck_assert_ptr_nonnull(strstr(pr->permissions_policy, "usb=()"));
    }
    ck_assert_int_eq(sec_hdr_profile_parse("STRICT"), SEC_HDR_STRICT);
    ck_assert_int_eq(sec_hdr_profile_parse("paranoid"), -1);
    ck_assert_ptr_null(sec_hdr_profile(3));
    ck_assert_ptr_null(sec_hdr_profile(-1));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(hsts)
{
    apr_pool_t *p = unit_pool();
    char *v = NULL;
    const char *err = NULL;
    const char *none[] = {NULL};
    const char *two[] = {"max-age=730d", "preload"};
    const char *short_age[] = {"max-age=30d"};
    const char *nosub[] = {"noIncludeSubDomains"};
    const char *badpre[] = {"noIncludeSubDomains", "preload"};
    const char *junk[] = {"forever"};
    const char *badage[] = {"max-age=soon"};

    ck_assert_int_eq(sec_hdr_hsts_parse(p, 0, none, &v, &err), APR_SUCCESS);
    ck_assert_str_eq(v, "max-age=31536000; includeSubDomains");
    ck_assert_int_eq(sec_hdr_hsts_parse(p, 2, two, &v, &err), APR_SUCCESS);
    ck_assert_str_eq(v, "max-age=63072000; includeSubDomains; preload");
    ck_assert_int_eq(sec_hdr_hsts_parse(p, 1, nosub, &v, &err), APR_SUCCESS);
    ck_assert_str_eq(v, "max-age=31536000");
    ck_assert_int_ne(sec_hdr_hsts_parse(p, 1, short_age, &v, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "max-age=30d: at least one year"));
    ck_assert_int_ne(sec_hdr_hsts_parse(p, 2, badpre, &v, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "preload needs includeSubDomains"));
    ck_assert_int_ne(sec_hdr_hsts_parse(p, 1, junk, &v, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "'forever'"));
    ck_assert_int_ne(sec_hdr_hsts_parse(p, 1, badage, &v, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "max-age=soon"));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(validators)
{
    ck_assert(sec_hdr_referrer_policy_valid("no-referrer"));
    ck_assert(sec_hdr_referrer_policy_valid("strict-origin-when-cross-origin"));
    ck_assert(!sec_hdr_referrer_policy_valid("never"));
    ck_assert(!sec_hdr_referrer_policy_valid(NULL));
    ck_assert(sec_hdr_name_valid("X-Powered-By"));
    ck_assert(!sec_hdr_name_valid("X Powered"));
    ck_assert(!sec_hdr_name_valid("X:Powered"));
    ck_assert(!sec_hdr_name_valid(""));
    ck_assert(sec_hdr_forwarded_https("https"));
    ck_assert(sec_hdr_forwarded_https(" HTTPS, http"));
    ck_assert(!sec_hdr_forwarded_https("http, https"));
    ck_assert(!sec_hdr_forwarded_https("httpsx"));
    ck_assert(!sec_hdr_forwarded_https(NULL));
}
END_TEST

START_TEST(cors_lists)
{
    apr_pool_t *p = unit_pool();
    apr_array_header_t *allowed = apr_array_make(p, 2, sizeof(const char *));

    APR_ARRAY_PUSH(allowed, const char *) = "content-type";
    APR_ARRAY_PUSH(allowed, const char *) = "x-requested-with";
    ck_assert(sec_hdr_cors_headers_allowed(NULL, allowed));
    ck_assert(sec_hdr_cors_headers_allowed("", NULL));
    ck_assert(sec_hdr_cors_headers_allowed("content-type,x-requested-with", allowed));
    ck_assert(sec_hdr_cors_headers_allowed(" Content-Type , ,X-Requested-With ", allowed));
    ck_assert(sec_hdr_cors_headers_allowed("accept, accept-language", NULL));
    ck_assert(!sec_hdr_cors_headers_allowed("content-type", NULL));
    ck_assert(!sec_hdr_cors_headers_allowed("content-type, x-evil", allowed));
    ck_assert(!sec_hdr_cors_headers_allowed("content-typ", allowed));
    ck_assert(!sec_hdr_cors_headers_allowed("content-type x", allowed));
    ck_assert(!sec_hdr_cors_headers_allowed("content-type\r\nx: y", allowed));
    ck_assert(sec_hdr_list_has("GET, HEAD, POST", "POST"));
    ck_assert(sec_hdr_list_has("GET", "GET"));
    ck_assert(!sec_hdr_list_has("GET, HEAD, POST", "get"));
    ck_assert(!sec_hdr_list_has("GET, HEAD, POST", "POS"));
    ck_assert(!sec_hdr_list_has("GET, HEAD, POST", "HEAD, POST"));
    ck_assert(!sec_hdr_list_has("GET", ""));
    ck_assert(!sec_hdr_list_has(NULL, "GET"));
    apr_pool_destroy(p);
}
END_TEST

Suite *headers_suite(void)
{
    Suite *s = suite_create("headers");
    TCase *tc = tcase_create("headers");

    tcase_add_test(tc, profiles_exact);
    tcase_add_test(tc, hsts);
    tcase_add_test(tc, validators);
    tcase_add_test(tc, cors_lists);
    suite_add_tcase(s, tc);
    return s;
}
