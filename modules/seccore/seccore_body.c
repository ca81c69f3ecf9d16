/* mod_seccore: request bodies read ahead and given back (seccore_body_read).
 *
 * Some checks need the body before the handler runs: mod_seccsrf looks for
 * its token field, AuthType SecHMAC verifies a signature over the body. The
 * application must still read the body it was sent, byte for byte: a CGI's
 * stdin, PHP's $_POST, a proxied backend. So the bytes read ahead are kept
 * (set aside in the request's pool) and the SECCORE_BODY input filter hands
 * them to whoever reads the body next, then passes further reads on to the
 * connection for the rest.
 *
 * The filter sits just above HTTP_IN (AP_FTYPE_PROTOCOL - 1) and is put in
 * place before the first byte is read, and reading ahead goes through the
 * filters below it only: what is kept is the body as it came off the
 * connection (de-chunked), whatever content input filters (SetInputFilter
 * DEFLATE ...) an admin adds above, and those see it once, when the handler
 * reads. Internal redirects (mod_rewrite, ErrorDocument) get a new filter
 * chain: insert_filter puts the filter in it again.
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>
#include "mod_seccore.h"
#include "seccore_config.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccore);

#define BODY_FILTER "SECCORE_BODY"

/* Kept on the request the client sent, shared by its internal redirects. */
typedef struct {
    apr_bucket_brigade *kept;   /* read ahead, not yet handed on */
    apr_off_t total;            /* bytes read ahead in all */
    int eos;                    /* the whole body was read (kept ends with it) */
    request_rec *attached;      /* the request whose chain has the filter */
    ap_filter_t *filter;        /* that filter */
} body_state_t;

static ap_filter_rec_t *body_filter;

static body_state_t *body_state(request_rec *r, int create)
{
    request_rec *top = seccore_initial_request(r);
    body_state_t *b = ap_get_module_config(top->request_config, &seccore_module);

    if (!b && create) {
        b = apr_pcalloc(top->pool, sizeof(*b));
        b->kept = apr_brigade_create(top->pool, r->connection->bucket_alloc);
        ap_set_module_config(top->request_config, &seccore_module, b);
    }
    return b;
}

static void body_attach(request_rec *r, body_state_t *b)
{
    if (b->attached != r) {
        b->filter = ap_add_input_filter_handle(body_filter, b, r, r->connection);
        b->attached = r;
    }
}

/* Hands the kept bytes out as HTTP_IN would have, then reads on. */
static apr_status_t body_replay(ap_filter_t *f, apr_bucket_brigade *bb, ap_input_mode_t mode,
                                apr_read_type_e block, apr_off_t readbytes)
{
    body_state_t *b = f->ctx;
    apr_bucket *e, *next;
    apr_status_t rv;

    if (APR_BRIGADE_EMPTY(b->kept)) {
        if (b->eos && (mode == AP_MODE_READBYTES || mode == AP_MODE_SPECULATIVE ||
                       mode == AP_MODE_GETLINE || mode == AP_MODE_EXHAUSTIVE)) {
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
            /* A look ahead: copies, the body stays. */
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

/* Shows fn the kept bytes (for a second reader of the same request). */
static int replay_to(body_state_t *b, seccore_body_fn *fn, void *baton)
{
    apr_bucket *e;

    for (e = APR_BRIGADE_FIRST(b->kept); e != APR_BRIGADE_SENTINEL(b->kept);
         e = APR_BUCKET_NEXT(e)) {
        const char *data;
        apr_size_t n;
        if (APR_BUCKET_IS_METADATA(e) || apr_bucket_read(e, &data, &n, APR_BLOCK_READ) !=
                                             APR_SUCCESS) {
            continue;
        }
        if (n && fn && !fn(baton, data, n)) {
            return 0;
        }
    }
    return 1;
}

int seccore_body_read(request_rec *r, apr_off_t max, seccore_body_fn *fn, void *baton,
                      int *complete)
{
    request_rec *top = seccore_initial_request(r);
    body_state_t *b = body_state(r, 1);
    apr_bucket_brigade *bb;
    apr_status_t rv;
    int more;

    body_attach(r, b);
    more = replay_to(b, fn, baton);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (more && !b->eos && b->total < max) {
        apr_off_t want = max - b->total < HUGE_STRING_LEN ? max - b->total : HUGE_STRING_LEN;
        /* Below our own filter: the raw body, never what we kept. */
        rv = ap_get_brigade(b->filter->next, bb, AP_MODE_READBYTES, APR_BLOCK_READ, want);
        if (rv != APR_SUCCESS) {
            /* A client that stopped, a broken chunk, LimitRequestBody: the
             * body is unusable for the application too. */
            apr_brigade_cleanup(bb);
            ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r, SECLOGNO(02110)
                          "reading the request body ahead failed (%s %s)",
                          ap_escape_logitem(r->pool, r->method),
                          ap_escape_logitem(r->pool, r->uri));
            *complete = 0;
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        if (APR_BRIGADE_EMPTY(bb)) {
            *complete = 0;
            return HTTP_BAD_REQUEST;   /* a blocking read that gave nothing */
        }
        while (!APR_BRIGADE_EMPTY(bb)) {
            apr_bucket *e = APR_BRIGADE_FIRST(bb);
            const char *data = NULL;
            apr_size_t n = 0;

            if (APR_BUCKET_IS_EOS(e)) {
                b->eos = 1;
            }
            else if (!APR_BUCKET_IS_METADATA(e)) {
                /* Set aside first, so the bytes fn sees stay valid as long
                 * as the request does. */
                rv = apr_bucket_setaside(e, top->pool);
                if (rv != APR_SUCCESS && rv != APR_ENOTIMPL) {
                    *complete = 0;
                    return HTTP_INTERNAL_SERVER_ERROR;
                }
                if ((rv = apr_bucket_read(e, &data, &n, APR_BLOCK_READ)) != APR_SUCCESS) {
                    *complete = 0;
                    return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
                }
                b->total += (apr_off_t)n;
            }
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(b->kept, e);
            if (n && more && fn) {
                more = fn(baton, data, n);
            }
        }
    }
    if (b->eos && apr_table_get(r->headers_in, "Transfer-Encoding")) {
        /* The whole body is here: hand it on with its length, for CGI
         * scripts that need CONTENT_LENGTH. */
        apr_table_unset(r->headers_in, "Transfer-Encoding");
        apr_table_setn(r->headers_in, "Content-Length", apr_off_t_toa(r->pool, b->total));
    }
    *complete = b->eos;
    return OK;
}

/* An internal redirect of a request whose body was read ahead. */
static void body_insert_filter(request_rec *r)
{
    body_state_t *b = body_state(r, 0);

    if (b) {
        body_attach(r, b);
    }
}

void seccore_register_body(void)
{
    /* Below every content input filter (INFLATE is AP_FTYPE_CONTENT_SET),
     * above HTTP_IN (AP_FTYPE_PROTOCOL). */
    body_filter = ap_register_input_filter(BODY_FILTER, body_replay, NULL,
                                           AP_FTYPE_PROTOCOL - 1);
    ap_hook_insert_filter(body_insert_filter, NULL, NULL, APR_HOOK_REALLY_FIRST);
}
