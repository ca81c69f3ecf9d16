/* mod_secratelimit: one zone's decision for one request, against the stores.
 *
 * Two stores are involved. The shared one (SecStore: this server's shm, or a
 * memcached cluster for a fleet) holds the window counters and bans every
 * server sees. The local one (always this server's shm) holds per-server
 * state: tokens leased from the shared counters, deny decisions cached until
 * their Retry-After, the previous window's count, and a fallback limit used
 * while the shared store is away.
 *
 * - Shared store is shm: count directly, one increment per request.
 * - Shared store is memcached: one increment leases about 2.5% of the
 *   ceiling into this server's local store; children spend those tokens
 *   with local operations. Tokens are taken before they are spent, so
 *   leasing never admits more than the limit; what a server leased and did
 *   not spend (at most one lease per server per window) is the accuracy
 *   cost, in the direction of refusing early.
 *
 * What a refusal took from the shared count is given back (a decrement of
 * the request, or of the leased tokens not granted): otherwise a client over
 * its limit -- even one that waits out every Retry-After and then sends its
 * next request at once -- sees each refusal eat the room of a later request
 * and gets about half its rate. Decisions stay based on the value the
 * atomic increment returned, so a give-back never lets two requests share
 * one place: it can only make a later request's estimate lower.
 */
#include <httpd.h>
#include <http_log.h>
#include <http_request.h>
#include <apr_strings.h>
#include "secratelimit.h"
#include "sec_parse.h"
#include "sec_log.h"

APLOG_USE_MODULE(secratelimit);

/* The namespaces secctl uses too are in sec_ratelimit.h. */
#define NS_COUNT    "rl"       /* shared: <kh>:<window> request counts */
#define NS_FAIL     "rlx"      /* shared: <kh>:<window> failure counts */
#define NS_BAN      SEC_RL_NS_BAN
#define NS_KILL     SEC_RL_NS_KILL
#define NS_DENY     SEC_RL_NS_DENY
#define NS_KCACHE   SEC_RL_NS_KCACHE
#define NS_LEASE    "rll"      /* local: u:/g:/c:<kh>:<window> used, granted, last count */
#define NS_PREV     "rlp"      /* local: <kh>:<window> cached previous count */
#define NS_FALLBACK "rlf"      /* local: <kh>:<window> counts while the shared store is away */
#define NS_STATUS   "rls"      /* local: status notes */
#define NS_EVGATE   "rle"      /* local: <kh> -> a refusal event was written recently */
#define NS_CACHED   "rlq"      /* local: <kh> -> refusals from the cache since its last event */
/* A flood answered from the deny cache writes one event per key and server
 * this often, with the number of refusals it stands for. */
#define REFUSAL_EVENT_EVERY 10
/* A server re-checks a shared ban this often, so a ban lifted with secctl
 * stops being enforced within this bound on every server. */
#define BAN_RECHECK 10
#define KILL_CACHE_TTL 2

/* A counter from the store; anything that isn't one reads as 0. */
static apr_uint64_t parse_count(const char *v)
{
    apr_uint64_t n;
    return sec_parse_uint(v, 0, APR_UINT64_MAX, &n) == APR_SUCCESS ? n : 0;
}

static const char *wkey(apr_pool_t *p, const char *prefix, const char *kh, apr_uint64_t w)
{
    return apr_psprintf(p, "%s%s:%" APR_UINT64_T_FMT, prefix, kh, w);
}

static apr_uint32_t window_ttl(const sec_rl_zone_t *z)
{
    /* a window's count is read as "prev" during the next window */
    return 2 * z->window + 1;
}

static apr_uint32_t now_sec(void)
{
    return (apr_uint32_t)apr_time_sec(apr_time_now());
}

/* --- the local deny cache ------------------------------------------------- */

/* Value: the second the refusal ends, "b" after it for a ban, so refusals
 * answered from the cache keep saying which they are. */
static int deny_cached(request_rec *r, sec_store_t *local, const char *kh, rl_result_t *res)
{
    char *v;
    apr_size_t len;
    apr_uint32_t until, now = now_sec();
    int banned;

    if (sec_store_get(local, r->pool, NS_DENY, kh, &v, &len) != APR_SUCCESS) {
        return 0;
    }
    banned = len > 1 && v[len - 1] == 'b';
    if (banned) {
        v[len - 1] = '\0';
    }
    until = (apr_uint32_t)parse_count(v);
    if (until <= now) {
        return 0;
    }
    res->verdict = banned ? RL_BANNED : RL_DENY;
    res->retry_after = until - now;
    res->from_cache = 1;
    return 1;
}

