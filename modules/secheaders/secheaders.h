/* mod_secheaders: shared declarations of its files. */
#ifndef SECHEADERS_H
#define SECHEADERS_H

#include <httpd.h>
#include <http_config.h>
#include <apr_thread_mutex.h>
#include "sec_csp.h"
#include "sec_headers.h"
#include "mod_seccore.h"

#define SECHEADERS_MODULE "secheaders"
#define SECHEADERS_NONCE_ENV "SECMODS_CSP_NONCE"
#define SECHEADERS_NONCE_NOTE "secmods-csp-nonce"
#define SECHEADERS_REPORT_HANDLER "seccsp-report"

enum { HD_ENV_PRODUCTION = 0, HD_ENV_DEVELOPMENT = 1 };
enum { HD_CSP_ENFORCE = 0, HD_CSP_REPORT_ONLY = 1, HD_CSP_OFF = 2 };
enum { HD_NONCE_OFF = 0, HD_NONCE_SCRIPT = 1, HD_NONCE_SCRIPT_STYLE = 2 };

/* A resolved CSP: the model and everything rendered from it, built once per
 * (inherited policy, section) pair and shared by every request after. */
typedef struct {
    sec_csp_t *model;
    const char *report_uri;             /* NULL: none */
    const char *header;                 /* the rendered value */
    const char *reporting_endpoints;    /* Reporting-Endpoints value, or NULL */
    apr_array_header_t *tpl_script;     /* nonce templates (sec_csp_nonce_template) */
    apr_array_header_t *tpl_style;
} hd_csp_t;

/* One CSP change a section makes, in the order written. */
typedef enum { HD_OP_ADD, HD_OP_REPLACE, HD_OP_PRESET, HD_OP_REPORT_URI } hd_op_kind_e;
typedef struct {
    hd_op_kind_e kind;
    const char *directive;              /* ADD/REPLACE; preset name; report uri ("" = off) */
    int n;
    const char **sources;
} hd_op_t;

/* Cache of resolutions for one section: inherited hd_csp_t* -> result.
 * Read without the lock (entries are published with a release store of n);
 * filled under it. Full: resolved per request (logged once). */
#define HD_MEMO_MAX 16
typedef struct {
    const void *base;
    const hd_csp_t *result;
} hd_memo_entry_t;
typedef struct {
    apr_thread_mutex_t *lock;
    apr_pool_t *pool;
    int n;
    hd_memo_entry_t e[HD_MEMO_MAX];
} hd_memo_t;

typedef struct {
    int enabled;                        /* -1 unset (on once a profile is set), 0, 1 */
    int profile;                        /* -1: strict */
    int environment;                    /* -1: production */
    const char *frame_options;          /* NULL: profile's; "": none */
    const char *referrer_policy;        /* NULL: profile's */
    const char *coep;                   /* NULL: none; "": explicitly off */
    const char *hsts;                   /* NULL: default; "": off */
    int no_store_auth;                  /* -1: profile's */

    /* leaky headers: the defaults plus every SecHeadersRemove up the tree,
     * until a "SecHeadersRemove none" */
    apr_array_header_t *remove;         /* const char* added here (merged: all) */
    int remove_reset;                   /* 1: "none" here: drop inherited and defaults */
    int remove_defaults;                /* merged: -1/1 defaults apply, 0 not */

    /* CSP */
    apr_array_header_t *csp_ops;        /* this section's hd_op_t; NULL: none */
    hd_memo_t *memo;                    /* sections with ops or a profile */
    const hd_csp_t *csp;                /* merged: the resolved policy; NULL: profile's */
    /* merged: the sections with CSP changes (hd_dir_t* with a memo), in
     * order. httpd merges <Location> sections (and .htaccess files) among
     * themselves first and the result onto the directory config, so a
     * merged config must be able to replay its changes on another base. */
    apr_array_header_t *chain;
    int csp_mode;                       /* -1: enforce */
    int nonce;                          /* -1: off */
    int nonce_inject;                   /* -1: off */

    /* CORS */
    apr_array_header_t *cors_origins;   /* sec_origin_pattern_t; NULL unset */
    int cors_any;                       /* "*" */
    int cors_credentials;               /* -1 */
    const char *cors_methods;           /* rendered list; NULL: default */
    apr_array_header_t *cors_headers;   /* const char* lower case; NULL unset */
    const char *cors_headers_text;      /* rendered */
    const char *cors_expose;            /* rendered; NULL unset; "" none */
    apr_int64_t cors_max_age;           /* -1 unset */
    int cors_set;                       /* any SecCORS* here (for the config check) */

    /* the report handler */
    apr_int64_t report_max_body;        /* -1: 64K */
    int report_events_per_minute;       /* -1: 100 */
} hd_dir_t;

typedef struct {
    apr_array_header_t *trusted_proxies; /* sec_cidr_t; NULL: none */
} hd_srv_t;

extern module AP_MODULE_DECLARE_DATA secheaders_module;
extern const command_rec secheaders_cmds[];

void *hd_create_dir(apr_pool_t *p, char *dir);
void *hd_merge_dir(apr_pool_t *p, void *base, void *add);
void *hd_create_srv(apr_pool_t *p, server_rec *s);
void *hd_merge_srv(apr_pool_t *p, void *base, void *add);

/* The built-in profiles' resolved policies, made in pre_config. */
apr_status_t hd_profiles_init(apr_pool_t *pconf);
const hd_csp_t *hd_profile_csp(int profile);
/* The policy in force for a merged config. */
const hd_csp_t *hd_csp_of(const hd_dir_t *d);

/* Config checks that need merged sections (CORS "*" with credentials). */
const char *hd_check_sections(apr_pool_t *p, server_rec *s);

static inline int hd_enabled(const hd_dir_t *d)
{
    return d->enabled == -1 ? d->profile != -1 : d->enabled;
}
static inline int hd_profile_of(const hd_dir_t *d)
{
    return d->profile == -1 ? SEC_HDR_STRICT : d->profile;
}

/* The optional functions of mod_seccore this module uses (all may be NULL:
 * secheaders works without seccore). */
typedef struct {
    APR_OPTIONAL_FN_TYPE(seccore_event) *event;
    APR_OPTIONAL_FN_TYPE(seccore_error) *error;
    APR_OPTIONAL_FN_TYPE(seccore_metric_add) *metric_add;
    APR_OPTIONAL_FN_TYPE(seccore_local_store) *local_store;
} hd_core_t;
extern hd_core_t hd_core;

/* secheaders_apply.c: the headers of a response. */
void hd_register_apply_hooks(void);
/* Sets the security headers of d on r's response (the filter calls it; so
 * does the preflight answer, which has no filter). */
void hd_apply_headers(request_rec *r, const hd_dir_t *d);
/* The request's nonce (made on first use, in the initial request), or NULL
 * when no nonce is configured. */
const char *hd_request_nonce(request_rec *r);

/* secheaders_cors.c */
const char *hd_cmd_cors_origin(cmd_parms *cmd, void *dc, const char *arg);
int hd_cors_preflight(request_rec *r, const hd_dir_t *d);
void hd_cors_response(request_rec *r, const hd_dir_t *d);
int hd_cors_active(const hd_dir_t *d);

/* secheaders_nonce_filter.c */
void hd_register_nonce_filter(void);
void hd_insert_nonce_filter(request_rec *r, const hd_dir_t *d);

/* secheaders_report.c */
void hd_register_report_handler(void);

#endif
