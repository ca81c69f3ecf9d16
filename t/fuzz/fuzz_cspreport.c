/* CSP violation reports (sec_cspreport.h), the body of a POST anyone can
 * send: the first byte picks the format (even: report-uri, odd: Reporting
 * API), the rest is the body (explicit length, may hold NULs). Invariants:
 * at most max_reports reports; every kept string is printable ASCII within
 * the length limit, URIs carry no query, fragment or userinfo; numbers are
 * -1 or in range; the event fields serialise. */
#include <string.h>
#include "fz_support.h"
#include "sec_cspreport.h"

static void check_str(const char *s, int uri)
{
    size_t i, n;

    if (!s) {
        return;
    }
    n = strlen(s);
    FZ_ASSERT(n <= SEC_CSPREPORT_FIELD_MAX);
    for (i = 0; i < n; i++) {
        FZ_ASSERT((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
    }
    if (uri) {
        const char *auth = strstr(s, "://");
        FZ_ASSERT(!strchr(s, '?') && !strchr(s, '#'));
        if (auth) {
            size_t alen = strcspn(auth + 3, "/");
            FZ_ASSERT(!memchr(auth + 3, '@', alen));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    apr_array_header_t *list = NULL;
    int skipped = -1, i;
    const char *err = NULL;
    sec_cspreport_kind_e kind;

    if (size < 1) {
        return 0;
    }
    kind = (data[0] & 1) ? SEC_CSPREPORT_API : SEC_CSPREPORT_URI;
    if (sec_cspreport_parse(p, kind, (const char *)data + 1, size - 1, 3, &list, &skipped,
                            &err) == APR_SUCCESS) {
        FZ_ASSERT(list->nelts <= 3);
        FZ_ASSERT(skipped >= 0);
        for (i = 0; i < list->nelts; i++) {
            const sec_cspreport_t *r = &APR_ARRAY_IDX(list, i, sec_cspreport_t);
            json_t *j;
            char *text;
            check_str(r->document_uri, 1);
            check_str(r->blocked_uri, 1);
            check_str(r->source_file, 1);
            check_str(r->effective_directive, 0);
            check_str(r->violated_directive, 0);
            FZ_ASSERT(!r->disposition || !strcmp(r->disposition, "enforce") ||
                      !strcmp(r->disposition, "report"));
            FZ_ASSERT(r->line >= -1 && r->column >= -1 && r->status_code >= -1);
            j = sec_cspreport_json(r, kind);
            text = json_dumps(j, JSON_COMPACT);
            FZ_ASSERT(text != NULL);
            free(text);
            json_decref(j);
        }
    }
    else {
        FZ_ASSERT(err != NULL);
    }
    /* the URI cleaner on the raw bytes as a string */
    {
        char *s = fz_cstr(data, size);
        check_str(sec_cspreport_clean_uri(p, s), 1);
        free(s);
    }
    fz_pool_clear(p);
    return 0;
}
