/* secctl: kill switches and rate-limit bans, in the store the server uses.
 *
 *   secctl kill on NAME [--message TEXT] [--ttl DURATION]
 *   secctl kill off NAME
 *   secctl kill list
 *   secctl ban list
 *   secctl ban lift ZONE SUBJECT [--ipv6prefix BITS]   (SUBJECT: address or key)
 *   secctl ban lift --hash HASH
 *
 * The key names below must match modules/secratelimit/secratelimit_check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_hash.h>
#include <jansson.h>
#include "sec_store.h"
#include "sec_ratelimit.h"
#include "sec_parse.h"
#include "sec_cidr.h"
#include "secctl.h"

#define NS_BAN    "rlban"
#define NS_BANSEQ "rlbanidx"
#define NS_DENY   "rld"
#define NS_KILL   "ks"
#define NS_KILLSEQ "ksidx"
#define NS_KCACHE "ksc"
/* How far back the listing indexes are read. */
#define INDEX_SCAN 10000

static apr_uint64_t seq_now(apr_pool_t *p, sec_store_t *st, const char *ns)
{
    char *v;
    apr_size_t len;

    apr_uint64_t n;

    if (sec_store_get(st, p, ns, "seq", &v, &len) != APR_SUCCESS ||
        sec_parse_uint(v, 0, APR_UINT64_MAX, &n) != APR_SUCCESS) {
        return 0;
    }
    return n;
}

static int kill_on(apr_pool_t *p, sec_store_t *st, const secctl_opts_t *o, const char *name)
{
    const char *msg = o->message ? o->message : "1";
    apr_uint32_t ttl = 0;
    apr_uint64_t seq;
    apr_status_t rv;

    if (o->ttl) {
        apr_interval_time_t d;
        if (sec_parse_duration(o->ttl, &d) != APR_SUCCESS || d < APR_USEC_PER_SEC) {
            fprintf(stderr, "secctl: --ttl %s: expected a duration such as 30m\n", o->ttl);
            return 2;
        }
        ttl = (apr_uint32_t)apr_time_sec(d);
    }
    if ((rv = sec_store_set(st, p, NS_KILL, name, msg, strlen(msg), ttl)) != APR_SUCCESS) {
        fprintf(stderr, "secctl: kill on %s: %s\n", name, sec_store_strerror(p, rv));
        return 1;
    }
    /* Same machine's cache, when the store is this machine's shm. */
    sec_store_del(st, p, NS_KCACHE, name);
    if (sec_store_incr(st, p, NS_KILLSEQ, "seq", 1, 0, &seq) == APR_SUCCESS) {
        sec_store_set(st, p, NS_KILLSEQ, apr_psprintf(p, "%" APR_UINT64_T_FMT, seq), name,
                      strlen(name), ttl);
    }
    printf("kill switch %s is on%s; servers notice within 2 seconds.\n", name,
           ttl ? apr_psprintf(p, " for %u s", ttl) : "");
    return 0;
}

static int kill_off(apr_pool_t *p, sec_store_t *st, const char *name)
{
    apr_status_t rv = sec_store_del(st, p, NS_KILL, name);

    if (rv == APR_NOTFOUND) {
        printf("kill switch %s was not on.\n", name);
        return 0;
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: kill off %s: %s\n", name, sec_store_strerror(p, rv));
        return 1;
    }
    /* Same machine's cache, when the store is this machine's shm. */
    sec_store_del(st, p, NS_KCACHE, name);
    printf("kill switch %s is off; servers notice within 2 seconds.\n", name);
    return 0;
}

static int kill_list(apr_pool_t *p, sec_store_t *st)
{
    apr_uint64_t seq = seq_now(p, st, NS_KILLSEQ), n;
    apr_hash_t *seen = apr_hash_make(p);
    int count = 0;

    for (n = seq; n > 0 && seq - n < INDEX_SCAN; n--) {
        char *name, *msg;
        apr_size_t len, mlen;
        if (sec_store_get(st, p, NS_KILLSEQ, apr_psprintf(p, "%" APR_UINT64_T_FMT, n), &name,
                          &len) != APR_SUCCESS || apr_hash_get(seen, name, len)) {
            continue;
        }
        apr_hash_set(seen, name, len, "");
        if (sec_store_get(st, p, NS_KILL, name, &msg, &mlen) == APR_SUCCESS) {
            printf("%s%s%s\n", name, strcmp(msg, "1") ? "  message: " : "",
                   strcmp(msg, "1") ? msg : "");
            count++;
        }
    }
    if (!count) {
        printf("no kill switch is on.\n");
    }
    return 0;
}

