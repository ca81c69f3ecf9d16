/* mod_secsession: shared declarations of its files. */
#ifndef SECSESSION_H
#define SECSESSION_H

#include <httpd.h>
#include <http_config.h>
#include <apr_optional.h>
#include "mod_seccore.h"
#include "mod_secsession.h"
#include "sec_session.h"
#include "sec_cookie.h"

#define SS_MODULE_NAME "secsession"
#define SS_AUTH_TYPE "SecSession"
#define SS_HMAC_AUTH_TYPE "SecHMAC"
#define SS_LOGIN_HANDLER "secsession-login"
#define SS_LOGOUT_HANDLER "secsession-logout"
#define SS_APP_FILTER "SECSESSION_APP"

/* Defaults, applied when a value is read (unset is -1 / NULL). */
#define SS_DEFAULT_COOKIE_NAME "__Host-secsession"
#define SS_DEFAULT_IDLE apr_time_from_sec(30 * 60)
#define SS_DEFAULT_ABSOLUTE apr_time_from_sec(8 * 3600)
#define SS_DEFAULT_CACHE_TTL apr_time_from_sec(2)
#define SS_MAX_CACHE_TTL apr_time_from_sec(60)
#define SS_DEFAULT_CACHED_MAX apr_time_from_sec(15 * 60)
#define SS_DEFAULT_LOGIN_HEADER "X-SecSession-Login"
#define SS_DEFAULT_LOGOUT_HEADER "X-SecSession-Logout"
#define SS_DEFAULT_HDR_USER "X-Remote-User"
#define SS_DEFAULT_HDR_ROLES "X-Remote-Roles"
#define SS_DEFAULT_HDR_REF "X-Session-Ref"
#define SS_ENV_USER "SECSESSION_USER"
#define SS_ENV_ROLES "SECSESSION_ROLES"
#define SS_ENV_REF "SECSESSION_REF"
#define SS_ENV_HMAC_KEY "SECSESSION_HMAC_KEY_ID"
#define SS_DEFAULT_HMAC_SIG "X-Signature"
#define SS_DEFAULT_HMAC_TS "X-Timestamp"
#define SS_DEFAULT_HMAC_KID "X-Signature-Key"
#define SS_DEFAULT_HMAC_MAX_AGE 300
#define SS_DEFAULT_HMAC_SKEW 60
#define SS_DEFAULT_HMAC_MAX_BODY (1024 * 1024)
#define SS_FORM_MAX 16384

enum { SS_FAIL_UNSET = -1, SS_FAIL_DENY = 0, SS_FAIL_CACHED = 1, SS_FAIL_ALLOW = 2 };

/* Server (virtual host) configuration. */
typedef struct {
    const char *cookie_name;
    int cookie_secure;              /* -1 unset: on */
    int cookie_httponly;            /* -1 unset: on */
    int cookie_persistent;          /* -1 unset: off (a browser-session cookie) */
    const char *cookie_samesite;    /* NULL: Lax */
    const char *cookie_path;        /* NULL: / */
    const char *cookie_domain;      /* NULL: host-only */
    apr_interval_time_t cache_ttl;  /* -1 unset */
    apr_interval_time_t cache_keep; /* longest allow-cached window configured; 0 none */
    const char *login_header;       /* NULL: default */
    const char *logout_header;
    apr_array_header_t *scrub;      /* normalised names of identity headers to strip */
    const char *hmac_keyfile;
    sec_keyring_t *hmac_keyring;
    int hmac_perm_warning;

    /* runtime, set in post_config */
    sec_session_keys_t *keys;       /* from seccore's keyring, purpose "session-cookie" */
} ss_srv_t;

/* Per-directory configuration (policy). */
typedef struct {
    apr_interval_time_t idle, absolute;       /* -1 unset */
    const char *login_url;                    /* NULL unset; "" for none */
    int optional;                             /* -1 unset */
    int on_store_fail;                        /* SS_FAIL_* */
    apr_interval_time_t cached_max;
    int accept_login;                         /* -1 unset */
    apr_array_header_t *providers;            /* authn_provider_list*, NULL unset */
    const char *login_page;                   /* file contents; NULL unset */
    const char *role_file;                    /* path; NULL unset, "" none */
    apr_array_header_t *redirect_allow;       /* sec_origin_pattern_t; NULL unset */
    const char *logout_url;                   /* NULL unset */
    int clear_site_data;                      /* -1 unset */
    int identity_headers;                     /* -1 unset */
    const char *hdr_user, *hdr_roles, *hdr_ref;
    int pass_cookie;                          /* -1 unset */
    /* SecHMAC */
    const char *hmac_sig, *hmac_ts, *hmac_kid;
    apr_int64_t hmac_max_age, hmac_skew;      /* seconds, -1 unset */
    apr_int64_t hmac_max_body;                /* bytes, -1 unset */
    apr_array_header_t *hmac_origins;         /* sec_origin_pattern_t; NULL unset */
    int hmac_on_store_fail;                   /* SS_FAIL_DENY / SS_FAIL_ALLOW */
} ss_dir_t;

