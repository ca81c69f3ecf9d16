/* mod_seccsrf: reading a form body ahead for the token field, and giving it
 * back to the handler untouched.
 *
 * Only when a token is needed (Fetch Metadata, Origin and Referer could not
 * decide) and none came in the header. The body is read through the
 * request's input filters only as far as needed: until the field's value
 * is complete, the body ends, or SecCSRFBodyLimit bytes. What was read is
 * kept (set aside in the request pool) and the SECCSRF_BODY input filter,
 * placed just above HTTP_IN, hands it to whoever reads the body next (a
 * CGI's stdin, PHP's $_POST, a proxy), then passes reads on to the network
 * for the rest. So an upload of any size costs only the bytes up to the
 * field (injected fields come first), and the application sees exactly
 * the bytes the client sent. A chunked body read to its end is handed on
 * with a Content-Length instead, for CGI scripts that need CONTENT_LENGTH.
 *
 * Internal redirects (mod_rewrite, DirectoryIndex) build new input filter
 * chains: fixups attaches the filter again to each (csrf_body_attach). */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include "seccsrf.h"
#include "sec_form.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccsrf);

#define BODY_FILTER "SECCSRF_BODY"

struct csrf_body_t {
    apr_bucket_brigade *kept;   /* read ahead, not yet handed on */
    int eos;                    /* the whole body is in kept (ending in EOS) */
    request_rec *attached;      /* whose input filters have the replay filter */
};

static ap_filter_rec_t *body_filter;

static apr_status_t body_replay(ap_filter_t *f, apr_bucket_brigade *bb, ap_input_mode_t mode,
                                apr_read_type_e block, apr_off_t readbytes)
{
    csrf_body_t *b = f->ctx;
    apr_bucket *e, *next;
    apr_status_t rv;

    if (APR_BRIGADE_EMPTY(b->kept)) {
        if (b->eos) {
            /* Handed on to its end: the body is over, as HTTP_IN says. */
            APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(f->c->bucket_alloc));
            return APR_SUCCESS;
        }
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    }
    switch (mode) {
    case AP_MODE_READBYTES:
    case AP_MODE_SPECULATIVE:
        rv = apr_brigade_partition(b->kept, readbytes, &next);
        if (rv != APR_SUCCESS && rv != APR_INCOMPLETE) {
            return rv;
        }
        if (mode == AP_MODE_SPECULATIVE) {
            /* Not consumed: hand out copies. */
            for (e = APR_BRIGADE_FIRST(b->kept); e != next; e = APR_BUCKET_NEXT(e)) {
                apr_bucket *copy;
                if ((rv = apr_bucket_copy(e, &copy)) != APR_SUCCESS) {
                    return rv;
                }
                APR_BRIGADE_INSERT_TAIL(bb, copy);
            }
            return APR_SUCCESS;
        }
        while ((e = APR_BRIGADE_FIRST(b->kept)) != next) {
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(bb, e);
        }
        return APR_SUCCESS;
    case AP_MODE_GETLINE:
        return apr_brigade_split_line(bb, b->kept, block, HUGE_STRING_LEN);
    case AP_MODE_EXHAUSTIVE:
        APR_BRIGADE_CONCAT(bb, b->kept);
        return APR_SUCCESS;
    default:
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    }
}

void csrf_body_attach(request_rec *r, csrf_req_t *st)
{
    if (st->body && st->body->attached != r) {
        ap_add_input_filter_handle(body_filter, st->body, r, r->connection);
        st->body->attached = r;
    }
}

csrf_field_e csrf_body_field(request_rec *r, const csrf_dir_t *d, csrf_req_t *st,
                             const char **value, apr_size_t *len, int *overlong,
                             int *http_status)
{
    request_rec *top = seccore_initial_request(r);
    sec_form_t *form;
    sec_form_state_e state = SEC_FORM_MORE;
    apr_bucket_brigade *bb;
    apr_size_t limit = csrf_body_limit(d);
    apr_off_t total = 0;
    csrf_body_t *b;
    apr_status_t rv;
    const char *te;

    *value = NULL;
    *len = 0;
    *overlong = 0;
    if (st->body || !ap_request_has_body(r) ||
        sec_form_make(r->pool, apr_table_get(r->headers_in, "Content-Type"), csrf_token_field(d),
                      SEC_CSRF_TOKEN_MAX, &form) != APR_SUCCESS) {
        return CSRF_FIELD_ABSENT;
    }
    b = apr_pcalloc(top->pool, sizeof(*b));
    b->kept = apr_brigade_create(top->pool, r->connection->bucket_alloc);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    st->body = b;

    while (state == SEC_FORM_MORE && !b->eos && (apr_size_t)total < limit) {
        apr_off_t want = limit - total < HUGE_STRING_LEN ? limit - total : HUGE_STRING_LEN;
        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, want);
        if (rv != APR_SUCCESS) {
            /* A client that stopped, a broken chunk, LimitRequestBody:
             * the body is unusable for the application too. */
            apr_brigade_cleanup(bb);
            ap_log_cerror(APLOG_MARK, APLOG_INFO, rv, r->connection, SECLOGNO(06007)
                          "SecCSRF: reading the request body for the token field failed "
                          "(%s %s)", ap_escape_logitem(r->pool, r->method),
                          ap_escape_logitem(r->pool, r->uri));
            *http_status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
            return CSRF_FIELD_ERROR;
        }
        while (!APR_BRIGADE_EMPTY(bb)) {
            apr_bucket *e = APR_BRIGADE_FIRST(bb);
            if (APR_BUCKET_IS_EOS(e)) {
                b->eos = 1;
            }
            else if (!APR_BUCKET_IS_METADATA(e)) {
                const char *data;
                apr_size_t n;
                rv = apr_bucket_read(e, &data, &n, APR_BLOCK_READ);
                if (rv != APR_SUCCESS) {
                    *http_status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
                    return CSRF_FIELD_ERROR;
                }
                if (state == SEC_FORM_MORE) {
                    state = sec_form_feed(form, data, n);
                }
                total += n;
            }
            /* Kept beyond this brigade's life: in the request's pool. */
            if ((rv = apr_bucket_setaside(e, top->pool)) != APR_SUCCESS && rv != APR_ENOTIMPL) {
                *http_status = HTTP_INTERNAL_SERVER_ERROR;
                return CSRF_FIELD_ERROR;
            }
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(b->kept, e);
        }
    }
    if (state == SEC_FORM_MORE && b->eos) {
        state = sec_form_finish(form);
    }
    csrf_body_attach(r, st);

    te = apr_table_get(r->headers_in, "Transfer-Encoding");
    if (b->eos && te) {
        /* The whole body is here: hand it on with its length. */
        apr_table_unset(r->headers_in, "Transfer-Encoding");
        apr_table_setn(r->headers_in, "Content-Length", apr_off_t_toa(r->pool, total));
    }
    if (state != SEC_FORM_FOUND) {
        return CSRF_FIELD_ABSENT;
    }
    *value = sec_form_value(form, len);
    *overlong = sec_form_overlong(form);
    return CSRF_FIELD_FOUND;
}

void csrf_body_register(void)
{
    /* Below every content filter an admin may add later (INFLATE, which
     * is AP_FTYPE_CONTENT_SET), above HTTP_IN (AP_FTYPE_PROTOCOL): what we
     * hand on is the raw body as it came off the connection. */
    body_filter = ap_register_input_filter(BODY_FILTER, body_replay, NULL,
                                           AP_FTYPE_PROTOCOL - 1);
}