/* Refuse kh locally for secs seconds (the Retry-After clients are told),
 * re-checking the shared store after at most ttl seconds. */
static void deny_remember(request_rec *r, sec_store_t *local, const char *kh, apr_uint32_t secs,
                          apr_uint32_t ttl, int banned)
{
    const char *v = apr_psprintf(r->pool, "%u%s", now_sec() + secs, banned ? "b" : "");
    sec_store_set(local, r->pool, NS_DENY, kh, v, strlen(v), ttl < secs ? ttl : secs);
}

int rl_refusal_event_due(request_rec *r, const char *kh, const rl_result_t *res,
                         apr_uint64_t *cached)
{
    sec_store_t *local = rl_core.local_store();
    apr_uint64_t n = 0;

    *cached = 0;
    /* Store outages (onstorefail=closed) are refused per request without a
     * cache, and gated the same way. */
    if (!res->from_cache && res->verdict != RL_STORE_DOWN) {
        sec_store_set(local, r->pool, NS_EVGATE, kh, "1", 1, REFUSAL_EVENT_EVERY);
        return 1;
    }
    /* Counted on every cached refusal; what the next event reports. */
    if (sec_store_incr(local, r->pool, NS_CACHED, kh, 1, 3600, &n) != APR_SUCCESS) {
        return 0;
    }
    if (sec_store_add(local, r->pool, NS_EVGATE, kh, "1", 1, REFUSAL_EVENT_EVERY) !=
        APR_SUCCESS) {
        return 0;
    }
    /* Taken back, not reset: refusals counted meanwhile go to the next one. */
    sec_store_decr(local, r->pool, NS_CACHED, kh, n, NULL);
    *cached = n;
    return 1;
}

/* --- bans ------------------------------------------------------------------- */

/* Returns 1 when a ban is in force (res filled), 0 when not, -1 on outage. */
static int ban_check(request_rec *r, sec_store_t *shared, sec_store_t *local, const char *kh,
                     rl_result_t *res)
{
    char *v;
    apr_size_t len;
    apr_status_t rv = sec_store_get(shared, r->pool, NS_BAN, kh, &v, &len);
    json_t *j;
    apr_uint32_t until = 0, now = now_sec();

    if (rv == APR_NOTFOUND) {
        return 0;
    }
    if (rv != APR_SUCCESS) {
        return -1;
    }
    if ((j = json_loadb(v, len, 0, NULL))) {
        until = (apr_uint32_t)json_integer_value(json_object_get(j, "until"));
        json_decref(j);
    }
    if (until <= now) {
        return 0;
    }
    res->verdict = RL_BANNED;
    res->retry_after = until - now;
    deny_remember(r, local, kh, res->retry_after, BAN_RECHECK, 1);
    return 1;
}

static void ban_start(request_rec *r, const rl_zone_t *zone, sec_store_t *shared,
                      sec_store_t *local, const char *kh, rl_result_t *res, const char *subject)
{
    apr_uint32_t until = now_sec() + zone->z.ban;
    json_t *rec = json_pack("{s:s, s:s, s:s, s:i}", "zone", zone->z.name, "subject", subject,
                            "hash", kh, "until", (json_int_t)until);
    char *text = json_dumps(rec, JSON_COMPACT);

    json_decref(rec);
    if (!text) {
        return;
    }
    /* add: the first server to ban decides the ban's end */
    if (sec_store_add(shared, r->pool, NS_BAN, kh, text, strlen(text), zone->z.ban) ==
        APR_SUCCESS) {
        res->new_ban = 1;
        /* so secctl can list bans (neither store can scan its keys) */
        sec_store_index_add(shared, r->pool, SEC_RL_NS_BANIDX, kh, zone->z.ban);
    }
    free(text);
    res->verdict = RL_BANNED;
    res->retry_after = zone->z.ban;
    deny_remember(r, local, kh, zone->z.ban, BAN_RECHECK, 1);
}

/* --- the fallback limit while the shared store is away ------------------------ */

static void decide(const sec_rl_zone_t *z, apr_uint64_t prev, apr_uint64_t cur, apr_time_t e,
                   rl_result_t *res);

/* What the status page shows of a zone's fallback on this server: decisions
 * made by it (a day's worth) and when it last decided. */
#define FALLBACK_NOTE_TTL 86400

