/* mod_secratelimit: rate limits per directory, shared by every child of a
 * server (embedded store) or every server of a fleet (memcached); bans,
 * failures-only counting for login endpoints, report mode, kill switches.
 *
 * Hooks: zones are checked in access_checker (before authentication and the
 * handler, so a refused request costs no backend work), zones keyed on the
 * user in fixups (after authentication, still before the handler), failures
 * are counted by an output filter as the response starts, once its status is
 * known (log_transaction counts what that filter never saw).
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>
#include "secratelimit.h"
#include "sec_cidr.h"
#include "sec_log.h"

rl_core_t rl_core;

#define MODULE_NAME "secratelimit"

/* Per request: what was decided, for headers and failure counting. */
typedef struct {
    apr_array_header_t *failure_zones;   /* rl_applied_t of count=failures zones */
    apr_array_header_t *counted;         /* rl_applied_t of zones that counted this
                                          * request (locations with several zones) */
    const char *policy;                  /* RateLimit-Policy items so far */
    const rl_zone_t *tightest;           /* for RateLimit on allowed responses */
    apr_uint64_t tightest_remaining;
    int done_pre;                        /* access_checker ran its zones */
} rl_req_t;

typedef struct {
    const rl_zone_t *zone;
    const char *kh;
    rl_result_t res;
    int judged;               /* count=failures: the status was looked at */
} rl_applied_t;

#define FAILURES_FILTER "SECRATELIMIT_FAILURES"
static ap_filter_rec_t *failures_filter;

static rl_req_t *req_state(request_rec *r)
{
    rl_req_t *st = ap_get_module_config(r->request_config, &secratelimit_module);

    if (!st) {
        st = apr_pcalloc(r->pool, sizeof(*st));
        ap_set_module_config(r->request_config, &secratelimit_module, st);
    }
    return st;
}

static void metric(request_rec *r, const char *zone, const char *outcome)
{
    if (rl_core.metric_add) {
        rl_core.metric_add("secmods_ratelimit_requests_total",
                           apr_psprintf(r->pool, "zone=\"%s\",outcome=\"%s\"", zone, outcome),
                           1);
    }
}

static int is_exempt(request_rec *r, const rl_dir_t *d)
{
    int i;

    if (d->exempt_ips) {
        sec_ip_t ip;
        if (sec_ip_parse(r->useragent_ip, &ip) == APR_SUCCESS &&
            sec_cidr_list_contains(d->exempt_ips, &ip)) {
            return 1;
        }
    }
    for (i = 0; d->exempt_exprs && i < d->exempt_exprs->nelts; i++) {
        const char *err = NULL;
        int rc = ap_expr_exec(r, APR_ARRAY_IDX(d->exempt_exprs, i, ap_expr_info_t *), &err);
        if (err) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(04002)
                          "SecRateLimitExempt: expression failed: %s", err);
        }
        else if (rc > 0) {
            return 1;
        }
    }
    return 0;
}

/* The zone's key for this request and whether it is a client address. An
 * expression that fails or yields nothing falls back to the address, so
 * leaving out a header can't escape a limit. */
static const char *zone_key(request_rec *r, const rl_zone_t *zone, int *is_ip)
{
    if (zone->key) {
        const char *err = NULL;
        const char *k = ap_expr_str_exec(r, zone->key, &err);
        if (!err && k && *k) {
            *is_ip = 0;
            return k;
        }
        if (err) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SECLOGNO(04003)
                          "SecRateLimitZone %s: key expression failed (%s); using the "
                          "client address", zone->z.name, err);
        }
    }
    *is_ip = 1;
    return sec_rl_client_key(r->pool, r->useragent_ip, zone->z.ipv6_prefix);
}

static void add_policy(request_rec *r, rl_req_t *st, const rl_zone_t *zone)
{
    const char *item = zone->policy_item;
    st->policy = st->policy ? apr_pstrcat(r->pool, st->policy, ", ", item, NULL) : item;
}

