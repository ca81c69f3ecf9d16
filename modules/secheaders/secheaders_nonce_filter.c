/* mod_secheaders: SecCSPNonceInject, a streaming filter that adds the
 * request's nonce to the <script> tags of text/html responses, for
 * applications that cannot print $SECMODS_CSP_NONCE themselves.
 *
 * The page passes through the core library's tag scanner (sec_html.h): the
 * output is the input byte for byte plus ' nonce="..."' inside each <script
 * ...> start tag that has no nonce yet; tags split across brigades are
 * handled there, memory stays bounded. Skipped: responses that are not
 * text/html or application/xhtml+xml, and compressed ones (Content-Encoding
 * set, e.g. by a backend or a CGI gzipping itself: the bytes are not HTML),
 * with a debug line. Content-Length is removed, since the length changes.
 * The filter is a resource filter, so it runs before mod_deflate compresses.
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>
#include "secheaders.h"
#include "sec_html.h"
#include "sec_log.h"

APLOG_USE_MODULE(secheaders);

#define NONCE_FILTER "SECHEADERS_NONCE"

static ap_filter_rec_t *nonce_filter;

typedef struct {
    ap_filter_t *f;
    apr_bucket_brigade *out;
    sec_html_scanner_t *sc;
    const char *inside;               /* ' nonce="..."' */
} nf_ctx_t;

static void on_tag(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit)
{
    nf_ctx_t *ctx = baton;
    const char *v;

    if (tag->end || sec_html_attr(ctx->f->r->pool, tag, "nonce", &v)) {
        return;
    }
    edit->inside = ctx->inside;
}

static apr_status_t emit(void *baton, const char *data, apr_size_t len)
{
    nf_ctx_t *ctx = baton;
    return apr_brigade_write(ctx->out, ap_filter_flush, ctx->f->next, data, len);
}

static int is_html(const char *ct)
{
    return ct && (!strncasecmp(ct, "text/html", 9) || !strncasecmp(ct, "application/xhtml+xml", 21));
}

static apr_status_t nonce_filter_fn(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    nf_ctx_t *ctx = f->ctx;
    apr_status_t rv = APR_SUCCESS;

    if (!ctx) {
        static const char *const names[] = {"script", NULL};
        const char *nonce = hd_request_nonce(r);
        /* mod_mime's encodings are in r->content_encoding, a CGI's or a
         * backend's in the tables */
        const char *enc = r->content_encoding;

        if (!enc) {
            enc = apr_table_get(r->headers_out, "Content-Encoding");
        }
        if (!enc) {
            enc = apr_table_get(r->err_headers_out, "Content-Encoding");
        }
        if (!nonce || !is_html(r->content_type) || r->status == HTTP_NO_CONTENT ||
            r->status == HTTP_NOT_MODIFIED || r->header_only) {
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        if (enc && strcasecmp(enc, "identity")) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SECLOGNO(03040)
                          "SecCSPNonceInject: response is %s-encoded; left unchanged", enc);
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        apr_table_unset(r->headers_out, "Content-Length");
        apr_table_unset(r->err_headers_out, "Content-Length");
        /* validators describe the original bytes; these differ per request */
        apr_table_unset(r->headers_out, "ETag");
        ctx = f->ctx = apr_pcalloc(r->pool, sizeof(*ctx));
        ctx->f = f;
        ctx->out = apr_brigade_create(r->pool, f->c->bucket_alloc);
        ctx->inside = apr_pstrcat(r->pool, " nonce=\"", nonce, "\"", NULL);
        ctx->sc = sec_html_scanner_make(r->pool, names, on_tag, emit, ctx);
    }
    while (!APR_BRIGADE_EMPTY(bb)) {
        apr_bucket *b = APR_BRIGADE_FIRST(bb);
        if (APR_BUCKET_IS_EOS(b)) {
            if ((rv = sec_html_finish(ctx->sc)) != APR_SUCCESS) {
                return rv;
            }
            APR_BUCKET_REMOVE(b);
            APR_BRIGADE_INSERT_TAIL(ctx->out, b);
            rv = ap_pass_brigade(f->next, ctx->out);
            apr_brigade_cleanup(ctx->out);
            apr_brigade_cleanup(bb);
            return rv;
        }
        if (APR_BUCKET_IS_METADATA(b)) {
            /* FLUSH and others: pass along, in order */
            APR_BUCKET_REMOVE(b);
            APR_BRIGADE_INSERT_TAIL(ctx->out, b);
            if (APR_BUCKET_IS_FLUSH(b)) {
                rv = ap_pass_brigade(f->next, ctx->out);
                apr_brigade_cleanup(ctx->out);
                if (rv != APR_SUCCESS) {
                    return rv;
                }
            }
            continue;
        }
        {
            const char *data;
            apr_size_t len;
            rv = apr_bucket_read(b, &data, &len, APR_BLOCK_READ);
            if (rv != APR_SUCCESS) {
                return rv;
            }
            if (len && (rv = sec_html_feed(ctx->sc, data, len)) != APR_SUCCESS) {
                return rv;
            }
            apr_bucket_delete(b);
        }
    }
    if (!APR_BRIGADE_EMPTY(ctx->out)) {
        rv = ap_pass_brigade(f->next, ctx->out);
        apr_brigade_cleanup(ctx->out);
    }
    return rv;
}

void hd_insert_nonce_filter(request_rec *r, const hd_dir_t *d)
{
    if (d->nonce_inject == 1 && hd_enabled(d) && d->nonce > HD_NONCE_OFF) {
        ap_add_output_filter_handle(nonce_filter, NULL, r, r->connection);
    }
}

void hd_register_nonce_filter(void)
{
    nonce_filter = ap_register_output_filter(NONCE_FILTER, nonce_filter_fn, NULL,
                                             AP_FTYPE_RESOURCE);
}
