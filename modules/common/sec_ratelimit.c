/* Rate-limit zones and arithmetic; see sec_ratelimit.h. */
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_ratelimit.h"
#include "sec_parse.h"
#include "sec_cidr.h"
#include "sec_crypto.h"

#define MIN_LEASE 1
#define MAX_LEASE 100000

static const sec_rl_zone_t builtins[] = {
    /* name, limit, burst, window, key, ban, failures, statuses, report, closed, v6, lease, builtin */
    {"auth", 5, 0, 900, NULL, 0, 0, {401, 403, 0}, 0, 0, 64, -1, 1},
    {"strict", 20, 0, 60, NULL, 0, 0, {401, 403, 0}, 0, 0, 64, -1, 1},
    {"api", 100, 0, 60, NULL, 0, 0, {401, 403, 0}, 0, 0, 64, -1, 1},
    {"web", 300, 0, 60, NULL, 0, 0, {401, 403, 0}, 0, 0, 64, -1, 1},
    {"webhook", 1000, 0, 60, NULL, 0, 0, {401, 403, 0}, 0, 0, 64, -1, 1},
    {"streaming", 60, 0, 60, NULL, 0, 0, {401, 403, 0}, 0, 0, 64, -1, 1},
};

const sec_rl_zone_t *sec_rl_builtin(const char *name)
{
    apr_size_t i;

    for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        if (!strcmp(builtins[i].name, name)) {
            return &builtins[i];
        }
    }
    return NULL;
}

const sec_rl_zone_t *sec_rl_builtin_at(apr_size_t i)
{
    return i < sizeof(builtins) / sizeof(builtins[0]) ? &builtins[i] : NULL;
}

int sec_rl_name_valid(const char *name)
{
    const char *c;

    if (!name || !*name || strlen(name) > SEC_RL_NAME_MAX) {
        return 0;
    }
    for (c = name; *c; c++) {
        if (!apr_isalnum(*c) && *c != '_' && *c != '-') {
            return 0;
        }
    }
    return 1;
}

/* sec_parse_uint for the 32-bit fields of a zone. */
static apr_status_t parse_u32(const char *s, apr_uint32_t lo, apr_uint32_t hi, apr_uint32_t *out)
{
    apr_uint64_t v;
    apr_status_t rv = sec_parse_uint(s, lo, hi, &v);

    if (rv == APR_SUCCESS) {
        *out = (apr_uint32_t)v;
    }
    return rv;
}

