/* mod_seccsrf: the token field of a form body.
 *
 * Only when a token is needed (Fetch Metadata, Origin and Referer could not
 * decide) and none came in the header. mod_seccore reads the body ahead and
 * gives it back to the handler untouched (seccore_body_read): only as far as
 * needed -- until the field's value is complete, the body ends, or
 * SecCSRFBodyLimit bytes -- so an upload of any size costs only the bytes up
 * to the field (injected fields come first), and the application sees
 * exactly the bytes the client sent. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include "seccsrf.h"
#include "sec_form.h"

typedef struct {
    sec_form_t *form;
    sec_form_state_e state;
} field_search_t;

static int feed(void *baton, const char *data, apr_size_t len)
{
    field_search_t *fs = baton;

    fs->state = sec_form_feed(fs->form, data, len);
    return fs->state == SEC_FORM_MORE;
}

csrf_field_e csrf_body_field(request_rec *r, const csrf_dir_t *d, const char **value,
                             apr_size_t *len, int *overlong, int *http_status)
{
    field_search_t fs;
    int complete = 0, rc;

    *value = NULL;
    *len = 0;
    *overlong = 0;
    if (!ap_request_has_body(r) || !csrf_core.body_read ||
        sec_form_make(r->pool, apr_table_get(r->headers_in, "Content-Type"), csrf_token_field(d),
                      SEC_CSRF_TOKEN_MAX, &fs.form) != APR_SUCCESS) {
        return CSRF_FIELD_ABSENT;
    }
    fs.state = SEC_FORM_MORE;
    rc = csrf_core.body_read(r, (apr_off_t)csrf_body_limit(d), feed, &fs, &complete);
    if (rc != OK) {
        *http_status = rc;
        return CSRF_FIELD_ERROR;
    }
    if (fs.state == SEC_FORM_MORE && complete) {
        fs.state = sec_form_finish(fs.form);
    }
    if (fs.state != SEC_FORM_FOUND) {
        return CSRF_FIELD_ABSENT;
    }
    *value = sec_form_value(fs.form, len);
    *overlong = sec_form_overlong(fs.form);
    return CSRF_FIELD_FOUND;
}