static void fallback_note(request_rec *r, sec_store_t *local, const rl_zone_t *zone,
                          const rl_result_t *res, const char *now)
{
    const char *name = zone->z.name;

    sec_store_incr(local, r->pool, NS_STATUS,
                   apr_pstrcat(r->pool, res->verdict == RL_ALLOW ? "fa:" : "fd:", name, NULL),
                   1, FALLBACK_NOTE_TTL, NULL);
    sec_store_set(local, r->pool, NS_STATUS, apr_pstrcat(r->pool, "fl:", name, NULL), now,
                  strlen(now), FALLBACK_NOTE_TTL);
}

static void fallback_decide(request_rec *r, const rl_zone_t *zone, sec_store_t *local,
                            const char *kh, rl_result_t *res);

static void fallback(request_rec *r, const rl_zone_t *zone, sec_store_t *local, const char *kh,
                     rl_result_t *res)
{
    const char *now = apr_psprintf(r->pool, "%u", now_sec());

    res->fallback = 1;
    sec_store_set(local, r->pool, NS_STATUS, "fallback-last", now, strlen(now), 3600);
    fallback_decide(r, zone, local, kh, res);
    fallback_note(r, local, zone, res, now);
}

static void fallback_decide(request_rec *r, const rl_zone_t *zone, sec_store_t *local,
                            const char *kh, rl_result_t *res)
{
    const sec_rl_zone_t *z = &zone->z;
    apr_time_t e;
    apr_uint64_t w = sec_rl_window_index(z, apr_time_now(), &e), cur = 0, prev = 0;
    const char *cur_key = wkey(r->pool, "", kh, w);
    char *v;
    apr_size_t len;

    if (z->fail_closed) {
        res->verdict = RL_STORE_DOWN;
        return;
    }
    /* Open: a per-server bound at the zone's own rate. A failures zone
     * only reads it -- rl_count_failure adds the failures -- so users who
     * type their password right are not throttled while the store is away. */
    if (z->count_failures) {
        if (sec_store_get(local, r->pool, NS_FALLBACK, cur_key, &v, &len) == APR_SUCCESS) {
            cur = parse_count(v);
        }
        cur++;
    }
    else if (sec_store_incr(local, r->pool, NS_FALLBACK, cur_key, 1, window_ttl(z), &cur) !=
             APR_SUCCESS) {
        res->verdict = RL_ALLOW;
        return;
    }
    if (sec_store_get(local, r->pool, NS_FALLBACK, wkey(r->pool, "", kh, w - 1), &v, &len) ==
        APR_SUCCESS) {
        prev = parse_count(v);
    }
    decide(z, prev, cur, e, res);
    if (!z->count_failures) {
        if (res->verdict == RL_DENY) {
            /* Refused: not counted, as with the shared store. */
            sec_store_decr(local, r->pool, NS_FALLBACK, cur_key, 1, NULL);
        }
        else {
            res->counted = RL_COUNTED_LOCAL;
            res->window = w;
        }
    }
}

/* --- the previous window's count --------------------------------------------- */

static apr_status_t prev_count(request_rec *r, const sec_rl_zone_t *z, sec_store_t *shared,
                               sec_store_t *local, const char *ns, const char *kh,
                               apr_uint64_t w, apr_uint64_t *prev)
{
    char *v;
    apr_size_t len;
    const char *k = wkey(r->pool, "", kh, w - 1);
    apr_status_t rv;

    /* The previous window no longer changes (but for stragglers), so a
     * shared store is asked once per window per server. */
    if (local != shared &&
        sec_store_get(local, r->pool, NS_PREV, apr_pstrcat(r->pool, ns, k, NULL), &v, &len) ==
            APR_SUCCESS) {
        *prev = parse_count(v);
        return APR_SUCCESS;
    }
    rv = sec_store_get(shared, r->pool, ns, k, &v, &len);
    if (rv == APR_NOTFOUND) {
        *prev = 0;
        v = "0";
        len = 1;
    }
    else if (rv != APR_SUCCESS) {
        return rv;
    }
    else {
        *prev = parse_count(v);
    }
    if (local != shared) {
        sec_store_set(local, r->pool, NS_PREV, apr_pstrcat(r->pool, ns, k, NULL), v, len,
                      z->window);
    }
    return APR_SUCCESS;
}

/* --- the decision ----------------------------------------------------------- */