static void set_headers(request_rec *r, const rl_dir_t *d, rl_req_t *st, const rl_zone_t *zone,
                        apr_uint64_t remaining, apr_uint32_t reset)
{
    /* err_headers_out: kept on the error responses too */
    apr_table_setn(r->err_headers_out, "RateLimit-Policy", st->policy);
    apr_table_setn(r->err_headers_out, "RateLimit",
                   sec_rl_limit_item(r->pool, &zone->z, remaining, reset));
    if (d->legacy_headers == 1) {
        apr_table_setn(r->err_headers_out, "X-RateLimit-Limit",
                       apr_psprintf(r->pool, "%u", zone->z.limit));
        apr_table_setn(r->err_headers_out, "X-RateLimit-Remaining",
                       apr_psprintf(r->pool, "%" APR_UINT64_T_FMT, remaining));
        apr_table_setn(r->err_headers_out, "X-RateLimit-Reset",
                       apr_psprintf(r->pool, "%u", reset));
    }
}

/* cached: for refusals the local deny cache (or a store outage) answered,
 * how many of this key the event stands for; 0 otherwise. */
static void event(request_rec *r, const rl_zone_t *zone, const char *name, const char *outcome,
                  const char *reason, const rl_result_t *res, const char *key, int is_ip,
                  apr_uint64_t cached)
{
    json_t *extra;
    const char *subject;

    if (!rl_core.event) {
        return;
    }
    /* Masked here, when an event is written, not on every request. */
    subject = sec_rl_key_mask(r->pool, key, is_ip);
    /* "subject", not "key": event fields named like secrets are dropped. */
    extra = json_pack("{s:s, s:s, s:s, s:I, s:i, s:i, s:i}", "zone", zone->z.name,
                      "subject", subject, "subjectKind", is_ip ? "ip" : "expression",
                      "count", (json_int_t)res->count, "limit", (json_int_t)zone->z.limit,
                      "windowSeconds", (json_int_t)zone->z.window,
                      "retryAfter", (json_int_t)res->retry_after);
    if (zone->z.ban && res->verdict == RL_BANNED) {
        json_object_set_new(extra, "banSeconds", json_integer(zone->z.ban));
    }
    if (res->from_cache) {
        /* decided earlier: no fresh count */
        json_object_del(extra, "count");
        json_object_set_new(extra, "fromCache", json_true());
    }
    if (res->from_cache || res->verdict == RL_STORE_DOWN) {
        json_object_set_new(extra, "refused", json_integer((json_int_t)cached));
    }
    rl_core.event(r, MODULE_NAME, name, outcome, reason, extra);
    json_decref(extra);
}

static int refuse(request_rec *r, const rl_dir_t *d, rl_req_t *st, const rl_zone_t *zone,
                  const rl_result_t *res)
{
    json_t *extra;
    int rc;
    const char *msg;

    if (res->verdict == RL_STORE_DOWN) {
        metric(r, zone->z.name, "store_down");
        extra = json_pack("{s:s}", "zone", zone->z.name);
        rc = rl_core.error(r, MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                           "The service is temporarily unavailable. Try again shortly.", extra);
        json_decref(extra);
        return rc;
    }
    metric(r, zone->z.name, res->verdict == RL_BANNED ? "banned" : "deny");
    apr_table_setn(r->err_headers_out, "Retry-After", apr_psprintf(r->pool, "%u", res->retry_after));
    if (d->headers != RL_HEADERS_OFF) {
        set_headers(r, d, st, zone, 0, res->retry_after);
    }
    msg = apr_psprintf(r->pool, "Rate limit exceeded. Try again in %u second%s.",
                       res->retry_after, res->retry_after == 1 ? "" : "s");
    extra = json_pack("{s:i, s:s}", "retryAfter", (json_int_t)res->retry_after, "zone",
                      zone->z.name);
    rc = rl_core.error(r, MODULE_NAME, HTTP_TOO_MANY_REQUESTS, "RATE_LIMITED", msg, extra);
    json_decref(extra);
    return rc;
}

