/* sec_ratelimit (sec_ratelimit.h): zone lines and the arithmetic behind a
 * decision.
 *
 * Input layout: the whole input is a "SecRateLimitZone" line without the
 * directive: split at whitespace, word 0 is the zone name and the other words
 * its options (sec_rl_zone_parse). The whole input, NUL-terminated, is also
 * a rate (sec_rl_rate_parse) and a client address (sec_rl_client_key, prefix
 * from the first byte). When the zone parses, counts, elapsed times and lease
 * sizes are derived from a hash of the input bytes (a few rounds of splitmix64
 * per input, with edge values mixed in) and fed to sec_rl_estimate,
 * sec_rl_retry_after, sec_rl_lease_size and sec_rl_lease_grant.
 *
 * Invariants: a parsed rate/zone is inside the documented bounds; an error
 * has a message; the estimate is finite and >= 0 and between cur and
 * prev + cur; Retry-After is in [1, 2 * window]; a lease is 1..100000 (the
 * zone's own when set) and a grant never exceeds the lease nor, when the
 * lease fits, falls short of it; client keys and key hashes have the
 * documented shapes. */
#include <math.h>
#include <string.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_ratelimit.h"
#include "sec_cidr.h"

#define MAX_ARGS 64
#define ROUNDS 8

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t fnv1a(const uint8_t *d, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    for (i = 0; i < n; i++) {
        h = (h ^ d[i]) * 0x100000001b3ULL;
    }
    return h;
}

/* A count near the interesting range of ceiling c, or an edge value. */
static apr_uint64_t some_count(uint64_t *s, apr_uint64_t c)
{
    uint64_t r = splitmix(s);
    switch (r % 8) {
    case 0: return 0;
    case 1: return c;
    case 2: return c + 1;
    case 3: return c ? c - 1 : 0;
    case 4: return splitmix(s) >> (splitmix(s) % 64);   /* anything, mostly large */
    default: return splitmix(s) % (3 * c + 2);
    }
}

static void check_zone(const sec_rl_zone_t *z, const uint8_t *data, size_t size)
{
    apr_uint64_t c = sec_rl_ceiling(z);
    apr_time_t w_us = (apr_time_t)z->window * APR_USEC_PER_SEC;
    uint64_t seed = fnv1a(data, size);
    apr_uint32_t lease = sec_rl_lease_size(z);
    int i;

    FZ_ASSERT(c == (apr_uint64_t)z->limit + z->burst && c >= 1);
    FZ_ASSERT(lease >= 1 && lease <= 100000);
    if (z->lease > 0) {
        FZ_ASSERT(lease == (apr_uint32_t)z->lease);
    }
    else {
        FZ_ASSERT(lease == (c / 40 < 1 ? 1 : c / 40 > 100000 ? 100000 : c / 40));
    }

    for (i = 0; i < ROUNDS; i++) {
        apr_uint64_t prev = some_count(&seed, c), cur = some_count(&seed, c);
        apr_time_t e, now = (apr_time_t)(splitmix(&seed) >> 2);
        apr_uint64_t w = sec_rl_window_index(z, now, &e);
        double est;
        apr_uint32_t r, g, any_lease;

        FZ_ASSERT(e >= 0 && e < w_us);
        FZ_ASSERT(w == (apr_uint64_t)now / (apr_uint64_t)w_us);
        if (splitmix(&seed) % 4 == 0) {
            e = (splitmix(&seed) % 2) ? 0 : w_us - 1;
        }

        est = sec_rl_estimate(prev, cur, e, z->window);
        FZ_ASSERT(isfinite(est) && est >= 0);
        FZ_ASSERT(est >= (double)cur * (1 - 1e-12));
        FZ_ASSERT(est <= ((double)prev + (double)cur) * (1 + 1e-12));

        r = sec_rl_retry_after(z, prev, cur, e);
        FZ_ASSERT(r >= 1 && r <= 2 * z->window);

        /* the zone's lease, as the module takes it */
        if (cur >= lease) {
            g = sec_rl_lease_grant(z, prev, cur, e, lease);
            FZ_ASSERT(g <= lease);
            /* (a margin for rounding when the fit is exact to the last bit) */
            if (sec_rl_estimate(prev, cur - lease, e, z->window) + lease + 1e-6 <= (double)c) {
                FZ_ASSERT(g == lease);
            }
            if (sec_rl_estimate(prev, cur - lease, e, z->window) >= (double)c) {
                FZ_ASSERT(g == 0);
            }
        }
        /* any lease, any count */
        any_lease = (apr_uint32_t)splitmix(&seed);
        if (splitmix(&seed) % 2) {
            any_lease %= 100001;
        }
        g = sec_rl_lease_grant(z, prev, cur, e, any_lease);
        FZ_ASSERT(g <= any_lease);
    }
}

