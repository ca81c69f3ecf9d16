/* mod_seccsrf: SECCSRF_INJECT, the output filter that adds a hidden token
 * field to the POST forms of HTML pages an application can't be changed to
 * print itself (SecCSRFInjectForms on).
 *
 * The page is scanned with the core library's streaming tag scanner
 * (sec_html.h: tags split across buckets, any case, any quoting, comments
 * and raw-text elements skipped); output is the input plus the field:
 *
 *   - only text/html responses without a Content-Encoding: a compressed
 *     body (a CGI that gzips, a proxied backend) is passed on untouched and
 *     logged (SEC06006). mod_deflate in the same server runs after this
 *     filter (AP_FTYPE_CONTENT_SET + 1 against our AP_FTYPE_RESOURCE), so
 *     pages it compresses are injected first, then compressed;
 *   - only <form> start tags with method=post whose action submits to this
 *     origin (sec_csrf_action_same_origin, and <base href>): a token is
 *     never handed to another site;
 *   - the field goes right after the <form ...> tag, so it is the first
 *     field of the submitted body: the body reader finds it in the first
 *     bytes even of a huge multipart upload, without buffering the file;
 *   - a form that already has a field of that name (an application that
 *     prints SECMODS_CSRF_TOKEN itself) is left exactly as it was: the
 *     output after an injected <form> is held back (at most
 *     INJECT_LOOKAHEAD bytes) until </form>, an <input> of that name (then
 *     our field is taken out again) or the bound (then it stays);
 *   - Content-Length and ETag are removed (the body changed; httpd sends
 *     the new length or chunks), Vary: Cookie was set when the token was
 *     issued.
 * The token is base64url and '.', so it needs no escaping; it is escaped
 * anyway (sec_html_escape), as is the field name.
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "seccsrf.h"
#include "sec_html.h"
#include "sec_envelope.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccsrf);

#define INJECT_FILTER "SECCSRF_INJECT"
#define INJECT_LOOKAHEAD (32 * 1024)
#define INJECT_PASS_AT (32 * 1024)   /* pass output on in pieces of about this */

static ap_filter_rec_t *inject_filter;
static const char *const scan_names[] = {"form", "input", "base", NULL};

typedef struct {
    request_rec *r;
    sec_html_scanner_t *sc;
    apr_bucket_brigade *out;
    apr_pool_t *tmp;             /* attribute values, cleared per brigade */
    const char *field;           /* the <input> we add */
    apr_size_t field_len;
    const char *field_name;
    const sec_origin_t *self;
    int base_seen, base_cross;
    int in_form;
    int pending;                 /* output after an injected <form> held back */
    char *pbuf;
    apr_size_t plen;
    int started, skip;
    int injected;
} inject_ctx_t;

static void out_write(inject_ctx_t *c, const char *data, apr_size_t len)
{
    apr_brigade_write(c->out, NULL, NULL, data, len);
}

/* Releases what was held back (our field stays in). */
static void commit(inject_ctx_t *c)
{
    if (c->pending) {
        c->pending = 0;
        out_write(c, c->pbuf, c->plen);
        c->plen = 0;
    }
}

static apr_status_t emit(void *baton, const char *data, apr_size_t len)
{
    inject_ctx_t *c = baton;

    if (c->pending) {
        if (c->plen + len <= INJECT_LOOKAHEAD) {
            memcpy(c->pbuf + c->plen, data, len);
            c->plen += len;
            return APR_SUCCESS;
        }
        commit(c);   /* a long form: the field stays, whatever follows */
    }
    out_write(c, data, len);
    return APR_SUCCESS;
}

static const char *trim(apr_pool_t *p, const char *s)
{
    apr_size_t n;

    while (apr_isspace(*s)) {
        s++;
    }
    n = strlen(s);
    while (n > 0 && apr_isspace(s[n - 1])) {
        n--;
    }
    return apr_pstrmemdup(p, s, n);
}