/* Seconds until the zone's current window ends (at least 1): when the
 * oldest part of what an allowed response counted starts to weigh less. */
static apr_uint32_t window_left(const sec_rl_zone_t *z)
{
    apr_time_t elapsed;
    apr_uint32_t done;

    sec_rl_window_index(z, apr_time_now(), &elapsed);
    done = (apr_uint32_t)apr_time_sec(elapsed);
    return done < z->window ? z->window - done : 1;
}

/* The failure-counting entry of a count=failures zone in this request: made
 * in access_checker for zones keyed on the user, whose key fixups fill in. */
static rl_applied_t *failure_zone(request_rec *r, rl_req_t *st, const rl_zone_t *zone)
{
    rl_applied_t *a;
    int i;

    if (!st->failure_zones) {
        st->failure_zones = apr_array_make(r->pool, 2, sizeof(rl_applied_t));
    }
    for (i = 0; i < st->failure_zones->nelts; i++) {
        a = &APR_ARRAY_IDX(st->failure_zones, i, rl_applied_t);
        if (a->zone == zone) {
            return a;
        }
    }
    a = apr_array_push(st->failure_zones);
    a->zone = zone;
    a->kh = NULL;
    a->judged = 0;
    return a;
}

/* Checks the zones of this directory that belong to this phase. */
static int check_zones(request_rec *r, int after_auth)
{
    rl_dir_t *d = ap_get_module_config(r->per_dir_config, &secratelimit_module);
    rl_req_t *st = req_state(r);
    int i, j;

    if (d->enabled != 1 || !d->zones || d->zones->nelts == 0) {
        return DECLINED;
    }
    if (!rl_core.store || !rl_core.local_store()) {
        return DECLINED;   /* logged at start-up */
    }
    if (is_exempt(r, d)) {
        return DECLINED;
    }
    for (i = 0; i < d->zones->nelts; i++) {
        const char *name = APR_ARRAY_IDX(d->zones, i, const char *);
        const rl_zone_t *zone = rl_zone_lookup(r->server, name);
        const char *key, *kh;
        int is_ip;
        rl_result_t res;
        apr_uint64_t cached;

        if (!zone) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(04004)
                          "SecRateLimit %s: no such zone (in a .htaccess?); not limited", name);
            continue;
        }
        if (zone->key_needs_user != after_auth) {
            if (!after_auth && zone->z.count_failures) {
                /* A failed login ends before fixups: its failure is still
                 * counted, under the user authentication named (mod_auth_basic
                 * sets r->user before it checks the password). */
                failure_zone(r, st, zone);
            }
            continue;
        }
        key = zone_key(r, zone, &is_ip);
        kh = sec_rl_key_hash(r->pool, zone->z.name, key);
        if (d->headers != RL_HEADERS_OFF) {
            add_policy(r, st, zone);
        }
        rl_check(r, zone, kh, key, is_ip, d->headers == RL_HEADERS_ALL, &res);

        if (zone->z.count_failures) {
            failure_zone(r, st, zone)->kh = kh;
        }
        if (res.fallback) {
            metric(r, zone->z.name, "fallback");
        }
        if (res.verdict == RL_ALLOW) {
            if (res.counted && d->zones->nelts > 1) {
                rl_applied_t *a;
                if (!st->counted) {
                    st->counted = apr_array_make(r->pool, d->zones->nelts, sizeof(rl_applied_t));
                }
                a = apr_array_push(st->counted);
                a->zone = zone;
                a->kh = kh;
                a->res = res;
            }
            if (rl_core.metric_add) {
                rl_core.metric_add("secmods_ratelimit_requests_total", zone->allow_labels, 1);
            }
            if (!st->tightest || res.remaining < st->tightest_remaining) {
                st->tightest = zone;
                st->tightest_remaining = res.remaining;
            }
            continue;
        }
        if (zone->z.report_only) {
            /* Would have refused: say so once per key and window per server,
             * not on every request of a flood. */
            apr_time_t e;
            apr_uint64_t w = sec_rl_window_index(&zone->z, apr_time_now(), &e);
            if (sec_store_add(rl_core.local_store(), r->pool, "rlr",
                              apr_psprintf(r->pool, "%s:%" APR_UINT64_T_FMT, kh, w), "1", 1,
                              zone->z.window * 2) == APR_SUCCESS) {
                event(r, zone, "ratelimit.report", "report",
                      zone->z.count_failures ? "failures" : "rate", &res, key, is_ip, 0);
            }
            metric(r, zone->z.name, "report");
            continue;
        }
        if (rl_refusal_event_due(r, kh, &res, &cached)) {
            const char *reason = res.verdict == RL_BANNED ? "ban"
                                 : res.verdict == RL_STORE_DOWN ? "store-unavailable"
                                 : zone->z.count_failures ? "failures" : "rate";
            event(r, zone, res.new_ban ? "ratelimit.ban" : "ratelimit.deny",
                  res.verdict == RL_STORE_DOWN ? "error" : "deny", reason, &res, key, is_ip,
                  cached);
        }
        /* The zones before this one counted a request that is refused. */
        for (j = 0; st->counted && j < st->counted->nelts; j++) {
            const rl_applied_t *a = &APR_ARRAY_IDX(st->counted, j, rl_applied_t);
            rl_uncount(r, a->zone, a->kh, &a->res);
        }
        return refuse(r, d, st, zone, &res);
    }
    if (d->headers == RL_HEADERS_ALL && st->tightest) {
        set_headers(r, d, st, st->tightest, st->tightest_remaining,
                    window_left(&st->tightest->z));
    }
    return DECLINED;
}

