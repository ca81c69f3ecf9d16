/* mod_seccore per request: request ids, audit events and the error envelope. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_request.h>
#include <http_protocol.h>
#include <util_filter.h>
#include <apr_strings.h>
#include "mod_seccore.h"
#include "seccore_config.h"
#include "sec_reqid.h"
#include "sec_event.h"
#include "sec_envelope.h"
#include "sec_accept.h"
#include "sec_cidr.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccore);

#define NOTE_REQID "secmods-request-id"
#define NOTE_ERROR_CTYPE "secmods-error-ctype"
#define ERROR_FILTER "SECCORE_ERROR_CTYPE"
/* A pipe write of up to PIPE_BUF bytes is atomic: longer event lines could
 * interleave with another child's. */
#define EVENT_LINE_MAX 4000

static ap_filter_rec_t *error_filter;

static const char *reqid_header(server_rec *s)
{
    const char *h = seccore_srv(s)->reqid_header;
    return h ? h : SECCORE_DEFAULT_REQID_HEADER;
}

/* An incoming id is kept only from a trusted peer (a proxy or load balancer
 * in SecRequestIDTrustFrom): the TCP peer, not a forwarded address. */
static const char *trusted_incoming_id(request_rec *r)
{
    seccore_srv_t *c = seccore_srv(r->server);
    const char *in;
    sec_ip_t peer;

    if (!c->reqid_trusted) {
        return NULL;
    }
    in = apr_table_get(r->headers_in, reqid_header(r->server));
    if (!in || !sec_reqid_valid(in)) {
        return NULL;
    }
    if (sec_ip_parse(r->connection->client_ip, &peer) != APR_SUCCESS ||
        !sec_cidr_list_contains(c->reqid_trusted, &peer)) {
        return NULL;
    }
    return in;
}

const char *seccore_request_id(request_rec *r)
{
    request_rec *top = seccore_initial_request(r);
    const char *id = apr_table_get(top->notes, NOTE_REQID);

    if (id) {
        return id;
    }
    id = trusted_incoming_id(top);
    if (!id) {
        /* mod_unique_id's id, when it is loaded, so logs agree */
        const char *u = apr_table_get(top->subprocess_env, "UNIQUE_ID");
        if (u && sec_reqid_valid(u)) {
            id = u;
        }
    }
    if (!id) {
        id = sec_reqid_generate(top->pool);
        if (!id) {
            /* RNG failure: an id must still exist; this one is unique
             * enough for correlation and carries no security weight. */
            id = apr_psprintf(top->pool, "t%" APR_TIME_T_FMT "-%" APR_PID_T_FMT,
                              top->request_time, getpid());
        }
    }
    apr_table_setn(top->notes, NOTE_REQID, id);
    return id;
}

static int seccore_post_read_request(request_rec *r)
{
    const char *id = seccore_request_id(r);
    const char *h = reqid_header(r->server);

    /* err_headers_out: on every response, errors included. The request
     * header is replaced so the app and any backend see the same id and an
     * untrusted client's choice never reaches them. */
    apr_table_setn(r->err_headers_out, h, id);
    apr_table_setn(r->headers_in, h, id);
    apr_table_setn(r->subprocess_env, SECCORE_REQID_ENV, id);
    return DECLINED;
}

/* --- audit events ---------------------------------------------------------- */

