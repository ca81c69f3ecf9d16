/* CSP violation report parsing (sec_cspreport.h). Bodies are attacker
 * input: anything may be missing, of the wrong type, huge or binary. */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_cspreport.h"
#include "sec_json.h"

sec_cspreport_kind_e sec_cspreport_kind(const char *ct)
{
    apr_size_t n;

    if (!ct) {
        return SEC_CSPREPORT_NONE;
    }
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    n = strcspn(ct, "; \t");
    if (n == 22 && !strncasecmp(ct, "application/csp-report", 22)) {
        return SEC_CSPREPORT_URI;
    }
    if (n == 24 && !strncasecmp(ct, "application/reports+json", 24)) {
        return SEC_CSPREPORT_API;
    }
    return SEC_CSPREPORT_NONE;
}

/* n bytes of s with control, space and non-ASCII bytes percent-encoded
 * (a '?' in a cleaned URI could be read as a query), at most
 * SEC_CSPREPORT_FIELD_MAX bytes, never cutting an escape. */
static char *encode_uri_part(apr_pool_t *p, const char *s, apr_size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, SEC_CSPREPORT_FIELD_MAX + 1);
    apr_size_t i, o = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f) {
            if (o + 3 > SEC_CSPREPORT_FIELD_MAX) {
                break;
            }
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
        else {
            if (o + 1 > SEC_CSPREPORT_FIELD_MAX) {
                break;
            }
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return out;
}

char *sec_cspreport_clean_uri(apr_pool_t *p, const char *uri)
{
    const char *auth, *at, *end, *last;
    apr_size_t n;

    if (!uri) {
        return NULL;
    }
    n = strcspn(uri, "?#");
    auth = strstr(uri, "://");
    if (auth && (apr_size_t)(auth - uri) < n) {
        /* drop user:password@ from the authority */
        auth += 3;
        end = auth + strcspn(auth, "/?#");
        last = NULL;
        for (at = auth; at < end; at++) {
            if (*at == '@') {
                last = at;
            }
        }
        if (last) {
            char *joined = apr_pstrcat(p, encode_uri_part(p, uri, (apr_size_t)(auth - uri)),
                                       encode_uri_part(p, last + 1,
                                                       n - (apr_size_t)(last + 1 - uri)),
                                       NULL);
            apr_size_t len = strlen(joined);
            if (len > SEC_CSPREPORT_FIELD_MAX) {
                /* never cut inside an escape */
                len = SEC_CSPREPORT_FIELD_MAX;
                while (len > 0 && (joined[len - 1] == '%' ||
                                   (len > 1 && joined[len - 2] == '%'))) {
                    len--;
                }
                joined[len] = '\0';
            }
            return joined;
        }
    }
    return encode_uri_part(p, uri, n);
}

static const char *str_field(json_t *o, const char *name)
{
    json_t *v = json_object_get(o, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static long num_field(json_t *o, const char *name)
{
    json_t *v = json_object_get(o, name);
    json_int_t n;

    if (!json_is_integer(v)) {
        return -1;
    }
    n = json_integer_value(v);
    return n >= 0 && n <= 1000000000 ? (long)n : -1;
}

/* A directive name: [a-z-], 1-40 characters; the first word of s. */
static const char *directive_token(apr_pool_t *p, const char *s)
{
    apr_size_t n, i;

    if (!s) {
        return NULL;
    }
    n = strcspn(s, " \t;");
    if (n == 0 || n > 40) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (!(apr_islower(s[i]) || s[i] == '-')) {
            return NULL;
        }
    }
    return apr_pstrmemdup(p, s, n);
}

static void fill(apr_pool_t *p, json_t *o, sec_cspreport_t *r, int api)
{
    const char *d;

    r->document_uri = sec_cspreport_clean_uri(p, str_field(o, api ? "documentURL" : "document-uri"));
    r->blocked_uri = sec_cspreport_clean_uri(p, str_field(o, api ? "blockedURL" : "blocked-uri"));
    r->source_file = sec_cspreport_clean_uri(p, str_field(o, api ? "sourceFile" : "source-file"));
    r->effective_directive = directive_token(p, str_field(o, api ? "effectiveDirective"
                                                                 : "effective-directive"));
    r->violated_directive = directive_token(p, str_field(o, "violated-directive"));
    d = str_field(o, "disposition");
    r->disposition = d && (!strcmp(d, "enforce") || !strcmp(d, "report")) ? d : NULL;
    if (r->disposition) {
        r->disposition = apr_pstrdup(p, r->disposition);
    }
    r->status_code = num_field(o, api ? "statusCode" : "status-code");
    r->line = num_field(o, api ? "lineNumber" : "line-number");
    r->column = num_field(o, api ? "columnNumber" : "column-number");
    if (!r->effective_directive) {
        /* CSP2 browsers send only violated-directive */
        r->effective_directive = r->violated_directive;
    }
}

apr_status_t sec_cspreport_parse(apr_pool_t *p, sec_cspreport_kind_e kind, const char *body,
                                 apr_size_t len, int max_reports, apr_array_header_t **out,
                                 int *skipped, const char **err)
{
    json_error_t jerr;
    json_t *root;
    apr_array_header_t *list = apr_array_make(p, 1, sizeof(sec_cspreport_t));

    *skipped = 0;
    *out = list;
    if (kind == SEC_CSPREPORT_NONE) {
        *err = "unsupported content type";
        return APR_EINVAL;
    }
    root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        *err = "not JSON";
        return APR_EINVAL;
    }
    if (kind == SEC_CSPREPORT_URI) {
        json_t *r = json_object_get(root, "csp-report");
        if (!json_is_object(r)) {
            json_decref(root);
            *err = "no csp-report object";
            return APR_EINVAL;
        }
        if (max_reports > 0) {
            fill(p, r, apr_array_push(list), 0);
        }
        else {
            (*skipped)++;
        }
    }
    else {
        size_t i;
        if (!json_is_array(root)) {
            json_decref(root);
            *err = "a Reporting API body is an array";
            return APR_EINVAL;
        }
        for (i = 0; i < json_array_size(root); i++) {
            json_t *item = json_array_get(root, i), *b;
            const char *type = str_field(item, "type");
            if (!json_is_object(item) || !type || strcmp(type, "csp-violation") ||
                !json_is_object(b = json_object_get(item, "body")) ||
                list->nelts >= max_reports) {
                (*skipped)++;
                continue;
            }
            fill(p, b, apr_array_push(list), 1);
            /* the Reporting API puts the document's URL outside the body too */
            if (!APR_ARRAY_IDX(list, list->nelts - 1, sec_cspreport_t).document_uri) {
                APR_ARRAY_IDX(list, list->nelts - 1, sec_cspreport_t).document_uri =
                    sec_cspreport_clean_uri(p, str_field(item, "url"));
            }
        }
    }
    json_decref(root);
    return APR_SUCCESS;
}

static void set_str(json_t *o, const char *k, const char *v)
{
    if (v) {
        json_object_set_new(o, k, sec_json_string_lossy(v));
    }
}

static void set_num(json_t *o, const char *k, long v)
{
    if (v >= 0) {
        json_object_set_new(o, k, json_integer(v));
    }
}

json_t *sec_cspreport_json(const sec_cspreport_t *r, sec_cspreport_kind_e kind)
{
    json_t *o = json_object();

    json_object_set_new(o, "format", json_string(kind == SEC_CSPREPORT_API ? "reporting-api"
                                                                         : "report-uri"));
    set_str(o, "documentUri", r->document_uri);
    set_str(o, "blockedUri", r->blocked_uri);
    set_str(o, "effectiveDirective", r->effective_directive);
    set_str(o, "violatedDirective", r->violated_directive);
    set_str(o, "disposition", r->disposition);
    set_str(o, "sourceFile", r->source_file);
    set_num(o, "statusCode", r->status_code);
    set_num(o, "lineNumber", r->line);
    set_num(o, "columnNumber", r->column);
    return o;
}
