/* mod_secratelimit: shared declarations of its files. */
#ifndef SECRATELIMIT_H
#define SECRATELIMIT_H

#include <httpd.h>
#include <http_config.h>
#include <ap_expr.h>
#include <apr_hash.h>
#include "sec_ratelimit.h"
#include "sec_store.h"
#include "mod_seccore.h"

/* A zone as configured: the core library's description plus its compiled
 * key expression. */
typedef struct {
    sec_rl_zone_t z;
    ap_expr_info_t *key;      /* NULL: client address */
    int key_needs_user;       /* evaluate after authentication */
    /* made once with the zone, not per request */
    const char *policy_item;  /* its RateLimit-Policy item */
    const char *allow_labels; /* metric labels of an allowed request */
} rl_zone_t;

typedef struct {
    apr_hash_t *zones;        /* name -> rl_zone_t*; vhosts overlay the main server */
} rl_srv_t;

enum { RL_HEADERS_UNSET = -1, RL_HEADERS_OFF = 0, RL_HEADERS_DENIED = 1, RL_HEADERS_ALL = 2 };

typedef struct {
    int enabled;                     /* -1 unset, 0 "off", 1 zones given */
    apr_array_header_t *zones;       /* const char* names */
    apr_array_header_t *exempt_ips;  /* sec_cidr_t; NULL unset */
    apr_array_header_t *exempt_exprs;/* ap_expr_info_t* */
    int exempt_set;
    int headers;
    int legacy_headers;
    apr_array_header_t *kill_switches; /* const char*; NULL unset */
} rl_dir_t;

extern module AP_MODULE_DECLARE_DATA secratelimit_module;
extern const command_rec secratelimit_cmds[];

void *rl_create_srv(apr_pool_t *p, server_rec *s);
void *rl_merge_srv(apr_pool_t *p, void *base, void *add);
void *rl_create_dir(apr_pool_t *p, char *dir);
void *rl_merge_dir(apr_pool_t *p, void *base, void *add);

/* Zone names referenced by SecRateLimit, checked once every zone is known. */
void rl_config_reset(void);
/* Prepares the presets so lookups at request time only read (post_config,
 * before any child runs: lookups happen on many threads). */
void rl_builtins_prepare(apr_pool_t *p);
const char *rl_config_check_references(apr_pool_t *p, server_rec *s);
const rl_zone_t *rl_zone_lookup(server_rec *s, const char *name);
/* Every zone a request of server s can name: its own, then the presets it
 * doesn't redefine. */
void rl_zones_each(apr_pool_t *p, server_rec *s,
                   void (*fn)(const rl_zone_t *zone, void *baton), void *baton);

/* The optional functions of mod_seccore this module uses. */
typedef struct {
    APR_OPTIONAL_FN_TYPE(seccore_store) *store;
    APR_OPTIONAL_FN_TYPE(seccore_local_store) *local_store;
    APR_OPTIONAL_FN_TYPE(seccore_error) *error;
    APR_OPTIONAL_FN_TYPE(seccore_event) *event;
    APR_OPTIONAL_FN_TYPE(seccore_metric_add) *metric_add;
    APR_OPTIONAL_FN_TYPE(seccore_register_status) *register_status;
} rl_core_t;
extern rl_core_t rl_core;

/* secratelimit_check.c: one zone's decision for one request. */
typedef enum { RL_ALLOW = 0, RL_DENY, RL_BANNED, RL_STORE_DOWN } rl_verdict_e;

typedef struct {
    rl_verdict_e verdict;
    apr_uint32_t retry_after;   /* when denied */
    apr_uint64_t remaining;     /* when allowed, approximate on leases; computed
                                   on leased tokens only when asked for */
    apr_uint64_t count;         /* the estimate that decided, rounded */
    int from_cache;             /* decided by the local deny cache */
    int fallback;               /* the shared store was away: local limit used */
    int new_ban;                /* this request started a ban */
    enum { RL_COUNTED_NONE = 0, RL_COUNTED_SHARED, RL_COUNTED_LEASE, RL_COUNTED_LOCAL }
        counted;                /* where an allowed request was counted */
    apr_uint64_t window;        /* ... and in which window */
} rl_result_t;

/* key: the zone's key for r (masked only if a ban record is written). */
void rl_check(request_rec *r, const rl_zone_t *zone, const char *kh, const char *key,
              int is_ip, int want_remaining, rl_result_t *res);
void rl_count_failure(request_rec *r, const rl_zone_t *zone, const char *kh);
/* Takes back the count of a request this zone allowed and another zone of
 * the same location then refused: a refused request costs no zone budget. */
void rl_uncount(request_rec *r, const rl_zone_t *zone, const char *kh, const rl_result_t *res);
/* Whether a refusal of kh gets an audit event: every one the store decided;
 * of those the local deny cache answers (and 503s of a store outage), one
 * per key and server every 10 s, *cached then saying how many refusals it
 * stands for. */
int rl_refusal_event_due(request_rec *r, const char *kh, const rl_result_t *res,
                         apr_uint64_t *cached);
int rl_kill_switch_on(request_rec *r, const char *name, const char **message);
json_t *rl_status(request_rec *r);

#endif