static int check_kill_switches(request_rec *r)
{
    rl_dir_t *d = ap_get_module_config(r->per_dir_config, &secratelimit_module);
    int i;

    for (i = 0; d->kill_switches && i < d->kill_switches->nelts; i++) {
        const char *name = APR_ARRAY_IDX(d->kill_switches, i, const char *), *msg = NULL;
        if (rl_kill_switch_on(r, name, &msg)) {
            json_t *extra = json_pack("{s:s}", "switch", name);
            int rc;
            metric(r, name, "killswitch");
            if (rl_core.event) {
                rl_core.event(r, MODULE_NAME, "killswitch.deny", "deny", name, extra);
            }
            rc = rl_core.error(r, MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "TEMPORARILY_DISABLED",
                               msg && *msg && strcmp(msg, "1")
                                   ? msg : "This part of the site is temporarily disabled.",
                               extra);
            json_decref(extra);
            return rc;
        }
    }
    return DECLINED;
}

static int rl_access_checker(request_rec *r)
{
    int rc;

    if (!ap_is_initial_req(r) || !rl_core.store) {
        return DECLINED;
    }
    if ((rc = check_kill_switches(r)) != DECLINED) {
        return rc;
    }
    req_state(r)->done_pre = 1;
    return check_zones(r, 0);
}

static int rl_fixups(request_rec *r)
{
    if (!ap_is_initial_req(r) || !rl_core.store) {
        return DECLINED;
    }
    return check_zones(r, 1);
}

/* Counts the failures of this request's count=failures zones, once, from
 * the status of the response sent (resp: the last of an internal redirect
 * chain, e.g. an ErrorDocument). */
static void count_failures(request_rec *r, rl_req_t *st, const request_rec *resp)
{
    int i;

    for (i = 0; i < st->failure_zones->nelts; i++) {
        rl_applied_t *a = &APR_ARRAY_IDX(st->failure_zones, i, rl_applied_t);
        if (a->judged) {
            continue;
        }
        a->judged = 1;
        if (!sec_rl_is_failure(&a->zone->z, resp->status)) {
            continue;
        }
        if (!a->kh) {
            /* Keyed on the user, refused before fixups (a wrong password). */
            int is_ip;
            a->kh = sec_rl_key_hash(r->pool, a->zone->z.name, zone_key(r, a->zone, &is_ip));
        }
        rl_count_failure(r, a->zone, a->kh);
    }
}