void seccore_event(request_rec *r, const char *mod_name, const char *event, const char *outcome,
                   const char *reason, json_t *extra)
{
    seccore_srv_t *c = seccore_srv(r->server);
    sec_event_t ev;
    sec_event_opts_t opts;
    char *line;
    apr_size_t len;
    apr_status_t rv;
    request_rec *top = seccore_initial_request(r);

    if (!c->event_fd) {
        return;
    }
    memset(&ev, 0, sizeof(ev));
    ev.time = apr_time_now();
    ev.request_id = seccore_request_id(r);
    ev.module = mod_name;
    ev.event = event;
    ev.client_ip = r->useragent_ip;
    ev.user = r->user ? r->user : top->user;
    ev.method = top->method;
    ev.path = top->parsed_uri.path ? top->parsed_uri.path : top->uri;
    ev.outcome = outcome;
    ev.reason = reason;
    ev.extra = extra;
    opts.truncate_ip = c->event_truncate_ip == 1;
    line = sec_event_json_line(r->pool, &ev, &opts);
    len = strlen(line);
    if (len > EVENT_LINE_MAX) {
        /* Keep the event, lose the attacker-sized parts. */
        ev.extra = NULL;
        ev.path = "(too long)";
        if (ev.user && strlen(ev.user) > 256) {
            ev.user = "(too long)";
        }
        if (ev.reason && strlen(ev.reason) > 256) {
            ev.reason = "(too long)";
        }
        line = sec_event_json_line(r->pool, &ev, &opts);
        len = strlen(line);
    }
    rv = apr_file_write_full(c->event_fd, line, len, NULL);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, SECLOGNO(02101)
                      "SecEventLog: cannot write an event (%s)", event);
    }
    seccore_metric_add("secmods_events_total",
                       apr_psprintf(r->pool, "module=\"%s\",outcome=\"%s\"",
                                    mod_name ? mod_name : "", outcome ? outcome : ""), 1);
}

/* --- the error envelope ------------------------------------------------------ */

int seccore_error(request_rec *r, const char *mod_name, int status, const char *code,
                  const char *message, json_t *extra)
{
    sec_envelope_t e;
    sec_format_e fmt = sec_accept_preferred(apr_table_get(r->headers_in, "Accept"));
    char *body;

    memset(&e, 0, sizeof(e));
    e.status = status;
    e.code = code;
    e.message = message;
    e.request_id = seccore_request_id(r);
    e.extra = extra;
    body = fmt == SEC_FORMAT_JSON ? sec_envelope_json(r->pool, &e) : sec_envelope_html(r->pool, &e);
    /* httpd writes a custom response text as the error body; our error
     * filter then corrects the content type it forces to text/html. */
    ap_custom_response(r, status, body);
    apr_table_setn(seccore_initial_request(r)->notes, NOTE_ERROR_CTYPE,
                   fmt == SEC_FORMAT_JSON ? "application/json" : "text/html; charset=utf-8");
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_mergen(r->err_headers_out, "Vary", "Accept");
    /* Codes are the modules' own constants, never request data: the label
     * set stays small. */
    seccore_metric_add("secmods_denials_total",
                       apr_psprintf(r->pool, "module=\"%s\",code=\"%s\"",
                                    mod_name ? mod_name : "", code ? code : ""), 1);
    return status;
}

static apr_status_t error_ctype_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    const char *ct = apr_table_get(seccore_initial_request(r)->notes, NOTE_ERROR_CTYPE);

    if (ct) {
        ap_set_content_type(r, ct);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void seccore_insert_error_filter(request_rec *r)
{
    /* httpd answers a malformed request line or header (400, 414, 431)
     * before post_read_request runs: the id is still owed to the client. */
    if (!apr_table_get(seccore_initial_request(r)->notes, NOTE_REQID)) {
        apr_table_setn(r->err_headers_out, reqid_header(r->server), seccore_request_id(r));
    }
    if (apr_table_get(seccore_initial_request(r)->notes, NOTE_ERROR_CTYPE)) {
        ap_add_output_filter_handle(error_filter, NULL, r, r->connection);
    }
}

void seccore_register_request_hooks(void)
{
    /* After mod_unique_id, so its id is used when it is loaded. */
    static const char *const after_unique_id[] = {"mod_unique_id.c", NULL};

    ap_hook_post_read_request(seccore_post_read_request, after_unique_id, NULL,
                              APR_HOOK_FIRST);
    ap_hook_insert_error_filter(seccore_insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
    error_filter = ap_register_output_filter(ERROR_FILTER, error_ctype_filter, NULL,
                                             AP_FTYPE_CONTENT_SET);
}