static void on_tag(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit)
{
    inject_ctx_t *c = baton;
    const char *v = NULL;

    if (!strcmp(tag->name, "form")) {
        if (tag->end) {
            c->in_form = 0;
            commit(c);
            return;
        }
        if (c->in_form) {
            return;   /* nested: browsers ignore the inner <form> */
        }
        c->in_form = 1;
        if (!sec_html_attr(c->tmp, tag, "method", &v) || strcasecmp(trim(c->tmp, v), "post")) {
            return;
        }
        v = NULL;
        sec_html_attr(c->tmp, tag, "action", &v);
        if (!sec_csrf_action_same_origin(c->tmp, v, c->self, c->base_cross)) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, c->r, SECLOGNO(06011)
                          "SecCSRFInjectForms: a form posts to another origin; no token added");
            return;
        }
        edit->after = c->field;
        c->pending = 1;
        c->plen = 0;
        c->injected++;
        return;
    }
    if (!strcmp(tag->name, "input")) {
        if (c->pending && !tag->end && sec_html_attr(c->tmp, tag, "name", &v) &&
            !strcmp(v, c->field_name)) {
            /* The form has its own token field: take ours out again. */
            char *at = NULL;
            apr_size_t i;
            for (i = 0; c->plen >= c->field_len && i <= c->plen - c->field_len; i++) {
                if (!memcmp(c->pbuf + i, c->field, c->field_len)) {
                    at = c->pbuf + i;
                    break;
                }
            }
            if (at) {
                memmove(at, at + c->field_len, c->plen - (at - c->pbuf) - c->field_len);
                c->plen -= c->field_len;
                c->injected--;
            }
            commit(c);
        }
        return;
    }
    if (!strcmp(tag->name, "base") && !tag->end && !c->base_seen) {
        /* The first <base href> sets where relative actions go. */
        if (sec_html_attr(c->tmp, tag, "href", &v)) {
            c->base_seen = 1;
            c->base_cross = sec_csrf_base_cross(c->tmp, v, c->self);
        }
    }
}

static int is_html(const char *ct)
{
    apr_size_t n = sizeof("text/html") - 1;

    return ct && !strncasecmp(ct, "text/html", n) &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/* Decided once, at the first brigade (the headers are final by then). */
static int start(ap_filter_t *f, inject_ctx_t *c)
{
    request_rec *r = f->r;
    csrf_req_t *st = csrf_req(r);
    const csrf_dir_t *d = ap_get_module_config(r->per_dir_config, &seccsrf_module);
    /* CGI scripts' headers land in err_headers_out (kept on errors too). */
    const char *ce = apr_table_get(r->headers_out, "Content-Encoding");

    c->started = 1;
    if (r->header_only || !st->token || !is_html(r->content_type)) {
        return 0;
    }
    if (!ce) {
        ce = apr_table_get(r->err_headers_out, "Content-Encoding");
    }
    if (!ce) {
        ce = r->content_encoding;
    }
    if (ce && strcasecmp(ce, "identity")) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SECLOGNO(06006)
                      "SecCSRFInjectForms: the response is already compressed "
                      "(Content-Encoding: %s); its forms get no token field",
                      ap_escape_logitem(r->pool, ce));
        return 0;
    }
    c->r = r;
    c->self = csrf_self_origin(r, st);
    c->field_name = csrf_token_field(d);
    c->field = apr_pstrcat(r->pool, "<input type=\"hidden\" name=\"",
                           sec_html_escape(r->pool, c->field_name), "\" value=\"",
                           sec_html_escape(r->pool, st->token), "\">", NULL);
    c->field_len = strlen(c->field);
    c->pbuf = apr_palloc(r->pool, INJECT_LOOKAHEAD);
    c->out = apr_brigade_create(r->pool, f->c->bucket_alloc);
    apr_pool_create(&c->tmp, r->pool);
    c->sc = sec_html_scanner_make(r->pool, scan_names, on_tag, emit, c);
    apr_table_unset(r->headers_out, "Content-Length");
    apr_table_unset(r->headers_out, "ETag");
    apr_table_unset(r->err_headers_out, "ETag");
    return 1;
}

