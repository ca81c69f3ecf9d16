/* CSP violation reports as browsers send them, reduced to the fields worth
 * an audit event and nothing that may carry a secret.
 *
 * Two formats:
 *   application/csp-report     (report-uri)   {"csp-report": {"document-uri": ...}}
 *   application/reports+json   (Reporting API, report-to)
 *                              [{"type":"csp-violation","url":...,"body":{"documentURL":...}}]
 *
 * Kept: document and blocked URIs and the source file, each without query
 * string, fragment or userinfo (they can carry tokens); the effective and
 * violated directives; disposition; status code; line and column. Dropped:
 * the original policy (it holds this page's nonce), the script sample and
 * the referrer (page content and URLs of other sites), user agent.
 */
#ifndef SEC_CSPREPORT_H
#define SEC_CSPREPORT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

#define SEC_CSPREPORT_FIELD_MAX 512   /* longer values are cut */

typedef enum {
    SEC_CSPREPORT_NONE = 0,           /* a content type we do not take */
    SEC_CSPREPORT_URI,                /* application/csp-report */
    SEC_CSPREPORT_API                 /* application/reports+json */
} sec_cspreport_kind_e;

typedef struct {
    const char *document_uri;         /* NULL when absent */
    const char *blocked_uri;
    const char *effective_directive;  /* a directive-like token, else NULL */
    const char *violated_directive;   /* its name only (the sources are cut) */
    const char *disposition;          /* "enforce" or "report", else NULL */
    const char *source_file;
    long status_code, line, column;   /* -1 when absent or out of range */
} sec_cspreport_t;

/* The kind by Content-Type (parameters ignored, case-insensitive). */
sec_cspreport_kind_e sec_cspreport_kind(const char *content_type);

/* Parses one request body. Up to max_reports csp-violation reports go to
 * *out (sec_cspreport_t); *skipped counts the rest and reports of other
 * types (deprecation, intervention ...). APR_EINVAL with *err for a body
 * that is not JSON or not of the kind's shape. */
apr_status_t sec_cspreport_parse(apr_pool_t *p, sec_cspreport_kind_e kind, const char *body,
                                 apr_size_t len, int max_reports, apr_array_header_t **out,
                                 int *skipped, const char **err);

/* A URI without query, fragment and userinfo, printable ASCII only (other
 * bytes and spaces percent-encoded), at most SEC_CSPREPORT_FIELD_MAX bytes. */
char *sec_cspreport_clean_uri(apr_pool_t *p, const char *uri);

/* The report as an event's extra fields (new reference). */
json_t *sec_cspreport_json(const sec_cspreport_t *r, sec_cspreport_kind_e kind);

#endif