static void decide(const sec_rl_zone_t *z, apr_uint64_t prev, apr_uint64_t cur, apr_time_t e,
                   rl_result_t *res)
{
    double est = sec_rl_estimate(prev, cur, e, z->window);

    res->count = (apr_uint64_t)(est + 0.5);
    if (est > (double)sec_rl_ceiling(z)) {
        res->verdict = RL_DENY;
        res->retry_after = sec_rl_retry_after(z, prev, cur, e);
    }
    else {
        res->verdict = RL_ALLOW;
        res->remaining = sec_rl_ceiling(z) - (apr_uint64_t)(est + 0.999);
    }
}

/* A request counted in "used" that will not spend a token (refused, or the
 * shared store failed) gives its place back, or used would run ahead of
 * granted for good and starve the zone once the store returns. */
static void lease_void(request_rec *r, const sec_rl_zone_t *z, sec_store_t *local,
                       const char *kh, apr_uint64_t w)
{
    apr_uint64_t n;
    sec_store_incr(local, r->pool, NS_LEASE, wkey(r->pool, "g:", kh, w), 1, window_ttl(z), &n);
}

/* Leased counting for a shared store that costs a round trip. */
static apr_status_t leased(request_rec *r, const sec_rl_zone_t *z, sec_store_t *shared,
                           sec_store_t *local, const char *kh, apr_uint64_t w, apr_time_t e,
                           int want_remaining, rl_result_t *res)
{
    int banned;
    apr_uint64_t used, granted = 0, cur, prev = 0, last = 0;
    apr_uint32_t lease, grant;
    char *v;
    apr_size_t len;
    apr_status_t rv;

    if (sec_store_incr(local, r->pool, NS_LEASE, wkey(r->pool, "u:", kh, w), 1, window_ttl(z),
                       &used) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    if (sec_store_get(local, r->pool, NS_LEASE, wkey(r->pool, "g:", kh, w), &v, &len) ==
        APR_SUCCESS) {
        granted = parse_count(v);
    }
    if (used <= granted) {
        /* Spend a leased token: no round trip. The estimate is only for
         * the RateLimit header of allowed responses. */
        if (want_remaining) {
            if (sec_store_get(local, r->pool, NS_LEASE, wkey(r->pool, "c:", kh, w), &v,
                              &len) == APR_SUCCESS) {
                last = parse_count(v);
            }
            prev_count(r, z, shared, local, NS_COUNT, kh, w, &prev);
            decide(z, prev, last > granted - used ? last - (granted - used) : 0, e, res);
        }
        res->verdict = RL_ALLOW;
        res->counted = RL_COUNTED_LEASE;
        res->window = w;
        return APR_SUCCESS;
    }
    /* Out of tokens. A ban set by another server is noticed here, at lease
     * time, at the latest after one lease's worth of requests. */
    if (z->ban && (banned = ban_check(r, shared, local, kh, res)) != 0) {
        lease_void(r, z, local, kh, w);
        return banned > 0 ? APR_SUCCESS : SEC_STORE_EUNAVAILABLE;
    }
    /* Lease more with one increment of the shared count. */
    lease = sec_rl_lease_size(z);
    if ((rv = sec_store_incr(shared, r->pool, NS_COUNT, wkey(r->pool, "", kh, w), lease,
                             window_ttl(z), &cur)) != APR_SUCCESS) {
        lease_void(r, z, local, kh, w);
        return rv;
    }
    if ((rv = prev_count(r, z, shared, local, NS_COUNT, kh, w, &prev)) != APR_SUCCESS) {
        lease_void(r, z, local, kh, w);
        return rv;
    }
    grant = sec_rl_lease_grant(z, prev, cur, e, lease);
    /* The tokens taken that the ceiling had no room for go back. */
    if (grant < lease && sec_store_decr(shared, r->pool, NS_COUNT, wkey(r->pool, "", kh, w),
                                        lease - grant, NULL) == APR_SUCCESS) {
        cur = cur > lease - grant ? cur - (lease - grant) : 0;
    }
    if (grant > 0) {
        const char *cs = apr_psprintf(r->pool, "%" APR_UINT64_T_FMT, cur);
        sec_store_incr(local, r->pool, NS_LEASE, wkey(r->pool, "g:", kh, w), grant,
                       window_ttl(z), &granted);
        sec_store_set(local, r->pool, NS_LEASE, wkey(r->pool, "c:", kh, w), cs, strlen(cs),
                      window_ttl(z));
        if (used <= granted) {
            decide(z, prev, cur - (granted - used), e, res);
            res->verdict = RL_ALLOW;
            res->counted = RL_COUNTED_LEASE;
            res->window = w;
            return APR_SUCCESS;
        }
    }
    lease_void(r, z, local, kh, w);
    decide(z, prev, cur > sec_rl_ceiling(z) ? cur : sec_rl_ceiling(z) + 1, e, res);
    res->verdict = RL_DENY;
    res->retry_after = sec_rl_retry_after(z, prev, cur, e);
    return APR_SUCCESS;
}

void rl_check(request_rec *r, const rl_zone_t *zone, const char *kh, const char *key,
              int is_ip, int want_remaining, rl_result_t *res)
{
    const sec_rl_zone_t *z = &zone->z;
    sec_store_t *shared = rl_core.store(r->server), *local = rl_core.local_store();
    apr_time_t e;
    apr_uint64_t w = sec_rl_window_index(z, apr_time_now(), &e), cur = 0, prev = 0;
    apr_status_t rv = APR_SUCCESS;
    char *v;
    apr_size_t len;

    int direct = shared->kind == SEC_STORE_KIND_SHM || z->lease == 1;

    memset(res, 0, sizeof(*res));
    if (!z->report_only && deny_cached(r, local, kh, res)) {
        return;
    }
    /* Bans: every request when the shared store is local or the zone makes
     * a round trip anyway; at lease time otherwise (leased()). */
    if (z->ban && (direct || z->count_failures)) {
        int b = ban_check(r, shared, local, kh, res);
        if (b == 1) {
            return;
        }
        if (b < 0) {
            fallback(r, zone, local, kh, res);
            return;
        }
    }
    if (z->count_failures) {
        /* Failures are counted after the response (rl_count_failure); here
         * the door closes once the ceiling is reached. */
        rv = sec_store_get(shared, r->pool, NS_FAIL, wkey(r->pool, "", kh, w), &v, &len);
        if (rv == APR_SUCCESS) {
            cur = parse_count(v);
        }
        if (rv == APR_SUCCESS || rv == APR_NOTFOUND) {
            rv = prev_count(r, z, shared, local, NS_FAIL, kh, w, &prev);
        }
        if (sec_store_is_outage(rv)) {
            fallback(r, zone, local, kh, res);
            return;
        }
        decide(z, prev, cur + 1, e, res);
    }
    else if (direct) {
        rv = sec_store_incr(shared, r->pool, NS_COUNT, wkey(r->pool, "", kh, w), 1,
                            window_ttl(z), &cur);
        if (rv == APR_SUCCESS) {
            rv = prev_count(r, z, shared, local, NS_COUNT, kh, w, &prev);
        }
        if (rv != APR_SUCCESS) {
            fallback(r, zone, local, kh, res);
            return;
        }
        decide(z, prev, cur, e, res);
        if (res->verdict == RL_DENY) {
            /* Refused (or, in report mode, would be): not counted. */
            sec_store_decr(shared, r->pool, NS_COUNT, wkey(r->pool, "", kh, w), 1, NULL);
        }
        else {
            res->counted = RL_COUNTED_SHARED;
            res->window = w;
        }
    }
    else if ((rv = leased(r, z, shared, local, kh, w, e, want_remaining, res)) != APR_SUCCESS) {
        fallback(r, zone, local, kh, res);
        return;
    }
    if (res->verdict == RL_DENY && !z->report_only) {
        if (z->ban) {
            ban_start(r, zone, shared, local, kh, res, sec_rl_key_mask(r->pool, key, is_ip));
        }
        else {
            deny_remember(r, local, kh, res->retry_after, res->retry_after, 0);
        }
    }
}

void rl_uncount(request_rec *r, const rl_zone_t *zone, const char *kh, const rl_result_t *res)
{
    const sec_rl_zone_t *z = &zone->z;
    const char *k = wkey(r->pool, "", kh, res->window);

    switch (res->counted) {
    case RL_COUNTED_SHARED:
        sec_store_decr(rl_core.store(r->server), r->pool, NS_COUNT, k, 1, NULL);
        break;
    case RL_COUNTED_LEASE:
        /* The token was spent from this server's lease: it goes back there. */
        lease_void(r, z, rl_core.local_store(), kh, res->window);
        break;
    case RL_COUNTED_LOCAL:
        sec_store_decr(rl_core.local_store(), r->pool, NS_FALLBACK, k, 1, NULL);
        break;
    default:
        break;
    }
}

void rl_count_failure(request_rec *r, const rl_zone_t *zone, const char *kh)
{
    const sec_rl_zone_t *z = &zone->z;
    sec_store_t *shared = rl_core.store(r->server), *local = rl_core.local_store();
    apr_time_t e;
    apr_uint64_t w = sec_rl_window_index(z, apr_time_now(), &e), cur;

    if (sec_store_incr(shared, r->pool, NS_FAIL, wkey(r->pool, "", kh, w), 1, window_ttl(z),
                       &cur) != APR_SUCCESS) {
        sec_store_incr(local, r->pool, NS_FALLBACK, wkey(r->pool, "", kh, w), 1,
                       window_ttl(z), &cur);
    }
}

int rl_kill_switch_on(request_rec *r, const char *name, const char **message)
{
    sec_store_t *shared = rl_core.store(r->server), *local = rl_core.local_store();
    char *v;
    apr_size_t len;
    apr_status_t rv;

    /* Cached for KILL_CACHE_TTL seconds per server: a flag flipped with
     * secctl takes effect everywhere within that bound, without a round
     * trip per request. "-" caches "not set". */
    if (sec_store_get(local, r->pool, NS_KCACHE, name, &v, &len) == APR_SUCCESS) {
        if (!strcmp(v, "-")) {
            return 0;
        }
        *message = v;
        return 1;
    }
    rv = sec_store_get(shared, r->pool, NS_KILL, name, &v, &len);
    if (rv == APR_NOTFOUND) {
        sec_store_set(local, r->pool, NS_KCACHE, name, "-", 1, KILL_CACHE_TTL);
        return 0;
    }
    if (rv != APR_SUCCESS) {
        /* Can't tell: a kill switch is an emergency brake the admin pulls on
         * purpose, so an outage doesn't pull it. */
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r, SECLOGNO(04001)
                      "SecKillSwitch %s: store unavailable, treating the switch as off", name);
        return 0;
    }
    sec_store_set(local, r->pool, NS_KCACHE, name, v, len, KILL_CACHE_TTL);
    *message = v;
    return 1;
}

