/* mod_seccsrf: shared declarations of its files. */
#ifndef SECCSRF_H
#define SECCSRF_H

#include <httpd.h>
#include <http_config.h>
#include <ap_expr.h>
#include <util_filter.h>
#include "mod_seccore.h"
#include "mod_secsession.h"
#include "sec_csrf.h"

#define CSRF_MODULE_NAME "seccsrf"

enum { CSRF_UNSET = -1, CSRF_OFF = 0, CSRF_ON = 1, CSRF_REPORT = 2 };

#define CSRF_DEFAULT_HEADER "X-CSRF-Token"
#define CSRF_DEFAULT_FIELD "_csrf"
#define CSRF_DEFAULT_BODY_LIMIT (1024 * 1024)
#define CSRF_BODY_LIMIT_MIN 1024
#define CSRF_BODY_LIMIT_MAX (64 * 1024 * 1024)
#define CSRF_DEFAULT_COOKIE "secmods-csrf"
#define CSRF_DEFAULT_TOKEN_COOKIE "csrf-token"
#define CSRF_ENV_TOKEN "SECMODS_CSRF_TOKEN"
#define CSRF_ENV_FIELD "SECMODS_CSRF_FIELD"
#define CSRF_ENV_HEADER "SECMODS_CSRF_HEADER"

typedef struct {
    const char *cookie;          /* pre-session cookie name; NULL: default */
    const char *token_cookie;    /* JS-readable token cookie; NULL: default */
    int token_cookie_off;        /* -1 unset, 1 "off" */
} csrf_srv_t;

typedef struct {
    int mode;                          /* CSRF_UNSET/OFF/ON/REPORT */
    apr_array_header_t *trusted;       /* sec_origin_pattern_t; NULL: unset */
    int token;                         /* -1, 0, 1 */
    const char *token_header;          /* NULL: default */
    const char *token_field;           /* NULL: default */
    apr_int64_t body_limit;            /* -1: default */
    int no_origin_refuse;              /* -1, 0 "token", 1 "refuse" */
    int inject;                        /* -1, 0, 1 */
    apr_array_header_t *exempt;        /* ap_expr_info_t*; NULL: unset */
} csrf_dir_t;

extern module AP_MODULE_DECLARE_DATA seccsrf_module;
extern const command_rec seccsrf_cmds[];

void *csrf_create_srv(apr_pool_t *p, server_rec *s);
void *csrf_merge_srv(apr_pool_t *p, void *base, void *add);
void *csrf_create_dir(apr_pool_t *p, char *dir);
void *csrf_merge_dir(apr_pool_t *p, void *base, void *add);

/* Values with defaults applied. */
static inline int csrf_tokens_on(const csrf_dir_t *d)
{
    return d->token == 1 || d->inject == 1;
}
static inline const char *csrf_token_header(const csrf_dir_t *d)
{
    return d->token_header ? d->token_header : CSRF_DEFAULT_HEADER;
}
static inline const char *csrf_token_field(const csrf_dir_t *d)
{
    return d->token_field ? d->token_field : CSRF_DEFAULT_FIELD;
}
static inline apr_size_t csrf_body_limit(const csrf_dir_t *d)
{
    return d->body_limit > 0 ? (apr_size_t)d->body_limit : CSRF_DEFAULT_BODY_LIMIT;
}

/* Servers where SecCSRFToken/SecCSRFInjectForms was switched on while the
 * configuration was read: each needs a keyring (checked at start-up). */
void csrf_config_reset(void);
const char *csrf_config_check_keys(apr_pool_t *p, server_rec *s);

/* The optional functions of other modules this one uses. */
typedef struct {
    APR_OPTIONAL_FN_TYPE(seccore_keyring) *keyring;
    APR_OPTIONAL_FN_TYPE(seccore_error) *error;
    APR_OPTIONAL_FN_TYPE(seccore_event) *event;
    APR_OPTIONAL_FN_TYPE(seccore_metric_add) *metric_add;
    APR_OPTIONAL_FN_TYPE(seccore_request_id) *request_id;
    APR_OPTIONAL_FN_TYPE(seccore_body_read) *body_read;
    APR_OPTIONAL_FN_TYPE(secsession_current) *session_current;   /* NULL: not loaded */
} csrf_core_t;
extern csrf_core_t csrf_core;

/* Per client request (kept on the initial request, shared by its internal
 * redirects). */
typedef struct {
    int decided;                 /* the checks ran and let the request through */
    int binding_done;            /* binding looked up (whatever the result) */
    apr_status_t binding_rv;     /* APR_SUCCESS, APR_NOTFOUND or an outage */
    const char *binding;         /* "s:<ref>" / "p:<cookie>" */
    int binding_dup;             /* several pre-session cookies: cookie tossing */
    const char *token;           /* this response's token, once issued */
    int issued;                  /* cookies and token prepared */
    const sec_origin_t *self;
    int self_done;
} csrf_req_t;

csrf_req_t *csrf_req(request_rec *r);

/* seccsrf_check.c: the checks of fixups. */
int csrf_check(request_rec *r, const csrf_dir_t *d, csrf_req_t *st);
const sec_origin_t *csrf_self_origin(request_rec *r, csrf_req_t *st);

/* seccsrf_token.c: bindings, issuing and verifying tokens. */
const char *csrf_cookie_name(request_rec *r);
const char *csrf_token_cookie_name(request_rec *r);
apr_status_t csrf_binding(request_rec *r, csrf_req_t *st, int create);
void csrf_issue(request_rec *r, const csrf_dir_t *d, csrf_req_t *st);
sec_csrf_token_status_e csrf_verify(request_rec *r, csrf_req_t *st, const char *token,
                                    apr_size_t len);
const sec_keyring_t *csrf_keyring(request_rec *r);

/* seccsrf_body.c: the token field of a form body (read ahead by seccore). */
typedef enum {
    CSRF_FIELD_FOUND = 0,     /* *value set */
    CSRF_FIELD_ABSENT,        /* not a form, or no such field within the limit */
    CSRF_FIELD_ERROR          /* reading failed: *http_status says how to answer */
} csrf_field_e;
csrf_field_e csrf_body_field(request_rec *r, const csrf_dir_t *d, const char **value,
                             apr_size_t *len, int *overlong, int *http_status);

/* seccsrf_inject.c: the output filter. */
void csrf_inject_register(void);
void csrf_inject_insert(request_rec *r);

#endif