static apr_status_t pass_out(ap_filter_t *f, inject_ctx_t *c)
{
    apr_status_t rv = APR_SUCCESS;

    if (!APR_BRIGADE_EMPTY(c->out)) {
        rv = ap_pass_brigade(f->next, c->out);
        apr_brigade_cleanup(c->out);
    }
    return rv;
}

static apr_status_t inject_out(ap_filter_t *f, apr_bucket_brigade *bb)
{
    inject_ctx_t *c = f->ctx;
    apr_status_t rv = APR_SUCCESS;

    if (!c) {
        c = f->ctx = apr_pcalloc(f->r->pool, sizeof(*c));
    }
    if (!c->started && !start(f, c)) {
        c->skip = 1;
    }
    if (c->skip) {
        ap_remove_output_filter(f);
        return ap_pass_brigade(f->next, bb);
    }
    while (!APR_BRIGADE_EMPTY(bb)) {
        apr_bucket *e = APR_BRIGADE_FIRST(bb);
        const char *data;
        apr_size_t len;

        if (APR_BUCKET_IS_EOS(e)) {
            rv = sec_html_finish(c->sc);
            commit(c);
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(c->out, e);
            ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, f->r, SECLOGNO(06012)
                          "SecCSRFInjectForms: %d form(s) given a token field", c->injected);
            rv = pass_out(f, c);
            apr_brigade_cleanup(bb);
            apr_pool_clear(c->tmp);
            return rv;
        }
        if (APR_BUCKET_IS_FLUSH(e)) {
            /* What is held back for a form stays held: the form is not
             * complete yet, and the bound keeps that short. */
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(c->out, e);
            if ((rv = pass_out(f, c)) != APR_SUCCESS) {
                return rv;
            }
            continue;
        }
        if (APR_BUCKET_IS_METADATA(e)) {
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(c->out, e);
            continue;
        }
        rv = apr_bucket_read(e, &data, &len, APR_NONBLOCK_READ);
        if (APR_STATUS_IS_EAGAIN(rv)) {
            /* A CGI still writing: send what we have before waiting. */
            APR_BRIGADE_INSERT_TAIL(c->out, apr_bucket_flush_create(f->c->bucket_alloc));
            if ((rv = pass_out(f, c)) != APR_SUCCESS) {
                return rv;
            }
            rv = apr_bucket_read(e, &data, &len, APR_BLOCK_READ);
        }
        if (rv != APR_SUCCESS) {
            return rv;
        }
        if ((rv = sec_html_feed(c->sc, data, len)) != APR_SUCCESS) {
            return rv;
        }
        apr_bucket_delete(e);
        if (c->out && !APR_BRIGADE_EMPTY(c->out)) {
            apr_off_t n = 0;
            apr_brigade_length(c->out, 0, &n);
            if (n >= INJECT_PASS_AT && (rv = pass_out(f, c)) != APR_SUCCESS) {
                return rv;
            }
        }
    }
    rv = pass_out(f, c);
    apr_pool_clear(c->tmp);
    return rv;
}

void csrf_inject_insert(request_rec *r)
{
    const csrf_dir_t *d = ap_get_module_config(r->per_dir_config, &seccsrf_module);

    if (d->inject != 1 || r->main || !csrf_req(r)->token) {
        return;
    }
    ap_add_output_filter_handle(inject_filter, NULL, r, r->connection);
}

void csrf_inject_register(void)
{
    /* AP_FTYPE_RESOURCE: with the content, before any compression. */
    inject_filter = ap_register_output_filter(INJECT_FILTER, inject_out, NULL, AP_FTYPE_RESOURCE);
}