typedef struct {
    request_rec *r;
    sec_store_t *local;
    apr_uint32_t now;
    json_t *doc;
} rl_status_t;

static apr_uint64_t status_count(rl_status_t *st, const char *prefix, const char *zone)
{
    char *v;
    apr_size_t len;

    return sec_store_get(st->local, st->r->pool, NS_STATUS,
                         apr_pstrcat(st->r->pool, prefix, zone, NULL), &v, &len) == APR_SUCCESS
               ? parse_count(v) : 0;
}

/* One zone that fell back on this server: the bound it kept alone and what
 * that bound decided. */
static void status_zone(const rl_zone_t *zone, void *baton)
{
    rl_status_t *st = baton;
    apr_uint64_t last = status_count(st, "fl:", zone->z.name);

    if (!last) {
        return;
    }
    json_array_append_new(
        json_object_get(st->doc, "fallbackZones"),
        json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:I}", "zone", zone->z.name,
                  "onStoreFail", zone->z.fail_closed ? "closed" : "open",
                  /* requests per key and window this server admits alone */
                  "localLimit", zone->z.fail_closed
                                    ? json_null()
                                    : json_integer((json_int_t)zone->z.limit + zone->z.burst),
                  "windowSeconds", (json_int_t)zone->z.window,
                  "allowed", (json_int_t)status_count(st, "fa:", zone->z.name),
                  "refused", (json_int_t)status_count(st, "fd:", zone->z.name),
                  "lastAgo", (json_int_t)(st->now >= last ? st->now - last : 0)));
}

json_t *rl_status(request_rec *r)
{
    sec_store_t *local = rl_core.local_store ? rl_core.local_store() : NULL;
    char *v;
    apr_size_t len;
    apr_uint32_t last = 0, now = now_sec();
    rl_status_t st;

    if (local && sec_store_get(local, r->pool, NS_STATUS, "fallback-last", &v, &len) ==
        APR_SUCCESS) {
        last = (apr_uint32_t)parse_count(v);
    }
    /* "active": the shared store failed a rate-limit call in the last 10 s,
     * so the local per-server limits are what is enforced right now. */
    st.doc = json_pack("{s:b, s:i, s:o}", "fallbackActive", last && now - last <= 10,
                       "lastFallbackAgo", last ? (json_int_t)(now - last) : (json_int_t)-1,
                       "fallbackZones", json_array());
    st.r = r;
    st.local = local;
    st.now = now;
    if (local) {
        rl_zones_each(r->pool, r->server, status_zone, &st);
    }
    return st.doc;
}