static int ban_list(apr_pool_t *p, sec_store_t *st)
{
    apr_uint64_t seq = seq_now(p, st, NS_BANSEQ), n;
    apr_hash_t *seen = apr_hash_make(p);
    apr_time_t now = apr_time_sec(apr_time_now());
    int count = 0;

    for (n = seq; n > 0 && seq - n < INDEX_SCAN; n--) {
        char *kh, *rec;
        apr_size_t len, rlen;
        json_t *j;
        if (sec_store_get(st, p, NS_BANSEQ, apr_psprintf(p, "%" APR_UINT64_T_FMT, n), &kh,
                          &len) != APR_SUCCESS || apr_hash_get(seen, kh, len)) {
            continue;
        }
        apr_hash_set(seen, kh, len, "");
        if (sec_store_get(st, p, NS_BAN, kh, &rec, &rlen) != APR_SUCCESS ||
            !(j = json_loadb(rec, rlen, 0, NULL))) {
            continue;
        }
        printf("zone %-12s subject %-20s hash %s  %" APR_INT64_T_FMT " s left\n",
               json_string_value(json_object_get(j, "zone")) ?: "?",
               json_string_value(json_object_get(j, "subject")) ?: "?", kh,
               (apr_int64_t)json_integer_value(json_object_get(j, "until")) - now);
        json_decref(j);
        count++;
    }
    if (!count) {
        printf("no bans.\n");
    }
    return 0;
}

static int ban_lift(apr_pool_t *p, sec_store_t *st, const secctl_opts_t *o, const char *zone,
                    const char *subject)
{
    const char *kh = o->hash;
    apr_status_t rv;

    if (!kh) {
        sec_ip_t ip;
        const char *key = subject;
        if (!zone || !subject) {
            fprintf(stderr, "secctl: ban lift ZONE SUBJECT, or ban lift --hash HASH\n");
            return 2;
        }
        if (sec_ip_parse(subject, &ip) == APR_SUCCESS) {
            key = sec_rl_client_key(p, subject, o->ipv6prefix ? o->ipv6prefix : 64);
        }
        kh = sec_rl_key_hash(p, zone, key);
    }
    rv = sec_store_del(st, p, NS_BAN, kh);
    if (rv == APR_NOTFOUND) {
        printf("no ban for that subject.\n");
        return 1;
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: ban lift: %s\n", sec_store_strerror(p, rv));
        return 1;
    }
    sec_store_del(st, p, NS_DENY, kh);
    printf("ban lifted; every server stops enforcing it within 10 seconds.\n");
    return 0;
}

int secctl_cmd_kill(apr_pool_t *p, const secctl_opts_t *o)
{
    const char *sub = secctl_arg(o, 1), *name = secctl_arg(o, 2);
    sec_store_t *st;

    if (!sub || (strcmp(sub, "list") && !name)) {
        secctl_usage(stderr);
        return 2;
    }
    if (name && !sec_rl_name_valid(name)) {
        fprintf(stderr, "secctl: kill switch names are 1-32 characters of A-Z a-z 0-9 _ -\n");
        return 2;
    }
    if (!secctl_open_store(p, o, &st)) {
        return 1;
    }
    if (!strcmp(sub, "on")) return kill_on(p, st, o, name);
    if (!strcmp(sub, "off")) return kill_off(p, st, name);
    if (!strcmp(sub, "list")) return kill_list(p, st);
    secctl_usage(stderr);
    return 2;
}

int secctl_cmd_ban(apr_pool_t *p, const secctl_opts_t *o)
{
    const char *sub = secctl_arg(o, 1);
    sec_store_t *st;

    if (!sub || (strcmp(sub, "list") && strcmp(sub, "lift"))) {
        secctl_usage(stderr);
        return 2;
    }
    if (!secctl_open_store(p, o, &st)) {
        return 1;
    }
    if (!strcmp(sub, "list")) return ban_list(p, st);
    return ban_lift(p, st, o, secctl_arg(o, 2), secctl_arg(o, 3));
}