static void check_client_key(apr_pool_t *p, const char *s, int bits)
{
    const char *k = sec_rl_client_key(p, s, bits);
    sec_ip_t ip;

    FZ_ASSERT(k != NULL);
    if (sec_ip_parse(s, &ip) != APR_SUCCESS) {
        FZ_ASSERT(k == s);   /* not an address: the input itself */
        return;
    }
    if (ip.family == 4) {
        sec_ip_t back;
        FZ_ASSERT(!strchr(k, '/'));
        FZ_ASSERT(sec_ip_parse(k, &back) == APR_SUCCESS && back.family == 4);
        FZ_ASSERT(!memcmp(back.addr, ip.addr, 4));   /* IPv4 whole */
    }
    else if (bits >= 0 && bits <= 128) {
        /* "<network>/<bits>": a valid range that contains the client */
        sec_cidr_t range;
        FZ_ASSERT(sec_cidr_parse(k, &range) == APR_SUCCESS);
        FZ_ASSERT(range.bits == bits);
        FZ_ASSERT(sec_cidr_contains(&range, &ip));
    }
    else {
        FZ_ASSERT(strchr(k, '/') != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *s = fz_cstr(data, size);
    char *words[MAX_ARGS], *argv[MAX_ARGS];
    int n, argc = 0, i;
    apr_uint32_t limit = 0, window = 0;
    sec_rl_zone_t *z = NULL;
    const char *err = NULL;

    /* the whole input as a rate */
    if (sec_rl_rate_parse(s, &limit, &window) == APR_SUCCESS) {
        FZ_ASSERT(limit >= 1 && limit <= SEC_RL_LIMIT_MAX);
        FZ_ASSERT(window >= 1 && window <= SEC_RL_WINDOW_MAX);
        FZ_ASSERT(apr_isdigit(s[0]) && strchr(s, '/'));
    }

    /* a zone line */
    n = fz_split(data, size, " \t\n\r\v\f", 6, words, MAX_ARGS);
    for (i = 1; i < n; i++) {
        if (*words[i]) {
            argv[argc++] = words[i];   /* httpd never passes empty words */
        }
    }
    if (n > 0) {
        if (sec_rl_zone_parse(p, words[0], argc, argv, &z, &err) == APR_SUCCESS) {
            int k;
            FZ_ASSERT(z && sec_rl_name_valid(z->name) && !strcmp(z->name, words[0]));
            FZ_ASSERT(z->limit >= 1 && z->limit <= SEC_RL_LIMIT_MAX);
            FZ_ASSERT(z->window >= 1 && z->window <= SEC_RL_WINDOW_MAX);
            FZ_ASSERT(z->burst <= SEC_RL_LIMIT_MAX);
            FZ_ASSERT(z->ban <= 30 * 86400);
            FZ_ASSERT(z->ipv6_prefix >= 16 && z->ipv6_prefix <= 128);
            FZ_ASSERT(z->lease == -1 || (z->lease >= 1 && z->lease <= 100000));
            FZ_ASSERT(!z->key_expr || *z->key_expr);
            FZ_ASSERT(z->failure_statuses[0] != 0);
            for (k = 0; k < 8 && z->failure_statuses[k]; k++) {
                FZ_ASSERT(z->failure_statuses[k] >= 100 && z->failure_statuses[k] <= 599);
                FZ_ASSERT(sec_rl_is_failure(z, (int)z->failure_statuses[k]));
            }
            FZ_ASSERT(k < 8);   /* 0-terminated */
            FZ_ASSERT(!sec_rl_is_failure(z, 0));
            check_zone(z, data, size);
            {
                const char *pi = sec_rl_policy_item(p, z);
                FZ_ASSERT(pi && pi[0] == '"' && strstr(pi, "\";q="));
            }
        }
        else {
            FZ_ASSERT(err != NULL && *err);
        }
    }

    /* the whole input as a client address, and as any limiting key */
    check_client_key(p, s, size ? (int)data[0] - 64 : 64);
    check_client_key(p, s, 64);
    {
        const char *h = sec_rl_key_hash(p, "fz", s), *c;
        const char *m = sec_rl_key_mask(p, s, 0);
        FZ_ASSERT(strlen(h) == 22);
        for (c = h; *c; c++) {
            FZ_ASSERT(apr_isalnum(*c) || *c == '-' || *c == '_');
        }
        FZ_ASSERT(m && (*s ? strlen(m) == 13 : !strcmp(m, "(empty)")));
        m = sec_rl_key_mask(p, s, 1);
        FZ_ASSERT(m && *m);
    }

    fz_free_fields(words, n);
    free(s);
    fz_pool_clear(p);
    return 0;
}
