/* sec_csp: CSP parsing, validation, merge semantics, presets and nonces. */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_csp.h"

static sec_csp_t *parse_ok(apr_pool_t *p, const char *text)
{
    sec_csp_t *c = NULL;
    const char *err = NULL;
    ck_assert_msg(sec_csp_parse(p, text, &c, &err) == APR_SUCCESS, "parse \"%s\": %s", text,
                  err ? err : "");
    return c;
}

static const char *parse_err(apr_pool_t *p, const char *text)
{
    sec_csp_t *c = NULL;
    const char *err = NULL;
    ck_assert_msg(sec_csp_parse(p, text, &c, &err) != APR_SUCCESS, "accepted \"%s\"", text);
    ck_assert_ptr_nonnull(err);
    return err;
}

START_TEST(parse_and_render_round_trip)
{
    apr_pool_t *p = unit_pool();
    const char *text = "default-src 'self'; script-src 'self' https://cdn.example.com; "
                       "object-src 'none'; upgrade-insecure-requests; img-src 'self' data:";
    sec_csp_t *c = parse_ok(p, text);
    ck_assert_str_eq(sec_csp_render(p, c), text);
    /* case and whitespace are normalised; empty directives dropped */
    c = parse_ok(p, "  DEFAULT-SRC   'SELF'  ;; Script-Src HTTPS://CDN.Example.COM/Path/A.js ;");
    ck_assert_str_eq(sec_csp_render(p, c),
                     "default-src 'self'; script-src https://cdn.example.com/Path/A.js");
    /* duplicates within a directive collapse */
    c = parse_ok(p, "img-src 'self' 'SELF' data: DATA:");
    ck_assert_str_eq(sec_csp_render(p, c), "img-src 'self' data:");
    ck_assert_str_eq(sec_csp_render(p, sec_csp_make(p)), "");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(sources_validated)
{
    apr_pool_t *p = unit_pool();
    static const char *const good[] = {
        "'self'", "'none'", "'unsafe-inline'", "'unsafe-eval'", "'strict-dynamic'",
        "'unsafe-hashes'", "'report-sample'", "'wasm-unsafe-eval'", "https:", "data:", "blob:",
        "wss:", "*", "example.com", "*.example.com", "https://example.com:8443",
        "https://example.com:*", "https://example.com/static/", "http://127.0.0.1:8080",
        "example.com.", "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU'",
        "'sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb'",
        "'nonce-abc123+/='", NULL
    };
    static const char *const bad[][2] = {
        {"self", "single quotes"}, {"none", "single quotes"},
        {"unsafe-inline", "single quotes"}, {"'self", "unbalanced"}, {"self'", "unbalanced"},
        {"'sel'", "unknown keyword"}, {"nonce-abc", "single quotes"},
        {"'nonce-'", "bad nonce"}, {"'nonce-a b'", "whitespace"},
        {"'sha256-abc'", "32-byte digest"}, {"'sha512-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='", "64-byte"},
        {"ht~tp:", "bad scheme"}, {"1https://a.com", "bad scheme"}, {"https://", "empty host"},
        {"https://a..com", "empty label"}, {"https://a.*.com", "first label"},
        {"https://*example.com", "first label"}, {"https://a.com:0", "out of range"},
        {"https://a.com:65536", "out of range"}, {"https://a.com:", "bad port"},
        {"https://a.com:8x", "bad port"}, {"https://[::1]", "bad character"},
        {"https://a_b.com", "bad character"}, {"https://a.com/x;y", "';'"},
        {"https://a.com,b.com", "','"}, {"https://a.com//x", "//"}, {NULL, NULL}
    };
    int i;

    for (i = 0; good[i]; i++) {
        const char *norm = NULL, *err = NULL;
        ck_assert_msg(sec_csp_check_source(p, "script-src", good[i], &norm, &err) == APR_SUCCESS,
                      "%s refused: %s", good[i], err ? err : "");
    }
    for (i = 0; bad[i][0]; i++) {
        const char *norm = NULL, *err = NULL;
        ck_assert_msg(sec_csp_check_source(p, "script-src", bad[i][0], &norm, &err) != APR_SUCCESS,
                      "%s accepted", bad[i][0]);
        ck_assert_msg(strstr(err, bad[i][1]) && strstr(err, "script-src"),
                      "%s: message \"%s\" lacks \"%s\"", bad[i][0], err, bad[i][1]);
    }
    apr_pool_destroy(p);
}
END_TEST

START_TEST(directive_kinds_validated)
{
    apr_pool_t *p = unit_pool();
    const char *err;

    ck_assert_int_eq(sec_csp_directive_kind("Script-Src"), SEC_CSP_KIND_FETCH);
    ck_assert_int_eq(sec_csp_directive_kind("script_src"), SEC_CSP_KIND_UNKNOWN);
    ck_assert_int_eq(sec_csp_directive_kind(NULL), SEC_CSP_KIND_UNKNOWN);
    err = parse_err(p, "scriptsrc 'self'");
    ck_assert_ptr_nonnull(strstr(err, "unknown CSP directive 'scriptsrc'"));
    err = parse_err(p, "default-src 'self'; default-src https:");
    ck_assert_ptr_nonnull(strstr(err, "twice"));
    err = parse_err(p, "frame-ancestors 'unsafe-inline'");
    ck_assert_ptr_nonnull(strstr(err, "frame-ancestors takes only"));
    err = parse_err(p, "frame-ancestors 'nonce-abc'");
    ck_assert_ptr_nonnull(strstr(err, "not allowed"));
    err = parse_err(p, "upgrade-insecure-requests https:");
    ck_assert_ptr_nonnull(strstr(err, "takes no value"));
    err = parse_err(p, "sandbox allow-everything");
    ck_assert_ptr_nonnull(strstr(err, "sandbox flag"));
    err = parse_err(p, "script-src 'none' 'self'");
    ck_assert_ptr_nonnull(strstr(err, "only source"));
    err = parse_err(p, "report-to a b");
    ck_assert_ptr_nonnull(strstr(err, "one value"));
    err = parse_err(p, "report-uri csp-report");
    ck_assert_ptr_nonnull(strstr(err, "absolute"));
    err = parse_err(p, "require-trusted-types-for script");
    ck_assert_ptr_nonnull(strstr(err, "single quotes"));
    err = parse_err(p, "script-src");
    ck_assert_ptr_nonnull(strstr(err, "at least one source"));
    parse_ok(p, "sandbox");
    parse_ok(p, "sandbox allow-forms allow-scripts; report-uri /csp https://r.example.com/x; "
                "report-to csp-endpoint; require-trusted-types-for 'script'; "
                "trusted-types default dompurify 'allow-duplicates'; webrtc 'block'");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(add_merges_per_directive)
{
    apr_pool_t *p = unit_pool();
    sec_csp_t *c = parse_ok(p, "default-src 'self'; object-src 'none'; img-src 'self'");
    const char *err = NULL;
    const char *cdn[] = {"https://cdn.example.com", "'self'"};
    const char *none[] = {"'none'"};
    const char *flash[] = {"https://flash.example.com"};

    /* an existing directive gains sources, without duplicates */
    ck_assert_int_eq(sec_csp_add(p, c, "img-src", 2, cdn, &err), APR_SUCCESS);
    /* an absent fetch directive starts from its fallback (default-src) */
    ck_assert_int_eq(sec_csp_add(p, c, "script-src", 1, cdn, &err), APR_SUCCESS);
    /* 'none' is dropped when a real source is added */
    ck_assert_int_eq(sec_csp_add(p, c, "object-src", 1, flash, &err), APR_SUCCESS);
    ck_assert_str_eq(sec_csp_render(p, c),
                     "default-src 'self'; object-src https://flash.example.com; "
                     "img-src 'self' https://cdn.example.com; "
                     "script-src 'self' https://cdn.example.com");
    /* adding 'none' must be explicit (a replace) */
    ck_assert_int_ne(sec_csp_add(p, c, "img-src", 1, none, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "replace"));
    ck_assert_int_eq(sec_csp_replace(p, c, "img-src", 1, none, &err), APR_SUCCESS);
    ck_assert_str_eq(sec_csp_get(c, "img-src") ? "img-src 'none'" : "", "img-src 'none'");
    ck_assert_int_eq(sec_csp_get(c, "img-src")->sources->nelts, 1);
    /* replace with nothing removes; a flag is switched on by add */
    ck_assert_int_eq(sec_csp_replace(p, c, "object-src", 0, NULL, &err), APR_SUCCESS);
    ck_assert_int_eq(sec_csp_add(p, c, "upgrade-insecure-requests", 0, NULL, &err), APR_SUCCESS);
    ck_assert_int_ne(sec_csp_add(p, c, "upgrade-insecure-requests", 1, flash, &err), APR_SUCCESS);
    ck_assert_int_ne(sec_csp_add(p, c, "script-src", 0, NULL, &err), APR_SUCCESS);
    ck_assert_int_ne(sec_csp_add(p, c, "no-such-src", 1, flash, &err), APR_SUCCESS);
    ck_assert_str_eq(sec_csp_render(p, c),
                     "default-src 'self'; img-src 'none'; "
                     "script-src 'self' https://cdn.example.com; upgrade-insecure-requests");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(fallback_chain)
{
    apr_pool_t *p = unit_pool();
    const char *err = NULL;
    const char *x[] = {"https://x.example"};
    sec_csp_t *c = parse_ok(p, "default-src 'none'; script-src 'self'; child-src https://c.example");

    /* 'none' inherited from default-src is not copied */
    ck_assert_int_eq(sec_csp_add(p, c, "img-src", 1, x, &err), APR_SUCCESS);
    /* script-src-elem falls back to script-src, frame-src to child-src */
    ck_assert_int_eq(sec_csp_add(p, c, "script-src-elem", 1, x, &err), APR_SUCCESS);
    ck_assert_int_eq(sec_csp_add(p, c, "frame-src", 1, x, &err), APR_SUCCESS);
    ck_assert_str_eq(sec_csp_render(p, c),
                     "default-src 'none'; script-src 'self'; child-src https://c.example; "
                     "img-src https://x.example; script-src-elem 'self' https://x.example; "
                     "frame-src https://c.example https://x.example");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(copy_is_deep)
{
    apr_pool_t *p = unit_pool();
    const char *err = NULL;
    const char *x[] = {"https://x.example"};
    sec_csp_t *a = parse_ok(p, "default-src 'self'"), *b = sec_csp_copy(p, a);

    ck_assert_int_eq(sec_csp_add(p, b, "default-src", 1, x, &err), APR_SUCCESS);
    ck_assert_str_eq(sec_csp_render(p, a), "default-src 'self'");
    ck_assert_str_eq(sec_csp_render(p, b), "default-src 'self' https://x.example");
    ck_assert_int_eq(sec_csp_remove(b, "default-src"), 1);
    ck_assert_int_eq(sec_csp_remove(b, "default-src"), 0);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(nonce_template)
{
    apr_pool_t *p = unit_pool();
    sec_csp_t *c = parse_ok(p, "default-src 'self'; style-src 'self' 'unsafe-inline'");
    apr_array_header_t *t = sec_csp_nonce_template(p, c, 0);

    ck_assert_str_eq(sec_csp_nonce_join(p, t, "N0nce"),
                     "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                     "script-src 'self' 'nonce-N0nce'");
    t = sec_csp_nonce_template(p, c, 1);
    ck_assert_int_eq(t->nelts, 3);
    ck_assert_str_eq(sec_csp_nonce_join(p, t, "abc"),
                     "default-src 'self'; style-src 'self' 'unsafe-inline' 'nonce-abc'; "
                     "script-src 'self' 'nonce-abc'");
    /* 'none' gives way to the nonce */
    c = parse_ok(p, "default-src 'none'; script-src 'none'");
    t = sec_csp_nonce_template(p, c, 0);
    ck_assert_str_eq(sec_csp_nonce_join(p, t, "z"), "default-src 'none'; script-src 'nonce-z'");
    /* the model itself is untouched */
    ck_assert_str_eq(sec_csp_render(p, c), "default-src 'none'; script-src 'none'");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(presets)
{
    apr_pool_t *p = unit_pool();
    sec_csp_t *c = parse_ok(p, "default-src 'self'; script-src 'self'");
    const char *err = NULL;
    const char *names = sec_csp_preset_names();
    char *copy = apr_pstrdup(p, names), *last, *n;

    ck_assert_int_eq(sec_csp_preset_apply(p, c, "stripe", &err), APR_SUCCESS);
    ck_assert_str_eq(sec_csp_render(p, c),
                     "default-src 'self'; script-src 'self' https://js.stripe.com "
                     "https://*.js.stripe.com; frame-src 'self' https://js.stripe.com "
                     "https://*.js.stripe.com https://hooks.stripe.com; connect-src 'self' "
                     "https://api.stripe.com https://maps.googleapis.com");
    ck_assert_int_eq(sec_csp_preset_apply(p, c, "no-such-vendor", &err), APR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(err, "stripe"));
    /* every listed preset parses and applies */
    for (n = apr_strtok(copy, ", ", &last); n; n = apr_strtok(NULL, ", ", &last)) {
        sec_csp_t *d = parse_ok(p, "default-src 'none'");
        ck_assert_msg(sec_csp_preset_apply(p, d, n, &err) == APR_SUCCESS, "%s: %s", n, err);
        ck_assert_ptr_nonnull(sec_csp_preset_policy(n));
    }
    apr_pool_destroy(p);
}
END_TEST

Suite *csp_suite(void)
{
    Suite *s = suite_create("csp");
    TCase *tc = tcase_create("csp");

    tcase_add_test(tc, parse_and_render_round_trip);
    tcase_add_test(tc, sources_validated);
    tcase_add_test(tc, directive_kinds_validated);
    tcase_add_test(tc, add_merges_per_directive);
    tcase_add_test(tc, fallback_chain);
    tcase_add_test(tc, copy_is_deep);
    tcase_add_test(tc, nonce_template);
    tcase_add_test(tc, presets);
    suite_add_tcase(s, tc);
    return s;
}
