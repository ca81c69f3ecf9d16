/* The CSP model (sec_csp.h): sec_csp_parse on the input as a policy; when it
 * parses, the rendering parses again to the same rendering (canonical form),
 * every source re-validates, and the policy survives merges with fixed
 * sources, the nonce template and presets. The input is also split at '\n'
 * into "directive source source" lines fed to sec_csp_add/replace, as
 * SecCSP/SecCSPReplace lines would be.
 *
 * Layout: policy text, then optionally "\n" and more lines; a line starting
 * with '=' is a replace. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_csp.h"

static int has_ctl(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) {
            return 1;
        }
    }
    return 0;
}

static void check_policy(apr_pool_t *p, const sec_csp_t *c)
{
    char *text = sec_csp_render(p, c), *again;
    sec_csp_t *c2;
    const char *err = NULL;
    int i, j;

    FZ_ASSERT(text != NULL);
    FZ_ASSERT(!has_ctl(text));
    FZ_ASSERT(!strchr(text, ','));
    /* canonical: render(parse(render(x))) == render(x) */
    FZ_ASSERT(sec_csp_parse(p, text, &c2, &err) == APR_SUCCESS);
    again = sec_csp_render(p, c2);
    FZ_ASSERT(!strcmp(text, again));
    for (i = 0; i < c->dirs->nelts; i++) {
        const sec_csp_dir_t *d = &APR_ARRAY_IDX(c->dirs, i, sec_csp_dir_t);
        FZ_ASSERT(sec_csp_directive_kind(d->name) != SEC_CSP_KIND_UNKNOWN);
        FZ_ASSERT(sec_csp_get(c, d->name) == d);
        for (j = 0; j < d->sources->nelts; j++) {
            const char *s = APR_ARRAY_IDX(d->sources, j, const char *), *norm = NULL;
            FZ_ASSERT(sec_csp_check_source(p, d->name, s, &norm, &err) == APR_SUCCESS);
            FZ_ASSERT(!strcmp(norm, s));           /* normalised already */
            /* 'none' never stands beside another source */
            if (!strcmp(s, "'none'")) {
                FZ_ASSERT(d->sources->nelts == 1);
            }
        }
    }
}

static void merges(apr_pool_t *p, const sec_csp_t *c)
{
    static const char *const add[] = {"https://cdn.example.com", "'self'"};
    sec_csp_t *m = sec_csp_copy(p, c);
    const char *err = NULL;
    apr_array_header_t *t;
    char *joined;

    FZ_ASSERT(sec_csp_add(p, m, "script-src", 2, add, &err) == APR_SUCCESS);
    FZ_ASSERT(sec_csp_add(p, m, "img-src", 1, add, &err) == APR_SUCCESS);
    check_policy(p, m);
    /* the copy did not touch the original */
    check_policy(p, c);
    t = sec_csp_nonce_template(p, c, 1);
    FZ_ASSERT(t->nelts >= 2);
    joined = sec_csp_nonce_join(p, t, "AbC");
    FZ_ASSERT(strstr(joined, "'nonce-AbC'") != NULL);
    FZ_ASSERT(!has_ctl(joined));
    FZ_ASSERT(sec_csp_preset_apply(p, m, "stripe", &err) == APR_SUCCESS);
    check_policy(p, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *fields[16];
    int n = fz_split(data, size, "\n", 1, fields, 16), i;
    sec_csp_t *c = NULL;
    const char *err = NULL;

    if (n < 1) {
        fz_pool_clear(p);
        return 0;
    }
    if (sec_csp_parse(p, fields[0], &c, &err) == APR_SUCCESS) {
        FZ_ASSERT(c != NULL);
        check_policy(p, c);
        merges(p, c);
    }
    else {
        FZ_ASSERT(err != NULL && *err);
        c = sec_csp_make(p);
    }
    for (i = 1; i < n; i++) {
        char *line = fields[i], *last = NULL, *w;
        int replace = line[0] == '=';
        const char *words[32];
        int k = 0;
        apr_status_t rv;
        for (w = apr_strtok(line + replace, " \t", &last); w && k < 32;
             w = apr_strtok(NULL, " \t", &last)) {
            words[k++] = w;
        }
        if (k == 0) {
            continue;
        }
        rv = (replace ? sec_csp_replace : sec_csp_add)(p, c, words[0], k - 1, words + 1, &err);
        if (rv != APR_SUCCESS) {
            FZ_ASSERT(err != NULL && *err);
        }
        check_policy(p, c);
    }
    fz_free_fields(fields, n);
    fz_pool_clear(p);
    return 0;
}
