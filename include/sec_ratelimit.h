/* Rate limiting: zones, the sliding-window arithmetic, keys and headers.
 * httpd-independent; mod_secratelimit does the store calls.
 *
 * Algorithm: a sliding-window counter. Counts live in fixed windows of W
 * seconds; the estimate at time t, elapsed e into the current window, is
 *     prev * (W - e) / W + cur
 * so a burst at a window boundary can't pass twice the rate (the fixed-window
 * flaw), with two counters per key instead of a log of timestamps.
 */
#ifndef SEC_RATELIMIT_H
#define SEC_RATELIMIT_H

#include <apr_pools.h>
#include <apr_time.h>

/* Store namespaces mod_secratelimit and secctl both use (shared store,
 * except the two caches, which live in each server's own shm). */
#define SEC_RL_NS_BAN     "rlban"    /* <kh> -> ban record (JSON) */
#define SEC_RL_NS_BANIDX  "rlbanidx" /* listing index of ban keys */
#define SEC_RL_NS_KILL    "ks"       /* <name> -> kill switch message */
#define SEC_RL_NS_KILLIDX "ksidx"    /* listing index of kill switch names */
#define SEC_RL_NS_DENY    "rld"      /* local: <kh> -> deny-until */
#define SEC_RL_NS_KCACHE  "ksc"      /* local: kill switch cache */

#define SEC_RL_NAME_MAX 32
#define SEC_RL_LIMIT_MAX 1000000000u
#define SEC_RL_WINDOW_MAX 86400u

typedef struct {
    const char *name;
    apr_uint32_t limit;        /* requests per window */
    apr_uint32_t burst;        /* extra requests tolerated above limit */
    apr_uint32_t window;       /* seconds */
    const char *key_expr;      /* ap_expr source; NULL = client address */
    apr_uint32_t ban;          /* seconds; 0 = none */
    int count_failures;        /* count only responses with a failure status */
    apr_uint32_t failure_statuses[8]; /* 0-terminated; default 401, 403 */
    int report_only;           /* mode=report */
    int fail_closed;           /* onstorefail=closed */
    int ipv6_prefix;           /* bits kept of an IPv6 client address */
    apr_int32_t lease;         /* tokens leased per store round trip; -1 = auto */
    int builtin;
} sec_rl_zone_t;

/* "100/1m", "5/15m", "10/s", "1000/1h": limit and window in seconds. */
apr_status_t sec_rl_rate_parse(const char *s, apr_uint32_t *limit, apr_uint32_t *window);

/* 1-32 characters of [A-Za-z0-9_-]: zone names end up in metric labels and
 * store keys. */
int sec_rl_name_valid(const char *name);

/* A zone from "SecRateLimitZone name opt=value ..." words (not including the
 * name). *err names the bad word. */
apr_status_t sec_rl_zone_parse(apr_pool_t *p, const char *name, int argc, char *const argv[],
                               sec_rl_zone_t **out, const char **err);

/* The preset zones (auth, strict, api, web, webhook, streaming), or NULL. */
const sec_rl_zone_t *sec_rl_builtin(const char *name);
/* The presets in order, for callers that prepare all of them: NULL past
 * the last. */
const sec_rl_zone_t *sec_rl_builtin_at(apr_size_t i);

/* 1 when status counts for a count=failures zone. */
int sec_rl_is_failure(const sec_rl_zone_t *z, int status);

/* Window number and microseconds elapsed in it at time now. */
apr_uint64_t sec_rl_window_index(const sec_rl_zone_t *z, apr_time_t now, apr_time_t *elapsed);

/* The sliding estimate for prev and cur counts. */
double sec_rl_estimate(apr_uint64_t prev, apr_uint64_t cur, apr_time_t elapsed,
                       apr_uint32_t window);

/* The effective ceiling: limit + burst. */
apr_uint64_t sec_rl_ceiling(const sec_rl_zone_t *z);

/* Seconds until the estimate falls below the ceiling again (at least 1). */
apr_uint32_t sec_rl_retry_after(const sec_rl_zone_t *z, apr_uint64_t prev, apr_uint64_t cur,
                                apr_time_t elapsed);

/* Tokens to take from a shared store in one increment: about 2.5% of the
 * ceiling, so tokens a server leased but did not spend cost at most that
 * much of the limit per server, and never over-admit. */
apr_uint32_t sec_rl_lease_size(const sec_rl_zone_t *z);

/* How many of a just-leased lease may be used: the increment brought the
 * window count to cur (lease included); prev is the previous window's. */
apr_uint32_t sec_rl_lease_grant(const sec_rl_zone_t *z, apr_uint64_t prev, apr_uint64_t cur,
                                apr_time_t elapsed, apr_uint32_t lease);

/* The limiting key for a client address: IPv4 as is, IPv6 cut to the zone's
 * prefix ("2001:db8:1:2::/64"), so one host can't rotate through its /64. */
const char *sec_rl_client_key(apr_pool_t *p, const char *ip, int ipv6_prefix);

/* What the store sees: base64url of SHA-256("secratelimit" zone key),
 * 128 bits. Raw addresses and user names never reach the store. */
const char *sec_rl_key_hash(apr_pool_t *p, const char *zone, const char *key);

/* For logs and events: a truncated address, or the first character and a
 * hash prefix of any other key. */
const char *sec_rl_key_mask(apr_pool_t *p, const char *key, int is_ip);

/* IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): the policy
 * item  "name";q=100;w=60  and the limit item  "name";r=42;t=17 . */
const char *sec_rl_policy_item(apr_pool_t *p, const sec_rl_zone_t *z);
const char *sec_rl_limit_item(apr_pool_t *p, const sec_rl_zone_t *z, apr_uint64_t remaining,
                              apr_uint32_t reset);

#endif
