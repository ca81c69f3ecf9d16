/* The request headers mod_secheaders reads (sec_headers.h): X-Forwarded-Proto
 * (sec_hdr_forwarded_https), a preflight's Access-Control-Request-Headers
 * against an allow-list (sec_hdr_cors_headers_allowed) and its
 * Access-Control-Request-Method against a method list (sec_hdr_list_has).
 *
 * Layout: "xfp\nrequested\nallowed names (space-separated)\nmethod". */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_headers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *f[4] = {NULL, NULL, NULL, NULL};
    int n = fz_split(data, size, "\n", 1, f, 4), i;
    const char *xfp = n > 0 ? f[0] : "", *req = n > 1 ? f[1] : "";
    const char *names = n > 2 ? f[2] : "", *method = n > 3 ? f[3] : "";
    apr_array_header_t *allowed = apr_array_make(p, 4, sizeof(const char *));
    char *copy, *last = NULL, *w;
    int ok;

    /* https only when the first element is exactly that */
    if (sec_hdr_forwarded_https(xfp)) {
        const char *s = xfp + strspn(xfp, " \t");
        FZ_ASSERT(!strncasecmp(s, "https", 5));
        FZ_ASSERT(s[5] == '\0' || s[5] == ',' || s[5] == ' ' || s[5] == '\t');
    }
    copy = apr_pstrdup(p, names);
    for (w = apr_strtok(copy, " ", &last); w; w = apr_strtok(NULL, " ", &last)) {
        APR_ARRAY_PUSH(allowed, const char *) = w;
    }
    ok = sec_hdr_cors_headers_allowed(req, allowed);
    FZ_ASSERT(ok == sec_hdr_cors_headers_allowed(req, allowed));
    /* an allowed list never contains a character that could split a header */
    if (ok) {
        FZ_ASSERT(!strchr(req, '\r') && !strchr(req, '\n') && !strchr(req, ':'));
    }
    /* allowing more never refuses what was allowed */
    if (ok) {
        APR_ARRAY_PUSH(allowed, const char *) = "x-extra";
        FZ_ASSERT(sec_hdr_cors_headers_allowed(req, allowed));
    }
    /* with nothing allowed, only safelisted names pass */
    if (sec_hdr_cors_headers_allowed(req, NULL)) {
        char *r2 = apr_pstrdup(p, req), *l2 = NULL, *e;
        for (e = apr_strtok(r2, ", \t", &l2); e; e = apr_strtok(NULL, ", \t", &l2)) {
            FZ_ASSERT(!strcasecmp(e, "accept") || !strcasecmp(e, "accept-language") ||
                      !strcasecmp(e, "content-language"));
        }
    }
    /* a list holds each of its own elements */
    if (sec_hdr_list_has(names, method)) {
        FZ_ASSERT(strstr(names, method) != NULL);
    }
    FZ_ASSERT(sec_hdr_list_has("GET, HEAD, POST", "HEAD"));
    for (i = 0; i < n; i++) {
        sec_hdr_name_valid(f[i]);
    }
    fz_free_fields(f, n);
    fz_pool_clear(p);
    return 0;
}