/* Per request, kept on the request the client sent. */
typedef struct {
    int looked;                 /* the cookie has been checked */
    apr_status_t status;        /* APR_SUCCESS, APR_NOTFOUND or an outage */
    const char *reason;         /* why there is no session */
    int cookie_stashed;         /* cookie_value holds the header's value */
    const char *cookie_value;   /* the first session cookie, before removal */
    int cookie_count;
    const char *id;             /* never logged */
    const char *ref;
    sec_session_record_t rec;
    secsession_info_t info;
    int from_stale_cache;       /* allowed from the local cache during an outage */
    int expire_cookie;          /* the client's cookie is dead: delete it */
    int cookie_written;         /* a Set-Cookie for ours is on the response */
} ss_req_t;

extern module AP_MODULE_DECLARE_DATA secsession_module;
extern const command_rec secsession_cmds[];

void *ss_create_srv(apr_pool_t *p, server_rec *s);
void *ss_merge_srv(apr_pool_t *p, void *base, void *add);
void *ss_create_dir(apr_pool_t *p, char *dir);
void *ss_merge_dir(apr_pool_t *p, void *base, void *add);

static inline ss_srv_t *ss_srv(server_rec *s)
{
    return ap_get_module_config(s->module_config, &secsession_module);
}
static inline ss_dir_t *ss_dir(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &secsession_module);
}

/* Values with their defaults applied. */
apr_interval_time_t ss_idle(const ss_dir_t *d);
apr_interval_time_t ss_absolute(const ss_dir_t *d);
apr_interval_time_t ss_cache_ttl(const ss_srv_t *c);
const char *ss_cookie_name(const ss_srv_t *c);
void ss_cookie_attrs(const ss_srv_t *c, sec_cookie_attrs_t *a);
const char *ss_login_header(const ss_srv_t *c);
const char *ss_logout_header(const ss_srv_t *c);
/* checks the cookie settings as browsers would (configtest) */
const char *ss_config_check(apr_pool_t *p, server_rec *s);

/* The optional functions of mod_seccore. */
typedef struct {
    APR_OPTIONAL_FN_TYPE(seccore_store) *store;
    APR_OPTIONAL_FN_TYPE(seccore_local_store) *local_store;
    APR_OPTIONAL_FN_TYPE(seccore_keyring) *keyring;
    APR_OPTIONAL_FN_TYPE(seccore_error) *error;
    APR_OPTIONAL_FN_TYPE(seccore_event) *event;
    APR_OPTIONAL_FN_TYPE(seccore_metric_add) *metric_add;
    APR_OPTIONAL_FN_TYPE(seccore_register_status) *register_status;
    APR_OPTIONAL_FN_TYPE(seccore_body_read) *body_read;
} ss_core_t;
extern ss_core_t ss_core;

void ss_event(request_rec *r, const char *event, const char *outcome, const char *reason,
              json_t *extra);
void ss_metric(request_rec *r, const char *family, const char *labels);

/* secsession_session.c: the session of a request, creating and ending one. */
ss_req_t *ss_req(request_rec *r);
/* Checks the request's cookie once (subrequests and internal redirects
 * share the answer). APR_SUCCESS, APR_NOTFOUND or an outage status. */
apr_status_t ss_load(request_rec *r, ss_req_t **st);
/* A new session for user (a new id: never the one the client sent). */
apr_status_t ss_create(request_rec *r, const char *user, const char *roles, const char *method);
/* Ends the request's session, if any; everywhere also ends every other
 * session of its user. how: "logout", "app-logout" ... */
void ss_end(request_rec *r, const char *how, int everywhere);
/* Remember the raw cookie before the header is rewritten. */
void ss_stash_cookie(request_rec *r, ss_req_t *st);
/* Set-Cookie deleting the client's cookie, once. */
void ss_expire_cookie(request_rec *r, ss_req_t *st);
void ss_clear_site_data(request_rec *r);
apr_status_t ss_bump_user_generation(request_rec *r, const char *user);

/* secsession_auth.c */
int ss_check_authn(request_rec *r);
int ss_note_auth_failure(request_rec *r, const char *auth_type);
/* the 401 of an authenticated user becomes 403 (insert_error_filter) */
void ss_forbid_status(request_rec *r);
void ss_register_authz(apr_pool_t *p);
int ss_is_navigation(request_rec *r);
/* Sec-Fetch-Site / Origin say the request comes from another site. */
int ss_cross_site(request_rec *r);

/* secsession_identity.c */
int ss_post_read_request(request_rec *r);
void ss_set_identity(request_rec *r, ss_req_t *st);
void ss_hide_cookie(request_rec *r, ss_req_t *st);
void ss_scrub_add(apr_pool_t *p, ss_srv_t *c, const char *name);

/* secsession_handlers.c */
int ss_handler(request_rec *r);
const char *ss_redirect_target(request_rec *r, const ss_dir_t *d, const char *want,
                               const char *fallback);

/* secsession_app.c: login/logout assertions in application responses. */
void ss_register_app_filter(void);
void ss_insert_app_filter(request_rec *r);

/* secsession_hmac.c */
int ss_hmac_authn(request_rec *r);

#endif