static request_rec *initial_request(request_rec *r)
{
    while (r->prev) {
        r = r->prev;
    }
    return r;
}

/* The failure is counted as the response starts, before the client can see
 * its status: a client that waits for each answer before its next guess
 * gets no guess beyond the limit. log_transaction counts what this filter
 * never saw (a response that sent nothing). */
static apr_status_t failures_filter_fn(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *orig = f->ctx;
    rl_req_t *st = ap_get_module_config(orig->request_config, &secratelimit_module);

    if (st && st->failure_zones) {
        count_failures(orig, st, f->r);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* For normal responses (insert_filter) and error responses
 * (insert_error_filter: ap_send_error_response resets the chain), on the
 * request that sends the response, which an ErrorDocument makes a new one. */
static void rl_insert_failures_filter(request_rec *r)
{
    request_rec *orig;
    rl_req_t *st;

    if (r->main) {
        return;
    }
    orig = initial_request(r);
    st = ap_get_module_config(orig->request_config, &secratelimit_module);
    if (st && st->failure_zones) {
        ap_add_output_filter_handle(failures_filter, orig, r, r->connection);
    }
}

static int rl_log_transaction(request_rec *r)
{
    rl_req_t *st = ap_get_module_config(r->request_config, &secratelimit_module);
    const request_rec *last = r;

    if (!st || !st->failure_zones) {
        return DECLINED;
    }
    while (last->next) {
        last = last->next;
    }
    count_failures(r, st, last);
    return DECLINED;
}

static int rl_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    rl_config_reset();
    return OK;
}

/* check_config runs for apachectl configtest as well as at start-up, after
 * the whole configuration is read: every SecRateLimit zone is known. */
static int rl_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                           server_rec *s)
{
    const char *err = rl_config_check_references(ptemp, s);

    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(04005) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static int rl_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    rl_core.store = APR_RETRIEVE_OPTIONAL_FN(seccore_store);
    rl_core.local_store = APR_RETRIEVE_OPTIONAL_FN(seccore_local_store);
    rl_core.error = APR_RETRIEVE_OPTIONAL_FN(seccore_error);
    rl_core.event = APR_RETRIEVE_OPTIONAL_FN(seccore_event);
    rl_core.metric_add = APR_RETRIEVE_OPTIONAL_FN(seccore_metric_add);
    rl_core.register_status = APR_RETRIEVE_OPTIONAL_FN(seccore_register_status);
    if (!rl_core.store || !rl_core.local_store || !rl_core.error) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(04006)
                     "mod_secratelimit needs mod_seccore (LoadModule seccore_module before it)");
        rl_core.store = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (rl_core.register_status) {
        rl_core.register_status(MODULE_NAME, rl_status);
    }
    rl_builtins_prepare(pconf);
    return OK;
}

static void rl_register_hooks(apr_pool_t *p)
{
    /* After mod_seccore's post_config, which creates the store. */
    static const char *const after_seccore[] = {"mod_seccore.c", NULL};

    ap_hook_pre_config(rl_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(rl_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(rl_post_config, after_seccore, NULL, APR_HOOK_MIDDLE);
    /* First among access checkers: refuse before any other work. */
    ap_hook_access_checker(rl_access_checker, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_fixups(rl_fixups, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_insert_filter(rl_insert_failures_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(rl_insert_failures_filter, NULL, NULL, APR_HOOK_MIDDLE);
    /* Anywhere before the HTTP header filter, which sends the status. */
    failures_filter = ap_register_output_filter(FAILURES_FILTER, failures_filter_fn, NULL,
                                                AP_FTYPE_CONTENT_SET);
    ap_hook_log_transaction(rl_log_transaction, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(secratelimit) = {
    STANDARD20_MODULE_STUFF,
    rl_create_dir,
    rl_merge_dir,
    rl_create_srv,
    rl_merge_srv,
    secratelimit_cmds,
    rl_register_hooks
};