apr_status_t sec_rl_rate_parse(const char *s, apr_uint32_t *limit, apr_uint32_t *window)
{
    const char *slash;
    char num[16];
    const char *w;
    apr_interval_time_t d;

    if (!s || !(slash = strchr(s, '/')) || slash == s || (apr_size_t)(slash - s) >= sizeof(num)) {
        return APR_EINVAL;
    }
    memcpy(num, s, (apr_size_t)(slash - s));
    num[slash - s] = '\0';
    if (parse_u32(num, 1, SEC_RL_LIMIT_MAX, limit) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    w = slash + 1;
    /* "10/s" reads as "10/1s" */
    if (*w && !apr_isdigit(*w)) {
        char buf[16];
        if (strlen(w) + 2 > sizeof(buf)) {
            return APR_EINVAL;
        }
        buf[0] = '1';
        apr_cpystrn(buf + 1, w, sizeof(buf) - 1);
        if (sec_parse_duration(buf, &d) != APR_SUCCESS) {
            return APR_EINVAL;
        }
    }
    else if (sec_parse_duration(w, &d) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    /* whole seconds only: windows are counted in seconds */
    if (d < APR_USEC_PER_SEC || d % APR_USEC_PER_SEC || apr_time_sec(d) > SEC_RL_WINDOW_MAX) {
        return APR_EINVAL;
    }
    *window = (apr_uint32_t)apr_time_sec(d);
    return APR_SUCCESS;
}

static apr_status_t parse_statuses(const char *v, apr_uint32_t out[8])
{
    char buf[64], *last = NULL, *tok;
    int n = 0;

    if (strlen(v) >= sizeof(buf)) {
        return APR_EINVAL;
    }
    apr_cpystrn(buf, v, sizeof(buf));
    for (tok = apr_strtok(buf, ",", &last); tok; tok = apr_strtok(NULL, ",", &last)) {
        if (n >= 7 || parse_u32(tok, 100, 599, &out[n]) != APR_SUCCESS) {
            return APR_EINVAL;
        }
        n++;
    }
    if (n == 0) {
        return APR_EINVAL;
    }
    out[n] = 0;
    return APR_SUCCESS;
}

apr_status_t sec_rl_zone_parse(apr_pool_t *p, const char *name, int argc, char *const argv[],
                               sec_rl_zone_t **out, const char **err)
{
    sec_rl_zone_t *z = apr_pcalloc(p, sizeof(*z));
    int i, have_rate = 0;

    if (!sec_rl_name_valid(name)) {
        *err = apr_psprintf(p, "zone name '%s': use 1-%d characters of A-Z a-z 0-9 _ -", name,
                            SEC_RL_NAME_MAX);
        return APR_EINVAL;
    }
    z->name = apr_pstrdup(p, name);
    z->failure_statuses[0] = 401;
    z->failure_statuses[1] = 403;
    z->ipv6_prefix = 64;
    z->lease = -1;
    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (sec_parse_option(a, "rate", &v)) {
            if (sec_rl_rate_parse(v, &z->limit, &z->window) != APR_SUCCESS) {
                *err = apr_psprintf(p, "rate=%s: expected <requests>/<window> with 1 to %u "
                                    "requests and a window of whole seconds up to 1d, e.g. "
                                    "rate=100/1m", v, SEC_RL_LIMIT_MAX);
                return APR_EINVAL;
            }
            have_rate = 1;
        }
        else if (sec_parse_option(a, "key", &v)) {
            if (!*v) {
                *err = "key=: empty expression";
                return APR_EINVAL;
            }
            z->key_expr = apr_pstrdup(p, v);
        }
        else if (sec_parse_option(a, "burst", &v)) {
            if (parse_u32(v, 0, SEC_RL_LIMIT_MAX, &z->burst) != APR_SUCCESS) {
                *err = apr_psprintf(p, "burst=%s: expected a number of requests", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "ban", &v)) {
            apr_interval_time_t d;
            if (sec_parse_duration(v, &d) != APR_SUCCESS || d < APR_USEC_PER_SEC ||
                apr_time_sec(d) > 30 * 86400) {
                *err = apr_psprintf(p, "ban=%s: expected a duration from 1s to 30d, e.g. ban=10m", v);
                return APR_EINVAL;
            }
            z->ban = (apr_uint32_t)apr_time_sec(d);
        }
        else if (sec_parse_option(a, "count", &v)) {
            if (!strcmp(v, "all")) z->count_failures = 0;
            else if (!strcmp(v, "failures")) z->count_failures = 1;
            else {
                *err = apr_psprintf(p, "count=%s: expected all or failures", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "failures", &v)) {
            if (parse_statuses(v, z->failure_statuses) != APR_SUCCESS) {
                *err = apr_psprintf(p, "failures=%s: expected HTTP statuses, e.g. failures=401,403", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "mode", &v)) {
            if (!strcmp(v, "enforce")) z->report_only = 0;
            else if (!strcmp(v, "report")) z->report_only = 1;
            else {
                *err = apr_psprintf(p, "mode=%s: expected enforce or report", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "onstorefail", &v)) {
            if (!strcmp(v, "open")) z->fail_closed = 0;
            else if (!strcmp(v, "closed")) z->fail_closed = 1;
            else {
                *err = apr_psprintf(p, "onstorefail=%s: expected open or closed", v);
                return APR_EINVAL;
            }
        }
        else if (sec_parse_option(a, "ipv6prefix", &v)) {
            apr_uint32_t bits;
            if (parse_u32(v, 16, 128, &bits) != APR_SUCCESS) {
                *err = apr_psprintf(p, "ipv6prefix=%s: expected 16 to 128 bits", v);
                return APR_EINVAL;
            }
            z->ipv6_prefix = (int)bits;
        }
        else if (sec_parse_option(a, "lease", &v)) {
            apr_uint32_t n;
            if (!strcmp(v, "auto")) {
                z->lease = -1;
            }
            else if (parse_u32(v, 1, MAX_LEASE, &n) == APR_SUCCESS) {
                z->lease = (apr_int32_t)n;
            }
            else {
                *err = apr_psprintf(p, "lease=%s: expected auto or 1 to %d", v, MAX_LEASE);
                return APR_EINVAL;
            }
        }
        else {
            *err = apr_psprintf(p, "unknown option '%s' (known: rate=, key=, burst=, ban=, "
                                "count=, failures=, mode=, onstorefail=, ipv6prefix=, lease=)", a);
            return APR_EINVAL;
        }
    }
    if (!have_rate) {
        *err = apr_psprintf(p, "zone '%s' needs rate=<requests>/<window>", name);
        return APR_EINVAL;
    }
    *out = z;
    return APR_SUCCESS;
}

int sec_rl_is_failure(const sec_rl_zone_t *z, int status)
{
    int i;

    for (i = 0; i < 8 && z->failure_statuses[i]; i++) {
        if ((int)z->failure_statuses[i] == status) {
            return 1;
        }
    }
    return 0;
}

apr_uint64_t sec_rl_window_index(const sec_rl_zone_t *z, apr_time_t now, apr_time_t *elapsed)
{
    apr_uint64_t w_us = (apr_uint64_t)z->window * APR_USEC_PER_SEC;
    apr_uint64_t t = now > 0 ? (apr_uint64_t)now : 0;

    *elapsed = (apr_time_t)(t % w_us);
    return t / w_us;
}

double sec_rl_estimate(apr_uint64_t prev, apr_uint64_t cur, apr_time_t elapsed,
                       apr_uint32_t window)
{
    double w = (double)window * APR_USEC_PER_SEC;
    double left = (w - (double)elapsed) / w;

    if (left < 0) left = 0;
    if (left > 1) left = 1;
    return (double)prev * left + (double)cur;
}

apr_uint64_t sec_rl_ceiling(const sec_rl_zone_t *z)
{
    return (apr_uint64_t)z->limit + z->burst;
}

apr_uint32_t sec_rl_retry_after(const sec_rl_zone_t *z, apr_uint64_t prev, apr_uint64_t cur,
                                apr_time_t elapsed)
{
    double w = (double)z->window, e = (double)elapsed / APR_USEC_PER_SEC;
    double room = (double)sec_rl_ceiling(z) - 1;   /* admit the next one */
    double t;

    if ((double)cur > room) {
        /* This window alone is over: wait for it to end, then for its count
         * (by then "prev") to decay below the ceiling. */
        t = (w - e) + w * (1.0 - room / (double)cur);
    }
    else if (prev > 0) {
        t = w * (1.0 - (room - (double)cur) / (double)prev) - e;
    }
    else {
        t = 1;
    }
    if (t < 1) t = 1;
    if (t > 2 * w) t = 2 * w;
    return (apr_uint32_t)ceil(t);
}

apr_uint32_t sec_rl_lease_size(const sec_rl_zone_t *z)
{
    apr_uint64_t n;

    if (z->lease > 0) {
        return (apr_uint32_t)z->lease;
    }
    n = sec_rl_ceiling(z) / 40;
    if (n < MIN_LEASE) n = MIN_LEASE;
    if (n > MAX_LEASE) n = MAX_LEASE;
    return (apr_uint32_t)n;
}

apr_uint32_t sec_rl_lease_grant(const sec_rl_zone_t *z, apr_uint64_t prev, apr_uint64_t cur,
                                apr_time_t elapsed, apr_uint32_t lease)
{
    double before = sec_rl_estimate(prev, cur >= lease ? cur - lease : 0, elapsed, z->window);
    double room = (double)sec_rl_ceiling(z) - before;

    if (room <= 0) {
        return 0;
    }
    return room >= lease ? lease : (apr_uint32_t)room;
}

const char *sec_rl_client_key(apr_pool_t *p, const char *ip, int ipv6_prefix)
{
    sec_ip_t a;

    if (!ip || sec_ip_parse(ip, &a) != APR_SUCCESS) {
        return ip ? ip : "-";
    }
    if (a.family == 4) {
        return sec_ip_prefix_string(p, &a, 32);
    }
    return apr_psprintf(p, "%s/%d", sec_ip_prefix_string(p, &a, ipv6_prefix), ipv6_prefix);
}

const char *sec_rl_key_hash(apr_pool_t *p, const char *zone, const char *key)
{
    unsigned char d[SEC_SHA256_LEN];
    const char *material = apr_pstrcat(p, "secratelimit\n", zone, "\n", key, NULL);

    sec_sha256(material, strlen(material), d);
    return sec_base64url_encode(p, d, 16);
}

const char *sec_rl_key_mask(apr_pool_t *p, const char *key, int is_ip)
{
    unsigned char d[SEC_SHA256_LEN];

    if (is_ip) {
        const char *slash = strchr(key, '/');
        return sec_ip_truncate(p, slash ? apr_pstrmemdup(p, key, (apr_size_t)(slash - key)) : key);
    }
    if (!*key) {
        return "(empty)";
    }
    sec_sha256(key, strlen(key), d);
    return apr_psprintf(p, "%c***#%s", apr_isalnum(*key) ? *key : '?', sec_hex(p, d, 4));
}

const char *sec_rl_policy_item(apr_pool_t *p, const sec_rl_zone_t *z)
{
    return apr_psprintf(p, "\"%s\";q=%u;w=%u", z->name, z->limit, z->window);
}

const char *sec_rl_limit_item(apr_pool_t *p, const sec_rl_zone_t *z, apr_uint64_t remaining,
                              apr_uint32_t reset)
{
    return apr_psprintf(p, "\"%s\";r=%" APR_UINT64_T_FMT ";t=%u", z->name, remaining, reset);
}
