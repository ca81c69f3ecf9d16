/* mod_secheaders: the CSP report endpoint (SetHandler seccsp-report).
 *
 * Browsers POST violation reports here, in either format (sec_cspreport.h).
 * Every body is attacker input: its size is bounded before it is read, it
 * must parse as JSON of the format's shape, and only non-secret fields
 * survive. Each csp-violation report becomes one audit event
 * (secheaders / csp.report) through mod_seccore or, without mod_seccore, one
 * error-log line (SEC03020). A flood is bounded twice: at most 20 reports
 * per body, and SecCSPReportEventLimit events per minute per virtual host
 * (the count lives in seccore's shared memory, or per process without it); the
 * rest are counted, not written.
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include "secheaders.h"
#include "sec_cspreport.h"
#include "sec_store.h"
#include "sec_log.h"

APLOG_USE_MODULE(secheaders);

#define DEFAULT_MAX_BODY (64 * 1024)
#define DEFAULT_EVENTS_PER_MINUTE 100
#define MAX_REPORTS_PER_BODY 20

static void metric(request_rec *r, const char *outcome, apr_uint64_t n)
{
    if (hd_core.metric_add && n) {
        hd_core.metric_add("secmods_csp_reports_total",
                           apr_psprintf(r->pool, "outcome=\"%s\"", outcome), n);
    }
}

static int refuse(request_rec *r, int status, const char *code, const char *message)
{
    metric(r, "rejected", 1);
    if (hd_core.error) {
        return hd_core.error(r, SECHEADERS_MODULE, status, code, message, NULL);
    }
    return status;
}

/* 1 while this minute's budget of events is not spent. */
static int event_allowed(request_rec *r, int limit)
{
    apr_uint64_t minute = (apr_uint64_t)apr_time_sec(apr_time_now()) / 60, n;
    sec_store_t *local = hd_core.local_store ? hd_core.local_store() : NULL;
    static apr_uint64_t proc_minute, proc_count;

    if (limit <= 0) {
        return 0;
    }
    /* per virtual host: one site's flood does not silence another's */
    if (local && sec_store_incr(local, r->pool, "cspreport",
                                apr_psprintf(r->pool, "%s:%u:%" APR_UINT64_T_FMT,
                                             r->server->server_hostname ? r->server->server_hostname
                                                                        : "",
                                             (unsigned)r->server->port, minute),
                                1, 120, &n) == APR_SUCCESS) {
        return n <= (apr_uint64_t)limit;
    }
    /* no shared store: per process (a bound still, times the children) */
    if (__atomic_load_n(&proc_minute, __ATOMIC_RELAXED) != minute) {
        __atomic_store_n(&proc_minute, minute, __ATOMIC_RELAXED);
        __atomic_store_n(&proc_count, 0, __ATOMIC_RELAXED);
    }
    return __atomic_add_fetch(&proc_count, 1, __ATOMIC_RELAXED) <= (apr_uint64_t)limit;
}

/* Reads at most max bytes of body; -1 when there is more (413). */
static int read_body(request_rec *r, apr_off_t max, char **body, apr_size_t *len)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t got = 0;
    char *buf = apr_palloc(r->pool, (apr_size_t)max + 1);
    int rc;

    if (cl) {
        apr_off_t n;
        if (apr_strtoff(&n, cl, NULL, 10) != APR_SUCCESS || n < 0) {
            return HTTP_BAD_REQUEST;
        }
        if (n > max) {
            return HTTP_REQUEST_ENTITY_TOO_LARGE;
        }
    }
    if ((rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK) {
        return rc;
    }
    if (ap_should_client_block(r)) {
        long n;
        while ((n = ap_get_client_block(r, buf + got, (apr_size_t)max + 1 - got)) > 0) {
            got += (apr_size_t)n;
            if (got > (apr_size_t)max) {
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
        }
        if (n < 0) {
            return HTTP_BAD_REQUEST;
        }
    }
    buf[got] = '\0';
    *body = buf;
    *len = got;
    return OK;
}

static void write_report(request_rec *r, const sec_cspreport_t *rep, sec_cspreport_kind_e kind)
{
    if (hd_core.event) {
        json_t *extra = sec_cspreport_json(rep, kind);
        hd_core.event(r, SECHEADERS_MODULE, "csp.report", "report",
                      rep->effective_directive ? rep->effective_directive : "unknown", extra);
        json_decref(extra);
        return;
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(03020)
                  "CSP violation (%s): directive=%s blocked=%s document=%s source=%s line=%ld",
                  rep->disposition ? rep->disposition : "-",
                  rep->effective_directive ? rep->effective_directive : "-",
                  rep->blocked_uri ? rep->blocked_uri : "-",
                  rep->document_uri ? rep->document_uri : "-",
                  rep->source_file ? rep->source_file : "-", rep->line);
}

static int report_handler(request_rec *r)
{
    const hd_dir_t *d;
    sec_cspreport_kind_e kind;
    apr_array_header_t *list;
    const char *err = NULL;
    char *body = NULL;
    apr_size_t len = 0;
    int skipped = 0, written = 0, dropped = 0, i, rc, limit;

    if (!r->handler || strcmp(r->handler, SECHEADERS_REPORT_HANDLER)) {
        return DECLINED;
    }
    d = ap_get_module_config(r->per_dir_config, &secheaders_module);
    if (r->method_number != M_POST) {
        ap_allow_methods(r, 1, "POST", NULL);   /* httpd writes the Allow header */
        return refuse(r, HTTP_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                      "CSP reports are sent with POST.");
    }
    kind = sec_cspreport_kind(apr_table_get(r->headers_in, "Content-Type"));
    if (kind == SEC_CSPREPORT_NONE) {
        return refuse(r, HTTP_UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                      "Expected application/csp-report or application/reports+json.");
    }
    rc = read_body(r, d->report_max_body == -1 ? DEFAULT_MAX_BODY : d->report_max_body, &body,
                   &len);
    if (rc == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        return refuse(r, rc, "TOO_LARGE", "The report is too large.");
    }
    if (rc != OK) {
        return refuse(r, HTTP_BAD_REQUEST, "BAD_REQUEST", "The report could not be read.");
    }
    if (sec_cspreport_parse(r->pool, kind, body, len, MAX_REPORTS_PER_BODY, &list, &skipped,
                            &err) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SECLOGNO(03021)
                      "CSP report refused: %s", err);
        return refuse(r, HTTP_BAD_REQUEST, "BAD_REPORT", "The body is not a CSP report.");
    }
    limit = d->report_events_per_minute == -1 ? DEFAULT_EVENTS_PER_MINUTE
                                              : d->report_events_per_minute;
    for (i = 0; i < list->nelts; i++) {
        if (event_allowed(r, limit)) {
            write_report(r, &APR_ARRAY_IDX(list, i, sec_cspreport_t), kind);
            written++;
        }
        else {
            dropped++;
        }
    }
    metric(r, "accepted", (apr_uint64_t)written);
    metric(r, "dropped", (apr_uint64_t)(dropped + skipped));
    /* browsers ignore the answer; 204 says "received" without a body */
    r->status = HTTP_NO_CONTENT;
    return OK;
}

void hd_register_report_handler(void)
{
    ap_hook_handler(report_handler, NULL, NULL, APR_HOOK_MIDDLE);
}
